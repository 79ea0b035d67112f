"""Commands on the warehouse and its inputs: identifiers, ingest, snapshots, one patent, SQL, synthetic data,
reference data, backup and restore."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ipstrong.cli.common import (
    FormatOpt,
    JsonOpt,
    OutOpt,
    app,
    chosen_format,
    data_dir_of,
    operational_db,
    parse_date,
    queue_job,
    settings_of,
)
from ipstrong.ingest.estimates import GRANT_RULES, LAPSE_RULES, Estimates
from ipstrong.ingest.pipeline import IngestReport
from ipstrong.messages import IpsError, Msg
from ipstrong.output import emit_document, emit_records, stderr, to_json

id_app = typer.Typer(help="标识符 / identifiers", no_args_is_help=True)
warehouse_app = typer.Typer(help="数据仓库快照 / warehouse snapshots", no_args_is_help=True)
reference_app = typer.Typer(help="参考数据（区划、人口、GDP）/ reference data (regions, population, GDP)", no_args_is_help=True)
app.add_typer(id_app, name="id")
app.add_typer(warehouse_app, name="warehouse")
app.add_typer(reference_app, name="reference")


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

    database_url = settings_of(ctx).resolved_database_url()
    sd = parse_date(status_date, "--status-date") if status_date else None
    estimates = Estimates(lapse=lapse_estimate, grant=grant_estimate)
    if background:
        params = {
            "files": [str(f.resolve()) for f in files],
            "status_date": sd.isoformat() if sd else None,
            "lapse_estimate": estimates.lapse,
            "grant_estimate": estimates.grant,
        }
        queue_job(ctx, "ingest", params, as_json)
        return
    with stderr.status("导入中 / ingesting") as status:
        report = publish(files, data_dir_of(ctx), sd, status.update, database_url, estimates)
    print_ingest_report(report, as_json)


def print_ingest_report(report: IngestReport, as_json: bool) -> None:
    """What an ingest did, for people or as JSON, and its exit code (CONVENTIONS.md)."""
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


# --- warehouse ---------------------------------------------------------------------------------------------------
@warehouse_app.command("info")
def warehouse_info(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """当前快照概况 / what the current snapshot holds."""
    from ipstrong.warehouse.info import info

    data = info(data_dir_of(ctx))
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
        for m in Warehouse(data_dir_of(ctx)).list()
    ]
    emit_records(rows, chosen_format(as_json, fmt), out, title="快照 / snapshots")


@warehouse_app.command("rollback")
def warehouse_rollback(
    ctx: typer.Context, snapshot_id: Annotated[str, typer.Argument(metavar="ID")], as_json: JsonOpt = False
) -> None:
    """回滚到一个较早的快照 / make an earlier snapshot current again."""
    from ipstrong.warehouse import Warehouse

    result = Warehouse(data_dir_of(ctx)).rollback(snapshot_id)
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

    detail = patent(SYSTEM, number, data_dir_of(ctx))
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

    table = run_sql(data_dir_of(ctx), query, timeout_s=timeout, limit=limit + 1)
    if table.num_rows > limit:
        table = table.slice(0, limit)
        stderr.print(str(Msg(f"仅输出前 {limit} 行（--limit 可调整）", f"only the first {limit} rows (change with --limit)")))
    emit_records(table.to_pylist(), chosen_format(as_json, fmt), out)


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

    cfg = SynthConfig(patents=patents, seed=seed, until=parse_date(until, "--until"), fmt=fmt, broken_share=broken_share)
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

    province = province or settings_of(ctx).home_province
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
    emit_records(rows, chosen_format(as_json, fmt), out)


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
        for f in figures(data_dir_of(ctx))
        if (region is None or f.region_code == region) and (indicator is None or f.indicator == indicator)
    ]
    if not rows and (region or indicator):
        raise IpsError(
            Msg(
                f"没有地区 {region or '（任意）'}、指标 {indicator or '（任意）'} 的统计数据",
                f"no figures for region {region or '(any)'} and indicator {indicator or '(any)'}",
            )
        )
    emit_records(rows, chosen_format(as_json, fmt), out)


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

    count = import_figures(file, data_dir_of(ctx))
    emit_document({"imported": count}, as_json, str(Msg(f"已导入 {count} 条", f"imported {count} figures")))


@reference_app.command("zones")
def reference_zones(ctx: typer.Context, as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None) -> None:
    """省局定义的开发区/示范区（县级区划与地址关键词）/ the office's custom zones (districts and address patterns)."""
    from ipstrong.reference.zones import custom_zones

    emit_records([z.to_dict() for z in custom_zones(data_dir_of(ctx)).values()], chosen_format(as_json, fmt), out)


@reference_app.command("zones-import")
def reference_zones_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV: zone_id, name_zh, name_en, districts, address_patterns, source")],
    as_json: JsonOpt = False,
) -> None:
    """以文件替换全部自定义区域（全部有效才生效）/ replace the custom zones with a file's (all rows or none)."""
    from ipstrong.reference.zones import import_zones

    count = import_zones(file, data_dir_of(ctx))
    emit_document({"imported": count}, as_json, str(Msg(f"已导入 {count} 个区域", f"imported {count} zones")))


@app.command("backup")
def backup_cmd(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="备份文件 / backup file (.zip)")], as_json: JsonOpt = False
) -> None:
    """备份业务数据库、文档、密钥与参考数据 / back up the operational database, documents, keys and reference data."""
    from ipstrong.backup import backup

    cfg, engine, _ = operational_db(ctx)
    manifest = backup(engine, cfg.resolved_database_url(), data_dir_of(ctx), file)
    emit_document(manifest, as_json, str(Msg(f"已备份到 {file}", f"backed up to {file}")))


@app.command("restore")
def restore_cmd(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="备份文件 / backup file")], as_json: JsonOpt = False
) -> None:
    """把备份恢复到一个空数据库和数据目录 / restore a backup into an empty database and its data directory."""
    from ipstrong.backup import restore

    cfg, engine, _ = operational_db(ctx, migrate=False)
    manifest = restore(engine, cfg.resolved_database_url(), data_dir_of(ctx), file)
    emit_document(manifest, as_json, str(Msg(f"已从 {file} 恢复", f"restored from {file}")))
