"""The catalogue of official indicators, as data: each entry names its definition's source and its parameters.

An indicator is a numerator (a count or sum over the warehouse, defined in ``measures.py`` by name), optionally
divided by a denominator (a statistical series from ``ipstrong.reference.series`` or another measure), times a
scale. ``kind`` is ``stock`` (as of a date) or ``flow`` (within the calendar year of the as-of date, up to it).
Adding an indicator adds one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SRC_DENSITY = (
    "《知识产权强国建设纲要（2021—2035年）》《“十四五”国家知识产权保护和运用规划》指标"
    "“每万人口发明专利拥有量”；计算口径见 ../shared/reference/OFFICIAL_RULES.md §2（第三方公式，"
    "国内有效发明专利÷年末常住人口）"
)
SRC_STATS = "国家知识产权局《专利统计年报》申请量、授权量口径（按申请日、授权公告日所在年度计）"
SRC_GDP = (
    "江苏省“知识产权强省”考核口径“每十亿元GDP发明专利拥有量”（未见正式定义，按 OFFICIAL_RULES.md §2："
    "有效发明专利÷GDP（亿元）×10）"
)
SRC_PLEDGE = "《专利权质押登记办法》（国家知识产权局公告第461号，2021）；质押登记统计按登记日所在年度（OFFICIAL_RULES.md §11）"


@dataclass(frozen=True)
class Denominator:
    """What divides the numerator: a reference series (by indicator name) or another measure."""

    series: str | None = None  # e.g. "population", "gdp_100m_yuan"
    measure: str | None = None  # a measure of measures.py
    unit_factor: float = 1.0  # multiply the denominator by this (GDP 亿元 → 十亿元: 0.1)


@dataclass(frozen=True)
class Indicator:
    id: str
    name_zh: str
    name_en: str
    unit: str
    kind: str  # stock | flow
    numerator: str  # a measure of measures.py
    source: str
    denominator: Denominator | None = None
    scale: float = 1.0
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "unit": self.unit,
            "kind": self.kind,
            "source": self.source,
            "parameters": self.parameters,
            "numerator": self.numerator,
            "denominator": self.denominator.series or self.denominator.measure if self.denominator else None,
        }


DOMESTIC = {"scope": {"default": "domestic", "reason": "国内（不含港澳台）有效量 / domestic owners only (OFFICIAL_RULES §1)"}}
VINTAGE = {
    "population_vintage": {
        "default": "first",
        "reason": "年度公报首次公布数，与当年公布的比值一致 / first-published figures match the ratios published that year",
    }
}

CATALOGUE: list[Indicator] = [
    Indicator(
        "effective_inventions",
        "有效发明专利量",
        "effective invention patents",
        "件",
        "stock",
        "effective_inventions",
        SRC_DENSITY,
        parameters=DOMESTIC,
    ),
    Indicator(
        "inventions_per_10k_pop",
        "每万人口发明专利拥有量",
        "invention patents per 10,000 residents",
        "件/万人",
        "stock",
        "effective_inventions",
        SRC_DENSITY,
        Denominator(series="population"),
        parameters={**DOMESTIC, **VINTAGE},
    ),
    Indicator(
        "inventions_per_billion_gdp",
        "每十亿元GDP发明专利拥有量",
        "invention patents per billion yuan of GDP",
        "件/十亿元",
        "stock",
        "effective_inventions",
        SRC_GDP,
        Denominator(series="gdp_100m_yuan", unit_factor=0.1),
        parameters=DOMESTIC,
    ),
    Indicator(
        "applications_invention", "发明专利申请量", "invention applications", "件", "flow", "applications_invention", SRC_STATS
    ),
    Indicator(
        "applications_utility_model",
        "实用新型专利申请量",
        "utility-model applications",
        "件",
        "flow",
        "applications_utility_model",
        SRC_STATS,
    ),
    Indicator("applications_design", "外观设计专利申请量", "design applications", "件", "flow", "applications_design", SRC_STATS),
    Indicator("grants_invention", "发明专利授权量", "invention grants", "件", "flow", "grants_invention", SRC_STATS),
    Indicator(
        "grants_utility_model", "实用新型专利授权量", "utility-model grants", "件", "flow", "grants_utility_model", SRC_STATS
    ),
    Indicator("grants_design", "外观设计专利授权量", "design grants", "件", "flow", "grants_design", SRC_STATS),
    Indicator(
        "enterprise_share_invention_grants",
        "企业发明专利授权量占比",
        "enterprise share of invention grants",
        "%",
        "flow",
        "grants_invention_enterprise",
        SRC_STATS,
        Denominator(measure="grants_invention"),
        scale=100.0,
        parameters={
            "applicant": {
                "default": "first applicant",
                "reason": "按第一申请人类型 / by the first applicant's type (CONVENTIONS.md)",
            }
        },
    ),
    Indicator(
        "pct_applications",
        "PCT 国际专利申请进入中国国家阶段量",
        "PCT national-phase applications",
        "件",
        "flow",
        "applications_pct",
        SRC_STATS,
    ),
    Indicator("pledged_patents", "质押专利数", "patents pledged", "件", "flow", "pledged_patents", SRC_PLEDGE),
    Indicator("pledge_amount", "专利质押登记金额", "registered pledge amount", "万元", "flow", "pledge_amount", SRC_PLEDGE),
]

BY_ID = {i.id: i for i in CATALOGUE}
