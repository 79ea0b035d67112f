"""Benchmark: the indicator catalogue on a large warehouse, against the same counts written plainly in pandas and in
SQLite, with a bare DuckDB scan of the columns used as the floor (issue 5).

Goal: the whole catalogue for the province, its 13 cities and all county-level units, for every year-end from 2012,
in under 10 seconds on DuckDB, and at least 10 times faster than pandas.

ipstrong's run covers every catalogue entry, trademarks included (the generator writes one mark per four patents).
The baselines compute the core of the catalogue — effective domestic inventions as of each year-end (grants,
lapses, restorations, invalidations, the statutory term, the attribution rule with transfers), applications and
grants of the three types, enterprise invention grants, PCT applications, pledged patents and pledge amounts — per
province, city and county-level unit. They leave out the high-value criteria, growth rates and multiples, so they do
less work than ipstrong's run of the whole catalogue; ipstrong's time for the same core measures is printed too.

Usage: python benchmarks/bench_indicators.py [--data-dir DIR] [--patents N] [--skip-sqlite]
(generates and ingests N synthetic patents into DIR when DIR holds no snapshot)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ipstrong.indicators.catalogue import CATALOGUE
from ipstrong.indicators.engine import compute
from ipstrong.ingest import ingest
from ipstrong.synth.generator import SynthConfig, generate
from ipstrong.warehouse.snapshots import Warehouse

CORE = [
    "effective_inventions",
    "applications_invention",
    "applications_utility_model",
    "applications_design",
    "grants_invention",
    "grants_utility_model",
    "grants_design",
    "enterprise_share_invention_grants",
    "pct_applications",
    "pledged_patents",
    "pledge_amount",
]
LEVELS = ("province_code", "city_code", "district_code")
PATENT_COLUMNS = [
    "app_no",
    "app_date",
    "grant_date",
    "lapse_date",
    "patent_type",
    "pct",
    "applicant_type",
    "country",
    *LEVELS,
]
EVENT_COLUMNS = ["event_id", "app_no", "event_type", "event_date", "amount_10k_yuan", "to_country", *(f"to_{c}" for c in LEVELS)]
LAST_PATENTEE_DAY = pd.Timestamp("2020-12-31")


def prepare(data_dir: Path, patents: int) -> None:
    if Warehouse(data_dir).current_id() is not None:
        return
    source = Path(tempfile.mkdtemp(prefix="ips-bench-ind-"))
    generate(SynthConfig(patents=patents, seed=1, broken_share=0, fmt="parquet"), source)
    files = [source / "patents.parquet", source / "events" / "events.csv", source / "trademarks" / "trademarks.csv"]
    ingest(files, data_dir, status_date=dt.date(2024, 12, 31))
    shutil.rmtree(source)  # the warehouse holds it now


def timed(label: str, fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.1f} s")
    return seconds, result


def floor_scan(data_dir: Path) -> None:
    """A bare DuckDB scan of every column the catalogue reads (what reading alone costs), run twice so that, like
    the catalogue after it, it reads from a warm file cache; the second run is timed by the caller."""
    warehouse = Warehouse(data_dir)
    sid = warehouse.current_id()
    con = duckdb.connect()
    columns = {
        # the SEI match is stored at ingest, so titles, abstracts and IPC lists are not read
        "patents": [*PATENT_COLUMNS, "zone_id", "family_countries", "sei_match", "sei_ipc"],
        "events": EVENT_COLUMNS,
        "trademarks": ["reg_no", "owner", "owner_type", "reg_date", "expiry_date", "status", *LEVELS, "zone_id"],
    }
    for table, cols in columns.items():
        source = warehouse.table_glob(table, sid)
        if source is not None:
            con.execute(f"SELECT {', '.join(f'count({c})' for c in cols)} FROM read_parquet('{source}')").fetchall()
    con.close()


def load_frames(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    warehouse = Warehouse(data_dir)
    sid = warehouse.current_id()
    p = pd.read_parquet(warehouse.table_path("patents", sid), columns=PATENT_COLUMNS)
    e = pd.read_parquet(warehouse.table_path("events", sid), columns=EVENT_COLUMNS)
    for frame, cols in ((p, ("app_date", "grant_date", "lapse_date")), (e, ("event_date",))):
        for c in cols:
            frame[c] = pd.to_datetime(frame[c])
    return p, e


def pandas_core(p: pd.DataFrame, e: pd.DataFrame, days: list[pd.Timestamp]) -> dict:
    """The core measures written plainly in pandas: a loop over the year-ends, group-bys per level."""
    out: dict = {}
    event_grant = e[e.event_type == "grant"].groupby("app_no").event_date.min().rename("event_grant")
    p = p.merge(event_grant, left_on="app_no", right_index=True, how="left")
    p = p.assign(granted=p.grant_date.fillna(p.event_grant))
    facts = pd.concat(
        [
            pd.DataFrame({"app_no": p.app_no[p.lapse_date.notna()], "date": p.lapse_date[p.lapse_date.notna()], "t": 1}),
            e[e.event_type.isin(["lapse", "invalidation", "restoration"])].assign(
                date=lambda x: x.event_date, t=lambda x: (x.event_type != "restoration").astype(int)
            )[["app_no", "date", "t"]],
        ]
    ).sort_values("date", kind="stable")
    moves = e[(e.event_type == "transfer") & e.to_country.notna()].sort_values(["event_date", "event_id"])
    inventions = p[p.patent_type == "invention"]
    ends = inventions.app_date + pd.DateOffset(years=20)
    pledges = e[e.event_type == "pledge"].merge(p[["app_no", *LEVELS]], on="app_no")

    def add(measure: str, day: pd.Timestamp, frame: pd.DataFrame, value: str | None = None) -> None:
        for level in LEVELS:
            grouped = frame.groupby(level)[value].sum() if value else frame.groupby(level).size()
            for code, v in grouped.items():
                out[(measure, day, code)] = float(v)

    for day in days:
        alive = inventions[(inventions.granted <= day) & (day < ends)]
        last = facts[facts.date <= day].groupby("app_no").t.last()
        alive = alive[alive.app_no.map(last).fillna(0) == 0]
        if day <= LAST_PATENTEE_DAY:
            moved = moves[moves.event_date <= day].groupby("app_no").last()
            hit = alive.app_no.isin(moved.index)
            alive = alive.copy()
            for c in ("country", *LEVELS):
                alive.loc[hit, c] = alive.loc[hit, "app_no"].map(moved[f"to_{c}"]).to_numpy()
        add("effective_inventions", day, alive[(alive.country == "CN") & alive.province_code.notna()])
        start = pd.Timestamp(day.year, 1, 1)
        filed = p[(p.app_date >= start) & (p.app_date <= day)]
        granted = p[(p.grant_date >= start) & (p.grant_date <= day)]
        for kind in ("invention", "utility_model", "design"):
            add(f"applications_{kind}", day, filed[filed.patent_type == kind])
            add(f"grants_{kind}", day, granted[granted.patent_type == kind])
        add(
            "grants_invention_enterprise",
            day,
            granted[(granted.patent_type == "invention") & (granted.applicant_type == "enterprise")],
        )
        add("applications_pct", day, filed[filed.pct.fillna(False)])
        window = pledges[(pledges.event_date >= start) & (pledges.event_date <= day)]
        add("pledge_amount", day, window.assign(v=window.amount_10k_yuan.fillna(0.0)), "v")
        add("pledged_patents", day, window.drop_duplicates("app_no"))
    return out


SQLITE_QUERIES = {
    "effective_inventions": """
        WITH alive AS (
            SELECT p.* FROM p
            WHERE p.patent_type = 'invention' AND coalesce(p.grant_date, (SELECT min(event_date) FROM e
                  WHERE e.app_no = p.app_no AND e.event_type = 'grant')) <= :day
              AND :day < date(p.app_date, '+20 years')
              AND coalesce((SELECT t FROM facts f WHERE f.app_no = p.app_no AND f.date <= :day
                            ORDER BY f.date DESC LIMIT 1), 0) = 0
        ), placed AS (
            SELECT a.app_no, coalesce(m.to_country, a.country) AS country, coalesce(m.to_province_code, a.province_code)
                   AS province_code, coalesce(m.to_city_code, a.city_code) AS city_code,
                   coalesce(m.to_district_code, a.district_code) AS district_code
            FROM alive a LEFT JOIN (
                SELECT * FROM (SELECT e.*, row_number() OVER (PARTITION BY app_no ORDER BY event_date DESC, event_id DESC) rn
                               FROM e WHERE event_type = 'transfer' AND to_country IS NOT NULL AND event_date <= :day
                                 AND :day <= '2020-12-31') WHERE rn = 1
            ) m ON m.app_no = a.app_no
        )
        SELECT {levels}, count(*) FROM placed WHERE country = 'CN' AND province_code IS NOT NULL GROUP BY {levels}""",
    "filed": """SELECT {levels}, patent_type, count(*), sum(pct) FROM p
                WHERE app_date BETWEEN :start AND :day GROUP BY {levels}, 4""",
    "granted": """SELECT {levels}, patent_type, count(*), sum(applicant_type = 'enterprise') FROM p
                  WHERE grant_date BETWEEN :start AND :day GROUP BY {levels}, 4""",
    "pledges": """SELECT p.province_code, p.city_code, p.district_code, count(DISTINCT e.app_no),
                         sum(coalesce(e.amount_10k_yuan, 0))
                  FROM e JOIN p ON p.app_no = e.app_no
                  WHERE e.event_type = 'pledge' AND e.event_date BETWEEN :start AND :day GROUP BY 1, 2, 3""",
}


def sqlite_load(p: pd.DataFrame, e: pd.DataFrame, path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path)
    as_text = {c: p[c].dt.strftime("%Y-%m-%d") for c in ("app_date", "grant_date", "lapse_date")}
    p.assign(**as_text).to_sql("p", con, index=False, chunksize=200_000)
    e.assign(event_date=e.event_date.dt.strftime("%Y-%m-%d")).to_sql("e", con, index=False, chunksize=200_000)
    con.executescript("""
        CREATE INDEX e_app ON e(app_no, event_type, event_date);
        CREATE INDEX p_app ON p(app_no);
        CREATE INDEX p_filed ON p(app_date);
        CREATE INDEX p_granted ON p(grant_date);
        CREATE TABLE facts AS SELECT app_no, lapse_date AS date, 1 AS t FROM p WHERE lapse_date IS NOT NULL
            UNION ALL SELECT app_no, event_date, event_type <> 'restoration' FROM e
            WHERE event_type IN ('lapse', 'invalidation', 'restoration');
        CREATE INDEX facts_app ON facts(app_no, date);
        ANALYZE;
    """)
    return con


def sqlite_core(con: sqlite3.Connection, days: list[pd.Timestamp]) -> int:
    """Each query once per year-end, grouped by the finest place (levels added up in Python, as ipstrong does)."""
    rows = 0
    for day in days:
        params = {"day": day.strftime("%Y-%m-%d"), "start": f"{day.year}-01-01"}
        for query in SQLITE_QUERIES.values():
            rows += len(con.execute(query.format(levels=", ".join(LEVELS)), params).fetchall())
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path("bench-out/wh10m"))
    parser.add_argument("--patents", type=int, default=10_000_000)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-baselines", action="store_true", help="time ipstrong only (with --repeat)")
    parser.add_argument("--repeat", type=int, default=1, help="run the whole catalogue this many times")
    args = parser.parse_args()
    prepare(args.data_dir, args.patents)
    sid = Warehouse(args.data_dir).current_id()
    con = duckdb.connect()
    n = con.execute(f"SELECT count(*) FROM read_parquet('{Warehouse(args.data_dir).table_glob('patents', sid)}')").fetchall()[0][
        0
    ]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, DuckDB {duckdb.__version__}"
    )
    print(f"warehouse: {args.data_dir} snapshot {sid}, {n:,} patents")
    days = [dt.date(y, 12, 31) for y in range(2012, 2025)]
    floor_scan(args.data_dir)  # warms the file cache
    floor, _ = timed("DuckDB bare scan of the columns used (floor)", lambda: floor_scan(args.data_dir))
    runs = [
        timed(
            f"ipstrong, whole catalogue ({len(CATALOGUE)} indicators) × {len(days)} year-ends × province, cities, counties",
            lambda: compute(args.data_dir, None, days, "320000", "city,district"),
        )
        for _ in range(max(1, args.repeat))
    ]
    whole, records = sorted(runs, key=lambda r: r[0])[len(runs) // 2]  # the median run
    if len(runs) > 1:
        print(f"  runs: {', '.join(f'{r[0]:.1f}' for r in runs)} s; median {whole:.1f} s")
    if args.skip_baselines:
        return
    core, _ = timed("ipstrong, core measures only", lambda: compute(args.data_dir, CORE, days, "320000", "city,district"))
    print(f"  {len(records):,} records; regions per indicator and year-end: {len(records) // len(CATALOGUE) // len(days)}")
    _, (p, e) = timed("pandas: read the columns (not counted below)", lambda: load_frames(args.data_dir))
    stamps = [pd.Timestamp(d) for d in days]
    plain, by_pandas = timed("pandas, core measures", lambda: pandas_core(p, e, stamps))
    checked = [
        (
            r["indicator"],
            r["asof"],
            r["region_code"],
            r["value"],
            by_pandas.get((r["indicator"], pd.Timestamp(r["asof"]), r["region_code"]), 0.0),
        )
        for r in records
        if r["indicator"] in ("effective_inventions", "grants_invention", "applications_design", "pledge_amount")
    ]
    wrong = [c for c in checked if abs((c[3] or 0) - c[4]) > 1e-6]
    print(f"  pandas agrees with ipstrong on {len(checked) - len(wrong):,} of {len(checked):,} figures {wrong[:3]}")
    lite = None
    if not args.skip_sqlite:
        path = Path(tempfile.mkdtemp(prefix="ips-bench-sqlite-")) / "b.db"
        _, sq = timed("SQLite: load and index (not counted below)", lambda: sqlite_load(p, e, path))
        lite, _ = timed("SQLite, core measures", lambda: sqlite_core(sq, stamps))
        sq.close()
        path.unlink()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"peak resident memory of this process: {peak:.1f} GB")
    print()
    print(f"whole catalogue {whole:.1f} s: {whole / 10:.2f} × the 10-second goal; {whole / floor:.1f} × the DuckDB floor")
    print(
        f"pandas (core) / ipstrong (whole catalogue) = {plain / whole:.1f} × (goal ≥ 10); "
        f"/ ipstrong (core) = {plain / core:.1f} ×"
    )
    if lite is not None:
        print(f"SQLite (core) / ipstrong (whole catalogue) = {lite / whole:.1f} ×; / ipstrong (core) = {lite / core:.1f} ×")


if __name__ == "__main__":
    main()
