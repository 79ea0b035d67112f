"""Reminders before a limit falls and once it has passed: for a matter's assignees, or the holding body's staff when
nobody is assigned. Run by the job queue each morning (``jobs``: kind ``reminders``) or by ``ipstrong matters
remind``; a person is reminded once per limit day and kind, however often it runs. They read them on the matters page;
other channels (SMS, mail) belong to the alerts' push channels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts.models import User
from ipstrong.accounts.roles import Actor
from ipstrong.clock import today_shanghai
from ipstrong.matters.bodies import FILERS
from ipstrong.matters.models import Matter, MatterAssignee, MatterReminder
from ipstrong.matters.service import due_filter, soon_until
from ipstrong.matters.workdays import load


def send_reminders(session: Session, today: dt.date | None = None, soon_days: int = 3) -> dict[str, Any]:
    """Remind of every open, running limit due within ``soon_days`` working days or past; return what was added."""
    today = today or today_shanghai()
    until = soon_until(load(session), today, soon_days)
    matters = session.execute(select(Matter.id, Matter.body_id, Matter.due_on).where(*due_filter("near", today, until))).all()
    added = {"due_soon": 0, "overdue": 0}
    for matter_id, body_id, due_on in matters:
        kind = "overdue" if due_on < today else "due_soon"
        people = session.scalars(select(MatterAssignee.user_id).where(MatterAssignee.matter_id == matter_id)).all() or (
            session.scalars(
                select(User.id).where(User.organisation_id == body_id, User.active.is_(True), User.role.not_in(FILERS))
            ).all()
        )
        for user_id in people:
            if session.get(MatterReminder, (matter_id, user_id, due_on, kind)) is None:
                session.add(MatterReminder(matter_id=matter_id, user_id=user_id, due_on=due_on, kind=kind))
                added[kind] += 1
    session.flush()
    return {**added, "matters": len(matters), "message": f"提醒 {sum(added.values())} 条 / {sum(added.values())} reminders"}


def my_reminders(session: Session, actor: Actor, limit: int = 20) -> list[dict[str, Any]]:
    """The actor's unread reminders of matters still open, most urgent first."""
    rows = session.execute(
        select(MatterReminder, Matter.number, Matter.title)
        .join(Matter, Matter.id == MatterReminder.matter_id)
        .where(MatterReminder.user_id == actor.user_id, MatterReminder.read_at.is_(None), Matter.closed_on.is_(None))
        .order_by(MatterReminder.due_on, Matter.id)
        .limit(limit)
    )
    return [
        {"matter_id": r.matter_id, "number": number, "title": title, "due_on": r.due_on.isoformat(), "kind": r.kind}
        for r, number, title in rows
    ]
