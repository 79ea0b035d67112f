"""The JSON API under /api/v1, described by OpenAPI at /api/v1/openapi.json and browsable at /docs.

Clients authenticate with ``Authorization: Bearer <token>`` (scopes ``read`` / ``write``) or, from the pages, with
the session cookie plus an ``X-CSRF-Token`` header on writes. A record outside the caller's region answers 404,
as if it did not exist, and the attempt is audited.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from ipstrong.accounts import audit
from ipstrong.accounts.models import User
from ipstrong.accounts.roles import ROLES, PermissionDenied, in_scope, require
from ipstrong.accounts.service import create_user, list_users, user_summary
from ipstrong.db import transaction
from ipstrong.indicators.catalogue import CATALOGUE
from ipstrong.messages import Msg
from ipstrong.reference.regions import JIANGSU, regions
from ipstrong.warehouse.snapshots import Warehouse
from ipstrong.web.context import WebContext, Who
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
    ctx: WebContext = request.app.state.ctx
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    who = ctx.who(request, "write" if write else "read")
    if who is None:
        raise HTTPException(401, "未登录 / not signed in")
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
    with request.app.state.ctx.reader() as s:
        return [user_summary(u) for u in list_users(s, who.actor)]


@router.get(
    "/users/{user_id}",
    response_model=UserOut,
    responses={**ERRORS, 404: {"model": ErrorOut, "description": "不存在 / not found"}},
    summary="一个用户 / one user",
)
def user(request: Request, who: Caller, user_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> dict[str, Any]:
    require(who.actor, "users.manage")
    ctx: WebContext = request.app.state.ctx
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
    with transaction(request.app.state.ctx.factory) as s:
        created = create_user(
            s, who.actor, body.username, body.password, body.role.value, body.region_code.value, body.display_name
        )
        return user_summary(created)


class IndicatorOut(BaseModel):
    id: str
    name_zh: str
    name_en: str
    unit: str
    kind: str
    source: str
    parameters: dict[str, Any]
    numerator: str
    denominator: str | None


class FigureOut(BaseModel):
    indicator: str
    name_zh: str
    name_en: str
    region_code: str
    region_name: str
    asof: str
    kind: str
    value: float | None
    numerator: float | None
    denominator: float | None
    unit: str
    snapshot: str
    status: str
    note: str | None


IndicatorId = Enum("IndicatorId", {i.id: i.id for i in CATALOGUE}, type=str)  # type: ignore[misc]
RegionCode = _jiangsu_codes("RegionCode", ("province", "city", "district", "zone"))  # figures also for named zones


PROVINCE = RegionCode(JIANGSU)


class By(StrEnum):
    city = "city"
    district = "district"


@router.get("/indicators", response_model=list[IndicatorOut], responses=ERRORS, summary="指标目录 / the catalogue")
def indicators(_who: Caller) -> list[dict[str, Any]]:
    return [i.to_dict() for i in CATALOGUE]


@router.get(
    "/indicators/figures",
    response_model=list[FigureOut],
    responses={**ERRORS, 404: {"model": ErrorOut, "description": "仓库为空 / no data yet"}},
    summary="计算指标 / indicator figures for a region and year-end",
)
def figures(
    request: Request,
    _who: Caller,
    indicator: IndicatorId,
    year: Annotated[int, Query(ge=1985, le=2100)],
    region: RegionCode = PROVINCE,
    by: By | None = None,
) -> list[dict[str, Any]]:
    from ipstrong.indicators.engine import compute

    ctx: WebContext = request.app.state.ctx
    if Warehouse(ctx.data_dir).current_id() is None:
        raise HTTPException(404, "仓库中还没有数据 / the warehouse holds no data yet")
    return compute(ctx.data_dir, [indicator.value], [dt.date(year, 12, 31)], region.value, by.value if by else None)
