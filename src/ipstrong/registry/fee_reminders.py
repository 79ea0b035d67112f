"""Reminders of annual fees, for the users of each enterprise: a month before a fee falls due (``due_soon``), and
while it is in its grace period on a patent still in force (``grace``). Run by the job queue each morning (kind
``fee_reminders``) or by ``ipstrong portfolio remind``; a person is reminded once per patent, due date and kind,
however often it runs. They read them on their home page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts.models import Organisation, User
from ipstrong.accounts.roles import Actor
from ipstrong.clock import today_shanghai
from ipstrong.ingest.entity_store import entity_of_name
from ipstrong.registry.fees import GRACE_MONTHS, fee_due, held_patents
from ipstrong.registry.models import FeeReminder

DAYS_BEFORE = 30  # how long before its due date a fee is first recalled


class FeeReminderOut(BaseModel):
    app_no: str
    due_date: dt.date
    kind: str  # due_soon | grace
    amount_yuan: int


def send_fee_reminders(session: Session, data_dir: Path, today: dt.date | None = None, days: int = DAYS_BEFORE) -> dict[str, Any]:
    """Remind every active enterprise user of the fees their organisation's patents owe within ``days`` or in their
    grace period; return what was added."""
    from ipstrong.warehouse.connection import snapshot_connection
    from ipstrong.warehouse.snapshots import Warehouse

    today = today or today_shanghai()
    added = {"due_soon": 0, "grace": 0}
    if Warehouse(data_dir).current_id() is None:
        return {**added, "organisations": 0, "message": "仓库中还没有数据 / the warehouse holds no data yet"}
    users = session.execute(
        select(User.id, Organisation.name)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == "enterprise_user", User.active.is_(True), Organisation.kind == "enterprise")
    ).all()
    by_organisation: dict[str, list[int]] = {}
    for user_id, name in users:
        by_organisation.setdefault(name, []).append(user_id)
    con = snapshot_connection(data_dir)
    try:
        for name, people in by_organisation.items():
            entity = entity_of_name(session, name)
            if entity is None:
                continue
            for patent in held_patents(con, entity.id):
                for year in (today.year, today.year + 1):
                    fee = fee_due(patent, year, today, 0.0)
                    if fee is None:
                        continue
                    soon = fee.state == "upcoming" and fee.due_date <= today + dt.timedelta(days=days)
                    kind = "due_soon" if soon else "grace" if fee.state == "grace" and patent.legal_status == "in_force" else None
                    if kind is None:
                        continue
                    for user_id in people:
                        if session.get(FeeReminder, (user_id, fee.app_no, fee.due_date, kind)) is None:
                            session.add(FeeReminder(user_id=user_id, app_no=fee.app_no, due_date=fee.due_date, kind=kind,
                                                    amount_yuan=fee.full_amount_yuan))  # fmt: skip
                            added[kind] += 1
    finally:
        con.close()
    session.flush()
    total = sum(added.values())
    return {**added, "organisations": len(by_organisation), "message": f"年费提醒 {total} 条 / {total} fee reminders"}


def my_fee_reminders(session: Session, actor: Actor, today: dt.date | None = None) -> list[FeeReminderOut]:
    """The actor's fee reminders still timely: a fee due soon until its due date, a late one through its grace
    period."""
    today = today or today_shanghai()
    rows = session.scalars(
        select(FeeReminder)
        .where(FeeReminder.user_id == actor.user_id, FeeReminder.due_date > today - relativedelta(months=GRACE_MONTHS))
        .order_by(FeeReminder.due_date, FeeReminder.app_no)
    )
    timely = [r for r in rows if (r.due_date >= today) == (r.kind == "due_soon")]
    return [FeeReminderOut(app_no=r.app_no, due_date=r.due_date, kind=r.kind, amount_yuan=r.amount_yuan) for r in timely]
