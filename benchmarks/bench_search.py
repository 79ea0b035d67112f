"""Benchmark: patent search at 1M (and 10M) synthetic patents with Chinese titles and abstracts, against SQLite FTS5
on the same data in the same run (issue 6).

Goal: p95 under 50 ms with facets, and at least 5× faster than FTS5 at p95.

* ipstrong: ``ipstrong index build`` of the warehouse snapshot (documents per second, size on disk), then every query
  of ``QUERIES`` through ``ipstrong.search.engine.search`` — the path of the CLI, the API and the web page, index
  opened per query — for the first page of 20 hits with highlights, the total and all six facets.
* FTS5: one table with title and abstract cut into the same per-character tokens (space-separated, ``unicode61``)
  and the IPC symbols at every level (``tokenchars '/'``, prefix index), the other fields in a rowid table with
  indexes; each query is the same question in FTS5's MATCH syntax plus SQL conditions: the matched rows go into a
  temporary table, then the count, the first 20 by ``bm25`` and the six facets (GROUP BY, top 20) are read from it.

Both answer every query with the same total (checked and printed). Latency is each query's wall time, run
``--repeat`` times after one warm-up; p50/p95 are over all runs of all queries.

Usage: python benchmarks/bench_search.py [--data-dir DIR] [--patents N] [--repeat R] [--skip-fts5]
(generates and ingests N synthetic patents into DIR when DIR holds no snapshot; builds the index when missing)
"""

from __future__ import annotations

import argparse
import platform
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from bench_indicators import prepare

from ipstrong.search.engine import FACETS, search
from ipstrong.search.index import build, index_path, is_current
from ipstrong.warehouse.connection import snapshot_connection
from ipstrong.warehouse.snapshots import Warehouse


def chars(text: str) -> str:
    """Per-character tokens for FTS5: a space after every Han character."""
    return re.sub(r"([\u3400-\u9fff])", r" \1 ", text)


def phrase(column: str, text: str) -> str:
    return f'{column} : "{chars(text).strip()}"'


def ta(text: str) -> str:
    return f"({phrase('title', text)} OR {phrase('abstract', text)})"


# (kind, ipstrong query, FTS5 MATCH, extra SQL condition on the rowid table m)
QUERIES: list[tuple[str, str, str, str]] = [
    ("single term", "电池", ta("电池"), ""),
    ("single term", "焊接", ta("焊接"), ""),
    ("single term", "齿轮", ta("齿轮"), ""),
    ("single term", "洗衣机", ta("洗衣机"), ""),
    ("single term", "净化", ta("净化"), ""),
    ("phrase", '"锂离子电池"', ta("锂离子电池"), ""),
    ("phrase", 'TI="神经网络模型"', phrase("title", "神经网络模型"), ""),
    ("phrase", '"污水处理系统"', ta("污水处理系统"), ""),
    ("phrase", 'TI="激光焊接头"', phrase("title", "激光焊接头"), ""),
    ("phrase", '"智能温室"', ta("智能温室"), ""),
    (
        "field+date+IPC prefix",
        "TA=电池 AND AD=2018-01-01..2020-12-31 AND IPC=H01M10/05*",
        f'{ta("电池")} AND ipc : "H01M10/05"*',
        "m.app_date BETWEEN '2018-01-01' AND '2020-12-31'",
    ),
    (
        "field+date+IPC prefix",
        "TI=检测 AND AD>=2020-01-01 AND IPC=G01N2*",
        f'{phrase("title", "检测")} AND ipc : "G01N2"*',
        "m.app_date >= '2020-01-01'",
    ),
    (
        "field+date+IPC prefix",
        "AB=焊接 AND PD=2019-01-01..2019-12-31 AND IPC=B23K26*",
        f'{phrase("abstract", "焊接")} AND ipc : "B23K26"*',
        "m.pub_date BETWEEN '2019-01-01' AND '2019-12-31'",
    ),
    (
        "field+date+IPC prefix",
        "TA=储能 AND AD<=2015-12-31 AND MIPC=H02J*",
        f'{ta("储能")} AND mipc : "H02J"*',
        "m.app_date <= '2015-12-31'",
    ),
    ("Boolean+facets", "(电池 OR 电机) AND NOT 充电", f"({ta('电池')} OR {ta('电机')}) NOT {ta('充电')}", ""),
    (
        "Boolean+facets",
        "(图像分割 OR 目标检测) AND CITY=320500",
        f"({ta('图像分割')} OR {ta('目标检测')})",
        "m.city_code = '320500'",
    ),
    (
        "Boolean+facets",
        "(芯片 OR 半导体) AND TYPE=发明 AND NOT STATUS=失效",
        f"({ta('芯片')} OR {ta('半导体')})",
        "m.patent_type = 'invention' AND m.legal_status NOT IN ('lapsed','expired','invalidated','rejected','withdrawn')",
    ),
    (
        "Boolean+facets",
        "TI=洗衣机 OR TI=烘干装置 OR TI=空调系统",
        " OR ".join(phrase("title", w) for w in ("洗衣机", "烘干装置", "空调系统")),
        "",
    ),
]
FTS_FACETS = {
    "city": "m.city_code",
    "year": "substr(m.app_date, 1, 4)",
    "ipc": "substr(m.ipc_main, 1, 4)",
    "type": "m.patent_type",
    "status": "m.legal_status",
    "applicant": "m.first_applicant",
}


