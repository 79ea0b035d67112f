"""Commands of the utilization pillar: an enterprise's portfolio and what keeping it costs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ipstrong.cli.common import FormatOpt, JsonOpt, OutOpt, app, chosen_format, data_dir_of, db_session, parse_date
from ipstrong.messages import Msg
from ipstrong.output import emit_document, emit_records, people_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ipstrong.accounts.roles import Actor
    from ipstrong.registry.awards import AwardRanking
    from ipstrong.registry.compliance import GapReport

portfolio_app = typer.Typer(help="企业专利组合与年费 / an enterprise's portfolio and its annual fees", no_args_is_help=True)
app.add_typer(portfolio_app, name="portfolio")


@portfolio_app.command("fees")
def portfolio_fees_command(
    ctx: typer.Context,
    entity: Annotated[int, typer.Option("--entity", help="申请人实体编号（ipstrong entities list）/ applicant entity id")],
    year: Annotated[int, typer.Option("--year", help="年度 / calendar year", min=1985, max=2100)],
    reduction: Annotated[
        float, typer.Option("--reduction", help="费减比例 %（如 85、70）/ fee reduction in % (85, 70)", min=0, max=85)
    ] = 0.0,
    today: Annotated[str | None, typer.Option("--today", help="按此日判断滞纳 YYYY-MM-DD / judge lateness as of")] = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
) -> None:
    """某年到期的年费、滞纳金、今后五年维持费用与可请求恢复的专利 / the annual fees due in a year, late fees, the cost of the
    next five years and the lapses that may still be restored."""
    from rich.console import Console

    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.registry.fees import FeeDue, MarkRenewal, portfolio_fees

    day = parse_date(today, "--today") if today else None
    with db_session(ctx) as session:
        result = portfolio_fees(session, SYSTEM, data_dir_of(ctx), entity, year, reduction, day)
    shown = chosen_format(as_json, fmt)
    if shown == "json":
        emit_document(result.model_dump(mode="json"), True)
        return
    title = f"{result.entity_name} · {year} 年到期年费 / annual fees due in {year}"
    emit_records(result.fees, shown, out, title=title, table_columns=FeeDue.TABLE, words={"state": "fee_state"})
    if shown != "table":
        return
    console = Console()
    console.print(str(Msg(f"合计 {result.total_yuan:,.2f} 元（费减 {result.reduction_pct:g}%）",
                          f"total {result.total_yuan:,.2f} yuan (reduction {result.reduction_pct:g} %)")))  # fmt: skip
    console.print(people_table([c.model_dump() for c in result.outlook], "今后各年维持费用 / the cost of the years ahead"))
    if result.restorable:
        rows = [r.model_dump(mode="json") for r in result.restorable]
        console.print(people_table(rows, "可请求恢复的专利 / lapses that may still be restored"))
    if result.marks:
        emit_records(result.marks, "table", title="注册商标与续展 / registered marks and their renewal",
                     table_columns=MarkRenewal.TABLE, words={"state": "mark_state"})  # fmt: skip


@portfolio_app.command("remind")
def portfolio_remind(
    ctx: typer.Context,
    today: Annotated[str | None, typer.Option("--today", help="按此日提醒 YYYY-MM-DD / as of this day")] = None,
    as_json: JsonOpt = False,
) -> None:
    """提醒企业用户即将到期或处于滞纳期的年费（任务队列每天早上运行）/ remind enterprises' users of annual fees due
    soon or in their grace period (the job queue runs it each morning)."""
    from ipstrong.registry.fee_reminders import send_fee_reminders

    day = parse_date(today, "--today") if today else None
    with db_session(ctx, write=True) as session:
        result = send_fee_reminders(session, data_dir_of(ctx), day)
    emit_document(result, as_json, result["message"])


pledges_app = typer.Typer(help="专利权质押 / patent pledges", no_args_is_help=True)
app.add_typer(pledges_app, name="pledges")


@pledges_app.command("stats")
def pledges_stats(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="年度 / year", min=1985, max=2100)],
    by: Annotated[str, typer.Option("--by", help="city|bank|sei|month")] = "city",
    half: Annotated[int | None, typer.Option("--half", help="1 上半年 / first half, 2 下半年 / second half")] = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
) -> None:
    """质押登记金额、项目数、专利数、服务企业数与千万元以下占比 / registered amount, projects, patents, enterprises
    served and the share under 10 million yuan."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.registry.pledges import PledgeStatRow, pledge_stats

    with db_session(ctx) as session:
        result = pledge_stats(SYSTEM, data_dir_of(ctx), year, by, half, session=session)
    shown = chosen_format(as_json, fmt)
    if shown == "json":
        emit_document(result.model_dump(mode="json"), True)
        return
    period = f"{year}" + (f" H{half}" if half else "")
    title = f"{period} 专利权质押 / patent pledges · {by}"
    emit_records([*result.rows, result.total], shown, out, title=title, table_columns=PledgeStatRow.TABLE)
    if shown == "table" and result.registry is not None and result.registry.registrations:
        here = result.registry
        print(str(Msg(f"本平台登记 {here.registrations} 笔，担保债权 {here.secured_10k_yuan:,.1f} 万元，"
                      f"已报放款 {here.reported} 笔 {here.lent_10k_yuan:,.1f} 万元",
                      f"registered here: {here.registrations}, secured {here.secured_10k_yuan:,.1f}, "
                      f"lent {here.lent_10k_yuan:,.1f} on {here.reported} (10,000 yuan)")))  # fmt: skip


