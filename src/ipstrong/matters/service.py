"""Matters as service functions: file one, take a step, attach a document, comment, assign, join a body, extend a
limit; read one, list, the overdue list. CLI, API and pages call these and nothing else.

Every function takes the acting :class:`Actor` and checks here who may do it: staff act for the body that holds the
matter or a body that joined it, an enterprise's users for the matters their enterprise filed; each step names the
roles that may take it and the documents it needs, and the state machine refuses a step the state does not allow.
Each change is one line of the matter's history and one audit entry, in the caller's transaction. A refusal is
audited in a transaction of its own (``refusals_recorded``) because the refused work rolls back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from transitions import MachineError

from ipstrong.accounts import audit
from ipstrong.accounts.models import Organisation, User
from ipstrong.accounts.roles import Actor, PermissionDenied, in_scope, region_prefix, require
from ipstrong.clock import today_shanghai
from ipstrong.db import transaction
from ipstrong.ids import CreditCode, InvalidIdentifier
from ipstrong.matters import campaigns, deadlines, documents
from ipstrong.matters.bodies import FILERS, body_of, require_staff_of
from ipstrong.matters.catalogue import MATTER_TYPES
from ipstrong.matters.definitions import MatterType, Transition
from ipstrong.matters.models import (
    Campaign,
    LimitParameter,
    Matter,
    MatterAssignee,
    MatterBody,
    MatterCampaign,
    MatterCounter,
    MatterDocument,
    MatterEvent,
    MatterParty,
    MatterRight,
)
from ipstrong.matters.records import (
    Assignee,
    DocumentAttached,
    DocumentNeeded,
    FormEntry,
    HistoryEntry,
    LinkedMatter,
    MatterDetail,
    MatterSummary,
    Named,
    Party,
    RightClaimed,
    StepOpen,
)
from ipstrong.matters.rights import check_rights
from ipstrong.matters.workdays import Calendar, add_working_days, load
from ipstrong.messages import Conflict, IpsError, Msg, NotFound, validated
from ipstrong.vocabulary import words

OTHER_DOCUMENT = ("other", "其他材料", "other material")
# pydantic's error types in Chinese; the English is pydantic's own message


def matter_type(type_id: str) -> MatterType:
    """The declared type ``type_id`` or a refusal listing the types there are."""
    if type_id not in MATTER_TYPES:
        raise IpsError(
            Msg(
                f"未知事项类型 {type_id}（可选：{'、'.join(MATTER_TYPES)}）",
                f"unknown matter type {type_id} ({', '.join(MATTER_TYPES)})",
            )
        )
    return MATTER_TYPES[type_id]


@contextmanager
def refusals_recorded(factory: sessionmaker[Session], actor: Actor, action: str, matter_id: int | str | None) -> Iterator[None]:
    """Audit a refusal of ``action`` (the refused work itself rolls back) and let it propagate."""
    try:
        yield
    except IpsError as exc:
        with transaction(factory) as session:
            after = {"action": action, "zh": exc.msg.zh, "en": exc.msg.en}
            audit.append(session, actor.username, "matter.refused", "matter", matter_id, None, None, after)
        raise


# --- who may see and act -----------------------------------------------------------------------------------------
def visible(actor: Actor) -> ColumnElement[bool]:
    """The matters ``actor`` may see, as a condition the database evaluates."""
    if actor.role in FILERS:
        return Matter.filed_by_org == actor.organisation_id if actor.organisation_id is not None else false()
    conditions: list[ColumnElement[bool]] = []
    if "records.read" in actor.role_info.permissions:
        if actor.role_info.everywhere:
            return true()
        conditions.append(Matter.region_code.startswith(region_prefix(actor.region_code), autoescape=True))
    if actor.organisation_id is not None:
        joined = select(MatterBody.matter_id).where(MatterBody.body_id == actor.organisation_id)
        conditions += [Matter.body_id == actor.organisation_id, Matter.id.in_(joined)]
    return or_(*conditions) if conditions else false()


def _handlers(session: Session, matter: Matter) -> set[int]:
    """The bodies whose staff act on ``matter``: the one holding it and those that joined."""
    joined = session.scalars(select(MatterBody.body_id).where(MatterBody.matter_id == matter.id))
    return {matter.body_id, *joined}


def _can_see(session: Session, actor: Actor, matter: Matter) -> bool:
    if actor.role in FILERS:
        return actor.organisation_id is not None and matter.filed_by_org == actor.organisation_id
    if "records.read" in actor.role_info.permissions and in_scope(actor, matter.region_code):
        return True
    return actor.organisation_id in _handlers(session, matter)


def _load(session: Session, actor: Actor, matter_id: int) -> Matter:
    """The matter, or "not found" — also when it exists outside the actor's reach (the attempt is not disclosed)."""
    matter = session.get(Matter, matter_id)
    if matter is None or not _can_see(session, actor, matter):
        raise NotFound(Msg(f"没有编号为 {matter_id} 的事项", f"no matter {matter_id}"))
    return matter


