"""The ``ipstrong`` command. Thin: each command parses options, calls one service function and prints the result."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import os
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ipstrong import config
from ipstrong.ingest.estimates import GRANT_RULES, LAPSE_RULES, Estimates
from ipstrong.messages import InvalidOption, IpsError, Msg
from ipstrong.output import emit_document, emit_records, stderr, to_json
from ipstrong.search.fields import FACETS, SORTS, fields_help

if TYPE_CHECKING:
    from ipstrong.indicators.measures import Parameters
    from ipstrong.matters.records import MatterSummary

app = typer.Typer(
    help="ipstrong 知识产权强省平台 / the IP-strong province platform",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
id_app = typer.Typer(help="标识符 / identifiers", no_args_is_help=True)
warehouse_app = typer.Typer(help="数据仓库快照 / warehouse snapshots", no_args_is_help=True)
reference_app = typer.Typer(help="参考数据（区划、人口、GDP）/ reference data (regions, population, GDP)", no_args_is_help=True)
db_app = typer.Typer(help="业务数据库 / the operational database", no_args_is_help=True)
users_app = typer.Typer(help="用户与角色 / users and roles", no_args_is_help=True)
orgs_app = typer.Typer(help="机构（企业、服务机构、保护中心）/ organisations", no_args_is_help=True)
tokens_app = typer.Typer(help="API 令牌 / API tokens", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志 / the audit log", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(orgs_app, name="orgs")
app.add_typer(tokens_app, name="tokens")
app.add_typer(audit_app, name="audit")
app.add_typer(id_app, name="id")
app.add_typer(warehouse_app, name="warehouse")
app.add_typer(reference_app, name="reference")

JsonOpt = Annotated[bool, typer.Option("--json", help="输出一个 JSON 文档 / print one JSON document")]
FormatOpt = Annotated[str | None, typer.Option("--format", help="table|csv|json|xlsx")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="写入文件 / write to FILE")]


def _data_dir(ctx: typer.Context) -> Path:
    return config.data_dir(ctx.obj.get("data_dir") if ctx.obj else None)


def _settings(ctx: typer.Context) -> config.Settings:
    """The settings of the data directory the command line chose."""
    return config.settings(ctx.obj.get("data_dir") if ctx.obj else None)


def _fmt(as_json: bool, fmt: str | None) -> str:
    return "json" if as_json else (fmt or "table")


@app.callback()
def _root(
    ctx: typer.Context,
    data_dir: Annotated[
        str | None,
        typer.Option("--data-dir", envvar="IPSTRONG_DATA_DIR", help="数据目录 / where all state lives (default ./data)"),
    ] = None,
) -> None:
    ctx.obj = {"data_dir": data_dir}


# --- id ----------------------------------------------------------------------------------------------------------
@id_app.command("check")
def id_check(
    value: Annotated[str, typer.Argument(help="申请号、公开号、统一社会信用代码、IPC 或区划代码 / any identifier")],
    kind: Annotated[
        str | None, typer.Option("--kind", help="application_number|publication_number|credit_code|ipc|region_code")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """校验标识符并给出规范形式 / validate an identifier and print its canonical form."""
    from ipstrong.ids.check import check_identifier
    from ipstrong.reference.regions import describe_code

    result = check_identifier(value, kind, region_lookup=describe_code)
    status = "有效 / valid" if result["valid"] else "无效 / invalid"
    human = f"{result['kind']}: {status}  {result['canonical'] or ''}  {result['reason'] or ''}".rstrip()
    emit_document(result, as_json, human)
    raise typer.Exit(0 if result["valid"] else 1)


# --- ingest ------------------------------------------------------------------------------------------------------
@app.command("ingest")
def ingest_cmd(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            help="专利清单、法律事件、商标清单（CSV/XLSX/Parquet/JSON）、USPTO XML、EPO DOCDB XML、USPTO 转让记录；"
            "按内容识别格式 / patent lists, events, trademark lists (CSV/XLSX/Parquet/JSON), USPTO XML, EPO DOCDB XML, "
            "USPTO assignments; the format is read from the content"
        ),
    ],
    status_date: Annotated[
        str | None,
        typer.Option(
            "--status-date",
            help="法律状态所对应的日期（默认：文件自身所载日期，否则今天）/ date the legal status describes "
            "(default: the date the file states, else today)",
        ),
    ] = None,
    lapse_estimate: Annotated[
        str,
        typer.Option(
            "--lapse-estimate",
            help="状态词称已失效而无失效日时的估计规则 / rule for a lapse date a status word implies: " + ", ".join(LAPSE_RULES),
        ),
    ] = "anniversary",
    grant_estimate: Annotated[
        str,
        typer.Option(
            "--grant-estimate",
            help="状态词称已授权而无授权日时的估计规则 / rule for a grant date a status word implies: " + ", ".join(GRANT_RULES),
        ),
    ] = "status-date",
    background: Annotated[bool, typer.Option("--background", help="排入后台任务队列 / queue it as a background job")] = False,
    as_json: JsonOpt = False,
) -> None:
    """导入专利清单与法律事件，发布新快照 / ingest patent lists and events into a new snapshot."""
    from ipstrong.ingest.follow import publish

    database_url = _settings(ctx).resolved_database_url()
    sd = _parse_date(status_date, "--status-date") if status_date else None
    estimates = Estimates(lapse=lapse_estimate, grant=grant_estimate)
    if background:
        params = {
            "files": [str(f.resolve()) for f in files],
            "status_date": sd.isoformat() if sd else None,
            "lapse_estimate": estimates.lapse,
            "grant_estimate": estimates.grant,
        }
        _queue_job(ctx, "ingest", params, as_json)
        return
    with stderr.status("导入中 / ingesting") as status:
        report = publish(files, _data_dir(ctx), sd, status.update, database_url, estimates)
    for failed in report.files_failed:
        stderr.print(f"[red]{failed['reason_zh']} / {failed['reason_en']}[/red]")
    if as_json:
        sys.stdout.write(to_json(report.to_dict()) + "\n")
    else:
        keys = (
            "read",
            "accepted",
            "quarantined",
            "duplicates",
            "new",
            "updated",
            "unchanged",
            "region_unknown",
            "status_conflicts",
            "grant_dates_estimated",
            "lapse_dates_estimated",
            "snapshot",
            "quarantine_file",
        )
        emit_records([{"项目 / item": k, "值 / value": getattr(report, k)} for k in keys])
        print(report.message)
    raise typer.Exit(report.exit_code)


def _parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise IpsError(Msg(f"{option} 应为 YYYY-MM-DD：{text}", f"{option} must be YYYY-MM-DD: {text}")) from None


# --- warehouse ---------------------------------------------------------------------------------------------------
@warehouse_app.command("info")
def warehouse_info(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """当前快照概况 / what the current snapshot holds."""
    from ipstrong.warehouse.info import info

    data = info(_data_dir(ctx))
    if as_json:
        emit_document(data, True)
        return
    if not data["snapshot"]:
        print(str(Msg("仓库为空：先运行 ipstrong ingest", "the warehouse is empty: run ipstrong ingest first")))
        return
    print(f"快照 / snapshot: {data['snapshot']}  ({data['created_at']})")
    emit_records([{"表 / table": k, "行数 / rows": v} for k, v in data["totals"].items()])
    emit_records(data["by_city"], title="按城市 / by city")
    emit_records(data["by_type_status"], title="按类型与法律状态 / by type and legal status")


@warehouse_app.command("snapshots")
def warehouse_snapshots(ctx: typer.Context, as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None) -> None:
    """列出快照 / list snapshots."""
    from ipstrong.warehouse import Warehouse

    rows = [
        {
            "id": m["id"],
            "current": m["current"],
            "created_at": m["created_at"],
            "parent": m.get("parent"),
            "patents": m.get("totals", {}).get("patents"),
            "events": m.get("totals", {}).get("events"),
            "sources": [s["name"] for s in m.get("sources", [])],
        }
        for m in Warehouse(_data_dir(ctx)).list()
    ]
    emit_records(rows, _fmt(as_json, fmt), out, title="快照 / snapshots")


@warehouse_app.command("rollback")
def warehouse_rollback(
    ctx: typer.Context, snapshot_id: Annotated[str, typer.Argument(metavar="ID")], as_json: JsonOpt = False
) -> None:
    """回滚到一个较早的快照 / make an earlier snapshot current again."""
    from ipstrong.warehouse import Warehouse

    result = Warehouse(_data_dir(ctx)).rollback(snapshot_id)
    emit_document(
        result,
        as_json,
        str(
            Msg(
                f"当前快照为 {snapshot_id}（原为 {result['previous']}）",
                f"current snapshot is now {snapshot_id} (was {result['previous']})",
            )
        ),
    )


# --- sql ---------------------------------------------------------------------------------------------------------
SQL_ROW_CAP = 100_000  # what `ipstrong sql` prints unless told otherwise: a runaway SELECT * does not fill the memory


@app.command("patent")
def patent_cmd(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="申请号（任一写法）/ application number, any written form")],
    as_json: JsonOpt = False,
) -> None:
    """一件专利：著录项目、法律状态时间线、同申请人与相似专利 / one patent with its timeline and related patents."""
    from rich.markup import escape

    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.search.patents import patent

    detail = patent(SYSTEM, number, _data_dir(ctx))
    p = detail.patent
    lines = [
        f"{p.title}",
        f"申请号 application {p.app_no} · 公开号 publication {p.pub_no or '-'} · 快照 snapshot {detail.snapshot}",
        f"申请人 applicants {'；'.join(p.applicants or [])}",
        "法律状态时间线 / legal-status timeline:",
        *(f"  {e.date} {e.event_zh} / {e.event_en}{' · ' + e.detail if e.detail else ''}" for e in detail.timeline),
        f"同一申请人 / same applicant: {', '.join(h.app_no for h in detail.same_applicant) or '-'}",
        f"相似专利 / similar: {', '.join(h.app_no for h in detail.similar) or '-'}",
    ]
    if detail.related_note:
        lines.append(f"{detail.related_note.zh} / {detail.related_note.en}")
    emit_document(detail.model_dump(mode="json"), as_json, escape("\n".join(lines)))


@app.command("sql")
def sql_cmd(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="只读 SQL：表 patents、events、patents_history / read-only SQL")],
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, max=3600, help="时限（秒）/ time limit in seconds")] = 30.0,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=10_000_000, help="最多输出行数 / at most this many rows")
    ] = SQL_ROW_CAP,
) -> None:
    """对当前快照执行只读 SQL / run read-only SQL on the current snapshot.

    示例 / example: ipstrong sql "SELECT city_code, count(*) FROM effective_on('2021-12-31')
    WHERE patent_type = 'invention' GROUP BY 1"
    """
    from ipstrong.warehouse import run_sql

    table = run_sql(_data_dir(ctx), query, timeout_s=timeout, limit=limit + 1)
    if table.num_rows > limit:
        table = table.slice(0, limit)
        stderr.print(str(Msg(f"仅输出前 {limit} 行（--limit 可调整）", f"only the first {limit} rows (change with --limit)")))
    emit_records(table.to_pylist(), _fmt(as_json, fmt), out)


# --- synth -------------------------------------------------------------------------------------------------------
@app.command("synth")
def synth_cmd(
    patents: Annotated[int, typer.Option("--patents", help="专利条数 / number of patents")],
    out: Annotated[Path, typer.Option("--out", help="输出目录 / output directory")],
    seed: Annotated[int, typer.Option("--seed", help="随机种子 / seed")] = 42,
    until: Annotated[str, typer.Option("--until", help="数据截止日 / last date of the data")] = "2024-12-31",
    fmt: Annotated[str, typer.Option("--format", help="csv|xlsx|parquet")] = "csv",
    broken_share: Annotated[float, typer.Option("--broken-share", help="坏行比例 / share of spoiled rows")] = 0.01,
    as_json: JsonOpt = False,
) -> None:
    """生成可复现的江苏专利数据 / generate a reproducible Jiangsu patent data set."""
    from ipstrong.synth.generator import SynthConfig, generate

    cfg = SynthConfig(patents=patents, seed=seed, until=_parse_date(until, "--until"), fmt=fmt, broken_share=broken_share)
    with Progress(TextColumn("生成 / generating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=stderr) as bar:
        task = bar.add_task("synth", total=patents)
        summary = generate(cfg, out, progress=lambda n: bar.advance(task, n))
    emit_document(summary.__dict__, as_json, "\n".join(f"{k}: {v}" for k, v in summary.__dict__.items()))


# --- reference ---------------------------------------------------------------------------------------------------
@reference_app.command("regions")
def reference_regions(
    ctx: typer.Context,
    level: Annotated[str | None, typer.Option("--level", help="province|city|district|zone|country")] = None,
    province: Annotated[str | None, typer.Option("--province", help="省级代码，默认本省 / province code (home)")] = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
) -> None:
    """区划、旧代码与开发区 / divisions, old codes and named zones."""
    from ipstrong.reference.regions import regions

    province = province or _settings(ctx).home_province
    rows = [
        {
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "city_code": r.city_code,
            "district_code": r.district_code,
            "status": r.status,
            "successor": r.successor,
            "aliases": list(r.aliases),
            "basis": r.basis,
        }
        for r in regions()
        if (level is None or r.level == level) and (r.province_code == province or province == "all")
    ]
    emit_records(rows, _fmt(as_json, fmt), out)


@reference_app.command("series")
def reference_series(
    ctx: typer.Context,
    region: Annotated[str | None, typer.Option("--region", help="区划代码 / region code")] = None,
    indicator: Annotated[str | None, typer.Option("--indicator", help="resident_pop_10k, gdp_100m_yuan …")] = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
) -> None:
    """人口、GDP 等统计数据及其来源 / population, GDP and other figures with their sources."""
    from ipstrong.reference.series import figures

    rows = [
        f.__dict__
        for f in figures(_data_dir(ctx))
        if (region is None or f.region_code == region) and (indicator is None or f.indicator == indicator)
    ]
    if not rows and (region or indicator):
        raise IpsError(
            Msg(
                f"没有地区 {region or '（任意）'}、指标 {indicator or '（任意）'} 的统计数据",
                f"no figures for region {region or '(any)'} and indicator {indicator or '(any)'}",
            )
        )
    emit_records(rows, _fmt(as_json, fmt), out)


@reference_app.command("import")
def reference_import(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="CSV: year, region_code, indicator, value, unit, source_title[, source_url, status]")
    ],
    as_json: JsonOpt = False,
) -> None:
    """导入或更正统计数据（须注明来源）/ add or correct figures, each with its source."""
    from ipstrong.reference.series import import_figures

    count = import_figures(file, _data_dir(ctx))
    emit_document({"imported": count}, as_json, str(Msg(f"已导入 {count} 条", f"imported {count} figures")))


@reference_app.command("zones")
def reference_zones(ctx: typer.Context, as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None) -> None:
    """省局定义的开发区/示范区（县级区划与地址关键词）/ the office's custom zones (districts and address patterns)."""
    from ipstrong.reference.zones import custom_zones

    emit_records([z.to_dict() for z in custom_zones(_data_dir(ctx)).values()], _fmt(as_json, fmt), out)


