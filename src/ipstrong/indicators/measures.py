"""Measures: the counts and sums indicators are made of, as Ibis expressions (DuckDB by default; the same
expressions run on any Ibis backend).

Each measure takes the patents and events tables, the as-of date and the start of its window (flows count the
calendar year of the as-of date up to it) and returns a table with the region columns and a ``value`` column per
row — one row per patent for counts, per event for sums — so the engine can group it by any region level.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache

import ibis
from ibis.expr.types import Table

from ipstrong.ids.ipc import ipc_matches
from ipstrong.reference.sei import keyword_terms, sei_rules

REGION_COLUMNS = ("province_code", "city_code", "district_code", "zone_id")
TERMINATING = ("lapse", "invalidation", "restoration")


def effective_on(p: Table, e: Table, d: dt.date) -> Table:
    """Patents effective on ``d`` (CONVENTIONS.md), the same rule as the warehouse's ``effective_on`` SQL macro."""
    day = ibis.literal(d)
    lapses = p.filter(p.lapse_date.notnull()).select(app_no=p.app_no, fact_date=p.lapse_date, terminates=ibis.literal(1))
    state = e.filter(e.event_type.isin(TERMINATING))
    state = state.select(
        app_no=state.app_no, fact_date=state.event_date, terminates=ibis.ifelse(state.event_type == "restoration", 0, 1)
    )
    facts = lapses.union(state)
    facts = facts.filter(facts.fact_date <= day)
    latest = facts.group_by(fact_app_no=facts.app_no).aggregate(terminated=facts.terminates.argmax(facts.fact_date))
    grants = e.filter(e.event_type == "grant")
    grants = grants.group_by(grant_app_no=grants.app_no).aggregate(event_grant=grants.event_date.min())
    term_years = ibis.cases(
        (p.patent_type == "invention", 20),
        ((p.patent_type == "design") & (p.app_date >= ibis.literal(dt.date(2021, 6, 1))), 15),
        else_=10,
    )
    joined = p.left_join(latest, p.app_no == latest.fact_app_no).left_join(grants, p.app_no == grants.grant_app_no)
    granted = joined.grant_date.coalesce(joined.event_grant)
    return joined.filter(
        granted <= day,
        day < joined.app_date + term_years.as_interval("Y"),
        joined.terminated.coalesce(0) == 0,
    ).select(*p.columns)


def _domestic(t: Table) -> Table:
    return t.filter(t.country == "CN", t.province_code.notnull())


def _counted(t: Table) -> Table:
    return t.select(*REGION_COLUMNS, app_no=t.app_no, value=ibis.literal(1))


def _in_window(col: ibis.Value, start: dt.date, d: dt.date) -> ibis.Value:
    return col.between(ibis.literal(start), ibis.literal(d))


def _filed(kind: str | None, pct: bool = False) -> Callable[[Table, Table, dt.date, dt.date], Table]:
    def measure(p: Table, _e: Table, d: dt.date, start: dt.date) -> Table:
        t = p.filter(_in_window(p.app_date, start, d))
        if kind:
            t = t.filter(t.patent_type == kind)
        if pct:
            t = t.filter(t.pct)
        return _counted(t)

    return measure


def _granted(kind: str, enterprise: bool = False) -> Callable[[Table, Table, dt.date, dt.date], Table]:
    def measure(p: Table, _e: Table, d: dt.date, start: dt.date) -> Table:
        t = p.filter(_in_window(p.grant_date, start, d), p.patent_type == kind)
        if enterprise:
            t = t.filter(t.applicant_type == "enterprise")
        return _counted(t)

    return measure


def _effective_domestic_inventions(p: Table, e: Table, d: dt.date) -> Table:
    """Inventions of domestic owners effective on ``d``: the count behind 有效发明专利量 and the high-value base."""
    t = _domestic(effective_on(p, e, d))
    return t.filter(t.patent_type == "invention")


def _effective_inventions(p: Table, e: Table, d: dt.date, _start: dt.date) -> Table:
    return _counted(_effective_domestic_inventions(p, e, d))


def _pledges(amount: bool) -> Callable[[Table, Table, dt.date, dt.date], Table]:
    def measure(p: Table, e: Table, d: dt.date, start: dt.date) -> Table:
        pledges = e.filter(e.event_type == "pledge", _in_window(e.event_date, start, d))
        j = pledges.inner_join(p, pledges.app_no == p.app_no)
        if amount:
            return j.select(*REGION_COLUMNS, app_no=j.app_no, value=j.amount_10k_yuan.coalesce(0.0))
        return j.select(*REGION_COLUMNS, app_no=j.app_no, value=ibis.literal(1)).distinct()

    return measure


# --- high-value inventions (CNIPA's five criteria, OFFICIAL_RULES.md §1) ------------------------------------------
MAINTAINED_YEARS = 10  # "维持年限超过10年", counted from the filing date (CONVENTIONS.md)
PLEDGE_THRESHOLD_10K_YUAN = 0.0  # "较高质押融资金额": no published threshold; default any registered pledge amount > 0


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


# Each criterion narrows ``base`` (the effective domestic inventions on ``d``), built once per measure.
def _hv_sei(base: Table, p: Table, _e: Table, _d: dt.date) -> Table:
    pairs = base.select(app_no=base.app_no, symbol=base.ipc_all.unnest(), text=base.title.concat(" ", base.abstract.coalesce("")))
    sei = _sei_symbols(p)
    j = pairs.inner_join(sei, pairs.symbol == sei.symbol)
    hits = j.filter(j.ipc_only | (j.kw.notnull() & j.text.re_search(j.kw.coalesce("$^")))).select("app_no").distinct()
    return base.semi_join(hits, base.app_no == hits.app_no)


def _hv_family_abroad(base: Table, _p: Table, _e: Table, _d: dt.date) -> Table:
    return base.filter(base.family_countries.filter(lambda c: (c != "CN") & (c != "")).length() > 0)


def _hv_maintained(base: Table, _p: Table, _e: Table, d: dt.date) -> Table:
    return base.filter(base.app_date + ibis.interval(years=MAINTAINED_YEARS) < ibis.literal(d))


def _hv_pledged(base: Table, _p: Table, e: Table, d: dt.date) -> Table:
    pledges = e.filter(e.event_type == "pledge", e.event_date <= ibis.literal(d))
    totals = pledges.group_by(pledge_app_no=pledges.app_no).aggregate(total=pledges.amount_10k_yuan.sum())
    big = totals.filter(totals.total > PLEDGE_THRESHOLD_10K_YUAN)
    return base.semi_join(big, base.app_no == big.pledge_app_no)


HIGH_VALUE_CRITERIA = {
    "sei": _hv_sei,
    "family_abroad": _hv_family_abroad,
    "maintained_10y": _hv_maintained,
    "pledge": _hv_pledged,
}


def _high_value(criterion: str | None) -> Callable[[Table, Table, dt.date, dt.date], Table]:
    def measure(p: Table, e: Table, d: dt.date, _start: dt.date) -> Table:
        base = _effective_domestic_inventions(p, e, d)
        if criterion is not None:
            return _counted(HIGH_VALUE_CRITERIA[criterion](base, p, e, d))
        union = None
        for build in HIGH_VALUE_CRITERIA.values():
            ids = build(base, p, e, d).select("app_no")
            union = ids if union is None else union.union(ids)  # a distinct union: each patent counted once
        return _counted(base.semi_join(union, base.app_no == union.app_no))

    return measure


MEASURES: dict[str, Callable[[Table, Table, dt.date, dt.date], Table]] = {
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