def acting_on(session: Session, actor: Actor, matter_id: int, what: Msg) -> Matter:
    """The matter, for staff of a body handling it (``what`` names the action a refusal cites)."""
    matter = _load(session, actor, matter_id)
    require_staff_of(actor, _handlers(session, matter), what)
    return matter


def _require_party_or_staff(session: Session, actor: Actor, matter: Matter, what: Msg) -> None:
    """Staff of a handling body, or a user of the enterprise that filed the matter."""
    if actor.role in FILERS:
        if actor.organisation_id is None or actor.organisation_id != matter.filed_by_org:
            raise PermissionDenied(Msg(f"只有提交本事项的单位可以{what.zh}", f"only the party that filed it may {what.en}"))
        return
    require_staff_of(actor, _handlers(session, matter), what)


def _require_step(session: Session, actor: Actor, matter: Matter, step: Transition) -> None:
    if actor.role not in step.roles:
        raise PermissionDenied(
            Msg(
                f"角色不能执行「{step.name_zh}」（可执行：{'、'.join(step.roles)}）",
                f"your role may not {step.name_en} (allowed: {', '.join(step.roles)})",
            )
        )
    _require_party_or_staff(session, actor, matter, Msg(step.name_zh, step.name_en))


# --- filing ------------------------------------------------------------------------------------------------------
def _validated(mtype: MatterType, form: dict[str, Any]) -> BaseModel:
    return validated(mtype.form, form)


def _parties(mtype: MatterType, form: BaseModel) -> list[MatterParty]:
    """The parties the form names; each credit code given is checked and kept in canonical form."""
    out = []
    for party in mtype.parties:
        code = getattr(form, party.code_field) if party.code_field else None
        if code:
            try:
                code = CreditCode.parse(code).canonical
            except InvalidIdentifier as exc:
                raise IpsError(exc.msg.located(field=party.code_field)) from None
            setattr(form, party.code_field, code)
        out.append(MatterParty(role=party.role, name=getattr(form, party.name_field).strip(), credit_code=code or None))
    return out


def next_in_series(session: Session, body_id: int, year: int, series: str) -> int:
    """The body's next number of ``series`` in ``year``: one atomic upsert, so two at once never share a number."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(MatterCounter)
        .values(body_id=body_id, year=year, series=series, last=1)
        .on_conflict_do_update(index_elements=["body_id", "year", "series"], set_={"last": MatterCounter.last + 1})
        .returning(MatterCounter.last)
    )
    return session.execute(statement).scalar_one()


def _next_number(session: Session, mtype: MatterType, body: Organisation, year: int) -> str:
    """``CJ-320500-7-2026-00012``: type, body's region, body, year, the body's running number in that year."""
    return f"{mtype.code}-{body.region_code}-{body.id}-{year}-{next_in_series(session, body.id, year, 'matter'):05d}"


def file_matter(
    session: Session,
    actor: Actor,
    type_id: str,
    body_id: int,
    form: dict[str, Any],
    data_dir: Path,
    received_on: dt.date | None = None,
    today: dt.date | None = None,
    origin_id: int | None = None,
) -> Matter:
    """Receive a matter at ``body_id``: the form validated, parties' credit codes checked, the type's intake check
    passed, the patents and marks looked up in the warehouse; numbered, its first limit running.

    Filed from an intake (``origin_id``), it keeps the link, counts from the day the intake was received, and the
    intake takes its ``route`` step."""
    mtype = matter_type(type_id)
    origin = _load(session, actor, origin_id) if origin_id is not None else None
    if origin is not None:
        received_on = origin.received_on
    body = body_of(session, body_id)
    if body.kind not in mtype.bodies:
        raise IpsError(
            Msg(
                f"{body.name} 不受理「{mtype.name_zh}」（受理机构类型：{'、'.join(mtype.bodies)}）",
                f"{body.name} does not receive {mtype.name_en} (bodies: {', '.join(mtype.bodies)})",
            )
        )
    if actor.role in FILERS:
        if actor.organisation_id is None:
            raise PermissionDenied(Msg("本账号未关联单位，不能提交事项", "this account belongs to no organisation"))
        filed_by: int | None = actor.organisation_id
    else:
        # staff receive for their own body; the window that routes an intake forwards it to any body
        handlers = {body.id} | (_handlers(session, origin) if origin is not None else set())
        require_staff_of(actor, handlers, Msg("以该机构名义收件", "receive matters for that body"))
        filed_by = None
    today = today or today_shanghai()
    received_on = received_on or today
    if received_on > today:
        raise IpsError(Msg("收件日期不能晚于今天", "the day received cannot be after today").located(field="received_on"))
    validated = _validated(mtype, form)
    parties = _parties(mtype, validated)
    if mtype.intake is not None and (problems := mtype.intake(session, body, validated, data_dir, received_on)):
        raise IpsError(
            Msg("不符合受理条件：" + "；".join(p.zh for p in problems), "cannot be taken: " + "; ".join(p.en for p in problems))
        )
    rights = []
    for kind, name in (("patent", mtype.patents_field), ("trademark", mtype.trademarks_field)):
        if name is not None:
            rights += check_rights(data_dir, kind, getattr(validated, name), name)
    matter = Matter(
        type_id=mtype.id,
        number=_next_number(session, mtype, body, received_on.year),
        body_id=body.id,
        region_code=body.region_code,
        filed_by_org=origin.filed_by_org if origin is not None else filed_by,
        origin_id=origin.id if origin is not None else None,
        title=str(getattr(validated, mtype.title_field))[:300],
        form=validated.model_dump(mode="json"),
        state=mtype.initial,
        state_since=received_on,
        received_on=received_on,
        extended=[],
        created_by=actor.username,
    )
    session.add(matter)
    session.flush()
    for party in parties:
        party.matter_id = matter.id
        session.add(party)
    for r in rights:
        session.add(MatterRight(matter_id=matter.id, kind=r.kind, number=r.number, checked=r.checked, title=r.title, note=r.note))
    session.add(MatterEvent(matter_id=matter.id, day=received_on, actor=actor.username, action="created", to_state=mtype.initial))
    campaigns.tag_new(session, matter)
    _refresh_due(matter, mtype, [deadlines.Passage(received_on, None, mtype.initial)], timing(session), today)
    session.flush()
    after = {"number": matter.number, "type": mtype.id, "body": body.id, "received_on": received_on.isoformat()}
    audit.append(session, actor.username, "matter.file", "matter", matter.id, matter.region_code, None, after)
    if origin is not None:
        take_step(session, actor, origin.id, "route", note=f"→ {matter.number}", today=today)
    return matter


# --- the history and the current limit ---------------------------------------------------------------------------
def _passages(session: Session, matter: Matter) -> list[deadlines.Passage]:
    rows = session.execute(
        select(MatterEvent.day, MatterEvent.step, MatterEvent.to_state)
        .where(MatterEvent.matter_id == matter.id, MatterEvent.action.in_(("created", "step")))
        .order_by(MatterEvent.id)
    )
    return [deadlines.Passage(day, step, state) for day, step, state in rows]


@dataclass(frozen=True)
class Timing:
    """What limits are counted on: the holiday table and the office's figures for unverified rules."""

    calendar: Calendar
    amounts: dict[str, dict[str, int]]  # type -> rule -> amount