@pledges_app.command("loan")
def pledges_loan(
    ctx: typer.Context,
    matter: Annotated[int, typer.Argument(help="质押登记事项编号 / the registration's matter id")],
    amount: Annotated[float, typer.Option("--amount", help="实际放款金额（万元）/ the amount lent")],
    on: Annotated[str, typer.Option("--on", help="放款日 YYYY-MM-DD / the day lent")],
) -> None:
    """记录银行实际放款（与登记的担保债权分列）/ record what the bank lent, apart from the secured amount."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.registry.pledge_registry import record_loan

    with db_session(ctx, write=True) as session:
        record_loan(session, SYSTEM, matter, amount, parse_date(on, "--on"))
    print(str(Msg(f"已记录放款 {amount:g} 万元", f"loan of {amount:g} (10,000 yuan) recorded")))


@pledges_app.command("import")
def pledges_import(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(help="质押登记清单（专利号、出质人、质权人、质押登记日、金额）/ pledge registers (CSV/XLSX)"),
    ],
    as_json: JsonOpt = False,
) -> None:
    """导入历史质押登记，发布新快照；错误行隔离 / import past pledge registrations into a new snapshot; bad rows are
    quarantined."""
    from ipstrong.cli.common import settings_of
    from ipstrong.cli.warehouse import print_ingest_report
    from ipstrong.registry.pledges import import_registrations

    report = import_registrations(files, data_dir_of(ctx), settings_of(ctx).resolved_database_url())
    print_ingest_report(report, as_json)


@app.command("match")
def match_command(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="需求描述 / the need, in a paragraph")],
    ipc: Annotated[str | None, typer.Option("--ipc", help="限定分类号（如 H01M）/ within an IPC class")] = None,
    region: Annotated[str | None, typer.Option("--region", help="限定地市或区县代码 / within a city or county")] = None,
    limit: Annotated[int, typer.Option("--limit", help="条数 / patents", min=1, max=50)] = 20,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
) -> None:
    """供需对接：按需求找可许可或转让的有效专利，高校院所未转让的在前，并说明理由 / the patents in force that answer a need,
    universities' and institutes' never-transferred ones first, each with why."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.registry.matching import Match, match_patents

    with db_session(ctx) as session:
        found = match_patents(session, SYSTEM, data_dir_of(ctx), text, ipc, region, limit)
    emit_records(found, chosen_format(as_json, fmt), out, title="供需对接 / matches", table_columns=Match.TABLE)


enterprises_app = typer.Typer(help="重点企业名录与分层 / the enterprise directory and its tiers", no_args_is_help=True)
app.add_typer(enterprises_app, name="enterprises")


