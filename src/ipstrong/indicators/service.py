"""The indicator services: what a person may compute, list and assess, checked here once (``accounts.visibility``
states the rule) and then computed by the engine. The pages, the JSON API and the command line call these."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ipstrong.accounts.roles import Actor, PermissionDenied, require
from ipstrong.accounts.visibility import assessment_rows, may_list, require_figures
from ipstrong.config import settings
from ipstrong.indicators.measures import DEFAULTS, Parameters
from ipstrong.indicators.records import AssessmentRow, FigureRecord
from ipstrong.messages import Msg


def figures(
    actor: Actor,
    data_dir: Path,
    indicator_ids: list[str] | None,
    asof_dates: list[dt.date],
    region: str | None = None,
    by: str | None = None,
    snapshot: str | None = None,
    engine: str = "duckdb",
    params: Parameters = DEFAULTS,
    timeout_s: float | None = None,
) -> list[FigureRecord]:
    """The figures of ``region`` (the home province by default), broken down ``by`` city or district, for each
    as-of date: province and city figures for everyone signed in, those below a city within the actor's scope."""
    from ipstrong.indicators.engine import compute

    region = region or settings(data_dir).home_province
    require_figures(actor, region, by, may_list(actor, region, data_dir))
    records = compute(data_dir, indicator_ids, asof_dates, region, by, snapshot, engine, params, timeout_s)
    return [FigureRecord(**r) for r in records]


def patents_behind(
    actor: Actor,
    data_dir: Path,
    indicator_id: str,
    region: str | None,
    asof: dt.date,
    limit: int | None = None,
    params: Parameters = DEFAULTS,
    timeout_s: float | None = None,
) -> list[dict[str, Any]]:
    """The patents behind a figure's numerator, row by row: records, so only within the actor's region."""
    from ipstrong.indicators.engine import explain

    require(actor, "records.read")
    region = region or settings(data_dir).home_province
    if not may_list(actor, region, data_dir):
        raise PermissionDenied(Msg("该地区不在您的权限范围内", "this region is outside your scope"))
    return explain(data_dir, indicator_id, region, asof, limit=limit, params=params, timeout_s=timeout_s)


def assessment(actor: Actor, data_dir: Path, year: int, targets_file: Path, params: Parameters = DEFAULTS) -> list[AssessmentRow]:
    """The city assessment for the targets in ``targets_file``: the rows in the actor's scope, the rank only for
    those who see every city."""
    from ipstrong.indicators.assess import assess

    require(actor, "records.read")
    return [AssessmentRow(**r) for r in assessment_rows(actor, assess(data_dir, year, targets_file, params))]
