"""One enterprise's profile (重点企业名录, 企业画像) at a year-end: the directory's figures and tier beside the year
before, its registered marks, its awards, the pledges on its patents and the matters it is party to. ``/enterprises/
{entity}``, ``GET /api/v1/enterprises/{entity}`` and ``ipstrong enterprises profile`` render this one call.

Figures are the indicators' own rows for the entity as first applicant (``indicators.engine.by_applicant``), the tier
the directory's rules give (registry/tiers.py); marks are those registered to any name the entity files under;
awards are the award events of its patents (national: 中国专利奖, 国家科学技术奖; provincial: 江苏专利奖); matters are
those naming one of its names as a party.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ipstrong.accounts.roles import Actor, in_scope, require
from ipstrong.messages import Msg, NotFound
from ipstrong.registry.fees import names_of


class AwardHeld(BaseModel):
    app_no: str
    award: str  # the award as the event names it
    level: str  # national_award | provincial_award
    day: dt.date


class MatterCount(BaseModel):
    type: str
    type_zh: str
    type_en: str
    matters: int
    open: int


class EnterpriseProfile(BaseModel):
    entity_id: int
    name: str
    names: list[str]
    city_code: str | None
    year: int
    figures: dict[str, float]
    previous: dict[str, float]
    growth_pct: float | None
    tier: str | None
    previous_tier: str | None
    registered_marks: int  # in force at the year-end
    awards: list[AwardHeld]
    pledged_patents: int  # with a pledge registered in the year
    matters: list[MatterCount]


def enterprise_profile(
    session: Session, actor: Actor, data_dir: Path, entity_id: int, year: int, timeout_s: float | None = None
) -> EnterpriseProfile:
    """The profile of ``entity_id`` at the end of ``year``, for staff whose region holds it and for the enterprise's
    own users (its organisation's name resolves to the entity)."""
    from ipstrong.indicators.engine import by_applicant
    from ipstrong.ingest.entity_store import entity_now
    from ipstrong.registry.home import own_entity
    from ipstrong.registry.tiers import PROFILE, load_rules, tier_of

    own = actor.role_info.name == "enterprise_user"
    if own:
        _org, mine = own_entity(session, actor)
        if mine is None or mine.id != entity_now(session, entity_id).id:
            raise NotFound(Msg(f"没有编号为 {entity_id} 的本企业画像", f"no profile {entity_id} of your own enterprise"))
    else:
        require(actor, "records.read")
    entity = entity_now(session, entity_id)
    names = names_of(session, entity.id)
    facts = _warehouse_facts(data_dir, entity.id, names, year)
    place = facts.city_code
    if not own and not (in_scope(actor, place) if place else actor.role_info.everywhere):  # unplaced: province staff
        raise NotFound(Msg(f"本地区没有编号为 {entity_id} 的企业", f"no enterprise {entity_id} in your region"))
    rules = load_rules()
    measures = sorted(set(PROFILE) | {m for t in rules for m, _ in t.criteria})
    day, before = dt.date(year, 12, 31), dt.date(year - 1, 12, 31)
    values = by_applicant(data_dir, measures, [day, before], timeout_s=timeout_s, entities=[entity.id])
    now = {m: values.get((m, day), {}).get(entity.id, 0.0) for m in measures}
    then = {m: values.get((m, before), {}).get(entity.id, 0.0) for m in measures}
    was = then["effective_inventions"]
    return EnterpriseProfile(
        entity_id=entity.id, name=entity.name, names=names, city_code=facts.city_code, year=year,
        figures={m: now[m] for m in PROFILE}, previous={m: then[m] for m in PROFILE},
        growth_pct=round(100 * (now["effective_inventions"] - was) / was, 1) if was else None,
        tier=tier_of(now, rules), previous_tier=tier_of(then, rules), registered_marks=facts.marks,
        awards=facts.awards, pledged_patents=facts.pledged, matters=_matters(session, names),
    )  # fmt: skip


@dataclass(frozen=True)
class _Facts:
    """What the warehouse says of the entity at the year-end."""

    city_code: str | None
    marks: int
    awards: list[AwardHeld]
    pledged: int


def _warehouse_facts(data_dir: Path, entity_id: int, names: list[str], year: int) -> _Facts:
    from ipstrong.warehouse.connection import snapshot_connection
    from ipstrong.warehouse.snapshots import Warehouse

    if Warehouse(data_dir).current_id() is None:
        return _Facts(None, 0, [], 0)
    day = dt.date(year, 12, 31)
    con = snapshot_connection(data_dir)
    try:
        city = con.execute(
            "SELECT mode(city_code) FROM patents WHERE first_applicant_id = $1 AND office = 'CN'", [entity_id]
        ).fetchone()
        marks = con.execute(
            "SELECT count(*) FROM trademarks WHERE owner IN (SELECT unnest($1::VARCHAR[])) AND status = 'registered' "
            "AND reg_date <= $2 AND expiry_date >= $2",
            [names, day],
        ).fetchone()
        awards = con.execute(
            "SELECT e.app_no, coalesce(e.event_raw, e.event_type), e.event_type, e.event_date FROM events e "
            "JOIN patents p ON p.app_no = e.app_no WHERE p.first_applicant_id = $1 AND e.event_date <= $2 "
            "AND e.event_type IN ('national_award', 'provincial_award') ORDER BY e.event_date DESC",
            [entity_id, day],
        ).fetchall()
        pledged = con.execute(
            "SELECT count(DISTINCT e.app_no) FROM events e JOIN patents p ON p.app_no = e.app_no "
            "WHERE p.first_applicant_id = $1 AND e.event_type = 'pledge' AND year(e.event_date) = $2",
            [entity_id, year],
        ).fetchone()
    finally:
        con.close()
    return _Facts(
        city_code=city[0] if city else None,
        marks=int(marks[0]) if marks else 0,
        awards=[AwardHeld(app_no=a[0], award=a[1], level=a[2], day=a[3]) for a in awards],
        pledged=int(pledged[0]) if pledged else 0,
    )


def _matters(session: Session, names: list[str]) -> list[MatterCount]:
    """The matters naming one of ``names`` as a party, by type: how many, and how many are still open."""
    from ipstrong.matters.catalogue import MATTER_TYPES
    from ipstrong.matters.models import Matter, MatterParty

    if not names:
        return []
    named = select(MatterParty.matter_id).where(MatterParty.name.in_(names))
    rows = session.execute(
        select(Matter.type_id, func.count(), func.count(Matter.closed_on)).where(Matter.id.in_(named)).group_by(Matter.type_id)
    ).all()
    return [
        MatterCount(type=t, type_zh=MATTER_TYPES[t].name_zh, type_en=MATTER_TYPES[t].name_en, matters=n, open=n - closed)
        for t, n, closed in sorted(rows)
        if t in MATTER_TYPES
    ]
