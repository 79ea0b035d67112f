"""The service network on the web, each page beside its JSON twin — renderings of ``ipstrong.network``:

- the public agency directory with its filters, map and export (``/public/agencies``, ``/public/agencies.xlsx``,
  ``/api/v1/public/agencies``), and the staff's view of the agencies' activity with the form that records one
  (``/agencies``, ``/api/v1/agencies…``);
- service points and workstations, their records and coverage (``/points``, ``/api/v1/points…``);
- the talent registry and its training (``/talent``, ``/api/v1/practitioners…``), the engineer titles' review and
  score sheets (``/talent/titles``, ``/api/v1/titles…``) and the public results (``/api/v1/public/titles``);
- carriers' needs and their matches (``/needs``, ``/api/v1/needs…``);
- the satisfaction survey's results and invitations (``/survey``, ``/survey/results.xlsx``, ``/api/v1/survey…``)
  and the public form an invitation opens (``/survey/respond/{token}``, no sign-in: the token is its key).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path as FilePath
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from ipstrong.clock import today_shanghai
from ipstrong.db import transaction
from ipstrong.messages import validated
from ipstrong.network import agencies, needs, points, survey, talent, titles
from ipstrong.network.vocab import (
    AGENCY_KINDS,
    AGENCY_SERVICES,
    CREDIT_KINDS,
    EDUCATIONS,
    HOST_KINDS,
    NEED_PARTS,
    POINT_KINDS,
    POINT_SERVICES,
    QUALIFICATIONS,
    RESPONDENTS,
    TITLES,
)
from ipstrong.reference.regions import jiangsu_cities
from ipstrong.web.callers import NOT_FOUND, Caller, FormSender, SignedIn
from ipstrong.web.context import Who, context_of
from ipstrong.web.params import FormId, FormYear, RowId, YearQuery, typed_id

router = APIRouter()
T = TypeVar("T")
API = {"tags": ["v1"], "responses": NOT_FOUND}
PAGE = {"include_in_schema": False}
Token = Annotated[str, Path(min_length=10, max_length=64, pattern="^[A-Za-z0-9_-]+$")]
Text = Annotated[str, Form(max_length=5000)]
Word = Annotated[str, Form(max_length=200)]
Words = Annotated[list[str], Form(max_length=20)]
VOCAB = {"agency_kinds": AGENCY_KINDS, "agency_services": AGENCY_SERVICES, "point_kinds": POINT_KINDS,
         "host_kinds": HOST_KINDS, "point_services": POINT_SERVICES, "qualifications": QUALIFICATIONS,
         "educations": EDUCATIONS, "titles": TITLES, "respondents": RESPONDENTS, "need_parts": NEED_PARTS,
         "credit_kinds": CREDIT_KINDS}  # fmt: skip


def _write(request: Request, call: Callable[..., T], *args: Any) -> T:
    """One service call that writes, in a transaction of its own: committed when it returns, undone when it refuses."""
    with transaction(context_of(request).factory) as s:
        return call(s, *args)


def _last_year(year: int | None) -> int:
    return year or today_shanghai().year - 1


def _can_write(who: Who) -> bool:
    return "records.write" in who.actor.role_info.permissions


# --- agencies ---------------------------------------------------------------------------------------------------------
class DirectoryFilters(BaseModel):
    q: str | None = Field(default=None, max_length=100)
    kind: str | None = Field(default=None, max_length=30)
    city: str | None = Field(default=None, max_length=6)
    service: str | None = Field(default=None, max_length=30)
    cluster: str | None = Field(default=None, max_length=100)


def _directory(request: Request, filters: DirectoryFilters) -> agencies.Directory:
    query = validated(agencies.DirectoryQuery, {k: v or None for k, v in filters.model_dump().items()})
    with context_of(request).reader() as s:
        return agencies.directory(s, query)


@router.get("/public/agencies", response_class=HTMLResponse, **PAGE)
def directory_page(request: Request, filters: Annotated[DirectoryFilters, Query()]) -> Response:
    """The public directory: filters, the agencies found, their counts by kind, city and service, and the map."""
    found = _directory(request, filters)
    from urllib.parse import urlencode

    charts = {"agencies": found.map.model_dump()} if found.map else {}
    export = urlencode({k: v for k, v in filters.model_dump().items() if v})
    values = {"d": found, "cities": jiangsu_cities(), "charts": charts, "export_query": export, **VOCAB}
    return context_of(request).render(request, "agency_directory.html", values)


@router.get("/public/agencies.xlsx", **PAGE)
def directory_xlsx(request: Request, filters: Annotated[DirectoryFilters, Query()]) -> Response:
    """The directory as filtered, as a workbook."""
    found = _directory(request, filters)
    work = FilePath(tempfile.mkdtemp(prefix="ipstrong-agencies-"))
    out = work / "agencies.xlsx"
    agencies.write_directory_xlsx(found, out)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return FileResponse(out, filename=out.name, media_type=media, background=BackgroundTask(shutil.rmtree, work, True))


@router.get("/api/v1/public/agencies", response_model=agencies.Directory, summary="服务机构名录 / the agency directory", **API)
def directory_data(request: Request, filters: Annotated[DirectoryFilters, Query()]) -> agencies.Directory:
    return _directory(request, filters)


def _activity(request: Request, who: Who, year: int | None) -> agencies.AgencyActivity:
    ctx = context_of(request)
    with ctx.reader() as s:
        return agencies.activity(s, who.actor, ctx.data_dir, _last_year(year), ctx.settings.query_timeout_s)


@router.get("/agencies", response_class=HTMLResponse, **PAGE)
def agencies_page(request: Request, who: SignedIn, year: YearQuery = None) -> Response:
    """The agencies of the reader's region with their activity in a year, and the form that records one."""
    values = {"a": _activity(request, who, year), "cities": jiangsu_cities(), "can_add": _can_write(who), **VOCAB}
    return context_of(request).render(request, "agencies.html", values, who=who)


