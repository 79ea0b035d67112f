"""The matters pages: list with filters, the SLA board, a role-aware form per type, and the detail page with its
timeline, limits, documents and the step buttons the person may press. Actions post back here and come back to the
detail page; a refusal re-renders it with the reason (409 when someone else acted first)."""

from __future__ import annotations

import datetime as dt
import re
import typing
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from ipstrong.accounts.roles import PermissionDenied
from ipstrong.db import transaction
from ipstrong.matters import service
from ipstrong.matters.bodies import FILERS, receiving_bodies
from ipstrong.matters.catalogue import MATTER_TYPES
from ipstrong.matters.records import MatterDetail
from ipstrong.matters.types.one_window import ROUTES, prefill, suggested
from ipstrong.messages import Conflict, IpsError, Msg, NotFound
from ipstrong.registry.valuation import PURPOSE_OF_MATTER
from ipstrong.web.callers import FormSender, SignedIn
from ipstrong.web.context import context_of, read_upload
from ipstrong.web.matters_api import UPLOAD_CEILING
from ipstrong.web.params import MAX_ID, FormId, Offset, RowId, RowIdQuery, Text, Word

router = APIRouter(include_in_schema=False)


_CHOICES = re.compile(r"^\^\(([\w|]+)\)\$$")


def form_fields(form: type[BaseModel]) -> list[dict[str, Any]]:
    """How each field of a type's form is asked for: text, long text, a date, a list (one per line), yes/no or a
    choice."""
    out = []
    for name, info in form.model_fields.items():
        pattern = next((m.pattern for m in info.metadata if getattr(m, "pattern", None)), None)
        max_length = next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), 0)
        choices: list[str] = []
        if info.annotation is bool:
            kind = "bool"
        elif dt.date in (info.annotation, *typing.get_args(info.annotation)):
            kind = "date"
        elif typing.get_origin(info.annotation) is list:
            kind = "list"
        elif pattern and (listed := _CHOICES.match(pattern)):
            kind, choices = "choice", listed.group(1).split("|")
        else:
            kind = "long" if max_length > 500 else "text"
        out.append(
            {"name": name, "label": info.description or name, "kind": kind, "required": info.is_required(), "choices": choices}
        )
    return out


def _submitted(form: type[BaseModel], values: dict[str, Any]) -> dict[str, Any]:
    """The posted values in the shapes the form model takes (lists from lines, check boxes as booleans)."""
    out: dict[str, Any] = {}
    for field in form_fields(form):
        raw = values.get(field["name"])
        if field["kind"] == "bool":
            out[field["name"]] = raw is not None
        elif field["kind"] == "list":
            out[field["name"]] = [line.strip() for line in str(raw or "").splitlines() if line.strip()]
        elif raw not in (None, "") or field["required"]:
            out[field["name"]] = raw or ""
    return out


@router.get("/matters", response_class=HTMLResponse)
def matters_page(
    request: Request,
    who: SignedIn,
    type: Word = "",
    state: Word = "",
    due: Word = "",
    q: Text = "",
    offset: Offset = 0,
    mine: bool = False,
) -> Response:
    from ipstrong.matters.reminders import my_reminders

    ctx = context_of(request)
    with ctx.reader() as s:
        rows = service.list_matters(
            s, who.actor, type or None, state or None, None, None, due or None, q[:200], 50, max(offset, 0),
            soon_days=ctx.settings.due_soon_working_days, mine=mine,
        )  # fmt: skip
        reminders = my_reminders(s, who.actor)
    values = {"rows": rows, "types": MATTER_TYPES, "type": type, "state": state, "due": due, "q": q, "offset": max(offset, 0),
              "reminders": reminders, "mine": mine}  # fmt: skip
    return ctx.render(request, "matters.html", values, who=who)


@router.get("/matters/board", response_class=HTMLResponse)
def board_page(request: Request, who: SignedIn, body: RowIdQuery = None, campaign: RowIdQuery = None) -> Response:
    from ipstrong.matters.board import sla_board
    from ipstrong.matters.campaigns import campaign as campaign_of

    ctx = context_of(request)
    with ctx.reader() as s:
        board = sla_board(s, who.actor, body, soon_days=ctx.settings.due_soon_working_days, campaign_id=campaign)
        chosen = campaign_of(s, who.actor, campaign).name if campaign else None
    return ctx.render(request, "matters_board.html", {"board": board, "campaign": chosen}, who=who)


