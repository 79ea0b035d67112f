"""Benchmark: applicant entity resolution over 1M names (issue 7: under 10 minutes, memory under 8 GB).

No public list of a million applicant names exists offline, so the names are generated (seeded): a region, a trade
name of two or three common characters, an industry word and a company form, as CNIPA's lists carry them; of these
enterprises 5% also appear in their other company form (有限公司 ↔ 股份有限公司), 3% in an English form, and 10%
with a spacing variant. Mistyped variants are left out: one character changed in a two- or three-character trade
name reads as another company, which resolution rightly does not link (tests cover typos in longer names). The
true enterprise of every name is known, so pairwise precision and recall are printed beside the times.

Two runs: ``resolve()`` alone over every name (the matching), and ``assign()`` into a fresh SQLite operational
database (what an ingest of a first national file does: resolution plus writing every name and entity). Printed
as ratios against the goal (600 s, 8 GB) and against a floor that only groups names by their exact key.

Usage: python benchmarks/bench_entities.py [--names 1000000] [--seed 7]
"""

from __future__ import annotations

import argparse
import itertools
import platform
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from pypinyin import lazy_pinyin

from ipstrong.db import make_engine, session_factory, transaction, upgrade
from ipstrong.ingest.entities import Applicant, resolve
from ipstrong.ingest.entity_store import assign
from ipstrong.ingest.names import name_key
from ipstrong.reference.regions import regions

GOAL_S, GOAL_GB = 600.0, 8.0
COMMON = (
    "华中恒博瑞新天正金盛宏远鼎科信达通创捷凯德精泰诚安联越智晟丰源宇辰为康驰邦睿卓拓翔海晶峰启航云锦润"
    "明光辉永隆兴旺昌顺和美佳乐嘉泽汇隆宝立升腾飞扬东南西北大同方圆合力长青"
)
INDUSTRY = [("科技", "TECHNOLOGY"), ("电子", "ELECTRONICS"), ("新材料", "NEW MATERIAL"), ("机械", "MACHINERY"),
            ("新能源", "NEW ENERGY"), ("信息技术", "INFORMATION TECHNOLOGY"), ("生物", "BIOLOGICAL"), ("光电", "OPTOELECTRONIC"),
            ("智能", "INTELLIGENT"), ("精密", "PRECISION"), ("医疗", "MEDICAL"), ("化工", "CHEMICAL")]  # fmt: skip


def generate(n: int, seed: int) -> tuple[list[Applicant], list[int]]:
    """``n`` applicant names and the enterprise each belongs to."""
    rng = np.random.default_rng(seed)
    places = [(r.name.removesuffix("市").removesuffix("区").removesuffix("县"), r.code) for r in regions()
              if r.level in ("city", "district") and r.status == "current" and len(r.name) >= 3]  # fmt: skip
    names: list[Applicant] = []
    truth: list[int] = []
    seen: set[str] = set()
    enterprise = 0
    while len(names) < n:
        place, code = places[rng.integers(len(places))]
        trade = "".join(COMMON[i] for i in rng.integers(len(COMMON), size=rng.integers(2, 4)))
        word, english = INDUSTRY[rng.integers(len(INDUSTRY))]
        name = f"{place}{trade}{word}有限公司"
        if name in seen:
            continue
        seen.add(name)
        inventor = frozenset({f"发明人{enterprise}"})
        forms = [name]
        roll = rng.random()
        if roll < 0.05:
            forms.append(name.replace("有限公司", "股份有限公司"))
        elif roll < 0.08:
            pinyin = "".join(lazy_pinyin(place)).upper()
            forms.append(f"{pinyin} {''.join(lazy_pinyin(trade)).upper()} {english} CO LTD")
        if rng.random() < 0.10:
            forms.append(name.replace("有限公司", " 有限公司"))
        for form in forms[: n - len(names)]:
            names.append(Applicant(form, cities=frozenset({code[:4] + "00"}), inventors=inventor))
            truth.append(enterprise)
        enterprise += 1
    return names, truth


def pairwise(groups: list[list[str]], truth_of: dict[str, int]) -> tuple[float, float]:
    predicted = {p for g in groups for p in itertools.combinations(sorted(g), 2)}
    by_truth: dict[int, set[str]] = defaultdict(set)
    for key, t in truth_of.items():
        by_truth[t].add(key)
    true = {p for g in by_truth.values() for p in itertools.combinations(sorted(g), 2)}
    correct = len(predicted & true)
    return correct / max(len(predicted), 1), correct / max(len(true), 1)


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.processor() or '?'}, python {platform.python_version()}")
    t = time.perf_counter()
    applicants, truth = generate(args.names, args.seed)
    truth_of = {name_key(a.name): e for a, e in zip(applicants, truth, strict=True)}
    print(f"generated {len(applicants):,} names of {max(truth) + 1:,} enterprises in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    floor: dict[str, list[str]] = defaultdict(list)
    for a in applicants:
        floor[name_key(a.name)].append(a.name)
    floor_s = time.perf_counter() - t
    print(f"floor (group by exact key): {floor_s:.1f} s, {len(floor):,} groups")

    t = time.perf_counter()
    resolution = resolve(applicants)
    resolve_s = time.perf_counter() - t
    precision, recall = pairwise(resolution.groups, truth_of)
    methods: dict[str, int] = defaultdict(int)
    for m in resolution.method.values():
        methods[m] += 1
    print(f"resolve(): {resolve_s:.1f} s = {resolve_s / GOAL_S:.3f} × goal, {resolve_s / floor_s:.0f} × floor; "
          f"{len(resolution.groups):,} entities, {len(resolution.candidates):,} pairs to review; "
          f"pairwise precision {precision:.4f}, recall {recall:.4f}; by method {dict(methods)}")  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'ops.db'}"
        upgrade(url)
        engine = make_engine(url)
        t = time.perf_counter()
        with transaction(session_factory(engine)) as session:
            ids = assign(session, applicants)
        assign_s = time.perf_counter() - t
        engine.dispose()
    print(f"assign() into SQLite: {assign_s:.1f} s = {assign_s / GOAL_S:.3f} × goal; {len(set(ids.values())):,} entities stored")
    print(f"peak memory: {peak_gb():.2f} GB = {peak_gb() / GOAL_GB:.3f} × goal")


if __name__ == "__main__":
    main()