@router.post("/agencies", **PAGE)
def agency_form(
    request: Request, who: FormSender, name: Word = "", credit_code: Word = "", agency_code: Word = "", kind: Word = "",
    region_code: Word = "", agents: Word = "0", services: Words = [], cluster: Word = "",  # noqa: B006 - FastAPI's form list
) -> Response:  # fmt: skip
    """Record an agency from the page; a refusal names its field."""
    fields = {"name": name, "credit_code": credit_code, "agency_code": agency_code.strip() or None, "kind": kind,
              "region_code": region_code, "agents": agents or 0, "services": services, "cluster": cluster or None}  # fmt: skip
    _write(request, agencies.add_agency, who.actor, validated(agencies.AgencyIn, fields))
    return RedirectResponse("/agencies#agency-list", status_code=303)


@router.post("/api/v1/agencies", response_model=agencies.AgencyOut, summary="登记服务机构 / record an agency", **API)
def agency_add(request: Request, who: Caller, body: agencies.AgencyIn) -> agencies.AgencyOut:
    return _write(request, agencies.add_agency, who.actor, body)


@router.get("/api/v1/agencies/activity", response_model=agencies.AgencyActivity, summary="服务机构业务统计 / agencies' "
            "activity in a year", **API)  # fmt: skip
def agency_activity(request: Request, who: Caller, year: YearQuery = None) -> agencies.AgencyActivity:
    return _activity(request, who, year)


# --- service points -------------------------------------------------------------------------------------------------
def _points(request: Request, who: Who, year: int) -> dict:
    with context_of(request).reader() as s:
        return {"points": points.points(s, who.actor), "output": points.point_output(s, who.actor, year),
                "coverage": points.coverage(s, who.actor, today_shanghai())
                if "records.read" in who.actor.role_info.permissions else None}  # fmt: skip


@router.get("/points", response_class=HTMLResponse, **PAGE)
def points_page(request: Request, who: SignedIn, year: YearQuery = None) -> Response:
    """The points the reader sees with their output in a year, the coverage against the targets, the form that
    records a point (staff) and the form that enters a service record (a point's staff)."""
    year = year or today_shanghai().year
    values = {**_points(request, who, year), "year": year, "can_add": _can_write(who), "cities": jiangsu_cities(),
              "today": today_shanghai(), **VOCAB}  # fmt: skip
    return context_of(request).render(request, "points.html", values, who=who)


