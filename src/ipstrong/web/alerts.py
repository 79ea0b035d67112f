"""Watches on the web: one's own watches with the form that saves one, the inbox of what they found and the
delivery log (``/alerts``), the unsubscribe link an e-mail carries (``/alerts/unsubscribe/{token}``, no sign-in: the
link is its own key), and the JSON twins under ``/api/v1/alerts`` — renderings of ``alerts.watch``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ipstrong.alerts.changes import CHANGE_WORDS
from ipstrong.alerts.channels import CHANNELS
from ipstrong.alerts.experts import AssignmentOut, ExpertIn, ExpertOut, add_expert, assign, experts
from ipstrong.alerts.info import ItemIn, ItemOut
from ipstrong.alerts.warning import WarningOverview, WarningReport, early_warning, warning_overview, warning_pdf
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
from ipstrong.messages import IpsError, Msg, validated
from ipstrong.navigation.report import report_time_limit  # a warning reads a field's records abroad, as a report does
from ipstrong.reference.regions import jiangsu_cities
from ipstrong.web.callers import NOT_FOUND, Caller, FormSender, SignedIn
from ipstrong.web.context import Who, context_of
from ipstrong.web.params import MAX_ID, RowId, typed_id

router = APIRouter()
API = {"tags": ["v1"], "responses": NOT_FOUND}
PAGE = {"include_in_schema": False}
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


Firm = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="企业编号；企业用户为本企业 / the enterprise (yours for its users)")
]
Markets = Annotated[str, Query(max_length=200, pattern="^[A-Za-z, ]*$", description="目标市场，如 US,EP / target markets")]


def _required(report: WarningReport | None) -> WarningReport:
    """The report, where a download or the API needs one: refused when no enterprise was named."""
    if report is None:
        raise IpsError(Msg("须给出企业编号", "name the enterprise").located(field="enterprise"))
    return report


def _warning(request: Request, who: Who, enterprise: int | None, markets: str) -> WarningReport | None:
    """The warning report asked for: an enterprise's users get their own, staff the one they name (none yet)."""
    from ipstrong.navigation.industry import split_terms
    from ipstrong.registry.home import own_entity

    ctx = context_of(request)
    with ctx.reader() as s:
        if enterprise is None and who.actor.role_info.name == "enterprise_user":
            _org, mine = own_entity(s, who.actor)
            enterprise = mine.id if mine is not None else None  # none: the page says so
        if enterprise is None:
            return None
        chosen = [m.upper() for m in split_terms(markets)]
        return early_warning(s, who.actor, ctx.data_dir, enterprise, chosen, timeout_s=report_time_limit(ctx.settings))


@router.get("/alerts/warnings", response_class=HTMLResponse, **PAGE)
def warnings_page(request: Request, who: SignedIn, enterprise: Firm = None, markets: Markets = "") -> Response:
    """An enterprise's overseas early warning: the foreign records in its fields and markets, ranked and explained."""
    report = _warning(request, who, enterprise, markets)
    values = {"r": report, "enterprise": enterprise or (report.entity_id if report else None), "markets": markets,
              "staff": who.actor.role_info.name != "enterprise_user"}  # fmt: skip
    return context_of(request).render(request, "warnings.html", values, who=who)


@router.get("/alerts/warnings.pdf", **PAGE)
def warnings_pdf(request: Request, who: SignedIn, enterprise: Firm = None, markets: Markets = "") -> Response:
    report = _required(_warning(request, who, enterprise, markets))
    headers = {"Content-Disposition": f'attachment; filename="warning-{report.entity_id}.pdf"'}
    return Response(warning_pdf(report), media_type="application/pdf", headers=headers)


@router.get("/api/v1/alerts/warnings", response_model=WarningReport, summary="海外风险预警 / overseas early warning", **API)
def warnings_data(request: Request, who: Caller, enterprise: Firm = None, markets: Markets = "") -> WarningReport:
    return _required(_warning(request, who, enterprise, markets))


@router.get("/alerts/overview", response_class=HTMLResponse, **PAGE)
def overview_page(request: Request, who: SignedIn) -> Response:
    """For the guidance centres: other offices' live records against the province's enterprises, and the caseload."""
    ctx = context_of(request)
    with ctx.reader() as s:
        view = warning_overview(s, who.actor, ctx.data_dir, ctx.settings.home_province, report_time_limit(ctx.settings))
    return ctx.render(request, "warning_overview.html", {"o": view}, who=who)


@router.get("/api/v1/alerts/overview", response_model=WarningOverview, summary="海外预警总览 / the overseas overview", **API)
def overview_data(request: Request, who: Caller) -> WarningOverview:
    ctx = context_of(request)
    with ctx.reader() as s:
        return warning_overview(s, who.actor, ctx.data_dir, ctx.settings.home_province, report_time_limit(ctx.settings))


