"""The GB/T 29490 self-assessment on the web: an enterprise's checklist and its gap report, and the staff's view of
adoption by city with each assessed enterprise's report (``/compliance``), beside the JSON twins under
``/api/v1/compliance`` — renderings of ``registry.compliance``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ipstrong.clock import today_shanghai
from ipstrong.db import transaction
from ipstrong.messages import validated
from ipstrong.registry.compliance import Adoption, AssessmentIn, GapReport, adoption, checklist, gap_report, save_assessment
from ipstrong.web.callers import NOT_FOUND, Caller, FormSender, SignedIn
from ipstrong.web.context import context_of
from ipstrong.web.params import MAX_ID

router = APIRouter()
API = {"tags": ["v1"], "responses": NOT_FOUND}
PAGE = {"include_in_schema": False}
Year = Annotated[int | None, Query(ge=2024, le=2100, description="自评年度，默认今年 / the year (default: this year)")]
Org = Annotated[int | None, Query(ge=1, le=MAX_ID, description="企业机构编号；企业用户为本单位 / the enterprise")]


def _year(year: int | None) -> int:
    return year or today_shanghai().year


@router.get("/compliance", response_class=HTMLResponse, **PAGE)
def compliance_page(request: Request, who: SignedIn, year: Year = None, org: Org = None) -> Response:
    """An enterprise sees its checklist and gap report; staff see adoption by city, and an enterprise's report."""
    ctx = context_of(request)
    chosen = _year(year)
    own = who.actor.role == "enterprise_user"
    with ctx.reader() as s:
        report = gap_report(s, who.actor, chosen, org) if own or org is not None else None
        view = None if own else adoption(s, who.actor, chosen)
    values = {"year": chosen, "report": report, "view": view, "own": own, "items": checklist()}
    return ctx.render(request, "compliance.html", values, who=who)


@router.post("/compliance", **PAGE)
async def compliance_form(request: Request, who: FormSender) -> Response:
    """The checklist as the page sends it: ``year``, and ``score_<item>`` (0–3, empty: not answered) and
    ``evidence_<item>`` for each item."""
    form = await request.form()
    answers: dict[str, Any] = {}
    for item in checklist():
        score = str(form.get(f"score_{item.item}") or "").strip()
        if score:
            answers[item.item] = {"score": score, "evidence": str(form.get(f"evidence_{item.item}") or "").strip()}
    assessment = validated(AssessmentIn, {"year": str(form.get("year") or "").strip(), "answers": answers})
    with transaction(context_of(request).factory) as s:
        save_assessment(s, who.actor, assessment)
    return RedirectResponse(f"/compliance?year={assessment.year}#gaps", status_code=303)


@router.get("/api/v1/compliance/checklist", summary="GB/T 29490 自评清单 / the checklist", **API)
def checklist_data(_who: Caller) -> list[dict[str, str]]:
    return [asdict(i) for i in checklist()]


@router.get("/api/v1/compliance/gaps", response_model=GapReport, summary="差距报告 / the gap report", **API)
def gaps_data(request: Request, who: Caller, year: Year = None, org: Org = None) -> GapReport:
    with context_of(request).reader() as s:
        return gap_report(s, who.actor, _year(year), org)


@router.post("/api/v1/compliance/assessment", response_model=GapReport, summary="录入自评 / enter a self-assessment", **API)
def assessment_data(request: Request, who: Caller, body: AssessmentIn, org: Org = None) -> GapReport:
    with transaction(context_of(request).factory) as s:
        return save_assessment(s, who.actor, body, org)


@router.get("/api/v1/compliance/adoption", response_model=Adoption, summary="各地市自评情况 / adoption by city", **API)
def adoption_data(request: Request, who: Caller, year: Year = None) -> Adoption:
    with context_of(request).reader() as s:
        return adoption(s, who.actor, _year(year))