@enterprises_app.command("tiers")
def enterprises_tiers(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="年末 / the year-end", min=1985, max=2100)],
    export: Annotated[Path | None, typer.Option("--export", help="写入 XLSX 名录 / write the directory as XLSX")] = None,
    tier: Annotated[str | None, typer.Option("--tier", help="只列此层级（none：未达任何层级）/ this tier only")] = None,
    city: Annotated[str | None, typer.Option("--city", help="地市代码 / city code")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="层级规则 CSV（默认随附）/ tier rules CSV")] = None,
    limit: Annotated[int, typer.Option("--limit", help="显示条数 / rows shown", min=1)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """每家企业的专利概况与所达层级，及较上年的变化 / each enterprise's figures, the tier it meets and its change on the
    year before."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.registry.tiers import EnterpriseTier, enterprise_tiers, write_tiers_xlsx

    everyone = enterprise_tiers(SYSTEM, data_dir_of(ctx), year, rules, tier, city, limit=None)
    if export is not None:
        write_tiers_xlsx(everyone, export)
    shown = everyone.model_copy(update={"rows": everyone.rows[:limit]})
    if as_json:
        emit_document(shown.model_dump(mode="json"), True)
        return
    counts = " · ".join(f"{t['name_zh']} {everyone.counts[t['tier']]}" for t in everyone.tiers)
    emit_records(shown.rows, "table", title=f"{year} · {counts} · 未达 none {everyone.counts['none']}",
                 table_columns=EnterpriseTier.TABLE)  # fmt: skip
    if export is not None:
        print(str(Msg(f"已写入 {export}（{everyone.total} 家）", f"written to {export} ({everyone.total} enterprises)")))


@pledges_app.command("publish")
def pledges_publish(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """把登记簿的质押登记与注销写入数据仓库（新快照）/ write the registry's registrations and cancellations into the
    warehouse (a new snapshot); what is stored already is not added twice."""
    from ipstrong.cli.common import settings_of
    from ipstrong.cli.warehouse import print_ingest_report
    from ipstrong.registry.warehouse_events import publish_events

    with db_session(ctx) as session:
        report = publish_events(session, data_dir_of(ctx), ("pledges",), settings_of(ctx).resolved_database_url())
    print_ingest_report(report, as_json)


awards_app = typer.Typer(help="江苏专利奖评审 / the Jiangsu Patent Award's review", no_args_is_help=True)
app.add_typer(awards_app, name="awards")
CycleOpt = Annotated[int, typer.Option("--cycle", help="届次，如 2 = 第二届 / the round", min=1, max=100)]
# a step of a matter is taken by a staff member of the body handling it: the console names whom it acts as
ActAs = Annotated[str, typer.Option("--as", help="以哪位工作人员的名义（须属承办机构）/ act as this staff member of the body")]


def acting_as(session: Session, username: str) -> Actor:
    """The actor of the user named ``username`` (a bilingual error when there is none)."""
    from ipstrong.accounts.service import actor_of, find_user

    return actor_of(find_user(session, username))


def _print_ranking(result: AwardRanking, as_json: bool, fmt: str | None, out: Path | None) -> None:
    from ipstrong.registry.awards import AwardEntry

    shown = chosen_format(as_json, fmt)
    if shown == "json":
        emit_document(result.model_dump(mode="json"), True)
        return
    given = " · ".join(f"{g.name_zh} {g.given}/{g.quota}" for g in result.grades)
    title = f"第{result.cycle}届江苏专利奖 / Jiangsu Patent Award round {result.cycle} · {given}"
    emit_records(result.entries, shown, out, title=title, table_columns=AwardEntry.TABLE)
    if shown == "table" and result.waiting:
        print(str(Msg(f"评分不足 {result.min_experts} 份：{'、'.join(result.waiting)}",
                      f"fewer than {result.min_experts} score sheets: {', '.join(result.waiting)}")))  # fmt: skip


@awards_app.command("ranking")
def awards_ranking(
    ctx: typer.Context, cycle: CycleOpt, as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None
) -> None:
    """按专家评分排序，并按名额给出拟授奖等级 / the applications ranked by the experts' scores, with the grade the quotas
    give each."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.registry.awards import ranking

    with db_session(ctx) as session:
        result = ranking(session, SYSTEM, cycle)
    _print_ranking(result, as_json, fmt, out)


@awards_app.command("publish")
def awards_publish(
    ctx: typer.Context,
    cycle: CycleOpt,
    as_user: ActAs,
    today: Annotated[str | None, typer.Option("--today", help="公布日期 YYYY-MM-DD / the day published")] = None,
    as_json: JsonOpt = False,
) -> None:
    """公布评审结果：每件申报进入所获等级或未获奖，获奖写入数据仓库 / publish the results: each application takes its
    grade or is not awarded, and the awards become warehouse events."""
    from ipstrong.cli.common import settings_of
    from ipstrong.cli.warehouse import print_ingest_report
    from ipstrong.registry.awards import publish
    from ipstrong.registry.warehouse_events import publish_events

    day = parse_date(today, "--today") if today else None
    with db_session(ctx, write=True) as session:
        result = publish(session, acting_as(session, as_user), cycle, day)
    _print_ranking(result, as_json, None, None)
    with db_session(ctx) as session:
        report = publish_events(session, data_dir_of(ctx), ("awards",), settings_of(ctx).resolved_database_url())
    if not as_json:
        print_ingest_report(report, False)


cultivation_app = typer.Typer(help="高价值专利培育中心 / high-value patent cultivation centres", no_args_is_help=True)
app.add_typer(cultivation_app, name="cultivation")


@cultivation_app.command("add")
def cultivation_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="培育中心名称 / the centre's name")],
    region: Annotated[str, typer.Option("--region", help="所在地区划代码 / region code")],
    lead: Annotated[str, typer.Option("--lead", help="牵头单位（按申请人名称）/ the lead applicant")],
    industry: Annotated[str, typer.Option("--industry", help="培育领域 / the field")],
    approved_year: Annotated[int, typer.Option("--approved-year", help="批准年度 / year approved")],
    member: Annotated[list[str] | None, typer.Option("--member", help="成员单位，可重复 / a member (repeat)")] = None,
) -> None:
    """登记一个培育中心 / record a cultivation centre."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.messages import validated
    from ipstrong.registry.cultivation import CentreIn, add_centre

    fields = {"name": name, "region_code": region, "lead": lead, "members": member or [], "industry": industry,
              "approved_year": approved_year}  # fmt: skip
    centre = validated(CentreIn, fields)
    with db_session(ctx, write=True) as session:
        add_centre(session, SYSTEM, centre)
    print(str(Msg(f"已登记培育中心：{centre.name}", f"centre recorded: {centre.name}")))


@cultivation_app.command("output")
def cultivation_output(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="年度 / calendar year", min=1985, max=2100)],
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
) -> None:
    """各培育中心当年的发明申请、授权、PCT 申请与年末有效、高价值发明 / each centre's filings, grants, PCT filings and
    year-end effective and high-value inventions."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.registry.cultivation import centre_output

    with db_session(ctx) as session:
        result = centre_output(session, SYSTEM, data_dir_of(ctx), year)
    shown = chosen_format(as_json, fmt)
    if shown == "json":
        emit_document(result.model_dump(mode="json"), True)
        return
    rows = [{"name": c.name, "region": c.region_name, **c.figures,
             "not_found": "、".join(m.name for m in c.members if m.entity_id is None)} for c in result.centres]  # fmt: skip
    emit_records(rows, shown, out, title=f"{year} 培育中心产出 / cultivation centres' output")