def timing(session: Session) -> Timing:
    amounts: dict[str, dict[str, int]] = {}
    for row in session.scalars(select(LimitParameter)):
        amounts.setdefault(row.type_id, {})[row.rule_id] = row.amount
    return Timing(load(session), amounts)


def _limits(
    matter: Matter, mtype: MatterType, passages: list[deadlines.Passage], clock: Timing, today: dt.date
) -> list[deadlines.LimitStatus]:
    extended = list(matter.extended or [])
    return deadlines.limits(mtype, passages, extended, clock.calendar, today, matter.form, clock.amounts.get(mtype.id))


def _refresh_due(matter: Matter, mtype: MatterType, passages: list[deadlines.Passage], clock: Timing, today: dt.date) -> None:
    """Keep the current limit on the matter row, for the SLA board and the overdue list (``passages`` read before
    the change, with the new one added, so nothing is flushed half-way)."""
    now = deadlines.current(_limits(matter, mtype, passages, clock, today), matter.closed_on is not None)
    matter.due_on = now.due.date if now else None
    matter.due_rule = now.rule.id if now else None
    matter.due_provisional = bool(now and now.due.provisional)
    matter.due_paused = bool(now and now.paused)


def saved(session: Session, matter: Matter) -> None:
    """Flush ``matter``; a concurrent save of the same matter makes this one fail as a conflict, nothing lost."""
    number = matter.number  # read before the flush: after a failed one the row cannot be reloaded
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            Msg(
                f"事项 {number} 刚被他人修改，本次操作未保存；请刷新后重试",
                f"matter {number} was just changed by someone else; nothing was saved — reload and retry",
            )
        ) from None


def _check_version(matter: Matter, version: int | None) -> None:
    if version is not None and version != matter.version:
        raise Conflict(
            Msg(
                f"事项 {matter.number} 已被他人修改（您看到的是第 {version} 版，现为第 {matter.version} 版），"
                "本次操作未保存；请刷新后重试",
                f"matter {matter.number} has changed since you read it (version {version}, now {matter.version}); "
                "nothing was saved — reload and retry",
            )
        )


def _refresh_open(session: Session, *conditions: ColumnElement[bool], today: dt.date | None = None) -> int:
    """Recount the current limit of the open matters meeting ``conditions``; return how many."""
    session.flush()
    clock, today = timing(session), today or today_shanghai()
    affected = session.scalars(select(Matter).where(Matter.closed_on.is_(None), *conditions)).all()
    for matter in affected:
        _refresh_due(matter, MATTER_TYPES[matter.type_id], _passages(session, matter), clock, today)
    session.flush()
    return len(affected)