@reference_app.command("zones-import")
def reference_zones_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV: zone_id, name_zh, name_en, districts, address_patterns, source")],
    as_json: JsonOpt = False,
) -> None:
    """以文件替换全部自定义区域（全部有效才生效）/ replace the custom zones with a file's (all rows or none)."""
    from ipstrong.reference.zones import import_zones

    count = import_zones(file, _data_dir(ctx))
    emit_document({"imported": count}, as_json, str(Msg(f"已导入 {count} 个区域", f"imported {count} zones")))


def _queue_job(ctx: typer.Context, kind: str, params: dict, as_json: bool) -> None:
    """``--background``: record and queue a job of ``kind`` for ``ipstrong worker``, and say so."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.jobs import enqueue

    cfg, _engine, _factory = _db(ctx)
    job_id = enqueue(cfg, SYSTEM, kind, params)
    emit_document(
        {"job": job_id, "status": "queued"},
        as_json,
        str(Msg(f"已排入任务 {job_id}（由 ipstrong worker 执行）", f"queued as job {job_id} (run by ipstrong worker)")),
    )


# --- operational database ----------------------------------------------------------------------------------------
def _db(ctx: typer.Context, migrate: bool = True):
    """The operational database of this data directory, migrated first when it reports an older schema revision
    than the installed one (``db upgrade`` always runs the migrations)."""
    from ipstrong.db import ensure_current, platform_engine, session_factory

    cfg = _settings(ctx)
    if migrate:
        ensure_current(cfg.resolved_database_url())
    engine = platform_engine(cfg)
    return cfg, engine, session_factory(engine)


def _read_password(option: str | None, prompt: str) -> str:
    if option == "-":
        return sys.stdin.readline().rstrip("\n")
    if option:
        return option
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=True)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """建立或升级数据库结构 / create or migrate the database schema."""
    from ipstrong.db import upgrade

    cfg, _engine, _ = _db(ctx, migrate=False)
    url = cfg.resolved_database_url()
    revision = upgrade(url)
    safe_url = url.split("@")[-1] if "@" in url else url
    emit_document(
        {"revision": revision, "database": safe_url},
        as_json,
        str(Msg(f"数据库已是最新（{revision}）", f"database at revision {revision}")),
    )


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    role: Annotated[
        str,
        typer.Option(
            "--role", help="province_admin|city_official|centre_examiner|case_officer|enterprise_user|agency_user|public_visitor"
        ),
    ],
    region: Annotated[str, typer.Option("--region", help="区划代码，如 320500 / region code")],
    name: Annotated[str | None, typer.Option("--name", help="显示名 / display name")] = None,
    org: Annotated[int | None, typer.Option("--org", help="机构编号 / organisation id")] = None,
    password: Annotated[str | None, typer.Option("--password", help="密码；- 表示从标准输入读取 / '-' reads stdin")] = None,
    as_json: JsonOpt = False,
) -> None:
    """新建用户（命令行操作者视为系统管理员）/ create a user (the shell operator acts as the system)."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import create_user, user_summary
    from ipstrong.db import transaction

    _cfg, _engine, factory = _db(ctx)
    secret = _read_password(password, "密码 / password")
    with transaction(factory) as session:
        summary = user_summary(create_user(session, SYSTEM, username, secret, role, region, name, org))
    emit_document(summary.model_dump(mode="json"), as_json, str(Msg(f"已创建用户 {username}", f"created user {username}")))


