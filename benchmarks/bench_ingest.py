"""Benchmark: `ipstrong ingest` of an N-row CNIPA-style CSV against DuckDB's own read_csv of the same file.

Goal (issue 3): ingest with all validation, geocoding, classification and snapshot publication at no less than a
third of DuckDB's raw load rate. Both are timed in this run on the same file; the ratio is printed.
Usage: python benchmarks/bench_ingest.py [--patents N] [--source DIR]  (generates the file when it is missing)
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from ipstrong.ingest import ingest
from ipstrong.synth.generator import SynthConfig, generate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patents", type=int, default=10_000_000)
    parser.add_argument("--source", type=Path, default=None)
    args = parser.parse_args()
    source = args.source or Path(f"bench-out/ingest-{args.patents}")
    csv_path = source / "patents.csv"
    if not csv_path.exists():
        generate(SynthConfig(patents=args.patents, seed=1, broken_share=0.01), source)
    rows_in_file = None
    print(f"machine: {platform.machine()}, {platform.python_version()}, file {csv_path.stat().st_size / 1e9:.2f} GB")

    con = duckdb.connect(config={"autoinstall_known_extensions": "false"})
    start = time.perf_counter()
    rows_in_file = con.execute(
        f"CREATE TABLE raw AS SELECT * FROM read_csv('{csv_path}', all_varchar = true, header = true)"
    ).fetchall()
    raw_seconds = time.perf_counter() - start
    rows_in_file = con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
    con.close()

    data_dir = Path(tempfile.mkdtemp(prefix="ips-bench-"))
    start = time.perf_counter()
    report = ingest([csv_path], data_dir, status_date=dt.date(2024, 12, 31))
    ingest_seconds = time.perf_counter() - start
    shutil.rmtree(data_dir, ignore_errors=True)

    raw_rate, ingest_rate = rows_in_file / raw_seconds, report.read / ingest_seconds
    print(f"DuckDB read_csv (all_varchar, into a table): {rows_in_file:,} rows in {raw_seconds:.1f} s = {raw_rate:,.0f} rows/s")
    print(
        f"ipstrong ingest (check, normalise, geocode, classify, publish): {report.read:,} rows in {ingest_seconds:.1f} s "
        f"= {ingest_rate:,.0f} rows/s; accepted {report.accepted:,}, quarantined {report.quarantined:,}"
    )
    print(f"ratio ingest / raw = {ingest_rate / raw_rate:.2f} (goal ≥ 0.33)")


if __name__ == "__main__":
    main()
