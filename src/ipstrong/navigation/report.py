"""A navigation report: the industry's CN patents of the current snapshot, every registered analysis over them, and
the report's renderings — a self-contained HTML file whose charts are interactive (the vendored ECharts, inlined) and
an XLSX workbook holding every table. ``ipstrong navigate`` renders this one call.

The report's region ("home") is where its own patents are placed: the province, a city or a district. Analyses run
under the query time limit; each reports how long it took, and the report names the snapshot it was made from so it
can be made again from the same data.
"""

from __future__ import annotations

import datetime as dt
import time
from importlib.resources import files
from pathlib import Path

import duckdb
from pydantic import BaseModel

from ipstrong.accounts.roles import Actor, region_prefix, require
from ipstrong.config import Settings
from ipstrong.messages import IpsError, Msg
from ipstrong.navigation.industry import Industry
from ipstrong.navigation.sections import KINDS, Context, Kind, SectionResult
from ipstrong.reference.regions import region_name

REPORT_TIME_FACTOR = 20  # a report's queries may run this many times a page's limit (they read a whole industry)
# a region report without an industry: every patent with an IPC symbol (one without cannot be placed in a field)
ALL_FIELDS = Industry(name="全部技术领域", name_en="every classified patent", ipc=list("ABCDEFGH"))
FIELD_SUBCLASSES = 5  # an enterprise report without an industry reads the enterprise's leading subclasses
TEMPLATES = Path(str(files("ipstrong") / "navigation" / "templates"))


def report_time_limit(settings: Settings) -> float:
    """How long a report's queries may run: ``REPORT_TIME_FACTOR`` times a page's limit."""
    return settings.query_timeout_s * REPORT_TIME_FACTOR


class Timed(BaseModel):
    section: str
    seconds: float


class NavigationReport(BaseModel):
    industry: Industry
    kind: str  # sections.KINDS
    region_code: str
    region_name: str
    enterprise_id: int | None = None  # an enterprise report's enterprise (its patents are the home's)
    home_name: str  # the region's name, or the enterprise's
    compare: list[str]
    snapshot: str
    made_at: dt.datetime
    patents: int  # in the industry (CN)
    home_patents: int
    query: str  # the condition the industry became, for the record
    sections: list[SectionResult]
    timings: list[Timed]

    @property
    def title(self) -> str:
        """What the report is of: the industry; the region in it, or the enterprise in it."""
        return {"industry": self.industry.name, "region": f"{self.region_name} · {self.industry.name}"}.get(
            self.kind, f"{self.home_name} · {self.industry.name}"
        )

    @property
    def kind_title(self) -> str:
        """The kind as the report's heading names it, with the part of the standard it follows."""
        kind = KINDS[self.kind]
        return f"{kind.title_zh} / {kind.title_en}（{kind.standard}）"


