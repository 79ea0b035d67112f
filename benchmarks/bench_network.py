"""Benchmark: the service network's two speed goals (issue 23).

1. Agency activity figures for 6,000 agencies over a 10M-patent warehouse: under 30 seconds. The warehouse is the
   synthetic one of N generated patents (default 1,250,000; generating 10M takes half an hour here) whose
   ``patents`` parts are linked K times (default 8) into a second snapshot, so the query reads N × K rows with the
   generator's distribution (the same records repeated: the figures are K times too large, the work is the scan
   and the joins of 10M rows). The 6,000 agencies: every agency name the warehouse holds (matched by name, as an
   export without codes is) and the rest by codes it does not hold (the code join runs and finds nothing).
2. The survey index over 100,000 responses: under 5 seconds, by city and by respondent type, on SQLite and (when
   it is reachable) PostgreSQL.

Ratios printed are the time taken over the goal. Usage:
python benchmarks/bench_network.py [--data-dir DIR] [--patents N] [--repeat K] [--agencies 6000] [--responses 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from synthetic import synthetic_warehouse

from ipstrong.accounts.roles import SYSTEM
from ipstrong.db import make_engine, session_factory, transaction, upgrade
from ipstrong.ids.uscc import credit_code_check_char
from ipstrong.network.agencies import activity
from ipstrong.network.models import Agency, SurveyResponse
from ipstrong.network.survey import questionnaire, results
from ipstrong.reference.regions import jiangsu_cities
from ipstrong.warehouse.connection import snapshot_connection
from ipstrong.warehouse.schema import TABLES
from ipstrong.warehouse.snapshots import Warehouse, link_parts

ACTIVITY_GOAL_S = 30.0
SURVEY_GOAL_S = 5.0
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/" + os.environ.get("IPSTRONG_TEST_PG", "test")


def repeated(source: Path, target: Path, times: int) -> int:
    """A data directory whose one snapshot holds ``source``'s patents ``times`` over (parts linked, not copied) and
    its other tables once; the number of patent rows."""
    if Warehouse(target).current_id() is None:
        wh, parent = Warehouse(source), Warehouse(source).current_id() or ""
        with Warehouse(target).writing(), Warehouse(target).stage(None) as staging:
            for table in TABLES:
                parts = wh.parts(table, parent)
                folder = staging.path / table
                if table != "patents":
                    link_parts(parts, folder)
                    continue
                folder.mkdir(parents=True)
                for k in range(times):
                    for part in parts:
                        os.link(part, folder / f"{part.stem.split('-', 1)[0]}-r{k}{part.stem}.parquet")
    con = snapshot_connection(target)
    try:
        return con.execute("SELECT count(*) FROM patents").fetchone()[0]
    finally:
        con.close()


def credit(n: int) -> str:
    body = f"9132{n:013d}"[:17]
    return body + credit_code_check_char(body)


def agencies_bench(data: Path, count: int) -> None:
    con = snapshot_connection(data)
    try:
        names = [r[0] for r in con.execute("SELECT DISTINCT agency FROM patents WHERE agency IS NOT NULL").fetchall()]
    finally:
        con.close()
    work = Path(tempfile.mkdtemp(prefix="ips-agencies-"))
    url = f"sqlite:///{work / 'ops.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = session_factory(engine)
    cities = [c.code for c in jiangsu_cities()]
    with transaction(factory) as s:
        for n in range(count):
            name = names[n] if n < len(names) else f"第{n}号知识产权代理有限公司"
            s.add(Agency(name=name, credit_code=credit(n), agency_code=None if n < len(names) else f"{10000 + n:05d}",
                         kind="patent_agency", region_code=cities[n % len(cities)], agents=n % 40, services=[],
                         created_by="bench"))  # fmt: skip
    with factory() as s:
        begun = time.perf_counter()
        found = activity(s, SYSTEM, data, 2020)
        took = time.perf_counter() - begun
    engine.dispose()
    shutil.rmtree(work)
    matched = sum(a.matched_by_name + a.matched_by_code for a in found.agencies)
    print(f"agencies: {len(found.agencies):,} ({min(len(names), count)} by name in the warehouse), patents matched in "
          f"2020's window {matched:,}")  # fmt: skip
    print(f"activity figures: {took:.1f} s; goal {ACTIVITY_GOAL_S:.0f} s; ratio {took / ACTIVITY_GOAL_S:.2f} of the goal")


def survey_bench(url: str, label: str, count: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    factory = session_factory(engine)
    ids = questionnaire().question_ids()
    types = list(questionnaire().quota)
    cities = [c.code for c in jiangsu_cities()]
    rng = random.Random(3)
    rows = [
        {"year": 2026 - (n % 2), "city_code": cities[n % 13], "respondent": types[rng.randrange(len(types))],
         "answers": {q: rng.choice((2, 3, 4, 4, 5, 5)) for q in ids}, "submitted_on": dt.date(2026 - (n % 2), 11, 1)}
        for n in range(count)
    ]  # fmt: skip
    with transaction(factory) as s:
        s.execute(SurveyResponse.__table__.insert(), rows)
    for by in ("city", "respondent"):
        with factory() as s:
            begun = time.perf_counter()
            found = results(s, SYSTEM, 2026, by)
            took = time.perf_counter() - begun
        print(
            f"survey index by {by} on {label} ({count:,} responses, half this year, half the year before; province "
            f"{found.province.index}): {took:.2f} s; goal {SURVEY_GOAL_S:.0f} s; ratio {took / SURVEY_GOAL_S:.2f}"
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path("bench-out/alerts"))
    parser.add_argument("--patents", type=int, default=1_250_000)
    parser.add_argument("--repeat", type=int, default=8)
    parser.add_argument("--agencies", type=int, default=6_000)
    parser.add_argument("--responses", type=int, default=100_000)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    synthetic_warehouse(args.data_dir, args.patents)
    scaled = args.data_dir.with_name(args.data_dir.name + f"-x{args.repeat}")
    print(f"warehouse: {repeated(args.data_dir, scaled, args.repeat):,} patent rows")
    agencies_bench(scaled, args.agencies)
    work = Path(tempfile.mkdtemp(prefix="ips-survey-"))
    survey_bench(f"sqlite:///{work / 'ops.db'}", "SQLite", args.responses)
    shutil.rmtree(work)
    sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
    from db_fixtures import pg_schema  # the tests' helper: a fresh schema, dropped afterwards

    try:
        with pg_schema() as url:
            survey_bench(url, "PostgreSQL", args.responses)
    except Exception as exc:  # no server here: say so, the SQLite figures stand
        print(f"PostgreSQL not measured: {exc.__class__.__name__}")


if __name__ == "__main__":
    main()
