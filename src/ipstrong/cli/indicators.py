"""Commands on the official indicators: the catalogue, figures, the patents behind a figure, the city
assessment."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ipstrong.cli.common import FormatOpt, JsonOpt, OutOpt, app, chosen_format, data_dir_of, parse_date
from ipstrong.messages import IpsError, Msg
from ipstrong.output import emit_records

if TYPE_CHECKING:
    from ipstrong.indicators.measures import Parameters


indicators_app = typer.Typer(help="官方指标 / official indicators", no_args_is_help=True)
app.add_typer(indicators_app, name="indicators")


def with_parameters(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command the catalogue's open parameters as options (indicators/catalogue.py, OPEN_PARAMETERS: the flag,
    default, options or range and label of each), passed to it as one ``params`` — the same names and defaults as
    the API's query parameters."""
    from ipstrong.indicators.catalogue import OPEN_PARAMETERS

    hints = typing.get_type_hints(command, include_extras=True, localns={"Parameters": object})
    own = [q.replace(annotation=hints[q.name]) for q in inspect.signature(command).parameters.values() if q.name != "params"]
    options = [
        inspect.Parameter(
            p.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=p.default,
            annotation=Annotated[type(p.default), typer.Option(p.flag, help=p.label)],
        )
        for p in OPEN_PARAMETERS.values()
    ]

    @functools.wraps(command)
    def run(**values: Any) -> None:
        from ipstrong.indicators.measures import Parameters

        chosen = {name: values.pop(name) for name in OPEN_PARAMETERS}
        command(**values, params=Parameters(**chosen))

    signature = inspect.Signature([*own, *options])
    run.__signature__ = signature  # type: ignore[attr-defined]
    run.__annotations__ = {q.name: q.annotation for q in signature.parameters.values()}
    return run


@indicators_app.command("list")
def indicators_list(as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None) -> None:
    """指标目录（含定义来源与参数）/ the indicator catalogue, with sources and parameters."""
    from ipstrong.indicators.catalogue import CATALOGUE

    table = ("id", "name_zh", "name_en", "unit", "kind")  # the sources and parameters: --json, --format csv|xlsx
    emit_records([i.to_dict() for i in CATALOGUE], chosen_format(as_json, fmt), out, table_columns=table)


@indicators_app.command("compute")
@with_parameters
def indicators_compute(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", help="年末 / as of Y-12-31")] = None,
    asof: Annotated[str | None, typer.Option("--asof", help="截至日期 / as of DATE")] = None,
    from_year: Annotated[int | None, typer.Option("--from", help="起始年 / first year-end")] = None,
    to_year: Annotated[int | None, typer.Option("--to", help="截止年 / last year-end")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="区划代码或开发区，默认本省 / region code or zone id (home province)")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="city|district|zone|city,district")] = None,
    indicator: Annotated[list[str] | None, typer.Option("--indicator", help="指标编号，可重复 / indicator id")] = None,
    snapshot: Annotated[str | None, typer.Option("--snapshot", help="快照 / snapshot id")] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb|spark（spark_master 设置）/ where to compute")] = "duckdb",
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
    *,
    params: Parameters,
) -> None:
    """计算指标 / compute indicators for regions and year-ends (default: the last complete year-end in the data)."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.indicators.engine import default_asof
    from ipstrong.indicators.records import FigureRecord
    from ipstrong.indicators.service import figures

    data = data_dir_of(ctx)
    if asof:
        dates = [parse_date(asof, "--asof")]
    elif year:
        dates = [dt.date(year, 12, 31)]
    elif from_year and to_year:
        dates = [dt.date(y, 12, 31) for y in range(from_year, to_year + 1)]
    else:
        dates = [default_asof(data)]
    records = figures(SYSTEM, data, indicator, dates, region, by, snapshot, engine=engine, params=params)
    emit_records(records, chosen_format(as_json, fmt), out, table_columns=FigureRecord.TABLE, words=FigureRecord.WORDS)


@indicators_app.command("explain")
@with_parameters
def indicators_explain(
    ctx: typer.Context,
    indicator: Annotated[str, typer.Option("--indicator", help="指标编号 / indicator id")],
    region: Annotated[str, typer.Option("--region", help="区划代码 / region code")],
    asof: Annotated[str, typer.Option("--asof", help="截至日期 / as-of date")],
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
    *,
    params: Parameters,
) -> None:
    """列出指标分子背后的每一件专利 / the patents behind a figure, row by row."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.indicators.service import patents_behind

    rows = patents_behind(SYSTEM, data_dir_of(ctx), indicator, region, parse_date(asof, "--asof"), params=params)
    chosen = chosen_format(as_json, fmt)
    if out and out.suffix.lower() == ".csv" and fmt is None and not as_json:
        chosen = "csv"
    emit_records(rows, chosen, out)


@app.command("assess")
@with_parameters
def assess_cmd(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="考核年度 / the year assessed")],
    targets: Annotated[Path, typer.Option("--targets", help="CSV: region_code, indicator, year, target, direction")],
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
    *,
    params: Parameters,
) -> None:
    """城市考核表：完成值、目标、完成率、同比、排名、公布值 / the city assessment table (the parameters of
    indicators compute)."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.indicators.assess import write_assessment_xlsx
    from ipstrong.indicators.records import AssessmentRow
    from ipstrong.indicators.service import assessment

    rows = [r.model_dump() for r in assessment(SYSTEM, data_dir_of(ctx), year, targets, params)]
    chosen = chosen_format(as_json, fmt)
    if chosen == "xlsx" or (out is not None and out.suffix.lower() == ".xlsx" and fmt is None and not as_json):
        if out is None:
            raise IpsError(Msg("xlsx 格式需要 --out 文件", "xlsx needs --out FILE"))
        write_assessment_xlsx(rows, out)
        print(str(Msg(f"已写入 {out}", f"written to {out}")))
        return
    emit_records(rows, chosen, out, table_columns=AssessmentRow.TABLE)