@users_app.command("list")
def users_list(ctx: typer.Context, as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None) -> None:
    """列出用户 / list users."""
    from ipstrong.accounts.records import UserSummary
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import list_users

    _cfg, _engine, factory = _db(ctx)
    with factory() as session:
        rows = list_users(session, SYSTEM)
    emit_records(rows, _fmt(as_json, fmt), out, table_columns=UserSummary.TABLE)


@users_app.command("reset-password")
def users_reset_password(
    ctx: typer.Context,
    username: str,
    password: Annotated[str | None, typer.Option("--password", help="新密码；- 表示从标准输入读取")] = None,
) -> None:
    """管理员重置密码（下次登录须修改）/ reset a password (to be changed at the next sign-in)."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import reset_password
    from ipstrong.db import transaction

    _cfg, _engine, factory = _db(ctx)
    secret = _read_password(password, "新密码 / new password")
    with transaction(factory) as session:
        reset_password(session, SYSTEM, username, secret)
    print(str(Msg(f"已重置 {username} 的密码", f"password of {username} reset")))


@orgs_app.command("add")
def orgs_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="名称 / name")],
    kind: Annotated[str, typer.Option("--kind", help="enterprise|agency|centre|office")],
    region: Annotated[str, typer.Option("--region", help="区划代码 / region code")],
    credit_code: Annotated[str | None, typer.Option("--credit-code", help="统一社会信用代码 / credit code")] = None,
    as_json: JsonOpt = False,
) -> None:
    """登记机构 / register an organisation."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import create_organisation
    from ipstrong.db import transaction

    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
        org = create_organisation(session, SYSTEM, kind, name, region, credit_code)
        doc = {"id": org.id, "kind": org.kind, "name": org.name, "credit_code": org.credit_code, "region_code": org.region_code}
    emit_document(doc, as_json, str(Msg(f"已登记机构 {name}（编号 {doc['id']}）", f"registered {name} (id {doc['id']})")))


