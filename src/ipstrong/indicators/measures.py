"""Measures: the counts and sums indicators are made of, as Ibis expressions (DuckDB by default; the same
expressions run on any Ibis backend).

Each measure takes the patents and events tables, a table of as-of days (``asof``; ``start`` and ``year`` of the
window that flows count: the calendar year of the as-of date up to it) and the open definitions' ``Parameters``,
and returns one row per patent (counts) or per event (sums) and as-of day, with the region columns and ``value``.
Every day is evaluated in one query: the engine groups the rows once by day and finest place and adds up the levels.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import ibis
from ibis.expr.types import Table

from ipstrong.ids.ipc import ipc_matches
from ipstrong.reference.sei import keyword_terms, sei_rules

REGION_COLUMNS = ("province_code", "city_code", "district_code", "zone_id")
TERMINATING = ("lapse", "invalidation", "restoration")
ATTRIBUTIONS = ("by-year", "patentee", "applicant")
SEI_MATCHINGS = ("keywords", "ipc-only")
LAST_PATENTEE_DAY = dt.date(2020, 12, 31)  # CNIPA counted by the patentee's address up to here, then the applicant's


@dataclass(frozen=True)
class Parameters:
    """The choices the official definitions leave open; catalogue.py states each default and the reason."""

    attribution: str = "by-year"  # by-year | patentee | applicant
    sei_matching: str = "keywords"  # keywords: keyword rules also need the keyword in title/abstract; ipc-only: not
    pledge_threshold: float = 0.0  # 10,000 yuan: a pledge total above this is 较高质押融资金额


DEFAULTS = Parameters()
Measure = Callable[[Table, Table, Table, Parameters], Table]


def days_table(days: list[dt.date]) -> Table:
    """The as-of days as a table: ``asof``, and the ``start`` and ``year`` of each day's flow window."""
    return ibis.memtable(
        {"asof": days, "start": [dt.date(d.year, 1, 1) for d in days], "year": [d.year for d in days]},
        schema={"asof": "date", "start": "date", "year": "int32"},
    )


def effective_on(p: Table, e: Table, days: Table) -> Table:
    """Patents of ``p`` effective on each day of ``days`` (CONVENTIONS.md), one row per patent and day with
    ``asof``: the same rule as the warehouse's ``effective_on`` SQL macro."""
    lapses = p.filter(p.lapse_date.notnull()).select(app_no=p.app_no, fact_date=p.lapse_date, terminates=ibis.literal(1))
    state = e.filter(e.event_type.isin(TERMINATING))
    state = state.select(
        app_no=state.app_no, fact_date=state.event_date, terminates=ibis.ifelse(state.event_type == "restoration", 0, 1)
    )
    facts = lapses.union(state)
    facts = facts.inner_join(days, facts.fact_date <= days.asof)
    latest = facts.group_by(fact_app_no=facts.app_no, fact_asof=facts.asof).aggregate(
        terminated=facts.terminates.argmax(facts.fact_date)
    )
    grants = e.filter(e.event_type == "grant")
    grants = grants.group_by(grant_app_no=grants.app_no).aggregate(event_grant=grants.event_date.min())
    term_years = ibis.cases(
        (p.patent_type == "invention", 20),
        ((p.patent_type == "design") & (p.app_date >= ibis.literal(dt.date(2021, 6, 1))), 15),
        else_=10,
    )
    spans = p.left_join(grants, p.app_no == grants.grant_app_no)
    spans = spans.select(
        *p.columns, granted=spans.grant_date.coalesce(spans.event_grant), ends=spans.app_date + term_years.as_interval("Y")
    )
    spans = spans.filter(spans.granted.notnull())
    on_day = spans.inner_join(days.select("asof"), [spans.granted <= days.asof, days.asof < spans.ends])
    j = on_day.left_join(latest, [on_day.app_no == latest.fact_app_no, on_day.asof == latest.fact_asof])
    return j.filter(j.terminated.coalesce(0) == 0).select(*p.columns, "asof")


PLACE_COLUMNS = ("country", *REGION_COLUMNS)


