"""The catalogue of official indicators, as data: each entry names its definition's source and its parameters.

An indicator is a numerator (a count or sum over the warehouse, defined in ``measures.py`` by name), optionally
divided by a denominator (a statistical series from ``ipstrong.reference.series`` or another measure), times a
scale. ``kind`` is ``stock`` (as of a date) or ``flow`` (within the calendar year of the as-of date, up to it).
Adding an indicator adds one entry here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ipstrong.messages import InvalidOption, Msg, option_flag
from ipstrong.reference.sei import SEI_DEFAULT, SEI_MATCHINGS

SRC_DENSITY = (
    "《知识产权强国建设纲要（2021—2035年）》《“十四五”国家知识产权保护和运用规划》指标"
    "“每万人口发明专利拥有量”；口径：年末国内（不含港澳台）有效发明专利拥有量÷年末常住人口（万人），"
    "按第一专利权人地址归属（公开资料所载算法，与国家知识产权局公布的江苏数一致）"
)
SRC_STATS = "国家知识产权局《专利统计年报》申请量、授权量口径（按申请日、授权公告日所在年度计）"
SRC_GDP = "江苏省“知识产权强省”考核指标“每十亿元GDP发明专利拥有量”（未见正式定义，按地方通行算法：有效发明专利÷GDP（亿元）×10）"
SRC_PLEDGE = "《专利权质押登记办法》（国家知识产权局公告第461号，2021）；质押登记统计按登记日所在年度"


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
    # why a figure cannot be computed at all (no input data loaded), or why it is only partial — never a zero
    not_evaluable: tuple[str, str] | None = None
    partial: tuple[str, str] | None = None
    # an event type whose records the figure needs: those two apply only while the snapshot holds none of them
    needs: str | None = None
    # a comparison of the numerator with itself at another date: ("growth", None) = % change on the same day a year
    # earlier; ("multiple", 2012) = times the value at the end of 2012
    compare: tuple[str, int | None] | None = None
    # the reference series (reference/series.py) of the same figure as CNIPA publishes it for China and every
    # province, which the dashboard sets beside the computed one; None where nothing is published
    published: str | None = None

    @property
    def never_evaluable(self) -> bool:
        """No data can be loaded for it yet: not computed whatever the snapshot holds."""
        return self.not_evaluable is not None and self.needs is None

    def lacking(self, held_event_types: set[str]) -> bool:
        """Whether ``not_evaluable`` and ``partial`` apply to a snapshot holding these event types."""
        return self.needs is None or self.needs not in held_event_types

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


@dataclass(frozen=True)
class OpenParameter:
    """A choice the official definitions leave open, settable per computation. One declaration gives the engine's
    ``Parameters`` field (measures.py), the command-line option (``flag``), the API's query parameter and body field
    and the form's field (web/params.py), the check of a value, and what ``indicators list`` says of it."""

    name: str
    name_zh: str  # the form's label
    name_en: str
    default: Any
    label: str  # zh / en, with the unit: the option's help and the API's description
    reason: str  # why the default, with its source
    options: tuple[str, ...] = ()  # chosen from a list, or else a number from minimum to maximum
    minimum: float | None = None
    maximum: float | None = None

    @property
    def flag(self) -> str:
        return option_flag(self.name)

    def described(self) -> dict[str, Any]:
        """The entry ``indicators list`` shows under an indicator's ``parameters``."""
        allowed = {"options": list(self.options)} if self.options else {"minimum": self.minimum, "maximum": self.maximum}
        return {"default": self.default, **allowed, "reason": self.reason}

    def check(self, value: Any) -> None:
        """Refuse a value the parameter does not take, naming the parameter (each interface words it)."""
        if self.options:
            if value not in self.options:
                raise InvalidOption(self.name, value, Msg("、".join(self.options), "one of " + ", ".join(self.options)))
            return
        low = self.minimum if self.minimum is not None else -math.inf
        high = self.maximum if self.maximum is not None else math.inf
        if not low <= value <= high:
            allowed = Msg(f"{_number(low)} 到 {_number(high)} 之间的数", f"a number from {_number(low)} to {_number(high)}")
            raise InvalidOption(self.name, value, allowed)


