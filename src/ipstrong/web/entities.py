"""Applicant entities on the web: the review page (``/entities``: find an enterprise, see its names, merge, move a
name, reject a pair, apply the mapping to the warehouse) and its JSON twin under ``/api/v1/entities``, both calling
``ingest.entity_store``, which checks who may read and change the mapping."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ipstrong.db import transaction
from ipstrong.ingest.entity_records import EntityDetail, NamePair
from ipstrong.ingest.entity_store import counts, find_entities, get_entity, merge, move_name, open_candidates, reject_candidate
from ipstrong.web.callers import ERRORS, NOT_FOUND, Caller, FormSender, SignedIn
from ipstrong.web.context import context_of
from ipstrong.web.params import MAX_ID, FormId, RowId, RowIdQuery, Text

router = APIRouter()
API = {"tags": ["v1"]}
PAGE = {"include_in_schema": False}


class MergeIn(BaseModel):
    other: int = Field(ge=1, le=MAX_ID, description="并入本实体的实体编号 / the entity merged into this one")


class MoveIn(BaseModel):
    name: str = Field(min_length=1, max_length=1000)
    to: int | None = Field(default=None, ge=1, le=MAX_ID, description="目标实体；空则单列 / target; empty splits it out")


@router.get("/entities", response_class=HTMLResponse, **PAGE)
def entities_page(request: Request, who: SignedIn, q: Text = "", entity: RowIdQuery = None) -> Response:
    ctx = context_of(request)
    with ctx.reader() as s:
        values = {
            "q": q,
            "stats": counts(s, who.actor).model_dump(),
            "found": find_entities(s, who.actor, q[:200], 50) if q.strip() else [],
            "chosen": get_entity(s, who.actor, entity) if entity else None,
            "pairs": open_candidates(s, who.actor, 50),
        }
    return ctx.render(request, "entities.html", values, who=who)


@router.get(
    "/api/v1/entities", response_model=list[EntityDetail], responses=ERRORS, summary="申请人实体 / applicant entities", **API
)
def entities(
    request: Request,
    who: Caller,
    q: Annotated[str, Query(max_length=200, description="名称片段 / part of a name")] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> list[EntityDetail]:
    with context_of(request).reader() as s:
        return find_entities(s, who.actor, q, limit, offset)


@router.get(
    "/api/v1/entities/pairs", response_model=list[NamePair], responses=ERRORS, summary="待审名称对 / pairs to review", **API
)
def entity_pairs(request: Request, who: Caller, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[NamePair]:
    with context_of(request).reader() as s:
        return open_candidates(s, who.actor, limit)


@router.get(
    "/api/v1/entities/{entity_id}", response_model=EntityDetail, responses=NOT_FOUND, summary="一个申请人实体 / one entity", **API
)
def entity(request: Request, who: Caller, entity_id: RowId) -> EntityDetail:
    with context_of(request).reader() as s:
        return get_entity(s, who.actor, entity_id)


@router.post("/entities/merge", **PAGE)
def entities_merge_form(request: Request, who: FormSender, keep: FormId, other: FormId) -> Response:
    with transaction(context_of(request).factory) as s:
        merge(s, who.actor, keep, other)
    return RedirectResponse(f"/entities?entity={keep}", status_code=303)


@router.post(
    "/api/v1/entities/{entity_id}/merge", response_model=EntityDetail, responses=NOT_FOUND, summary="合并实体 / merge", **API
)
def entity_merge(request: Request, who: Caller, entity_id: RowId, body: MergeIn) -> EntityDetail:
    with transaction(context_of(request).factory) as s:
        return merge(s, who.actor, entity_id, body.other)


@router.post("/entities/move", **PAGE)
def entities_move_form(request: Request, who: FormSender, name: Annotated[str, Form()]) -> Response:
    with transaction(context_of(request).factory) as s:
        moved = move_name(s, who.actor, name, None)
    return RedirectResponse(f"/entities?entity={moved.id}", status_code=303)


@router.post("/api/v1/entities/move", response_model=EntityDetail, responses=NOT_FOUND, summary="移动名称 / move a name", **API)
def entity_move(request: Request, who: Caller, body: MoveIn) -> EntityDetail:
    with transaction(context_of(request).factory) as s:
        return move_name(s, who.actor, body.name, body.to)


@router.post("/entities/pairs/{pair_id}/reject", **PAGE)
def entities_reject_form(request: Request, who: FormSender, pair_id: RowId) -> Response:
    with transaction(context_of(request).factory) as s:
        reject_candidate(s, who.actor, pair_id)
    return RedirectResponse("/entities", status_code=303)


@router.post(
    "/api/v1/entities/pairs/{pair_id}/reject", responses=NOT_FOUND, summary="驳回名称对 / not the same enterprise", **API
)
def entity_reject(request: Request, who: Caller, pair_id: RowId) -> dict[str, Any]:
    with transaction(context_of(request).factory) as s:
        reject_candidate(s, who.actor, pair_id)
    return {"pair": pair_id, "status": "rejected"}


@router.post("/entities/apply", **PAGE)
def entities_apply_form(request: Request, who: FormSender) -> Response:
    from ipstrong.jobs import enqueue

    enqueue(context_of(request).settings, who.actor, "entities", {})  # the job's permission is checked on submit
    return RedirectResponse("/jobs", status_code=303)
