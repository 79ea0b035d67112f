"""An enterprise's patent portfolio and what keeping it costs (专利年费): for a calendar year, each annual fee that
falls due on its patents with the amount, the six-month grace period and the late fee, the cost of the years ahead,
and the lapsed patents it may still ask to restore. ``/portfolio``, ``GET /api/v1/portfolio/fees`` and
``ipstrong portfolio fees`` render this one call.

The rules are OFFICIAL_RULES.md §14, written here as data:

- the fee of each patent year by type (``ANNUAL_FEES``); years are counted from the filing date, year *n* beginning on
  the (*n*−1)th anniversary, and its fee falls due on that day;
- the fee of the year the patent is granted in, and of any year before, is paid with the registration formalities:
  the first annual fee due after grant is the next year's;
- a fee may still be paid within six months of its due date with a late fee of 5 % of that year's full fee for each
  month past the due date (a month begun counts);
- a reduction (费减) is the share the applicant is excused, stated by the enterprise (85 % for one qualifying
  applicant, 70 % for several, by 《专利收费减缴办法》); which years it covers today was not found, so it applies to every
  year shown;
- a patent lapsed for an unpaid fee may be restored on request (fee 1,000 yuan) within two months of the notice of
  termination, which follows the grace period: ``RESTORE_MONTHS`` after the due date, *unverified*.

Payments themselves are not in the warehouse: a fee whose grace period has passed on a patent still in force was
paid, and the legal status says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts.roles import Actor, PermissionDenied, require
from ipstrong.messages import InvalidOption, Msg


@dataclass(frozen=True)
class FeeBand:
    """The annual fee (yuan) of the patent years ``first``–``last`` of one patent type."""

    patent_type: str
    first: int
    last: int
    yuan: int


ANNUAL_FEES = (
    FeeBand("invention", 1, 3, 900), FeeBand("invention", 4, 6, 1200), FeeBand("invention", 7, 9, 2000),
    FeeBand("invention", 10, 12, 4000), FeeBand("invention", 13, 15, 6000), FeeBand("invention", 16, 20, 8000),
    FeeBand("utility_model", 1, 3, 600), FeeBand("utility_model", 4, 5, 900), FeeBand("utility_model", 6, 8, 1200),
    FeeBand("utility_model", 9, 10, 2000),
    FeeBand("design", 1, 3, 600), FeeBand("design", 4, 5, 900), FeeBand("design", 6, 8, 1200),
    FeeBand("design", 9, 10, 2000), FeeBand("design", 11, 15, 3000),
)  # fmt: skip
FEES_SOURCE = (
    "专利年费标准（攀枝花市知识产权服务中心公布的收费表 scjgj.panzhihua.gov.cn，多家代理机构页面相同）；"
    "滞纳金每月加收当年全额年费 5%，滞纳期 6 个月 / annual fees as the Panzhihua IP service centre publishes them; "
    "5 % of the year's full fee per month late, within 6 months"
)
GRACE_MONTHS = 6
LATE_FEE_PER_MONTH = 0.05
RESTORATION_FEE = 1000
RESTORE_MONTHS = GRACE_MONTHS + 2  # after the due date: the grace period, then two months from the notice (unverified)
OUTLOOK_YEARS = 5
MAX_REDUCTION = 85.0


def annual_fee(patent_type: str, patent_year: int) -> int | None:
    """The full annual fee of one patent year, or None beyond the table (past the statutory term)."""
    return next((b.yuan for b in ANNUAL_FEES if b.patent_type == patent_type and b.first <= patent_year <= b.last), None)


class FeeDue(BaseModel):
    """One annual fee falling due: ``state`` is ``upcoming`` before its due date, ``grace`` within the six months
    after it (payable with ``late_fee_yuan`` as of ``today``), ``past`` after them (paid if the patent is in force)."""

    app_no: str
    title: str | None
    patent_type: str
    patent_year: int
    due_date: dt.date
    amount_yuan: float  # after the reduction
    full_amount_yuan: int
    grace_until: dt.date
    late_fee_yuan: float
    state: Literal["upcoming", "grace", "past"]

    TABLE: ClassVar[tuple[str, ...]] = ("app_no", "patent_year", "due_date", "amount_yuan", "state")


class YearCost(BaseModel):
    year: int
    patents: int
    total_yuan: float


class Restorable(BaseModel):
    """A lapsed patent whose restoration may still be asked for (if it lapsed for an unpaid fee)."""

    app_no: str
    title: str | None
    patent_type: str
    lapse_date: dt.date
    restore_until: dt.date
    restoration_fee_yuan: int


MARK_SOURCE = (
    "《商标法》第三十九、四十条：注册商标有效期十年；期满前十二个月内办理续展，此期间未办理的可给予六个月宽展期；"
    "续展费标准未收集（OFFICIAL_RULES.md 未列）/ Trademark Law art. 39-40: ten years; renew within the 12 months "
    "before expiry, or in the 6-month grace period after; the renewal fee was not collected"
)
RENEW_BEFORE_MONTHS = 12
MARK_GRACE_MONTHS = 6


class MarkRenewal(BaseModel):
    """One of the entity's registered marks and its renewal: ``state`` is ``early`` (the window has not opened),
    ``open`` (renewable now), ``grace`` (expired, within the grace period) or ``lapsed``."""

    reg_no: str
    mark_name: str | None
    nice_classes: list[str]
    owner: str
    expiry_date: dt.date
    window_opens: dt.date
    grace_until: dt.date
    state: str
    in_year: bool  # its expiry falls in the year asked about

    TABLE: ClassVar[tuple[str, ...]] = ("reg_no", "mark_name", "expiry_date", "window_opens", "grace_until", "state")


def mark_renewal(reg_no: str, name: str | None, classes: list[str], owner: str, expiry: dt.date, year: int,
                 today: dt.date) -> MarkRenewal:  # fmt: skip
    """Where a mark expiring on ``expiry`` stands on ``today``."""
    opens, grace = expiry - relativedelta(months=RENEW_BEFORE_MONTHS), expiry + relativedelta(months=MARK_GRACE_MONTHS)
    state = "early" if today < opens else "open" if today <= expiry else "grace" if today <= grace else "lapsed"
    return MarkRenewal(reg_no=reg_no, mark_name=name, nice_classes=classes, owner=owner, expiry_date=expiry,
                       window_opens=opens, grace_until=grace, state=state, in_year=expiry.year == year)  # fmt: skip


class PortfolioFees(BaseModel):
    entity_id: int
    entity_name: str
    year: int
    today: dt.date
    reduction_pct: float
    snapshot: str | None
    fees: list[FeeDue]  # those falling due in ``year``, by due date
    total_yuan: float
    outlook: list[YearCost]  # ``year`` and the years after it, for the patents in force now
    restorable: list[Restorable]
    marks: list[MarkRenewal] = Field(default_factory=list)  # the entity's registered marks, by expiry
    source: str = Field(default=FEES_SOURCE)
    mark_source: str = Field(default=MARK_SOURCE)


@dataclass(frozen=True)
class Held:
    """What the fee rules read of one patent."""

    app_no: str
    title: str | None
    patent_type: str
    app_date: dt.date
    grant_date: dt.date | None
    lapse_date: dt.date | None
    legal_status: str | None


def held_patents(con: Any, entity_id: int) -> list[Held]:
    """The granted CN patents of an applicant entity (as first applicant) in a snapshot connection."""
    rows = con.execute(
        "SELECT app_no, title, patent_type, app_date, grant_date, lapse_date, legal_status FROM patents "
        "WHERE first_applicant_id = ? AND office = 'CN' AND grant_date IS NOT NULL AND app_date IS NOT NULL ORDER BY app_no",
        [entity_id],
    ).fetchall()
    return [Held(*r) for r in rows]


def fees_in_year(patent: Held, year: int) -> tuple[int, dt.date, int] | None:
    """(patent year, due date, full fee) of the annual fee ``patent`` owes in calendar ``year``, or None: not granted
    before the due date (the fee was part of its registration), lapsed by then, or past its statutory term."""
    from ipstrong.warehouse.asof import statutory_term

    patent_year = year - patent.app_date.year + 1
    due = patent.app_date + relativedelta(years=year - patent.app_date.year)  # 29 February → 28 February
    term = statutory_term(patent.patent_type, patent.app_date)
    if patent_year < 2 or term is None or patent_year > term.years or patent.grant_date is None:
        return None
    if patent.grant_date >= due or (patent.lapse_date is not None and patent.lapse_date <= due):
        return None
    full = annual_fee(patent.patent_type, patent_year)
    return (patent_year, due, full) if full is not None else None


def _months_begun(start: dt.date, end: dt.date) -> int:
    """Months begun from ``start`` to ``end`` (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months + (1 if delta.days else 0)


def fee_due(patent: Held, year: int, today: dt.date, reduction_pct: float) -> FeeDue | None:
    """The fee ``patent`` owes in ``year`` with its state and late fee as of ``today``."""
    owed = fees_in_year(patent, year)
    if owed is None:
        return None
    patent_year, due, full = owed
    grace_until = due + relativedelta(months=GRACE_MONTHS)
    state = "upcoming" if today < due else "grace" if today < grace_until else "past"
    late = full * LATE_FEE_PER_MONTH * _months_begun(due, today) if state == "grace" else 0.0
    return FeeDue(
        app_no=patent.app_no, title=patent.title, patent_type=patent.patent_type, patent_year=patent_year, due_date=due,
        amount_yuan=round(full * (1 - reduction_pct / 100), 2), full_amount_yuan=full, grace_until=grace_until,
        late_fee_yuan=round(late, 2), state=state,
    )  # fmt: skip


def _restorable(patent: Held, today: dt.date) -> Restorable | None:
    if patent.legal_status != "lapsed" or patent.lapse_date is None or patent.grant_date is None:
        return None
    until = patent.lapse_date + relativedelta(months=RESTORE_MONTHS)
    if not patent.lapse_date <= today <= until:
        return None
    return Restorable(
        app_no=patent.app_no, title=patent.title, patent_type=patent.patent_type, lapse_date=patent.lapse_date,
        restore_until=until, restoration_fee_yuan=RESTORATION_FEE,
    )  # fmt: skip


def _entity(session: Session, actor: Actor, entity_id: int | None) -> tuple[int, str]:
    """The entity whose portfolio is asked for: an enterprise's user sees its own organisation's only (``None``
    means its own); staff see any (patents are public records)."""
    from ipstrong.ingest.entity_store import entity_now
    from ipstrong.registry.home import own_entity

    if "records.read" in actor.role_info.permissions:
        if entity_id is None:
            raise InvalidOption(
                "entity", "", Msg("申请人实体编号（实体审核页可查）", "an applicant entity id (see the entities page)")
            )
        entity = entity_now(session, entity_id)
        return entity.id, entity.name
    require(actor, "records.read.own")
    _organisation, own = own_entity(session, actor)
    if own is None:
        raise PermissionDenied(
            Msg("本账号单位在数据仓库中尚无专利", "this account's organisation holds no patent in the warehouse")
        )
    if entity_id is not None and entity_now(session, entity_id).id != own.id:
        raise PermissionDenied(Msg("只能查看本单位的专利组合", "an enterprise sees its own portfolio only"))
    return own.id, own.name


def portfolio_fees(
    session: Session,
    actor: Actor,
    data_dir: Path,
    entity_id: int | None,
    year: int,
    reduction_pct: float = 0.0,
    today: dt.date | None = None,
) -> PortfolioFees:
    """The annual fees the entity's patents (as first applicant, CN) owe in ``year``, the cost of the years from
    ``year`` on for the patents in force now, and the lapsed ones still restorable, as of ``today`` (Shanghai's
    date by default)."""
    from ipstrong.clock import today_shanghai
    from ipstrong.warehouse.connection import snapshot_connection
    from ipstrong.warehouse.snapshots import Warehouse

    if not 0 <= reduction_pct <= MAX_REDUCTION:
        raise InvalidOption("reduction", str(reduction_pct), Msg("0 至 85 的百分比", "a percentage from 0 to 85"))
    entity, name = _entity(session, actor, entity_id)
    today = today or today_shanghai()
    snapshot = Warehouse(data_dir).current_id()
    held: list[Held] = []
    marks: list[MarkRenewal] = []
    if snapshot is not None:
        con = snapshot_connection(data_dir)
        try:
            held = held_patents(con, entity)
            marks = _marks(con, names_of(session, entity), year, today)
        finally:
            con.close()
    fees = sorted((f for p in held if (f := fee_due(p, year, today, reduction_pct))), key=lambda f: (f.due_date, f.app_no))
    in_force = [p for p in held if p.legal_status == "in_force"]
    outlook = []
    for later in range(year, year + OUTLOOK_YEARS):
        owed = [f for p in in_force if (f := fee_due(p, later, today, reduction_pct))]
        outlook.append(YearCost(year=later, patents=len(owed), total_yuan=round(sum(f.amount_yuan for f in owed), 2)))
    return PortfolioFees(
        entity_id=entity, entity_name=name, year=year, today=today, reduction_pct=reduction_pct, snapshot=snapshot,
        fees=fees, total_yuan=round(sum(f.amount_yuan for f in fees), 2), outlook=outlook,
        restorable=[r for p in held if (r := _restorable(p, today))], marks=marks,
    )  # fmt: skip


def names_of(session: Session, entity_id: int) -> list[str]:
    """Every name the entity files under (its marks are registered to one of them)."""
    from ipstrong.ingest.entity_store import ApplicantEntity, ApplicantName

    names = session.scalars(select(ApplicantName.name).where(ApplicantName.entity_id == entity_id))
    entity = session.get(ApplicantEntity, entity_id)
    return sorted({*names, *([entity.name] if entity is not None else [])})


def _marks(con: Any, names: list[str], year: int, today: dt.date) -> list[MarkRenewal]:
    """The registered marks of ``names`` (not cancelled or invalidated), by expiry."""
    if not names:
        return []
    rows = con.execute(
        "SELECT reg_no, mark_name, nice_classes, owner, expiry_date FROM trademarks "
        "WHERE owner IN (SELECT unnest($1::VARCHAR[])) AND expiry_date IS NOT NULL AND status = 'registered' "
        "ORDER BY expiry_date, reg_no",
        [names],
    ).fetchall()
    return [mark_renewal(r[0], r[1], list(r[2] or []), r[3], r[4], year, today) for r in rows]