def _number(x: float) -> str:
    return f"{x:,.0f}" if math.isfinite(x) and float(x).is_integer() else f"{x:,}"


OPEN_PARAMETERS: dict[str, OpenParameter] = {
    p.name: p
    for p in (
        OpenParameter(
            "attribution",
            "地址归属",
            "Placed by",
            "by-year",
            "地区归属：by-year（2020 年前按专利权人，2021 年起按申请人）、patentee 或 applicant / which address places a "
            "patent: by-year (the patentee's up to 2020, the applicant's from 2021), patentee or applicant",
            "国家知识产权局 2020 年底前按第一专利权人地址（转让后为受让人）统计，2021 年起按申请人地址 "
            "(cnipa-annual-stats 月报表注) / CNIPA placed patents by the first patentee's address (the transferee after "
            "a transfer) up to 2020-12-31 and by the applicant's address from 2021",
            options=("by-year", "patentee", "applicant"),
        ),
        OpenParameter(
            "sei_matching",
            "战略性新兴产业匹配",
            "SEI matching",
            SEI_DEFAULT,
            "战略性新兴产业匹配：ipc-only 或 keywords / how a patent joins a strategic emerging industry",
            "2021 年战略性新兴产业分类与国际专利分类参照关系表，按 IPC 匹配（ipc-only）：在 incoPat 自带标注的真实数据上"
            "一致率 0.996、κ 0.97（聊天机器人 2,717 件发明，未用于调参）；keywords 另需题名或摘要含「关键词概述」，仅标注约 19 % "
            "/ the 2021 SEI–IPC concordance by IPC (ipc-only): agreement 0.996, kappa 0.97 with incoPat's own labels on "
            "real data not tuned on (chatbot set, 2,717 inventions; BENCHMARKS.md); keywords also needs the table's "
            "keyword summaries in the title or abstract and tags about 19 %",
            options=SEI_MATCHINGS,
        ),
        OpenParameter(
            "pledge_threshold",
            "质押金额门槛（万元）",
            "Pledge threshold (10k yuan)",
            0.0,
            "高价值质押金额门槛（万元）/ high-value pledge threshold (10,000 yuan)",
            "「较高质押融资金额」门槛未公布，在省局确定前任何已登记质押均计入 / threshold not published "
            "(OFFICIAL_RULES §1): any registered pledge counts until the office sets one",
            minimum=0.0,
            maximum=1e9,
        ),
        OpenParameter(
            "population_year",
            "人口年份",
            "Population year",
            "previous",
            "人口年份：previous（上一年末）或 same（同年末）/ whose year-end population divides a year-end stock",
            "年末存量除以上一年末常住人口（首次公布数），与公布值一致：国家知识产权局 2016 年江苏 18.41 = 146,859 ÷ "
            "7,976.3 万（2015 年末）；江苏 2021 年 41.17 = 349,000 ÷ 8,477 万（2020 年末）/ a year-end stock divided by "
            "the previous year-end's population (first published) reproduces the published figures: CNIPA's 2016 figure "
            "for Jiangsu 18.41 = 146,859 ÷ 79.763 million (end of 2015); Jiangsu's 2021 figure 41.17 = 349,000 ÷ 84.77 "
            "million (end of 2020)",
            options=("previous", "same"),
        ),
        OpenParameter(
            "population_vintage",
            "人口数口径",
            "Population vintage",
            "first",
            "人口数口径：first（首次公布）或 revised（修订）/ population figures as first published or as revised",
            "年度公报首次公布数，与当年公布的比值一致 / first-published figures match the ratios published that year",
            options=("first", "revised"),
        ),
    )
}


def _open(*names: str) -> dict[str, dict[str, Any]]:
    return {name: OPEN_PARAMETERS[name].described() for name in names}