def attributed(t: Table, e: Table, days: Table, params: Parameters) -> Table:
    """``t`` (rows with ``asof``) with its place columns those of the owner ``params`` names on each day. Under the
    patentee rule the latest transfer on or before the day whose transferee could be placed moves the patent (ties:
    the latest event id); a transferee that could not be placed leaves the patent where it was."""
    if params.attribution == "applicant":
        return t
    moves = e.filter(e.event_type == "transfer", e.to_country.notnull())
    moves = moves.inner_join(days.select("asof"), moves.event_date <= days.asof)
    if params.attribution == "by-year":
        moves = moves.filter(moves.asof <= ibis.literal(LAST_PATENTEE_DAY))
    order = ibis.row_number().over(
        group_by=[moves.app_no, moves.asof], order_by=[ibis.desc(moves.event_date), ibis.desc(moves.event_id)]
    )
    latest = moves.mutate(rank=order).filter(lambda m: m.rank == 0)
    latest = latest.select(
        moved_app_no=latest.app_no, moved_asof=latest.asof, **{f"moved_{c}": latest[f"to_{c}"] for c in PLACE_COLUMNS}
    )
    j = t.left_join(latest, [t.app_no == latest.moved_app_no, t.asof == latest.moved_asof])
    moved = j.moved_app_no.notnull()
    return j.select(*[ibis.ifelse(moved, j[f"moved_{c}"], j[c]).name(c) if c in PLACE_COLUMNS else j[c] for c in t.columns])


def _domestic(t: Table) -> Table:
    return t.filter(t.country == "CN", t.province_code.notnull())


def _counted(t: Table) -> Table:
    return t.select("asof", *REGION_COLUMNS, app_no=t.app_no, value=ibis.literal(1))


def _in_window(t: Table, column: str, days: Table) -> Table:
    """Rows of ``t`` whose ``column`` falls in a day's flow window (its calendar year, up to the day), with ``asof``."""
    col = t[column]
    return t.inner_join(days, [col.year() == days.year, col.between(days.start, days.asof)])


def _filed(kind: str | None, pct: bool = False) -> Measure:
    def measure(p: Table, _e: Table, days: Table, _params: Parameters) -> Table:
        t = p.filter(p.patent_type == kind) if kind else p
        if pct:
            t = t.filter(t.pct)
        return _counted(_in_window(t, "app_date", days))

    return measure


def _granted(kind: str, enterprise: bool = False) -> Measure:
    def measure(p: Table, _e: Table, days: Table, _params: Parameters) -> Table:
        t = p.filter(p.patent_type == kind)
        if enterprise:
            t = t.filter(t.applicant_type == "enterprise")
        return _counted(_in_window(t, "grant_date", days))

    return measure


def _effective_domestic_inventions(p: Table, e: Table, days: Table, params: Parameters) -> Table:
    """Inventions of domestic owners effective on each day, placed by the attribution rule: the count behind
    有效发明专利量 and the high-value base."""
    return _domestic(attributed(effective_on(p.filter(p.patent_type == "invention"), e, days), e, days, params))


def _effective_inventions(p: Table, e: Table, days: Table, params: Parameters) -> Table:
    return _counted(_effective_domestic_inventions(p, e, days, params))


def _pledges(amount: bool) -> Measure:
    def measure(p: Table, e: Table, days: Table, _params: Parameters) -> Table:
        pledges = _in_window(e.filter(e.event_type == "pledge"), "event_date", days)
        j = pledges.inner_join(p, pledges.app_no == p.app_no)
        if amount:
            return j.select("asof", *REGION_COLUMNS, app_no=j.app_no, value=j.amount_10k_yuan.coalesce(0.0))
        return j.select("asof", *REGION_COLUMNS, app_no=j.app_no, value=ibis.literal(1)).distinct()

    return measure


# --- high-value inventions (CNIPA's five criteria, OFFICIAL_RULES.md §1) ------------------------------------------
MAINTAINED_YEARS = 10  # "维持年限超过10年", counted from the filing date (CONVENTIONS.md)


@cache
def sei_flags(symbol: str) -> tuple[bool, str | None]:
    """For one IPC symbol: does an IPC-only SEI rule cover it, and which keywords (one regular expression) would the
    keyword rules that cover it need in the title or abstract. Cached: the concordance never changes in a run."""
    hit = [
        r
        for r in sei_rules()
        if any(ipc_matches(symbol, x) for x in r.patterns) and not any(ipc_matches(symbol, x) for x in r.exclusions)
    ]
    terms = sorted({t for r in hit if r.keywords for t in keyword_terms(r.keywords)})
    return any(not r.keywords for r in hit), "|".join(re.escape(t) for t in terms) or None