@tokens_app.command("create")
def tokens_create(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="令牌所属用户 / the token's user")],
    name: Annotated[str, typer.Option("--name", help="用途 / what it is for")],
    scopes: Annotated[str, typer.Option("--scopes", help="read,write")] = "read",
    days: Annotated[int, typer.Option("--days", help="有效天数 / days valid")] = 365,
    as_json: JsonOpt = False,
) -> None:
    """为用户签发 API 令牌（只显示一次）/ issue an API token for a user (shown once)."""
    from ipstrong.accounts.service import actor_of, create_token, find_user
    from ipstrong.db import transaction

    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
        token, plain = create_token(session, actor_of(find_user(session, username)), name, scopes.split(","), days)
        doc = {"id": token.id, "token": plain, "scopes": token.scopes, "expires_at": token.expires_at}
    emit_document(doc, as_json, str(Msg(f"令牌（仅显示一次）：{plain}", f"token (shown once): {plain}")))


@tokens_app.command("revoke")
def tokens_revoke(ctx: typer.Context, token_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """撤销令牌 / revoke a token."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import revoke_token
    from ipstrong.db import transaction

    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
        revoke_token(session, SYSTEM, token_id)
    print(str(Msg(f"令牌 {token_id} 已撤销", f"token {token_id} revoked")))


@audit_app.command("verify")
def audit_verify(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """校验审计日志的哈希链 / prove the audit chain untouched."""
    from ipstrong.accounts.audit import verify

    _cfg, _engine, factory = _db(ctx)
    with factory() as session:
        result = verify(session)
    human = (
        str(Msg(f"审计日志完好：{result.entries} 条", f"audit log intact: {result.entries} entries"))
        if result.ok
        else f"第 {result.first_broken} 条起链条断开：{result.reason_zh} / chain broken at entry "
        f"{result.first_broken}: {result.reason_en}"
    )
    emit_document(result.to_dict(), as_json, human)
    raise typer.Exit(0 if result.ok else 1)


@audit_app.command("anchor")
def audit_anchor(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """把审计链的最新位置写入库外锚点文件并打印签名摘要，请另行保存 / anchor the chain's head outside the database and
    print the signed digest to keep elsewhere."""
    from ipstrong.accounts.audit import anchor
    from ipstrong.db import transaction

    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
        line = anchor(session)
    human = f"{line['at']} audit head #{line['id']} {line['hash']} mac {line['mac']}"
    emit_document(line, as_json, human)


@audit_app.command("list")
def audit_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit")] = 50,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
) -> None:
    """最近的审计条目 / the newest audit entries."""
    from sqlalchemy import select

    from ipstrong.accounts.models import AuditEntry

    _cfg, _engine, factory = _db(ctx)
    with factory() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
        rows = [
            {
                "id": e.id,
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "region_code": e.region_code,
                "before": e.before,
                "after": e.after,
            }
            for e in entries
        ]
    emit_records(rows, _fmt(as_json, fmt), out)


@app.command("backup")
def backup_cmd(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="备份文件 / backup file (.zip)")], as_json: JsonOpt = False
) -> None:
    """备份业务数据库、文档、密钥与参考数据 / back up the operational database, documents, keys and reference data."""
    from ipstrong.backup import backup

    cfg, engine, _ = _db(ctx)
    manifest = backup(engine, cfg.resolved_database_url(), _data_dir(ctx), file)
    emit_document(manifest, as_json, str(Msg(f"已备份到 {file}", f"backed up to {file}")))


@app.command("restore")
def restore_cmd(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="备份文件 / backup file")], as_json: JsonOpt = False
) -> None:
    """把备份恢复到一个空数据库和数据目录 / restore a backup into an empty database and its data directory."""
    from ipstrong.backup import restore

    cfg, engine, _ = _db(ctx, migrate=False)
    manifest = restore(engine, cfg.resolved_database_url(), _data_dir(ctx), file)
    emit_document(manifest, as_json, str(Msg(f"已从 {file} 恢复", f"restored from {file}")))


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

    emit_records([i.to_dict() for i in CATALOGUE], _fmt(as_json, fmt), out)


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
    by: Annotated[str | None, typer.Option("--by", help="city|district|city,district")] = None,
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
    from ipstrong.indicators.engine import compute, default_asof
    from ipstrong.indicators.records import FigureRecord

    data = _data_dir(ctx)
    if asof:
        dates = [_parse_date(asof, "--asof")]
    elif year:
        dates = [dt.date(year, 12, 31)]
    elif from_year and to_year:
        dates = [dt.date(y, 12, 31) for y in range(from_year, to_year + 1)]
    else:
        dates = [default_asof(data)]
    records = compute(data, indicator, dates, region, by, snapshot, engine=engine, params=params)
    emit_records(records, _fmt(as_json, fmt), out, table_columns=FigureRecord.TABLE)


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
    from ipstrong.indicators.engine import explain

    rows = explain(_data_dir(ctx), indicator, region, _parse_date(asof, "--asof"), params=params)
    chosen = _fmt(as_json, fmt)
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
    from ipstrong.indicators.assess import assess, write_assessment_xlsx
    from ipstrong.indicators.records import AssessmentRow

    rows = assess(_data_dir(ctx), year, targets, params)
    chosen = _fmt(as_json, fmt)
    if chosen == "xlsx" or (out is not None and out.suffix.lower() == ".xlsx" and fmt is None and not as_json):
        if out is None:
            raise IpsError(Msg("xlsx 格式需要 --out 文件", "xlsx needs --out FILE"))
        write_assessment_xlsx(rows, out)
        print(str(Msg(f"已写入 {out}", f"written to {out}")))
        return
    emit_records(rows, chosen, out, table_columns=AssessmentRow.TABLE)


entities_app = typer.Typer(
    help="申请人实体（同一企业的不同名称）/ applicant entities (one enterprise's names)", no_args_is_help=True
)
app.add_typer(entities_app, name="entities")


@entities_app.command("list")
def entities_list(
    ctx: typer.Context,
    query: Annotated[str, typer.Option("--query", help="名称片段 / part of a name")] = "",
    limit: Annotated[int, typer.Option("--limit", help="条数 / rows")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """列出申请人实体及其名称 / list applicant entities with their names."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.ingest.entity_store import find_entities

    _cfg, _engine, factory = _db(ctx)
    with factory() as session:
        rows = find_entities(session, SYSTEM, query, limit)
    if as_json:
        emit_document({"entities": rows}, True)
        return
    flat = [{"id": r.id, "name": r.name, "names": " | ".join(n.name for n in r.names)} for r in rows]
    emit_records(flat, "table")


@entities_app.command("show")
def entities_show(
    ctx: typer.Context, entity_id: Annotated[int, typer.Argument(help="实体编号 / entity id")], as_json: JsonOpt = False
) -> None:
    """一个实体的全部名称及其归入方式 / one entity's names and how each joined it."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.ingest.entity_store import get_entity

    _cfg, _engine, factory = _db(ctx)
    with factory() as session:
        emit_document(get_entity(session, SYSTEM, entity_id).model_dump(mode="json"), as_json)


@entities_app.command("pairs")
def entities_pairs(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", help="条数 / rows")] = 100,
    as_json: JsonOpt = False,
) -> None:
    """待人工确认的相似名称对 / pairs of similar names waiting for review."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.ingest.entity_records import NamePair
    from ipstrong.ingest.entity_store import open_candidates

    _cfg, _engine, factory = _db(ctx)
    with factory() as session:
        rows = open_candidates(session, SYSTEM, limit)
    if as_json:
        emit_document({"pairs": rows}, True)
    else:
        emit_records(rows, "table", table_columns=NamePair.TABLE)


@entities_app.command("merge")
def entities_merge(
    ctx: typer.Context,
    keep: Annotated[int, typer.Argument(help="保留的实体编号 / entity id to keep")],
    other: Annotated[int, typer.Argument(help="并入的实体编号 / entity id merged into it")],
    as_json: JsonOpt = False,
) -> None:
    """把一个实体并入另一个（审核结论，重新导入后仍保留）/ merge one entity into another (kept across re-ingests)."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.db import transaction
    from ipstrong.ingest.entity_store import merge

    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
        result = merge(session, SYSTEM, keep, other).model_dump(mode="json")
    emit_document(result, as_json, str(Msg(f"已将实体 {other} 并入 {keep}", f"merged entity {other} into {keep}")))


@entities_app.command("move")
def entities_move(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="申请人名称 / applicant name")],
    to: Annotated[
        int | None, typer.Option("--to", help="目标实体编号；省略则单列为新实体 / target entity; omit for a new one")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """把一个名称移到另一实体或单列 / move one name to another entity, or split it out."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.db import transaction
    from ipstrong.ingest.entity_store import move_name

    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
        result = move_name(session, SYSTEM, name, to).model_dump(mode="json")
    emit_document(
        result, as_json, str(Msg(f"「{name}」现属实体 {result['id']}", f"'{name}' now belongs to entity {result['id']}"))
    )


@entities_app.command("reject")
def entities_reject(
    ctx: typer.Context, pair_id: Annotated[int, typer.Argument(help="名称对编号 / pair id")], as_json: JsonOpt = False
) -> None:
    """确认一对名称不是同一企业，不再提示 / record that a pair are different enterprises."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.db import transaction
    from ipstrong.ingest.entity_store import reject_candidate

    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
        reject_candidate(session, SYSTEM, pair_id)
    emit_document(
        {"pair": pair_id, "status": "rejected"}, as_json, str(Msg(f"已驳回名称对 {pair_id}", f"pair {pair_id} rejected"))
    )


@entities_app.command("apply")
def entities_apply(
    ctx: typer.Context,
    background: Annotated[bool, typer.Option("--background", help="排入后台任务队列 / queue it as a background job")] = False,
    as_json: JsonOpt = False,
) -> None:
    """按当前审核映射更新仓库中的 first_applicant_id / stamp the warehouse with the reviewed mapping."""
    if background:
        _queue_job(ctx, "entities", {}, as_json)
        return
    from ipstrong.jobs import JOB_KINDS

    cfg = _settings(ctx)
    result = JOB_KINDS["entities"].run(cfg, {}, lambda _percent, _message: None)
    emit_document(result, as_json, result["message"])


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

    emit_records(rows, _fmt(as_json, fmt), table_columns=MatterSummary.TABLE)


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
    from ipstrong.db import transaction
    from ipstrong.matters.service import list_matters

    today = _parse_date(date, "--date") if date else None
    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
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
    from ipstrong.db import transaction
    from ipstrong.matters.service import list_matters

    cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
        rows = list_matters(session, SYSTEM, type_id, state, region, body, due, q, limit, soon_days=cfg.due_soon_working_days)
    _matter_rows(rows, as_json, fmt)


@matters_app.command("show")
def matters_show(
    ctx: typer.Context, matter_id: Annotated[int, typer.Argument(help="事项编号（内部 id）/ matter id")], as_json: JsonOpt = False
) -> None:
    """一个事项：当事人、专利、材料、期限与流转记录 / one matter: parties, patents, documents, limits, history."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.db import transaction
    from ipstrong.matters.service import matter_detail

    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
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
    from ipstrong.db import transaction
    from ipstrong.matters.centres import register_enterprise

    day = _parse_date(date, "--date") if date else today_shanghai()
    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
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
    from ipstrong.db import transaction
    from ipstrong.matters.centres import declare_field

    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
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
        _queue_job(ctx, "reminders", {}, as_json)
        return
    from ipstrong.db import transaction
    from ipstrong.matters.reminders import send_reminders

    cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
        result = send_reminders(session, soon_days=cfg.due_soon_working_days)
    emit_document(result, as_json, result["message"])


@matters_app.command("limits")
def matters_limits(ctx: typer.Context, as_json: JsonOpt = False, fmt: FormatOpt = None) -> None:
    """未找到依据的时限：默认值与本局设定值 / the limits no rule was found for: default and the office's figure."""
    from ipstrong.matters.service import limit_parameters

    _cfg, _engine, factory = _db(ctx)
    with factory() as session:
        rows = limit_parameters(session)
    emit_records(rows, _fmt(as_json, fmt))


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
    from ipstrong.db import transaction
    from ipstrong.matters.service import set_limit

    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
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
    from ipstrong.db import transaction
    from ipstrong.matters.packages import public_key_file

    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
        pem = public_key_file(session, SYSTEM, body, _data_dir(ctx), create=True)
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
    from ipstrong.db import transaction
    from ipstrong.matters.packages import register_key

    try:
        pem = key_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IpsError(Msg(f"无法读取密钥文件 {key_file}：{exc}", f"cannot read the key file {key_file}: {exc}")) from None
    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
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
        a, b = _parse_date(first, "--exclude"), _parse_date(last, "--exclude")
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
    from ipstrong.db import transaction
    from ipstrong.matters.workdays import load, period_end

    day, excluded = _parse_date(start, "DATE"), _excluded(exclude)
    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
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
    from ipstrong.db import transaction
    from ipstrong.matters.service import set_calendar_day

    parsed = _parse_date(day, "DATE")
    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
        result = set_calendar_day(session, SYSTEM, parsed, None if kind == "none" else kind, name, source)
    emit_document(result, as_json, str(Msg(f"已保存 {parsed}", f"saved {parsed}")))


@workdays_app.command("list")
def workdays_list(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="年份 / year")],
    as_json: JsonOpt = False,
) -> None:
    """某年的节假日与调休上班日 / a year's holidays and make-up working days."""
    from ipstrong.db import transaction
    from ipstrong.matters.workdays import days_of_year

    _cfg, _engine, factory = _db(ctx)
    with transaction(factory) as session:
        rows = days_of_year(session, year)
    if as_json:
        emit_document({"year": year, "days": rows}, True)
    else:
        emit_records(rows, "table")


