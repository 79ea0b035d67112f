"""Pledge financing statistics as CNIPA publishes them (OFFICIAL_RULES.md §17): for a year or a half-year, the amount
registered, the projects, the patents, the enterprises served and the share of them whose registered amount stays
under 10 million yuan (普惠), by city, by pledgee (bank), by strategic emerging industry, by month or by development
zone (park) — each beside the same period a year earlier, a park with whether it meets the 「百园万企」 target of
20 % growth in projects and amount. ``/pledges``,
``GET /api/v1/pledges/stats`` and ``ipstrong pledges stats`` render this one call.

Read from the warehouse's dated ``pledge`` events (what the pledge registry and imported registrations become), on
the registration date:

- the amount is the secured amount registered (质押登记金额), the sum of the events' amounts — as the indicator
  ``pledge_amount`` counts it; what a bank actually lent is another figure, not in these events: for the
  registrations made on this platform it is shown beside them (``registry``, from registry/pledge_registry.py);
- a project (项目) is one registration: the pledges of one day between one pledgor and one pledgee;
- an enterprise is the pledged patent's applicant entity (its first applicant), else the pledgor's name;
- a patent's city is where the warehouse places it; a project or an enterprise reaching several cities (industries,
  months) counts in each, and once in the total.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from ipstrong.accounts.roles import Actor, region_prefix, require
from ipstrong.ingest.pipeline import IngestReport
from ipstrong.messages import InvalidOption, IpsError, Msg
from ipstrong.registry.pledge_registry import RegistryLoans, registry_loans

BY = ("city", "bank", "sei", "month", "zone")
SMALL_LOAN_10K_YUAN = 1000  # 10 million yuan, in 万元: the 普惠 threshold of CNIPA's reports
# 「百园万企」: at least 100 parks growing their pledge projects and amount by 20 % or more a year (§17)
PARK_GROWTH_PCT = 20.0
PARK_SOURCE = (
    "「百园万企」知识产权质押融资入园惠企行动：参与园区质押项目数、金额年均增长 20% 以上（OFFICIAL_RULES.md §17，二手来源）"
)


class PledgeStatRow(BaseModel):
    """One group's figures (``group`` is a city code, a pledgee's name, an SEI industry number or a month)."""

    group: str
    name: str
    amount_10k_yuan: float
    projects: int
    patents: int
    enterprises: int
    small_loan_share_pct: float | None  # enterprises under 10 million yuan, % of the enterprises served
    # the same period a year earlier, and the growth on it (by zone: whether the park meets the 百园万企 target)
    previous_amount_10k_yuan: float | None = None
    previous_projects: int | None = None
    amount_growth_pct: float | None = None
    projects_growth_pct: float | None = None
    target_met: bool | None = None

    TABLE: ClassVar[tuple[str, ...]] = ("name", "amount_10k_yuan", "projects", "patents", "enterprises", "small_loan_share_pct")


class PledgeStats(BaseModel):
    year: int
    half: int | None
    by: str
    region_code: str  # the reader's scope: the province, or their city
    rows: list[PledgeStatRow]
    total: PledgeStatRow
    snapshot: str | None
    registry: RegistryLoans | None = None  # this platform's registrations of the period: secured and lent
    target_source: str | None = None  # by zone: where the parks' growth target comes from


def _period(year: int, half: int | None) -> tuple[dt.date, dt.date]:
    """The first and last day of ``year`` or of its ``half``."""
    if half not in (None, 1, 2):
        raise InvalidOption("half", str(half), Msg("1（上半年）或 2（下半年）", "1 (first half) or 2 (second half)"))
    (m1, d1), (m2, d2) = {None: ((1, 1), (12, 31)), 1: ((1, 1), (6, 30)), 2: ((7, 1), (12, 31))}[half]
    return dt.date(year, m1, d1), dt.date(year, m2, d2)


# every pledge of a snapshot with what the figures group it by: read once per snapshot (a snapshot never changes),
# so a city's months of ten years are filtered from memory rather than by ten joins of the whole warehouse
PLEDGES_SQL = """
SELECT e.app_no, e.event_date, coalesce(e.amount_10k_yuan, 0) AS amount,
       e.event_date || '|' || coalesce(trim(e.from_party), '') || '|' || coalesce(trim(e.to_party), '') AS project,
       coalesce(CAST(p.first_applicant_id AS VARCHAR), 'name:' || coalesce(trim(e.from_party), '')) AS enterprise,
       coalesce(nullif(trim(e.to_party), ''), '—') AS bank, p.city_code,
       coalesce(nullif(p.city_code, ''), p.province_code, '') AS place, p.ipc_all, p.zone_id