DOMESTIC = {
    "scope": {"default": "domestic", "reason": "国内（不含港澳台）有效量 / domestic owners only (OFFICIAL_RULES §1)"},
    **_open("attribution"),
}
VINTAGE = _open("population_vintage", "population_year")

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
        published="published_effective_inventions",
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
        published="published_inventions_per_10k_pop",
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

SRC_HIGH_VALUE = (
    "国家知识产权局战略规划司，2021-03（新华社）：高价值发明专利五类——战略性新兴产业、海外有同族、维持年限超过10年、"
    "较高质押融资金额、获国家科学技术奖或中国专利奖；国内有效量，每件只计一次"
)
NO_AWARDS = (
    "未加载中国专利奖/国家科学技术奖名单（获奖事件），该类无法计算",
    "no China Patent Award / national S&T award list loaded (award events): this criterion cannot be evaluated",
)
PARTIAL = ("不含获奖一类（未加载获奖名单），为部分值", "partial: the award criterion is not evaluated (no award list loaded)")
AWARD_EVENTS = "national_award"  # the event type the award criterion reads: without any, it is not evaluated
HV_PARAMETERS = {
    **DOMESTIC,
    **_open("sei_matching"),
    "maintained_from": {"default": "filing date", "reason": "CONVENTIONS.md: age counted from the filing date"},
    **_open("pledge_threshold"),
}

CATALOGUE += [
    Indicator(
        "high_value_inventions",
        "高价值发明专利拥有量",
        "high-value invention patents",
        "件",
        "stock",
        "high_value_inventions",
        SRC_HIGH_VALUE,
        parameters=HV_PARAMETERS,
        partial=PARTIAL,
        needs=AWARD_EVENTS,
    ),
    Indicator(
        "high_value_per_10k_pop",
        "每万人口高价值发明专利拥有量",
        "high-value invention patents per 10,000 residents",
        "件/万人",
        "stock",
        "high_value_inventions",
        SRC_HIGH_VALUE,
        Denominator(series="population"),
        parameters={**HV_PARAMETERS, **VINTAGE},
        partial=PARTIAL,
        needs=AWARD_EVENTS,
    ),
    Indicator(
        "high_value_sei",
        "高价值：战略性新兴产业发明专利",
        "high-value: strategic emerging industries",
        "件",
        "stock",
        "high_value_sei",
        SRC_HIGH_VALUE,
        parameters=HV_PARAMETERS,
    ),
    Indicator(
        "high_value_family_abroad",
        "高价值：海外有同族专利权",
        "high-value: granted family member abroad",
        "件",
        "stock",
        "high_value_family_abroad",
        SRC_HIGH_VALUE,
        parameters=HV_PARAMETERS,
    ),
    Indicator(
        "high_value_maintained_10y",
        "高价值：维持年限超过10年",
        "high-value: maintained more than 10 years",
        "件",
        "stock",
        "high_value_maintained_10y",
        SRC_HIGH_VALUE,
        parameters=HV_PARAMETERS,
    ),
    Indicator(
        "high_value_pledge",
        "高价值：实现较高质押融资金额",
        "high-value: pledge financing above the threshold",
        "件",
        "stock",
        "high_value_pledge",
        SRC_HIGH_VALUE,
        parameters=HV_PARAMETERS,
    ),
    Indicator(
        "high_value_award",
        "高价值：获国家科技奖或中国专利奖",
        "high-value: national S&T award or China Patent Award",
        "件",
        "stock",
        "high_value_award",
        SRC_HIGH_VALUE,
        parameters=HV_PARAMETERS,
        not_evaluable=NO_AWARDS,
        needs=AWARD_EVENTS,
    ),
]

