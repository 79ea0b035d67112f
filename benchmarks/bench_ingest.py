"""Benchmark: `ipstrong ingest` of an N-row CNIPA-style CSV against DuckDB's own read_csv of the same file.

Goal (issue 17): a first ingest with every check on at no more than 3 × the time of DuckDB's raw `read_csv` of the
same file into a table, peak memory reported. Each side runs in a process of its own (so each peak is its own),
in this run, on the same file; the ratio is printed. The generated file carries organisation applicants the
applicant mapping does not hold yet (left to `entities apply`, which is not timed here).
Usage: python benchmarks/bench_ingest.py [--patents N] [--source DIR]  (generates the file when it is missing)
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from ipstrong.ingest import ingest
from ipstrong.synth.generator import SynthConfig, generate


def _peak_mb() -> float:
    """This process's peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _raw_read(csv_path: Path, out: multiprocessing.Queue) -> None:
    con = duckdb.connect(config={"autoinstall_known_extensions": "false"})
    start = time.perf_counter()
    con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv('{csv_path}', all_varchar = true, header = true)")
    seconds = time.perf_counter() - start
    rows = con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
    con.close()
    out.put((seconds, rows, _peak_mb()))


def _ingest(csv_path: Path, out: multiprocessing.Queue) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="ips-bench-"))
    start = time.perf_counter()
    report = ingest([csv_path], data_dir, status_date=dt.date(2024, 12, 31))
    seconds = time.perf_counter() - start
    shutil.rmtree(data_dir, ignore_errors=True)
    out.put((seconds, report.read, report.accepted, report.quarantined, report.entities_pending, _peak_mb()))


def _in_process(target, csv_path: Path) -> tuple:
    out: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.get_context("fork").Process(target=target, args=(csv_path, out))
    process.start()
    result = out.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patents", type=int, default=1_000_000)
    parser.add_argument("--source", type=Path, default=None)
    args = parser.parse_args()
    source = args.source or Path(f"bench-out/ingest-{args.patents}")
    csv_path = source / "patents.csv"
    if not csv_path.exists():
        generate(SynthConfig(patents=args.patents, seed=1, broken_share=0.01), source)
    print(f"machine: {platform.machine()}, {platform.python_version()}, file {csv_path.stat().st_size / 1e9:.2f} GB")

    raw_seconds, rows_in_file, raw_peak = _in_process(_raw_read, csv_path)
    ingest_seconds, read, accepted, quarantined, pending, ingest_peak = _in_process(_ingest, csv_path)

    print(
        f"DuckDB read_csv (all_varchar, into a table): {rows_in_file:,} rows in {raw_seconds:.1f} s "
        f"= {rows_in_file / raw_seconds:,.0f} rows/s, peak memory {raw_peak:,.0f} MB"
    )
    print(
        f"ipstrong ingest (check, normalise, geocode, classify, publish): {read:,} rows in {ingest_seconds:.1f} s "
        f"= {read / ingest_seconds:,.0f} rows/s; accepted {accepted:,}, quarantined {quarantined:,}, "
        f"new organisation applicants left to `entities apply` {pending:,}; peak memory {ingest_peak:,.0f} MB"
    )
    print(f"time ratio ingest / raw = {ingest_seconds / raw_seconds:.1f} × (goal ≤ 3 ×)")


if __name__ == "__main__":
    main()
