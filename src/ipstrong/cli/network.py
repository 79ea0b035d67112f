"""Commands of the service network: the agency directory and its activity, service points, the talent registry and
engineer titles, carriers' needs, and the satisfaction survey."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from ipstrong.cli.common import FormatOpt, JsonOpt, OutOpt, app, chosen_format, data_dir_of, db_session, parse_date
from ipstrong.cli.registry import ActAs, acting_as
from ipstrong.messages import Msg
from ipstrong.output import emit_document, emit_records

YearOpt = Annotated[int, typer.Option("--year", help="年度 / calendar year", min=1985, max=2100)]
TodayOpt = Annotated[str | None, typer.Option("--today", help="按此日 YYYY-MM-DD / as of this day")]


def _today(text: str | None) -> dt.date:
    from ipstrong.clock import today_shanghai

    return parse_date(text, "--today") if text else today_shanghai()


agencies_app = typer.Typer(help="知识产权服务机构名录 / the IP service agency directory", no_args_is_help=True)
app.add_typer(agencies_app, name="agencies")


@agencies_app.command("import")
def agencies_import(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="机构清单 CSV/XLSX（机构名称、统一社会信用代码、机构代码、机构类型、所在地区代码、"
            "执业代理师人数、服务项目、所属集聚区）/ the agencies, CSV or XLSX"
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """导入服务机构，全部成功或全部不导入 / import agencies: all of the file or none of it."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.network.agencies import import_agencies

    with db_session(ctx, write=True) as session:
        report = import_agencies(session, SYSTEM, file)
    if as_json:
        emit_document(report.model_dump(mode="json"), True)
        return
    print(str(Msg(f"{report.file}：读取 {report.read} 行，登记 {report.added} 家", f"{report.file}: {report.read} rows read, "
                  f"{report.added} agencies recorded")))  # fmt: skip


@agencies_app.command("list")
def agencies_list(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option("--kind", help="机构类型 / kind")] = None,
    city: Annotated[str | None, typer.Option("--city", help="地市代码 / city code")] = None,
    service: Annotated[str | None, typer.Option("--service", help="服务项目 / service")] = None,
    name: Annotated[str | None, typer.Option("--name", help="名称包含 / name contains")] = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
) -> None:
    """服务机构名录（可筛选）；--format xlsx --out 导出 / the directory, filtered; export with --format xlsx --out."""
    from ipstrong.messages import validated
    from ipstrong.network.agencies import AgencyOut, DirectoryQuery, directory, write_directory_xlsx

    query = validated(DirectoryQuery, {"kind": kind, "city": city, "service": service, "q": name})
    with db_session(ctx) as session:
        found = directory(session, query)
    shown = chosen_format(as_json, fmt)
    if shown == "xlsx" and out is not None:
        write_directory_xlsx(found, out)
        return
    emit_records(found.agencies, shown, out, title=f"服务机构 / agencies: {len(found.agencies)}/{found.total}",
                 table_columns=AgencyOut.TABLE)  # fmt: skip


@agencies_app.command("stats")
def agencies_stats(
    ctx: typer.Context, year: YearOpt, as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None
) -> None:
    """各机构当年代理申请量、授权量、授权率、授权周期及驳回、撤回、非正常申请占比 / each agency's filings, grants, grant
    rate, time to grant and shares rejected, withdrawn and abnormal in a year."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.network.agencies import AgencyFigures, activity

    with db_session(ctx) as session:
        result = activity(session, SYSTEM, data_dir_of(ctx), year)
    shown = chosen_format(as_json, fmt)
    if shown == "json":
        emit_document(result.model_dump(mode="json"), True)
        return
    emit_records(result.agencies, shown, out, title=f"{year} 服务机构业务 / agency activity",
                 table_columns=AgencyFigures.TABLE)  # fmt: skip


points_app = typer.Typer(help="信息公共服务网点与工作站 / information service points and workstations", no_args_is_help=True)
app.add_typer(points_app, name="points")


@points_app.command("output")
def points_output(ctx: typer.Context, year: YearOpt, as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None) -> None:
    """各网点当年咨询、检索、培训服务量 / each point's consultations, searches and trainings in a year."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.network.points import PointOutput, point_output

    with db_session(ctx) as session:
        result = point_output(session, SYSTEM, year)
    emit_records(result.points, chosen_format(as_json, fmt), out, title=f"{year} 网点服务量 / points' services",
                 table_columns=PointOutput.TABLE)  # fmt: skip


