"""The utilization domain of the web: an enterprise's portfolio and its annual fees (``/portfolio``), the pledge
statistics (``/pledges``), matchmaking (``/match``), the enterprise directory with its tiers (``/enterprises``) and
the cultivation centres' output (``/cultivation``) and the programme's projects (``/projects``), each beside its JSON
twin (``GET /api/v1/portfolio/fees``, ``/api/v1/pledges/stats``, ``/api/v1/match``, ``/api/v1/enterprises/tiers``,
``/api/v1/cultivation/centres``, ``/api/v1/projects``) — renderings of ``registry.fees.portfolio_fees``,
``registry.pledges.pledge_stats``, ``registry.matching.match_patents``, ``registry.tiers.enterprise_tiers``,
``registry.cultivation.centre_output`` and ``registry.projects``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ipstrong.clock import today_shanghai
from ipstrong.db import transaction
from ipstrong.matters.types.programme import PROJECT
from ipstrong.messages import validated
from ipstrong.reference.regions import jiangsu_cities
from ipstrong.registry.cultivation import CentreIn, CentreList, add_centre, centre_output
from ipstrong.registry.fees import MAX_REDUCTION, PortfolioFees, portfolio_fees
from ipstrong.registry.matching import MAX_LIMIT, MAX_TEXT, Match, match_patents
from ipstrong.registry.pledge_registry import record_loan
from ipstrong.registry.pledges import BY, PledgeStats, pledge_stats
from ipstrong.registry.profile import EnterpriseProfile, enterprise_profile
from ipstrong.registry.projects import ProjectOutput, awaiting_decision, decide, project_output, record_spending
from ipstrong.registry.tiers import MEASURE_NAMES, TierDirectory, enterprise_tiers, write_tiers_xlsx
from ipstrong.web.callers import ERRORS, NOT_FOUND, Caller, FormSender, SignedIn
from ipstrong.web.context import Who, context_of
from ipstrong.web.params import MAX_ID, YearQuery, optional_count

router = APIRouter()
PathId = Annotated[int, FastPath(ge=1, le=MAX_ID)]  # a matter's or an entity's id in a path
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
    with ctx.reader() as s:
        return pledge_stats(who.actor, ctx.data_dir, chosen, by, half, timeout_s=ctx.settings.query_timeout_s, session=s)


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


class LoanIn(BaseModel):
    lent_10k_yuan: float = Field(description="实际放款金额（万元）/ the amount lent")
    lent_on: dt.date = Field(description="放款日 / the day lent")


@router.post(
    "/api/v1/pledges/{matter_id}/loan", responses=NOT_FOUND, tags=["v1"],
    summary="记录银行实际放款 / record what the bank lent on a registered pledge",
)  # fmt: skip
def pledge_loan_data(request: Request, who: Caller, matter_id: PathId, body: LoanIn) -> dict[str, object]:
    with transaction(context_of(request).factory) as s:
        record_loan(s, who.actor, matter_id, body.lent_10k_yuan, body.lent_on)
    return {"matter_id": matter_id, "lent_10k_yuan": body.lent_10k_yuan, "lent_on": body.lent_on.isoformat()}


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
    found = None
    if text.strip():
        with ctx.reader() as s:
            found = match_patents(s, who.actor, ctx.data_dir, text, _blank(ipc), _blank(region))
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
    ctx = context_of(request)
    with ctx.reader() as s:
        return match_patents(s, who.actor, ctx.data_dir, text, ipc, region, limit)


TierName = Annotated[str | None, Query(max_length=40, pattern="^[a-z_]*$", description="层级（none：未达）/ a tier, or none")]
CityCode = Annotated[str | None, Query(pattern="^[0-9]{6}$", description="地市代码 / city code")]
NamePart = Annotated[str, Query(max_length=100, description="企业名称片段 / part of the name")]
Page = Annotated[int, Query(ge=0, le=1_000_000)]
TIERS_PER_PAGE = 50


def _tiers(request: Request, who: Who, year: int | None, tier: str | None, city: str | None, name: str,
           limit: int | None, offset: int) -> TierDirectory:  # fmt: skip
    ctx = context_of(request)
    chosen = year or today_shanghai().year - 1
    return enterprise_tiers(
        who.actor, ctx.data_dir, chosen, None, tier or None, city or None, name, limit, offset, ctx.settings.query_timeout_s
    )


@router.get("/enterprises", response_class=HTMLResponse, include_in_schema=False)
def enterprises_page(
    request: Request,
    who: SignedIn,
    year: PledgeYear = None,
    tier: TierName = None,
    city: Annotated[str, Query(pattern="^([0-9]{6})?$")] = "",
    name: NamePart = "",
    offset: Page = 0,
) -> Response:
    """The enterprises of the reader's region by tier, with their figures and their change on the year."""
    directory = _tiers(request, who, year, tier, city, name, TIERS_PER_PAGE, offset)
    values = {"d": directory, "tier": tier or "", "city": city, "name": name, "cities": jiangsu_cities(),
              "offset": offset, "per_page": TIERS_PER_PAGE, "measure_names": MEASURE_NAMES}  # fmt: skip
    return context_of(request).render(request, "enterprises.html", values, who=who)


