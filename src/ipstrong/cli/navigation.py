"""The navigation report from the command line: ``ipstrong navigate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ipstrong.cli.common import JsonOpt, app, data_dir_of
from ipstrong.messages import IpsError, Msg
from ipstrong.output import emit_document


@app.command("navigate")
def navigate_command(
    ctx: typer.Context,
    industry: Annotated[Path | None, typer.Option("--industry", help="产业定义 YAML / the industry's YAML file")] = None,
    name: Annotated[str | None, typer.Option("--name", help="产业名称（行内定义）/ an inline industry's name")] = None,
    ipc: Annotated[str | None, typer.Option("--ipc", help="IPC 符号，逗号分隔 / IPC symbols, comma separated")] = None,
    keywords: Annotated[str | None, typer.Option("--keywords", help="关键词，逗号分隔 / keywords, comma separated")] = None,
    region: Annotated[str, typer.Option("--region", help="本地区区划代码 / the home region")] = "320000",
    compare: Annotated[str | None, typer.Option("--compare", help="比较的省份，如 310000,330000 / provinces to compare")] = None,
    kind: Annotated[str, typer.Option("--kind", help="industry（GB/T 39551.3）")] = "industry",
    out: Annotated[Path, typer.Option("--out", help="报告 HTML 文件 / the HTML report")] = Path("report.html"),
    pdf: Annotated[bool, typer.Option("--pdf", help="另出 PDF（与 HTML 同名）/ also a PDF beside it")] = False,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="另出 XLSX（与 HTML 同名）/ also an XLSX beside it")] = False,
    as_json: JsonOpt = False,
) -> None:
    """专利导航报告：趋势、生命周期、地区、申请人、技术构成、重点专利、法律状态、差距分析 / a patent navigation report."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.cli.common import settings_of
    from ipstrong.messages import validated
    from ipstrong.navigation.industry import Industry, load_industry, split_terms
    from ipstrong.navigation.report import REPORT_TIME_FACTOR, navigate, write_html, write_pdf, write_xlsx

    if (industry is None) == (name is None):
        raise IpsError(Msg("须给出 --industry 文件或 --name（二者之一）", "give either --industry FILE or --name"))
    chosen = load_industry(industry) if industry is not None else validated(
        Industry, {"name": name, "ipc": split_terms(ipc), "keywords": split_terms(keywords)})  # fmt: skip
    limit = settings_of(ctx).query_timeout_s * REPORT_TIME_FACTOR
    report = navigate(SYSTEM, data_dir_of(ctx), chosen, region, kind, timeout_s=limit, compare=tuple(split_terms(compare)))
    out.parent.mkdir(parents=True, exist_ok=True)
    write_html(report, out)
    written = [out]
    if xlsx:
        written.append(out.with_suffix(".xlsx"))
        write_xlsx(report, written[-1])
    if pdf:
        written.append(out.with_suffix(".pdf"))
        write_pdf(report, written[-1])
    summary = {"patents": report.patents, "home_patents": report.home_patents, "snapshot": report.snapshot,
               "files": [str(w) for w in written], "timings": [t.model_dump() for t in report.timings]}  # fmt: skip
    emit_document(summary, as_json, str(Msg(f"{report.patents} 件专利，已写入 {'、'.join(map(str, written))}",
                                            f"{report.patents} patents, written to {', '.join(map(str, written))}")))  # fmt: skip