def _sei_symbols(p: Table) -> Table:
    """The SEI flags of every IPC symbol in the data, as a table to join on."""
    symbols = [s for s in p.select(symbol=p.ipc_all.unnest()).distinct().to_pyarrow().column("symbol").to_pylist() if s]
    flags = [sei_flags(s) for s in symbols]
    return ibis.memtable(
        {"symbol": symbols, "ipc_only": [f[0] for f in flags], "kw": [f[1] for f in flags]},
        schema={"symbol": "string", "ipc_only": "boolean", "kw": "string"},
    )


# Each criterion narrows ``base`` (the effective domestic inventions on each day), built once per measure.
def _hv_sei(base: Table, p: Table, _e: Table, _days: Table, params: Parameters) -> Table:
    inventions = p.filter(p.patent_type == "invention")
    pairs = inventions.select(
        app_no=inventions.app_no,
        symbol=inventions.ipc_all.unnest(),
        text=inventions.title.concat(" ", inventions.abstract.coalesce("")),
    )
    sei = _sei_symbols(p)
    j = pairs.inner_join(sei, pairs.symbol == sei.symbol)
    if params.sei_matching == "ipc-only":
        hit = j.ipc_only | j.kw.notnull()  # a keyword rule's IPC alone is enough
    else:
        hit = j.ipc_only | (j.kw.notnull() & j.text.re_search(j.kw.coalesce("$^")))
    hits = j.filter(hit).select("app_no").distinct()
    return base.semi_join(hits, base.app_no == hits.app_no)


def _hv_family_abroad(base: Table, _p: Table, _e: Table, _days: Table, _params: Parameters) -> Table:
    return base.filter(base.family_countries.filter(lambda c: (c != "CN") & (c != "")).length() > 0)


def _hv_maintained(base: Table, _p: Table, _e: Table, _days: Table, _params: Parameters) -> Table:
    return base.filter(base.app_date + ibis.interval(years=MAINTAINED_YEARS) < base.asof)


def _hv_pledged(base: Table, _p: Table, e: Table, days: Table, params: Parameters) -> Table:
    pledges = e.filter(e.event_type == "pledge")
    pledges = pledges.inner_join(days.select("asof"), pledges.event_date <= days.asof)
    totals = pledges.group_by(pledge_app_no=pledges.app_no, pledge_asof=pledges.asof).aggregate(
        total=pledges.amount_10k_yuan.sum()
    )
    big = totals.filter(totals.total > params.pledge_threshold)
    return base.semi_join(big, [base.app_no == big.pledge_app_no, base.asof == big.pledge_asof])


HIGH_VALUE_CRITERIA = {
    "sei": _hv_sei,
    "family_abroad": _hv_family_abroad,
    "maintained_10y": _hv_maintained,
    "pledge": _hv_pledged,
}


def _high_value(criterion: str | None) -> Measure:
    def measure(p: Table, e: Table, days: Table, params: Parameters) -> Table:
        base = _effective_domestic_inventions(p, e, days, params)
        if criterion is not None:
            return _counted(HIGH_VALUE_CRITERIA[criterion](base, p, e, days, params))
        union = None
        for build in HIGH_VALUE_CRITERIA.values():
            ids = build(base, p, e, days, params).select(hv_app_no="app_no", hv_asof="asof")
            union = ids if union is None else union.union(ids)  # a distinct union: each patent counted once a day
        return _counted(base.semi_join(union, [base.app_no == union.hv_app_no, base.asof == union.hv_asof]))

    return measure


MEASURES: dict[str, Measure] = {
    "high_value_inventions": _high_value(None),
    **{f"high_value_{name}": _high_value(name) for name in HIGH_VALUE_CRITERIA},
    "effective_inventions": _effective_inventions,
    "applications_invention": _filed("invention"),
    "applications_utility_model": _filed("utility_model"),
    "applications_design": _filed("design"),
    "applications_pct": _filed(None, pct=True),
    "grants_invention": _granted("invention"),
    "grants_utility_model": _granted("utility_model"),
    "grants_design": _granted("design"),
    "grants_invention_enterprise": _granted("invention", enterprise=True),
    "pledged_patents": _pledges(amount=False),
    "pledge_amount": _pledges(amount=True),
}