SRC_PROGRAMME = "江苏省知识产权强省建设规划/年度公报的比较口径：同比增长率；相对基年倍数（如“2021年是2012年的7.72倍”）"
CATALOGUE += [
    Indicator(
        f"{measure}_growth",
        f"{zh}同比增长率",
        f"{en}: growth on a year earlier",
        "%",
        "flow",
        measure,
        SRC_PROGRAMME,
        compare=("growth", None),
    )
    for measure, zh, en in (
        ("applications_invention", "发明专利申请量", "invention applications"),
        ("grants_invention", "发明专利授权量", "invention grants"),
    )
] + [
    Indicator(
        "effective_inventions_growth",
        "有效发明专利量同比增长率",
        "effective inventions: growth on a year earlier",
        "%",
        "stock",
        "effective_inventions",
        SRC_PROGRAMME,
        compare=("growth", None),
        parameters=DOMESTIC,
    ),
    Indicator(
        "effective_inventions_vs_2012",
        "有效发明专利量相对2012年倍数",
        "effective inventions: times end-2012",
        "倍",
        "stock",
        "effective_inventions",
        SRC_PROGRAMME,
        compare=("multiple", 2012),
        parameters={**DOMESTIC, "base_year": {"default": 2012, "reason": "强省建设起始年 / the programme's base"}},
    ),
    Indicator(
        "grants_invention_vs_2012",
        "发明专利授权量相对2012年倍数",
        "invention grants: times 2012",
        "倍",
        "flow",
        "grants_invention",
        SRC_PROGRAMME,
        compare=("multiple", 2012),
        parameters={"base_year": {"default": 2012, "reason": "强省建设起始年 / the programme's base"}},
    ),
]

SRC_TRADEMARKS = (
    "《“十四五”国家知识产权保护和运用规划》指标“每万户市场主体平均有效商标拥有量”；国家知识产权局商标统计口径："
    "有效注册商标按注册人所在地统计；市场主体数为年末实有市场主体（市场监管部门公布，参考数据表，缺年报告为缺失）"
)
SRC_GI = (
    "《江苏省知识产权促进和保护条例》第二条所列客体；按国家知识产权局登记（office CN）、已登记且未撤销的地理标志计，按保护范围"
    "（产地）定位，否则按申请人地址；导入地理标志登记清单或 WIPO ST.96 GIApplication（ingest/gis.py）"
)
SRC_NO_SOURCE = "《江苏省知识产权促进和保护条例》第二条所列客体；统计口径按登记机关公布的登记数"
HOLDER = {
    "holder": {
        "default": "enterprise registrants",
        "reason": "按注册人名称判断企业（与专利申请人类型同一规则）/ "
        "enterprises by the registrant's name (the applicant-type rule)",
    }
}
CATALOGUE += [
    Indicator(
        "effective_trademarks",
        "有效注册商标量",
        "effective registered trademarks",
        "件",
        "stock",
        "effective_trademarks",
        SRC_TRADEMARKS,
    ),
    Indicator(
        "trademarks_per_10k_market_entities",
        "每万户市场主体平均有效商标拥有量",
        "effective trademarks per 10,000 market entities",
        "件/万户",
        "stock",
        "effective_trademarks",
        SRC_TRADEMARKS,
        Denominator(series="market_entities_10k"),
    ),
    Indicator(
        "trademark_enterprises_per_10k_market_entities",
        "每万户市场主体中拥有有效注册商标的企业数",
        "enterprises holding effective trademarks per 10,000 market entities",
        "户/万户",
        "stock",
        "trademark_holders",
        SRC_TRADEMARKS,
        Denominator(series="market_entities_10k"),
        parameters=HOLDER,
    ),
    Indicator(
        "geographical_indications",
        "地理标志（产品、商标）数",
        "geographical indications",
        "件",
        "stock",
        "geographical_indications",
        SRC_GI,
    ),
    Indicator(
        "ic_layout_registrations",
        "集成电路布图设计登记数",
        "IC layout-design registrations",
        "件",
        "flow",
        "",
        SRC_NO_SOURCE,
        not_evaluable=(
            "尚无集成电路布图设计登记清单可导入（没有可引用的公开格式或样本），无法计算",
            "no IC layout-design register can be loaded yet (no published format or sample to read)",
        ),
    ),
]

BY_ID = {i.id: i for i in CATALOGUE}