compliance_app = typer.Typer(help="GB/T 29490 企业知识产权合规自评 / the GB/T 29490 self-assessment", no_args_is_help=True)
app.add_typer(compliance_app, name="compliance")
OrgOpt = Annotated[int, typer.Option("--org", help="企业（机构编号，ipstrong orgs list）/ the enterprise's organisation id")]
AssessYear = Annotated[int, typer.Option("--year", help="自评年度 / the year assessed", min=2024, max=2100)]
ANSWER_COLUMNS = ("item", "score")  # and optionally evidence


@compliance_app.command("checklist")
def compliance_checklist(as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None) -> None:
    """自评清单：第 4–10 章条款与附录 B / the checklist: clauses 4-10 and Annex B."""
    from dataclasses import asdict

    from ipstrong.registry.compliance import checklist

    emit_records([asdict(i) for i in checklist()], chosen_format(as_json, fmt), out, title="GB/T 29490-2023")


@compliance_app.command("submit")
def compliance_submit(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV：item,score[,evidence]（score 0–3）")],
    org: OrgOpt,
    year: AssessYear,
    as_json: JsonOpt = False,
) -> None:
    """从文件录入自评（每行一个条款），输出差距报告 / enter a self-assessment from a file (one item a row) and print the
    gap report."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.csvin import read_rows
    from ipstrong.messages import IpsError
    from ipstrong.registry.compliance import Answer, AssessmentIn, save_assessment

    answers = {}
    for number, row in enumerate(read_rows(file, ANSWER_COLUMNS), start=2):
        score = (row["score"] or "").strip()
        if not score.isdigit() or int(score) > 3:
            raise IpsError(Msg(f"评分须为 0–3：{score!r}", f"a score is 0-3, not {score!r}").located(str(file), number, "score"))
        answers[row["item"].strip()] = Answer(score=int(score), evidence=(row.get("evidence") or "").strip()[:2000])
    with db_session(ctx, write=True) as session:
        report = save_assessment(session, SYSTEM, AssessmentIn(year=year, answers=answers), org)
    _print_gaps(report, as_json)


@compliance_app.command("gaps")
def compliance_gaps(ctx: typer.Context, org: OrgOpt, year: AssessYear, as_json: JsonOpt = False) -> None:
    """差距报告：各章得分率与未基本建立的条款 / the gap report: each clause's score and the items not yet in place."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.registry.compliance import gap_report

    with db_session(ctx) as session:
        _print_gaps(gap_report(session, SYSTEM, year, org), as_json)


