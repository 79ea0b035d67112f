"""The utilization domain of the web: an enterprise's portfolio and its annual fees (``/portfolio``), the pledge
statistics (``/pledges``) and matchmaking (``/match``), each beside its JSON twin (``GET /api/v1/portfolio/fees``,
``/api/v1/pledges/stats``, ``/api/v1/match``) — renderings of ``registry.fees.portfolio_fees``,
``registry.pledges.pledge_stats`` and ``registry.matching.match_patents``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ipstrong.clock import today_shanghai
from ipstrong.reference.regions import jiangsu_cities
from ipstrong.registry.fees import MAX_REDUCTION, PortfolioFees, portfolio_fees
from ipstrong.registry.matching import MAX_LIMIT, MAX_TEXT, Match, match_patents
from ipstrong.registry.pledges import BY, PledgeStats, pledge_stats
from ipstrong.web.callers import ERRORS, NOT_FOUND, Caller, SignedIn
from ipstrong.web.context import Who, context_of
from ipstrong.web.params import MAX_ID, YearQuery, optional_count

router = APIRouter()
REDUCTIONS = (0, 70, 85)  # the reductions 《专利收费减缴办法》 grants (%): none, several applicants, one applicant
EntityQuery = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="申请人实体编号；企业用户默认本单位 / applicant entity (default: my own)")
]
ReductionQuery = Annotated[float, Query(ge=0, le=MAX_REDUCTION, description="费减比例 % / fee reduction in %")]


def _fees(request: Request, who: Who, entity: int | None, year: int | None, reduction: float) -> PortfolioFees:
    ctx = context_of(request)
    with ctx.reader() as s:
        return portfolio_fees(s, who.actor, ctx.data_dir, entity, year or today_shanghai().year, reduction)


@router.get("/portfolio", response_class=HTMLResponse, include_in_schema=False)
def portfolio_page(
    request: Request, who: SignedIn, entity: EntityQuery = None, year: YearQuery = None, reduction: ReductionQuery = 0
) -> Response:
    """The annual fees an enterprise's patents owe in a year, with their grace periods and late fees, the cost of
    the years ahead and the lapses it may still restore."""
    values = {"p": _fees(request, who, entity, year, reduction), "reductions": REDUCTIONS, "entity": entity}
    return context_of(request).render(request, "portfolio.html", values, who=who)


@router.get(
    "/api/v1/portfolio/fees",
    response_model=PortfolioFees,
    responses=NOT_FOUND,
    tags=["v1"],
    summary="专利年费与维持费用 / a portfolio's annual fees and the cost of keeping it",
)
def portfolio_fees_data(
    request: Request, who: Caller, entity: EntityQuery = None, year: YearQuery = None, reduction: ReductionQuery = 0
) -> PortfolioFees:
    return _fees(request, who, entity, year, reduction)


PledgeYear = Annotated[int | None, Query(ge=1985, le=2100, description="年度，默认上一年 / year (default: last year)")]
Half = optional_count(2, 1, "1 上半年 / first half, 2 下半年 / second half; empty: the whole year")
PledgeBy = Annotated[str, Query(pattern="^(" + "|".join(BY) + ")$", description=" | ".join(BY))]


def _pledges(request: Request, who: Who, year: int | None, by: str, half: int | None) -> PledgeStats:
    ctx = context_of(request)
    chosen = year or today_shanghai().year - 1
    return pledge_stats(who.actor, ctx.data_dir, chosen, by, half, timeout_s=ctx.settings.query_timeout_s)


@router.get("/pledges", response_class=HTMLResponse, include_in_schema=False)
def pledges_page(request: Request, who: SignedIn, year: PledgeYear = None, by: PledgeBy = "city", half: Half = None) -> Response:
    """The pledges registered in a year or half-year by city, pledgee, industry or month, as CNIPA reports them."""
    values = {"s": _pledges(request, who, year, by, half), "choices": BY}
    return context_of(request).render(request, "pledges.html", values, who=who)


@router.get(
    "/api/v1/pledges/stats",
    response_model=PledgeStats,
    responses=ERRORS,
    tags=["v1"],
    summary="专利权质押统计 / pledge statistics",
)
def pledges_data(request: Request, who: Caller, year: PledgeYear = None, by: PledgeBy = "city", half: Half = None) -> PledgeStats:
    return _pledges(request, who, year, by, half)


NeedText = Annotated[str, Query(max_length=MAX_TEXT, description="需求描述 / the need, in a paragraph")]
IpcClass = Annotated[str | None, Query(max_length=20, description="限定分类号 / within an IPC class (H01M)")]
Place = Annotated[str | None, Query(pattern="^[0-9]{6}$", description="限定地市或区县代码 / within a city or county")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


@router.get("/match", response_class=HTMLResponse, include_in_schema=False)
def match_page(
    request: Request, who: SignedIn, text: Annotated[str, Query(max_length=MAX_TEXT)] = "", ipc: str = "", region: str = ""
) -> Response:
    """Describe a need; see the patents that answer it, each with why."""
    ctx = context_of(request)
    found = match_patents(who.actor, ctx.data_dir, text, _blank(ipc), _blank(region)) if text.strip() else None
    values = {"text": text, "ipc": ipc, "region": region, "found": found, "cities": jiangsu_cities()}
    return ctx.render(request, "match.html", values, who=who)


@router.get(
    "/api/v1/match",
    response_model=list[Match],
    responses=ERRORS,
    tags=["v1"],
    summary="供需对接 / the patents that answer a need",
)
def match_data(
    request: Request, who: Caller, text: NeedText, ipc: IpcClass = None, region: Place = None, limit: Limit = 20
) -> list[Match]:
    return match_patents(who.actor, context_of(request).data_dir, text, ipc, region, limit)