@router.get("/campaigns", response_class=HTMLResponse)
def campaigns_page(request: Request, who: SignedIn) -> Response:
    from ipstrong.matters.campaigns import campaigns

    ctx = context_of(request)
    with ctx.reader() as s:
        rows = campaigns(s, who.actor)
    return ctx.render(request, "campaigns.html", {"rows": rows, "types": MATTER_TYPES, "error": None}, who=who)


@router.post("/campaigns")
async def campaigns_submit(request: Request, who: FormSender) -> Response:
    from ipstrong.matters.campaigns import declare

    ctx = context_of(request)
    posted = await request.form()
    try:
        starts, ends = dt.date.fromisoformat(str(posted.get("starts_on"))), dt.date.fromisoformat(str(posted.get("ends_on")))
        with transaction(ctx.factory) as s:
            declare(s, who.actor, str(posted.get("name", "")), starts, ends, str(posted.get("region_code", "")),
                    [str(t) for t in posted.getlist("types")])  # fmt: skip
    except ValueError:
        raise IpsError(Msg("日期无效", "invalid date")) from None
    return RedirectResponse("/campaigns", status_code=303)


@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request, who: SignedIn, offset: Offset = 0) -> Response:
    from ipstrong.matters.typical import typical_cases

    ctx = context_of(request)
    with ctx.reader() as s:
        rows = typical_cases(s, 50, max(offset, 0))
    return ctx.render(request, "cases.html", {"rows": rows, "offset": max(offset, 0)}, who=who)


def _new_values(
    request: Request, who: SignedIn, type_id: str, values: dict[str, Any], error: Msg | None, origin: int | None = None
) -> dict[str, Any]:
    mtype = service.matter_type(type_id) if type_id else None
    with context_of(request).reader() as s:
        bodies = receiving_bodies(s, mtype.bodies) if mtype else []
        intake = service.matter_detail(s, who.actor, origin) if origin else None
        if mtype is not None and intake is None and not values:
            values = service.filer_defaults(s, who.actor, mtype)
    if who.actor.role not in FILERS and intake is None:  # staff receive for their own body; a routed intake goes anywhere
        bodies = [b for b in bodies if b["id"] == who.actor.organisation_id]
    if intake is not None and mtype is not None and not values:
        values = prefill(intake.form, mtype)
    return {
        "types": MATTER_TYPES,
        "mtype": mtype,
        "fields": form_fields(mtype.form) if mtype else [],
        "bodies": bodies,
        "values": values,
        "error": error,
        "staff": who.actor.role not in FILERS,
        "origin": intake,
    }


@router.get("/matters/new", response_class=HTMLResponse)
def new_page(request: Request, who: SignedIn, type: Word = "", origin: RowIdQuery = None) -> Response:
    """The filing form; the address may fill in fields of the type's form (a match's "contact" link names its patent
    and the need), on top of the filer's own name and credit code."""
    values = _new_values(request, who, type, {}, None, origin)
    if values["mtype"] is not None:
        given = {k: v[:2000] for k, v in request.query_params.items() if k in values["mtype"].form.model_fields}
        values["values"] = {**values["values"], **given}
    return context_of(request).render(request, "matter_new.html", values, who=who)


@router.post("/matters/new")
async def new_submit(request: Request, who: FormSender) -> Response:
    ctx = context_of(request)
    posted = dict((await request.form()).items())
    type_id = str(posted.get("type", ""))
    try:
        mtype = service.matter_type(type_id)
        body_id = int(str(posted.get("body_id") or 0))
        received = str(posted.get("received_on") or "")
        received_on = dt.date.fromisoformat(received) if received and who.actor.role not in FILERS else None
        origin = int(str(posted.get("origin") or 0)) or None
        with service.refusals_recorded(ctx.factory, who.actor, "file", origin), transaction(ctx.factory) as s:
            form = _submitted(mtype.form, posted)
            matter_id = service.file_matter(s, who.actor, type_id, body_id, form, ctx.data_dir, received_on, origin_id=origin).id
    except ValueError:
        error = Msg("日期或机构无效", "invalid day or body")
    except IpsError as exc:
        error = exc.msg
    else:
        return RedirectResponse(f"/matters/{matter_id}", status_code=303)
    origin_id = int(posted["origin"]) if str(posted.get("origin") or "").isdigit() else None
    values = _new_values(request, who, type_id if type_id in MATTER_TYPES else "", posted, error, origin_id)
    return ctx.render(request, "matter_new.html", values, status=400, who=who)