@router.post("/points", **PAGE)
def point_form(
    request: Request, who: FormSender, name: Word = "", kind: Word = "", host: Word = "", host_kind: Word = "",
    region_code: Word = "", services: Words = [], staff: Word = "0", organisation_id: Word = "", opened: Word = "",  # noqa: B006
) -> Response:  # fmt: skip
    fields = {"name": name, "kind": kind, "host": host, "host_kind": host_kind, "region_code": region_code,
              "services": services, "staff": staff or 0, "organisation_id": typed_id(organisation_id, "organisation_id"),
              "opened": opened}  # fmt: skip
    _write(request, points.add_point, who.actor, validated(points.PointIn, fields))
    return RedirectResponse("/points#output", status_code=303)


@router.post("/points/records", **PAGE)
def record_form(request: Request, who: FormSender, point_id: FormId, day: Word = "", kind: Word = "", count: Word = "",
                served: Word = "") -> Response:  # fmt: skip
    record = validated(points.RecordIn, {"day": day, "kind": kind, "count": count, "served": served})
    _write(request, points.record_service, who.actor, point_id, record)
    return RedirectResponse("/points#output", status_code=303)


@router.get("/api/v1/points", response_model=list[points.PointOut], summary="服务网点 / service points", **API)
def points_data(request: Request, who: Caller) -> list[points.PointOut]:
    with context_of(request).reader() as s:
        return points.points(s, who.actor)


@router.post("/api/v1/points", response_model=points.PointOut, summary="登记服务网点 / record a point", **API)
def point_add(request: Request, who: Caller, body: points.PointIn) -> points.PointOut:
    return _write(request, points.add_point, who.actor, body)


class RecordId(BaseModel):
    id: int


@router.post("/api/v1/points/{point_id}/records", response_model=RecordId, summary="填报服务记录 / enter a service record",
             **API)  # fmt: skip
def point_record(request: Request, who: Caller, point_id: RowId, body: points.RecordIn) -> RecordId:
    return RecordId(id=_write(request, points.record_service, who.actor, point_id, body))


@router.get("/api/v1/points/output", response_model=points.PointsYear, summary="网点年度服务量 / points' yearly output", **API)
def points_output(request: Request, who: Caller, year: YearQuery = None) -> points.PointsYear:
    with context_of(request).reader() as s:
        return points.point_output(s, who.actor, year or today_shanghai().year)


@router.get("/api/v1/points/coverage", response_model=points.Coverage, summary="网点覆盖与目标 / coverage against targets", **API)
def points_coverage(request: Request, who: Caller) -> points.Coverage:
    with context_of(request).reader() as s:
        return points.coverage(s, who.actor, today_shanghai())


# --- talent and titles ----------------------------------------------------------------------------------------------
FieldQuery = Annotated[str | None, Query(max_length=4, description="IPC 部或小类 / an IPC section or subclass")]


@router.get("/talent", response_class=HTMLResponse, **PAGE)
def talent_page(request: Request, who: SignedIn, field: FieldQuery = None) -> Response:
    """The talent registry of the reader's region (within an IPC field), and the forms that record a practitioner
    and a course attended."""
    with context_of(request).reader() as s:
        found = talent.practitioners(s, who.actor, today_shanghai(), field or None)
    values = {"people": found, "field": field or "", "can_add": _can_write(who), "cities": jiangsu_cities(), **VOCAB}
    return context_of(request).render(request, "talent.html", values, who=who)


@router.post("/talent", **PAGE)
def person_form(
    request: Request, who: FormSender, name: Word = "", employer: Word = "", agency_id: Word = "", region_code: Word = "",
    qualification: Word = "", education: Word = "", years: Word = "", fields: Word = "", title: Word = "none",
) -> Response:  # fmt: skip
    values = {"name": name, "employer": employer, "agency_id": typed_id(agency_id, "agency_id"), "region_code": region_code,
              "qualification": qualification, "education": education, "years": years,
              "fields": agencies.split_list(fields), "title": title}  # fmt: skip
    _write(request, talent.add_practitioner, who.actor, validated(talent.PractitionerIn, values))
    return RedirectResponse("/talent#people", status_code=303)