def set_calendar_day(
    session: Session, actor: Actor, day: dt.date, kind: str | None, name: str, source: str, today: dt.date | None = None
) -> dict[str, Any]:
    """Enter or remove a day of the holiday table (``workdays.set_day``) and move the current limit of every open
    matter it can change — those falling on or after that day, and those paused — in the same transaction."""
    from ipstrong.matters.workdays import set_day

    result = set_day(session, actor, day, kind, name, source)
    moved = _refresh_open(session, or_(Matter.due_on >= day, Matter.due_paused.is_(True)), today=today)
    return {**result, "matters_moved": moved}


def set_limit(
    session: Session, actor: Actor, type_id: str, rule_id: str, amount: int, source: str, today: dt.date | None = None
) -> dict[str, Any]:
    """Set the office's figure for a limit no rule was found for (an unverified rule), with its source; the open
    matters of that type are recounted in the same transaction. Audited."""
    require(actor, "calendar.manage")
    mtype = matter_type(type_id)
    rule = next((d for d in mtype.deadlines if d.id == rule_id), None)
    if rule is None:
        raise IpsError(Msg(f"「{mtype.name_zh}」没有期限 {rule_id}", f"{mtype.name_en} has no limit {rule_id}"))
    if rule.verified:
        raise IpsError(
            Msg(
                f"期限「{rule.name_zh}」有明确依据，不能改动",
                f"the limit '{rule.name_en}' is set by its rule and cannot be changed",
            )
        )
    if not 1 <= amount <= 3650 or not source.strip():
        raise IpsError(Msg("期限须为 1–3650 且注明来源", "a limit takes 1–3650 and names its source"))
    row = session.get(LimitParameter, (type_id, rule_id))
    before = {"amount": row.amount, "source": row.source} if row else {"amount": rule.amount, "source": "default"}
    if row is None:
        row = LimitParameter(type_id=type_id, rule_id=rule_id)
        session.add(row)
    row.amount, row.source, row.set_by = amount, source.strip(), actor.username
    after = {"type": type_id, "rule": rule_id, "amount": amount, "unit": rule.unit, "source": source.strip()}
    audit.append(session, actor.username, "limit.set", "limit", f"{type_id}.{rule_id}", None, before, after)
    return {**after, "matters_moved": _refresh_open(session, Matter.type_id == type_id, today=today)}


def limit_parameters(session: Session) -> list[dict[str, Any]]:
    """The unverified limits of every type: default, unit, and the office's figure with its source when set."""
    set_ = {(r.type_id, r.rule_id): r for r in session.scalars(select(LimitParameter))}
    return [
        {
            "type": mtype.id,
            "type_zh": mtype.name_zh,
            "type_en": mtype.name_en,
            "rule": rule.id,
            "name_zh": rule.name_zh,
            "name_en": rule.name_en,
            "unit": rule.unit,
            "default": rule.amount,
            "amount": row.amount if (row := set_.get((mtype.id, rule.id))) else rule.amount,
            "source": row.source if row else rule.source,
            "set_by": row.set_by if row else None,
        }
        for mtype in MATTER_TYPES.values()
        for rule in mtype.deadlines
        if not rule.verified
    ]


# --- acting on a matter ------------------------------------------------------------------------------------------
def take_step(
    session: Session,
    actor: Actor,
    matter_id: int,
    step: str,
    version: int | None = None,
    note: str = "",
    on: dt.date | None = None,
    today: dt.date | None = None,
) -> Matter:
    """Take ``step`` on the matter, as of ``on`` (today by default; an earlier day records a step taken on paper).

    Refused: a step the type does not declare, a role or body that may not take it, a state that does not allow it,
    a document it needs that is not attached, a matter changed since ``version`` was read."""
    matter = _load(session, actor, matter_id)
    mtype = matter_type(matter.type_id)
    transition = mtype.transition(step)
    if transition is None:
        steps = ", ".join(t.id for t in mtype.transitions)
        raise IpsError(
            Msg(f"「{mtype.name_zh}」没有步骤 {step}（可选：{steps}）", f"{mtype.name_en} has no step {step} ({steps})")
        )
    _check_version(matter, version)
    _require_step(session, actor, matter, transition)
    model = SimpleNamespace()
    mtype.machine(model, matter.state)
    try:
        model.trigger(step)
    except MachineError:
        here = mtype.state(matter.state)
        raise IpsError(
            Msg(f"当前状态「{here.name_zh}」不能「{transition.name_zh}」", f"cannot {transition.name_en} while {here.name_en}")
        ) from None
    attached = set(session.scalars(select(MatterDocument.kind).where(MatterDocument.matter_id == matter.id)))
    missing = [mtype.document(d) for d in transition.documents if d not in attached]
    if missing:
        raise IpsError(
            Msg(
                f"「{transition.name_zh}」需要先上传：{'、'.join(d.name_zh for d in missing if d)}",
                f"{transition.name_en} needs these documents first: {', '.join(d.name_en for d in missing if d)}",
            )
        )
    today = today or today_shanghai()
    on = on or today
    history = _passages(session, matter)
    if on > today or on < history[-1].day:
        raise IpsError(
            Msg("步骤日期须在上一步之后、今天之前", "the step's day must lie between the last step and today").located(field="on")
        )
    before = {"state": matter.state, "version": matter.version}
    passages = [*history, deadlines.Passage(on, step, transition.dest)]
    clock = timing(session)
    session.add(
        MatterEvent(
            matter_id=matter.id,
            day=on,
            actor=actor.username,
            action="step",
            step=step,
            from_state=matter.state,
            to_state=transition.dest,
            text=note or None,
        )
    )
    matter.state, matter.state_since = transition.dest, on
    matter.closed_on = on if mtype.state(transition.dest).final else None
    _refresh_due(matter, mtype, passages, clock, today)
    saved(session, matter)
    audit.append(
        session,
        actor.username,
        "matter.step",
        "matter",
        matter.id,
        matter.region_code,
        before,
        {"step": step, "state": matter.state},
    )
    return matter