def _detail_page(request: Request, who: SignedIn, matter_id: int, error: IpsError | None = None) -> Response:
    ctx = context_of(request)
    with ctx.reader() as s:
        matter = service.matter_detail(s, who.actor, matter_id)
        staff = service.handling_staff(s, who.actor, matter_id) if who.actor.role not in FILERS else []
        bodies = receiving_bodies(s) if who.actor.organisation_id == matter.body_id else []
    mtype = MATTER_TYPES[matter.type]
    extensions = [
        d for d in mtype.deadlines
        if d.extension and who.actor.role in d.approvers and d.id not in _extended(matter)
        and any(limit.rule == d.id and not limit.met_on for limit in matter.limits)
    ]  # fmt: skip
    status = 200
    if error is not None:
        status = 409 if isinstance(error, Conflict) else 403 if isinstance(error, PermissionDenied) else 400
    values = {
        "m": matter,
        "mtype": mtype,
        "staff": staff,
        "bodies": [b for b in bodies if b["id"] not in {matter.body_id, *(j.id for j in matter.joined_bodies)}],
        "extensions": extensions,
        "error": error.msg if error else None,
        "types": MATTER_TYPES,
        "routes": _routes(matter) if matter.type == "one_window" and matter.steps else [],
        "valuation_purpose": PURPOSE_OF_MATTER.get(matter.type),
    }
    return ctx.render(request, "matter.html", values, status=status, who=who)


def _routes(intake: MatterDetail) -> list[tuple[str, bool]]:
    """The matter types an intake can be routed into, the suggested one first (flagged)."""
    first = suggested(intake.form)
    targets = dict.fromkeys(t for t in ROUTES.values() if t in MATTER_TYPES)
    return [(t, t == first) for t in sorted(targets, key=lambda t: t != first)]


def _extended(matter: MatterDetail) -> set[str]:
    return {limit.rule for limit in matter.limits if limit.extended}


@router.get("/matters/{matter_id}", response_class=HTMLResponse)
def matter_page(request: Request, who: SignedIn, matter_id: RowId) -> Response:
    return _detail_page(request, who, matter_id)


def _act(request: Request, who: FormSender, matter_id: int, action: str, work: typing.Callable[..., Any]) -> Response:
    """Run ``work(session)``; back to the detail page, or the page again with the refusal (audited)."""
    ctx = context_of(request)
    try:
        with service.refusals_recorded(ctx.factory, who.actor, action, matter_id), transaction(ctx.factory) as s:
            work(s)
    except NotFound:
        raise
    except IpsError as exc:
        return _detail_page(request, who, matter_id, exc)
    return RedirectResponse(f"/matters/{matter_id}", status_code=303)


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise IpsError(Msg(f"日期无效：{text}", f"invalid date: {text}").located(field="on")) from None


