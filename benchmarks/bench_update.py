"""Benchmark: a weekly update of a large warehouse, written as parts (issue 7: only changed partitions rewritten).

A warehouse of ``--patents`` generated records is ingested; then a weekly-style file — the records filed in one
year (``--year``), their titles corrected — is ingested twice, into two copies of the warehouse: once as ipstrong
does it (the parent's parts of untouched years linked, the changed year and one history part written) and once
with every part written again (what a one-file snapshot costs). Printed: seconds and megabytes written by each,
the second as the baseline.

Usage: python benchmarks/bench_update.py [--patents 1000000] [--year 2023]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import shutil
import tempfile
import time
from pathlib import Path

from ipstrong.ingest import pipeline
from ipstrong.ingest.pipeline import ingest
from ipstrong.synth.generator import SynthConfig, generate
from ipstrong.warehouse.connection import new_duckdb
from ipstrong.warehouse.snapshots import Warehouse

DAY = dt.date(2024, 12, 31)


def written_mb(data: Path) -> float:
    """Megabytes of the current snapshot's files that are not links to an earlier snapshot's."""
    snapshot = Warehouse(data).path(Warehouse(data).current_id() or "")
    return sum(f.stat().st_size for f in snapshot.rglob("*.parquet") if f.stat().st_nlink == 1) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patents", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2023)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(SynthConfig(patents=args.patents, seed=1, broken_share=0, fmt="parquet"), root / "src")
        source = root / "src" / "patents.parquet"
        t = time.perf_counter()
        report = ingest([source], root / "a", status_date=DAY)
        print(f"first ingest: {report.accepted:,} patents in {time.perf_counter() - t:.1f} s, {written_mb(root / 'a'):.0f} MB")
        weekly = root / "weekly.parquet"
        con = new_duckdb()
        columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{source}')").fetchall()]
        title = next(c for c in columns if c in ("名称", "title", "发明名称"))
        date = next(c for c in columns if c in ("申请日", "app_date"))
        con.execute(
            f"COPY (SELECT * REPLACE ({title} || '（更正）' AS {title}) FROM read_parquet('{source}') "
            f"WHERE starts_with(CAST({date} AS VARCHAR), '{args.year}')) TO '{weekly}'"
        )
        shutil.copytree(root / "a", root / "b")
        t = time.perf_counter()
        parted = ingest([weekly], root / "a", status_date=DAY)
        parted_s = time.perf_counter() - t
        original = pipeline._stale_years
        pipeline._stale_years = lambda _con: None  # every part written again: the baseline
        try:
            t = time.perf_counter()
            ingest([weekly], root / "b", status_date=DAY)
            whole_s = time.perf_counter() - t
        finally:
            pipeline._stale_years = original
        parted_mb, whole_mb = written_mb(root / "a"), written_mb(root / "b")
        print(f"weekly update: {parted.updated:,} records of {args.year} changed in a warehouse of {report.accepted:,}")
        print(f"  parts: {parted_s:.1f} s, {parted_mb:.0f} MB written = {parted_s / whole_s:.2f} × time, "
              f"{parted_mb / whole_mb:.2f} × bytes of the baseline")  # fmt: skip
        print(f"  baseline (every part written): {whole_s:.1f} s, {whole_mb:.0f} MB written")


if __name__ == "__main__":
    main()
