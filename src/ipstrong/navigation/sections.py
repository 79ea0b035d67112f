"""The analyses of a navigation report, registered in one place: each section is a name and one function that reads
the report's scope (a temporary table ``scope`` of the industry's CN patents, with ``home`` true for those of the
report's region) and returns its table and the chart that shows it. Adding an analysis adds one entry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
from pydantic import BaseModel

from ipstrong.charts import Chart, Link, Node, Series, region_map
from ipstrong.reference.regions import region_name
from ipstrong.vocabulary import words

TOP = 20
NETWORK_TIES = 40  # the strongest ties drawn in the collaboration network


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
    home_code: str
    home_name: str
    data_until: int | None  # the last filing year in scope
    compare: tuple[str, ...] = ()  # the provinces the gap analysis compares with (all, when empty)
    data_dir: Path | None = None  # the warehouse's (the high-value criteria read it; the word splitter caches in it)


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
    """Provinces, places abroad (by the applicant's country), and the industry's records at other offices; the note
    gives the home province's rank among the provinces."""
    raw = _rows(
        ctx,
        """
        SELECT coalesce(province_code, 'country:' || coalesce(country, '?')) place, count(*) n,
               count(*) FILTER (WHERE legal_status = 'in_force' AND patent_type = 'invention') eff
        FROM scope GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30""",
    )
    rows = [[_place_name(r[0]), r[1], r[2]] for r in raw]
    rows += [
        [f"{office} 受理局 office", n, None] for office, n in _rows(ctx, "SELECT office, n FROM abroad ORDER BY n DESC, office")
    ]
    chart = Chart(
        kind="bar", x=[r[0] for r in rows[:15]], series=[Series(name="申请 applications", values=[r[1] for r in rows[:15]])]
    )
    return ["地区 region", "申请 applications", "有效发明 effective inventions"], rows, chart, _province_rank(ctx)


def _province_rank(ctx: Context) -> str:
    province = ctx.home_code[:2] + "0000"
    ranked = _rows(
        ctx,
        """
        WITH p AS (SELECT province_code, count(*) n FROM scope WHERE province_code IS NOT NULL GROUP BY 1)
        SELECT n, rank() OVER (ORDER BY n DESC), count(*) OVER (), sum(n) OVER (), province_code = ? FROM p""",
        [province],
    )
    name = region_name(province) or province
    mine = next((r for r in ranked if r[4]), None)
    if mine is None:
        return f"{name}在本产业没有已定位到省的申请 / {name} holds no placed filing of this industry"
    n, rank, of, placed = mine[:4]
    return (f"{name}以 {n} 件居 {of} 个省级地区第 {rank} 位，占已定位申请的 {100 * n / placed:.1f}% / "
            f"{name} ranks {rank} of {of} with {n} filings, {100 * n / placed:.1f}% of those placed")  # fmt: skip


def _place_name(code: str) -> str:
    if not code.startswith("country:"):
        return region_name(code) or code
    country = code.split(":", 1)[1]
    return "未能定位 not placed" if country in ("?", "CN") else f"{country}（境外 abroad）"


def _home_map(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    """The home region's own filings by its parts — a province's cities or a city's counties — on its map."""
    from ipstrong.reference.regions import by_code

    home = by_code().get(ctx.home_code)
    part = "city_code" if home is not None and home.level == "province" else "district_code"
    raw = _rows(
        ctx,
        f"""
        SELECT {part}, count(*) n, count(*) FILTER (WHERE legal_status = 'in_force' AND patent_type = 'invention')
        FROM scope WHERE home AND {part} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1""",
    )
    unplaced = ctx.con.execute(f"SELECT count(*) FROM scope WHERE home AND {part} IS NULL").fetchone()
    placed = sum(r[1] for r in raw)
    rows = [[region_name(r[0]) or r[0], r[0], r[1], r[2], round(100 * r[1] / placed, 1)] for r in raw]
    chart = region_map(ctx.home_code, [r[0] for r in rows], [r[1] for r in rows], "申请 applications", [r[2] for r in rows])
    left = unplaced[0] if unplaced else 0
    note = f"另有 {left} 件只定位到{ctx.home_name} / {left} more placed in {ctx.home_name} only" if left else None
    columns = ["地区 area", "区划代码 code", "申请 applications", "有效发明 effective inventions", f"占{ctx.home_name} % share"]
    return columns, rows, chart if rows else None, note


def _applicants(ctx: Context, home_only: bool = False) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    """The leading applicants by entity (their name as most often written), of the whole scope or of the home only."""
    rows = _rows(
        ctx,
        f"""
        SELECT mode(first_applicant) name, count(*) n, count(grant_date) g,
               count(*) FILTER (WHERE legal_status = 'in_force') f, min(year(app_date)) y0, max(year(app_date)) y1,
               bool_or(home) home
        FROM scope WHERE first_applicant IS NOT NULL {"AND home" if home_only else ""}
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


def _applicant_trends(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    """The yearly filings of the five leading applicants (by entity), one line each."""
    leaders = _rows(
        ctx,
        """
        SELECT coalesce(CAST(first_applicant_id AS VARCHAR), first_applicant) who, mode(first_applicant) name, count(*) n
        FROM scope WHERE first_applicant IS NOT NULL GROUP BY 1 ORDER BY n DESC, name LIMIT 5""",
    )
    counted = _rows(
        ctx,
        """
        SELECT year(app_date) y, coalesce(CAST(first_applicant_id AS VARCHAR), first_applicant) who, count(*) FROM scope
        WHERE app_date IS NOT NULL AND list_contains(?, coalesce(CAST(first_applicant_id AS VARCHAR), first_applicant))
        GROUP BY 1, 2""",
        [[r[0] for r in leaders]],
    )
    by_year: dict[int, dict[str, int]] = {}
    for year, who, n in counted:
        by_year.setdefault(year, {})[who] = n
    years = sorted(by_year)
    rows = [[y, *(by_year[y].get(who, 0) for who, _name, _n in leaders)] for y in years]
    series = [Series(name=name, values=[r[i + 1] for r in rows]) for i, (_who, name, _n) in enumerate(leaders)]
    chart = Chart(kind="line", x=[str(y) for y in years], series=series) if rows else None
    return ["年份 year", *(name for _who, name, _n in leaders)], rows, chart, None


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


def _topics(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    """Topics found in the patents' titles, abstracts and first claims (``navigation.topics``), each named by its
    heaviest words; above ``topics.SAMPLE`` patents, in a sample drawn by a hash of the application number (the same
    sample each time)."""
    from ipstrong.navigation.topics import SAMPLE, find_topics

    total = ctx.con.execute("SELECT count(*) FROM scope").fetchone()
    total_n = total[0] if total else 0
    patents = _rows(
        ctx,
        f"""
        SELECT title, home, concat_ws(' ', title, abstract, claims) FROM scope
        ORDER BY hash(app_no), app_no LIMIT {SAMPLE}""",
    )
    topics = find_topics([p[2] for p in patents], ctx.data_dir / "cache" if ctx.data_dir else None)
    rows = [
        ["·".join(t.terms[:3]), " ".join(t.terms), len(t.members), round(100 * len(t.members) / len(patents), 1),
         sum(1 for i in t.members if patents[i][1]), patents[t.members[0]][0]]
        for t in topics
    ]  # fmt: skip
    chart = _one("bar", rows, 0, 2, "件 patents", len(rows)) if rows else None
    read = f"样本 {len(patents)} 件（共 {total_n} 件）/ a sample of {len(patents)} of {total_n}" if total_n > SAMPLE else (
        f"全部 {total_n} 件 / all {total_n} patents")  # fmt: skip
    found = f"（机器生成，待分析人员命名）主题由标题、摘要和首项权利要求的词聚类得出，以权重最高的词命名；{read}"
    note = found if rows else f"专利太少或缺少共同用词，未能聚类 / too few patents or shared words to find topics ({read})"
    columns = ["主题 topic", "主题词 terms", "件数 patents", "占比 % share", ctx.home_name, "代表专利 typical patent"]
    return columns, rows, chart, note


def _collaboration(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    """Pairs of applicants filing together, drawn as a network of the strongest ties; a university or institute with
    an enterprise is 产学研."""
    ctx.con.execute(
        "CREATE OR REPLACE TEMP TABLE named AS SELECT DISTINCT app_no, trim(a) AS a FROM scope, "
        "unnest(coalesce(applicants, [])) AS t(a) WHERE trim(a) <> ''"
    )
    pairs = _rows(
        ctx,
        f"""
        WITH pairs AS (SELECT x.a AS first, y.a AS second, count(*) n FROM named x JOIN named y
                       ON x.app_no = y.app_no AND x.a < y.a GROUP BY 1, 2)
        SELECT first, second, n, ips_applicant_type(first), ips_applicant_type(second)
        FROM pairs ORDER BY n DESC, first, second LIMIT {NETWORK_TIES}""",
    )
    academic = {"university", "institute"}
    out = [[r[0], r[1], r[2], "是 yes" if {r[3], r[4]} & academic and "enterprise" in {r[3], r[4]} else ""] for r in pairs[:TOP]]
    kinds = {name: kind for r in pairs for name, kind in ((r[0], r[3]), (r[1], r[4]))}
    filed = dict(_rows(ctx, "SELECT a, count(*) FROM named WHERE list_contains(?, a) GROUP BY 1", [sorted(kinds)]))
    nodes = [Node(name=name, value=filed.get(name, 0), category=" ".join(words("applicant_type", kind or "other")))
             for name, kind in sorted(kinds.items())]  # fmt: skip
    links = [Link(source=r[0], target=r[1], value=r[2]) for r in pairs]
    chart = Chart(kind="graph", x=[], series=[], nodes=nodes, links=links) if links else None
    joint = ctx.con.execute("SELECT count(*) FROM scope WHERE len(coalesce(applicants, [])) > 1").fetchone()
    note = f"合作申请 {joint[0] if joint else 0} 件（两个以上申请人）/ filed jointly by two or more applicants"
    return ["申请人 applicant", "合作申请人 co-applicant", "合作件数 joint", "产学研 university–enterprise"], out, chart, note


def _inventors(ctx: Context, home_only: bool = False) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    """The most prolific inventors, of the whole scope or of the home only (its talent)."""
    rows = _rows(
        ctx,
        f"""
        WITH named AS (SELECT DISTINCT app_no, trim(i) AS inventor, first_applicant, app_date
                       FROM scope, unnest(coalesce(inventors, [])) AS t(i) WHERE trim(i) <> '' {"AND home" if home_only else ""})
        SELECT inventor, count(*) n, mode(first_applicant), min(year(app_date)), max(year(app_date))
        FROM named GROUP BY 1 ORDER BY n DESC, inventor LIMIT {TOP}""",
    )
    chart = _one("bar", rows, 0, 1, "申请 applications", 10)
    return ["发明人 inventor", "申请 filed", "主要申请人 main applicant", "首次 first", "最近 last"], rows, chart, None


def _key_patents(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    """The inventions scoring highest on being in force, claims, family abroad, years maintained, transfers and
    licences, and pledges; each with the high-value criteria it meets today (the indicators' rules)."""
    import datetime as dt

    from ipstrong.indicators.catalogue import BY_ID
    from ipstrong.indicators.engine import high_value_criteria

    rows = _rows(
        ctx,
        f"""
        WITH moves AS (SELECT app_no, count(*) FILTER (WHERE event_type IN ('transfer', 'licence')) m,
                              count(*) FILTER (WHERE event_type = 'pledge') pl FROM events GROUP BY 1),
             k AS (SELECT s.*, len(list_filter(coalesce(s.family_countries, []), lambda c: c <> 'CN')) abroad,
                          CASE WHEN s.grant_date IS NULL THEN 0
                               ELSE date_sub('year', s.app_date, coalesce(s.lapse_date, current_date)) END kept
                   FROM scope s WHERE s.patent_type = 'invention')
        SELECT k.app_no, k.title, k.first_applicant, k.legal_status, coalesce(k.claims_count, 0), k.abroad, k.kept,
               coalesce(m.m, 0) moved, coalesce(m.pl, 0) pledged,
               (k.legal_status = 'in_force')::INT * 3 + least(coalesce(k.claims_count, 0), 20) / 5.0 + least(k.abroad, 5)
                 + least(k.kept, 15) / 5.0 + least(coalesce(m.m, 0), 3) + least(coalesce(m.pl, 0), 2) score
        FROM k LEFT JOIN moves m ON m.app_no = k.app_no ORDER BY score DESC, k.app_no LIMIT {TOP}""",
    )
    met = high_value_criteria(ctx.data_dir, [r[0] for r in rows], dt.date.today()) if rows and ctx.data_dir else {}
    named = {c: BY_ID[f"high_value_{c}"].name_zh.split("：")[-1] for found in met.values() for c in found}
    columns = ["申请号 application", "名称 title", "申请人 applicant", "法律状态 status", "权利要求 claims", "海外同族 abroad",
               "维持年数 years kept", "转让许可 transfers+licences", "质押 pledges", "高价值标准 high-value criteria",
               "得分 score"]  # fmt: skip
    note = ("得分 = 有效 3 + 权利要求数/5（至多 4）+ 海外同族国家数（至多 5）+ 维持年数/5（至多 3）+ 转让许可次数（至多 3）"
            "+ 质押次数（至多 2）；高价值标准按指标口径，以今日计，仅国内权利人的有效发明可满足")  # fmt: skip
    shown = [[*r[:3], " ".join(words("legal_status", r[3])), *r[4:9], "、".join(named[c] for c in met.get(r[0], [])),
              round(float(r[9]), 1)] for r in rows]  # fmt: skip
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


def _subclasses(ctx: Context, extra: str = "") -> str:
    """The scope's patents once per IPC subclass they hold (a CTE body), with ``extra`` columns."""
    return (f"SELECT DISTINCT app_no, home, year(app_date) y, substr(replace(x, ' ', ''), 1, 4) sub{extra} "
            "FROM scope, unnest(coalesce(ipc_all, [])) AS t(x)")  # fmt: skip


def _position(rta: float | None, growth: float | None) -> str:
    strong, growing = (rta or 0) >= 1, growth is None or growth >= 0
    return {(True, True): "优势增长 strong, growing", (True, False): "优势放缓 strong, slowing",
            (False, True): "潜力 emerging", (False, False): "薄弱 weak"}[(strong, growing)]  # fmt: skip


def _competitiveness(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    """GB/T 39551.2's 竞争力 and 匹配度: for the home's leading subclasses, its share, its specialisation (RTA: the
    subclass's share of the home's filings over its share of all filings), its rank among the regions of its level,
    and its growth (the last three years against the three before); each placed as strong or weak, growing or not."""
    from ipstrong.reference.regions import by_code

    home = by_code().get(ctx.home_code)
    peer = {"province": "province_code", "city": "city_code"}.get(home.level if home else "", "district_code")
    until = ctx.data_until or 0
    rows = _rows(
        ctx,
        f"""
        WITH g AS ({_subclasses(ctx, f", {peer} AS peer")}),
             total AS (SELECT count(DISTINCT app_no) n, count(DISTINCT app_no) FILTER (WHERE home) h FROM g),
             peers AS (SELECT sub, peer, count(*) c, rank() OVER (PARTITION BY sub ORDER BY count(*) DESC) r,
                              count(*) OVER (PARTITION BY sub) m FROM g WHERE peer IS NOT NULL GROUP BY 1, 2),
             s AS (SELECT sub, count(*) n, count(*) FILTER (WHERE home) h,
                          count(*) FILTER (WHERE home AND y > $until - 3) recent,
                          count(*) FILTER (WHERE home AND y BETWEEN $until - 5 AND $until - 3) before
                   FROM g GROUP BY 1)
        SELECT s.sub, s.h, s.n, (s.h / total.h) / (s.n / total.n), p.r, p.m, s.recent, s.before
        FROM s CROSS JOIN total LEFT JOIN peers p ON p.sub = s.sub AND p.peer = $home
        WHERE s.h > 0 ORDER BY s.h DESC, s.sub LIMIT 15""",
        {"until": until, "home": ctx.home_code},
    )
    out = []
    for sub, h, n, rta, rank, of, recent, before in rows:
        growth = round(100 * (recent - before) / before, 1) if before else None
        out.append(
            [sub, h, n, round(100 * h / n, 1), round(rta, 2), f"{rank}/{of}" if rank else "—", growth, _position(rta, growth)]
        )
    chart = Chart(kind="bar", x=[r[0] for r in out], series=[Series(name="RTA", values=[r[4] for r in out])])
    by_place: dict[str, list[str]] = {}
    for r in out:
        by_place.setdefault(r[7].split()[0], []).append(r[0])
    advice = {"优势增长": "巩固提升", "优势放缓": "推动转型升级", "潜力": "培育引进", "薄弱": "关注跟踪"}
    note = "（机器生成，待分析人员修改）" + "；".join(
        f"{place}领域 {'、'.join(subs)} 宜{advice[place]}" for place, subs in by_place.items()) if out else None  # fmt: skip
    columns = ["IPC 小类 subclass", ctx.home_name, "全部 all", "占比 % share", "专业化指数 RTA", "排名 rank",
               "近三年增长 % growth", "定位 position"]  # fmt: skip
    return columns, out, chart if out else None, note


def _sei(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    """The home's filings across the strategic emerging industries (the CNIPA concordance, IPC only), against all."""
    from ipstrong.reference.sei import SEI_INDUSTRIES, industry_table

    symbols = [r[0] for r in _rows(ctx, "SELECT DISTINCT x FROM scope, unnest(coalesce(ipc_all, [])) AS t(x)")]
    industry_table(ctx.con, "sei_of", symbols)
    rows = _rows(
        ctx,
        """
        WITH g AS (SELECT DISTINCT s.app_no, s.home, i.industry FROM scope s, unnest(coalesce(s.ipc_all, [])) AS t(x)
                   JOIN sei_of i ON i.symbol = t.x),
             total AS (SELECT count(*) n, count(*) FILTER (WHERE home) h FROM scope)
        SELECT industry, count(*) FILTER (WHERE home) h, count(*) n, total.h, total.n FROM g CROSS JOIN total
        GROUP BY industry, total.h, total.n ORDER BY 2 DESC, 1""",
    )
    out = [[SEI_INDUSTRIES.get(r[0], r[0]), r[1], r[2], round(100 * r[1] / r[2], 1),
            round((r[1] / r[3]) / (r[2] / r[4]), 2) if r[3] else None] for r in rows]  # fmt: skip
    chart = _one("bar", out, 0, 1, ctx.home_name, len(out)) if out else None
    columns = ["战略性新兴产业 SEI industry", ctx.home_name, "全部 all", "占比 % share", "专业化指数 RTA"]
    return columns, out, chart, None


def _rivals(ctx: Context) -> tuple[list[str], list[list[Any]], Chart | None, str | None]:
    """For the enterprise's leading subclasses: its filings, its rank among applicants (by entity) and the leader."""
    rows = _rows(
        ctx,
        f"""
        WITH g AS ({_subclasses(ctx, ", coalesce(CAST(first_applicant_id AS VARCHAR), first_applicant) who, first_applicant")}),
             counted AS (SELECT sub, who, mode(first_applicant) name, count(*) c, bool_or(home) mine FROM g
                         WHERE who IS NOT NULL GROUP BY 1, 2),
             ranked AS (SELECT *, row_number() OVER (PARTITION BY sub ORDER BY c DESC, name) r,
                               sum(c) OVER (PARTITION BY sub) total FROM counted)
        SELECT m.sub, m.c, m.total, m.r, l.name, l.c FROM ranked m JOIN ranked l ON l.sub = m.sub AND l.r = 1
        WHERE m.mine ORDER BY m.c DESC, m.sub LIMIT 10""",
    )
    out = [[r[0], r[1], r[2], round(100 * r[1] / r[2], 1), r[3], r[4], r[5]] for r in rows]
    behind = [f"{r[0]}（{r[5]}）" for r in out if r[4] > 1 and r[1] < r[6] / 2]
    advice = (f"在 {'、'.join(behind)} 上不足领先者的一半：宜排查侵权风险，考虑许可、合作或规避设计。" if behind
              else f"{ctx.home_name}在主要技术分支上领先或接近领先者，宜巩固布局、加强海外保护。")  # fmt: skip
    note = "（机器生成，待分析人员修改）" + advice if out else None
    mine, leader = [r[1] for r in out], [r[6] for r in out]
    chart = Chart(kind="bar", x=[r[0] for r in out],
                  series=[Series(name=ctx.home_name, values=mine), Series(name="领先者 leader", values=leader)])  # fmt: skip
    columns = [
        "IPC 小类 subclass",
        ctx.home_name,
        "全部 all",
        "占比 % share",
        "排名 rank",
        "领先者 leader",
        "领先者件数 its count",
    ]
    return columns, out, chart if out else None, note


SECTIONS: tuple[Section, ...] = (
    Section("trend", "申请与授权趋势", "filing and grant trends", _trend),
    Section("lifecycle", "技术生命周期", "technology life cycle", _lifecycle),
    Section("regions", "地区分布", "regional distribution", _regions),
    Section("home_map", "本地区分布", "within the home region", _home_map),
    Section("applicants", "主要申请人", "top applicants", _applicants),
    Section("applicant_trends", "主要申请人趋势", "the leading applicants' trends", _applicant_trends),
    Section("technology", "技术构成", "technology composition", _technology),
    Section("topics", "技术主题聚类", "topic clusters", _topics),
    Section("collaboration", "合作申请与产学研", "collaboration and university–enterprise ties", _collaboration),
    Section("inventors", "发明人与人才", "inventors and talent", _inventors),
    Section("key_patents", "重点专利", "key patents", _key_patents),
    Section("legal_status", "法律状态", "legal status", _legal_status),
    Section("gap", "差距分析与发展方向", "gap analysis and directions", _gap),
    Section("competitiveness", "竞争力与匹配度", "competitiveness and match", _competitiveness),
    Section("sei", "战略性新兴产业分布", "strategic emerging industries", _sei),
    Section("home_applicants", "本地区创新主体", "the home's applicants", partial(_applicants, home_only=True)),
    Section("home_inventors", "本地区（本企业）人才", "the home's inventors", partial(_inventors, home_only=True)),
    Section("rivals", "竞争对手与风险", "rivals and risks", _rivals),
)
BY_ID = {s.id: s for s in SECTIONS}


@dataclass(frozen=True)
class Kind:
    """A kind of navigation report, after the part of GB/T 39551 it follows: its sections in order."""

    id: str
    standard: str
    title_zh: str
    title_en: str
    sections: tuple[str, ...]

    def chosen(self) -> list[Section]:
        return [BY_ID[s] for s in self.sections]


KINDS = {k.id: k for k in (
    Kind("industry", "GB/T 39551.3", "产业规划类", "industry planning", (
        "trend", "lifecycle", "regions", "home_map", "applicants", "applicant_trends", "technology", "topics",
        "collaboration", "inventors", "key_patents", "legal_status", "gap")),
    Kind("region", "GB/T 39551.2", "区域规划类", "region planning", (
        "trend", "regions", "home_map", "competitiveness", "sei", "home_applicants", "collaboration", "home_inventors",
        "key_patents", "legal_status", "gap")),
    Kind("enterprise", "GB/T 39551.4", "企业经营类", "enterprise operation", (
        "trend", "lifecycle", "technology", "rivals", "applicants", "applicant_trends", "topics", "collaboration",
        "home_inventors", "key_patents", "legal_status")),
)}  # fmt: skip
