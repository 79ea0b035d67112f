"""A patent's valuation report on the web (``/valuation``: choose the patent and the purpose, read the report, and —
for evaluators — enter the indicators the warehouse cannot give), its PDF (``/valuation/report.pdf``) and its JSON
twins (``GET`` and ``POST /api/v1/valuation``) — renderings of ``registry.valuation``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ipstrong.db import transaction
from ipstrong.messages import validated
from ipstrong.registry.valuation import (
    EVALUATORS,
    LEVELS,
    METHODS,
    EvaluationIn,
    Valuation,
    indicator_rules,
    purposes,
    record_evaluation,
    render_report_pdf,
    valuation,
)
from ipstrong.web.callers import NOT_FOUND, Caller, FormSender, SignedIn
from ipstrong.web.context import Who, context_of

router = APIRouter()
AppNo = Annotated[str, Query(min_length=5, max_length=40, description="申请号 / application number")]
Purpose = Annotated[str, Query(pattern="^(" + "|".join(purposes()) + ")$", description=" | ".join(purposes()))]


def _valued(request: Request, who: Who, app_no: str, purpose: str) -> Valuation:
    ctx = context_of(request)
    with ctx.reader() as s:
        return valuation(s, who.actor, ctx.data_dir, app_no, purpose)


@router.get("/valuation", response_class=HTMLResponse, include_in_schema=False)
def valuation_page(
    request: Request, who: SignedIn, app_no: Annotated[str, Query(max_length=40)] = "", purpose: Purpose = "financing"
) -> Response:
    """The form that picks a patent and a purpose, and the report when one is picked."""
    report = _valued(request, who, app_no, purpose) if app_no.strip() else None
    evaluator = [r for r in indicator_rules() if r.source == "evaluator" or (report and r.indicator in report.missing)]
    values = {"report": report, "app_no": app_no, "purpose": purpose, "purposes": purposes(), "levels": LEVELS,
              "can_enter": who.actor.role in EVALUATORS, "entry_rules": evaluator, "methods": METHODS}  # fmt: skip
    return context_of(request).render(request, "valuation.html", values, who=who)


@router.post("/valuation", include_in_schema=False)
async def valuation_form(request: Request, who: FormSender) -> Response:
    """An evaluator's entry from the page: ``score_<indicator>`` for the indicators they score, and optionally the
    amount with its method."""
    form = await request.form()
    app_no, purpose = str(form.get("app_no") or ""), str(form.get("purpose") or "")
    scores = {r.indicator: str(form.get(f"score_{r.indicator}")).strip() for r in indicator_rules()
              if str(form.get(f"score_{r.indicator}") or "").strip()}  # fmt: skip
    amount, method = str(form.get("amount_10k_yuan") or "").strip(), str(form.get("method") or "").strip()
    entry = validated(
        EvaluationIn, {"purpose": purpose, "scores": scores, "amount_10k_yuan": amount or None, "method": method or None}
    )
    ctx = context_of(request)
    with transaction(ctx.factory) as s:
        done = record_evaluation(s, who.actor, ctx.data_dir, app_no, entry)
    return RedirectResponse(f"/valuation?app_no={done.app_no}&purpose={done.purpose}", status_code=303)


@router.get("/valuation/report.pdf", include_in_schema=False)
def valuation_pdf(request: Request, who: SignedIn, app_no: AppNo, purpose: Purpose = "financing") -> Response:
    """The report on paper."""
    report = _valued(request, who, app_no, purpose)
    headers = {"Content-Disposition": f'attachment; filename="valuation-{report.app_no}-{purpose}.pdf"'}
    return Response(render_report_pdf(report), media_type="application/pdf", headers=headers)


@router.get("/api/v1/valuation", response_model=Valuation, responses=NOT_FOUND, tags=["v1"],
            summary="专利价值评估报告 / a patent's valuation")  # fmt: skip
def valuation_data(request: Request, who: Caller, app_no: AppNo, purpose: Purpose = "financing") -> Valuation:
    return _valued(request, who, app_no, purpose)


@router.post("/api/v1/valuation", response_model=Valuation, responses=NOT_FOUND, tags=["v1"],
             summary="录入评估 / enter an evaluation")  # fmt: skip
def valuation_enter(request: Request, who: Caller, app_no: AppNo, body: EvaluationIn) -> Valuation:
    ctx = context_of(request)
    with transaction(ctx.factory) as s:
        return record_evaluation(s, who.actor, ctx.data_dir, app_no, body)
