"""The analyses of a navigation report, registered in one place: each section is a name and one function that reads
the report's scope (a temporary table ``scope`` of the industry's CN patents, with ``home`` true for those of the
report's region) and returns its table and the chart that shows it. Adding an analysis adds one entry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
from pydantic import BaseModel

from ipstrong.reference.regions import region_name
from ipstrong.vocabulary import words

TOP = 20


class Series(BaseModel):
    name: str
    values: list[float | None]


class Chart(BaseModel):
    kind: str  # line | bar | pie
    x: list[str]
    series: list[Series]


class SectionResult(BaseModel):
    id: str
    title_zh: str
    title_en: str
    columns: list[str]
    rows: list[list[Any]]
    chart: Chart | None
    note: str | None = None  # machine-generated text for the analyst to edit


@dataclass(frozen=True)
class Context:
    con: duckdb.DuckDBPyConnection
    home_name: str
    data_until: int | None  # the last filing year in scope
    compare: tuple[str, ...] = ()  # the provinces the gap analysis compares with (all, when empty)


@dataclass(frozen=True)
class Section:
    id: str
    title_zh: str
    title_en: str
    run: Callable[[Context], tuple[list[str], list[list[Any]], Chart | None, str | None]]

    def result(self, ctx: Context) -> SectionResult:
        columns, rows, chart, note = self.run(ctx)
        return SectionResult(id=self.id, title_zh=self.title_zh, title_en=self.title_en, columns=columns, rows=rows,
                             chart=chart, note=note)  # fmt: skip


def _one(kind: str, rows: list[list[Any]], label: int, value: int, name: str, n: int) -> Chart:
    """A chart of one series: the first ``n`` rows' ``label`` column against their ``value`` column."""
    return Chart(kind=kind, x=[str(r[label]) for r in rows[:n]], series=[Series(name=name, values=[r[value] for r in rows[:n]])])


def _rows(ctx: Context, sql: str, params: list[Any] | dict[str, Any] | None = None) -> list[list[Any]]:
    return [list(r) for r in ctx.con.execute(sql, params or []).fetchall()]


