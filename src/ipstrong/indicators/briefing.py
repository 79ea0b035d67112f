"""The dashboard as a briefing to hand on (简报), as a workbook or a PDF: the headline figures, the regions ranked
with their change on the year, the development zones, and the series — what the page shows, with each figure's
status and note, and the indicator's source. Headers in Chinese and English; the PDF draws the ranking and the series
as charts."""

from __future__ import annotations

from pathlib import Path

from ipstrong.indicators.catalogue import BY_ID
from ipstrong.indicators.dashboard import Dashboard
from ipstrong.indicators.records import FigureRecord
from ipstrong.output import PrintLayout, Sheet, write_workbook
from ipstrong.vocabulary import words


def _status(record_status: str) -> str:
    zh, en = words("figure_status", record_status)
    return f"{zh} / {en}"


def write_briefing(board: Dashboard, out: Path) -> None:
    """Write ``board`` to ``out`` (XLSX, A4 landscape)."""
    chosen = BY_ID[board.indicator]
    headline = Sheet(
        ("指标 / indicator", "数值 / value", "单位 / unit", "截至 / as of", "状态 / status", "说明 / note"),
        [(r.name_zh, r.value, r.unit, r.asof, _status(r.status), r.note) for r in board.headline],
        PrintLayout("主要指标 headline", (34, 14, 12, 12, 12, 60)),
    )
    ranked = _ranked(board)
    ranking = Sheet(
        ("排名 / rank", "地区 / region", "代码 / code", f"{chosen.name_zh}（{chosen.unit}）", "上年 / previous year",
         "较上年 / change", "分子 / numerator", "分母 / denominator", "状态 / status", "说明 / note"),
        [(board.ranks[r.region_code].rank, r.region_name, r.region_code, r.value, board.ranks[r.region_code].previous,
          board.ranks[r.region_code].change, r.numerator, r.denominator, _status(r.status), r.note) for r in ranked],
        PrintLayout("排名 ranking", (8, 14, 10, 16, 14, 12, 12, 12, 12, 50)),
    )  # fmt: skip
    zones = Sheet(
        ("园区 / zone", "代码 / code", f"{chosen.name_zh}（{chosen.unit}）", "分子 / numerator", "状态 / status", "说明 / note"),
        [(r.region_name, r.region_code, r.value, r.numerator, _status(r.status), r.note) for r in board.zones],
        PrintLayout("园区 zones", (24, 22, 16, 12, 12, 50)),
    )
    published = board.comparison.figures if board.comparison else []
    comparison = Sheet(
        ("地区 / region", "代码 / code", f"公布值 / published（{chosen.unit}）", "省际排名 / rank", "依据 / source"),
        [(f.region_name, f.region_code, f.value, f.rank, f"{f.source_title} {f.source_url}") for f in published],
        PrintLayout("对比 comparison", (18, 10, 18, 10, 90)),
    )
    series = Sheet(
        ("年末 / year-end", f"{chosen.name_zh}（{chosen.unit}）", "说明 / note"),
        [(p.asof, p.value, p.note) for p in board.series],
        PrintLayout("历年 series", (14, 18, 60)),
    )
    source = Sheet(
        ("项目 / item", "内容 / content"),
        [("指标 / indicator", f"{chosen.name_zh} / {chosen.name_en}"), ("截至 / as of", board.asof),
         ("依据 / source", chosen.source), ("快照 / snapshot", board.records[0].snapshot if board.records else None),
         *[(f"{y.year} 年缺数地区 / missing in {y.year}", "、".join(y.missing)) for y in board.later]],
        PrintLayout("依据 source", (24, 100)),
    )  # fmt: skip
    extra = [*([zones] if board.zones else []), *([comparison] if published else [])]
    write_workbook(out, [headline, ranking, *extra, series, source])


def _ranked(board: Dashboard) -> list[FigureRecord]:
    """The parts of the region (cities or counties) by rank, those without a figure last."""
    return sorted(board.records[1:], key=lambda r: (board.ranks[r.region_code].rank or 10**6, r.region_code))


def briefing_pdf(board: Dashboard) -> bytes:
    """``board`` as an A4 PDF: the headline figures, the ranking as a chart and a table, the zones, the series as a
    chart and a table, and the sources and gaps."""
    from importlib.resources import files

    from ipstrong.clock import today_shanghai
    from ipstrong.paper_charts import bar_svg, line_svg
    from ipstrong.printing import render_pdf

    chosen = BY_ID[board.indicator]
    ranked = _ranked(board)
    asof = board.asof.isoformat() if board.asof else ""
    values = {
        "b": board,
        "chosen": chosen,
        "ranked": ranked,
        "status": _status,
        "printed_on": today_shanghai(),
        "ranking_svg": bar_svg(
            [r.region_name for r in ranked], [r.value for r in ranked], f"{chosen.name_zh} · {asof}", chosen.unit
        ),
        "series_svg": line_svg(
            [str(p.year) for p in board.series], [p.value for p in board.series], f"{chosen.name_zh} · 历年 series", chosen.unit
        ),
    }
    return render_pdf(Path(str(files("ipstrong") / "indicators" / "templates")), "briefing", values)
