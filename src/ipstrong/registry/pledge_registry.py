"""The pledge registry's registrations as warehouse events: each registered pledge becomes a dated ``pledge`` event
of every patent it names, and each cancellation a ``pledge_release``. ``registry.warehouse_events`` writes them, with
the other registers' events, through ingest's one publish path, so the indicators, the statistics, search, explain
and the patent page see registrations as they see any other pledge.

A registration's secured amount is written once, on its first patent's event: the indicators and statistics add
amounts up by event, and a registration of three patents secures one debt.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.matters.models import Matter, MatterEvent, MatterRight
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