FROM events e JOIN patents p ON p.app_no = e.app_no
WHERE e.event_type = 'pledge' AND p.office = 'CN'
ORDER BY e.event_date
"""


@lru_cache(maxsize=4)
def _snapshot_pledges(data_dir: Path, snapshot: str, timeout_s: float | None) -> tuple[dict[str, Any], ...]:
    from ipstrong.warehouse.connection import snapshot_connection, time_limit

    con = snapshot_connection(data_dir, snapshot)
    try:
        with time_limit(con, timeout_s):
            found = con.execute(PLEDGES_SQL)
            names = [d[0] for d in found.description]
            return tuple(dict(zip(names, r, strict=True)) for r in found.fetchall())
    finally:
        con.close()


def _groups(row: dict[str, Any], by: str) -> list[tuple[str, str]]:
    """The groups (code, name) one pledge row counts in."""
    from ipstrong.reference.regions import region_name
    from ipstrong.reference.sei import SEI_INDUSTRIES, sei_branches

    if by == "city":
        code = row["city_code"] or ""
        return [(code, region_name(code) or "未能定位 / not placed")]
    if by == "bank":
        return [(row["bank"], row["bank"])]
    if by == "month":
        month = row["event_date"].strftime("%Y-%m")
        return [(month, month)]
    if by == "zone":
        zone = row["zone_id"] or ""
        return [(zone, region_name(zone) or zone)] if zone else [("-", "不在开发区 / not in a zone")]
    industries = dict.fromkeys(b.split(".", 1)[0] for b in sei_branches(row["ipc_all"] or []))
    return [(i, SEI_INDUSTRIES[i]) for i in industries] or [("-", "非战略性新兴产业 / not in an SEI industry")]


def _grouped(rows: list[dict[str, Any]], by: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        for key in _groups(r, by):
            grouped.setdefault(key, []).append(r)
    return grouped


def _growth(now: float, then: float | None) -> float | None:
    return round(100 * (now - then) / then, 1) if then else None


def _compared(now: PledgeStatRow, then: PledgeStatRow | None, park: bool) -> PledgeStatRow:
    """``now`` with the year-earlier figures and growth; a park (``park``) meets the 百园万企 target when both its
    projects and its amount grew by ``PARK_GROWTH_PCT`` or more."""
    amount, projects = _growth(now.amount_10k_yuan, then and then.amount_10k_yuan), _growth(now.projects, then and then.projects)
    met = amount is not None and projects is not None and amount >= PARK_GROWTH_PCT and projects >= PARK_GROWTH_PCT
    return now.model_copy(update={
        "previous_amount_10k_yuan": then.amount_10k_yuan if then else None, "previous_projects": then.projects if then else None,
        "amount_growth_pct": amount, "projects_growth_pct": projects,
        "target_met": met if park and now.group != "-" else None,
    })  # fmt: skip


def _figures(group: str, name: str, rows: list[dict[str, Any]]) -> PledgeStatRow:
    by_enterprise: dict[str, float] = {}
    for r in rows:
        by_enterprise[r["enterprise"]] = by_enterprise.get(r["enterprise"], 0.0) + r["amount"]
    small = sum(1 for amount in by_enterprise.values() if amount < SMALL_LOAN_10K_YUAN)
    return PledgeStatRow(
        group=group, name=name, amount_10k_yuan=round(sum(r["amount"] for r in rows), 2),
        projects=len({r["project"] for r in rows}), patents=len({r["app_no"] for r in rows}),
        enterprises=len(by_enterprise),
        small_loan_share_pct=round(100 * small / len(by_enterprise), 1) if by_enterprise else None,
    )  # fmt: skip


def pledge_stats(
    actor: Actor,
    data_dir: Path,
    year: int,
    by: str = "city",
    half: int | None = None,
    timeout_s: float | None = None,
    session: Session | None = None,
) -> PledgeStats:
    """The pledge figures of ``year`` (or its ``half``) by ``by``, within the reader's region, largest amount first
    (months in order); with ``session``, beside them what this platform's registrations secured and what was lent."""
    from ipstrong.warehouse.snapshots import Warehouse

    require(actor, "records.read")
    if by not in BY:
        raise InvalidOption("by", by, Msg("city、bank、sei、month 或 zone", "city, bank, sei, month or zone"))
    start, end = _period(year, half)
    region = actor.region_code
    snapshot = Warehouse(data_dir).current_id()
    prefix = region_prefix(region)
    pledges = _snapshot_pledges(data_dir, snapshot, timeout_s) if snapshot is not None else ()
    mine = [r for r in pledges if r["place"].startswith(prefix)]
    rows = [r for r in mine if start <= r["event_date"] <= end]
    grouped = _grouped(rows, by)
    figures = [_figures(code, name, members) for (code, name), members in grouped.items()]
    if by != "month":  # each group beside the same period a year earlier
        before, _ = _period(year - 1, half)
        earlier = _grouped([r for r in mine if before <= r["event_date"] <= start - dt.timedelta(days=1)], by)
        earlier_by_code = {code: _figures(code, name, members) for (code, name), members in earlier.items()}
        figures = [_compared(f, earlier_by_code.get(f.group), by == "zone") for f in figures]
    order = (lambda f: f.group) if by == "month" else (lambda f: (-f.amount_10k_yuan, f.group))
    return PledgeStats(
        year=year, half=half, by=by, region_code=region, rows=sorted(figures, key=order),
        total=_figures(region, "合计 / total", rows), snapshot=snapshot,
        registry=registry_loans(session, actor, start, end) if session is not None else None,
        target_source=PARK_SOURCE if by == "zone" else None,
    )  # fmt: skip