@router.post("/talent/trainings", **PAGE)
def training_form(request: Request, who: FormSender, practitioner_id: FormId, day: Word = "", course: Word = "",
                  hours: Word = "", provider: Word = "") -> Response:  # fmt: skip
    values = {"day": day, "course": course, "hours": hours, "provider": provider}
    _write(request, talent.add_training, who.actor, practitioner_id, validated(talent.TrainingIn, values), today_shanghai())
    return RedirectResponse("/talent#people", status_code=303)


@router.get("/api/v1/practitioners", response_model=list[talent.PractitionerOut], summary="人才库 / the talent registry", **API)
def people_data(request: Request, who: Caller, field: FieldQuery = None) -> list[talent.PractitionerOut]:
    with context_of(request).reader() as s:
        return talent.practitioners(s, who.actor, today_shanghai(), field or None)


@router.post("/api/v1/practitioners", response_model=talent.PractitionerOut, summary="登记人才 / record a practitioner", **API)
def person_add(request: Request, who: Caller, body: talent.PractitionerIn) -> talent.PractitionerOut:
    return _write(request, talent.add_practitioner, who.actor, body)


@router.get("/api/v1/practitioners/{practitioner_id}/trainings", response_model=list[talent.TrainingOut],
            summary="培训记录 / a practitioner's training", **API)  # fmt: skip
def trainings_data(request: Request, who: Caller, practitioner_id: RowId) -> list[talent.TrainingOut]:
    with context_of(request).reader() as s:
        return talent.trainings(s, who.actor, practitioner_id)


@router.post("/api/v1/practitioners/{practitioner_id}/trainings", response_model=talent.TrainingOut,
             summary="记录培训 / record a course attended", **API)  # fmt: skip
def training_add(request: Request, who: Caller, practitioner_id: RowId, body: talent.TrainingIn) -> talent.TrainingOut:
    return _write(request, talent.add_training, who.actor, practitioner_id, body, today_shanghai())


TitleYear = Annotated[int | None, Query(ge=2019, le=2100, description="评审年度 / the round's year")]


@router.get("/talent/titles", response_class=HTMLResponse, **PAGE)
def titles_page(request: Request, who: SignedIn, year: TitleYear = None) -> Response:
    """The year's title applications: the staff's review with the publish button, a committee member's sheets."""
    year = year or today_shanghai().year
    ctx = context_of(request)
    perms = who.actor.role_info.permissions
    with ctx.reader() as s:
        values = {"year": year, "review": titles.review(s, who.actor, year) if "records.read" in perms else None,
                  "sheets": titles.sheets(s, who.actor, year) if "titles.score" in perms else None,
                  "criteria": titles.title_panel().criteria, "results": titles.results(s, year),
                  "can_publish": who.actor.role == "province_admin"}  # fmt: skip
    return ctx.render(request, "titles.html", values, who=who)


@router.post("/talent/titles/{matter_id}/scores", **PAGE)
async def score_form(request: Request, who: FormSender, matter_id: RowId) -> Response:
    """A committee member's score sheet from the page: one number per criterion."""
    from ipstrong.messages import IpsError, Msg

    form = await request.form()
    scores = {}
    for c in titles.title_panel().criteria:
        text = str(form.get(c.id, "")).strip()
        try:
            scores[c.id] = float(text)
        except ValueError:
            raise IpsError(Msg(f"评分须为数字：{text}", f"a score is a number: {text}").located(field=c.id)) from None
    sheet = _write(request, titles.score, who.actor, matter_id, scores)
    return RedirectResponse(f"/talent/titles?year={sheet.year}", status_code=303)


@router.post("/talent/titles/publish", **PAGE)
def publish_form(request: Request, who: FormSender, year: FormYear) -> Response:
    _write(request, titles.publish, who.actor, year)
    return RedirectResponse(f"/talent/titles?year={year}", status_code=303)


@router.get("/api/v1/titles", response_model=titles.TitleReview, summary="职称评审 / the title review of a year", **API)
def titles_data(request: Request, who: Caller, year: TitleYear = None) -> titles.TitleReview:
    with context_of(request).reader() as s:
        return titles.review(s, who.actor, year or today_shanghai().year)


