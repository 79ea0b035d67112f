"""Working days on the web: the holiday table of a year with a deadline calculator (``/calendar``, editable by the
province administrator, with the office's figures for unverified limits) and its JSON twin under
``/api/v1/workdays``. ``matters.workdays`` counts the days; ``matters.service`` enters a day and moves the open
matters' limits it changes, checking who may."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ipstrong.db import transaction
from ipstrong.matters.service import limit_parameters, set_calendar_day, set_limit
from ipstrong.matters.workdays import FIRST_DAY, LAST_DAY, add_months, add_working_days, days_of_year, load
from ipstrong.messages import IpsError, Msg
from ipstrong.web.callers import ERRORS, Caller, FormSender, SignedIn
from ipstrong.web.context import context_of
from ipstrong.web.params import Word, YearQuery, optional_count

router = APIRouter()
API = {"tags": ["v1"]}
PAGE = {"include_in_schema": False}


class DeadlineOut(BaseModel):
    start: dt.date
    date: dt.date
    provisional: bool
    warning: str | None


class CalendarDayOut(BaseModel):
    day: dt.date
    kind: str | None
    name: str
    source: str
    matters_moved: int | None = Field(default=None, description="期限因此改变的未结事项数 / open matters whose limit moved")


class CalendarDayIn(BaseModel):
    day: dt.date
    kind: str | None = Field(default=None, pattern="^(holiday|workday)$", description="holiday | workday; 空=删除 / none removes")
    name: str = Field(default="", max_length=100)
    # every entry names the notice it comes from (a removal names the notice that corrects it)
    source: str = Field(min_length=1, max_length=300, pattern=r"\S")


WorkingDaysGiven = optional_count(3650)  # the calculator's two fields: either may be left empty
MonthsGiven = optional_count(120)
# beyond the holiday table the answer is provisional; outside these days no period is computed
Day = Annotated[dt.date, Query(ge=FIRST_DAY, le=LAST_DAY, description=f"YYYY-MM-DD, {FIRST_DAY} … {LAST_DAY}")]


def _parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise IpsError(Msg(f"日期无效：{text}", f"invalid date: {text}")) from None


@router.get("/calendar", response_class=HTMLResponse, **PAGE)
def calendar_page(
    request: Request,
    who: SignedIn,
    year: YearQuery = None,
    start: Word = "",
    n: WorkingDaysGiven = None,
    months: MonthsGiven = None,
) -> Response:
    """The holiday table of a year (editable by the province administrator) and a deadline calculator."""
    ctx = context_of(request)
    today = dt.date.today()
    year = year if year and 1990 <= year <= 2199 else today.year
    result = None
    with transaction(ctx.factory) as s:
        calendar = load(s)
        days = days_of_year(s, year)
        limits = limit_parameters(s)
    if start:
        day = _parse_day(start)
        if months is not None:
            result = add_months(calendar, day, months)
        elif n is not None:
            result = add_working_days(calendar, day, n)
        else:
            raise IpsError(Msg("请填写工作日数或月数", "give a number of working days or of months"))
    values = {"year": year, "days": days, "result": result, "start": start, "n": n, "months": months, "limits": limits,
              "can_edit": "calendar.manage" in who.actor.role_info.permissions}  # fmt: skip
    return ctx.render(request, "calendar.html", values, who=who)


@router.get(
    "/api/v1/workdays/add", response_model=DeadlineOut, responses=ERRORS, summary="加 N 个工作日 / add working days", **API
)
def workdays_add(request: Request, who: Caller, date: Day, n: Annotated[int, Query(ge=0, le=3650)]) -> dict[str, Any]:
    with transaction(context_of(request).factory) as s:
        return add_working_days(load(s), date, n).to_dict()


@router.get(
    "/api/v1/workdays/months", response_model=DeadlineOut, responses=ERRORS, summary="N 个月期限 / a period of months", **API
)
def workdays_months(request: Request, who: Caller, date: Day, months: Annotated[int, Query(ge=0, le=120)]) -> dict[str, Any]:
    with transaction(context_of(request).factory) as s:
        return add_months(load(s), date, months).to_dict()


@router.get(
    "/api/v1/workdays", response_model=list[CalendarDayOut], responses=ERRORS, summary="节假日表 / the holiday table", **API
)
def workdays_year(request: Request, who: Caller, year: Annotated[int, Query(ge=1990, le=2199)]) -> list[dict[str, Any]]:
    with transaction(context_of(request).factory) as s:
        return days_of_year(s, year)


@router.post("/calendar", **PAGE)
def calendar_set(
    request: Request,
    who: FormSender,
    day: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
) -> Response:
    parsed = _parse_day(day)
    with transaction(context_of(request).factory) as s:
        set_calendar_day(s, who.actor, parsed, None if kind == "none" else kind, name.strip(), source.strip())
    return RedirectResponse(f"/calendar?year={parsed.year}", status_code=303)


@router.post("/api/v1/workdays", response_model=CalendarDayOut, responses=ERRORS, summary="录入节假日 / enter a day", **API)
def workdays_set(request: Request, who: Caller, body: CalendarDayIn) -> dict[str, Any]:
    with transaction(context_of(request).factory) as s:
        return set_calendar_day(s, who.actor, body.day, body.kind, body.name, body.source)


@router.post("/calendar/limits", **PAGE)
def calendar_limit(
    request: Request,
    who: FormSender,
    limit: Annotated[str, Form(max_length=81)],
    amount: Annotated[int, Form(ge=1, le=3650)],
    source: Annotated[str, Form(max_length=300)],
) -> Response:
    """Set the office's figure for an unverified limit (``type.rule``); its JSON twin is ``POST /api/v1/matters/limits``."""
    type_id, _, rule = limit.partition(".")
    with transaction(context_of(request).factory) as s:
        set_limit(s, who.actor, type_id, rule, amount, source)
    return RedirectResponse("/calendar#limits", status_code=303)
