"""Benchmark: pledge statistics for 10 years × 13 cities × 12 months (issue 20), against one plain DuckDB query that
sums the same grid (the floor: no projects, enterprises or the under-10-million share, no scope).

Goal: the whole grid in under 2 seconds. ipstrong computes it as a city's staff would ask for it — each city's
figures by month, for each of ten years (130 calls of ``registry.pledges.pledge_stats``), each run from a cold
start: the first call reads the snapshot's pledges, the others filter them; the floor is one GROUP BY over the same
events.

Usage: python benchmarks/bench_pledges.py [--data-dir DIR] [--patents N]
(generates and ingests N synthetic patents, with their pledges, into DIR when DIR holds no snapshot)
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from dataclasses import replace
from pathlib import Path

from synthetic import synthetic_warehouse

from ipstrong.accounts.roles import SYSTEM
from ipstrong.reference.regions import jiangsu_cities
from ipstrong.registry.pledges import _snapshot_pledges, pledge_stats
from ipstrong.warehouse.connection import snapshot_connection

YEARS = range(2015, 2025)
FLOOR_SQL = """
SELECT p.city_code, year(e.event_date) AS y, month(e.event_date) AS m, sum(e.amount_10k_yuan) AS amount, count(*) AS n
FROM events e JOIN patents p USING (app_no)
WHERE e.event_type = 'pledge' AND p.office = 'CN' AND year(e.event_date) BETWEEN 2015 AND 2024 AND p.city_code LIKE '32%'
GROUP BY ALL
"""


def grid(data_dir: Path) -> int:
    """Every city's months of every year, as 130 calls, from a cold start (the snapshot's pledges read once, by the
    first call); returns the cells with a pledge."""
    _snapshot_pledges.cache_clear()
    cells = 0
    for city in jiangsu_cities():
        staff = replace(SYSTEM, role="city_official", region_code=city.code)
        for year in YEARS:
            cells += len(pledge_stats(staff, data_dir, year, "month").rows)
    return cells


def floor(data_dir: Path) -> int:
    con = snapshot_connection(data_dir)
    try:
        return len(con.execute(FLOOR_SQL).fetchall())
    finally:
        con.close()


def best_of(runs: int, fn) -> tuple[float, int]:
    times, result = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path("bench-out/pledges"))
    parser.add_argument("--patents", type=int, default=1_000_000)
    args = parser.parse_args()
    synthetic_warehouse(args.data_dir, args.patents)
    con = snapshot_connection(args.data_dir)
    pledges = con.execute("SELECT count(*) FROM events WHERE event_type = 'pledge'").fetchone()[0]
    con.close()
    floor_s, floor_cells = best_of(3, lambda: floor(args.data_dir))
    ours_s, our_cells = best_of(3, lambda: grid(args.data_dir))
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"warehouse: {args.patents:,} patents, {pledges:,} pledge events")
    print(f"ipstrong, 10 years × 13 cities × 12 months (130 calls): {ours_s:.2f} s, {our_cells} cells with a pledge")
    print(f"floor, one DuckDB GROUP BY: {floor_s:.2f} s, {floor_cells} cells")
    print(f"ratio ipstrong / floor: {ours_s / floor_s:.1f}×; goal under 2 s: {'met' if ours_s < 2 else 'NOT met'}")
    if our_cells != floor_cells:
        print(f"the grids differ: {our_cells} against {floor_cells} cells")


if __name__ == "__main__":
    main()
