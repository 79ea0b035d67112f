"""Immutable warehouse snapshots and their atomic publication.

Layout under ``DATA_DIR/warehouse``::

    snapshots/<id>/<table>/<part>-<n>.parquet   each table a folder of part files; manifest.json
    CURRENT            the id of the snapshot in use (replaced atomically)
    staging/           snapshots being written; a crash leaves debris here, never a half snapshot in use
    journal.jsonl      publications and rollbacks, one JSON line each

A snapshot becomes visible only by the final ``os.replace`` of ``CURRENT``; until then readers keep the previous
one, so a failure anywhere before that point leaves the warehouse exactly as it was.

Writers take turns: :meth:`Warehouse.writing` holds the warehouse's lock (``.write.lock``, see :mod:`ipstrong.locks`)
from reading the parent to publishing, and a snapshot is published only if its parent is still the current one, so
two ingests at once both land, one after the other. Whoever takes the lock first clears ``staging/`` of what a
killed writer left.

Parts are what makes an update cheap: a new snapshot hard-links the parent's parts it does not change and writes
only the others — ``patents`` is parted by filing year (``y2019``), the append-only ``events`` and
``patents_history`` gain one part per snapshot. Snapshots written before parts (one ``<table>.parquet`` file each)
read as they are.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ipstrong import __version__
from ipstrong.locks import exclusive
from ipstrong.messages import IpsError, Msg
from ipstrong.warehouse.schema import SCHEMA_VERSION, TABLES


@dataclass
class Staging:
    """A snapshot being written: put the table files in ``path``, fill ``manifest``."""

    id: str
    path: Path
    manifest: dict[str, Any]


class Warehouse:
    """The snapshots under one data directory."""

    def __init__(self, data_dir: Path):
        self.root = data_dir / "warehouse"
        self.snapshots_dir = self.root / "snapshots"
        self.staging_dir = self.root / "staging"

    # --- reading -------------------------------------------------------------------------------------------
    def current_id(self) -> str | None:
        """Id of the snapshot in use, or None before the first ingest."""
        pointer = self.root / "CURRENT"
        return pointer.read_text(encoding="utf-8").strip() or None if pointer.exists() else None

    def path(self, snapshot_id: str) -> Path:
        return self.snapshots_dir / snapshot_id

    def table_path(self, table: str, snapshot_id: str | None = None) -> Path | None:
        """The folder of ``table``'s parts in a snapshot (the current one by default), or the single file of a
        snapshot written before parts; None when the snapshot predates the table."""
        snapshot_id = snapshot_id or self.current_id()
        if not snapshot_id:
            return None
        folder = self.path(snapshot_id) / table
        if folder.is_dir():
            return folder
        single = self.path(snapshot_id) / f"{table}.parquet"
        return single if single.exists() else None

    def table_glob(self, table: str, snapshot_id: str | None = None) -> str | None:
        """What ``read_parquet`` reads for ``table``: its parts, or its single file."""
        path = self.table_path(table, snapshot_id)
        if path is None:
            return None
        return str(path / "*.parquet") if path.is_dir() else str(path)

    def parts(self, table: str, snapshot_id: str) -> list[Path]:
        """The part files of ``table`` (a snapshot written before parts has one, its single file)."""
        path = self.table_path(table, snapshot_id)
        if path is None:
            return []
        return sorted(path.glob("*.parquet")) if path.is_dir() else [path]

    def manifest(self, snapshot_id: str) -> dict[str, Any]:
        path = self.path(snapshot_id) / "manifest.json"
        if not path.exists():
            raise IpsError(Msg(f"快照 {snapshot_id} 不存在", f"no snapshot {snapshot_id}"))
        return json.loads(path.read_text(encoding="utf-8"))

    def list(self) -> list[dict[str, Any]]:
        """Manifests of all published snapshots, oldest first, each with ``current`` set."""
        if not self.snapshots_dir.exists():
            return []
        current = self.current_id()
        out = []
        for child in self.snapshots_dir.iterdir():
            if (child / "manifest.json").exists():
                m = self.manifest(child.name)
                m["current"] = child.name == current
                out.append(m)
        # ids name the second; two snapshots of one second are ordered by their microseconds
        return sorted(out, key=lambda m: m["created_at"])

    # --- writing -------------------------------------------------------------------------------------------
    @contextmanager
    def writing(self, waiting: Callable[[str], None] = lambda _msg: None) -> Iterator[None]:
        """Hold the warehouse's write lock for the block (re-entrant in one thread); a writer reads the parent it
        builds on inside it. Taking it clears what killed writers left in ``staging/``."""
        with exclusive(self.root / ".write.lock", Msg("数据仓库", "the warehouse"), waiting=waiting) as outermost:
            if outermost and self.staging_dir.exists():
                for debris in self.staging_dir.iterdir():
                    shutil.rmtree(debris, ignore_errors=True)
            yield

    @contextmanager
    def stage(self, parent: str | None) -> Iterator[Staging]:
        """Write a new snapshot on ``parent``; it is published when the block ends without error, discarded
        otherwise. Called inside :meth:`writing`, which the caller entered before reading ``parent``."""
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        self.snapshots_dir.mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC)
        snapshot_id = now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)
        staging = Staging(
            snapshot_id,
            self.staging_dir / snapshot_id,
            {
                "id": snapshot_id,
                "parent": parent,
                "created_at": now.isoformat(timespec="microseconds"),
                "schema_version": SCHEMA_VERSION,
                "ipstrong_version": __version__,
            },
        )
        staging.path.mkdir()
        try:
            yield staging
            with self.writing():
                self._publish(staging)
        finally:
            shutil.rmtree(staging.path, ignore_errors=True)

    def _publish(self, staging: Staging) -> None:
        parent, current = staging.manifest.get("parent"), self.current_id()
        if parent != current:
            raise IpsError(
                Msg(
                    f"快照 {staging.id} 基于 {parent}，但当前快照已是 {current}（另一写入已发布）；未发布，请重新运行",
                    f"snapshot {staging.id} was built on {parent} but {current} is current now (another writer "
                    "published); nothing was published, run it again",
                )
            )
        missing = [t for t in TABLES if not any((staging.path / t).glob("*.parquet"))]
        if missing:
            raise RuntimeError(f"snapshot {staging.id} lacks tables {missing}")
        manifest_path = staging.path / "manifest.json"
        manifest_path.write_text(json.dumps(staging.manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        for f in staging.path.rglob("*"):
            _fsync(f)
        final = self.path(staging.id)
        os.rename(staging.path, final)
        _fsync(self.snapshots_dir)
        self._switch_current(staging.id)
        self._journal({"action": "publish", "snapshot": staging.id, "parent": staging.manifest.get("parent")})

    def _switch_current(self, snapshot_id: str) -> None:
        """Point CURRENT at a snapshot: write a temporary file, flush it, rename it over the old pointer."""
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(snapshot_id + "\n", encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, self.root / "CURRENT")
        _fsync(self.root)

    def rollback(self, snapshot_id: str) -> dict[str, Any]:
        """Make an earlier snapshot current again; later snapshots stay on disk and can be restored the same way."""
        manifest = self.manifest(snapshot_id)
        with self.writing():
            previous = self.current_id()
            self._switch_current(snapshot_id)
            self._journal({"action": "rollback", "snapshot": snapshot_id, "from": previous})
        return {"snapshot": snapshot_id, "previous": previous, "created_at": manifest["created_at"]}

    def _journal(self, entry: dict[str, Any]) -> None:
        entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), **entry}
        with (self.root / "journal.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def link_parts(parts: list[Path], folder: Path) -> None:
    """Hard-link a parent snapshot's parts into a staging folder (copied where the file system cannot link)."""
    folder.mkdir(parents=True, exist_ok=True)
    for part in parts:
        target = folder / (part.name if part.parent.name == folder.name else f"all-{part.stem}.parquet")
        try:
            os.link(part, target)
        except OSError:
            shutil.copy2(part, target)


def part_name(file: Path) -> str:
    """The part a file holds (``y2019`` of ``y2019-0.parquet``)."""
    return file.stem.split("-", 1)[0]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
