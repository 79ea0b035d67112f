""" "Effective as of a date" (CONVENTIONS.md), written once as an Ibis expression: the indicators evaluate it on
any engine, and the warehouse's SQL macro ``effective_on(d)`` is compiled from it, so ``ipstrong sql`` and the
figures cannot drift apart.

A patent is effective on date D when it was granted on or before D, D lies within its statutory term counted from
the filing date (``STATUTORY_TERMS``), and its latest termination fact on or before D is not a termination.
Termination facts are the ``lapse_date`` column and the dated ``lapse`` / ``invalidation`` events; a
``restoration`` event ends a termination; a ``grant`` event supplies a grant date the export lacked. Replaying
dated facts keeps past dates correct after later updates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ibis.expr.types import DateValue, IntegerValue, StringValue, Table

TERMINATING = ("lapse", "invalidation", "restoration")


@dataclass(frozen=True)
class StatutoryTerm:
    """How long a patent of ``patent_type`` filed on or after ``filed_from`` lasts, counted from its filing date."""

    patent_type: str
    years: int
    filed_from: dt.date | None
    source: str


# the first entry that fits a patent decides; the last of each type has no start day
STATUTORY_TERMS = (
    StatutoryTerm("invention", 20, None, "《专利法》第四十二条 / Patent Law art. 42"),
    StatutoryTerm("utility_model", 10, None, "《专利法》第四十二条 / Patent Law art. 42"),
    StatutoryTerm(
        "design", 15, dt.date(2021, 6, 1), "《专利法》（2020 年修正，2021-06-01 施行）第四十二条 / Patent Law (2020) art. 42"
    ),
    StatutoryTerm("design", 10, None, "《专利法》（2008 年修正）第四十二条 / Patent Law (2008) art. 42"),
)


def statutory_term(patent_type: str, app_date: dt.date) -> StatutoryTerm | None:
    """The statutory term of one patent (the first entry of ``STATUTORY_TERMS`` that fits it)."""
    return next(
        (t for t in STATUTORY_TERMS if t.patent_type == patent_type and (t.filed_from is None or app_date >= t.filed_from)),
        None,
    )


def term_years(patent_type: StringValue, app_date: DateValue) -> IntegerValue:
    """The statutory term in years of each patent, from ``STATUTORY_TERMS``."""
    import ibis

    cases = [
        ((patent_type == t.patent_type) & (app_date >= ibis.literal(t.filed_from)), t.years)
        if t.filed_from
        else (patent_type == t.patent_type, t.years)
        for t in STATUTORY_TERMS
    ]
    return ibis.cases(*cases, else_=None)


def effective_on(p: Table, e: Table, days: Table) -> Table:
    """Patents of ``p`` effective on each day of ``days`` (a table with a date column ``asof``), one row per
    patent and day with ``asof``.

    Most patents carry no lapse, invalidation or restoration event: for them the lapse date alone decides, a plain
    filter. Only the few with such events replay their dated facts (the latest on or before the day wins), which
    keeps the facts × days aggregation small (measured on 10 million patents: 5.6 s → see BENCHMARKS.md)."""
    import ibis

    state = e.filter(e.event_type.isin(TERMINATING))
    state = state.select(
        app_no=state.app_no, fact_date=state.event_date, terminates=ibis.ifelse(state.event_type == "restoration", 0, 1)
    )
    evented = state.select(evented_app_no=state.app_no).distinct()
    grants = e.filter(e.event_type == "grant")
    grants = grants.group_by(grant_app_no=grants.app_no).aggregate(event_grant=grants.event_date.min())
    spans = p.left_join(grants, p.app_no == grants.grant_app_no).left_join(evented, p.app_no == evented.evented_app_no)
    spans = spans.select(
        *p.columns,
        granted=spans.grant_date.coalesce(spans.event_grant),
        ends=spans.app_date + term_years(spans.patent_type, spans.app_date).as_interval("Y"),
        has_events=spans.evented_app_no.notnull(),
    )
    spans = spans.filter(spans.granted.notnull())
    on_day = spans.inner_join(days.select("asof"), [spans.granted <= days.asof, days.asof < spans.ends])
    plain = on_day.filter(~on_day.has_events, on_day.lapse_date.isnull() | (on_day.lapse_date > on_day.asof))
    replayed = on_day.filter(on_day.has_events)
    lapses = p.filter(p.lapse_date.notnull()).select(app_no=p.app_no, fact_date=p.lapse_date, terminates=ibis.literal(1))
    facts = lapses.union(state)
    facts = facts.semi_join(evented, facts.app_no == evented.evented_app_no)
    facts = facts.inner_join(days.select("asof"), facts.fact_date <= days.asof)
    latest = facts.group_by(fact_app_no=facts.app_no, fact_asof=facts.asof).aggregate(
        terminated=facts.terminates.argmax(facts.fact_date)
    )
    j = replayed.left_join(latest, [replayed.app_no == latest.fact_app_no, replayed.asof == latest.fact_asof])
    replayed = j.filter(j.terminated.coalesce(0) == 0)
    return plain.select(*p.columns, "asof").union(replayed.select(*p.columns, "asof"), distinct=False)


def term_end_macro() -> str:
    """The SQL macro ``term_end(patent_type, app_date)``: the day a patent's statutory term ends."""
    cases = " ".join(
        f"WHEN patent_type = '{t.patent_type}'"
        + (f" AND app_date >= DATE '{t.filed_from}'" if t.filed_from else "")
        + f" THEN {t.years}"
        for t in STATUTORY_TERMS
    )
    return f"CREATE OR REPLACE MACRO term_end(patent_type, app_date) AS app_date + to_years(CASE {cases} END)"


@cache
def effective_on_macro() -> str:
    """The SQL table macro ``effective_on(d)``: the patents effective on day ``d``, compiled from
    :func:`effective_on` over the warehouse's ``patents`` and ``events`` views."""
    import ibis

    from ipstrong.warehouse.schema import EVENTS, PATENTS

    p = ibis.table(ibis.Schema.from_pyarrow(PATENTS), name="patents")
    e = ibis.table(ibis.Schema.from_pyarrow(EVENTS), name="events")
    days = ibis.table({"asof": "date"}, name="effective_day")
    compiled = ibis.to_sql(effective_on(p, e, days), dialect="duckdb")
    return (
        "CREATE OR REPLACE MACRO effective_on(d) AS TABLE "
        'WITH effective_day AS (SELECT CAST(d AS DATE) AS "asof") '
        f'SELECT * EXCLUDE ("asof") FROM ({compiled})'  # ASOF is a keyword of DuckDB's joins
    )