def import_registrations(
    files: list[Path], data_dir: Path, database_url: str | None = None, status_date: dt.date | None = None
) -> IngestReport:
    """Past pledge registrations from spreadsheets — a register as the gazette lists them (专利号, 出质人, 质权人,
    质押登记日, 金额) or the event file's columns — into the next snapshot through the one publish path of ingest: bad
    rows quarantined with their reasons, registrations of patents the warehouse does not hold refused. A file of
    another kind (a patent list) is refused whole, before anything is read into the warehouse."""
    import tempfile

    import duckdb

    from ipstrong.ingest.follow import publish
    from ipstrong.ingest.headers import file_kind
    from ipstrong.ingest.readers import load_file

    for path in files:
        con = duckdb.connect()
        try:
            with tempfile.TemporaryDirectory() as work:
                headers = load_file(con, path, "probe", Path(work)).headers
        finally:
            con.close()
        if file_kind(headers) != "events":
            raise IpsError(
                Msg(
                    "不是质押登记清单：须有「专利号」（或申请号）与「质押登记日」（或事件类型、事件日期）列",
                    "not a pledge register: it needs 专利号 (or 申请号) and 质押登记日 (or 事件类型 and 事件日期) columns",
                ).located(file=str(path))
            )
    return publish(files, data_dir, status_date, database_url=database_url)
