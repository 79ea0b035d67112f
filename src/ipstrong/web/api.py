"""The JSON API under /api/v1, described by OpenAPI at /api/v1/openapi.json and browsable at /docs.

Clients authenticate with ``Authorization: Bearer <token>`` (scopes ``read`` / ``write``) or, from the pages, with
the session cookie plus an ``X-CSRF-Token`` header on writes. A record outside the caller's region answers 404,
as if it did not exist, and the attempt is audited.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from ipstrong.accounts import audit
from ipstrong.accounts.models import User
from ipstrong.accounts.roles import ROLES, PermissionDenied, in_scope, require
from ipstrong.accounts.service import create_user, list_users, user_summary
from ipstrong.db import transaction
from ipstrong.matters.workdays import FIRST_DAY, LAST_DAY
from ipstrong.messages import Msg
from ipstrong.reference.regions import JIANGSU, regions
from ipstrong.web.context import Who, context_of
from ipstrong.web.params import MAX_ID, RowId
from ipstrong.web.sessions import csrf_ok

router = APIRouter(prefix="/api/v1", tags=["v1"])


class ErrorBody(BaseModel):
    zh: str
    en: str
    status: int


class ErrorOut(BaseModel):
    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "输入无效 / invalid input"},
    409: {"model": ErrorOut, "description": "与已有数据冲突 / conflicts with what is stored"},
    401: {"model": ErrorOut, "description": "未登录或令牌无效 / not signed in or invalid token"},
    403: {"model": ErrorOut, "description": "无权访问 / not allowed"},
}


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    role_zh: str
    role_en: str
    region_code: str
    organisation_id: int | None
    active: bool
    language: str


RoleName = Enum("RoleName", {name: name for name in ROLES}, type=str)  # type: ignore[misc]


def _jiangsu_codes(name: str, levels: tuple[str, ...]) -> type[Enum]:
    """Today's Jiangsu region codes of the given levels, as an enum the OpenAPI description lists."""
    codes = {r.code: r.code for r in regions() if r.province_code == JIANGSU and r.status == "current" and r.level in levels}
    return Enum(name, codes, type=str)  # type: ignore[return-value]


# accounts belong to Jiangsu's bodies: the province, its cities and county-level units
JiangsuRegion = _jiangsu_codes("JiangsuRegion", ("province", "city", "district"))


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=10, max_length=200)
    role: RoleName
    region_code: JiangsuRegion
    display_name: str | None = Field(default=None, max_length=100)


class Me(BaseModel):
    username: str
    role: str
    region_code: str
    organisation_id: int | None


def _who(request: Request) -> Who:
    ctx = context_of(request)
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    who = ctx.who(request, "write" if write else "read")
    if who is None:
        raise HTTPException(401, "未登录 / not signed in")
    if who.must_change_password:
        raise PermissionDenied(Msg("请先在网页上修改密码", "change your password on the web first"))
    if write and who.session is not None and not csrf_ok(who.session, request.headers.get("x-csrf-token")):
        raise PermissionDenied(Msg("缺少或错误的 CSRF 令牌", "missing or wrong CSRF token"))
    return who


Caller = Annotated[Who, Depends(_who)]


@router.get("/me", response_model=Me, responses=ERRORS, summary="当前账号 / who am I")
def me(who: Caller) -> Me:
    a = who.actor
    return Me(username=a.username, role=a.role, region_code=a.region_code, organisation_id=a.organisation_id)


@router.get("/users", response_model=list[UserOut], responses=ERRORS, summary="用户列表 / users in my region")
def users(request: Request, who: Caller) -> list[dict[str, Any]]:
    with context_of(request).reader() as s:
        return [user_summary(u) for u in list_users(s, who.actor)]


