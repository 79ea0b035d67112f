"""Overseas information (part of the overseas information collection and push mechanism): items officers publish by
country and industry — foreign law changes, dispute cases, trade-show alerts — and the ``info`` watches that push
them. An ``info`` watch's target is the countries it follows (``US,DE``; empty for all), optionally ``@`` an SEI
industry (``US,DE@1``); each item is kept as one event per watch once (``AlertEvent`` with ``change`` information),
so a run again pushes nothing twice."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.models import StoredTime
from ipstrong.accounts.roles import Actor, require
from ipstrong.alerts.models import AlertEvent, OverseasItem, Watchlist
from ipstrong.messages import IpsError, Msg

ITEM_KINDS = {
    "law_change": ("法律变化", "a change in the law"),
    "dispute_case": ("纠纷案例", "a dispute case"),
    "trade_show": ("展会提示", "a trade-show alert"),
}
INFO_SNAPSHOT = "info"  # the events of information items are not of a warehouse snapshot


class ItemIn(BaseModel):
    kind: str = Field(description="law_change | dispute_case | trade_show")
    country: str = Field(pattern="^[A-Z]{2}$", description="国家或地区（ISO 两位代码）/ country (ISO code)")
    industry: str | None = Field(default=None, pattern="^[1-9]$", description="战略性新兴产业号 / SEI industry")
    title: str = Field(min_length=2, max_length=200)
    body: str = Field(min_length=2, max_length=5000)
    link: str | None = Field(default=None, max_length=500, pattern="^https?://")


class ItemOut(BaseModel):
    id: int
    kind: str
    country: str
    industry: str | None
    title: str
    body: str
    link: str | None
    published_by: str
    published_at: StoredTime


def _out(row: OverseasItem) -> ItemOut:
    return ItemOut(id=row.id, kind=row.kind, country=row.country, industry=row.industry, title=row.title, body=row.body,
                   link=row.link, published_by=row.published_by, published_at=row.published_at)  # fmt: skip


def publish_item(session: Session, actor: Actor, item: ItemIn) -> ItemOut:
    """Publish an item (the officers who write records); the next run pushes it to the watches that follow it."""
    require(actor, "records.write")
    if len(item.title.strip()) < 2 or len(item.body.strip()) < 2:
        raise IpsError(Msg("须填写标题和内容", "a title and a text are needed").located(field="title"))
    if item.kind not in ITEM_KINDS:
        raise IpsError(
            Msg(f"没有信息类型 {item.kind}", f"no item kind {item.kind} ({', '.join(ITEM_KINDS)})").located(field="kind")
        )
    row = OverseasItem(kind=item.kind, country=item.country, industry=item.industry, title=item.title.strip(),
                       body=item.body.strip(), link=item.link, published_by=actor.username)  # fmt: skip
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "alerts.publish", "overseas_item", row.id, actor.region_code, None,
                 {"country": row.country, "kind": row.kind})  # fmt: skip
    return _out(row)


def items(session: Session, country: str | None = None, limit: int = 100) -> list[ItemOut]:
    """The published items, the latest first (anyone signed in reads them)."""
    query = select(OverseasItem).order_by(OverseasItem.id.desc()).limit(limit)
    if country:
        query = query.where(OverseasItem.country == country)
    return [_out(r) for r in session.scalars(query)]


def follows(target: str) -> tuple[list[str], str | None]:
    """An ``info`` watch's countries (empty: all) and industry, from its target; refused when it is not one."""
    countries, _, industry = target.strip().upper().partition("@")
    listed = [c for c in re.split(r"[,，\s]+", countries) if c]
    if any(not re.fullmatch(r"[A-Z]{2}", c) for c in listed) or (industry and not re.fullmatch(r"[1-9]", industry)):
        raise IpsError(Msg(f"须为国家代码列表，可加 @产业号：{target}", f"countries, optionally @ an SEI industry: {target}")
                       .located(field="target"))  # fmt: skip
    return listed, industry or None


def info_events(session: Session, watch: Watchlist, since: dt.datetime) -> list[dict[str, Any]]:
    """The events (``AlertEvent`` columns) of the items ``watch`` follows published after ``since`` that it has not
    been told of."""
    countries, industry = follows(watch.target)
    query = select(OverseasItem).where(OverseasItem.published_at > since).order_by(OverseasItem.id)
    told = set(session.scalars(select(AlertEvent.app_no).where(AlertEvent.watchlist_id == watch.id,
                                                               AlertEvent.snapshot == INFO_SNAPSHOT)))  # fmt: skip
    fresh = []
    for item in session.scalars(query):
        if (countries and item.country not in countries) or (industry and item.industry not in (None, industry)):
            continue
        if f"INFO{item.id}" in told:
            continue
        detail = {"country": item.country, "kind": item.kind, "link": item.link}
        fresh.append({"watchlist_id": watch.id, "snapshot": INFO_SNAPSHOT, "app_no": f"INFO{item.id}",
                      "change": "information", "title": item.title, "detail": detail})  # fmt: skip
    return fresh