def _trend(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    rows = _rows(
        ctx,
        """
        WITH filed AS (SELECT year(app_date) y, count(*) n, count(*) FILTER (WHERE home) h FROM scope GROUP BY 1),
             granted AS (SELECT year(grant_date) y, count(*) n, count(*) FILTER (WHERE home) h FROM scope
                         WHERE grant_date IS NOT NULL GROUP BY 1)
        SELECT coalesce(f.y, g.y) y, coalesce(f.n, 0), coalesce(f.h, 0), coalesce(g.n, 0), coalesce(g.h, 0)
        FROM filed f FULL JOIN granted g ON f.y = g.y WHERE coalesce(f.y, g.y) IS NOT NULL ORDER BY 1""",
    )
    x = [str(r[0]) for r in rows]
    chart = Chart(kind="line", x=x, series=[
        Series(name="申请 applications", values=[r[1] for r in rows]),
        Series(name=f"{ctx.home_name} 申请", values=[r[2] for r in rows]),
        Series(name="授权 grants", values=[r[3] for r in rows]),
    ])  # fmt: skip
    columns = ["年份 year", "申请 filed", f"{ctx.home_name} 申请", "授权 granted", f"{ctx.home_name} 授权"]
    return columns, rows, chart, None


def _lifecycle(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    rows = _rows(
        ctx,
        """
        SELECT year(app_date) y, count(*), count(DISTINCT coalesce(CAST(first_applicant_id AS VARCHAR), first_applicant))
        FROM scope WHERE app_date IS NOT NULL GROUP BY 1 ORDER BY 1""",
    )
    chart = Chart(kind="line", x=[str(r[0]) for r in rows], series=[
        Series(name="申请量 applications", values=[r[1] for r in rows]),
        Series(name="申请人数 applicants", values=[r[2] for r in rows]),
    ])  # fmt: skip
    note = None
    if len(rows) >= 4:
        recent, before = rows[-3:-1] if rows[-1][0] == ctx.data_until and len(rows) > 4 else rows[-2:], rows[:-3]
        growing = sum(r[1] for r in recent) / len(recent) > (sum(r[1] for r in before[-2:]) / max(len(before[-2:]), 1))
        note = ("（机器生成，待分析人员修改）申请量与申请人数仍在增长：技术处于成长期。" if growing else
                "（机器生成，待分析人员修改）申请量已回落：技术可能进入成熟或衰退期，最近一年数据可能未公开完整。")  # fmt: skip
    return ["年份 year", "申请量 applications", "申请人数 applicants"], rows, chart, note


def _regions(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    raw = _rows(
        ctx,
        """
        SELECT coalesce(province_code, 'country:' || coalesce(country, '?')) place, count(*) n,
               count(*) FILTER (WHERE legal_status = 'in_force' AND patent_type = 'invention') eff
        FROM scope GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30""",
    )
    rows = [[_place_name(r[0]), r[1], r[2]] for r in raw]
    chart = Chart(
        kind="bar", x=[r[0] for r in rows[:15]], series=[Series(name="申请 applications", values=[r[1] for r in rows[:15]])]
    )
    return ["地区 region", "申请 applications", "有效发明 effective inventions"], rows, chart, None


def _place_name(code: str) -> str:
    if code.startswith("country:"):
        country = code.split(":", 1)[1]
        return "未能定位 not placed" if country == "?" else country
    return region_name(code) or code


def _applicants(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    rows = _rows(
        ctx,
        f"""
        SELECT mode(first_applicant) name, count(*) n, count(grant_date) g,
               count(*) FILTER (WHERE legal_status = 'in_force') f, min(year(app_date)) y0, max(year(app_date)) y1,
               bool_or(home) home
        FROM scope WHERE first_applicant IS NOT NULL
        GROUP BY coalesce(CAST(first_applicant_id AS VARCHAR), first_applicant) ORDER BY n DESC, name LIMIT {TOP}""",
    )
    newcomer = (ctx.data_until or 0) - 2
    out = [[*r[:6], "是 yes" if r[4] is not None and r[4] >= newcomer else "", "是 yes" if r[6] else ""] for r in rows]
    chart = Chart(
        kind="bar", x=[r[0] for r in out[:10]], series=[Series(name="申请 applications", values=[r[1] for r in out[:10]])]
    )
    columns = ["申请人（实体）applicant", "申请 filed", "授权 granted", "有效 in force", "首次 first", "最近 last", "新进入 new",
               f"{ctx.home_name}"]  # fmt: skip
    return columns, out, chart, None


def _technology(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    rows = _rows(
        ctx,
        f"""
        WITH g AS (SELECT DISTINCT app_no, home, legal_status, split_part(replace(x, ' ', ''), '/', 1) grp
                   FROM scope, unnest(coalesce(ipc_all, [])) AS t(x))
        SELECT grp, count(*) n, count(*) FILTER (WHERE home) h, count(*) FILTER (WHERE legal_status = 'in_force') f
        FROM g GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP}""",
    )
    chart = Chart(
        kind="pie", x=[r[0] for r in rows[:10]], series=[Series(name="申请 applications", values=[r[1] for r in rows[:10]])]
    )
    return ["IPC 大组 main group", "申请 filed", f"{ctx.home_name}", "有效 in force"], rows, chart, None


def _collaboration(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    """Pairs of applicants filing together; a university or institute with an enterprise is 产学研."""
    rows = _rows(
        ctx,
        f"""
        WITH named AS (SELECT DISTINCT app_no, trim(a) AS a FROM scope, unnest(coalesce(applicants, [])) AS t(a)
                       WHERE trim(a) <> ''),
             pairs AS (SELECT x.a AS first, y.a AS second, count(*) n FROM named x JOIN named y
                       ON x.app_no = y.app_no AND x.a < y.a GROUP BY 1, 2)
        SELECT first, second, n, ips_applicant_type(first), ips_applicant_type(second)
        FROM pairs ORDER BY n DESC, first, second LIMIT {TOP}""",
    )
    academic = {"university", "institute"}
    out = [[r[0], r[1], r[2], "是 yes" if {r[3], r[4]} & academic and "enterprise" in {r[3], r[4]} else ""] for r in rows]
    joint = ctx.con.execute("SELECT count(*) FROM scope WHERE len(coalesce(applicants, [])) > 1").fetchone()
    note = f"合作申请 {joint[0] if joint else 0} 件（两个以上申请人）/ filed jointly by two or more applicants"
    return ["申请人 applicant", "合作申请人 co-applicant", "合作件数 joint", "产学研 university–enterprise"], out, None, note


def _inventors(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    rows = _rows(
        ctx,
        f"""
        WITH named AS (SELECT DISTINCT app_no, trim(i) AS inventor, first_applicant, app_date
                       FROM scope, unnest(coalesce(inventors, [])) AS t(i) WHERE trim(i) <> '')
        SELECT inventor, count(*) n, mode(first_applicant), min(year(app_date)), max(year(app_date))
        FROM named GROUP BY 1 ORDER BY n DESC, inventor LIMIT {TOP}""",
    )
    chart = _one("bar", rows, 0, 1, "申请 applications", 10)
    return ["发明人 inventor", "申请 filed", "主要申请人 main applicant", "首次 first", "最近 last"], rows, chart, None


def _key_patents(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    rows = _rows(
        ctx,
        f"""
        WITH moves AS (SELECT app_no, count(*) FILTER (WHERE event_type IN ('transfer', 'licence')) m,
                              count(*) FILTER (WHERE event_type = 'pledge') pl FROM events GROUP BY 1)
        SELECT s.app_no, s.title, s.first_applicant, s.legal_status, coalesce(s.claims_count, 0) claims,
               len(list_filter(coalesce(s.family_countries, []), lambda c: c <> 'CN')) abroad,
               coalesce(m.m, 0) moved, coalesce(m.pl, 0) pledged,
               (s.legal_status = 'in_force')::INT * 3 + least(coalesce(s.claims_count, 0), 20) / 5.0
                 + least(len(list_filter(coalesce(s.family_countries, []), lambda c: c <> 'CN')), 5)
                 + least(coalesce(m.m, 0), 3) + least(coalesce(m.pl, 0), 2) score
        FROM scope s LEFT JOIN moves m ON m.app_no = s.app_no
        WHERE s.patent_type = 'invention' ORDER BY score DESC, s.app_no LIMIT {TOP}""",
    )
    columns = ["申请号 application", "名称 title", "申请人 applicant", "法律状态 status", "权利要求 claims", "海外同族 abroad",
               "转让许可 transfers+licences", "质押 pledges", "得分 score"]  # fmt: skip
    note = "得分 = 有效 3 + 权利要求数/5（至多 4）+ 海外同族国家数（至多 5）+ 转让许可次数（至多 3）+ 质押次数（至多 2）"
    shown = [[*r[:3], " ".join(words("legal_status", r[3])), *r[4:8], round(float(r[8]), 1)] for r in rows]
    return columns, shown, None, note


def _legal_status(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    rows = _rows(ctx, "SELECT legal_status, count(*), count(*) FILTER (WHERE home) FROM scope GROUP BY 1 ORDER BY 2 DESC")
    out = [[" ".join(words("legal_status", r[0])) if r[0] else "未知 unknown", r[1], r[2]] for r in rows]
    chart = _one("pie", out, 0, 1, "件 patents", len(out))
    return ["法律状态 status", "全部 all", f"{ctx.home_name}"], out, chart, None


def _gap(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    rows = _rows(
        ctx,
        """
        WITH g AS (SELECT DISTINCT app_no, home, province_code, substr(replace(x, ' ', ''), 1, 4) sub
                   FROM scope, unnest(coalesce(ipc_all, [])) AS t(x)),
             top AS (SELECT sub, count(*) n, count(*) FILTER (WHERE home) h FROM g GROUP BY 1 ORDER BY 2 DESC LIMIT 10),
             lead AS (SELECT sub, province_code, count(*) c,
                             row_number() OVER (PARTITION BY sub ORDER BY count(*) DESC, province_code) r
                      FROM g WHERE province_code IS NOT NULL
                        AND (len($compare::VARCHAR[]) = 0 OR list_contains($compare::VARCHAR[], province_code))
                      GROUP BY 1, 2)
        SELECT t.sub, t.n, t.h, l.province_code, coalesce(l.c, 0) FROM top t LEFT JOIN lead l ON l.sub = t.sub AND l.r = 1
        ORDER BY t.n DESC, t.sub""",
        {"compare": list(ctx.compare)},
    )
    out = [[r[0], r[1], r[2], round(100 * r[2] / r[1], 1) if r[1] else None, region_name(r[3] or "") or "—", r[4]] for r in rows]
    weak = [r[0] for r in out if r[4] != "—" and r[2] < r[5] / 2]
    if weak:
        advice = f"{ctx.home_name}在 {'、'.join(weak)} 上不足领先地区的一半，建议作为引进、培育与布局的方向。"
    else:
        advice = f"{ctx.home_name}在主要技术分支上不落后于领先地区，或数据中没有地区信息。"
    note = "（机器生成，待分析人员修改）" + advice
    columns = [
        "IPC 小类 subclass",
        "全部 all",
        ctx.home_name,
        "占比 % share",
        "领先地区 leading region",
        "领先地区件数 its count",
    ]
    home = Series(name=ctx.home_name, values=[r[2] for r in out])
    chart = Chart(kind="bar", x=[r[0] for r in out], series=[home, Series(name="领先地区 leading", values=[r[5] for r in out])])
    return columns, out, chart, note


SECTIONS: tuple[Section, ...] = (
    Section("trend", "申请与授权趋势", "filing and grant trends", _trend),
    Section("lifecycle", "技术生命周期", "technology life cycle", _lifecycle),
    Section("regions", "地区分布", "regional distribution", _regions),
    Section("applicants", "主要申请人", "top applicants", _applicants),
    Section("technology", "技术构成", "technology composition", _technology),
    Section("collaboration", "合作申请与产学研", "collaboration and university–enterprise ties", _collaboration),
    Section("inventors", "发明人与人才", "inventors and talent", _inventors),
    Section("key_patents", "重点专利", "key patents", _key_patents),
    Section("legal_status", "法律状态", "legal status", _legal_status),
    Section("gap", "差距分析与发展方向", "gap analysis and directions", _gap),
)
