"""The matters part of the JSON API (/api/v1/matters…, /api/v1/bodies, /api/v1/centres…): thin handlers over
``ipstrong.matters.service``; every refusal of an action on a matter is audited (``refusals_recorded``)."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from ipstrong.accounts.roles import in_scope
from ipstrong.db import transaction
from ipstrong.matters import service
from ipstrong.matters.catalogue import MATTER_TYPES
from ipstrong.matters.documents import SAFE_HEADERS
from ipstrong.matters.records import MatterDetail, MatterSummary
from ipstrong.messages import IpsError, Msg
from ipstrong.web.callers import ERRORS, NOT_FOUND, Caller
from ipstrong.web.context import WebContext, context_of, read_upload
from ipstrong.web.params import MAX_ID, FormId, RowId

router = APIRouter(prefix="/api/v1", tags=["matters"])
MatterTypeId = Enum("MatterTypeId", {t: t for t in MATTER_TYPES}, type=str)  # type: ignore[misc]
UPLOAD_CEILING = 200 * 1024 * 1024  # the route's own body limit; the configured document_max_mb is checked within
MatterId = BodyId = RowId


class MatterIn(BaseModel):
    type: MatterTypeId = Field(description="事项类型 / matter type (see /api/v1/matters/types)")
    body_id: int = Field(ge=1, le=MAX_ID, description="受理机构 / the receiving body")
    form: dict[str, Any] = Field(description="该类型表单的字段 / the type's form fields")
    received_on: dt.date | None = Field(default=None, description="收件日期，默认今天 / day received (today)")
    origin: int | None = Field(default=None, ge=1, le=MAX_ID, description="转办自哪个一窗受理事项 / the intake it is routed from")


class StepIn(BaseModel):
    step: str = Field(max_length=40)
    version: int | None = Field(default=None, ge=1, le=MAX_ID, description="读取时的版本 / the version you read")
    note: str = Field(default="", max_length=5000)
    on: dt.date | None = Field(default=None, description="步骤日期，默认今天 / the day it took effect (today)")


class CommentIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


class AssignIn(BaseModel):
    user_id: int = Field(ge=1, le=MAX_ID)


class JoinIn(BaseModel):
    body_id: int = Field(ge=1, le=MAX_ID)


class ExtendIn(BaseModel):
    rule: str = Field(max_length=40)
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


class DocumentOut(BaseModel):
    id: int
    kind: str
    filename: str
    media_type: str
    size: int
    sha256: str


class BodyOut(BaseModel):
    id: int
    kind: str
    name: str
    region_code: str


def _detail(ctx: WebContext, who: Caller, matter_id: int) -> MatterDetail:
    with ctx.reader() as s:
        return service.matter_detail(s, who.actor, matter_id)


@router.get("/matters/types", responses=ERRORS, summary="事项类型 / matter types")
def matter_types(who: Caller) -> list[dict[str, Any]]:
    """Each declared matter type: its form's fields, documents, states, steps (who may take them) and deadlines,
    each deadline with the rule it comes from."""
    return [t.to_dict() for t in MATTER_TYPES.values()]


@router.get("/bodies", response_model=list[BodyOut], responses=ERRORS, summary="受理机构 / receiving bodies")
def bodies(request: Request, who: Caller) -> list[dict[str, Any]]:
    """Offices, centres and agencies that receive matters (those in the caller's region first)."""
    from ipstrong.matters.bodies import receiving_bodies

    with context_of(request).reader() as s:
        found = receiving_bodies(s)
    return sorted(found, key=lambda b: not in_scope(who.actor, b["region_code"]))


@router.get("/matters", response_model=list[MatterSummary], responses=ERRORS, summary="事项列表 / matters")
def matters(
    request: Request,
    who: Caller,
    type: MatterTypeId | None = None,
    state: Annotated[str | None, Query(max_length=40)] = None,
    region: Annotated[str | None, Query(pattern=r"^[0-9]{6}$")] = None,
    body: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    due: Annotated[str | None, Query(pattern="^(open|overdue|soon)$")] = None,
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    mine: Annotated[bool, Query(description="我的待办：分配给我或我收件的未结事项，期限近者在前 / my to-do list")] = False,
) -> list[MatterSummary]:
    """The matters the caller may see, newest first; ``due`` = open, overdue or soon; ``mine`` = the caller's
    to-do list, the nearest limit first."""
    ctx = context_of(request)
    with ctx.reader() as s:
        return service.list_matters(
            s,
            who.actor,
            type.value if type else None,
            state,
            region,
            body,
            due,
            q,
            limit,
            offset,
            soon_days=ctx.settings.due_soon_working_days,
            mine=mine,
        )


@router.post("/matters", response_model=MatterDetail, status_code=201, responses=NOT_FOUND, summary="受理事项 / file a matter")
def file_matter(request: Request, who: Caller, body: MatterIn) -> MatterDetail:
    ctx = context_of(request)
    with service.refusals_recorded(ctx.factory, who.actor, "file", None), transaction(ctx.factory) as s:
        matter = service.file_matter(
            s, who.actor, body.type.value, body.body_id, body.form, ctx.data_dir, body.received_on, origin_id=body.origin
        )
        created = matter.id
    return _detail(ctx, who, created)


class BoardBodyOut(BaseModel):
    body_id: int
    body: str
    open: int
    closed: int
    overdue: int
    due_soon: int
    avg_days: float | None


class BoardCityOut(BaseModel):
    region_code: str
    region: str
    open: int
    closed: int
    overdue: int
    due_soon: int
    avg_days: float | None


class BoardStateOut(BaseModel):
    type: str
    type_zh: str
    state: str
    state_zh: str
    state_en: str
    count: int


class BoardOut(BaseModel):
    today: dt.date
    due_soon_until: dt.date
    bodies: list[BoardBodyOut]
    cities: list[BoardCityOut]
    states: list[BoardStateOut]


@router.get("/matters/board", response_model=BoardOut, responses=NOT_FOUND, summary="时限看板 / the SLA board")
def board(
    request: Request,
    who: Caller,
    body: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    campaign: Annotated[int | None, Query(ge=1, le=MAX_ID, description="专项行动 / a campaign")] = None,
) -> dict[str, Any]:
    """Per body: open, closed, overdue, due soon, average handling days of the last year; open matters by type and
    state — of one body or one campaign when asked (a campaign's own statistics)."""
    from ipstrong.matters.board import sla_board

    ctx = context_of(request)
    with ctx.reader() as s:
        return sla_board(s, who.actor, body, soon_days=ctx.settings.due_soon_working_days, campaign_id=campaign)


# the limits no rule was found for, as type.rule (prescreen.intake): only these take the office's own figure
UnverifiedLimit = Enum(  # type: ignore[misc]
    "UnverifiedLimit",
    {f"{t.id}.{d.id}": f"{t.id}.{d.id}" for t in MATTER_TYPES.values() for d in t.deadlines if not d.verified},
    type=str,
)


class LimitIn(BaseModel):
    limit: UnverifiedLimit = Field(description="事项类型.期限 / type.limit, e.g. prescreen.intake")
    amount: int = Field(ge=1, le=3650)
    source: str = Field(
        min_length=1, max_length=300, pattern=r"\S", description="依据，如 保护中心内部规程 / where it comes from"
    )


@router.get("/matters/limits", responses=ERRORS, summary="时限参数 / the office's figures for unverified limits")
def limit_parameters(request: Request, who: Caller) -> list[dict[str, Any]]:
    """Every limit no rule was found for: its stated default and the figure the office set, if any."""
    from ipstrong.matters.service import limit_parameters as listed

    with context_of(request).reader() as s:
        return listed(s)


@router.post("/matters/limits", status_code=201, responses=ERRORS, summary="设定时限参数 / set a limit's figure")
def limit_set(request: Request, who: Caller, body: LimitIn) -> dict[str, Any]:
    with transaction(context_of(request).factory) as s:
        type_id, _, rule = body.limit.value.partition(".")
        return service.set_limit(s, who.actor, type_id, rule, body.amount, body.source)


@router.get("/matters/{matter_id}", response_model=MatterDetail, responses=NOT_FOUND, summary="一个事项 / one matter")
def matter(request: Request, who: Caller, matter_id: MatterId) -> MatterDetail:
    return _detail(context_of(request), who, matter_id)


@router.post("/matters/{matter_id}/steps", response_model=MatterDetail, responses=NOT_FOUND, summary="办理一步 / take a step")
def take_step(request: Request, who: Caller, matter_id: MatterId, body: StepIn) -> MatterDetail:
    """Refused (and audited): a step by the wrong role or body, from a state that does not allow it, without the
    documents it needs, or on a matter changed since ``version`` was read (409)."""
    ctx = context_of(request)
    with service.refusals_recorded(ctx.factory, who.actor, body.step, matter_id), transaction(ctx.factory) as s:
        service.take_step(s, who.actor, matter_id, body.step, body.version, body.note, body.on)
    return _detail(ctx, who, matter_id)


@router.post(
    "/matters/{matter_id}/documents",
    response_model=DocumentOut,
    status_code=201,
    responses=NOT_FOUND,
    summary="上传材料 / attach a document",
    max_body_size=UPLOAD_CEILING,
)
def attach(
    request: Request,
    who: Caller,
    matter_id: MatterId,
    kind: Annotated[str, Form(min_length=1, max_length=40)],
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    ctx = context_of(request)
    content = read_upload(file, ctx.settings.document_max_mb * 1024 * 1024)
    with service.refusals_recorded(ctx.factory, who.actor, "document", matter_id), transaction(ctx.factory) as s:
        doc = service.attach_document(
            s, who.actor, matter_id, kind, file.filename or "", content, ctx.data_dir, ctx.settings.document_max_mb
        )
        return {k: getattr(doc, k) for k in DocumentOut.model_fields}


@router.get(
    "/matters/{matter_id}/documents/{document_id}",
    responses={**NOT_FOUND, 200: {"content": {"application/octet-stream": {}}}},
    summary="下载材料 / a document's file",
)
def document(request: Request, who: Caller, matter_id: MatterId, document_id: MatterId) -> FileResponse:
    """The file as an attachment, with the type it was recognised as and headers that keep a browser from running it."""
    ctx = context_of(request)
    with ctx.reader() as s:
        doc, path = service.document_file(s, who.actor, matter_id, document_id, ctx.data_dir)
    if not path.exists():
        raise IpsError(Msg(f"材料 {doc.filename} 的文件缺失", f"the file of {doc.filename} is missing from storage"))
    return FileResponse(path, media_type=doc.media_type, filename=doc.filename, headers=SAFE_HEADERS)


@router.get(
    "/matters/{matter_id}/case-file",
    responses={**NOT_FOUND, 200: {"content": {"application/pdf": {}}}},
    summary="卷宗 PDF / the case file as one PDF",
)
def case_file(request: Request, who: Caller, matter_id: MatterId) -> Response:
    """The cover, the table of documents and the history, then every document in the order filed, as one PDF."""
    from ipstrong.matters.case_file import case_file_pdf

    ctx = context_of(request)
    with transaction(ctx.factory) as s:
        printed = case_file_pdf(s, who.actor, matter_id, ctx.data_dir)
    headers = {**SAFE_HEADERS, "Content-Disposition": f'attachment; filename="{printed.filename}"'}
    return Response(printed.content, media_type="application/pdf", headers=headers)


class IssueIn(BaseModel):
    kind: str = Field(max_length=40, description="文书类型（有模板的材料类型）/ a document kind with a template")
    text: str = Field(default="", max_length=20000, description="正文或理由 / the officer's text")


@router.post(
    "/matters/{matter_id}/issued", response_model=DocumentOut, status_code=201, responses=NOT_FOUND, summary="出具文书 / issue"
)
def issue(request: Request, who: Caller, matter_id: MatterId, body: IssueIn) -> dict[str, Any]:
    """Issue a notice or decision from its template as PDF, numbered and stored with the matter."""
    from ipstrong.matters.issued import issue_document

    ctx = context_of(request)
    with service.refusals_recorded(ctx.factory, who.actor, "issue", matter_id), transaction(ctx.factory) as s:
        doc = issue_document(s, who.actor, matter_id, body.kind, body.text, ctx.data_dir)
        return {k: getattr(doc, k) for k in DocumentOut.model_fields}


@router.post("/matters/{matter_id}/comments", status_code=201, responses=NOT_FOUND, summary="留言 / comment")
def add_comment(request: Request, who: Caller, matter_id: MatterId, body: CommentIn) -> dict[str, Any]:
    ctx = context_of(request)
    with service.refusals_recorded(ctx.factory, who.actor, "comment", matter_id), transaction(ctx.factory) as s:
        service.comment(s, who.actor, matter_id, body.text)
    return {"matter": matter_id, "status": "commented"}


@router.post("/matters/{matter_id}/assignees", status_code=201, responses=NOT_FOUND, summary="分派承办人 / assign")
def add_assignee(request: Request, who: Caller, matter_id: MatterId, body: AssignIn) -> dict[str, Any]:
    ctx = context_of(request)
    with service.refusals_recorded(ctx.factory, who.actor, "assign", matter_id), transaction(ctx.factory) as s:
        service.assign(s, who.actor, matter_id, body.user_id)
    return {"matter": matter_id, "user_id": body.user_id, "status": "assigned"}


@router.post("/matters/{matter_id}/bodies", status_code=201, responses=NOT_FOUND, summary="邀请协办机构 / join a body")
def add_body(request: Request, who: Caller, matter_id: MatterId, body: JoinIn) -> dict[str, Any]:
    ctx = context_of(request)
    with service.refusals_recorded(ctx.factory, who.actor, "join", matter_id), transaction(ctx.factory) as s:
        service.join_body(s, who.actor, matter_id, body.body_id)
    return {"matter": matter_id, "body_id": body.body_id, "status": "joined"}


@router.post("/matters/{matter_id}/extensions", response_model=MatterDetail, responses=NOT_FOUND, summary="批准延期 / extend")
def extend(request: Request, who: Caller, matter_id: MatterId, body: ExtendIn) -> MatterDetail:
    ctx = context_of(request)
    with service.refusals_recorded(ctx.factory, who.actor, "extend", matter_id), transaction(ctx.factory) as s:
        service.extend_limit(s, who.actor, matter_id, body.rule, body.version)
    return _detail(ctx, who, matter_id)


class ExportIn(BaseModel):
    to: str = Field(min_length=2, max_length=200, description="接收机构名称 / the partner receiving it")


class KeyIn(BaseModel):
    pem: str = Field(min_length=1, max_length=10_000, description="对方发来的公钥文件（PEM）/ the partner's public key file")


@router.post("/matters/{matter_id}/handover", response_model=MatterDetail, responses=NOT_FOUND, summary="移交 / hand over")
def handover(request: Request, who: Caller, matter_id: MatterId, body: JoinIn) -> MatterDetail:
    """Hand the matter to another body on the platform (it keeps its number and history)."""
    from ipstrong.matters.packages import hand_over

    ctx = context_of(request)
    with service.refusals_recorded(ctx.factory, who.actor, "hand_over", matter_id), transaction(ctx.factory) as s:
        hand_over(s, who.actor, matter_id, body.body_id)
    return _detail(ctx, who, matter_id)


@router.post(
    "/matters/{matter_id}/export",
    responses={**NOT_FOUND, 200: {"content": {"application/zip": {}}}},
    summary="导出移送包 / export a signed transfer package",
)
def export(request: Request, who: Caller, matter_id: MatterId, body: ExportIn) -> Response:
    from ipstrong.matters.packages import export_package

    ctx = context_of(request)
    with service.refusals_recorded(ctx.factory, who.actor, "export", matter_id), transaction(ctx.factory) as s:
        content = export_package(s, who.actor, matter_id, body.to, ctx.data_dir)
    headers = {"Content-Disposition": f'attachment; filename="transfer-{matter_id}.zip"'}
    return Response(content, media_type="application/zip", headers=headers)


@router.post(
    "/matters/import",
    response_model=MatterDetail,
    status_code=201,
    responses=NOT_FOUND,
    summary="导入移送包 / receive a transfer package",
    max_body_size=UPLOAD_CEILING,
)
def import_(request: Request, who: Caller, body_id: FormId, file: Annotated[UploadFile, File()]) -> MatterDetail:
    """A partner's signed package becomes a matter of ``body_id``; refused (and audited) when malformed, signed by
    an unregistered key, or its signature or a document's hash does not match."""
    from ipstrong.matters.packages import MAX_PACKAGE, import_package

    ctx = context_of(request)
    content = read_upload(file, MAX_PACKAGE)
    with service.refusals_recorded(ctx.factory, who.actor, "import", None), transaction(ctx.factory) as s:
        created = import_package(s, who.actor, body_id, content, ctx.data_dir).id
    return _detail(ctx, who, created)


@router.get("/bodies/{body_id}/key", responses=NOT_FOUND, summary="本机构公钥 / public key")
def body_key(request: Request, who: Caller, body_id: BodyId) -> dict[str, Any]:
    """The body's public key file (``pem``) to send to partners; 404 while the body has none (reading makes none)."""
    from ipstrong.matters.packages import public_key_file

    ctx = context_of(request)
    with ctx.reader() as s:
        return {"body_id": body_id, "pem": public_key_file(s, who.actor, body_id, ctx.data_dir)}


@router.post("/bodies/{body_id}/key", status_code=201, responses=NOT_FOUND, summary="生成本机构密钥 / make the key")
def body_key_create(request: Request, who: Caller, body_id: BodyId) -> dict[str, Any]:
    """Make the body's signing key when it has none (audited) and answer its public key file (``pem``)."""
    from ipstrong.matters.packages import public_key_file

    ctx = context_of(request)
    with transaction(ctx.factory) as s:
        return {"body_id": body_id, "pem": public_key_file(s, who.actor, body_id, ctx.data_dir, create=True)}


@router.post("/bodies/{body_id}/keys", status_code=201, responses=NOT_FOUND, summary="登记对方公钥 / register a key")
def register_body_key(request: Request, who: Caller, body_id: BodyId, body: KeyIn) -> dict[str, Any]:
    from ipstrong.matters.packages import register_key

    with transaction(context_of(request).factory) as s:
        return register_key(s, who.actor, body_id, body.pem)


class RegisterIn(BaseModel):
    credit_code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    registered_on: dt.date | None = None


class FieldIn(BaseModel):
    ipc_prefix: str = Field(min_length=1, max_length=30)
    name: str = Field(min_length=1, max_length=200)


@router.get("/centres/{centre_id}", responses=NOT_FOUND, summary="保护中心的领域与备案 / a centre's fields and register")
def centre(request: Request, who: Caller, centre_id: BodyId) -> dict[str, Any]:
    from ipstrong.matters.centres import centre_profile

    with context_of(request).reader() as s:
        return centre_profile(s, centre_id)


@router.post("/centres/{centre_id}/register", status_code=201, responses=NOT_FOUND, summary="企业备案 / register an enterprise")
def centre_register(request: Request, who: Caller, centre_id: BodyId, body: RegisterIn) -> dict[str, Any]:
    from ipstrong.clock import today_shanghai
    from ipstrong.matters.centres import register_enterprise

    with transaction(context_of(request).factory) as s:
        return register_enterprise(s, who.actor, centre_id, body.credit_code, body.name, body.registered_on or today_shanghai())


@router.post("/centres/{centre_id}/fields", status_code=201, responses=NOT_FOUND, summary="声明技术领域 / declare a field")
def centre_field(request: Request, who: Caller, centre_id: BodyId, body: FieldIn) -> dict[str, Any]:
    from ipstrong.matters.centres import declare_field

    with transaction(context_of(request).factory) as s:
        return declare_field(s, who.actor, centre_id, body.ipc_prefix, body.name)


class CampaignIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    starts_on: dt.date
    ends_on: dt.date
    region_code: str = Field(pattern=r"^[0-9]{6}$")
    types: list[MatterTypeId] = Field(default_factory=list, max_length=20, description="空=所有类型 / empty: every type")


class PublishIn(BaseModel):
    title: str = Field(min_length=1, max_length=300, pattern=r"\S")
    summary: str = Field(min_length=1, max_length=20000, pattern=r"\S")
    fields: dict[str, str] = Field(default_factory=dict, description="表单字段 → show | anonymise")


@router.get("/campaigns", responses=ERRORS, summary="专项行动 / campaigns")
def campaign_list(request: Request, who: Caller) -> list[dict[str, Any]]:
    from ipstrong.matters.campaigns import campaigns

    with context_of(request).reader() as s:
        return campaigns(s, who.actor)


@router.post("/campaigns", status_code=201, responses=ERRORS, summary="设立专项行动 / declare a campaign")
def campaign_declare(request: Request, who: Caller, body: CampaignIn) -> dict[str, Any]:
    """Declare a campaign; the matters already received in its period, region and types are tagged at once."""
    from ipstrong.matters.campaigns import declare

    with transaction(context_of(request).factory) as s:
        types = [t.value for t in body.types]
        return declare(s, who.actor, body.name, body.starts_on, body.ends_on, body.region_code, types)


@router.post("/matters/{matter_id}/publish", status_code=201, responses=NOT_FOUND, summary="发布典型案例 / publish")
def publish_case(request: Request, who: Caller, matter_id: MatterId, body: PublishIn) -> dict[str, Any]:
    from ipstrong.matters.typical import publish

    ctx = context_of(request)
    with service.refusals_recorded(ctx.factory, who.actor, "publish", matter_id), transaction(ctx.factory) as s:
        return publish(s, who.actor, matter_id, body.title, body.summary, body.fields)


@router.get("/typical-cases", responses=ERRORS, summary="典型案例 / typical cases (public)")
def typical(
    request: Request,
    who: Caller,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[dict[str, Any]]:
    from ipstrong.matters.typical import typical_cases

    with context_of(request).reader() as s:
        return typical_cases(s, limit, offset)