def ipc_levels(symbols: list[str] | None) -> str:
    from ipstrong.search.index import ipc_levels as levels

    return " ".join(levels(symbols))


def fts5_load(data_dir: Path, path: Path, snapshot: str) -> sqlite3.Connection:
    """Both tables of the FTS5 baseline from the same snapshot the index was built from (kept from an earlier run of
    the same snapshot: loading is timed once)."""
    if path.exists():
        db = sqlite3.connect(path)
        if db.execute("SELECT snapshot FROM about").fetchone() == (snapshot,):
            return db
        db.close()
        path.unlink()
    db = sqlite3.connect(path)
    db.executescript(
        """
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; CREATE TABLE about (snapshot TEXT);
        CREATE VIRTUAL TABLE fts USING fts5(title, abstract, ipc, mipc, tokenize = "unicode61 tokenchars '/'",
                                            prefix = '2 3 4 5 6');
        CREATE TABLE m (rowid INTEGER PRIMARY KEY, app_no TEXT, title TEXT, city_code TEXT, app_date TEXT,
                        pub_date TEXT, ipc_main TEXT, patent_type TEXT, legal_status TEXT, first_applicant TEXT);
        """
    )
    con = snapshot_connection(data_dir)
    sql = """SELECT app_no, title, abstract, ipc_all, ipc_main, city_code, CAST(app_date AS VARCHAR) AS app_date,
                    CAST(pub_date AS VARCHAR) AS pub_date, patent_type, legal_status, first_applicant FROM patents"""
    rowid = 0
    for batch in con.sql(sql).to_arrow_reader(100_000):
        rows = batch.to_pylist()
        fts, meta = [], []
        for r in rows:
            rowid += 1
            main = [r["ipc_main"]] if r["ipc_main"] else []
            fts.append((rowid, chars(r["title"] or ""), chars(r["abstract"] or ""), ipc_levels(r["ipc_all"]), ipc_levels(main)))
            meta.append(
                (rowid, r["app_no"], r["title"], r["city_code"], r["app_date"], r["pub_date"], r["ipc_main"], r["patent_type"],
                 r["legal_status"], r["first_applicant"])
            )  # fmt: skip
        db.executemany("INSERT INTO fts (rowid, title, abstract, ipc, mipc) VALUES (?, ?, ?, ?, ?)", fts)
        db.executemany("INSERT INTO m VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", meta)
    con.close()
    db.executescript(
        """
        CREATE INDEX m_ad ON m (app_date); CREATE INDEX m_pd ON m (pub_date); CREATE INDEX m_city ON m (city_code);
        INSERT INTO fts (fts) VALUES ('optimize');
        """
    )
    db.execute("INSERT INTO about VALUES (?)", (snapshot,))
    db.commit()
    return db