def record(session: Session, actor: Actor, matter: Matter, action: str, text: str, today: dt.date | None = None) -> None:
    """One line of history that changes no state (the matter's row, and so its version, stay as they are)."""
    session.add(MatterEvent(matter_id=matter.id, day=today or today_shanghai(), actor=actor.username, action=action, text=text))


def attach_document(
    session: Session, actor: Actor, matter_id: int, kind: str, filename: str, content: bytes, data_dir: Path, max_mb: int
) -> MatterDocument:
    """Attach a file as one of the type's documents (or ``other``): recognised by its bytes, within the size limit,
    stored once by SHA-256."""
    matter = _load(session, actor, matter_id)
    mtype = matter_type(matter.type_id)
    rule = mtype.document(kind)
    if rule is None and kind != OTHER_DOCUMENT[0]:
        kinds = ", ".join([d.id for d in mtype.documents] + [OTHER_DOCUMENT[0]])
        raise IpsError(
            Msg(
                f"「{mtype.name_zh}」没有材料类型 {kind}（可选：{kinds}）",
                f"{mtype.name_en} has no document kind {kind} ({kinds})",
            )
        )
    _require_party_or_staff(session, actor, matter, Msg("上传材料", "attach documents"))
    name = documents.clean_filename(filename)
    documents.check_size(content, name, max_mb)
    media = documents.media_type(content, name)
    digest = documents.store(data_dir, content)
    doc = MatterDocument(
        matter_id=matter.id,
        kind=kind,
        filename=name,
        media_type=media,
        size=len(content),
        sha256=digest,
        uploaded_by=actor.username,
    )
    session.add(doc)
    label = rule.name_zh if rule else OTHER_DOCUMENT[1]
    record(session, actor, matter, "document", f"{label}：{name}")
    after = {"kind": kind, "filename": name, "sha256": digest, "size": len(content)}
    audit.append(session, actor.username, "matter.document", "matter", matter.id, matter.region_code, None, after)
    return doc


def document_file(
    session: Session, actor: Actor, matter_id: int, document_id: int, data_dir: Path
) -> tuple[MatterDocument, Path]:
    """A stored document of a matter the actor may see, and where its bytes are."""
    matter = _load(session, actor, matter_id)
    doc = session.get(MatterDocument, document_id)
    if doc is None or doc.matter_id != matter.id:
        raise NotFound(
            Msg(f"事项 {matter.number} 没有材料 {document_id}", f"matter {matter.number} has no document {document_id}")
        )
    return doc, documents.stored_path(data_dir, doc.sha256)


def comment(session: Session, actor: Actor, matter_id: int, text: str) -> None:
    """Add a comment to the matter's history."""
    matter = _load(session, actor, matter_id)
    _require_party_or_staff(session, actor, matter, Msg("留言", "comment"))
    text = text.strip()
    if not 1 <= len(text) <= 5000:
        raise IpsError(Msg("留言须为 1–5000 个字符", "a comment has 1–5000 characters").located(field="text"))
    record(session, actor, matter, "comment", text)
    audit.append(session, actor.username, "matter.comment", "matter", matter.id, matter.region_code, None, {"text": text})


