"""The pledge registry's registrations as warehouse events: each registered pledge becomes a dated ``pledge`` event
of every patent it names, and each cancellation a ``pledge_release``. ``registry.warehouse_events`` writes them, with
the other registers' events, through ingest's one publish path, so the indicators, the statistics, search, explain
and the patent page see registrations as they see any other pledge.

A registration's secured amount is written once, on its first patent's event: the indicators and statistics add
amounts up by event, and a registration of three patents secures one debt. What the bank actually lent is another
figure (OFFICIAL_RULES.md §11: registration vs lending): reported with the application or later (``record_loan``),
kept apart and shown beside the statistics for the registrations made here (``registry_loans``).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.roles import Actor, require
from ipstrong.matters.models import Matter, MatterEvent, MatterRight
from ipstrong.matters.service import visible
from ipstrong.messages import IpsError, Msg, NotFound
from ipstrong.registry.models import PledgeLoan
from ipstrong.registry.warehouse_events import EventRow


def registry_events(session: Session) -> list[EventRow]:
    """The events the registry's registrations, changes and cancellations make, in the event file's columns."""
    matters = session.scalars(select(Matter).where(Matter.type_id == "pledge", Matter.state.in_(("registered", "cancelled"))))
    rows = []
    for m in matters.all():
        days = {
            e.step: e.day
            for e in session.scalars(select(MatterEvent).where(MatterEvent.matter_id == m.id, MatterEvent.action == "step"))
        }
        numbers = _patents_of(session, m.id)
        pledgor, pledgee, amount = m.form["pledgor"], m.form["pledgee"], m.form["secured_amount_10k_yuan"]
        for i, number in enumerate(numbers):
            if "register" in days:
                rows.append((number, "质押", days["register"], pledgor, pledgee, str(amount) if i == 0 else ""))
            if "cancel" in days:
                rows.append((number, "质押解除", days["cancel"], pledgor, pledgee, ""))
    return rows + _change_events(session)


def _patents_of(session: Session, matter_id: int) -> list[str]:
    """The patents a registration names, in the order filed."""
    rows = select(MatterRight.number).where(MatterRight.matter_id == matter_id, MatterRight.kind == "patent")
    return list(session.scalars(rows.order_by(MatterRight.id)))


def _change_events(session: Session) -> list[EventRow]:
    """A registered change: a ``pledge_change`` event of each patent of its registration, naming the pledgee after
    the change and the new secured amount where it changed (never added to the financing figures, which count
    registrations)."""
    from ipstrong.matters.types.pledge import registration_of

    rows = []
    for m in session.scalars(select(Matter).where(Matter.type_id == "pledge_change", Matter.state == "changed")).all():
        registered = registration_of(session, m.form["registration"])
        day = session.scalar(select(MatterEvent.day).where(MatterEvent.matter_id == m.id, MatterEvent.step == "register_change"))
        if registered is None or day is None:
            continue
        pledgee = m.form.get("new_pledgee") or registered.form["pledgee"]
        amount = m.form.get("new_secured_amount_10k_yuan")
        numbers = _patents_of(session, registered.id)
        rows += [(n, "质押变更", day, registered.form["pledgor"], pledgee, str(amount) if amount and i == 0 else "")
                 for i, n in enumerate(numbers)]  # fmt: skip
    return rows


def record_loan(session: Session, actor: Actor, matter_id: int, lent_10k_yuan: float, lent_on: dt.date) -> None:
    """The amount the pledgee lent on a registration, as the bank reports it (a later report replaces it)."""
    require(actor, "records.write")
    matter = session.get(Matter, matter_id)
    if matter is None or matter.type_id != "pledge" or matter.state not in ("registered", "cancelled"):
        raise NotFound(Msg(f"没有编号为 {matter_id} 的已登记质押", f"no registered pledge {matter_id}"))
    require(actor, "records.write", matter.region_code)
    if not 0 < lent_10k_yuan <= 10_000_000:
        raise IpsError(Msg("放款金额须大于 0", "the amount lent must be above 0").located(field="lent_10k_yuan"))
    row = session.get(PledgeLoan, matter.id) or PledgeLoan(matter_id=matter.id)
    row.lent_10k_yuan, row.lent_on, row.reported_by = lent_10k_yuan, lent_on, actor.username
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "pledge.loan", "matter", matter.id, matter.region_code, None,
                 {"lent_10k_yuan": lent_10k_yuan, "lent_on": lent_on.isoformat()})  # fmt: skip


class RegistryLoans(BaseModel):
    """The registrations made on this platform in a period: what they secured and what banks reported lending."""

    registrations: int
    secured_10k_yuan: float
    reported: int  # registrations with the amount lent reported
    lent_10k_yuan: float


def registry_loans(session: Session, actor: Actor, start: dt.date, end: dt.date) -> RegistryLoans:
    """Of the pledges registered here between ``start`` and ``end`` that the reader may see, the secured amount and
    the amount lent (reported later, or with the application)."""
    registered = session.execute(
        select(Matter, MatterEvent.day)
        .join(MatterEvent, MatterEvent.matter_id == Matter.id)
        .where(Matter.type_id == "pledge", MatterEvent.step == "register", MatterEvent.day.between(start, end), visible(actor))
    ).all()
    loans = {row.matter_id: row.lent_10k_yuan for row in session.scalars(select(PledgeLoan))}
    lent = [loans.get(m.id, m.form.get("loan_amount_10k_yuan")) for m, _day in registered]
    return RegistryLoans(
        registrations=len(registered), secured_10k_yuan=round(sum(m.form["secured_amount_10k_yuan"] for m, _ in registered), 2),
        reported=sum(v is not None for v in lent), lent_10k_yuan=round(sum(v for v in lent if v is not None), 2),
    )  # fmt: skip
