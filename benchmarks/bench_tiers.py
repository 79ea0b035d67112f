"""Benchmark: the enterprise directory with its tiers for every enterprise of a large warehouse (issue 20), against
the indicator catalogue's own core run for the province's regions on the same two year-ends (the same measures,
grouped by region instead of by enterprise).

Goal: every enterprise of a 10M-patent warehouse (hundreds of thousands of entities) in under one minute. Run here
on a smaller warehouse; the figures printed say how many patents and enterprises it held.

Usage: python benchmarks/bench_tiers.py [--data-dir DIR] [--patents N]
(generates and ingests N synthetic patents into DIR when DIR holds no snapshot, and stamps their applicant entities)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from pathlib import Path

from synthetic import synthetic_warehouse

from ipstrong.accounts.roles import SYSTEM
from ipstrong.indicators.engine import compute
from ipstrong.ingest.pipeline import apply_entities
from ipstrong.registry.tiers import PROFILE, enterprise_tiers
from ipstrong.warehouse import run_sql

YEAR = 2024
CATALOGUE_EQUIVALENT = ["effective_inventions", "high_value_inventions", "applications_invention", "grants_invention",
                        "pct_applications", "pledge_amount"]  # fmt: skip


def prepare(data_dir: Path, patents: int) -> None:
    synthetic_warehouse(data_dir, patents)
    stamped = run_sql(data_dir, "SELECT count(*) AS n FROM patents WHERE first_applicant_id IS NOT NULL").to_pylist()[0]["n"]
    if not stamped:
        start = time.perf_counter()
        apply_entities(data_dir)
        print(f"(applicant entities stamped in {time.perf_counter() - start:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path("bench-out/tiers"))
    parser.add_argument("--patents", type=int, default=1_000_000)
    args = parser.parse_args()
    prepare(args.data_dir, args.patents)
    days = [dt.date(YEAR - 1, 12, 31), dt.date(YEAR, 12, 31)]
    start = time.perf_counter()
    compute(args.data_dir, CATALOGUE_EQUIVALENT, days, "320000", "city,district")
    catalogue_s = time.perf_counter() - start
    start = time.perf_counter()
    directory = enterprise_tiers(SYSTEM, args.data_dir, YEAR, limit=None)
    tiers_s = time.perf_counter() - start
    patents = run_sql(args.data_dir, "SELECT count(*) AS n FROM patents").to_pylist()[0]["n"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"warehouse: {patents:,} patents, {directory.total:,} enterprises; profile measures: {', '.join(PROFILE)}")
    print(f"ipstrong enterprise_tiers, {YEAR} and {YEAR - 1}: {tiers_s:.1f} s; tiers: {directory.counts}")
    print(f"baseline, the same measures by region (province, cities, counties) on the same days: {catalogue_s:.1f} s")
    on_course = "on course" if tiers_s * 10_000_000 / max(patents, 1) < 60 else "NOT on course"
    print(f"ratio tiers / baseline: {tiers_s / catalogue_s:.1f}×; goal under 60 s at 10M: {on_course} (linear extrapolation)")


if __name__ == "__main__":
    main()