def assign(session: Session, actor: Actor, matter_id: int, user_id: int) -> None:
    """Make a staff member of a handling body an assignee of the matter."""
    matter = _load(session, actor, matter_id)
    handlers = _handlers(session, matter)
    require_staff_of(actor, handlers, Msg("分派承办人", "assign"))
    user = session.get(User, user_id)
    if user is None or not user.active or user.role in FILERS or user.organisation_id not in handlers:
        raise IpsError(
            Msg(f"用户 {user_id} 不是承办机构的在职工作人员", f"user {user_id} is not active staff of a handling body")
        )
    if session.get(MatterAssignee, (matter.id, user.id)) is None:
        session.add(MatterAssignee(matter_id=matter.id, user_id=user.id, assigned_by=actor.username))
        record(session, actor, matter, "assign", f"{user.display_name}（{user.username}）")
        audit.append(
            session, actor.username, "matter.assign", "matter", matter.id, matter.region_code, None, {"user": user.username}
        )


def join_body(session: Session, actor: Actor, matter_id: int, body_id: int) -> None:
    """Let another body work on the matter with the one holding it (a joint case)."""
    matter = _load(session, actor, matter_id)
    require_staff_of(actor, {matter.body_id}, Msg("邀请其他机构协办", "invite another body"))
    body = body_of(session, body_id)
    if body.id not in _handlers(session, matter):
        session.add(MatterBody(matter_id=matter.id, body_id=body.id, joined_by=actor.username))
        record(session, actor, matter, "join", body.name)
        audit.append(session, actor.username, "matter.join", "matter", matter.id, matter.region_code, None, {"body": body.id})


def extend_limit(
    session: Session, actor: Actor, matter_id: int, rule_id: str, version: int | None = None, today: dt.date | None = None
) -> Matter:
    """Approve the one extension a rule allows (经批准延长) for a limit that is running."""
    matter = _load(session, actor, matter_id)
    mtype = matter_type(matter.type_id)
    rule = next((d for d in mtype.deadlines if d.id == rule_id), None)
    if rule is None or rule.extension is None:
        raise IpsError(Msg(f"期限 {rule_id} 不可延长", f"limit {rule_id} cannot be extended"))
    _check_version(matter, version)
    if actor.role not in rule.approvers:
        raise PermissionDenied(
            Msg(f"延长期限须由 {'、'.join(rule.approvers)} 批准", f"an extension is approved by {', '.join(rule.approvers)}")
        )
    require_staff_of(actor, _handlers(session, matter), Msg("批准延长", "approve an extension"))
    if rule.id in (matter.extended or []):
        raise Conflict(Msg(f"期限「{rule.name_zh}」已延长过一次", f"the limit '{rule.name_en}' has been extended once already"))
    today = today or today_shanghai()
    clock = timing(session)
    passages = _passages(session, matter)
    running = [s for s in _limits(matter, mtype, passages, clock, today) if s.rule.id == rule.id and s.met_on is None]
    if not running or matter.closed_on is not None:
        raise IpsError(Msg(f"期限「{rule.name_zh}」未在计算中", f"the limit '{rule.name_en}' is not running"))
    matter.extended = [*(matter.extended or []), rule.id]
    amount, unit = rule.extension
    record(session, actor, matter, "extend", f"{rule.name_zh} +{amount} {unit}", today)
    _refresh_due(matter, mtype, passages, clock, today)
    saved(session, matter)
    audit.append(session, actor.username, "matter.extend", "matter", matter.id, matter.region_code, None, {"rule": rule.id})
    return matter


# --- reading -----------------------------------------------------------------------------------------------------
def _summary_fields(matter: Matter, body_name: str, today: dt.date) -> dict[str, Any]:
    """The fields of ``MatterSummary``: what a list shows of a matter (and a detail begins with)."""
    mtype = MATTER_TYPES[matter.type_id]
    state = mtype.state(matter.state)
    return {
        "id": matter.id,
        "number": matter.number,
        "type": mtype.id,
        "type_zh": mtype.name_zh,
        "type_en": mtype.name_en,
        "title": matter.title,
        "body_id": matter.body_id,
        "body": body_name,
        "region_code": matter.region_code,
        "state": matter.state,
        "state_zh": state.name_zh,
        "state_en": state.name_en,
        "final": state.final,
        "received_on": matter.received_on,
        "closed_on": matter.closed_on,
        "due_on": matter.due_on,
        "due_rule": matter.due_rule,
        "days_left": (matter.due_on - today).days if matter.due_on else None,
        "provisional": matter.due_provisional,
        "paused": matter.due_paused,
        "version": matter.version,
    }


