"""The search domain of the web: the search page and its export, and their JSON twins ``GET /api/v1/search`` and
``/api/v1/similar`` — each a rendering of ``search.engine``'s calls, with the types of ``search.results``."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, StringConstraints

from ipstrong.messages import IpsError, Msg
from ipstrong.search.batch import MAX_NUMBERS, LookupRow, look_up
from ipstrong.search.engine import EXPORT_DEFAULT, EXPORT_FIELDS
from ipstrong.search.fields import FACET_LIST_PATTERN, FACETS, FIELDS, SORTS
from ipstrong.search.ipc_browser import IpcBranch, browse_ipc
from ipstrong.search.results import SearchPage, SimilarHit, Sort
from ipstrong.search.service import export_hits, search_hits, similar_to
from ipstrong.warehouse.snapshots import Warehouse
from ipstrong.web.callers import ERRORS, NOT_FOUND, XLSX_MEDIA, Caller, ErrorOut, FormSender, SignedIn
from ipstrong.web.context import WebContext, Who, context_of
from ipstrong.web.params import Offset, Text, Word

router = APIRouter()
HITS_PER_PAGE = 20  # a page of hits on the search pages (signed-in and public)


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(
    request: Request, who: SignedIn, q: Text = "", offset: Offset = 0, sort: Word = "relevance", like: Word = ""
) -> Response:
    """The query box with its syntax, one page of hits with highlights, and facets that refine the query; or, for a
    pasted paragraph (``like``), the patents most like it."""
    from ipstrong.search.engine import refinement

    ctx = context_of(request)
    result, error, alike = None, None, None
    try:
        if like.strip():
            alike = similar_to(who.actor, ctx.data_dir, like[:5000], limit=20)
        elif q.strip():
            result = search_hits(
                who.actor, ctx.data_dir, q, limit=HITS_PER_PAGE, offset=max(0, offset), facets=tuple(FACETS), sort=sort
            )
    except IpsError as exc:  # a query that cannot be read is shown beside the box, not as an error page
        error = exc.msg
    refine = {
        name: [(v, f"({q}) AND {refinement(name, v.value)}") for v in values]
        for name, values in (result.facets.items() if result else [])
    }
    values = {
        "q": q,
        "result": result,
        "error": error,
        "refine": refine,
        "sort": sort,
        "sorts": SORTS,
        "like": like,
        "alike": alike,
        "per_page": HITS_PER_PAGE,
    }
    export = {"fields": EXPORT_FIELDS, "default": EXPORT_DEFAULT}
    values["analysis"] = {  # the result set's facets as the charts draw them: labels, counts, the refined searches
        name: {
            "labels": [str(v.label) for v, _q in found],
            "counts": [v.count for v, _q in found],
            "links": [f"/search?{urlencode({'q': refined, 'sort': sort})}" for _v, refined in found],
        }
        for name, found in refine.items()
    }
    return ctx.render(request, "search.html", {**values, "fields": FIELDS, "facets": FACETS, "export": export}, who=who)


@router.get("/search/export", response_model=None, include_in_schema=False)
def search_export(
    request: Request,
    who: SignedIn,
    q: Text,
    format: Word = "csv",
    sort: Word = "relevance",
    fields: Annotated[list[str], Query(max_length=len(EXPORT_FIELDS))] = [],  # noqa: B006 - FastAPI's query list
) -> Response:
    """Every hit of a query as CSV, JSONL or XLSX with the chosen fields, written to a temporary file that is
    removed once sent."""
    import tempfile

    from fastapi.responses import FileResponse
    from starlette.background import BackgroundTask

    ctx = context_of(request)
    if format not in ("csv", "jsonl", "xlsx"):
        raise IpsError(Msg("格式须为 csv、jsonl 或 xlsx", "the format is csv, jsonl or xlsx"))
    work = Path(tempfile.mkdtemp(dir=ctx.data_dir))
    out = work / f"search.{format}"
    try:
        export_hits(who.actor, ctx.data_dir, q, out, sort=sort, fields=fields or None)
    except Exception:
        shutil.rmtree(work, ignore_errors=True)
        raise
    media = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson", "xlsx": XLSX_MEDIA}[format]
    return FileResponse(out, filename=out.name, media_type=media, background=BackgroundTask(shutil.rmtree, work, True))


def _require_index(ctx: WebContext) -> None:
    from ipstrong.search.index import index_path, is_current

    current = Warehouse(ctx.data_dir).current_id()
    if current is None or not is_current(index_path(ctx.data_dir, current)):
        raise HTTPException(404, "还没有检索索引：运行 ipstrong index build / no search index yet: run ipstrong index build")


@router.get(
    "/api/v1/search",
    tags=["v1"],
    response_model=SearchPage,
    responses={**ERRORS, 404: {"model": ErrorOut, "description": "还没有检索索引 / no search index yet"}},
    summary="检索专利 / search patents (the query language of ipstrong search)",
)
def search_patents(
    request: Request,
    who: Caller,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="检索式 / query, e.g. TI=电池 AND CITY=苏州")],
    limit: Annotated[int, Query(ge=0, le=1000)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    sort: Sort = Sort.relevance,
    facets: Annotated[str | None, Query(pattern=FACET_LIST_PATTERN, description="分面 / facets: " + ", ".join(FACETS))] = None,
) -> SearchPage:
    """The same search as ``ipstrong search``: a query that cannot be read answers 400 with its position."""
    ctx = context_of(request)
    _require_index(ctx)
    chosen = tuple(facets.split(",")) if facets else ()
    return search_hits(who.actor, ctx.data_dir, q, limit=limit, offset=offset, facets=chosen, sort=sort.value)


@router.get(
    "/api/v1/similar",
    tags=["v1"],
    response_model=list[SimilarHit],
    responses={**ERRORS, 404: {"model": ErrorOut, "description": "还没有检索索引 / no search index yet"}},
    summary="相似专利 / patents like a paragraph of text",
)
def similar_patents(
    request: Request,
    who: Caller,
    text: Annotated[str, Query(min_length=1, max_length=5000, description="一段技术描述 / a paragraph")],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[SimilarHit]:
    """More-like-this by BM25 over the search tokens (one per Han character, English words)."""
    ctx = context_of(request)
    _require_index(ctx)
    return similar_to(who.actor, ctx.data_dir, text, limit=limit)


def _look_up(request: Request, who: Who, text: str) -> list[LookupRow]:
    ctx = context_of(request)
    if Warehouse(ctx.data_dir).current_id() is None:
        raise HTTPException(404, "仓库中还没有数据 / the warehouse holds no data yet")
    return look_up(who.actor, ctx.data_dir, text)


@router.get("/search/batch", response_class=HTMLResponse, include_in_schema=False)
def batch_page(request: Request, who: SignedIn) -> Response:
    """The batch lookup form: paste a list of numbers."""
    return context_of(request).render(request, "batch.html", {"numbers": "", "rows": None}, who=who)


@router.post("/search/batch", response_class=HTMLResponse, include_in_schema=False)
def batch_run(request: Request, who: FormSender, numbers: Annotated[str, Form(max_length=100_000)]) -> Response:
    """Each number of the list answered on its own line, found or not and why."""
    rows = _look_up(request, who, numbers)
    return context_of(request).render(request, "batch.html", {"numbers": numbers, "rows": rows}, who=who)


class BatchIn(BaseModel):
    numbers: list[Annotated[str, StringConstraints(max_length=40)]] = Field(min_length=1, max_length=MAX_NUMBERS)


@router.post(
    "/api/v1/search/batch",
    response_model=list[LookupRow],
    responses={**ERRORS, 404: {"model": ErrorOut, "description": "仓库为空 / no data yet"}},
    summary="批量查询号码 / look up a list of numbers",
    tags=["v1"],
)
def batch(request: Request, who: Caller, body: BatchIn) -> list[LookupRow]:
    """Application numbers (any written form, check digit verified) or publication numbers, each answered in order:
    found with its title, first applicant, filing date and status, or why not."""
    return _look_up(request, who, "\n".join(body.numbers))


def _ipc(request: Request, who: Who, code: str | None) -> IpcBranch:
    return browse_ipc(who.actor, context_of(request).data_dir, code)


@router.get("/ipc", response_class=HTMLResponse, include_in_schema=False)
def ipc_page(request: Request, who: SignedIn, code: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    """The IPC scheme branch by branch, with titles, patent counts and the search of each branch."""
    return context_of(request).render(request, "ipc.html", {"branch": _ipc(request, who, code or None)}, who=who)


@router.get("/api/v1/ipc", response_model=IpcBranch, responses=NOT_FOUND, summary="IPC 分类浏览 / browse the IPC", tags=["v1"])
def ipc(
    request: Request,
    who: Caller,
    code: Annotated[
        str | None, Query(pattern=r"^[A-Ha-h]([0-9]{2}([A-Za-z]([0-9]{1,4}/00)?)?)?$", description="H, H01, H01M, H01M10/00")
    ] = None,
) -> IpcBranch:
    return _ipc(request, who, code)
