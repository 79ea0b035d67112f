"""The public portal (免费公共信息): what anyone may read without signing in — the province's and its cities'
published figures, patent search, typical cases and where to file — each page beside its JSON twin under
``/api/v1/public``. Every call acts as ``PUBLIC`` (the public visitor's role): the services decide what that role
sees, and the pages link only to each other and the sign-in page. Search is limited per address
(``public_searches_per_minute``), answered 429 with when to try again."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from pydantic import BaseModel

from ipstrong.accounts.roles import PUBLIC
from ipstrong.indicators.dashboard import Dashboard, dashboard
from ipstrong.matters.bodies import receiving_bodies
from ipstrong.matters.typical import typical_cases
from ipstrong.messages import IpsError
from ipstrong.registry.open_licences import OpenLicence, open_licences
from ipstrong.search.results import SearchPage
from ipstrong.search.service import search_hits
from ipstrong.web.callers import ERRORS, ErrorOut
from ipstrong.web.context import WebContext, context_of
from ipstrong.web.indicators import DASHBOARD_DEFAULT, IndicatorId, dashboard_values
from ipstrong.web.params import Offset, Text, Word, YearQuery
from ipstrong.web.search import HITS_PER_PAGE

router = APIRouter()
API = {"tags": ["public"]}
PAGE = {"include_in_schema": False}


def rate_limiter(redis_url: str | None) -> MovingWindowRateLimiter:
    """The portal's limiter: on Redis when the platform has one (every worker process counts together), else in
    this process's memory."""
    return MovingWindowRateLimiter(storage_from_string(redis_url) if redis_url else MemoryStorage())


def _board(ctx: WebContext, indicator: str, year: int | None) -> Dashboard:
    settings = ctx.settings
    visitor = replace(PUBLIC, region_code=settings.home_province)  # the office's province, whichever it is
    return dashboard(visitor, ctx.data_dir, indicator, year, "city", settings.home_province, settings.query_timeout_s)


@router.get("/public", response_class=HTMLResponse, **PAGE)
def figures_page(request: Request, indicator: Word = DASHBOARD_DEFAULT.value, year: YearQuery = None) -> Response:
    """The published figures: the province and its cities on the map, ranked, with the series."""
    ctx = context_of(request)
    return ctx.render(request, "indicators.html", dashboard_values(ctx, _board(ctx, indicator, year), public=True))


@router.get("/api/v1/public/figures", response_model=Dashboard, summary="公开指标 / the published figures", **API)
def figures(
    request: Request,
    indicator: IndicatorId = DASHBOARD_DEFAULT,  # type: ignore[valid-type]
    year: YearQuery = None,
) -> Dashboard:
    return _board(context_of(request), indicator.value, year)


def _search(request: Request, q: str, offset: int) -> SearchPage:
    """One page of hits for an address still within its limit; 429 with Retry-After beyond it."""
    ctx = context_of(request)
    limit = RateLimitItemPerMinute(ctx.settings.public_searches_per_minute)
    address = request.client.host if request.client else "unknown"
    if not ctx.limiter.hit(limit, "public-search", address):
        reset = ctx.limiter.get_window_stats(limit, "public-search", address).reset_time
        wait = max(1, int(reset - time.time()) + 1)
        raise HTTPException(429, "检索过于频繁，请稍后再试 / too many searches from your address; try again shortly",
                            headers={"Retry-After": str(wait)})  # fmt: skip
    return search_hits(PUBLIC, ctx.data_dir, q, limit=HITS_PER_PAGE, offset=offset)


@router.get("/public/search", response_class=HTMLResponse, **PAGE)
def search_page(request: Request, q: Text = "", offset: Offset = 0) -> Response:
    """Search the published patents: the query language of the platform, hits with their abstracts, page by page."""
    ctx = context_of(request)
    result, error = None, None
    if q.strip():
        try:
            result = _search(request, q, offset)
        except IpsError as exc:
            error = exc.msg
    values = {"q": q, "result": result, "error": error, "per_page": HITS_PER_PAGE}
    return ctx.render(request, "public_search.html", values)


SEARCH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: ERRORS[400],
    429: {"model": ErrorOut, "description": "检索过于频繁，见 Retry-After / too many searches: see Retry-After"},
}


@router.get(
    "/api/v1/public/search", response_model=SearchPage, responses=SEARCH_ERRORS, summary="专利检索 / patent search", **API
)
def search(request: Request, q: Text, offset: Offset = 0) -> SearchPage:
    return _search(request, q, offset)


class PublicCase(BaseModel):
    id: int
    title: str
    summary: str
    type_zh: str
    type_en: str
    entries: list[dict[str, Any]]
    published_at: str


def _cases(request: Request, offset: int) -> list[dict[str, Any]]:
    with context_of(request).reader() as s:
        return typical_cases(s, 50, offset)


@router.get("/public/cases", response_class=HTMLResponse, **PAGE)
def cases_page(request: Request, offset: Offset = 0) -> Response:
    ctx = context_of(request)
    return ctx.render(request, "cases.html", {"rows": _cases(request, offset), "offset": offset, "page": "/public/cases"})


@router.get("/api/v1/public/cases", response_model=list[PublicCase], summary="典型案例 / typical cases", **API)
def cases(request: Request, offset: Offset = 0) -> list[dict[str, Any]]:
    return _cases(request, offset)


class PublicBody(BaseModel):
    name: str
    kind: str
    region_code: str


def _bodies(request: Request) -> list[PublicBody]:
    with context_of(request).reader() as s:
        return [PublicBody(**b) for b in receiving_bodies(s, ("office", "centre"))]


@router.get("/public/services", response_class=HTMLResponse, **PAGE)
def services_page(request: Request) -> Response:
    """Where to file: the IP offices and protection centres that receive matters, by region."""
    return context_of(request).render(request, "public_services.html", {"bodies": _bodies(request)})


@router.get("/api/v1/public/services", response_model=list[PublicBody], summary="受理机构 / where to file", **API)
def services(request: Request) -> list[PublicBody]:
    return _bodies(request)


def _open_licences(request: Request) -> list[OpenLicence]:
    ctx = context_of(request)
    with ctx.reader() as s:
        return open_licences(s, ctx.data_dir)


@router.get("/public/open-licences", response_class=HTMLResponse, **PAGE)
def open_licences_page(request: Request) -> Response:
    """The patents anyone may take a licence of, on the terms their patentees published."""
    return context_of(request).render(request, "public_open_licences.html", {"rows": _open_licences(request)})


@router.get(
    "/api/v1/public/open-licences", response_model=list[OpenLicence], summary="开放许可专利 / patents on open licence", **API
)
def open_licences_data(request: Request) -> list[OpenLicence]:
    return _open_licences(request)
