"""Commands on matters (cases and services) and on working days and periods."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ipstrong.cli.common import (
    FormatOpt,
    JsonOpt,
    app,
    chosen_format,
    data_dir_of,
    db_session,
    parse_date,
    queue_job,
    settings_of,
)
from ipstrong.messages import IpsError, Msg
from ipstrong.output import emit_document, emit_records, stderr, to_json

if TYPE_CHECKING:
    from ipstrong.matters.records import MatterSummary


matters_app = typer.Typer(help="事项（案件与服务）/ matters: cases and services", no_args_is_help=True)
app.add_typer(matters_app, name="matters")


@matters_app.command("types")
def matters_types(as_json: JsonOpt = False) -> None:
    """已声明的事项类型：状态、流转、期限及其依据 / the declared matter types: states, steps, deadlines and their rules."""
    from ipstrong.matters.catalogue import MATTER_TYPES

    types = [t.to_dict() for t in MATTER_TYPES.values()]
    if as_json:
        sys.stdout.write(to_json(types) + "\n")
        return
    rows = [
        {
            "id": t["id"],
            "name": f"{t['name_zh']} / {t['name_en']}",
            "states": "、".join(s["name_zh"] for s in t["states"]),
            "deadlines": "；".join(
                f"{d['name_zh']} {d['amount']} {d['unit']}{'' if d['verified'] else '（待核）'}" for d in t["deadlines"]
            ),
        }
        for t in types
    ]
    emit_records(rows, "table")


def _matter_rows(rows: list[MatterSummary], as_json: bool, fmt: str | None) -> None:
    from ipstrong.matters.records import MatterSummary

    emit_records(rows, chosen_format(as_json, fmt), table_columns=MatterSummary.TABLE)


@matters_app.command("overdue")
def matters_overdue(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option("--date", help="以哪天为今天（默认今天）/ the day taken as today")] = None,
    body: Annotated[int | None, typer.Option("--body", help="承办机构编号 / body id")] = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """已过期限仍未办结的事项（中止等暂停计时的除外）/ open matters past their limit (paused ones excepted)."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.matters.service import list_matters

    today = parse_date(date, "--date") if date else None
    with db_session(ctx, write=True) as session:
        rows = list_matters(session, SYSTEM, body_id=body, due="overdue", limit=100_000, today=today)
    _matter_rows(sorted(rows, key=lambda r: r.due_on or dt.date.max), as_json, fmt)


