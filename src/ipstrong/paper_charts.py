"""Charts for paper: SVG drawn by pygal in the Chinese fonts the install provides, for the PDFs of
:mod:`ipstrong.printing` (WeasyPrint draws inline SVG). The web draws the same figures with ECharts; a PDF cannot run
it. No script is embedded (pygal links one by default)."""

from __future__ import annotations

from collections.abc import Sequence

import pygal
from pygal.style import Style

STYLE = Style(
    font_family='"Noto Sans CJK SC", sans-serif',
    background="white",
    plot_background="white",
    colors=("#08519c", "#d94801"),
    title_font_size=14,
    label_font_size=11,
    major_label_font_size=11,
    value_font_size=10,
)


def _render(chart: pygal.graph.graph.Graph, title: str) -> str:
    chart.title = title
    return chart.render(is_unicode=True)


def bar_svg(labels: Sequence[str], values: Sequence[float | None], title: str, unit: str) -> str:
    """Horizontal bars, the first label at the top (a ranking); a missing value draws no bar."""
    chart = pygal.HorizontalBar(
        style=STYLE, show_legend=False, width=760, height=max(220, 26 * len(labels) + 90), js=[],
        print_values=True, value_formatter=lambda v: f"{v:,.4g}", y_title=unit,
    )  # fmt: skip
    chart.x_labels = list(reversed(labels))
    chart.add(unit, list(reversed(values)))
    return _render(chart, title)


def line_svg(labels: Sequence[str], values: Sequence[float | None], title: str, unit: str) -> str:
    """A series over years; a missing year breaks the line rather than joining across it."""
    chart = pygal.Line(
        style=STYLE, show_legend=False, width=760, height=300, js=[], allow_interruptions=True,
        value_formatter=lambda v: f"{v:,.4g}", y_title=unit,
    )  # fmt: skip
    chart.x_labels = list(labels)
    chart.add(unit, list(values))
    return _render(chart, title)


def network_svg(names: Sequence[str], links: Sequence[tuple[int, int, float]], title: str) -> str:
    """A network on a circle: each name a labelled dot, each link (the two names' positions and its weight) a line
    whose width grows with its weight."""
    import math

    places = [(math.cos(2 * math.pi * i / len(names)), math.sin(2 * math.pi * i / len(names))) for i in range(len(names))]
    chart = pygal.XY(
        style=Style(**{**STYLE.to_dict(), "colors": ("#9ecae1",) * len(links) + ("#08519c",)}), show_legend=False,
        width=760, height=620, js=[], show_x_labels=False, show_y_labels=False, show_x_guides=False,
        show_y_guides=False, print_labels=True, range=(-1.3, 1.3), xrange=(-1.6, 1.6),
    )  # fmt: skip
    heaviest = max((w for _a, _b, w in links), default=1) or 1
    for a, b, weight in links:
        chart.add("", [places[a], places[b]], stroke_style={"width": 1 + 5 * weight / heaviest}, show_dots=False)
    dots = [{"value": place, "label": name} for place, name in zip(places, names, strict=True)]
    chart.add("", dots, stroke=False, dots_size=5)
    return _render(chart, title)
