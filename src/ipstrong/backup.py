"""``ipstrong backup`` / ``ipstrong restore``: the whole operational database as one file, portable between engines.

The file is a ZIP with ``manifest.json`` (migration revision, time, row counts) and one JSON-lines file per table,
rows in primary-key order. Restore needs a database migrated to the same revision whose tables are all empty, and
writes everything in one transaction: a failure leaves the target as it was. Values are stored exactly (audit
entries keep their text and hashes), so a restored audit chain verifies.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, func, insert, select, text

from ipstrong import (
    __version__,
    jobs,  # noqa: F401 - registers the jobs table
)
from ipstrong.accounts import (
    audit,
    models,  # noqa: F401 - registers the tables
)
from ipstrong.db import Base, current_revision, session_factory
from ipstrong.messages import IpsError, Msg


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


def backup(engine: Engine, url: str, out: Path) -> dict[str, Any]:
    """Write every table to ``out``; return the manifest."""
    counts: dict[str, int] = {}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf, engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            lines = [json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False) for row in rows]
            zf.writestr(f"{table.name}.jsonl", "\n".join(lines) + ("\n" if lines else ""))
            counts[table.name] = len(lines)
        manifest = {
            "revision": current_revision(url),
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "ipstrong_version": __version__,
            "counts": counts,
        }
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    tmp.replace(out)
    return manifest


def restore(engine: Engine, url: str, path: Path) -> dict[str, Any]:
    """Load a backup into an empty database at the same migration revision."""
    try:
        zf = zipfile.ZipFile(path)
        manifest = json.loads(zf.read("manifest.json"))
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError):
        raise IpsError(Msg("不是 ipstrong 备份文件", "not an ipstrong backup file").located(file=str(path))) from None
    revision = current_revision(url)
    if manifest["revision"] != revision:
        raise IpsError(
            Msg(
                f"备份的数据库版本 {manifest['revision']} 与目标 {revision} 不同，请先运行 ipstrong db upgrade",
                f"the backup is at revision {manifest['revision']}, the database at {revision}: run ipstrong db upgrade first",
            )
        )
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            if conn.scalar(select(func.count()).select_from(table)):
                raise IpsError(Msg(f"目标数据库的表 {table.name} 不为空", f"table {table.name} of the target is not empty"))
        for table in Base.metadata.sorted_tables:
            lines = zf.read(f"{table.name}.jsonl").decode("utf-8").splitlines()
            dates = {c.name for c in table.columns if isinstance(c.type, DateTime)}
            rows = []
            for line in lines:
                row = json.loads(line)
                rows.append({k: dt.datetime.fromisoformat(v) if k in dates and v else v for k, v in row.items()})
            if rows:
                conn.execute(insert(table), rows)
            if conn.dialect.name == "postgresql" and rows and "id" in table.columns:
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM {table.name}))")
                )
    with session_factory(engine)() as session, session.begin():
        audit.append(
            session,
            "system",
            "restore",
            "database",
            None,
            None,
            None,
            {"file": path.name, "revision": manifest["revision"], "counts": manifest["counts"]},
        )
    return manifest