def fts5_query(db: sqlite3.Connection, match: str, where: str) -> int:
    """Count, first page by bm25 and the six facets of one query; the count."""
    condition = f"AND {where}" if where else ""
    db.execute("DROP TABLE IF EXISTS temp.hits")
    db.execute(
        f"CREATE TEMP TABLE hits AS SELECT f.rowid AS id, f.rank AS rank FROM fts f CROSS JOIN m ON m.rowid = f.rowid "
        f"WHERE fts MATCH ? {condition}",
        (match,),
    )
    total = db.execute("SELECT count(*) FROM hits").fetchone()[0]
    db.execute("SELECT m.app_no, m.title FROM hits JOIN m ON m.rowid = hits.id ORDER BY hits.rank LIMIT 20").fetchall()
    for expr in FTS_FACETS.values():
        db.execute(
            f"SELECT {expr} AS v, count(*) AS n FROM hits JOIN m ON m.rowid = hits.id GROUP BY v ORDER BY n DESC LIMIT 20"
        ).fetchall()
    return total


def timed_runs(fn: Any, repeat: int) -> tuple[list[float], Any]:
    out = fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, out


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def tantivy_version() -> str:
    import tantivy

    return tantivy.__version__


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("bench-out/wh1m"))
    parser.add_argument("--patents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-fts5", action="store_true")
    args = parser.parse_args()
    print(f"machine: {platform.machine()} {platform.system()} · python {platform.python_version()}", end="")
    print(f" · sqlite {sqlite3.sqlite_version} · {tantivy_version()}")
    prepare(args.data_dir, args.patents)
    snapshot = Warehouse(args.data_dir).current_id()
    path = index_path(args.data_dir, snapshot)
    if not is_current(path):
        start = time.perf_counter()
        built = build(args.data_dir)
        seconds = time.perf_counter() - start
        print(f"ipstrong index build: {built['indexed']:,} patents in {seconds:.1f} s = {built['indexed'] / seconds:,.0f}/s")
    print(f"ipstrong index size: {du(path) / 1e6:,.0f} MB")
    db = None
    if not args.skip_fts5:
        fts_path = args.data_dir / "fts5.sqlite"
        start = time.perf_counter()
        db = fts5_load(args.data_dir, fts_path, snapshot)
        seconds = time.perf_counter() - start
        print(f"FTS5 load + index: {seconds:.1f} s · size {du(fts_path) / 1e6:,.0f} MB")
    facets = tuple(FACETS)
    ours: dict[str, list[float]] = {}
    theirs: dict[str, list[float]] = {}
    print(f"{'kind':22} {'query':52} {'total':>9} {'ipstrong p50':>12} {'FTS5 p50':>9}")
    for kind, query, match, where in QUERIES:
        mine, result = timed_runs(lambda q=query: search(args.data_dir, q, limit=20, facets=facets), args.repeat)
        ours.setdefault(kind, []).extend(mine)
        line = f"{kind:22} {query[:50]:52} {result['total']:9,} {statistics.median(mine):12.1f}"
        if db is not None:
            other, total = timed_runs(lambda m=match, w=where: fts5_query(db, m, w), args.repeat)
            theirs.setdefault(kind, []).extend(other)
            line += f" {statistics.median(other):9.1f}" + ("" if total == result["total"] else f"  TOTALS DIFFER: FTS5 {total:,}")
        print(line)
    every = [t for times in ours.values() for t in times]
    print(f"\nipstrong, all queries with six facets: p50 {percentile(every, 50):.1f} ms · p95 {percentile(every, 95):.1f} ms "
          f"(goal < 50 ms: ratio {percentile(every, 95) / 50:.2f})")  # fmt: skip
    for kind, times in ours.items():
        line = f"  {kind:22} ipstrong p50 {percentile(times, 50):7.1f} p95 {percentile(times, 95):7.1f}"
        if theirs:
            line += f" · FTS5 p50 {percentile(theirs[kind], 50):8.1f} p95 {percentile(theirs[kind], 95):8.1f}"
        print(line)
    if theirs:
        all_theirs = [t for times in theirs.values() for t in times]
        ratio = percentile(all_theirs, 95) / percentile(every, 95)
        print(f"FTS5, same queries: p50 {percentile(all_theirs, 50):.1f} ms · p95 {percentile(all_theirs, 95):.1f} ms "
              f"→ ipstrong is {ratio:.1f}× faster at p95 (goal ≥ 5×)")  # fmt: skip


if __name__ == "__main__":
    main()