@matters_app.command("list")
def matters_list(
    ctx: typer.Context,
    type_id: Annotated[str | None, typer.Option("--type", help="事项类型 / matter type")] = None,
    state: Annotated[str | None, typer.Option("--state", help="状态 / state")] = None,
    region: Annotated[str | None, typer.Option("--region", help="区划代码 / region code")] = None,
    body: Annotated[int | None, typer.Option("--body", help="承办机构编号 / body id")] = None,
    due: Annotated[str | None, typer.Option("--due", help="open | overdue | soon")] = None,
    q: Annotated[str, typer.Option("--q", help="编号、案由或当事人 / number, title or party")] = "",
    limit: Annotated[int, typer.Option("--limit", help="最多条数 / at most")] = 100,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """事项列表（最新收件在前）/ matters, newest first."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.matters.service import list_matters

    cfg = settings_of(ctx)
    with db_session(ctx, write=True) as session:
        rows = list_matters(session, SYSTEM, type_id, state, region, body, due, q, limit, soon_days=cfg.due_soon_working_days)
    _matter_rows(rows, as_json, fmt)


@matters_app.command("show")
def matters_show(
    ctx: typer.Context, matter_id: Annotated[int, typer.Argument(help="事项编号（内部 id）/ matter id")], as_json: JsonOpt = False
) -> None:
    """一个事项：当事人、专利、材料、期限与流转记录 / one matter: parties, patents, documents, limits, history."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.matters.service import matter_detail

    with db_session(ctx, write=True) as session:
        found = matter_detail(session, SYSTEM, matter_id).model_dump(mode="json")
    if as_json:
        emit_document(found, True)
        return
    sys.stdout.write(f"{found['number']}  {found['type_zh']}  {found['title']}\n{found['state_zh']} / {found['state_en']}\n")
    for limit in found["limits"]:
        state = f"已于 {limit['met_on']} 完成" if limit["met_on"] else f"届满 {limit['due']}（剩 {limit['days_left']} 天）"
        sys.stdout.write(f"  {limit['name_zh']}: {state}\n")
    emit_records(
        [
            {"day": h["day"], "actor": h["actor"], "action": h["action"], "step": h["step"] or "", "text": h["text"] or ""}
            for h in found["history"]
        ],
        "table",
    )


@matters_app.command("centre-register")
def matters_centre_register(
    ctx: typer.Context,
    centre: Annotated[int, typer.Argument(help="保护中心的机构编号 / the centre's organisation id")],
    credit_code: Annotated[str, typer.Argument(help="企业统一社会信用代码 / credit code")],
    name: Annotated[str, typer.Argument(help="企业名称 / name")],
    date: Annotated[str | None, typer.Option("--date", help="备案日期 / registered on")] = None,
    as_json: JsonOpt = False,
) -> None:
    """把企业列入保护中心备案名单（快速预审只受理备案企业）/ put an enterprise on a centre's register."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.clock import today_shanghai
    from ipstrong.matters.centres import register_enterprise

    day = parse_date(date, "--date") if date else today_shanghai()
    with db_session(ctx, write=True) as session:
        result = register_enterprise(session, SYSTEM, centre, credit_code, name, day)
    emit_document(result, as_json, str(Msg(f"已备案 {result['credit_code']}", f"registered {result['credit_code']}")))


@matters_app.command("centre-field")
def matters_centre_field(
    ctx: typer.Context,
    centre: Annotated[int, typer.Argument(help="保护中心的机构编号 / the centre's organisation id")],
    ipc: Annotated[str, typer.Argument(help="IPC 前缀，如 H01M、G06F16 / IPC prefix")],
    name: Annotated[str, typer.Argument(help="领域名称，如 新能源 / field name")],
    as_json: JsonOpt = False,
) -> None:
    """声明保护中心的预审技术领域 / declare one of a centre's pre-examination fields."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.matters.centres import declare_field

    with db_session(ctx, write=True) as session:
        result = declare_field(session, SYSTEM, centre, ipc, name)
    emit_document(result, as_json, str(Msg(f"已声明 {result['ipc_prefix']}", f"declared {result['ipc_prefix']}")))


@matters_app.command("remind")
def matters_remind(
    ctx: typer.Context,
    background: Annotated[bool, typer.Option("--background", help="排入后台任务队列 / queue it as a background job")] = False,
    as_json: JsonOpt = False,
) -> None:
    """提醒承办人即将到期和已超期的事项（任务执行器每天早上 8 点自动运行）/ remind handlers of limits near or past."""
    if background:
        queue_job(ctx, "reminders", {}, as_json)
        return
    from ipstrong.matters.reminders import send_reminders

    cfg = settings_of(ctx)
    with db_session(ctx, write=True) as session:
        result = send_reminders(session, soon_days=cfg.due_soon_working_days)
    emit_document(result, as_json, result["message"])


@matters_app.command("limits")
def matters_limits(ctx: typer.Context, as_json: JsonOpt = False, fmt: FormatOpt = None) -> None:
    """未找到依据的时限：默认值与本局设定值 / the limits no rule was found for: default and the office's figure."""
    from ipstrong.matters.service import limit_parameters

    with db_session(ctx) as session:
        rows = limit_parameters(session)
    emit_records(rows, chosen_format(as_json, fmt))


@matters_app.command("limit-set")
def matters_limit_set(
    ctx: typer.Context,
    type_id: Annotated[str, typer.Argument(help="事项类型 / matter type")],
    rule: Annotated[str, typer.Argument(help="期限 / limit id")],
    amount: Annotated[int, typer.Argument(help="时限（按该期限的单位）/ amount, in the limit's unit")],
    source: Annotated[str, typer.Option("--source", help="依据 / where the figure comes from")],
    as_json: JsonOpt = False,
) -> None:
    """设定未找到依据的时限（未结事项随之重算）/ set the figure of an unverified limit (open matters recounted)."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.matters.service import set_limit

    with db_session(ctx, write=True) as session:
        result = set_limit(session, SYSTEM, type_id, rule, amount, source)
    emit_document(result, as_json, str(Msg(f"已设定 {type_id}.{rule} = {amount}", f"set {type_id}.{rule} = {amount}")))


@matters_app.command("key-export")
def matters_key_export(
    ctx: typer.Context,
    body: Annotated[int, typer.Argument(help="本平台机构编号 / one of our bodies")],
    out: Annotated[Path | None, typer.Option("--out", help="写入文件（默认标准输出）/ write to a file")] = None,
) -> None:
    """本机构的公钥文件，发给合作方登记 / the body's public key file, for partners to register."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.matters.packages import public_key_file

    with db_session(ctx, write=True) as session:
        pem = public_key_file(session, SYSTEM, body, data_dir_of(ctx), create=True)
    if out is None:
        sys.stdout.write(pem)
    else:
        out.write_text(pem)


@matters_app.command("key-register")
def matters_key_register(
    ctx: typer.Context,
    body: Annotated[int, typer.Argument(help="合作方机构编号 / the partner body")],
    key_file: Annotated[Path, typer.Argument(help="对方发来的公钥文件（PEM）/ the partner's key file")],
    as_json: JsonOpt = False,
) -> None:
    """登记合作方的公钥：其移送包据此验签 / register a partner's public key: its packages are verified with it."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.matters.packages import register_key

    try:
        pem = key_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IpsError(Msg(f"无法读取密钥文件 {key_file}：{exc}", f"cannot read the key file {key_file}: {exc}")) from None
    with db_session(ctx, write=True) as session:
        result = register_key(session, SYSTEM, body, pem)
    emit_document(
        result, as_json, str(Msg(f"已登记公钥 {result['fingerprint'][:16]}…", f"registered key {result['fingerprint'][:16]}…"))
    )


workdays_app = typer.Typer(help="工作日与期限 / Chinese working days and periods", no_args_is_help=True)
app.add_typer(workdays_app, name="workdays")


ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option("--exclude", help="不计入期限的期间 A..B（中止、公告、鉴定），可重复 / excluded time A..B, repeatable"),
]


def _excluded(values: list[str] | None) -> tuple[tuple[dt.date, dt.date], ...]:
    out = []
    for value in values or []:
        first, sep, last = value.partition("..")
        if not sep:
            raise IpsError(Msg(f"--exclude 应为 起..止：{value}", f"--exclude takes FIRST..LAST: {value}"))
        a, b = parse_date(first, "--exclude"), parse_date(last, "--exclude")
        if b < a:
            raise IpsError(Msg(f"--exclude 首尾颠倒：{value}", f"--exclude ends before it starts: {value}"))
        out.append((a, b))
    return tuple(out)


@workdays_app.command("add")
def workdays_add(
    ctx: typer.Context,
    start: Annotated[str, typer.Argument(help="起算日 YYYY-MM-DD（当日不计）/ start day (not counted)")],
    n: Annotated[int, typer.Argument(help="工作日数 / working days")],
    exclude: ExcludeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """起算日之后第 N 个工作日（含调休上班日）/ the day N Chinese working days after a date (make-up days included)."""
    _workdays_period(ctx, start, n, "working_days", exclude, as_json)


@workdays_app.command("months")
def workdays_months(
    ctx: typer.Context,
    start: Annotated[str, typer.Argument(help="起算日 YYYY-MM-DD / start day")],
    months: Annotated[int, typer.Argument(help="月数 / months")],
    exclude: ExcludeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """N 个月期限的届满日（遇节假日顺延）/ the end of a period of N months (moved past holidays)."""
    _workdays_period(ctx, start, months, "months", exclude, as_json)


def _workdays_period(ctx: typer.Context, start: str, amount: int, unit: str, exclude: list[str] | None, as_json: bool) -> None:
    from ipstrong.matters.workdays import load, period_end

    day, excluded = parse_date(start, "DATE"), _excluded(exclude)
    with db_session(ctx, write=True) as session:
        deadline = period_end(load(session), day, amount, unit, excluded)
    what = (
        Msg(f"{day} 起第 {amount} 个工作日", f"{amount} working days after {day}")
        if unit == "working_days"
        else Msg(f"{day} 起 {amount} 个月届满", f"{amount} months from {day} end")
    )
    warning = deadline.warning()
    if warning is not None and not as_json:
        stderr.print(f"[yellow]{warning}[/yellow]")
    emit_document(deadline.to_dict(), as_json, f"{what}: {deadline.date}")


@workdays_app.command("set")
def workdays_set(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="日期 YYYY-MM-DD / the day")],
    kind: Annotated[str, typer.Option("--kind", help="holiday（放假）| workday（调休上班）| none（删除）")],
    name: Annotated[str, typer.Option("--name", help="名称，如 春节 / name, e.g. 春节")] = "",
    source: Annotated[str, typer.Option("--source", help="来源：国务院办公厅通知 / the notice it comes from")] = "",
    as_json: JsonOpt = False,
) -> None:
    """录入或删除节假日表中的一天（命令行操作者视为系统管理员）/ enter or remove one day of the holiday table."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.matters.service import set_calendar_day

    parsed = parse_date(day, "DATE")
    with db_session(ctx, write=True) as session:
        result = set_calendar_day(session, SYSTEM, parsed, None if kind == "none" else kind, name, source)
    emit_document(result, as_json, str(Msg(f"已保存 {parsed}", f"saved {parsed}")))


@workdays_app.command("list")
def workdays_list(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="年份 / year")],
    as_json: JsonOpt = False,
) -> None:
    """某年的节假日与调休上班日 / a year's holidays and make-up working days."""
    from ipstrong.matters.workdays import days_of_year

    with db_session(ctx, write=True) as session:
        rows = days_of_year(session, year)
    if as_json:
        emit_document({"year": year, "days": rows}, True)
    else:
        emit_records(rows, "table")
