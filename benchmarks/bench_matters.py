"""Benchmark: the matters engine on PostgreSQL (issue 8).

Goals: with 100,000 matters and full histories, the SLA board and a filtered list for a city answer with p95 under
100 ms; 500 concurrent transitions from 20 clients lose no update.

The matters are generated (seeded) in a fresh schema of the PostgreSQL at 127.0.0.1:5432 (database ``test`` or
``IPSTRONG_TEST_PG``): 13 city offices and 13 protection centres; adjudications at the offices and fast
pre-examinations at the centres, each a random way along its type's steps (received → accepted → hearing →
suspended → hearing → decided; submitted → screening → correction → screening → passed), received over three years,
with the history, parties and limits the engine itself computes. Reads go through the same service functions the
pages call. The concurrency run gives 20 threads 25 transitions each on 50 shared matters in hearing, each thread
reading a matter's version and taking the step its state allows (suspend or resume) with that version; a 409 is
retried. Afterwards every matter's history must chain (each step starts from the state the previous one reached) and
its version must equal 1 + its steps: any lost update would break one or the other.

Printed as ratios against the goals in the same run. Usage: python benchmarks/bench_matters.py [--matters 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import threading
import time
import uuid

from sqlalchemy import create_engine, insert, select, text

from ipstrong.accounts.models import Organisation
from ipstrong.accounts.roles import Actor
from ipstrong.db import make_engine, session_factory, transaction, upgrade
from ipstrong.matters import deadlines, service
from ipstrong.matters.board import sla_board
from ipstrong.matters.catalogue import MATTER_TYPES
from ipstrong.matters.models import Matter, MatterEvent, MatterParty
from ipstrong.matters.workdays import load
from ipstrong.messages import Conflict

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/" + os.environ.get("IPSTRONG_TEST_PG", "test")
CITIES = [f"32{c:02d}00" for c in range(1, 14)]
PATHS = {
    "adjudication": [(None, "received"), ("accept", "accepted"), ("hear", "hearing"), ("suspend", "suspended"),
                     ("resume", "hearing"), ("decide", "decided")],
    "prescreen": [(None, "submitted"), ("start", "screening"), ("ask_correction", "correction"), ("corrected", "screening"),
                  ("pass", "passed")],
}  # fmt: skip
TODAY = dt.date(2026, 11, 20)
GOAL_MS = 100.0


def build(factory, n: int, seed: int) -> dict[str, list[int]]:
    """Bodies and ``n`` matters with histories; returns body ids by city."""
    rng = random.Random(seed)
    bodies: dict[str, list[int]] = {}
    with transaction(factory) as s:
        for city in CITIES:
            office = Organisation(kind="office", name=f"{city} 知识产权局", region_code=city)
            centre = Organisation(kind="centre", name=f"{city} 保护中心", region_code=city)
            s.add_all([office, centre])
            s.flush()
            bodies[city] = [office.id, centre.id]
        calendar = load(s)
    matters, events, parties = [], [], []
    for i in range(1, n + 1):
        city = rng.choice(CITIES)
        type_id = "adjudication" if rng.random() < 0.6 else "prescreen"
        body = bodies[city][0 if type_id == "adjudication" else 1]
        mtype = MATTER_TYPES[type_id]
        received = TODAY - dt.timedelta(days=rng.randint(0, 3 * 365))
        steps = PATHS[type_id][: rng.randint(1, len(PATHS[type_id]))]
        day, passages = received, []
        for step, state in steps:
            day = min(TODAY, day + dt.timedelta(days=rng.randint(0 if step is None else 1, 20 if step else 0)))
            passages.append(deadlines.Passage(day, step, state))
        final = mtype.state(passages[-1].state).final
        limits = deadlines.limits(mtype, passages, [], calendar, TODAY)
        now = deadlines.current(limits, final)
        matters.append(
            {"id": i, "type_id": type_id, "number": f"{mtype.code}-{city}-{body}-{i:07d}", "body_id": body, "region_code": city,
             "title": f"事项 {i}", "form": {}, "state": passages[-1].state, "state_since": passages[-1].day,
             "received_on": received,
             "due_on": now.due.date if now else None, "due_rule": now.rule.id if now else None, "due_provisional": False,
             "due_paused": bool(now and now.paused), "extended": [], "closed_on": passages[-1].day if final else None,
             "created_by": "bench", "version": len(passages)}
        )  # fmt: skip
        previous = None
        for p in passages:
            events.append({"matter_id": i, "day": p.day, "actor": "bench", "action": "created" if p.step is None else "step",
                           "step": p.step, "from_state": previous, "to_state": p.state})  # fmt: skip
            previous = p.state
        parties += [
            {"matter_id": i, "role": "requester", "name": f"请求人{i % 5000}"},
            {"matter_id": i, "role": "respondent", "name": f"被请求人{i % 7000}"},
        ]
    with transaction(factory) as s:
        # the tables themselves (not the ORM's bulk insert, which would set each version to its default)
        for table, rows in ((Matter.__table__, matters), (MatterEvent.__table__, events), (MatterParty.__table__, parties)):
            for start in range(0, len(rows), 10_000):
                s.execute(insert(table), rows[start : start + 10_000])
        s.execute(text("SELECT setval(pg_get_serial_sequence('matters', 'id'), :n)"), {"n": n})
        s.execute(text("ANALYZE"))
    print(f"built {n:,} matters, {len(events):,} history lines, {len(parties):,} parties")
    return bodies


def p95(factory, work, runs: int = 200) -> float:
    times = []
    for _ in range(runs):
        with factory() as s:
            started = time.perf_counter()
            work(s)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(times, n=20)[18]


def concurrency(factory, bodies: dict[str, list[int]], clients: int = 20, per_client: int = 25) -> None:
    city = CITIES[0]
    office = bodies[city][0]
    actor = Actor(None, "bench-officer", "case_officer", city, office)
    with factory() as s:
        chosen = s.scalars(
            select(Matter.id).where(Matter.body_id == office, Matter.state == "hearing").order_by(Matter.id).limit(50)
        ).all()
    before = {}
    with factory() as s:
        for mid in chosen:
            before[mid] = s.get(Matter, mid).version
    done, conflicts, lock = [0], [0], threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        finished = 0
        while finished < per_client:
            mid = rng.choice(chosen)
            with factory() as s:
                m = s.get(Matter, mid)
                state, version = m.state, m.version
            step = "suspend" if state == "hearing" else "resume"
            try:
                with transaction(factory) as s:
                    service.take_step(s, actor, mid, step, version, today=TODAY)
                finished += 1
            except Conflict:
                with lock:
                    conflicts[0] += 1
        with lock:
            done[0] += finished

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    broken = 0
    steps_total = 0
    with factory() as s:
        for mid in chosen:
            rows = s.execute(
                select(MatterEvent.from_state, MatterEvent.to_state).where(MatterEvent.matter_id == mid).order_by(MatterEvent.id)
            ).all()
            chain_ok = all(rows[k][0] == rows[k - 1][1] for k in range(1, len(rows)))
            version = s.get(Matter, mid).version
            steps_total += version - before[mid]
            broken += not chain_ok or len(rows) != version  # one history line per version: created is version 1
    lost = done[0] - steps_total
    print(f"concurrency: {clients} clients × {per_client} transitions = {done[0]} taken in {elapsed:.1f} s "
          f"({done[0] / elapsed:.0f}/s), {conflicts[0]} told to retry (409); versions moved {steps_total}; "
          f"lost updates {lost}; broken histories {broken}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG}?options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        engine = make_engine(url)
        factory = session_factory(engine)
        print(f"{platform.node()} · {os.cpu_count()} cores · PostgreSQL · {TODAY}")
        started = time.perf_counter()
        bodies = build(factory, args.matters, args.seed)
        print(f"generation and load: {time.perf_counter() - started:.0f} s")
        city = CITIES[4]  # 320500
        official = Actor(None, "bench-city", "city_official", city, bodies[city][0])
        province = Actor(None, "bench-province", "province_admin", "320000", None)
        soon = 3
        board_city = p95(factory, lambda s: sla_board(s, official, today=TODAY, soon_days=soon))
        board_body = p95(factory, lambda s: sla_board(s, official, bodies[city][0], today=TODAY, soon_days=soon))
        board_province = p95(factory, lambda s: sla_board(s, province, today=TODAY, soon_days=soon))
        listing = p95(factory, lambda s: service.list_matters(s, official, region=city, due="open", today=TODAY))
        overdue = p95(factory, lambda s: service.list_matters(s, official, type_id="adjudication", due="overdue", today=TODAY))
        search = p95(factory, lambda s: service.list_matters(s, official, q="请求人123", today=TODAY))
        for label, value in (
            ("SLA board, a city official (the city's bodies)", board_city),
            ("SLA board, one body", board_body),
            ("SLA board, the province (all 26 bodies)", board_province),
            ("list: a city's open matters, newest 50", listing),
            ("list: a city's overdue adjudications", overdue),
            ("list: a party's name in a city", search),
        ):
            print(f"{label:52s} p95 {value:7.1f} ms = {value / GOAL_MS:.2f} × the 100 ms goal")
        concurrency(factory, bodies)
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
