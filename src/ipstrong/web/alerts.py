"""Watches on the web: one's own watches with the form that saves one, the inbox of what they found and the
delivery log (``/alerts``), the unsubscribe link an e-mail carries (``/alerts/unsubscribe/{token}``, no sign-in: the
link is its own key), and the JSON twins under ``/api/v1/alerts`` — renderings of ``alerts.watch``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ipstrong.alerts.changes import CHANGE_WORDS
from ipstrong.alerts.channels import CHANNELS
from ipstrong.alerts.watch import (
    KINDS,
    MODES,
    DeliveryOut,
    EventOut,
    WatchIn,
    WatchOut,
    add_watch,
    deliveries,
    events,
    stop_watch,
    unsubscribe,
    watches,
)
from ipstrong.db import transaction
from ipstrong.messages import validated
from ipstrong.reference.regions import jiangsu_cities
from ipstrong.web.callers import NOT_FOUND, Caller, FormSender, SignedIn
from ipstrong.web.context import Who, context_of
from ipstrong.web.params import MAX_ID

router = APIRouter()
API = {"tags": ["v1"], "responses": NOT_FOUND}
PAGE = {"include_in_schema": False}
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
Token = Annotated[str, Path(min_length=10, max_length=64, pattern="^[A-Za-z0-9_-]+$")]
Text = Annotated[str, Form(max_length=2000)]
Word = Annotated[str, Form(max_length=100)]


@router.get("/alerts", response_class=HTMLResponse, **PAGE)
def alerts_page(request: Request, who: SignedIn) -> Response:
    """One's watches, the form that saves one, what they found, and how it was delivered."""
    ctx = context_of(request)
    with ctx.reader() as s:
        values = {
            "watches": watches(s, who.actor),
            "events": events(s, who.actor, 50),
            "deliveries": deliveries(s, who.actor, 50),
        }
    values |= {"kinds": KINDS, "modes": MODES, "channels": CHANNELS, "changes": CHANGE_WORDS, "cities": jiangsu_cities(),
               "email_ok": ctx.settings.smtp_host is not None}  # fmt: skip
    return ctx.render(request, "alerts.html", values, who=who)


def _saved(request: Request, who: Who, ask: WatchIn) -> WatchOut:
    ctx = context_of(request)
    with transaction(ctx.factory) as s:
        return add_watch(s, who.actor, ctx.data_dir, ctx.settings, ask)


@router.post("/alerts/watches", **PAGE)
def watch_form(
    request: Request, who: FormSender, name: Word = "", kind: Word = "", target: Text = "", region_code: Word = "",
    channel: Word = "in_app", address: Text = "", secret: Text = "", mode: Word = "immediate",
) -> Response:  # fmt: skip
    """Save a watch from the form; a refusal names its field."""
    fields = {"name": name, "kind": kind, "target": target, "region_code": region_code or None, "channel": channel,
              "address": address or None, "secret": secret or None, "mode": mode}  # fmt: skip
    _saved(request, who, validated(WatchIn, fields))
    return RedirectResponse("/alerts#watches", status_code=303)


@router.post("/alerts/watches/{watch_id}/stop", **PAGE)
def stop_form(request: Request, who: FormSender, watch_id: RowId) -> Response:
    with transaction(context_of(request).factory) as s:
        stop_watch(s, who.actor, watch_id)
    return RedirectResponse("/alerts#watches", status_code=303)


@router.get("/alerts/unsubscribe/{token}", response_class=HTMLResponse, **PAGE)
def unsubscribe_page(request: Request, token: Token) -> Response:
    """The unsubscribe link: a page with one button (a link followed by a mail scanner must not unsubscribe)."""
    return context_of(request).render(request, "unsubscribe.html", {"token": token, "done": None})


@router.post("/alerts/unsubscribe/{token}", response_class=HTMLResponse, **PAGE)
def unsubscribe_form(request: Request, token: Token) -> Response:
    """Unsubscribe (also the one-click POST of RFC 8058's List-Unsubscribe-Post)."""
    ctx = context_of(request)
    with transaction(ctx.factory) as s:
        done = unsubscribe(s, token)
    return ctx.render(request, "unsubscribe.html", {"token": token, "done": done})


@router.get("/api/v1/alerts/watches", response_model=list[WatchOut], summary="我的关注 / my watches", **API)
def watches_data(request: Request, who: Caller) -> list[WatchOut]:
    with context_of(request).reader() as s:
        return watches(s, who.actor)


@router.post("/api/v1/alerts/watches", response_model=WatchOut, summary="保存关注 / save a watch", **API)
def watch_save(request: Request, who: Caller, body: WatchIn) -> WatchOut:
    return _saved(request, who, body)


@router.post("/api/v1/alerts/watches/{watch_id}/stop", response_model=WatchOut, summary="停止关注 / stop a watch", **API)
def watch_stop(request: Request, who: Caller, watch_id: RowId) -> WatchOut:
    with transaction(context_of(request).factory) as s:
        return stop_watch(s, who.actor, watch_id)


@router.get("/api/v1/alerts/events", response_model=list[EventOut], summary="关注发现的变化 / what the watches found", **API)
def events_data(request: Request, who: Caller) -> list[EventOut]:
    with context_of(request).reader() as s:
        return events(s, who.actor)


@router.get("/api/v1/alerts/deliveries", response_model=list[DeliveryOut], summary="推送记录 / the delivery log", **API)
def deliveries_data(request: Request, who: Caller) -> list[DeliveryOut]:
    with context_of(request).reader() as s:
        return deliveries(s, who.actor)
