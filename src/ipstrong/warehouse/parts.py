"""Writing a snapshot's tables as parts, so an update rewrites only what it changes.

``patents`` is parted by filing year: a new snapshot links the parent's parts of the years it leaves alone and
writes the others, in one pass (DuckDB's partitioned ``COPY``). ``events`` and ``patents_history`` only grow: a new
snapshot links every part of the parent and adds one. Parts are hard links, so an unchanged year costs no space.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ipstrong.warehouse.snapshots import Warehouse, link_parts, part_name

COPY_OPTIONS = "FORMAT parquet, COMPRESSION zstd"
YEAR_PART_SQL = "'y' || coalesce(CAST(year({col}) AS VARCHAR), 'none')"  # the part of a patent row, by filing year


def scan(source: str) -> str:
    """A ``read_parquet`` of a table's parts, older parts' missing columns read as NULL."""
    return f"read_parquet('{source}', union_by_name = true, hive_partitioning = false)"


def write_by_year(
    con: duckdb.DuckDBPyConnection, warehouse: Warehouse, parent: str | None, folder: Path, rows: str, stale: set[str] | None
) -> int:
    """Write the patent ``rows`` of the new snapshot into ``folder``: the parent's parts not in ``stale`` are linked
    (``stale`` None: none are), every other year is written from ``rows``. Returns the number of parts written."""
    parent_parts = warehouse.parts("patents", parent) if parent else []
    reusable = stale is not None and all(p.parent.name == "patents" for p in parent_parts)  # not the one-file layout
    linked = [p for p in parent_parts if reusable and stale is not None and part_name(p) not in stale]
    link_parts(linked, folder)
    skip = sorted({part_name(p) for p in linked})
    part = YEAR_PART_SQL.format(col="app_date")
    where = f"WHERE {part} NOT IN ({', '.join(repr(s) for s in skip)})" if skip else ""
    spool = folder.parent / f"_{folder.name}_spool"
    con.execute(f"COPY (SELECT *, {part} AS _part FROM ({rows}) {where}) TO '{spool}' ({COPY_OPTIONS}, PARTITION_BY (_part))")
    written = 0
    if spool.exists():
        for directory in sorted(spool.iterdir()):
            name = directory.name.split("=", 1)[1]
            for i, file in enumerate(sorted(directory.glob("*.parquet"))):
                file.rename(folder / f"{name}-{i}.parquet")
                written += 1
        shutil.rmtree(spool)
    return written


def append(
    con: duckdb.DuckDBPyConnection, warehouse: Warehouse, parent: str | None, table: str, folder: Path, rows: str, part: str
) -> None:
    """Link every part of the parent's ``table`` into ``folder`` and add ``rows`` as the part ``part`` (if any)."""
    link_parts(warehouse.parts(table, parent) if parent else [], folder)
    if con.execute(f"SELECT count(*) FROM ({rows})").fetchall()[0][0]:
        con.execute(f"COPY ({rows}) TO '{folder / f'{part}-0.parquet'}' ({COPY_OPTIONS})")


def write_whole(con: duckdb.DuckDBPyConnection, folder: Path, rows: str) -> None:
    """The table as one part (small tables that are replaced whole)."""
    folder.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY ({rows}) TO '{folder / 'all-0.parquet'}' ({COPY_OPTIONS})")


def ensure_readable(folder: Path, schema: pa.Schema) -> None:
    """A table with no rows still has one (empty) part, so every table of a snapshot can be read."""
    folder.mkdir(parents=True, exist_ok=True)
    if not any(folder.glob("*.parquet")):
        pq.write_table(schema.empty_table(), folder / "empty-0.parquet")


def count(con: duckdb.DuckDBPyConnection, folder: Path) -> int:
    return con.execute(f"SELECT count(*) FROM {scan(str(folder / '*.parquet'))}").fetchall()[0][0]
