"""The SLA board: per body, open matters, how many are past their limit or due within a few working days, and the
average handling time of the last year's closed matters; open matters by type and state. A handful of grouped
queries over indexed columns of ``matters`` (the current limit is kept on the row), never a scan of histories."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ipstrong.accounts.models import Organisation
from ipstrong.accounts.roles import Actor
from ipstrong.clock import today_shanghai
from ipstrong.matters.campaigns import campaign
from ipstrong.matters.catalogue import MATTER_TYPES
from ipstrong.matters.models import Matter, MatterCampaign
from ipstrong.matters.service import due_filter, soon_until, visible
from ipstrong.matters.workdays import load
from ipstrong.reference.regions import region_name


def _days(session: Session) -> ColumnElement[Any]:
    """Days from receipt to closing, in the database's own date arithmetic."""
    if session.get_bind().dialect.name == "postgresql":
        return Matter.closed_on - Matter.received_on
    return func.julianday(Matter.closed_on) - func.julianday(Matter.received_on)


def sla_board(
    session: Session,
    actor: Actor,
    body_id: int | None = None,
    today: dt.date | None = None,
    soon_days: int = 3,
    campaign_id: int | None = None,
) -> dict[str, Any]:
    """The board of the matters ``actor`` may see (of one body, of one campaign when given)."""
    today = today or today_shanghai()
    until = soon_until(load(session), today, soon_days)
    scope = [visible(actor)] + ([Matter.body_id == body_id] if body_id else [])
    if campaign_id is not None:
        campaign(session, actor, campaign_id)  # "not found" when the actor may not see it
        scope.append(Matter.id.in_(select(MatterCampaign.matter_id).where(MatterCampaign.campaign_id == campaign_id)))
    is_open = Matter.closed_on.is_(None)
    year_ago = today - dt.timedelta(days=365)

    def tally(key: ColumnElement[Any]) -> tuple[list[Any], dict[Any, Any]]:
        """Open, closed, overdue and due-soon counts by ``key``, and the average days of the last year's closings."""
        counted = session.execute(
            select(
                key,
                func.count().filter(is_open),
                func.count().filter(Matter.closed_on.is_not(None)),
                func.count().filter(*due_filter("overdue", today, until)),
                func.count().filter(*due_filter("soon", today, until)),
            )
            .where(*scope)
            .group_by(key)
        ).all()
        days = session.execute(
            select(key, func.avg(_days(session)))
            .where(*scope, Matter.closed_on.is_not(None), Matter.closed_on > year_ago)
            .group_by(key)
        ).all()
        return counted, dict(days)

    counts, handled = tally(Matter.body_id)
    by_city, city_days = tally(func.substr(Matter.region_code, 1, 4))
    names = dict(
        session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_([c[0] for c in counts]))).all()
    )
    bodies = [
        {
            "body_id": body,
            "body": names.get(body, ""),
            "open": open_,
            "closed": closed,
            "overdue": overdue,
            "due_soon": soon,
            "avg_days": round(float(handled[body]), 1) if handled.get(body) is not None else None,
        }
        for body, open_, closed, overdue, soon in counts
    ]
    states = session.execute(
        select(Matter.type_id, Matter.state, func.count()).where(*scope, is_open).group_by(Matter.type_id, Matter.state)
    ).all()
    by_state = []
    for type_id, state_id, count in sorted(states):
        state = MATTER_TYPES[type_id].state(state_id)
        by_state.append(
            {"type": type_id, "type_zh": MATTER_TYPES[type_id].name_zh, "state": state_id, "state_zh": state.name_zh,
             "state_en": state.name_en, "count": count}
        )  # fmt: skip
    cities = [
        {
            "region_code": (code := prefix.ljust(6, "0")),
            "region": region_name(code) or code,
            "open": open_,
            "closed": closed,
            "overdue": overdue,
            "due_soon": soon,
            "avg_days": round(float(city_days[prefix]), 1) if city_days.get(prefix) is not None else None,
        }
        for prefix, open_, closed, overdue, soon in sorted(by_city)
    ]
    return {
        "today": today.isoformat(),
        "due_soon_until": until.isoformat(),
        "bodies": sorted(bodies, key=lambda b: (-b["overdue"], -b["open"])),
        "cities": cities,  # by the holding body's city (the province's own bodies under 320000)
        "states": by_state,
    }
