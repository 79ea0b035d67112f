"""Benchmark: reading 10,000 watches after a weekly update (issue 22).

Goal: after a weekly update of 50,000 new records into a 10M warehouse, evaluating 10,000 watchlists: under 2
minutes. The warehouse here is the synthetic one of N patents (default 1,250,000: the 10M one takes half an hour to
generate, and the watches read only what changed, so its size enters through the two snapshots' comparison, which
the run times apart). The update is 50,000 generated patents of another seed. The 10,000 watches: 6,000 IPC fields
(main groups and subclasses the warehouse holds), 3,000 enterprises, 1,000 searches of a title word; three in ten
within a Jiangsu city; all in the platform, half as digests. The ratio printed is the time taken over the goal.

Usage: python benchmarks/bench_alerts.py [--data-dir DIR] [--patents N] [--update 50000] [--watches 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from synthetic import synthetic_warehouse

from ipstrong.alerts.models import Watchlist
from ipstrong.alerts.watch import deliver_due, run_watchlists
from ipstrong.config import Settings
from ipstrong.db import make_engine, session_factory, transaction, upgrade
from ipstrong.ingest import ingest
from ipstrong.ingest.pipeline import apply_entities
from ipstrong.search.index import build, index_path, is_current
from ipstrong.synth.generator import SynthConfig, generate
from ipstrong.warehouse.connection import snapshot_connection
from ipstrong.warehouse.snapshots import Warehouse

GOAL_S = 120.0
CITIES = ("320100", "320200", "320300", "320400", "320500", "320600", "320700", "320800", "320900", "321000", "321100")


def _targets(data_dir: Path, rng: random.Random) -> tuple[list[str], list[int], list[str]]:
    """IPC symbols, enterprise ids and title words the warehouse holds, to watch."""
    con = snapshot_connection(data_dir)
    try:
        some = "(SELECT * FROM patents ORDER BY hash(app_no) LIMIT 20000)"
        groups = [r[0] for r in con.execute(
            f"SELECT DISTINCT split_part(x, '/', 1) FROM {some}, unnest(coalesce(ipc_all, [])) t(x)").fetchall()]  # fmt: skip
        firms = [int(r[0]) for r in con.execute(
            "SELECT first_applicant_id FROM patents WHERE first_applicant_id IS NOT NULL GROUP BY 1 "
            "ORDER BY count(*) DESC LIMIT 5000").fetchall()]  # fmt: skip
        titles = [r[0] for r in con.execute(f"SELECT title FROM {some} WHERE title IS NOT NULL LIMIT 2000").fetchall()]
    finally:
        con.close()
    words = sorted({t[i : i + 2] for t in titles for i in range(0, max(len(t) - 1, 1), 3) if len(t[i : i + 2]) == 2})
    subclasses = sorted({g[:4] for g in groups})
    return sorted(groups) + subclasses, firms, [w for w in words if w.isalnum()][:2000] or ["装置"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path("bench-out/alerts"))
    parser.add_argument("--patents", type=int, default=1_250_000)
    parser.add_argument("--update", type=int, default=50_000)
    parser.add_argument("--watches", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(7)
    data = args.data_dir
    synthetic_warehouse(data, args.patents)
    begun = time.perf_counter()
    apply_entities(data, None)
    if not is_current(index_path(data, Warehouse(data).current_id() or "")):
        build(data)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"setup (enterprises resolved, search index): {time.perf_counter() - begun:.0f} s, not counted")
    work = Path(tempfile.mkdtemp(prefix="ips-alerts-"))
    url = f"sqlite:///{work / 'ops.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = session_factory(engine)
    symbols, firms, words = _targets(data, rng)
    base = Warehouse(data).current_id()
    with transaction(factory) as s:
        for n in range(args.watches):
            kind = "ipc" if n % 10 < 6 else "applicant" if n % 10 < 9 else "query"
            target = (
                rng.choice(symbols)
                if kind == "ipc"
                else str(rng.choice(firms))
                if kind == "applicant"
                else f"TI={rng.choice(words)}"
            )
            s.add(Watchlist(owner="bench", name=f"w{n}", kind=kind, target=target,
                            region_code=rng.choice(CITIES) if n % 10 in (0, 3, 7) else None, channel="in_app",
                            mode="digest" if n % 2 else "immediate", active=True, token=secrets.token_urlsafe(24),
                            last_snapshot=base))  # fmt: skip
    source = Path(tempfile.mkdtemp(prefix="ips-update-"))
    generate(SynthConfig(patents=args.update, seed=11, broken_share=0, fmt="parquet"), source)
    begun = time.perf_counter()
    ingest([source / "patents.parquet"], data, status_date=dt.date(2025, 1, 7))
    apply_entities(data, None)
    build(data)  # incremental, from the base snapshot's index
    published = time.perf_counter() - begun
    shutil.rmtree(source)
    begun = time.perf_counter()
    ran = run_watchlists(factory, data)
    evaluated = time.perf_counter() - begun
    begun = time.perf_counter()
    sent = deliver_due(factory, Settings())
    delivered = time.perf_counter() - begun
    engine.dispose()
    shutil.rmtree(work)
    print(f"update: {args.update:,} records published (ingest, enterprises, index) in {published:.0f} s, not counted")
    print(f"watches read: {ran.watchlists:,}; events {ran.events:,}; deliveries made {ran.deliveries:,} — {evaluated:.1f} s")
    print(f"deliveries sent (in the platform): {sent.sent:,} in {delivered:.1f} s")
    print(f"reading the watches: {evaluated:.1f} s; goal {GOAL_S:.0f} s; ratio {evaluated / GOAL_S:.2f} of the goal")


if __name__ == "__main__":
    main()