def _print_gaps(report: GapReport, as_json: bool) -> None:
    if as_json:
        emit_document(report.model_dump(mode="json"), True)
        return
    verdict = Msg("符合", "conforms") if report.conforming else Msg(f"{len(report.gaps)} 项差距", f"{len(report.gaps)} gaps")
    title = f"{report.organisation} · {report.year} · {report.score_pct} % · {verdict}"
    emit_records([c.model_dump() for c in report.clauses], "table", title=title)
    if report.gaps:
        emit_records([g.model_dump() for g in report.gaps], "table", title="差距 / gaps")


@compliance_app.command("adoption")
def compliance_adoption(
    ctx: typer.Context, year: AssessYear, as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None
) -> None:
    """各地市企业自评与达标情况 / adoption by city: enterprises assessed, complete and conforming."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.registry.compliance import CityAdoption, adoption

    with db_session(ctx) as session:
        result = adoption(session, SYSTEM, year)
    shown = chosen_format(as_json, fmt)
    if shown == "json":
        emit_document(result.model_dump(mode="json"), True)
        return
    emit_records([*result.rows, result.total], shown, out, title=f"GB/T 29490 · {year}", table_columns=CityAdoption.TABLE)


projects_app = typer.Typer(help="知识产权战略推进计划项目 / programme projects", no_args_is_help=True)
app.add_typer(projects_app, name="projects")
AmountOpt = Annotated[float, typer.Option("--amount", help="金额（万元）/ amount in 10,000 yuan")]
MatterArg = Annotated[int, typer.Argument(help="项目事项编号（ipstrong matters list）/ the project's matter id")]


@projects_app.command("output")
def projects_output(
    ctx: typer.Context,
    call: Annotated[str | None, typer.Option("--call", help="申报通知编号 / one call's projects")] = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
) -> None:
    """已立项项目的经费与实施期内发明申请、授权对照目标 / funded projects' money and their invention filings and grants
    within the term against the targets."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.registry.projects import ProjectOutput, project_output

    with db_session(ctx) as session:
        rows = project_output(session, SYSTEM, data_dir_of(ctx), call)
    emit_records(rows, chosen_format(as_json, fmt), out, title="计划项目产出 / programme projects' output",
                 table_columns=ProjectOutput.TABLE)  # fmt: skip


@projects_app.command("fund")
def projects_fund(ctx: typer.Context, matter: MatterArg, amount: AmountOpt, as_user: ActAs) -> None:
    """立项并记录资助金额（评审意见与立项通知须已上传）/ fund a project in review with the amount granted."""
    from ipstrong.registry.projects import decide

    with db_session(ctx, write=True) as session:
        funded = decide(session, acting_as(session, as_user), matter, amount)
        print(str(Msg(f"{funded.number} 已立项，资助 {amount:g} 万元", f"{funded.number} funded with {amount:g} (10,000 yuan)")))


