"""Typical cases: a closed matter published for the public, with the officer's title and summary and the form
fields the officer chose — each shown as it is or anonymised (names of parties reduced to 某公司 / 某某, codes and
numbers withheld). What is published is stored as shown, so a later change to the matter never leaks into it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.roles import Actor
from ipstrong.matters import service
from ipstrong.matters.catalogue import MATTER_TYPES
from ipstrong.matters.definitions import MatterType
from ipstrong.matters.models import Matter, TypicalCase
from ipstrong.messages import Conflict, IpsError, Msg

CHOICES = ("show", "anonymise")
_COMPANY = re.compile(r"(股份有限公司|有限责任公司|有限公司|公司|商行|厂|中心|研究院|大学)$")


def anonymise(value: Any) -> Any:
    """A name as the public sees it: 苏州某某电池有限公司 → 苏州某有限公司, 张三 → 张某; other text → 某某."""
    if isinstance(value, list):
        return [anonymise(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip()
    form = _COMPANY.search(text)
    if form:  # the place a long name starts with stays (苏州…), the rest goes
        head = text[: form.start()]
        return (head[:2] if len(head) >= 4 else "") + "某" + form.group(1)
    if 2 <= len(text) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in text):
        return text[0] + "某"
    return "某某"


def publish(session: Session, actor: Actor, matter_id: int, title: str, summary: str, fields: dict[str, str]) -> dict[str, Any]:
    """Publish a closed matter as a typical case; ``fields`` maps form fields to ``show`` or ``anonymise`` (the
    others are not published)."""
    matter = service.acting_on(session, actor, matter_id, Msg("发布典型案例", "publish a typical case"))
    mtype = service.matter_type(matter.type_id)
    if not mtype.state(matter.state).final:
        raise IpsError(Msg("只有已办结的事项可以发布为典型案例", "only a closed matter can be published"))
    unknown = [f for f, how in fields.items() if f not in matter.form or how not in CHOICES]
    if unknown:
        raise IpsError(Msg(f"无效的发布字段：{'、'.join(unknown)}", f"fields not publishable as asked: {', '.join(unknown)}"))
    if not title.strip() or not summary.strip():
        raise IpsError(Msg("请填写标题和案情简介", "a typical case needs a title and a summary"))
    if session.scalar(select(TypicalCase.id).where(TypicalCase.matter_id == matter.id)) is not None:
        raise Conflict(Msg("该事项已发布为典型案例", "this matter is published already"))
    shown = {f: matter.form[f] if how == "show" else anonymise(matter.form[f]) for f, how in fields.items()}
    case = TypicalCase(
        matter_id=matter.id, title=title.strip(), summary=summary.strip(), fields=shown, published_by=actor.username
    )
    session.add(case)
    session.flush()
    service.record(session, actor, matter, "publish", title.strip())
    audit.append(
        session, actor.username, "matter.publish", "matter", matter.id, matter.region_code, None, {"case": case.id, **shown}
    )
    return public_case(case, mtype)


def public_case(case: TypicalCase, mtype: MatterType) -> dict[str, Any]:
    """A published case as the public reads it: its fields labelled as the type's form labels them."""
    return {
        "id": case.id,
        "title": case.title,
        "summary": case.summary,
        "type_zh": mtype.name_zh,
        "type_en": mtype.name_en,
        "fields": case.fields,
        "entries": [e.model_dump() for e in service.form_entries(mtype, case.fields)],
        "published_at": case.published_at.isoformat(),
    }


def typical_cases(session: Session, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """The published cases, newest first: public information."""
    rows = session.execute(
        select(TypicalCase, Matter.type_id)
        .join(Matter, Matter.id == TypicalCase.matter_id)
        .order_by(TypicalCase.published_at.desc(), TypicalCase.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [public_case(c, MATTER_TYPES[t]) for c, t in rows]
