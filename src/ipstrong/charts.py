"""The charts a page or a report draws, as data: ``static/report_charts.js`` draws each one into its ``chart-<id>``
box (ECharts; a map on its vendored layer from ``ipstrong.maps``). The navigation report's sections and the
service network's directory build them."""

from __future__ import annotations

from pydantic import BaseModel


class Series(BaseModel):
    name: str
    values: list[float | None]


class MapRef(BaseModel):
    """The vendored layer a map chart is drawn on (``ipstrong.maps``)."""

    region: str  # the division whose parts the layer shows
    name: str  # as the layer registers itself with ECharts
    aliases: dict[str, str]  # an abolished code among its shapes → today's


class Node(BaseModel):
    name: str
    value: int  # its filings in scope
    category: str  # its applicant type (``vocabulary`` applicant_type)


class Link(BaseModel):
    source: str
    target: str
    value: int  # joint filings


class Chart(BaseModel):
    kind: str  # line | bar | pie | map | graph
    x: list[str]
    series: list[Series]
    codes: list[str] = []  # map: the division code of each x
    map: MapRef | None = None
    nodes: list[Node] = []  # graph
    links: list[Link] = []  # graph


def region_map(region: str, names: list[str], codes: list[str], series_name: str, values: list[float | None]) -> Chart:
    """Values by division code on the map of ``region``'s parts (a province's cities, a city's counties); a bar
    chart where no layer shows them."""
    from ipstrong.maps import layer_of

    layer = layer_of(region)
    series = [Series(name=series_name, values=values)]
    if layer is None:
        return Chart(kind="bar", x=names, series=series)
    return Chart(
        kind="map", x=names, codes=codes, series=series, map=MapRef(region=region, name=layer.name, aliases=layer.aliases)
    )
