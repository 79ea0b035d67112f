"""The Jiangsu Patent Award on the web: the staff's ranking of a round and its publication (``/awards``), the
experts' score sheets (``/awards/review``), and the published results anyone may read (``/public/patent-award``),
each beside its JSON twin under ``/api/v1/awards`` and ``/api/v1/public/patent-award`` — renderings of
``registry.awards``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ipstrong.db import transaction
from ipstrong.matters.types.patent_award import MATTER_TYPE
from ipstrong.messages import validated
from ipstrong.registry.awards import (
    AwardRanking,
    AwardResult,
    ScoreIn,
    ScoreSheet,
    award_rules,
    expert_sheets,
    publish,
    ranking,
    results,
    score,
)
from ipstrong.web.callers import NOT_FOUND, Caller, FormSender, SignedIn
from ipstrong.web.context import context_of
from ipstrong.web.params import MAX_ID

router = APIRouter()
API = {"tags": ["v1"], "responses": NOT_FOUND}
PAGE = {"include_in_schema": False}


def _latest() -> int:
    return max(award_rules().rounds)


Cycle = Annotated[int | None, Query(ge=1, le=100, description="届次，默认最近一届 / the round (default: the latest)")]
MatterId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/awards", response_class=HTMLResponse, **PAGE)
def awards_page(request: Request, who: SignedIn, cycle: Cycle = None) -> Response:
    """A round's applications ranked by the experts' scores, the grade the quotas give each, and (for the province's
    administrator) the button that publishes the results."""
    ctx = context_of(request)
    with ctx.reader() as s:
        r = ranking(s, who.actor, cycle or _latest())
    can_publish = who.actor.role == "province_admin" and not r.published and any(e.state == "review" for e in r.entries)
    states = {state.id: (state.name_zh, state.name_en) for state in MATTER_TYPE.states}
    values = {"r": r, "rounds": sorted(award_rules().rounds), "can_publish": can_publish, "states": states}
    return ctx.render(request, "awards.html", values, who=who)


@router.post("/awards/publish", **PAGE)
def awards_publish_form(request: Request, who: FormSender, cycle: Annotated[int, Form(ge=1, le=100)]) -> Response:
    """Publish a round's results, then write the awards into the warehouse through the job queue."""
    from ipstrong.jobs import enqueue

    ctx = context_of(request)
    with transaction(ctx.factory) as s:
        publish(s, who.actor, cycle)
    enqueue(ctx.settings, who.actor, "registry_events", {})
    return RedirectResponse(f"/awards?cycle={cycle}", status_code=303)


@router.get("/api/v1/awards/ranking", response_model=AwardRanking, summary="江苏专利奖评审排名 / a round's ranking", **API)
def awards_ranking_data(request: Request, who: Caller, cycle: Cycle = None) -> AwardRanking:
    with context_of(request).reader() as s:
        return ranking(s, who.actor, cycle or _latest())


@router.post("/api/v1/awards/publish", response_model=AwardRanking, summary="公布评审结果 / publish a round's results", **API)
def awards_publish_data(request: Request, who: Caller, cycle: Annotated[int, Query(ge=1, le=100)]) -> AwardRanking:
    from ipstrong.jobs import enqueue

    ctx = context_of(request)
    with transaction(ctx.factory) as s:
        published = publish(s, who.actor, cycle)
    enqueue(ctx.settings, who.actor, "registry_events", {})
    return published


@router.get("/awards/review", response_class=HTMLResponse, **PAGE)
def review_page(request: Request, who: SignedIn, cycle: Cycle = None) -> Response:
    """The expert's score sheets: each application in review they may score, with their scores so far."""
    ctx = context_of(request)
    chosen = cycle or _latest()
    with ctx.reader() as s:
        sheets = expert_sheets(s, who.actor, chosen)
    values = {"sheets": sheets, "cycle": chosen, "criteria": award_rules().criteria}
    return ctx.render(request, "award_review.html", values, who=who)


@router.post("/awards/review/{matter_id}", **PAGE)
async def review_form(request: Request, who: FormSender, matter_id: MatterId) -> Response:
    """One score sheet from the page: a number for every criterion."""
    form = await request.form()
    sheet_in = validated(ScoreIn, {"scores": {c.id: str(form.get(c.id) or "").strip() for c in award_rules().criteria}})
    with transaction(context_of(request).factory) as s:
        sheet = score(s, who.actor, matter_id, sheet_in.scores)
    return RedirectResponse(f"/awards/review#sheet-{sheet.matter_id}", status_code=303)


@router.get("/api/v1/awards/sheets", response_model=list[ScoreSheet], summary="专家评分表 / my score sheets", **API)
def sheets_data(request: Request, who: Caller, cycle: Cycle = None) -> list[ScoreSheet]:
    with context_of(request).reader() as s:
        return expert_sheets(s, who.actor, cycle or _latest())


@router.post("/api/v1/awards/{matter_id}/scores", response_model=ScoreSheet, summary="提交评分 / score an application", **API)
def score_data(request: Request, who: Caller, matter_id: MatterId, body: ScoreIn) -> ScoreSheet:
    with transaction(context_of(request).factory) as s:
        return score(s, who.actor, matter_id, body.scores)


def _public(request: Request, cycle: int | None) -> list[AwardResult]:
    with context_of(request).reader() as s:
        return results(s, cycle or _latest())


@router.get("/public/patent-award", response_class=HTMLResponse, **PAGE)
def public_results_page(request: Request, cycle: Cycle = None) -> Response:
    """The published awards of a round."""
    values = {"rows": _public(request, cycle), "cycle": cycle or _latest(), "rounds": sorted(award_rules().rounds)}
    return context_of(request).render(request, "public_patent_award.html", values)


@router.get(
    "/api/v1/public/patent-award", response_model=list[AwardResult], summary="江苏专利奖获奖名单 / the awards of a round", **API
)
def public_results_data(request: Request, cycle: Cycle = None) -> list[AwardResult]:
    return _public(request, cycle)
