"""Special enforcement campaigns: a named period over a region (and maybe some matter types) that tags the matters
received within it — those filed later as they are filed, those already received when the campaign is declared.
A campaign's statistics are the SLA board over its matters (``board.sla_board(campaign_id=…)``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, func, insert, literal, select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.roles import Actor, region_prefix, require
from ipstrong.accounts.visibility import sees_campaign
from ipstrong.matters.catalogue import MATTER_TYPES
from ipstrong.matters.models import Campaign, Matter, MatterCampaign
from ipstrong.messages import IpsError, Msg, NotFound
from ipstrong.reference.regions import describe_code


def declare(
    session: Session, actor: Actor, name: str, starts_on: dt.date, ends_on: dt.date, region_code: str, types: list[str]
) -> dict[str, Any]:
    """Declare a campaign over the actor's region (or part of it) and tag the matters already received in it."""
    require(actor, "orgs.manage", region_code)
    if describe_code(region_code) is None:
        raise IpsError(Msg(f"未知区划代码 {region_code}", f"unknown region code {region_code}").located(field="region_code"))
    if ends_on < starts_on:
        raise IpsError(Msg("结束日期早于开始日期", "the campaign ends before it starts").located(field="ends_on"))
    unknown = [t for t in types if t not in MATTER_TYPES]
    if unknown:
        raise IpsError(
            Msg(f"未知事项类型 {'、'.join(unknown)}", f"unknown matter types {', '.join(unknown)}").located(field="types")
        )
    if not name.strip():
        raise IpsError(Msg("请填写名称", "a campaign needs a name").located(field="name"))
    campaign = Campaign(name=name.strip(), starts_on=starts_on, ends_on=ends_on, region_code=region_code, types=types,
                        created_by=actor.username)  # fmt: skip
    session.add(campaign)
    session.flush()
    _tag(session, campaign)
    tagged = session.scalar(select(func.count()).where(MatterCampaign.campaign_id == campaign.id))
    after = {"name": campaign.name, "from": starts_on.isoformat(), "to": ends_on.isoformat(), "types": types, "tagged": tagged}
    audit.append(session, actor.username, "campaign.declare", "campaign", campaign.id, region_code, None, after)
    return {"id": campaign.id, **after}


def _tag(session: Session, campaign: Campaign, *matters: ColumnElement[bool]) -> None:
    """Tag the matters (those meeting ``matters``) received in the campaign's period, region and types: the one
    place that says which matters a campaign covers."""
    covered = select(literal(campaign.id), Matter.id).where(
        Matter.received_on >= campaign.starts_on,
        Matter.received_on <= campaign.ends_on,
        Matter.region_code.startswith(region_prefix(campaign.region_code)),
        *([Matter.type_id.in_(campaign.types)] if campaign.types else []),
        *matters,
    )
    session.execute(insert(MatterCampaign).from_select(["campaign_id", "matter_id"], covered))


def tag_new(session: Session, matter: Matter) -> None:
    """Tag a matter just filed with every campaign it falls in."""
    session.flush()
    running = select(Campaign).where(Campaign.starts_on <= matter.received_on, Campaign.ends_on >= matter.received_on)
    for campaign in session.scalars(running).all():
        _tag(session, campaign, Matter.id == matter.id)


def campaigns(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """The campaigns the actor may see (:func:`ipstrong.accounts.visibility.sees_campaign`), newest first, each with
    how many of the matters it tagged the actor may see."""
    from ipstrong.matters.service import visible

    found = session.scalars(select(Campaign).order_by(Campaign.starts_on.desc(), Campaign.id.desc())).all()
    rows = [c for c in found if sees_campaign(actor, c.region_code)]
    tagged = (
        select(MatterCampaign.campaign_id, func.count())
        .join(Matter, Matter.id == MatterCampaign.matter_id)
        .where(visible(actor))
        .group_by(MatterCampaign.campaign_id)
    )
    counts = dict(session.execute(tagged).all())
    return [
        {"id": c.id, "name": c.name, "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat(),
         "region_code": c.region_code, "types": c.types, "matters": counts.get(c.id, 0)}
        for c in rows
    ]  # fmt: skip


def campaign(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    """The campaign ``campaign_id`` or "not found" (also when the actor may not see it)."""
    found = session.get(Campaign, campaign_id)
    if found is None or not sees_campaign(actor, found.region_code):
        raise NotFound(Msg(f"没有编号为 {campaign_id} 的专项行动", f"no campaign {campaign_id}"))
    return found
