"""``ipstrong backup`` / ``ipstrong restore``: everything the platform holds outside the warehouse, as one file.

The file is a ZIP with ``manifest.json`` and

- ``tables/<table>.jsonl``: every operational table (all of :func:`ipstrong.db.all_tables`, whichever modules the
  process happened to import), rows in primary-key order, values exact (audit entries keep their text and hashes);
- ``files/<path>``: the files of the data directory the database refers to or cannot work without
  (:data:`DATA_FILES`: the document store, the bodies' signing keys, the session and audit keys, the audit anchor,
  the office's reference overrides and zones).

The manifest gives, per table, the row count and the SHA-256 of its JSON lines, and per file its size and SHA-256.
Restore checks every hash before writing anything, needs a database migrated to the same revision whose tables are
all empty, writes the rows in one transaction and puts the files in place only when the rows are in; it refuses a
backup that lacks a table the database has. The warehouse is not in it: it is rebuilt from its sources, or copied
as a folder (``DATA_DIR/warehouse``) — see docs/security.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Engine, Table, func, insert, select, text

from ipstrong import __version__
from ipstrong.accounts import audit
from ipstrong.db import all_tables, current_revision, session_factory
from ipstrong.messages import IpsError, Msg

FORMAT = 2
# what of DATA_DIR a backup holds: single files and whole folders, relative to the data directory
DATA_FILES = (
    "secret.key",
    "audit.key",
    "audit-anchor.jsonl",
    "keys",
    "documents",
    "reference",
)
BATCH = 1000


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


def _typed(table: Table) -> dict[str, Any]:
    """Per column that JSON cannot carry as it is, the function that reads its text back."""
    readers: dict[str, Any] = {}
    for column in table.columns:
        if isinstance(column.type, DateTime):
            readers[column.name] = dt.datetime.fromisoformat
        elif isinstance(column.type, Date):
            readers[column.name] = dt.date.fromisoformat
    return readers


def data_files(data_dir: Path) -> Iterator[tuple[str, Path]]:
    """The files of :data:`DATA_FILES` present in ``data_dir``, as (path relative to it, path)."""
    for name in DATA_FILES:
        path = data_dir / name
        if path.is_file():
            yield name, path
        elif path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and not f.name.endswith(".tmp"):
                    yield f.relative_to(data_dir).as_posix(), f


def _owner_only(path: Path) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)


def backup(engine: Engine, url: str, data_dir: Path, out: Path) -> dict[str, Any]:
    """Write every table and data file to ``out`` (readable by its owner only); return the manifest."""
    tables: dict[str, dict[str, Any]] = {}
    files: dict[str, dict[str, Any]] = {}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    _owner_only(tmp)
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf, engine.connect() as conn:
        for table in all_tables().sorted_tables:
            digest, rows = hashlib.sha256(), 0
            result = conn.execution_options(yield_per=BATCH).execute(select(table).order_by(*table.primary_key.columns))
            with zf.open(f"tables/{table.name}.jsonl", "w") as member:
                for row in result.mappings():
                    line = (json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False) + "\n").encode()
                    digest.update(line)
                    member.write(line)
                    rows += 1
            tables[table.name] = {"rows": rows, "sha256": digest.hexdigest()}
        for name, path in data_files(data_dir):
            digest = hashlib.sha256()
            with path.open("rb") as src, zf.open(f"files/{name}", "w") as member:
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    member.write(chunk)
            files[name] = {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}
        manifest = {
            "format": FORMAT,
            "revision": current_revision(url),
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "ipstrong_version": __version__,
            "counts": {name: t["rows"] for name, t in tables.items()},
            "tables": tables,
            "files": files,
        }
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    tmp.replace(out)
    return manifest


def _member_sha256(zf: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with zf.open(name) as member:
        while chunk := member.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _open(path: Path) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    not_backup = IpsError(Msg("不是 ipstrong 备份文件", "not an ipstrong backup file").located(file=str(path)))
    try:
        zf = zipfile.ZipFile(path)
        manifest = json.loads(zf.read("manifest.json"))
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError):
        raise not_backup from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        zf.close()
        raise IpsError(
            Msg(
                "备份文件格式过旧或无法识别（旧版备份缺少文档、密钥和部分表，不能完整恢复）",
                "the backup's format is old or unknown (old backups lack documents, keys and tables; they cannot restore whole)",
            ).located(file=str(path))
        )
    return zf, manifest


def _check(zf: zipfile.ZipFile, manifest: dict[str, Any], path: Path) -> None:
    """Every table the database has is in the backup and every member matches its hash: before anything is written."""
    expected = {t.name for t in all_tables().sorted_tables}
    tables, files = manifest.get("tables", {}), manifest.get("files", {})
    missing, unknown = sorted(expected - set(tables)), sorted(set(tables) - expected)
    if missing or unknown:
        raise IpsError(
            Msg(
                f"备份与数据库的表不一致：缺少 {missing}，多出 {unknown}",
                f"the backup's tables do not match the database's: missing {missing}, unknown {unknown}",
            ).located(file=str(path))
        )
    for name in files:  # a file goes back where DATA_FILES says files come from, nowhere else
        parts = Path(name).parts
        if Path(name).is_absolute() or ".." in parts or not parts or parts[0] not in DATA_FILES:
            raise IpsError(Msg(f"备份中的路径 {name} 无效", f"invalid path {name} in the backup").located(file=str(path)))
    members = [(f"tables/{name}.jsonl", t["sha256"]) for name, t in tables.items()]
    members += [(f"files/{name}", f["sha256"]) for name, f in files.items()]
    for member, sha in members:
        try:
            actual = _member_sha256(zf, member)
        except KeyError:
            actual = None
        if actual != sha:
            raise IpsError(
                Msg(
                    f"备份中的 {member} 缺失或已损坏（哈希不符）", f"{member} is missing or damaged in the backup (hash mismatch)"
                ).located(file=str(path))
            )


def restore(engine: Engine, url: str, data_dir: Path, path: Path) -> dict[str, Any]:
    """Load a backup into an empty database at the same migration revision and put its files into ``data_dir``."""
    zf, manifest = _open(path)
    with zf:
        revision = current_revision(url)
        if manifest.get("revision") != revision:
            raise IpsError(
                Msg(
                    f"备份的数据库版本 {manifest.get('revision')} 与目标 {revision} 不同，请先运行 ipstrong db upgrade",
                    f"the backup is at revision {manifest.get('revision')}, the database at {revision}: "
                    "run ipstrong db upgrade first",
                )
            )
        _check(zf, manifest, path)
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=data_dir, prefix=".restore-") as work:
            staged = _stage_files(zf, manifest, Path(work))
            with engine.begin() as conn:
                for table in all_tables().sorted_tables:
                    if conn.scalar(select(func.count()).select_from(table)):
                        raise IpsError(
                            Msg(f"目标数据库的表 {table.name} 不为空", f"table {table.name} of the target is not empty")
                        )
                for table in all_tables().sorted_tables:
                    _load_table(conn, zf, table, manifest["tables"][table.name]["rows"])
                _place_files(staged, data_dir)
    with session_factory(engine)() as session, session.begin():
        audit.append(
            session,
            "system",
            "restore",
            "database",
            None,
            None,
            None,
            {"file": path.name, "revision": manifest["revision"], "counts": manifest["counts"], "files": len(manifest["files"])},
        )
    return manifest


def _stage_files(zf: zipfile.ZipFile, manifest: dict[str, Any], work: Path) -> list[tuple[Path, str]]:
    """Unpack the backup's files beside the data directory (owner-only); return (staged file, relative path)."""
    staged = []
    for n, name in enumerate(manifest["files"]):
        target = work / str(n)
        _owner_only(target)
        with zf.open(f"files/{name}") as member, target.open("wb") as out:
            shutil.copyfileobj(member, out, 1 << 20)
        staged.append((target, name))
    return staged


def _place_files(staged: list[tuple[Path, str]], data_dir: Path) -> None:
    for source, name in staged:
        target = data_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)


def _load_table(conn: Any, zf: zipfile.ZipFile, table: Table, expected_rows: int) -> None:
    readers = _typed(table)
    batch: list[dict[str, Any]] = []
    loaded = 0
    with zf.open(f"tables/{table.name}.jsonl") as member:
        for raw in member:
            row = json.loads(raw)
            batch.append({k: readers[k](v) if k in readers and v is not None else v for k, v in row.items()})
            if len(batch) >= BATCH:
                conn.execute(insert(table), batch)
                loaded, batch = loaded + len(batch), []
    if batch:
        conn.execute(insert(table), batch)
        loaded += len(batch)
    if loaded != expected_rows:
        raise IpsError(
            Msg(
                f"表 {table.name} 读入 {loaded} 行，备份记载 {expected_rows} 行",
                f"table {table.name}: {loaded} rows read, {expected_rows} recorded",
            )
        )
    if conn.dialect.name == "postgresql" and loaded and "id" in table.columns:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM {table.name}))"))