@router.post("/matters/{matter_id}/step")
def step_submit(
    request: Request,
    who: FormSender,
    matter_id: RowId,
    step: Annotated[str, Form(max_length=40)],
    version: Annotated[int, Form(ge=0, le=MAX_ID)],
    note: Annotated[str, Form(max_length=5000)] = "",
    on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    return _act(
        request, who, matter_id, step, lambda s: service.take_step(s, who.actor, matter_id, step, version, note, _day(on))
    )


@router.post("/matters/{matter_id}/documents", max_body_size=UPLOAD_CEILING)
def documents_submit(
    request: Request,
    who: FormSender,
    matter_id: RowId,
    kind: Annotated[str, Form(max_length=40)],
    file: Annotated[UploadFile, File()],
) -> Response:
    ctx = context_of(request)
    content = read_upload(file, ctx.settings.document_max_mb * 1024 * 1024)
    return _act(
        request, who, matter_id, "document",
        lambda s: service.attach_document(
            s, who.actor, matter_id, kind, file.filename or "", content, ctx.data_dir, ctx.settings.document_max_mb
        ),
    )  # fmt: skip


@router.post("/matters/{matter_id}/comment")
def comment_submit(request: Request, who: FormSender, matter_id: RowId, text: Annotated[str, Form(max_length=5000)]) -> Response:
    return _act(request, who, matter_id, "comment", lambda s: service.comment(s, who.actor, matter_id, text))


@router.post("/matters/{matter_id}/assign")
def assign_submit(request: Request, who: FormSender, matter_id: RowId, user_id: FormId) -> Response:
    return _act(request, who, matter_id, "assign", lambda s: service.assign(s, who.actor, matter_id, user_id))


@router.post("/matters/{matter_id}/join")
def join_submit(request: Request, who: FormSender, matter_id: RowId, body_id: FormId) -> Response:
    return _act(request, who, matter_id, "join", lambda s: service.join_body(s, who.actor, matter_id, body_id))


@router.post("/matters/{matter_id}/extend")
def extend_submit(
    request: Request,
    who: FormSender,
    matter_id: RowId,
    rule: Annotated[str, Form(max_length=40)],
    version: Annotated[int, Form(ge=0, le=MAX_ID)],
) -> Response:
    return _act(request, who, matter_id, "extend", lambda s: service.extend_limit(s, who.actor, matter_id, rule, version))


@router.post("/matters/{matter_id}/issue")
def issue_submit(
    request: Request,
    who: FormSender,
    matter_id: RowId,
    kind: Annotated[str, Form(max_length=40)],
    text: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    from ipstrong.matters.issued import issue_document

    data_dir = context_of(request).data_dir
    return _act(request, who, matter_id, "issue", lambda s: issue_document(s, who.actor, matter_id, kind, text, data_dir))


@router.post("/matters/{matter_id}/handover")
def handover_submit(request: Request, who: FormSender, matter_id: RowId, body_id: FormId) -> Response:
    from ipstrong.matters.packages import hand_over

    return _act(request, who, matter_id, "hand_over", lambda s: hand_over(s, who.actor, matter_id, body_id))


@router.post("/matters/{matter_id}/export")
def export_submit(
    request: Request, who: FormSender, matter_id: RowId, to: Annotated[str, Form(min_length=2, max_length=200)]
) -> Response:
    """The signed package as a download (the refusal, if any, on the detail page)."""
    from ipstrong.matters.packages import export_package

    ctx = context_of(request)
    content: list[bytes] = []
    refused = _act(
        request, who, matter_id, "export", lambda s: content.append(export_package(s, who.actor, matter_id, to, ctx.data_dir))
    )
    if not content:
        return refused
    headers = {"Content-Disposition": f'attachment; filename="transfer-{matter_id}.zip"'}
    return Response(content[0], media_type="application/zip", headers=headers)


@router.post("/matters/import", max_body_size=UPLOAD_CEILING)
def import_submit(request: Request, who: FormSender, body_id: FormId, file: Annotated[UploadFile, File()]) -> Response:
    from ipstrong.matters.packages import MAX_PACKAGE, import_package

    ctx = context_of(request)
    content = read_upload(file, MAX_PACKAGE)
    with service.refusals_recorded(ctx.factory, who.actor, "import", None), transaction(ctx.factory) as s:
        created = import_package(s, who.actor, body_id, content, ctx.data_dir).id  # a refusal shows as the error page
    return RedirectResponse(f"/matters/{created}", status_code=303)


@router.post("/matters/{matter_id}/publish")
async def publish_submit(request: Request, who: FormSender, matter_id: RowId) -> Response:
    from ipstrong.matters.typical import CHOICES, publish

    posted = await request.form()
    fields = {key[6:]: str(value) for key, value in posted.items() if key.startswith("field_") and value in CHOICES}
    title, summary = str(posted.get("title", "")), str(posted.get("summary", ""))
    return _act(request, who, matter_id, "publish", lambda s: publish(s, who.actor, matter_id, title, summary, fields))
