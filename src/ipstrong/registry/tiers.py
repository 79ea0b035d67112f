"""The enterprise directory and its tiers (重点企业名录, 分层分类培育): every enterprise applicant entity with its
profile at a year-end — effective and high-value inventions, filings, PCT applications, pledges, the growth of its
effective inventions on the year — and the highest tier whose every criterion it meets, beside its tier a year
before. ``/enterprises``, ``GET /api/v1/enterprises/tiers`` and ``ipstrong enterprises tiers`` render this one call.

Tier rules are data (``data/tier_rules.csv``, or the office's own file): a tier, its rank (1 highest), its names,
and one row per criterion — a patent measure of the indicator catalogue and its minimum. The profile's figures are
the indicators' own rows, grouped by the patent's first applicant (``indicators.engine.by_applicant``), so a firm's
figures add up to its region's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel

from ipstrong.accounts.roles import Actor, in_scope, require
from ipstrong.csvin import read_rows
from ipstrong.messages import IpsError, Msg

PROFILE = (
    "effective_inventions",
    "high_value_inventions",
    "applications_invention",
    "grants_invention",
    "applications_pct",
    "pledge_amount",
)
RULE_COLUMNS = ("tier", "rank", "name_zh", "name_en", "measure", "minimum", "basis")


@dataclass(frozen=True)
class Tier:
    tier: str
    rank: int
    name_zh: str
    name_en: str
    criteria: tuple[tuple[str, float], ...]  # (measure, minimum)
    basis: str


def load_rules(path: Path | None = None) -> list[Tier]:
    """The tiers of ``path`` (default the shipped rules), highest first; a bad cell stops it with file, row and
    field named."""
    from ipstrong.indicators.measures import MEASURES

    source = path or Path(str(files("ipstrong") / "registry" / "data" / "tier_rules.csv"))
    tiers: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(read_rows(source, RULE_COLUMNS), start=2):
        where = (str(source), number)
        if row["measure"] not in MEASURES:
            known = ", ".join(sorted(MEASURES))
            raise IpsError(
                Msg(f"未知指标量：{row['measure']}", f"unknown measure {row['measure']} ({known})").located(*where, "measure")
            )
        try:
            minimum, rank = float(row["minimum"]), int(row["rank"])
        except ValueError:
            raise IpsError(Msg("须为数字", "must be a number").located(*where, "minimum")) from None
        entry = tiers.setdefault(
            row["tier"],
            {"tier": row["tier"], "rank": rank, "name_zh": row["name_zh"], "name_en": row["name_en"], "criteria": [],
             "basis": row["basis"]},
        )  # fmt: skip
        entry["criteria"].append((row["measure"], minimum))
    return sorted((Tier(**{**t, "criteria": tuple(t["criteria"])}) for t in tiers.values()), key=lambda t: t.rank)


class EnterpriseTier(BaseModel):
    """One enterprise entity at a year-end: its figures, its tier and its tier the year before (None: none met)."""

    entity_id: int
    name: str
    city_code: str | None
    figures: dict[str, float]
    growth_pct: float | None  # effective inventions on the year before
    tier: str | None
    previous_tier: str | None
    change: str  # up | down | same | new | left

    TABLE: ClassVar[tuple[str, ...]] = ("entity_id", "name", "city_code", "tier", "previous_tier", "change")


class TierDirectory(BaseModel):
    year: int
    tiers: list[dict[str, Any]]  # the rules: tier, rank, names, criteria, basis
    counts: dict[str, int]  # enterprises per tier
    total: int  # enterprises matching the filters
    rows: list[EnterpriseTier]  # the page asked for


def tier_of(figures: dict[str, float], rules: list[Tier]) -> str | None:
    """The highest tier whose every criterion the figures meet (None: none)."""
    return next((t.tier for t in rules if all(figures.get(m, 0.0) >= minimum for m, minimum in t.criteria)), None)


def _change(now: str | None, before: str | None, rank: dict[str | None, int]) -> str:
    if now == before:
        return "same"
    if before is None:
        return "new"
    if now is None:
        return "left"
    return "up" if rank[now] < rank[before] else "down"


def _enterprises(data_dir: Path) -> dict[int, tuple[str, str | None]]:
    """Every enterprise entity of the snapshot with its commonest name and city (as first applicant, CN)."""
    from ipstrong.warehouse.connection import snapshot_connection

    con = snapshot_connection(data_dir)
    try:
        rows = con.execute(
            "SELECT first_applicant_id, mode(first_applicant), mode(city_code) FROM patents "
            "WHERE first_applicant_id IS NOT NULL AND applicant_type = 'enterprise' AND office = 'CN' GROUP BY 1"
        ).fetchall()
    finally:
        con.close()
    return {r[0]: (r[1], r[2]) for r in rows}


def enterprise_tiers(
    actor: Actor,
    data_dir: Path,
    year: int,
    rules_file: Path | None = None,
    tier: str | None = None,
    city: str | None = None,
    name: str = "",
    limit: int | None = 100,
    offset: int = 0,
    timeout_s: float | None = None,
) -> TierDirectory:
    """The directory at the end of ``year`` within the reader's region, highest tier first (then most effective
    inventions), filtered by ``tier`` (``none`` for enterprises that meet no tier), ``city`` and part of ``name``."""
    from ipstrong.indicators.engine import by_applicant

    require(actor, "records.read")
    rules = load_rules(rules_file)
    if tier is not None and tier != "none" and tier not in {t.tier for t in rules}:
        raise IpsError(Msg(f"没有这一层级：{tier}", f"no such tier: {tier} ({', '.join(t.tier for t in rules)}, none)"))
    day, before = dt.date(year, 12, 31), dt.date(year - 1, 12, 31)
    measures = sorted(set(PROFILE) | {m for t in rules for m, _ in t.criteria})
    values = by_applicant(data_dir, measures, [day, before], timeout_s=timeout_s)
    rank: dict[str | None, int] = {t.tier: t.rank for t in rules}
    rows = []
    for entity, (firm, place) in _enterprises(data_dir).items():
        if not (in_scope(actor, place) if place else actor.role_info.everywhere):  # unplaced: province staff only
            continue
        now = {m: values.get((m, day), {}).get(entity, 0.0) for m in measures}
        then = {m: values.get((m, before), {}).get(entity, 0.0) for m in measures}
        was = then["effective_inventions"]
        rows.append(
            EnterpriseTier(
                entity_id=entity, name=firm, city_code=place, figures={m: now[m] for m in PROFILE},
                growth_pct=round(100 * (now["effective_inventions"] - was) / was, 1) if was else None,
                tier=tier_of(now, rules), previous_tier=tier_of(then, rules),
                change=_change(tier_of(now, rules), tier_of(then, rules), rank),
            )
        )  # fmt: skip
    counts = {t.tier: sum(1 for r in rows if r.tier == t.tier) for t in rules}
    counts["none"] = sum(1 for r in rows if r.tier is None)
    chosen = [
        r for r in rows
        if (tier is None or (r.tier or "none") == tier) and (city is None or r.city_code == city) and name in r.name
    ]  # fmt: skip
    chosen.sort(key=lambda r: (rank.get(r.tier, 99), -r.figures["effective_inventions"], r.entity_id))
    page = chosen[offset : offset + limit] if limit is not None else chosen[offset:]
    return TierDirectory(
        year=year,
        tiers=[{"tier": t.tier, "rank": t.rank, "name_zh": t.name_zh, "name_en": t.name_en,
                "criteria": [{"measure": m, "minimum": v} for m, v in t.criteria], "basis": t.basis} for t in rules],
        counts=counts, total=len(chosen), rows=page,
    )  # fmt: skip


MEASURE_NAMES = {
    "effective_inventions": "有效发明专利 / effective inventions",
    "high_value_inventions": "高价值发明专利 / high-value inventions",
    "applications_invention": "发明申请 / invention applications",
    "grants_invention": "发明授权 / invention grants",
    "applications_pct": "PCT 申请 / PCT applications",
    "pledge_amount": "质押登记金额（万元）/ pledged (10,000 yuan)",
}


def write_tiers_xlsx(directory: TierDirectory, out: Path) -> None:
    """The directory as a workbook: every enterprise with its figures and tiers, and the rules it was judged by."""
    from ipstrong.output import PrintLayout, Sheet, write_workbook
    from ipstrong.reference.regions import region_name

    names = {t["tier"]: f"{t['name_zh']} / {t['name_en']}" for t in directory.tiers}
    listing = Sheet(
        ("实体 / entity", "企业 / enterprise", "地市 / city", *(MEASURE_NAMES[m] for m in PROFILE),
         "有效发明增长 % / growth %", f"{directory.year} 层级 / tier", f"{directory.year - 1} 层级 / tier", "变化 / change"),
        [(r.entity_id, r.name, region_name(r.city_code or "") or r.city_code, *(r.figures[m] for m in PROFILE), r.growth_pct,
          names.get(r.tier or "", "—"), names.get(r.previous_tier or "", "—"), r.change) for r in directory.rows],
        PrintLayout("名录 directory", (10, 34, 10, 12, 12, 12, 12, 10, 14, 12, 30, 30, 8)),
    )  # fmt: skip
    rules = Sheet(
        ("层级 / tier", "序 / rank", "条件 / criterion", "下限 / minimum", "依据 / basis"),
        [(names[t["tier"]], t["rank"], MEASURE_NAMES.get(c["measure"], c["measure"]), c["minimum"], t["basis"])
         for t in directory.tiers for c in t["criteria"]],
        PrintLayout("规则 rules", (40, 6, 34, 10, 80)),
    )  # fmt: skip
    write_workbook(out, [listing, rules])