def navigate(
    actor: Actor, data_dir: Path, industry: Industry | None, region: str = "320000", kind: str = "industry",
    timeout_s: float | None = None, compare: tuple[str, ...] = (), enterprise: int | None = None,
) -> NavigationReport:  # fmt: skip
    """The report of ``kind`` (``sections.KINDS``) over ``industry``'s CN patents of the current snapshot. Its home
    is the region ``region``, or for an enterprise report the enterprise ``enterprise``'s patents. A region report
    without an industry reads every field; an enterprise report without one the enterprise's leading subclasses. The
    gap analysis compares with the provinces ``compare`` (every province when empty)."""
    from ipstrong.ingest.applicant_types import applicant_type_macro
    from ipstrong.warehouse.connection import snapshot_connection, time_limit
    from ipstrong.warehouse.snapshots import Warehouse

    require(actor, "records.read")
    chosen = check_request(kind, industry, region, compare, enterprise)
    snapshot = Warehouse(data_dir).current_id()
    if snapshot is None:
        raise IpsError(Msg("仓库中没有数据：先运行 ipstrong ingest", "the warehouse is empty: run ipstrong ingest first"))
    con = snapshot_connection(data_dir, snapshot)
    con.execute(applicant_type_macro())  # the ingest's rule for an applicant's type, for the collaboration section
    timings = []
    try:
        with time_limit(con, timeout_s):
            home_name, industry = _home(con, kind, industry, region, enterprise)
            where, params = industry.where(con, data_dir, snapshot)
            home = "p.first_applicant_id = ?" if enterprise is not None else (
                "coalesce(starts_with(coalesce(p.district_code, p.city_code, p.province_code, ''), ?), false)")  # fmt: skip
            con.execute(
                f"CREATE TEMP TABLE scope AS SELECT p.*, {home} AS home FROM patents p WHERE p.office = 'CN' AND {where}",
                [enterprise if enterprise is not None else region_prefix(region), *params],
            )
            con.execute(  # the industry's records at other offices, for the regional section
                f"CREATE TEMP TABLE abroad AS SELECT office, count(*) n FROM patents p WHERE p.office <> 'CN' AND {where} "
                "GROUP BY 1", params,
            )  # fmt: skip
            total, in_home, until = con.execute(
                "SELECT count(*), count(*) FILTER (WHERE home), max(year(app_date)) FROM scope"
            ).fetchone()
            ctx = Context(con=con, home_code=region, home_name=home_name, data_until=until, compare=compare,
                          data_dir=data_dir)  # fmt: skip
            sections = []
            for section in chosen.chosen() if total else ():
                started = time.perf_counter()
                sections.append(section.result(ctx))
                timings.append(Timed(section=section.id, seconds=round(time.perf_counter() - started, 3)))
    finally:
        con.close()
    return NavigationReport(
        industry=industry, kind=kind, region_code=region, region_name=region_name(region) or region, enterprise_id=enterprise,
        home_name=home_name, compare=list(compare), snapshot=snapshot, made_at=dt.datetime.now(dt.UTC), patents=total,
        home_patents=in_home, query=_described(industry), sections=sections, timings=timings,
    )  # fmt: skip


def check_request(kind: str, industry: Industry | None, region: str, compare: tuple[str, ...], enterprise: int | None) -> Kind:
    """The report kind asked for, once what it needs is given and every region is known (a refusal names the field)."""
    chosen = KINDS.get(kind)
    if chosen is None:
        raise IpsError(Msg(f"没有报告类型 {kind}（可选：{'、'.join(KINDS)}）", f"no report kind {kind} ({', '.join(KINDS)})")
                       .located(field="kind"))  # fmt: skip
    if (kind == "enterprise") != (enterprise is not None):
        msg = Msg(
            "企业经营类报告须且只能给出企业编号（--enterprise）",
            "an enterprise report, and only it, names an enterprise (--enterprise)",
        )
        raise IpsError(msg.located(field="enterprise"))
    if industry is None and kind == "industry":
        raise IpsError(Msg("产业规划类报告须给出产业定义", "an industry report needs an industry").located(field="industry"))
    unknown = [c for c in (region, *compare) if region_name(c) is None]
    if unknown:
        raise IpsError(Msg(f"未知区划代码 {'、'.join(unknown)}", f"unknown region {', '.join(unknown)}").located(field="region"))
    if not_provinces := [c for c in compare if not c.endswith("0000")]:
        msg = Msg(f"比较地区须为省级：{'、'.join(not_provinces)}", f"compare with provinces: {', '.join(not_provinces)}")
        raise IpsError(msg.located(field="compare"))
    return chosen


def _home(
    con: duckdb.DuckDBPyConnection, kind: str, industry: Industry | None, region: str, enterprise: int | None
) -> tuple[str, Industry]:
    """The home's name and the industry the report reads (``navigate`` says which when none is given)."""
    if enterprise is None:
        return region_name(region) or region, industry or ALL_FIELDS
    found = con.execute(
        "SELECT mode(first_applicant), count(*) FROM patents WHERE office = 'CN' AND first_applicant_id = ?", [enterprise]
    ).fetchone()
    if not found or not found[1]:
        raise IpsError(Msg(f"仓库中没有企业 {enterprise} 的专利", f"no patent of enterprise {enterprise} in the warehouse")
                       .located(field="enterprise"))  # fmt: skip
    if industry is not None:
        return found[0], industry
    fields = [r[0] for r in con.execute(
        "SELECT substr(replace(x, ' ', ''), 1, 4) sub FROM patents, unnest(coalesce(ipc_all, [])) AS t(x) "
        "WHERE office = 'CN' AND first_applicant_id = ? GROUP BY 1 ORDER BY count(DISTINCT app_no) DESC, 1 LIMIT ?",
        [enterprise, FIELD_SUBCLASSES]).fetchall()]  # fmt: skip
    if not fields:
        raise IpsError(Msg(f"企业 {enterprise} 的专利没有 IPC 分类", f"enterprise {enterprise}'s patents have no IPC symbol")
                       .located(field="enterprise"))  # fmt: skip
    return found[0], Industry(name=f"{found[0]} 技术领域", name_en="the enterprise's fields", ipc=fields)