def list_matters(
    session: Session,
    actor: Actor,
    type_id: str | None = None,
    state: str | None = None,
    region: str | None = None,
    body_id: int | None = None,
    due: str | None = None,
    q: str = "",
    limit: int = 50,
    offset: int = 0,
    today: dt.date | None = None,
    soon_days: int = 3,
    mine: bool = False,
) -> list[MatterSummary]:
    """The matters the actor may see, newest first, filtered; ``due`` is ``overdue``, ``soon`` or ``open``. ``mine``
    is the actor's to-do list: the open matters assigned to them or received by them, the nearest limit first."""
    today = today or today_shanghai()
    query = select(Matter, Organisation.name).join(Organisation, Organisation.id == Matter.body_id).where(visible(actor))
    if type_id:
        query = query.where(Matter.type_id == matter_type(type_id).id)
    if state:
        query = query.where(Matter.state == state)
    if region:
        query = query.where(Matter.region_code.startswith(region_prefix(region), autoescape=True))
    if body_id:
        query = query.where(Matter.body_id == body_id)
    if due is not None:
        until = soon_until(load(session), today, soon_days) if due == "soon" else today
        query = query.where(*due_filter(due, today, until))
    if q.strip():
        text = q.strip()
        named = select(MatterParty.matter_id).where(MatterParty.name.contains(text, autoescape=True))
        query = query.where(or_(Matter.number == text, Matter.title.contains(text, autoescape=True), Matter.id.in_(named)))
    order = (Matter.received_on.desc(), Matter.id.desc())
    if mine:
        assigned = select(MatterAssignee.matter_id).where(MatterAssignee.user_id == actor.user_id)
        query = query.where(Matter.closed_on.is_(None), or_(Matter.id.in_(assigned), Matter.created_by == actor.username))
        order = (Matter.due_on.is_(None), Matter.due_on, Matter.id)  # no limit running (paused, none): last
    rows = session.execute(query.order_by(*order).limit(limit).offset(offset))
    return [MatterSummary(**_summary_fields(m, name, today)) for m, name in rows]


DUE_FILTERS = ("open", "overdue", "soon")


def soon_until(calendar: Calendar, today: dt.date, soon_days: int) -> dt.date:
    """The last day a limit counts as "due soon": ``soon_days`` working days from today."""
    return add_working_days(calendar, today, soon_days).date


def due_filter(due: str, today: dt.date, until: dt.date) -> list[ColumnElement[bool]]:
    """Conditions for open matters (``open``), those past their limit (``overdue``), those whose limit falls from
    today to ``until`` (``soon``), or either of the last two (``near``, what reminders are for). A paused limit is
    never overdue or due soon. The one place these words are defined: lists, the SLA board and reminders use it."""
    if due not in (*DUE_FILTERS, "near"):
        raise IpsError(Msg(f"due 须为 {'、'.join(DUE_FILTERS)}", f"due must be one of {', '.join(DUE_FILTERS)}"))
    conditions: list[ColumnElement[bool]] = [Matter.closed_on.is_(None)]
    if due == "open":
        return conditions
    conditions.append(Matter.due_paused.is_(False))
    if due == "overdue":
        conditions.append(Matter.due_on < today)
    elif due == "soon":
        conditions += [Matter.due_on >= today, Matter.due_on <= until]
    else:
        conditions.append(Matter.due_on <= until)
    return conditions


def filer_defaults(session: Session, actor: Actor, mtype: MatterType) -> dict[str, Any]:
    """What a new form of ``mtype`` starts with for an enterprise's own user: the enterprise's name and credit code
    in the first party's fields (the party that files). Nothing for anyone else: staff and agencies file for others."""
    if actor.role != "enterprise_user" or actor.organisation_id is None or not mtype.parties:
        return {}
    own = session.get(Organisation, actor.organisation_id)
    if own is None or own.kind != "enterprise":
        return {}
    party = mtype.parties[0]
    out: dict[str, Any] = {party.name_field: own.name}
    if party.code_field and own.credit_code:
        out[party.code_field] = own.credit_code
    return out


def _what(mtype: MatterType, event: MatterEvent) -> Msg:
    """What happened, in words: a step with the states it moved between, else the kind of entry."""
    if event.action == "step" and event.from_state and event.to_state:
        step = mtype.transition(event.step or "")
        was, now = mtype.state(event.from_state), mtype.state(event.to_state)
        return Msg(
            f"{step.name_zh if step else event.step}：{was.name_zh} → {now.name_zh}",
            f"{step.name_en if step else event.step}: {was.name_en} → {now.name_en}",
        )
    zh, en = words("matter_action", event.action)
    return Msg(zh, en)


def _party(mtype: MatterType, stored: MatterParty) -> Party:
    """A stored party with its role named as the matter type names it."""
    role = next((r for r in mtype.parties if r.role == stored.role), None)
    return Party(
        role=stored.role,
        role_zh=role.name_zh if role else stored.role,
        role_en=role.name_en if role else stored.role,
        name=stored.name,
        credit_code=stored.credit_code,
    )


def form_entries(mtype: MatterType, form: dict[str, Any]) -> list[FormEntry]:
    """The filled fields of a stored form in the form's order, each labelled from its description ("中文 / English")
    and a stored word shown in words (``patent_type``, ``payment_method``: the vocabulary's fields); an empty field,
    and a field the form no longer declares, are left out. ``form`` keeps the values as stored."""
    from ipstrong.vocabulary import VALUES, words

    entries = []
    for name, info in mtype.form.model_fields.items():
        value = form.get(name)
        if value is None or value == "" or value == []:
            continue
        if name in VALUES and isinstance(value, str):
            value = " / ".join(dict.fromkeys(words(name, value)))
        zh, _, en = (info.description or name).partition(" / ")
        entries.append(FormEntry(name=name, label_zh=zh, label_en=en or zh, value=value))
    return entries