index_app = typer.Typer(help="检索索引 / the search index", no_args_is_help=True)
app.add_typer(index_app, name="index")


@index_app.command("build")
def index_build(
    ctx: typer.Context,
    background: Annotated[bool, typer.Option("--background", help="排入后台任务队列 / queue it as a background job")] = False,
    as_json: JsonOpt = False,
) -> None:
    """为当前快照建立检索索引 / build the search index of the current snapshot."""
    if background:
        _queue_job(ctx, "index", {}, as_json)
        return
    from ipstrong.search.index import build

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=stderr) as bar:
        task = bar.add_task("索引 / indexing", total=None)
        summary = build(_data_dir(ctx), step=lambda done, total: bar.update(task, completed=done, total=total))
    emit_document(summary, as_json, str(Msg(f"已索引 {summary['documents']} 件专利", f"indexed {summary['documents']} patents")))


SEARCH_HELP = "\n\n".join(
    [
        "检索专利（字段代码、与/或/非、括号、短语、日期范围）/ search patents with field codes and Boolean logic.",
        fields_help(),
        'AND OR NOT（与 或 非）, ( ), "phrase"; a bare term searches title and abstract; dates take =, >=, <=, a..b.',
        "e.g. TI=锂离子电池 AND AD=2020-01-01..2021-12-31 AND IPC=H01M10/05* AND CITY=苏州",
    ]
)