def _described(industry: Industry) -> str:
    parts = [f"IPC ∈ {{{', '.join(industry.ipc)}}}"] if industry.ipc else []
    parts += [f"关键词 keywords ∈ {{{', '.join(industry.keywords)}}}"] if industry.keywords else []
    parts += [f"战略性新兴产业 SEI ∈ {{{', '.join(industry.sei)}}}"] if industry.sei else []
    parts += [f"检索式 query: {industry.query}"] if industry.query else []
    text = " 或 OR ".join(parts)
    excluded = [*industry.exclude_ipc, *industry.exclude_keywords]
    return text + (f"，排除 excluding {{{', '.join(excluded)}}}" if excluded else "")


def write_html(report: NavigationReport, out: Path) -> None:
    """The report as one HTML file: its tables, and its charts drawn by the vendored ECharts and map layers, inlined."""
    from ipstrong.maps import layer_of
    from ipstrong.printing import render_template

    static = Path(str(files("ipstrong") / "web" / "static"))
    echarts = (static / "vendor" / "echarts.min.js").read_text(encoding="utf-8")
    drawing = (static / "report_charts.js").read_text(encoding="utf-8")  # the platform's viewer draws with it too
    regions = {s.chart.map.region for s in report.sections if s.chart is not None and s.chart.map is not None}
    layers = [layer.path.read_text(encoding="utf-8") for layer in map(layer_of, sorted(regions)) if layer is not None]
    values = {"r": report, "charts": report_charts(report), "echarts": echarts, "layers": layers, "drawing": drawing}
    page = render_template(TEMPLATES, "report", values)
    out.write_text(page, encoding="utf-8")


def report_charts(report: NavigationReport) -> dict[str, dict[str, object]]:
    """Each section's chart, by section, as the drawing script reads them."""
    return {s.id: s.chart.model_dump() for s in report.sections if s.chart is not None}


def write_xlsx(report: NavigationReport, out: Path) -> None:
    """Every table of the report, one sheet each, after a sheet describing the scope."""
    from ipstrong.output import Sheet, write_workbook

    scope = Sheet(("项目 item", "值 value"), [
        ("产业 industry", report.industry.name), ("检索式 query", report.query), ("地区 region", report.region_name),
        ("快照 snapshot", report.snapshot), ("专利 patents", report.patents), (report.region_name, report.home_patents),
    ])  # fmt: skip
    write_workbook(out, [scope, *(Sheet(s.columns, s.rows) for s in report.sections)])


def write_pdf(report: NavigationReport, out: Path) -> None:
    """The report for paper: its tables, and its charts drawn as SVG in the Chinese fonts — a line or bars of each
    chart's first series (a map's values as bars), a network on a circle."""
    from ipstrong.printing import render_pdf

    drawn = {s.id: _paper_chart(s) for s in report.sections if s.chart is not None}
    out.write_bytes(render_pdf(TEMPLATES, "report_print", {"r": report, "svgs": drawn}))


def _paper_chart(section: SectionResult) -> str:
    from ipstrong.paper_charts import bar_svg, line_svg, network_svg

    chart = section.chart
    assert chart is not None
    if chart.kind == "graph":
        names = [n.name for n in chart.nodes]
        return network_svg(
            names, [(names.index(k.source), names.index(k.target), k.value) for k in chart.links], section.title_zh
        )
    first = chart.series[0]
    draw = line_svg if chart.kind == "line" else bar_svg
    return draw(chart.x, first.values, section.title_zh, first.name)