@projects_app.command("spent")
def projects_spent(ctx: typer.Context, matter: MatterArg, amount: AmountOpt) -> None:
    """记录验收决算金额 / record what a funded project spent."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.registry.projects import record_spending

    with db_session(ctx, write=True) as session:
        record_spending(session, SYSTEM, matter, amount)
    print(str(Msg(f"已记录决算 {amount:g} 万元", f"spending of {amount:g} (10,000 yuan) recorded")))


valuation_app = typer.Typer(help="专利价值评估（GB/T 42748）/ patent valuation", no_args_is_help=True)
app.add_typer(valuation_app, name="valuation")
PurposeOpt = Annotated[
    str, typer.Option("--purpose", help="transfer_licence | financing | tax | infringement | tiered_management")
]
AppNoArg = Annotated[str, typer.Argument(help="申请号 / application number")]


@valuation_app.command("show")
def valuation_show(
    ctx: typer.Context,
    app_no: AppNoArg,
    purpose: PurposeOpt = "financing",
    asof: Annotated[str | None, typer.Option("--asof", help="评估基准日 YYYY-MM-DD / as of")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="另存 PDF 报告 / also write the PDF report")] = None,
    as_json: JsonOpt = False,
) -> None:
    """一件专利按评估目的的价值指数与分项指标 / a patent's value index and indicators for a purpose."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.registry.valuation import render_report_pdf, valuation

    day = parse_date(asof, "--asof") if asof else None
    with db_session(ctx) as session:
        report = valuation(session, SYSTEM, data_dir_of(ctx), app_no, purpose, day)
    if pdf is not None:
        pdf.write_bytes(render_report_pdf(report))
    if as_json:
        emit_document(report.model_dump(mode="json"), True)
        return
    title = f"{report.app_no} · {report.purpose_zh} / {report.purpose_en} · {report.asof} · 价值指数 index {report.index}"
    emit_records([s.model_dump() for s in report.scores], "table", title=title)
    if pdf is not None:
        print(str(Msg(f"已写入 {pdf}", f"written to {pdf}")))


@valuation_app.command("enter")
def valuation_enter(
    ctx: typer.Context,
    app_no: AppNoArg,
    purpose: PurposeOpt,
    score: Annotated[list[str] | None, typer.Option("--score", help="指标=分数，可重复，如 market=70 / indicator=score")] = None,
    amount: Annotated[float | None, typer.Option("--amount", help="评估值（万元）/ value found")] = None,
    method: Annotated[str | None, typer.Option("--method", help="income | market | cost")] = None,
    as_json: JsonOpt = False,
) -> None:
    """评估人员录入数据仓库无法给出的指标 / an evaluator enters the indicators the warehouse cannot give."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.messages import IpsError, validated
    from ipstrong.registry.valuation import EvaluationIn, record_evaluation

    scores = {}
    for item in score or []:
        name, _, value = item.partition("=")
        if not value:
            raise IpsError(
                Msg(f"--score 须为 指标=分数：{item}", f"--score takes indicator=score, not {item}").located(field="--score")
            )
        scores[name.strip()] = value.strip()
    entry = validated(EvaluationIn, {"purpose": purpose, "scores": scores, "amount_10k_yuan": amount, "method": method})
    with db_session(ctx, write=True) as session:
        report = record_evaluation(session, SYSTEM, data_dir_of(ctx), app_no, entry)
    emit_document(report.model_dump(mode="json"), as_json, str(Msg(f"价值指数 {report.index}", f"value index {report.index}")))


@enterprises_app.command("profile")
def enterprises_profile(
    ctx: typer.Context,
    entity: Annotated[int, typer.Argument(help="申请人实体编号 / applicant entity id")],
    year: Annotated[int, typer.Option("--year", help="年度 / year", min=1985, max=2100)],
    as_json: JsonOpt = False,
) -> None:
    """企业画像：指标与层级（对比上年）、商标、获奖、质押与事项 / one enterprise's profile."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.registry.profile import enterprise_profile

    with db_session(ctx) as session:
        profile = enterprise_profile(session, SYSTEM, data_dir_of(ctx), entity, year)
    if as_json:
        emit_document(profile.model_dump(mode="json"), True)
        return
    title = f"{profile.name} · {year} · {profile.tier or '—'}（{year - 1}：{profile.previous_tier or '—'}）"
    rows = [{"measure": m, str(year): v, str(year - 1): profile.previous[m]} for m, v in profile.figures.items()]
    rows += [{"measure": "registered_marks", str(year): profile.registered_marks},
             {"measure": "pledged_patents", str(year): profile.pledged_patents},
             {"measure": "awards", str(year): len(profile.awards)},
             {"measure": "matters", str(year): sum(m.matters for m in profile.matters)}]  # fmt: skip
    emit_records(rows, "table", title=title)