@router.get("/enterprises/tiers.xlsx", include_in_schema=False)
def enterprises_export(
    request: Request, who: SignedIn, year: PledgeYear = None, tier: TierName = None,
    city: Annotated[str, Query(pattern="^([0-9]{6})?$")] = "", name: NamePart = "",
) -> Response:  # fmt: skip
    """Every enterprise the page's filters keep, as a workbook with the rules."""
    import tempfile

    from ipstrong.web.callers import XLSX_MEDIA

    directory = _tiers(request, who, year, tier, city, name, None, 0)
    with tempfile.TemporaryDirectory(dir=context_of(request).data_dir) as work:
        out = Path(work) / f"enterprise-tiers-{directory.year}.xlsx"
        write_tiers_xlsx(directory, out)
        headers = {"Content-Disposition": f'attachment; filename="{out.name}"'}
        return Response(out.read_bytes(), media_type=XLSX_MEDIA, headers=headers)


@router.get("/enterprises/{entity_id:int}", response_class=HTMLResponse, include_in_schema=False)
def enterprise_page(request: Request, who: SignedIn, entity_id: PathId, year: PledgeYear = None) -> Response:
    """One enterprise's profile: figures and tier beside the year before, marks, awards, pledges and matters."""
    values = {"e": _profile(request, who, entity_id, year), "measure_names": MEASURE_NAMES}
    return context_of(request).render(request, "enterprise.html", values, who=who)


def _profile(request: Request, who: Who, entity_id: int, year: int | None) -> EnterpriseProfile:
    ctx = context_of(request)
    with ctx.reader() as s:
        return enterprise_profile(s, who.actor, ctx.data_dir, entity_id, year or today_shanghai().year - 1,
                                  ctx.settings.query_timeout_s)  # fmt: skip


@router.get(
    "/api/v1/enterprises/{entity_id:int}", response_model=EnterpriseProfile, responses=NOT_FOUND, tags=["v1"],
    summary="企业画像 / one enterprise's profile",
)  # fmt: skip
def enterprise_data(request: Request, who: Caller, entity_id: PathId, year: PledgeYear = None) -> EnterpriseProfile:
    return _profile(request, who, entity_id, year)


@router.get(
    "/api/v1/enterprises/tiers",
    response_model=TierDirectory,
    responses=ERRORS,
    tags=["v1"],
    summary="重点企业名录与分层 / the enterprise directory and its tiers",
)
def enterprises_data(
    request: Request, who: Caller, year: PledgeYear = None, tier: TierName = None, city: CityCode = None,
    name: NamePart = "", limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Page = 0,
) -> TierDirectory:  # fmt: skip
    return _tiers(request, who, year, tier, city, name, limit, offset)


def _centres(request: Request, who: Who, year: int | None) -> CentreList:
    ctx = context_of(request)
    with ctx.reader() as s:
        return centre_output(s, who.actor, ctx.data_dir, year or today_shanghai().year - 1, ctx.settings.query_timeout_s)


@router.get("/cultivation", response_class=HTMLResponse, include_in_schema=False)
def cultivation_page(request: Request, who: SignedIn, year: PledgeYear = None) -> Response:
    """The cultivation centres of the reader's region with their members' output in a year, and (for staff who may
    write) the form that records a centre."""
    values = {"c": _centres(request, who, year), "cities": jiangsu_cities(),
              "can_add": "records.write" in who.actor.role_info.permissions}  # fmt: skip
    return context_of(request).render(request, "cultivation.html", values, who=who)