@router.get(
    "/users/{user_id}",
    response_model=UserOut,
    responses={**ERRORS, 404: {"model": ErrorOut, "description": "不存在 / not found"}},
    summary="一个用户 / one user",
)
def user(request: Request, who: Caller, user_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    require(who.actor, "users.manage")
    ctx = context_of(request)
    with transaction(ctx.factory) as s:
        found = s.get(User, user_id)
        if found is not None and not in_scope(who.actor, found.region_code):
            audit.append(s, who.actor.username, "access.denied", "user", user_id, who.actor.region_code)
            found = None  # answered as if it did not exist; the attempt commits with this transaction
        summary = user_summary(found) if found is not None else None
    if summary is None:
        raise HTTPException(404, "不存在 / not found")
    return summary


@router.post("/users", response_model=UserOut, status_code=201, responses=ERRORS, summary="新建用户 / create a user")
def add_user(request: Request, who: Caller, body: UserIn) -> dict[str, Any]:
    with transaction(context_of(request).factory) as s:
        created = create_user(
            s, who.actor, body.username, body.password, body.role.value, body.region_code.value, body.display_name
        )
        return user_summary(created)


# --- applicant entities -------------------------------------------------------------------------------------------
class EntityNameOut(BaseModel):
    key: str
    name: str
    method: str
    score: float
    reviewed: bool


class EntityOut(BaseModel):
    id: int
    name: str
    merged_into: int | None
    names: list[EntityNameOut]


class PairOut(BaseModel):
    id: int
    a: str
    b: str
    a_entity: int
    b_entity: int
    score: float
    reason: str


class MergeIn(BaseModel):
    other: int = Field(ge=1, le=MAX_ID, description="并入本实体的实体编号 / the entity merged into this one")


class MoveIn(BaseModel):
    name: str = Field(min_length=1, max_length=1000)
    to: int | None = Field(default=None, ge=1, le=MAX_ID, description="目标实体；空则单列 / target; empty splits it out")


NOT_FOUND = {**ERRORS, 404: {"model": ErrorOut, "description": "不存在 / not found"}}
EntityId = RowId


@router.get("/entities", response_model=list[EntityOut], responses=ERRORS, summary="申请人实体 / applicant entities")
def entities(
    request: Request,
    who: Caller,
    q: Annotated[str, Query(max_length=200, description="名称片段 / part of a name")] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> list[dict[str, Any]]:
    from ipstrong.ingest.entity_store import find_entities

    require(who.actor, "records.read")
    with context_of(request).reader() as s:
        return find_entities(s, q, limit, offset)


@router.get("/entities/pairs", response_model=list[PairOut], responses=ERRORS, summary="待审名称对 / pairs to review")
def entity_pairs(request: Request, who: Caller, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[dict[str, Any]]:
    from ipstrong.ingest.entity_store import open_candidates

    require(who.actor, "records.read")
    with context_of(request).reader() as s:
        return open_candidates(s, limit)


@router.get("/entities/{entity_id}", response_model=EntityOut, responses=NOT_FOUND, summary="一个申请人实体 / one entity")
def entity(request: Request, who: Caller, entity_id: EntityId) -> dict[str, Any]:
    from ipstrong.ingest.entity_store import get_entity

    require(who.actor, "records.read")
    with context_of(request).reader() as s:
        return get_entity(s, entity_id)


@router.post("/entities/{entity_id}/merge", response_model=EntityOut, responses=NOT_FOUND, summary="合并实体 / merge")
def entity_merge(request: Request, who: Caller, entity_id: EntityId, body: MergeIn) -> dict[str, Any]:
    from ipstrong.ingest.entity_store import merge

    with transaction(context_of(request).factory) as s:
        return merge(s, who.actor, entity_id, body.other)


@router.post("/entities/move", response_model=EntityOut, responses=NOT_FOUND, summary="移动名称 / move a name")
def entity_move(request: Request, who: Caller, body: MoveIn) -> dict[str, Any]:
    from ipstrong.ingest.entity_store import move_name

    with transaction(context_of(request).factory) as s:
        return move_name(s, who.actor, body.name, body.to)


@router.post("/entities/pairs/{pair_id}/reject", responses=NOT_FOUND, summary="驳回名称对 / not the same enterprise")
def entity_reject(request: Request, who: Caller, pair_id: EntityId) -> dict[str, Any]:
    from ipstrong.ingest.entity_store import reject_candidate

    with transaction(context_of(request).factory) as s:
        reject_candidate(s, who.actor, pair_id)
    return {"pair": pair_id, "status": "rejected"}


# --- working days -------------------------------------------------------------------------------------------------
class DeadlineOut(BaseModel):
    start: dt.date
    date: dt.date
    provisional: bool
    warning: str | None


class CalendarDayOut(BaseModel):
    day: dt.date
    kind: str | None
    name: str
    source: str
    matters_moved: int | None = Field(default=None, description="期限因此改变的未结事项数 / open matters whose limit moved")


class CalendarDayIn(BaseModel):
    day: dt.date
    kind: str | None = Field(default=None, pattern="^(holiday|workday)$", description="holiday | workday; 空=删除 / none removes")
    name: str = Field(default="", max_length=100)
    # every entry names the notice it comes from (a removal names the notice that corrects it)
    source: str = Field(min_length=1, max_length=300, pattern=r"\S")


# beyond the holiday table the answer is provisional; outside these days no period is computed
Day = Annotated[dt.date, Query(ge=FIRST_DAY, le=LAST_DAY, description=f"YYYY-MM-DD, {FIRST_DAY} … {LAST_DAY}")]


@router.get("/workdays/add", response_model=DeadlineOut, responses=ERRORS, summary="加 N 个工作日 / add working days")
def workdays_add(request: Request, who: Caller, date: Day, n: Annotated[int, Query(ge=0, le=3650)]) -> dict[str, Any]:
    from ipstrong.matters.workdays import add_working_days, load

    with transaction(context_of(request).factory) as s:
        return add_working_days(load(s), date, n).to_dict()


@router.get("/workdays/months", response_model=DeadlineOut, responses=ERRORS, summary="N 个月期限 / a period of months")
def workdays_months(request: Request, who: Caller, date: Day, months: Annotated[int, Query(ge=0, le=120)]) -> dict[str, Any]:
    from ipstrong.matters.workdays import add_months, load

    with transaction(context_of(request).factory) as s:
        return add_months(load(s), date, months).to_dict()


@router.get("/workdays", response_model=list[CalendarDayOut], responses=ERRORS, summary="节假日表 / the holiday table")
def workdays_year(request: Request, who: Caller, year: Annotated[int, Query(ge=1990, le=2199)]) -> list[dict[str, Any]]:
    from ipstrong.matters.workdays import days_of_year

    with transaction(context_of(request).factory) as s:
        return days_of_year(s, year)


@router.post("/workdays", response_model=CalendarDayOut, responses=ERRORS, summary="录入节假日 / enter a day")
def workdays_set(request: Request, who: Caller, body: CalendarDayIn) -> dict[str, Any]:
    from ipstrong.matters.service import set_calendar_day

    with transaction(context_of(request).factory) as s:
        return set_calendar_day(s, who.actor, body.day, body.kind, body.name, body.source)


# --- matter types -------------------------------------------------------------------------------------------------
@router.get("/matters/types", responses=ERRORS, summary="事项类型 / matter types")
def matter_types(who: Caller) -> list[dict[str, Any]]:
    """Each declared matter type: its form's fields, documents, states, steps (who may take them) and deadlines,
    each deadline with the rule it comes from."""
    from ipstrong.matters.catalogue import MATTER_TYPES

    return [t.to_dict() for t in MATTER_TYPES.values()]
