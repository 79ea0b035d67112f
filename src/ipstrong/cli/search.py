"""Commands on the search index and search."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ipstrong.cli.common import FormatOpt, JsonOpt, OutOpt, app, chosen_format, data_dir_of, queue_job
from ipstrong.messages import IpsError, Msg
from ipstrong.output import emit_document, emit_records, stderr, to_json
from ipstrong.search.engine import EXPORT_FIELDS
from ipstrong.search.fields import FACETS, SORTS, fields_help

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
        queue_job(ctx, "index", {}, as_json)
        return
    from ipstrong.search.index import build

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=stderr) as bar:
        task = bar.add_task("索引 / indexing", total=None)
        summary = build(data_dir_of(ctx), step=lambda done, total: bar.update(task, completed=done, total=total))
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
    export_fields: Annotated[
        str | None,
        typer.Option(
            "--fields",
            help="导出字段，逗号分隔（默认地名、类型与状态用文字）/ export columns, comma-separated: " + ",".join(EXPORT_FIELDS),
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.search.service import export_hits, search_hits

    if export_file is not None:
        chosen = [f.strip() for f in export_fields.split(",") if f.strip()] if export_fields else None
        summary = export_hits(SYSTEM, data_dir_of(ctx), query, export_file, sort=sort, fields=chosen)
        emit_document(
            summary,
            as_json,
            str(Msg(f"已导出 {summary['exported']} 件到 {export_file}", f"exported {summary['exported']} hits to {export_file}")),
        )
        return
    chosen = tuple(f.strip() for f in facets.split(",") if f.strip()) if facets else ()
    result = search_hits(SYSTEM, data_dir_of(ctx), query, limit=limit, offset=offset, facets=chosen, sort=sort)
    if as_json:
        sys.stdout.write(to_json(result) + "\n")
        return
    columns = ("app_no", "title", "app_date", "ipc_main", "status")
    rows = [{k: getattr(h, k) for k in columns} | {"applicants": "；".join(h.applicants)} for h in result.hits]
    emit_records(rows, "table", title=f"共 {result.total} 件 / {result.total} hits", words={"status": "legal_status"})
    for name, values in result.facets.items():
        print(f"{name}: " + "，".join(f"{v.label} {v.count}" for v in values))


@app.command("lookup")
def lookup_cmd(
    ctx: typer.Context,
    numbers: Annotated[
        Path, typer.Argument(help="号码清单文件，每行一个（- 为标准输入）/ a file of numbers, one a line (- for stdin)")
    ],
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
) -> None:
    """批量查询申请号或公开号 / look up a list of application or publication numbers in the current snapshot."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.search.batch import look_up

    if str(numbers) != "-" and not numbers.is_file():
        raise IpsError(Msg(f"找不到文件 {numbers}", f"no such file: {numbers}"))
    text = sys.stdin.read() if str(numbers) == "-" else numbers.read_text(encoding="utf-8-sig", errors="replace")
    rows = look_up(SYSTEM, data_dir_of(ctx), text)
    shown = [r.model_dump(mode="json") | {"reason": str(r.reason) if r.reason else None} for r in rows]
    table = ("line", "written", "app_no", "title", "legal_status", "reason")
    emit_records(shown, chosen_format(as_json, fmt), out, table_columns=table)
    if any(not r.found for r in rows):
        raise typer.Exit(1)  # done in part: some numbers were not found or not valid (CONVENTIONS.md)