@router.post("/cultivation", include_in_schema=False)
def cultivation_add_form(
    request: Request,
    who: FormSender,
    name: Annotated[str, Form(max_length=200)] = "",
    region_code: Annotated[str, Form(max_length=6)] = "",
    lead: Annotated[str, Form(max_length=200)] = "",
    members: Annotated[str, Form(max_length=20_000)] = "",
    industry: Annotated[str, Form(max_length=200)] = "",
    approved_year: Annotated[str, Form(max_length=4)] = "",
) -> Response:
    """Record a centre from the page: its members one per line."""
    fields = {"name": name.strip(), "region_code": region_code, "lead": lead.strip(), "members": members.splitlines(),
              "industry": industry.strip(), "approved_year": approved_year}  # fmt: skip
    centre = validated(CentreIn, fields)
    with transaction(context_of(request).factory) as s:
        add_centre(s, who.actor, centre)
    return RedirectResponse("/cultivation", status_code=303)


@router.get(
    "/api/v1/cultivation/centres",
    response_model=CentreList,
    responses=ERRORS,
    tags=["v1"],
    summary="高价值专利培育中心及其产出 / cultivation centres and their output",
)
def cultivation_data(request: Request, who: Caller, year: PledgeYear = None) -> CentreList:
    return _centres(request, who, year)


@router.post(
    "/api/v1/cultivation/centres",
    response_model=CentreIn,
    responses=ERRORS,
    tags=["v1"],
    summary="登记培育中心 / record a cultivation centre",
)
def cultivation_add(request: Request, who: Caller, body: CentreIn) -> CentreIn:
    with transaction(context_of(request).factory) as s:
        return add_centre(s, who.actor, body)


CallNumber = Annotated[str | None, Query(max_length=40, description="申报通知编号 / one call's projects")]


class AmountIn(BaseModel):
    amount_10k_yuan: float = Field(description="金额（万元）/ amount in 10,000 yuan")


@router.get("/projects", response_class=HTMLResponse, include_in_schema=False)
def projects_page(request: Request, who: SignedIn, call: CallNumber = None) -> Response:
    """The funded projects with their money and output against targets; the projects awaiting the decision, each
    with the form that funds it (for the province's administrator)."""
    ctx = context_of(request)
    with ctx.reader() as s:
        rows = project_output(s, who.actor, ctx.data_dir, call or None)
        pending = awaiting_decision(s, who.actor)
    states = {state.id: (state.name_zh, state.name_en) for state in PROJECT.states}
    values = {"rows": rows, "pending": pending, "call": call or "", "can_fund": who.actor.role == "province_admin",
              "states": states}  # fmt: skip
    return ctx.render(request, "projects.html", values, who=who)


@router.post("/projects/{matter_id}/funding", include_in_schema=False)
def projects_fund_form(
    request: Request, who: FormSender, matter_id: PathId, amount_10k_yuan: Annotated[str, Form(max_length=20)] = ""
) -> Response:
    amount = validated(AmountIn, {"amount_10k_yuan": amount_10k_yuan.strip()}).amount_10k_yuan
    with transaction(context_of(request).factory) as s:
        decide(s, who.actor, matter_id, amount)
    return RedirectResponse("/projects", status_code=303)


@router.get(
    "/api/v1/projects", response_model=list[ProjectOutput], responses=ERRORS, tags=["v1"],
    summary="计划项目的经费与产出 / programme projects' money and output",
)  # fmt: skip
def projects_data(request: Request, who: Caller, call: CallNumber = None) -> list[ProjectOutput]:
    ctx = context_of(request)
    with ctx.reader() as s:
        return project_output(s, who.actor, ctx.data_dir, call)


@router.post(
    "/api/v1/projects/{matter_id}/funding", responses=NOT_FOUND, tags=["v1"],
    summary="立项并记录资助金额 / fund a project with the amount granted",
)  # fmt: skip
def projects_fund_data(request: Request, who: Caller, matter_id: PathId, body: AmountIn) -> dict[str, object]:
    with transaction(context_of(request).factory) as s:
        funded = decide(s, who.actor, matter_id, body.amount_10k_yuan)
        return {"matter_id": funded.id, "state": funded.state, "granted_10k_yuan": body.amount_10k_yuan}


@router.post(
    "/api/v1/projects/{matter_id}/spending", responses=NOT_FOUND, tags=["v1"],
    summary="记录验收决算 / record what a project spent",
)  # fmt: skip
def projects_spent_data(request: Request, who: Caller, matter_id: PathId, body: AmountIn) -> dict[str, object]:
    with transaction(context_of(request).factory) as s:
        record_spending(s, who.actor, matter_id, body.amount_10k_yuan)
    return {"matter_id": matter_id, "spent_10k_yuan": body.amount_10k_yuan}
