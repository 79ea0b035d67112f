"""Patent navigation on the web: the industry editor with its preview, the kept reports and the form that makes one
through the job queue (``/navigation``), the report viewer with the analyst's edits and the diff against the report
before (``/navigation/reports/{id}``), its downloads, and the JSON twins under ``/api/v1/navigation`` — renderings of
``navigation.library``."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ipstrong.db import transaction
from ipstrong.messages import validated
from ipstrong.navigation.industry import Industry, split_terms
from ipstrong.navigation.library import (
    IndustryOut,
    Preview,
    ReportSummary,
    StoredReport,
    edit,
    edited,
    industries,
    preview,
    reports,
    save_industry,
    saved_industry,
    stored_report,
)
from ipstrong.navigation.report import check_request, report_charts, write_html, write_pdf, write_xlsx
from ipstrong.navigation.sections import KINDS
from ipstrong.reference.regions import jiangsu_cities
from ipstrong.web.callers import NOT_FOUND, XLSX_MEDIA, Caller, FormSender, SignedIn
from ipstrong.web.context import Who, context_of
from ipstrong.web.params import MAX_ID, RowId, typed_id

router = APIRouter()
API = {"tags": ["v1"], "responses": NOT_FOUND}
PAGE = {"include_in_schema": False}
Listed = Annotated[str, Form(max_length=2000)]


def _preview(request: Request, who: Who, industry_id: int) -> tuple[IndustryOut, Preview]:
    ctx = context_of(request)
    with ctx.reader() as s:
        chosen = saved_industry(s, who.actor, industry_id)
    return chosen, preview(who.actor, ctx.data_dir, chosen.definition)


@router.get("/navigation", response_class=HTMLResponse, **PAGE)
def navigation_page(
    request: Request, who: SignedIn, preview_id: Annotated[int | None, Query(alias="preview", ge=1, le=MAX_ID)] = None
) -> Response:
    """Saved industries, the kept reports, the editor; with ``preview`` an industry's catch and sample."""
    ctx = context_of(request)
    with ctx.reader() as s:
        saved, kept = industries(s, who.actor), reports(s, who.actor)
    shown = _preview(request, who, preview_id) if preview_id else None
    values = {"industries": saved, "reports": kept, "shown": shown, "cities": jiangsu_cities(), "kinds": KINDS.values(),
              "kinds_by_id": KINDS, "can_write": "records.write" in who.actor.role_info.permissions}  # fmt: skip
    return ctx.render(request, "navigation.html", values, who=who)


@router.post("/navigation/industries", **PAGE)
def industry_form(
    request: Request, who: FormSender, name: Annotated[str, Form(max_length=100)] = "", ipc: Listed = "",
    keywords: Listed = "", sei: Listed = "", query: Listed = "", exclude_ipc: Listed = "", exclude_keywords: Listed = "",
) -> Response:  # fmt: skip
    """Save an industry from the editor (lists comma or line separated) and show its preview."""
    listed = {"ipc": ipc, "keywords": keywords, "sei": sei, "exclude_ipc": exclude_ipc, "exclude_keywords": exclude_keywords}
    fields = {"name": name.strip(), "query": query, **{k: split_terms(v) for k, v in listed.items()}}
    industry = validated(Industry, fields)
    with transaction(context_of(request).factory) as s:
        saved = save_industry(s, who.actor, industry)
    return RedirectResponse(f"/navigation?preview={saved.id}#preview", status_code=303)


class ReportAsk(BaseModel):
    """A report to make in the background: of a saved industry version, of a kind, for a region (or an enterprise)."""

    industry_id: int = Field(ge=1, le=MAX_ID)
    kind: str = Field(default="industry", max_length=20, description="industry | region | enterprise")
    region: str = Field(default="320000", pattern="^[0-9]{6}$")
    compare: list[str] = Field(default_factory=list, max_length=40, description="比较省份 / provinces to compare")
    enterprise: int | None = Field(default=None, ge=1, le=MAX_ID, description="企业编号 / enterprise id (kind enterprise)")


class JobStarted(BaseModel):
    job: int


def _ask(request: Request, who: Who, ask: ReportAsk) -> int:
    """Queue the report job once the industry exists and the request is one a report can be made of."""
    from ipstrong.jobs import enqueue

    ctx = context_of(request)
    with ctx.reader() as s:
        saved = saved_industry(s, who.actor, ask.industry_id)
    check_request(ask.kind, saved.definition, ask.region, tuple(ask.compare), ask.enterprise)
    params = {**ask.model_dump(), "by": who.actor.username, "role": who.actor.role, "scope": who.actor.region_code}
    return enqueue(ctx.settings, who.actor, "navigation", params)