@router.get("/api/v1/titles/sheets", response_model=list[titles.TitleSheet], summary="评委评分表 / my score sheets", **API)
def sheets_data(request: Request, who: Caller, year: TitleYear = None) -> list[titles.TitleSheet]:
    with context_of(request).reader() as s:
        return titles.sheets(s, who.actor, year or today_shanghai().year)


class ScoresIn(BaseModel):
    scores: dict[str, float] = Field(description="每项评分 0–100 / a score of 0–100 per criterion")


@router.post("/api/v1/titles/{matter_id}/scores", response_model=titles.TitleSheet, summary="评分 / score an application", **API)
def score_add(request: Request, who: Caller, matter_id: RowId, body: ScoresIn) -> titles.TitleSheet:
    return _write(request, titles.score, who.actor, matter_id, body.scores)


class YearIn(BaseModel):
    year: int = Field(ge=2019, le=2100)


@router.post("/api/v1/titles/publish", response_model=titles.TitleReview, summary="公布评审结果 / publish the results", **API)
def titles_publish(request: Request, who: Caller, body: YearIn) -> titles.TitleReview:
    return _write(request, titles.publish, who.actor, body.year)


@router.get("/api/v1/public/titles", response_model=list[titles.TitleResult], summary="职称评审通过名单 / those who "
            "qualified", **API)  # fmt: skip
def title_results(request: Request, year: TitleYear = None) -> list[titles.TitleResult]:
    with context_of(request).reader() as s:
        return titles.results(s, year or today_shanghai().year)


# --- needs ----------------------------------------------------------------------------------------------------------
def _matches(request: Request, who: Who, need_id: int) -> needs.NeedMatches:
    ctx = context_of(request)
    with ctx.reader() as s:
        return needs.match_need(s, who.actor, ctx.data_dir, need_id, today_shanghai(), timeout_s=ctx.settings.query_timeout_s)


@router.get("/needs", response_class=HTMLResponse, **PAGE)
def needs_page(request: Request, who: SignedIn, need: Annotated[int | None, Query(ge=1)] = None) -> Response:
    """The needs the reader sees, the form that posts one, and a chosen need's matches."""
    with context_of(request).reader() as s:
        listed = needs.needs(s, who.actor)
    chosen = _matches(request, who, need) if need else None
    values = {"needs": listed, "m": chosen, "cities": jiangsu_cities(), **VOCAB}
    return context_of(request).render(request, "needs.html", values, who=who)


@router.post("/needs", **PAGE)
def need_form(request: Request, who: FormSender, carrier: Word = "", region_code: Word = "", fields: Word = "",
              services: Words = [], text: Text = "") -> Response:  # noqa: B006  # fmt: skip
    values = {"carrier": carrier, "region_code": region_code, "fields": agencies.split_list(fields), "services": services,
              "text": text}  # fmt: skip
    posted = _write(request, needs.post_need, who.actor, validated(needs.NeedIn, values))
    return RedirectResponse(f"/needs?need={posted.id}#matches", status_code=303)


@router.get("/api/v1/needs", response_model=list[needs.NeedOut], summary="创新载体需求 / carriers' needs", **API)
def needs_data(request: Request, who: Caller) -> list[needs.NeedOut]:
    with context_of(request).reader() as s:
        return needs.needs(s, who.actor)


@router.post("/api/v1/needs", response_model=needs.NeedOut, summary="发布需求 / post a need", **API)
def need_post(request: Request, who: Caller, body: needs.NeedIn) -> needs.NeedOut:
    return _write(request, needs.post_need, who.actor, body)


@router.get("/api/v1/needs/{need_id}/matches", response_model=needs.NeedMatches, summary="产才对接 / a need's matches", **API)
def need_matches(request: Request, who: Caller, need_id: RowId) -> needs.NeedMatches:
    return _matches(request, who, need_id)


# --- the survey -----------------------------------------------------------------------------------------------------
By = Annotated[str, Query(pattern="^(city|respondent)$", description="city | respondent")]


def _results(request: Request, who: Who, year: int | None, by: str) -> survey.SurveyResults:
    with context_of(request).reader() as s:
        return survey.results(s, who.actor, year or today_shanghai().year, by)