@router.get("/alerts/info", response_class=HTMLResponse, **PAGE)
def info_page(request: Request, who: SignedIn) -> Response:
    """The overseas information published, and (for officers) the form that publishes an item."""
    from ipstrong.alerts.info import ITEM_KINDS, items
    from ipstrong.reference.sei import SEI_INDUSTRIES

    ctx = context_of(request)
    with ctx.reader() as s:
        listed = items(s)
    values = {"items": listed, "kinds": ITEM_KINDS, "industries": SEI_INDUSTRIES,
              "can_write": "records.write" in who.actor.role_info.permissions}  # fmt: skip
    return ctx.render(request, "overseas_info.html", values, who=who)


def _published(request: Request, who: Who, item: ItemIn) -> ItemOut:
    from ipstrong.alerts.info import publish_item

    with transaction(context_of(request).factory) as s:
        return publish_item(s, who.actor, item)


@router.post("/alerts/info", **PAGE)
def info_form(
    request: Request, who: FormSender, kind: Word = "", country: Word = "", industry: Word = "", title: Word = "",
    body: Annotated[str, Form(max_length=5000)] = "", link: Text = "",
) -> Response:  # fmt: skip
    fields = {"kind": kind, "country": country.strip().upper(), "industry": industry or None, "title": title, "body": body,
              "link": link.strip() or None}  # fmt: skip
    _published(request, who, validated(ItemIn, fields))
    return RedirectResponse("/alerts/info", status_code=303)


@router.get("/api/v1/alerts/info", response_model=list[ItemOut], summary="海外信息 / overseas information", **API)
def info_data(request: Request, who: Caller) -> list[ItemOut]:
    from ipstrong.alerts.info import items

    with context_of(request).reader() as s:
        return items(s)


@router.post("/api/v1/alerts/info", response_model=ItemOut, summary="发布海外信息 / publish an item", **API)
def info_publish(request: Request, who: Caller, body: ItemIn) -> ItemOut:
    return _published(request, who, body)


class AssignIn(BaseModel):
    matter_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="海外纠纷应对指导事项 / the guidance matter")
    enterprise_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="预警的企业 / the warned enterprise")


@router.get("/alerts/experts", response_class=HTMLResponse, **PAGE)
def experts_page(request: Request, who: SignedIn, country: Markets = "") -> Response:
    """The overseas experts' roster, the form that adds one and the one that assigns one."""
    ctx = context_of(request)
    with ctx.reader() as s:
        roster = experts(s, who.actor, country.strip().upper() or None)
    values = {"experts": roster, "country": country, "can_write": "records.write" in who.actor.role_info.permissions}
    return ctx.render(request, "experts.html", values, who=who)


@router.post("/alerts/experts", **PAGE)
def expert_form(
    request: Request, who: FormSender, name: Word = "", organisation: Text = "", countries: Text = "", fields: Text = "",
    languages: Text = "", contact: Text = "",
) -> Response:  # fmt: skip
    from ipstrong.navigation.industry import split_terms

    listed = {"countries": countries, "fields": fields, "languages": languages}
    ask = validated(ExpertIn, {"name": name, "organisation": organisation, "contact": contact or None,
                               **{k: split_terms(v) for k, v in listed.items()}})  # fmt: skip
    with transaction(context_of(request).factory) as s:
        add_expert(s, who.actor, ask)
    return RedirectResponse("/alerts/experts", status_code=303)


@router.post("/alerts/experts/{expert_id}/assignments", **PAGE)
def assign_form(request: Request, who: FormSender, expert_id: RowId, matter_id: Word = "", enterprise_id: Word = "") -> Response:
    with transaction(context_of(request).factory) as s:
        assign(s, who.actor, expert_id, typed_id(matter_id, "matter_id"), typed_id(enterprise_id, "enterprise_id"))
    return RedirectResponse("/alerts/experts", status_code=303)


@router.get("/api/v1/alerts/experts", response_model=list[ExpertOut], summary="海外专家库 / the experts' roster", **API)
def experts_data(request: Request, who: Caller, country: Markets = "") -> list[ExpertOut]:
    with context_of(request).reader() as s:
        return experts(s, who.actor, country.strip().upper() or None)


@router.post("/api/v1/alerts/experts", response_model=ExpertOut, summary="加入专家 / add an expert", **API)
def expert_add(request: Request, who: Caller, body: ExpertIn) -> ExpertOut:
    with transaction(context_of(request).factory) as s:
        return add_expert(s, who.actor, body)


@router.post("/api/v1/alerts/experts/{expert_id}/assignments", response_model=AssignmentOut, summary="指派专家 / assign", **API)
def expert_assign(request: Request, who: Caller, expert_id: RowId, body: AssignIn) -> AssignmentOut:
    with transaction(context_of(request).factory) as s:
        return assign(s, who.actor, expert_id, body.matter_id, body.enterprise_id)