@points_app.command("coverage")
def points_coverage(ctx: typer.Context, today: TodayOpt = None, as_json: JsonOpt = False) -> None:
    """网点数量与区县覆盖率对照省目标 / the network against the province's targets."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.network.points import coverage

    with db_session(ctx) as session:
        result = coverage(session, SYSTEM, _today(today))
    if as_json:
        emit_document(result.model_dump(mode="json"), True)
        return
    print(str(Msg(f"网点 {result.points}/{result.target_points}（{result.target_year} 年目标），区县覆盖 "
                  f"{result.counties_covered}/{result.counties}（{result.county_share:.1%}，目标过半）",
                  f"points {result.points}/{result.target_points} (target {result.target_year}), counties covered "
                  f"{result.counties_covered}/{result.counties} ({result.county_share:.1%}, target over half)")))  # fmt: skip
    emit_records([c.model_dump() for c in result.cities], "table", None, title="按地市 / by city")


titles_app = typer.Typer(help="知识产权工程师职称评审 / IP-engineer titles", no_args_is_help=True)
app.add_typer(titles_app, name="titles")


@titles_app.command("review")
def titles_review(ctx: typer.Context, year: YearOpt, as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None) -> None:
    """当年申报及评委会评分 / the year's applications and the committee's scores."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.network.titles import TitleEntry, review

    with db_session(ctx) as session:
        result = review(session, SYSTEM, year)
    if chosen_format(as_json, fmt) == "json":
        emit_document(result.model_dump(mode="json"), True)
        return
    emit_records(result.entries, chosen_format(as_json, fmt), out, title=f"{year} 职称评审 / title review",
                 table_columns=TitleEntry.TABLE)  # fmt: skip


@titles_app.command("publish")
def titles_publish(ctx: typer.Context, year: YearOpt, as_user: ActAs, today: TodayOpt = None, as_json: JsonOpt = False) -> None:
    """公布评审结果：达到合格分数线者通过 / publish the results: those reaching the pass score qualify."""
    from ipstrong.network.titles import TitleEntry, publish

    with db_session(ctx, write=True) as session:
        result = publish(session, acting_as(session, as_user), year, _today(today))
    if as_json:
        emit_document(result.model_dump(mode="json"), True)
        return
    emit_records(result.entries, "table", None, title=f"{year} 职称评审结果 / results", table_columns=TitleEntry.TABLE)


survey_app = typer.Typer(help="知识产权保护社会满意度调查 / the satisfaction survey", no_args_is_help=True)
app.add_typer(survey_app, name="survey")


@survey_app.command("invite")
def survey_invite(
    ctx: typer.Context,
    year: YearOpt,
    city: Annotated[str, typer.Option("--city", help="地市代码 / city code")],
    respondent: Annotated[str, typer.Option("--respondent", help="enterprise|institution|agency|public")],
    count: Annotated[int, typer.Option("--count", help="邀请数 / invitations", min=1)],
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """按配额发放问卷邀请，输出一次性作答链接 / issue invitations within the quota: one answer link each, shown once."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.cli.common import settings_of
    from ipstrong.network.survey import invite

    with db_session(ctx, write=True) as session:
        found = invite(session, SYSTEM, year, city, respondent, count)
    base = (settings_of(ctx).public_url or "").rstrip("/")
    links = [{"link": f"{base}/survey/respond/{t}"} for t in found.tokens]
    if as_json:
        emit_document({**found.model_dump(mode="json"), "links": [x["link"] for x in links]}, True)
        return
    emit_records(links, "csv" if out else "table", out, title=f"邀请 / invitations {found.issued}/{found.quota}")


@survey_app.command("results")
def survey_results(
    ctx: typer.Context,
    year: YearOpt,
    by: Annotated[str, typer.Option("--by", help="city|respondent：按地市或调查对象 / by city or respondent type")] = "city",
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
) -> None:
    """满意度指数（含置信区间、分维度、同比）；--format xlsx --out 导出 / the satisfaction index with intervals,
    dimensions and the year before; export with --format xlsx --out."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.network.survey import GroupResult, results, write_results_xlsx

    with db_session(ctx) as session:
        found = results(session, SYSTEM, year, by)
    shown = chosen_format(as_json, fmt)
    if shown == "json":
        emit_document(found.model_dump(mode="json"), True)
        return
    if shown == "xlsx" and out is not None:
        write_results_xlsx(found, out)
        return
    emit_records([*found.groups, found.province], shown, out, title=f"{year} 知识产权保护社会满意度 / satisfaction index",
                 table_columns=GroupResult.TABLE)  # fmt: skip
