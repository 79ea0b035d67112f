"""The utilization domain of the web: an enterprise's portfolio and its annual fees (``/portfolio``) beside its JSON
twin ``GET /api/v1/portfolio/fees`` — each a rendering of ``registry.fees.portfolio_fees``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ipstrong.clock import today_shanghai
from ipstrong.registry.fees import MAX_REDUCTION, PortfolioFees, portfolio_fees
from ipstrong.web.callers import NOT_FOUND, Caller, SignedIn
from ipstrong.web.context import Who, context_of
from ipstrong.web.params import MAX_ID, YearQuery

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
