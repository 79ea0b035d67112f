"""Benchmark: the SQL macro ``effective_on(d)`` compiled from the Ibis expression (issue 18, "the effective-on rule
written once") against the hand-written macro it replaced, on the same warehouse, for several year-ends.

No goal is named; the compiled macro must not be slower than the hand-written one. Each query runs three times and
the best is kept; the two must count the same patents (checked).
Usage: python benchmarks/bench_effective_on.py [--data-dir DIR] [--patents N]
(generates and ingests N synthetic patents into DIR when DIR holds no snapshot)
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import shutil
import tempfile
import time
from pathlib import Path

from ipstrong.ingest import ingest
from ipstrong.synth.generator import SynthConfig, generate
from ipstrong.warehouse.asof import effective_on_macro
from ipstrong.warehouse.connection import snapshot_connection
from ipstrong.warehouse.snapshots import Warehouse

# the macro as it was written by hand before it was compiled from the Ibis expression (git 39fa35f)
HAND_WRITTEN = """
CREATE OR REPLACE MACRO effective_on_by_hand(d) AS TABLE
WITH facts AS (
    SELECT app_no, lapse_date AS fact_date, 1 AS terminates FROM patents WHERE lapse_date IS NOT NULL
    UNION ALL
    SELECT app_no, event_date, CASE WHEN event_type = 'restoration' THEN 0 ELSE 1 END
    FROM events WHERE event_type IN ('lapse', 'invalidation', 'restoration')
),
latest AS (
    SELECT app_no, arg_max(terminates, fact_date) AS terminated
    FROM facts WHERE fact_date <= CAST(d AS DATE) GROUP BY app_no
),
grants AS (
    SELECT app_no, min(event_date) AS event_grant FROM events WHERE event_type = 'grant' GROUP BY app_no
)
SELECT p.*
FROM patents p
LEFT JOIN latest l USING (app_no)
LEFT JOIN grants g USING (app_no)
WHERE coalesce(p.grant_date, g.event_grant) <= CAST(d AS DATE)
  AND CAST(d AS DATE) < term_end(p.patent_type, p.app_date)
  AND coalesce(l.terminated, 0) = 0
"""
DAYS = ("2015-12-31", "2019-12-31", "2023-12-31")
QUERY = "SELECT city_code, count(*) AS n FROM {macro}(DATE '{day}') WHERE patent_type = 'invention' GROUP BY 1 ORDER BY 1"


def prepare(data_dir: Path, patents: int) -> None:
    if Warehouse(data_dir).current_id() is not None:
        return
    source = Path(tempfile.mkdtemp(prefix="ips-bench-eff-"))
    generate(SynthConfig(patents=patents, seed=1, broken_share=0, fmt="parquet"), source)
    ingest([source / "patents.parquet", source / "events" / "events.csv"], data_dir, status_date=dt.date(2024, 12, 31))
    shutil.rmtree(source)  # the warehouse holds it now


def best_of_three(con, sql: str) -> tuple[float, list]:
    best, rows = float("inf"), []
    for _ in range(3):
        start = time.perf_counter()
        rows = con.execute(sql).fetchall()
        best = min(best, time.perf_counter() - start)
    return best, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path("bench-out/effective-on"))
    parser.add_argument("--patents", type=int, default=1_000_000)
    args = parser.parse_args()
    prepare(args.data_dir, args.patents)
    con = snapshot_connection(args.data_dir)
    con.execute(effective_on_macro())  # as run_sql installs it
    con.execute(HAND_WRITTEN)
    print(f"{platform.node()} · {platform.processor() or platform.machine()} · {args.patents:,} patents")
    for day in DAYS:
        compiled, got = best_of_three(con, QUERY.format(macro="effective_on", day=day))
        by_hand, expected = best_of_three(con, QUERY.format(macro="effective_on_by_hand", day=day))
        assert got == expected, f"{day}: the compiled macro counts differently"
        total = sum(n for _city, n in got)
        print(f"{day}: compiled {compiled:.3f} s, by hand {by_hand:.3f} s, ratio {compiled / by_hand:.2f} ({total:,} inventions)")


if __name__ == "__main__":
    main()
