"""Measures: the counts and sums indicators are made of, as Ibis expressions (DuckDB by default; the same
expressions run on any Ibis backend).

Each measure takes ``Sources`` — the patents and events tables, a table of as-of days (``asof``; ``start`` and
``year`` of the window that flows count: the calendar year of the as-of date up to it), the open definitions'
``Parameters``, and the intermediate results measures share (the effective inventions, the SEI matches), built once
per computation — and returns one row per patent (counts) or per event (sums) and as-of day, with the region
columns and ``value``. Every day is evaluated in one query: the engine groups the rows once by day and finest place
and adds up the levels.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, make_dataclass

import ibis
from ibis.expr.types import Table

from ipstrong.indicators.catalogue import OPEN_PARAMETERS
from ipstrong.reference.sei import SEI_STORED, match_table
from ipstrong.warehouse.asof import effective_on

REGION_COLUMNS = ("province_code", "city_code", "district_code", "zone_id")
LAST_PATENTEE_DAY = dt.date(2020, 12, 31)  # CNIPA counted by the patentee's address up to here, then the applicant's


# The choices the official definitions leave open (attribution, SEI matching, the pledge threshold, the population's
# year and vintage): one field per declaration of catalogue.OPEN_PARAMETERS, with its default, in its order.
Parameters = make_dataclass(
    "Parameters",
    [(p.name, type(p.default), field(default=p.default)) for p in OPEN_PARAMETERS.values()],
    frozen=True,
)
Parameters.__module__ = __name__
Parameters.__doc__ = "The open choices of one computation; catalogue.OPEN_PARAMETERS declares each, its default and why."

DEFAULTS = Parameters()


@dataclass
class Sources:
    """What measures read: the snapshot's tables, the as-of days and the parameters, and the intermediate results
    several measures share — built on first use and, on DuckDB, materialised as temporary tables, so the five
    high-value counts and the effective-invention count do not each rebuild the effective-on base. On Spark they
    stay expressions (Ibis 12's cache does not register the in-memory tables they use there)."""

    p: Table  # patents
    e: Table  # legal-status events
    t: Table  # trademarks
    g: Table  # geographical indications
    days: Table
    params: Parameters = DEFAULTS
    stored_sei: bool = False  # the snapshot holds each invention's SEI match (written by ingest)
    _shared: dict[str, Table] = field(default_factory=dict)
    _temporary: list[str] = field(default_factory=list)

    def shared(self, name: str, build: Callable[[Sources], Table]) -> Table:
        if name not in self._shared:
            backend = self.p.get_backend()
            if backend.name == "duckdb":
                table_name = f"ips_shared_{name}_{uuid.uuid4().hex[:12]}"
                self._shared[name] = backend.create_table(table_name, build(self), temp=True)
                self._temporary.append(table_name)
            else:
                self._shared[name] = build(self)
        return self._shared[name]

    def release(self) -> None:
        """Drop the temporary tables (by plain SQL: Ibis 12's drop_table emits invalid SQL for DuckDB 2.0)."""
        if self._temporary:
            con = self.p.get_backend().con
            for table_name in self._temporary:
                con.execute(f'DROP TABLE IF EXISTS "{table_name}"')
        self._temporary.clear()
        self._shared.clear()


Measure = Callable[[Sources], Table]


def days_table(days: list[dt.date]) -> Table:
    """The as-of days as a table: ``asof``, the ``start`` and ``year`` of each day's flow window, and its position
    ``i`` (for day sets kept as bits)."""
    return ibis.memtable(
        {
            "asof": days,
            "start": [dt.date(d.year, 1, 1) for d in days],
            "year": [d.year for d in days],
            "i": list(range(len(days))),
        },
        schema={"asof": "date", "start": "date", "year": "int32", "i": "int64"},
    )


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
    def measure(src: Sources) -> Table:
        t = src.p.filter(src.p.patent_type == kind) if kind else src.p
        if pct:
            t = t.filter(t.pct)
        return _counted(_in_window(t, "app_date", src.days))

    return measure


def _granted(kind: str, enterprise: bool = False) -> Measure:
    def measure(src: Sources) -> Table:
        t = src.p.filter(src.p.patent_type == kind)
        if enterprise:
            t = t.filter(t.applicant_type == "enterprise")
        return _counted(_in_window(t, "grant_date", src.days))

    return measure


# what the effective base keeps (materialised for 13 year-ends × millions of inventions: only what measures read)
BASE_COLUMNS = (
    "app_no",
    "app_date",
    "grant_date",
    "lapse_date",
    "patent_type",
    "family_countries",
    "sei_match",
    "sei_ipc",
    *PLACE_COLUMNS,
)


def _effective_domestic_inventions(src: Sources) -> Table:
    """Inventions of domestic owners effective on each day, placed by the attribution rule: the count behind
    有效发明专利量 and the high-value base (shared)."""

    def build(s: Sources) -> Table:
        inventions = s.p.filter(s.p.patent_type == "invention").select(*BASE_COLUMNS)
        base = _domestic(attributed(effective_on(inventions, s.e, s.days), s.e, s.days, s.params))
        abroad = base.family_countries.filter(lambda c: (c != "CN") & (c != "")).length() > 0
        return base.select(
            "app_no", "app_date", *REGION_COLUMNS, "asof", "sei_match", "sei_ipc", family_abroad=abroad.coalesce(False)
        )

    return src.shared("effective_domestic_inventions", build)


def _effective_inventions(src: Sources) -> Table:
    return _counted(_effective_domestic_inventions(src))


def _pledges_in_window(src: Sources) -> Table:
    """Pledges registered in each day's window with the pledged patent's place (shared by both pledge counts)."""

    def build(s: Sources) -> Table:
        pledges = _in_window(s.e.filter(s.e.event_type == "pledge"), "event_date", s.days)
        places = s.p.select("app_no", *REGION_COLUMNS)
        j = pledges.inner_join(places, pledges.app_no == places.app_no)
        return j.select("asof", *REGION_COLUMNS, app_no=pledges.app_no, amount=j.amount_10k_yuan.coalesce(0.0))

    return src.shared("pledges_in_window", build)


def _pledges(amount: bool) -> Measure:
    def measure(src: Sources) -> Table:
        j = _pledges_in_window(src)
        if amount:
            return j.select("asof", *REGION_COLUMNS, "app_no", value=j.amount)
        return j.select("asof", *REGION_COLUMNS, "app_no", value=ibis.literal(1)).distinct()

    return measure


# --- high-value inventions (CNIPA's five criteria, OFFICIAL_RULES.md §1) ------------------------------------------
MAINTAINED_YEARS = 10  # "维持年限超过10年", counted from the filing date (CONVENTIONS.md)


def _sei_matches(src: Sources) -> Table:
    """Inventions in a strategic emerging industry (app_no) by the SEI matching parameter, for snapshots written
    before ingest stored the match (``sei_match`` / ``sei_ipc``): the same on every day, so built once (shared),
    and only for the inventions some high-value count can reach (those in the effective base on some day)."""

    def build(s: Sources) -> Table:
        base = _effective_domestic_inventions(s).select(base_app_no="app_no").distinct()
        return match_table(s.p.semi_join(base, s.p.app_no == base.base_app_no), s.params.sei_matching)

    return src.shared("sei_matches", build)


# Each criterion narrows ``base`` (the effective domestic inventions on each day).
def _hv_sei(base: Table, src: Sources) -> Table:
    if src.stored_sei:
        return base.filter(base[SEI_STORED[src.params.sei_matching]].fill_null(False))
    hits = _sei_matches(src)
    return base.semi_join(hits, base.app_no == hits.app_no)


def _hv_family_abroad(base: Table, _src: Sources) -> Table:
    return base.filter(base.family_abroad)


def _hv_maintained(base: Table, _src: Sources) -> Table:
    return base.filter(base.app_date + ibis.interval(years=MAINTAINED_YEARS) < base.asof)


def _hv_pledged(base: Table, src: Sources) -> Table:
    pledges = src.e.filter(src.e.event_type == "pledge")
    pledges = pledges.inner_join(src.days.select("asof"), pledges.event_date <= src.days.asof)
    totals = pledges.group_by(pledge_app_no=pledges.app_no, pledge_asof=pledges.asof).aggregate(
        total=pledges.amount_10k_yuan.sum()
    )
    big = totals.filter(totals.total > src.params.pledge_threshold)
    return base.semi_join(big, [base.app_no == big.pledge_app_no, base.asof == big.pledge_asof])


def _hv_awarded(base: Table, src: Sources) -> Table:
    """Awarded a national prize (中国专利奖, 国家科学技术奖) on or before the day: a ``national_award`` event, which the
    award lists imported as event files and the office's own award results (registry/awards.py) write."""
    awards = src.e.filter(src.e.event_type == "national_award").select(award_app_no="app_no", award_date="event_date")
    return base.semi_join(awards, [base.app_no == awards.award_app_no, awards.award_date <= base.asof])


HIGH_VALUE_CRITERIA: dict[str, Callable[[Table, Sources], Table]] = {
    "sei": _hv_sei,
    "family_abroad": _hv_family_abroad,
    "maintained_10y": _hv_maintained,
    "pledge": _hv_pledged,
    "award": _hv_awarded,
}


def high_value_met(src: Sources, app_nos: list[str]) -> Table:
    """(app_no, asof, criterion): each high-value criterion each of ``app_nos`` meets on each day, by the same rules
    the count of high-value inventions applies (so only an effective domestic invention meets any)."""
    base = _effective_domestic_inventions(src)
    base = base.filter(base.app_no.isin(app_nos or [""]))
    met = [build(base, src).select("app_no", "asof", criterion=ibis.literal(name)) for name, build in HIGH_VALUE_CRITERIA.items()]
    return ibis.union(*met, distinct=True)


def _high_value(criterion: str | None) -> Measure:
    def measure(src: Sources) -> Table:
        base = _effective_domestic_inventions(src)
        if criterion is not None:
            return _counted(HIGH_VALUE_CRITERIA[criterion](base, src))
        union = None
        for build in HIGH_VALUE_CRITERIA.values():
            ids = build(base, src).select(hv_app_no="app_no", hv_asof="asof")
            union = ids if union is None else union.union(ids)  # a distinct union: each patent counted once a day
        return _counted(base.semi_join(union, [base.app_no == union.hv_app_no, base.asof == union.hv_asof]))

    return measure


# --- trademarks ---------------------------------------------------------------------------------------------------
def _effective_marks(src: Sources) -> Table:
    """Registered marks effective on each day (ingest/trademarks.py): registered on or before the day, the exclusive
    right not yet ended, not cancelled or invalidated; placed by the registrant's address."""
    t = src.t.filter(src.t.status != "invalidated", src.t.reg_date.notnull(), src.t.expiry_date.notnull())
    days = src.days.select("asof", "i")
    return t.inner_join(days, [t.reg_date <= days.asof, days.asof <= t.expiry_date])


def _effective_trademarks(src: Sources) -> Table:
    marks = _effective_marks(src)
    return marks.select("asof", *REGION_COLUMNS, app_no=marks.reg_no, value=ibis.literal(1))


def _trademark_holders(src: Sources) -> Table:
    """Enterprises holding at least one effective mark, each counted once per day and place. Each holder's days
    are first gathered as bits on DuckDB (one group per holder and place instead of one per holder, place and day:
    measured 2.7 s → 1.2 s on 2.5 million marks); Ibis cannot compile the bit aggregate for Spark, and more days
    than a 63-bit set holds do not fit, so those take the plain distinct (the same figures: the parity test)."""
    marks = _effective_marks(src)
    marks = marks.filter(marks.owner_type == "enterprise")
    if src.p.get_backend().name != "duckdb" or src.days.count().to_pyarrow().as_py() > 63:
        return marks.select("asof", *REGION_COLUMNS, app_no=marks.owner, value=ibis.literal(1)).distinct()
    held = marks.group_by(*REGION_COLUMNS, holder=marks.owner).aggregate(days_held=(ibis.literal(1, "int64") << marks.i).bit_or())
    days = src.days.select("asof", "i")
    on_day = held.inner_join(days, ((held.days_held >> days.i) & 1) == 1)
    return on_day.select("asof", *REGION_COLUMNS, app_no=on_day.holder, value=ibis.literal(1))


# --- geographical indications ----------------------------------------------------------------------------------
def _geographical_indications(src: Sources) -> Table:
    """Indications registered by CNIPA (office CN) on or before each day and not cancelled (ingest/gis.py), placed
    by their production area, else their applicant's address."""
    g = src.g.filter(src.g.status == "registered", src.g.reg_date.notnull(), src.g.office == "CN")
    days = src.days.select("asof")
    on_day = g.inner_join(days, g.reg_date <= days.asof)
    return on_day.select("asof", *REGION_COLUMNS, app_no=on_day.gi_no, value=ibis.literal(1))


# measures that count records of a register other than patents: ``app_no`` holds the register's number (or, for
# holders, the owner), not a patent's — the register each reads
TRADEMARK_MEASURES = {"effective_trademarks", "trademark_holders"}
GI_MEASURES = {"geographical_indications"}


def register_of(measure: str) -> str:
    """``patents``, ``trademarks`` or ``gi``: the table whose records a measure counts."""
    return "trademarks" if measure in TRADEMARK_MEASURES else "gi" if measure in GI_MEASURES else "patents"


MEASURES: dict[str, Measure] = {
    "effective_trademarks": _effective_trademarks,
    "trademark_holders": _trademark_holders,
    "geographical_indications": _geographical_indications,
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