@router.get("/survey", response_class=HTMLResponse, **PAGE)
def survey_page(request: Request, who: SignedIn, year: YearQuery = None, by: By = "city") -> Response:
    """The satisfaction index of a year by city or respondent type, the quotas' fill, and the invitation form."""
    found = _results(request, who, year, by)
    values = {"r": found, "cities": jiangsu_cities(), "can_invite": _can_write(who), "issued": None, **VOCAB}
    return context_of(request).render(request, "survey.html", values, who=who)


@router.post("/survey/invitations", response_class=HTMLResponse, **PAGE)
def invite_form(request: Request, who: FormSender, year: FormYear, city_code: Word = "", respondent: Word = "",
                count: Word = "") -> Response:  # fmt: skip
    """Issue invitations from the page and show their links once."""
    from ipstrong.messages import IpsError, Msg

    if not count.strip().isdigit():
        raise IpsError(
            Msg(f"邀请数须为正整数：{count}", f"the number of invitations is a whole number: {count}").located(field="count")
        )
    issued = _write(request, survey.invite, who.actor, year, city_code, respondent, int(count))
    ctx = context_of(request)
    base = str(request.base_url).rstrip("/")
    values = {"r": _results(request, who, year, "city"), "cities": jiangsu_cities(), "can_invite": True,
              "issued": issued, "links": [f"{base}/survey/respond/{t}" for t in issued.tokens], **VOCAB}  # fmt: skip
    return ctx.render(request, "survey.html", values, who=who)


@router.get("/survey/results.xlsx", **PAGE)
def results_xlsx(request: Request, who: SignedIn, year: YearQuery = None, by: By = "city") -> Response:
    found = _results(request, who, year, by)
    work = FilePath(tempfile.mkdtemp(prefix="ipstrong-survey-"))
    out = work / f"satisfaction-{found.year}-{by}.xlsx"
    survey.write_results_xlsx(found, out)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return FileResponse(out, filename=out.name, media_type=media, background=BackgroundTask(shutil.rmtree, work, True))


@router.get("/api/v1/survey/results", response_model=survey.SurveyResults, summary="满意度指数 / the satisfaction index", **API)
def results_data(request: Request, who: Caller, year: YearQuery = None, by: By = "city") -> survey.SurveyResults:
    return _results(request, who, year, by)


class InviteIn(BaseModel):
    year: int = Field(ge=2000, le=2100)
    city_code: str = Field(max_length=6)
    respondent: str = Field(max_length=20)
    count: int = Field(ge=1, le=survey.MAX_BATCH)


@router.post("/api/v1/survey/invitations", response_model=survey.Invitations, summary="发放问卷邀请 / issue invitations", **API)
def invite_add(request: Request, who: Caller, body: InviteIn) -> survey.Invitations:
    return _write(request, survey.invite, who.actor, body.year, body.city_code, body.respondent, body.count)


@router.get("/survey/respond/{token}", response_class=HTMLResponse, **PAGE)
def respond_page(request: Request, token: Token) -> Response:
    """The questionnaire an invitation opens (no sign-in: the link is its key)."""
    with context_of(request).reader() as s:
        form = survey.survey_form(s, token)
    return context_of(request).render(request, "survey_respond.html", {"f": form, "token": token, "done": None, **VOCAB})


@router.post("/survey/respond/{token}", response_class=HTMLResponse, **PAGE)
async def respond_form(request: Request, token: Token) -> Response:
    """Take the answers from the form: each question's choice, a whole number."""
    form = await request.form()
    ids = survey.questionnaire().question_ids()
    answers = {k: int(v) if str(v).isdigit() else str(v) for k, v in form.items() if k in ids}
    done = _write(request, survey.submit, token, answers)
    return context_of(request).render(request, "survey_respond.html", {"f": None, "token": token, "done": done})


class AnswersIn(BaseModel):
    answers: dict[str, int] = Field(description="每题 1–5 / each question's answer, 1–5")


@router.post("/api/v1/survey/responses/{token}", response_model=survey.Receipt, summary="提交问卷 / submit a response",
             **API)  # fmt: skip
def respond_data(request: Request, token: Token, body: AnswersIn) -> survey.Receipt:
    return _write(request, survey.submit, token, body.answers)
