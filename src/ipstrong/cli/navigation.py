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
    query: Annotated[str, typer.Option("--query", help="检索式（检索语言）/ a search in the query language")] = "",
    region: Annotated[str, typer.Option("--region", help="本地区区划代码 / the home region")] = "320000",
    compare: Annotated[str | None, typer.Option("--compare", help="比较的省份，如 310000,330000 / provinces to compare")] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="industry（产业规划 GB/T 39551.3）| region（区域规划 .2）| enterprise（企业经营 .4）")
    ] = "industry",
    enterprise: Annotated[
        int | None, typer.Option("--enterprise", help="企业编号（企业经营类）/ the enterprise id (--kind enterprise)")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="报告 HTML 文件 / the HTML report")] = Path("report.html"),
    pdf: Annotated[bool, typer.Option("--pdf", help="另出 PDF（与 HTML 同名）/ also a PDF beside it")] = False,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="另出 XLSX（与 HTML 同名）/ also an XLSX beside it")] = False,
    as_json: JsonOpt = False,
) -> None:
    """专利导航报告：产业、区域或企业 / a patent navigation report of an industry, a region or an enterprise.

    区域报告不给产业时覆盖全部技术领域，企业报告不给产业时覆盖该企业的主要 IPC 小类 / a region report without an
    industry reads every field, an enterprise report without one the enterprise's leading subclasses."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.cli.common import settings_of
    from ipstrong.messages import validated
    from ipstrong.navigation.industry import Industry, load_industry, split_terms
    from ipstrong.navigation.report import navigate, report_time_limit, write_html, write_pdf, write_xlsx

    if industry is not None and name is not None:
        raise IpsError(Msg("--industry 文件与 --name 只能给出其一", "give either --industry FILE or --name, not both"))
    inline = {"name": name, "ipc": split_terms(ipc), "keywords": split_terms(keywords), "query": query}
    chosen = load_industry(industry) if industry else validated(Industry, inline) if name is not None else None
    limit = report_time_limit(settings_of(ctx))
    report = navigate(SYSTEM, data_dir_of(ctx), chosen, region, kind, limit, tuple(split_terms(compare)), enterprise)
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