def matter_detail(session: Session, actor: Actor, matter_id: int, today: dt.date | None = None) -> MatterDetail:
    """Everything the detail page and the API show of one matter, with the steps this actor may take now."""
    today = today or today_shanghai()
    matter = _load(session, actor, matter_id)
    mtype = MATTER_TYPES[matter.type_id]
    body = session.get(Organisation, matter.body_id)
    own = MatterDocument.matter_id == matter.id
    documents = [
        DocumentAttached(
            id=d.id,
            kind=d.kind,
            kind_zh=rule.name_zh if (rule := mtype.document(d.kind)) else OTHER_DOCUMENT[1],
            kind_en=rule.name_en if rule else OTHER_DOCUMENT[2],
            filename=d.filename,
            media_type=d.media_type,
            size=d.size,
            sha256=d.sha256,
            uploaded_by=d.uploaded_by,
            uploaded_at=d.uploaded_at,
        )
        for d in session.scalars(select(MatterDocument).where(own).order_by(MatterDocument.id))
    ]
    tagged = select(MatterCampaign.campaign_id).where(MatterCampaign.matter_id == matter.id)
    joined = select(MatterBody.body_id).where(MatterBody.matter_id == matter.id)
    staff = select(User).join(MatterAssignee, MatterAssignee.user_id == User.id).where(MatterAssignee.matter_id == matter.id)
    routed = session.scalar(select(Matter.id).where(Matter.origin_id == matter.id))
    return MatterDetail(
        **_summary_fields(matter, body.name if body else "", today),
        form=matter.form,
        form_entries=form_entries(mtype, matter.form),
        documents=documents,
        campaigns=[Named(id=c.id, name=c.name) for c in session.scalars(select(Campaign).where(Campaign.id.in_(tagged)))],
        origin=_link(session, matter.origin_id),
        routed_to=_link(session, routed),
        parties=[
            _party(mtype, p)
            for p in session.scalars(select(MatterParty).where(MatterParty.matter_id == matter.id).order_by(MatterParty.id))
        ],
        rights=[
            RightClaimed(kind=r.kind, number=r.number, checked=r.checked, title=r.title, note=r.note)
            for r in session.scalars(select(MatterRight).where(MatterRight.matter_id == matter.id).order_by(MatterRight.id))
        ],
        history=[
            HistoryEntry(
                day=e.day,
                at=e.at,
                actor=e.actor,
                action=e.action,
                step=e.step,
                from_state=e.from_state,
                to_state=e.to_state,
                text=e.text,
                what=_what(mtype, e),
            )
            for e in session.scalars(select(MatterEvent).where(MatterEvent.matter_id == matter.id).order_by(MatterEvent.id))
        ],
        assignees=[Assignee(user_id=u.id, username=u.username, display_name=u.display_name) for u in session.scalars(staff)],
        joined_bodies=[
            Named(id=o.id, name=o.name) for o in session.scalars(select(Organisation).where(Organisation.id.in_(joined)))
        ],
        limits=[s.record(today) for s in _limits(matter, mtype, _passages(session, matter), timing(session), today)],
        steps=_steps_for(session, actor, matter, mtype, {d.kind for d in documents}),
    )


def handling_staff(session: Session, actor: Actor, matter_id: int) -> list[dict[str, Any]]:
    """The active staff of the bodies handling the matter: whom it can be assigned to."""
    matter = _load(session, actor, matter_id)
    users = session.scalars(
        select(User)
        .where(User.organisation_id.in_(_handlers(session, matter)), User.active.is_(True), User.role.not_in(FILERS))
        .order_by(User.username)
    )
    return [{"id": u.id, "username": u.username, "display_name": u.display_name} for u in users]


def _link(session: Session, matter_id: int | None) -> LinkedMatter | None:
    linked = session.get(Matter, matter_id) if matter_id is not None else None
    return LinkedMatter(id=linked.id, number=linked.number, type=linked.type_id) if linked is not None else None


def _steps_for(session: Session, actor: Actor, matter: Matter, mtype: MatterType, attached: set[str]) -> list[StepOpen]:
    """The steps the state allows and the actor's role may take, each with the documents still missing."""
    try:
        _require_party_or_staff(session, actor, matter, Msg("办理", "act"))
    except PermissionDenied:
        return []
    return [
        StepOpen(
            id=t.id,
            name_zh=t.name_zh,
            name_en=t.name_en,
            to=t.dest,
            missing=[
                DocumentNeeded(id=d, name_zh=r.name_zh, name_en=r.name_en)
                for d in t.documents
                if d not in attached and (r := mtype.document(d))
            ],
        )
        for t in mtype.transitions
        if matter.state in t.sources and actor.role in t.roles
    ]