@app.command("search", help=SEARCH_HELP)
def search_cmd(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="检索式，如 TI=电池 AND CITY=苏州 AND AD>=2020-01-01 / a query")],
    limit: Annotated[int, typer.Option("--limit", help="每页条数 / hits per page")] = 20,
    offset: Annotated[int, typer.Option("--offset", help="跳过条数 / hits to skip")] = 0,
    sort: Annotated[str, typer.Option("--sort", help="|".join(SORTS))] = "relevance",
    facets: Annotated[str | None, typer.Option("--facets", help=",".join(FACETS))] = None,
    export_file: Annotated[
        Path | None, typer.Option("--export", help="导出全部命中 / export every hit: FILE.csv|.jsonl|.xlsx")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from ipstrong.search.engine import export, search

    if export_file is not None:
        summary = export(_data_dir(ctx), query, export_file, sort=sort)
        emit_document(
            summary,
            as_json,
            str(Msg(f"已导出 {summary['exported']} 件到 {export_file}", f"exported {summary['exported']} hits to {export_file}")),
        )
        return
    chosen = tuple(f.strip() for f in facets.split(",") if f.strip()) if facets else ()
    result = search(_data_dir(ctx), query, limit=limit, offset=offset, facets=chosen, sort=sort)
    if as_json:
        sys.stdout.write(to_json(result) + "\n")
        return
    rows = [
        {k: h[k] for k in ("app_no", "title", "app_date", "ipc_main", "status")} | {"applicants": "；".join(h["applicants"])}
        for h in result["hits"]
    ]
    emit_records(rows, "table", title=f"共 {result['total']} 件 / {result['total']} hits")
    for name, values in result["facets"].items():
        print(f"{name}: " + "，".join(f"{v['label']} {v['count']}" for v in values))


jobs_app = typer.Typer(help="后台任务 / background jobs", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("list")
def jobs_list(ctx: typer.Context, as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None) -> None:
    """最近的后台任务及进度 / recent background jobs and their progress."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.jobs import visible_jobs

    _cfg, _engine, factory = _db(ctx)
    with factory() as session:
        rows = visible_jobs(session, SYSTEM)
    emit_records(rows, _fmt(as_json, fmt), out)


@app.command("worker")
def worker_cmd(ctx: typer.Context, workers: Annotated[int, typer.Option("--workers", help="并发数 / workers")] = 1) -> None:
    """运行后台任务（SQLite 队列，或配置的 Redis）/ run background jobs (SQLite queue or the configured Redis)."""
    from ipstrong.jobs import make_queue

    cfg, _engine, _factory = _db(ctx)
    queue, _task = make_queue(cfg)
    stderr.print(str(Msg("任务执行器已启动", "worker started")))
    queue.create_consumer(workers=workers).run()


@app.command("serve")
def serve_cmd(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="监听地址 / address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口 / port")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="进程数 / worker processes")] = 2,
) -> None:
    """启动平台（先升级数据库）/ start the platform (migrating the database first)."""
    import uvicorn

    cfg, _engine, _factory = _db(ctx)
    os.environ["IPSTRONG_DATA_DIR"] = str(cfg.data_dir)  # each worker process builds its app from it
    stderr.print(f"http://{host}:{port}  ·  {cfg.data_dir}")
    uvicorn.run("ipstrong.web.app:app_from_environment", factory=True, host=host, port=port, workers=workers, log_level="warning")


# --- demo --------------------------------------------------------------------------------------------------------
@app.command("demo")
def demo_cmd(
    ctx: typer.Context,
    patents: Annotated[int, typer.Option("--patents", help="专利条数 / number of patents")] = 50_000,
    seed: Annotated[int, typer.Option("--seed")] = 42,
) -> None:
    """生成江苏演示数据、导入并展示如何查询 / generate Jiangsu demo data, ingest it, show how to query it."""
    from ipstrong.demo import run_demo

    run_demo(_data_dir(ctx), patents, seed)


def main() -> None:
    """Entry point: bilingual errors on stderr with the exit codes of CONVENTIONS.md; never a traceback (an
    unexpected error is named, and its traceback goes to the log file of the data directory)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        app()
    except (SystemExit, KeyboardInterrupt):
        raise
    except SQLAlchemyError as exc:
        _fail(
            IpsError(
                Msg(
                    f"数据库错误：{exc.__class__.__name__}：{str(exc.orig if hasattr(exc, 'orig') else exc)[:300]}",
                    f"database error: {exc.__class__.__name__}: {str(exc.orig if hasattr(exc, 'orig') else exc)[:300]}",
                )
            )
        )
    except IpsError as exc:
        _fail(exc)
    except OverflowError as exc:  # a value beyond what a date or number can hold
        _fail(IpsError(Msg(f"输入值超出范围：{exc}", f"a value is out of range: {exc}")))
    except Exception as exc:  # a defect: said plainly, the details kept for whoever fixes it
        log = _crash_log(exc)
        name = type(exc).__name__
        _fail(IpsError(Msg(f"内部错误（{name}），详情见 {log}", f"internal error ({name}); details in {log}")))


def _crash_log(exc: Exception) -> str:
    """Write the traceback to a file in the system's temporary folder; return its path."""
    import tempfile
    import traceback

    with tempfile.NamedTemporaryFile("w", prefix="ipstrong-crash-", suffix=".log", delete=False) as fh:
        fh.write("".join(traceback.format_exception(exc)))
    return fh.name


def _fail(exc: IpsError) -> None:
    msg = exc.worded(exc.flag) if isinstance(exc, InvalidOption) else exc.msg  # the option as typed: --pledge-threshold
    stderr.print(f"[red]{msg}[/red]", highlight=False)
    if "--json" in sys.argv:
        sys.stdout.write(to_json({"error": {"zh": msg.zh, "en": msg.en}}) + "\n")
    sys.exit(exc.exit_code)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    main()
