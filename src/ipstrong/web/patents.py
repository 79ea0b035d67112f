"""The patents domain of the web: the patent page and its JSON twin, two renderings of ``search.patents.patent``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from ipstrong.search.patents import PatentDetail, patent, patent_sheet
from ipstrong.web.callers import NOT_FOUND, Caller, SignedIn
from ipstrong.web.context import context_of

router = APIRouter()
Number = Annotated[str, Path(max_length=40, description="申请号（任一写法）/ application number, any written form")]


@router.get("/patents/{number}", response_class=HTMLResponse, include_in_schema=False)
def patent_page(request: Request, who: SignedIn, number: Number) -> Response:
    """One patent: bibliographic data, its legal-status timeline, family, the same applicant's and similar patents."""
    ctx = context_of(request)
    detail = patent(who.actor, number, ctx.data_dir, ctx.settings.query_timeout_s)
    return ctx.render(request, "patent.html", {"d": detail, "p": detail.patent}, who=who)


@router.get("/patents/{number}/sheet.pdf", include_in_schema=False)
def patent_sheet_pdf(request: Request, who: SignedIn, number: Number) -> Response:
    """The printable bibliographic sheet (A4 PDF)."""
    ctx = context_of(request)
    content = patent_sheet(who.actor, number, ctx.data_dir, ctx.settings.query_timeout_s)
    name = "".join(c for c in number if c.isalnum() or c == ".")
    return Response(content, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})


@router.get(
    "/api/v1/patents/{number}",
    response_model=PatentDetail,
    responses=NOT_FOUND,
    tags=["v1"],
    summary="一件专利：著录项目、法律状态时间线、同申请人与相似专利 / one patent with its timeline and related patents",
)
def patent_json(request: Request, who: Caller, number: Number) -> PatentDetail:
    ctx = context_of(request)
    return patent(who.actor, number, ctx.data_dir, ctx.settings.query_timeout_s)