@router.post("/navigation/reports", **PAGE)
def report_form(
    request: Request, who: FormSender, industry_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    region: Annotated[str, Form(pattern="^[0-9]{6}$")] = "320000", compare: Listed = "",
    kind: Annotated[str, Form(max_length=20)] = "industry", enterprise: Annotated[str, Form(max_length=12)] = "",
) -> Response:  # fmt: skip
    """Make a report in the background: the job's page shows its progress and, when done, its number."""
    fields = {"industry_id": industry_id, "kind": kind, "region": region, "compare": split_terms(compare),
              "enterprise": typed_id(enterprise, "enterprise")}  # fmt: skip
    _ask(request, who, validated(ReportAsk, fields))
    return RedirectResponse("/jobs", status_code=303)


def _stored(request: Request, who: Who, report_id: int) -> StoredReport:
    with context_of(request).reader() as s:
        return stored_report(s, who.actor, report_id)


@router.get("/navigation/reports/{report_id}", response_class=HTMLResponse, **PAGE)
def report_page(request: Request, who: SignedIn, report_id: RowId) -> Response:
    """The report with its charts, the analyst's texts (editable) and what changed since the report before."""
    stored = _stored(request, who, report_id)
    values = {"st": stored, "r": edited(stored), "charts": report_charts(stored.report),
              "can_write": "records.write" in who.actor.role_info.permissions}  # fmt: skip
    return context_of(request).render(request, "navigation_report.html", values, who=who)


@router.post("/navigation/reports/{report_id}/edits", **PAGE)
def edit_form(
    request: Request, who: FormSender, report_id: RowId, section: Annotated[str, Form(max_length=40)] = "",
    text: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:  # fmt: skip
    with transaction(context_of(request).factory) as s:
        edit(s, who.actor, report_id, section, text)
    return RedirectResponse(f"/navigation/reports/{report_id}#section-{section}", status_code=303)


@router.get("/navigation/reports/{report_id}/report.{fmt}", **PAGE)
def report_file(
    request: Request, who: SignedIn, report_id: RowId, fmt: Annotated[str, Path(pattern="^(html|xlsx|pdf)$")]
) -> Response:
    """The report as the analyst left it, as one HTML file, a workbook or a PDF."""
    report = edited(_stored(request, who, report_id))
    writers = {
        "html": (write_html, "text/html; charset=utf-8"),
        "xlsx": (write_xlsx, XLSX_MEDIA),
        "pdf": (write_pdf, "application/pdf"),
    }
    write, media = writers[fmt]
    with tempfile.TemporaryDirectory() as work:
        out = FilePath(work) / f"navigation-{report_id}.{fmt}"
        write(report, out)
        headers = {"Content-Disposition": f'attachment; filename="{out.name}"'}
        return Response(out.read_bytes(), media_type=media, headers=headers)


@router.get("/api/v1/navigation/industries", response_model=list[IndustryOut], summary="产业定义 / saved industries", **API)
def industries_data(request: Request, who: Caller) -> list[IndustryOut]:
    with context_of(request).reader() as s:
        return industries(s, who.actor)


@router.post("/api/v1/navigation/industries", response_model=IndustryOut, summary="保存产业定义 / save an industry", **API)
def industry_save(request: Request, who: Caller, body: Industry) -> IndustryOut:
    with transaction(context_of(request).factory) as s:
        return save_industry(s, who.actor, body)


@router.get("/api/v1/navigation/industries/{industry_id}/preview", response_model=Preview, summary="预览 / preview", **API)
def preview_data(request: Request, who: Caller, industry_id: RowId) -> Preview:
    return _preview(request, who, industry_id)[1]


@router.get("/api/v1/navigation/reports", response_model=list[ReportSummary], summary="导航报告 / kept reports", **API)
def reports_data(request: Request, who: Caller) -> list[ReportSummary]:
    with context_of(request).reader() as s:
        return reports(s, who.actor)


@router.post("/api/v1/navigation/reports", response_model=JobStarted, summary="生成导航报告 / make a report", **API)
def report_ask(request: Request, who: Caller, body: ReportAsk) -> JobStarted:
    """Queue a report; ``GET /api/v1/jobs`` follows its progress, and its result names the kept report."""
    return JobStarted(job=_ask(request, who, body))


@router.get("/api/v1/navigation/reports/{report_id}", response_model=StoredReport, summary="一份导航报告 / a report", **API)
def report_data(request: Request, who: Caller, report_id: RowId) -> StoredReport:
    return _stored(request, who, report_id)
