"""Indicators on a hand-checked fixture: every expected figure below can be recomputed on paper."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ipstrong.ids import application_check_digit
from ipstrong.indicators.catalogue import CATALOGUE
from ipstrong.indicators.engine import compute
from ipstrong.indicators.measures import Parameters
from ipstrong.indicators.records import AssessmentRow, FigureRecord
from ipstrong.ingest import ingest
from ipstrong.messages import InvalidOption, IpsError
from ipstrong.warehouse import run_sql

SZ, NJ = "江苏省苏州市吴中区星湖街1号", "江苏省南京市鼓楼区汉口路22号"


def number(body: str) -> str:
    return f"{body}.{application_check_digit(body)}"


# key: (application number body, type, filed, granted, lapse date, first applicant, address)
PATENTS = {
    "A": ("201710000001", "发明", "2017-03-01", "2019-05-01", "", "苏州甲科技有限公司", SZ),  # in force
    "B": ("01100001", "发明", "2001-01-10", "2003-06-01", "", "苏州乙有限公司", SZ),  # term ends 2021-01-10
    "C": ("201510000002", "发明", "2015-02-01", "2018-02-01", "2020-02-01", "南京丙有限公司", NJ),  # lapsed 2020
    "D": ("201610000003", "发明", "2016-04-01", "2019-04-01", "", "南京丁有限公司", NJ),  # lapse + restoration
    "E": ("201810000004", "发明", "2018-01-01", "2020-01-01", "", "南京戊有限公司；苏州己有限公司", NJ),  # co-owned
    "F": ("202020000005", "实用新型", "2020-03-01", "2020-09-01", "", "苏州庚有限公司", SZ),  # not an invention
    "G": ("201610000006", "发明", "2016-05-01", "2019-05-01", "", "ACME CORP", "美国加利福尼亚州圣何塞市1号"),  # abroad
    "H": ("201710000007", "发明", "2017-06-01", "2019-01-01", "", "苏州辛有限公司", SZ),  # invalidated 2021
    "I": ("201910000008", "发明", "2019-01-01", "2021-07-01", "", "苏州壬有限公司", SZ),  # granted 2021, enterprise
    "J": ("201910000009", "发明", "2019-02-01", "2021-08-01", "", "张三", NJ),  # granted 2021, individual
    "K": ("201810000010", "发明", "2018-03-01", "2019-03-01", "", "苏州癸有限公司", SZ),  # transferred to Nanjing 2020
    "L": ("201980000011", "发明", "2019-05-01", "", "", "苏州子有限公司", SZ),  # PCT national phase, pending
}
EVENTS = [
    ("D", "失效", "2021-04-01", "", "", ""),
    ("D", "恢复", "2021-06-01", "", "", ""),
    ("H", "无效宣告", "2021-03-01", "", "", ""),
    ("A", "质押", "2021-05-06", "苏州甲科技有限公司", "江苏银行", "500"),
    ("K", "转让", "2020-06-01", "苏州癸有限公司", "南京子有限公司", "", NJ),
]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("indicators")
    patents = root / "patents.csv"
    rows = ["申请号,申请日,授权公告日,失效日,名称,申请（专利权）人,地址,专利类型,主分类号"]
    rows += [
        f"{number(b)},{filed},{granted},{lapse},测试专利{k},{who},{addr},{kind},H01M 10/0525"
        for k, (b, kind, filed, granted, lapse, who, addr) in PATENTS.items()
    ]
    patents.write_text("\n".join(rows) + "\n", encoding="utf-8")
    events = root / "events.csv"
    rows = ["申请号,事件类型,事件日期,转出方,转入方,金额（万元）,转入方地址"]
    rows += [",".join((number(PATENTS[key][0]), *rest, *[""] * (6 - len(rest)))) for key, *rest in EVENTS]
    events.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = ingest([patents, events], root / "data", status_date=dt.date(2024, 12, 31))
    assert (report.quarantined, report.new) == (0, len(PATENTS) + len(EVENTS))
    return root / "data"


def values(data: Path, indicator: str, day: str, region: str = "320000", by: str | None = "city") -> dict[str, object]:
    records = compute(data, [indicator], [dt.date.fromisoformat(day)], region, by)
    return {r["region_code"]: r["value"] for r in records if r["region_code"] in ("320000", "320100", "320500")}


def test_effective_inventions_by_hand(data: Path) -> None:
    # 2020-12-31, counted by the patentee: Suzhou A, B (term runs to 2021-01-10), H; Nanjing D, E and K (filed in
    # Suzhou, transferred to a Nanjing owner in June 2020); C lapsed 2020, J not yet granted
    assert values(data, "effective_inventions", "2020-12-31") == {"320000": 6, "320100": 3, "320500": 3}
    # 2021-05-01, counted by the applicant from 2021: Suzhou A, K (B expired, H invalidated, I granted in July);
    # Nanjing E only (D lapsed in April, restored only on 06-01)
    assert values(data, "effective_inventions", "2021-05-01") == {"320000": 3, "320100": 1, "320500": 2}
    # 2021-12-31: Suzhou A, I, K; Nanjing D (restored), E (co-owned, counted once where its first owner is), J
    assert values(data, "effective_inventions", "2021-12-31") == {"320000": 6, "320100": 3, "320500": 3}


def test_attribution_rule_is_a_parameter(data: Path) -> None:
    def by(rule: str, day: str) -> dict[str, object]:
        records = compute(data, ["effective_inventions"], [dt.date.fromisoformat(day)], "320000", "city", params=Parameters(rule))
        return {r["region_code"]: r["value"] for r in records if r["region_code"] in ("320100", "320500")}

    assert by("applicant", "2020-12-31") == {"320100": 2, "320500": 4}  # K stays with its Suzhou applicant
    assert by("patentee", "2021-12-31") == {"320100": 4, "320500": 2}  # K's patentee is in Nanjing
    assert by("patentee", "2020-05-31") == by("applicant", "2020-05-31")  # before the transfer both agree
    with pytest.raises(
        InvalidOption, match=r"^attribution 只能是 .* / attribution is one of by-year, patentee, applicant, not owner$"
    ) as refused:
        by("owner", "2021-12-31")
    assert (refused.value.name, refused.value.flag) == ("attribution", "--attribution")  # each interface words it


def test_the_engine_agrees_with_the_sql_macro(data: Path) -> None:
    sql = run_sql(
        data, "SELECT count(*) AS n FROM effective_on('2021-12-31') WHERE patent_type = 'invention' AND province_code = '320000'"
    ).to_pylist()[0]["n"]
    assert sql == values(data, "effective_inventions", "2021-12-31")["320000"]


def test_density_uses_the_previous_year_ends_published_population(data: Path) -> None:
    got = values(data, "inventions_per_10k_pop", "2021-12-31")
    assert got["320000"] == pytest.approx(6 / 8477.0, rel=1e-6)  # 8477.0 万: Jiangsu at the end of 2020
    assert got["320100"] == pytest.approx(3 / 931.97, rel=1e-6)  # Nanjing at the end of 2020
    # the same year-end's population (a parameter): 2021's 8505.4 万, 942.34 万 and Suzhou's 1,284.78 万 (the 2021
    # bulletin as a third-party page quotes it, jiangsu-city-series-collected); Zhenjiang's 2021 was not found
    same = compute(
        data, ["inventions_per_10k_pop"], [dt.date(2021, 12, 31)], "320000", "city", params=Parameters(population_year="same")
    )
    by_code = {r["region_code"]: r for r in same}
    assert by_code["320000"]["value"] == pytest.approx(6 / 8505.4, rel=1e-6) and by_code["320000"]["denominator"] == 8505.4
    assert by_code["320100"]["value"] == pytest.approx(3 / 942.34, rel=1e-6)
    assert by_code["320500"]["value"] == pytest.approx(3 / 1284.78, rel=1e-6)
    assert by_code["321000"]["value"] is None and by_code["321000"]["status"] == "missing"  # never zero
    assert "not found" in by_code["321000"]["note"]


def test_the_default_population_year_reproduces_the_published_figures(data: Path) -> None:
    """CNIPA's 2016 figure for Jiangsu, 18.41 = 146,859 ÷ 7,976.3 万 (the end of 2015, first published), and
    Jiangsu's own 2021 figure, 41.17 = 349,000 ÷ 8,477 万 (the end of 2020): the engine divides a year-end stock by
    exactly these populations by default, so the published counts give the published figures."""
    for asof, published_count, published_figure in (("2016-12-31", 146_859, 18.41), ("2021-12-31", 349_000, 41.17)):
        record = compute(data, ["inventions_per_10k_pop"], [dt.date.fromisoformat(asof)], "320000")[0]
        assert round(published_count / record["denominator"], 2) == published_figure, (asof, record["denominator"])
        same = compute(data, ["inventions_per_10k_pop"], [dt.date.fromisoformat(asof)], "320000",
                       params=Parameters(population_year="same"))[0]  # fmt: skip
        assert same["denominator"] is None or round(published_count / same["denominator"], 2) != published_figure


def test_an_asof_date_before_the_data_begins_is_missing(data: Path) -> None:
    record = compute(data, ["effective_inventions"], [dt.date(1999, 12, 31)], "320000")[0]
    assert (record["value"], record["status"]) == (
        None,
        "missing",
    ) and "before the data begins (first filing 2001-01-10)" in record["note"]


def test_flows_by_hand(data: Path) -> None:
    assert values(data, "grants_invention", "2021-12-31") == {"320000": 2, "320100": 1, "320500": 1}
    assert values(data, "enterprise_share_invention_grants", "2021-12-31") == {"320000": 50.0, "320100": 0.0, "320500": 100.0}
    assert values(data, "grants_utility_model", "2020-12-31")["320500"] == 1
    assert values(data, "pledge_amount", "2021-12-31") == {"320000": 500.0, "320100": 0.0, "320500": 500.0}
    assert values(data, "pledged_patents", "2021-12-31")["320500"] == 1
    assert values(data, "pledge_amount", "2021-04-30")["320500"] == 0.0  # the window ends at the as-of date
    # filed in 2019: I and L (Suzhou, L a PCT national-phase application), J (Nanjing); F is 2020's utility model
    assert values(data, "applications_invention", "2019-12-31") == {"320000": 3, "320100": 1, "320500": 2}
    assert values(data, "pct_applications", "2019-12-31") == {"320000": 1, "320100": 0, "320500": 1}
    assert values(data, "applications_utility_model", "2020-12-31") == {"320000": 1, "320100": 0, "320500": 1}
    assert values(data, "applications_design", "2020-12-31") == {"320000": 0, "320100": 0, "320500": 0}


def test_per_billion_gdp_by_hand(data: Path) -> None:
    # 2021-12-31: 6 effective inventions in the province, 3 in Nanjing; GDP 119,853.2 and 16,355.33 亿元 (shipped
    # series, 2021) = 11,985.32 and 1,635.533 billion yuan
    got = values(data, "inventions_per_billion_gdp", "2021-12-31")
    assert got["320000"] == pytest.approx(6 / 11985.32, rel=1e-9) and got["320100"] == pytest.approx(3 / 1635.533, rel=1e-9)


def test_catalogue_and_bad_input(data: Path) -> None:
    assert all(i.source and i.kind in ("stock", "flow") for i in CATALOGUE)
    with pytest.raises(IpsError, match="unknown indicator"):
        compute(data, ["nope"], [dt.date(2021, 12, 31)])
    with pytest.raises(IpsError, match="unknown or abolished region"):
        compute(data, ["effective_inventions"], [dt.date(2021, 12, 31)], "320103")
    records = compute(data, ["effective_inventions"], [dt.date(2021, 12, 31)], "320000", "city")
    assert len(records) == 14 and {r["status"] for r in records} == {"ok"}


def test_explain_lists_the_patents_behind_a_count(data: Path) -> None:
    from ipstrong.indicators.engine import explain

    rows = explain(data, "effective_inventions", "320100", dt.date(2021, 12, 31))
    assert sorted(r["app_no"] for r in rows) == sorted(number(PATENTS[k][0]) for k in "DEJ")
    assert len(rows) == values(data, "effective_inventions", "2021-12-31")["320100"]


def test_high_value_criteria_by_hand(data: Path) -> None:
    # 2021-12-31: A (Suzhou) was pledged in 2021 → high-value by the pledge criterion
    assert values(data, "high_value_pledge", "2021-12-31") == {"320000": 1, "320100": 0, "320500": 1}
    assert values(data, "high_value_maintained_10y", "2021-12-31")["320000"] == 0  # B expired in January
    # 2020-12-31: B (filed 2001, still in its term) has been maintained for more than 10 years; A's pledge is later
    assert values(data, "high_value_maintained_10y", "2020-12-31") == {"320000": 1, "320100": 0, "320500": 1}
    assert values(data, "high_value_pledge", "2020-12-31")["320500"] == 0
    # every fixture patent is H01M 10/0525, an SEI class by the IPC (the default matching): all six effective
    # inventions are high-value by that criterion, A by two
    total = compute(data, ["high_value_inventions"], [dt.date(2021, 12, 31)], "320000")[0]
    assert (total["value"], total["status"]) == (6, "partial") and "award" in total["note"]
    keywords = Parameters(sei_matching="keywords")
    total = compute(data, ["high_value_inventions"], [dt.date(2021, 12, 31)], "320000", params=keywords)[0]
    assert total["value"] == 1  # the SEI rule's car-related keywords are not in the titles (测试专利X): the pledge alone
    award = compute(data, ["high_value_award"], [dt.date(2021, 12, 31)], "320000")[0]
    assert (award["value"], award["status"]) == (None, "missing")


def test_award_criterion_reads_the_award_events(data: Path, tmp_path: Path) -> None:
    """Once an award list is loaded (award events), the award criterion counts national awards as of their date and
    the high-value totals are no longer partial; a provincial award does not count (the definition names national
    ones)."""
    shutil.copytree(data, tmp_path / "data")
    awards = tmp_path / "awards.csv"
    awards.write_text(
        "申请号,事件类型,事件日期\n"
        f"{number(PATENTS['D'][0])},第二十二届中国专利金奖,2021-07-01\n"
        f"{number(PATENTS['A'][0])},第一届江苏专利奖银奖,2021-09-01\n",
        encoding="utf-8",
    )
    report = ingest([awards], tmp_path / "data", status_date=dt.date(2024, 12, 31))
    assert (report.quarantined, report.new) == (0, 2)
    assert values(tmp_path / "data", "high_value_award", "2021-12-31") == {"320000": 1, "320100": 1, "320500": 0}
    assert values(tmp_path / "data", "high_value_award", "2020-12-31")["320000"] == 0  # awarded in 2021
    keywords = Parameters(sei_matching="keywords")
    total = compute(tmp_path / "data", ["high_value_inventions"], [dt.date(2021, 12, 31)], "320000", params=keywords)[0]
    assert (total["value"], total["status"], total["note"]) == (2, "ok", None)  # A's pledge, D's award


def test_high_value_parameters(data: Path) -> None:
    def province(indicator: str, params: Parameters) -> object:
        return compute(data, [indicator], [dt.date(2021, 12, 31)], "320000", params=params)[0]["value"]

    # every fixture patent is H01M 10/0525, covered by an SEI rule that also asks for car-related keywords, which the
    # titles (测试专利X) lack: all six effective inventions when the IPC decides (the default), none by keywords
    assert province("high_value_sei", Parameters()) == province("high_value_sei", Parameters(sei_matching="ipc-only")) == 6
    assert province("high_value_sei", Parameters(sei_matching="keywords")) == 0
    # A's pledge was 500 (10,000 yuan): above a threshold of 499, not above 500
    assert province("high_value_pledge", Parameters(pledge_threshold=499)) == 1
    assert province("high_value_pledge", Parameters(pledge_threshold=500)) == 0
    with pytest.raises(InvalidOption, match=r"^sei_matching 只能是"):
        province("high_value_sei", Parameters(sei_matching="fuzzy"))


def test_sei_match_is_recomputed_for_snapshots_without_it(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A snapshot whose manifest names another concordance (or none) is matched at query time, with the same result."""
    import ipstrong.indicators.engine as engine

    stored = [
        compute(data, ["high_value_sei"], [dt.date(2021, 12, 31)], "320000", params=Parameters(sei_matching=m))
        for m in ("keywords", "ipc-only")
    ]
    monkeypatch.setattr(engine, "SEI_CONCORDANCE", "a later concordance")
    recomputed = [
        compute(data, ["high_value_sei"], [dt.date(2021, 12, 31)], "320000", params=Parameters(sei_matching=m))
        for m in ("keywords", "ipc-only")
    ]
    assert [r[0]["value"] for r in recomputed] == [r[0]["value"] for r in stored] == [0, 6]


@pytest.mark.spark
def test_duckdb_and_spark_give_identical_figures(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The same catalogue entries on PySpark (local mode) and on DuckDB, over a generated data set."""
    pytest.importorskip("pyspark")
    from ipstrong.synth.generator import SynthConfig, generate

    root = tmp_path_factory.mktemp("spark")
    generate(SynthConfig(patents=3000, seed=21, broken_share=0), root / "src")
    files = [root / "src" / "patents.csv", root / "src" / "events" / "events.csv", root / "src" / "trademarks" / "trademarks.csv"]
    ingest(files, root / "data", status_date=dt.date(2024, 12, 31))
    ids = [
        "effective_inventions",
        "grants_invention",
        "enterprise_share_invention_grants",
        "pledge_amount",
        "high_value_inventions",
        "effective_trademarks",
        "trademark_enterprises_per_10k_market_entities",
    ]
    day = [dt.date(2020, 12, 31), dt.date(2021, 12, 31)]  # by the patentee (after transfers), then by the applicant
    duck = compute(root / "data", ids, day, "320000", "city")
    spark = compute(root / "data", ids, day, "320000", "city", engine="spark")
    assert [(r["indicator"], r["region_code"]) for r in duck] == [(r["indicator"], r["region_code"]) for r in spark]
    for a, b in zip(duck, spark, strict=True):
        assert a["value"] == pytest.approx(b["value"]) and a["status"] == b["status"]
    assert sum(r["value"] for r in duck if r["indicator"] == "effective_inventions" and r["region_code"] != "320000") > 0


def test_growth_and_base_year_multiples_by_hand(data: Path) -> None:
    # invention grants: 2021 I and J, 2020 E only → +100 %
    assert values(data, "grants_invention_growth", "2021-12-31")["320000"] == pytest.approx(100.0)
    # effective inventions: 6 at the end of 2021 and 6 at the end of 2020 → 0 %; at the end of 2012 only B → 6 times
    assert values(data, "effective_inventions_growth", "2021-12-31")["320000"] == pytest.approx(0.0)
    assert values(data, "effective_inventions_vs_2012", "2021-12-31")["320000"] == pytest.approx(6.0)
    nanjing = compute(data, ["effective_inventions_vs_2012"], [dt.date(2021, 12, 31)], "320100")[0]
    assert nanjing["status"] == "missing" and "zero" in nanjing["note"]  # nothing in force in Nanjing in 2012


def test_assessment_table(data: Path, tmp_path: Path) -> None:
    from ipstrong.indicators.assess import assess, write_assessment_xlsx
    from ipstrong.reference.series import import_figures

    targets = tmp_path / "targets.csv"
    targets.write_text(
        "region_code,indicator,year,target,direction\n"
        "320100,effective_inventions,2021,4,higher\n"
        "320500,effective_inventions,2021,2,higher\n"
        "320500,effective_inventions,2020,9,higher\n",
        encoding="utf-8",
    )
    published = tmp_path / "published.csv"
    published.write_text(
        "year,region_code,indicator,value,unit,source_title\n"
        "2021,320100,effective_inventions,4,件,南京市知识产权局 2021 年报（测试）\n",
        encoding="utf-8",
    )
    import_figures(published, data)
    rows = {r["region_code"]: r for r in assess(data, 2021, targets)}
    nanjing, suzhou = rows["320100"], rows["320500"]
    # 2020 by the patentee (K moved to Nanjing), 2021 by the applicant (K back in Suzhou): equal values share rank 1
    assert (nanjing["value"], nanjing["completion_pct"], nanjing["change"], nanjing["rank"]) == (3, 75.0, 0, 1)
    assert (nanjing["published"], nanjing["difference"]) == (4, -1)
    assert (suzhou["value"], suzhou["completion_pct"], suzhou["change"], suzhou["rank"]) == (3, 150.0, 0, 1)
    # the rows are exactly the typed record the API and the command line declare (records.py)
    assert all(set(r) == set(AssessmentRow.model_fields) and AssessmentRow.model_validate(r) for r in rows.values())
    write_assessment_xlsx(list(rows.values()), tmp_path / "a.xlsx")
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(tmp_path / "a.xlsx")).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "地区 Region" and len(sheet) == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("region_code,indicator,year,target,direction\n320100,effective_inventions,2021,4,up\n", encoding="utf-8")
    with pytest.raises(IpsError, match="row 2, field 'direction'"):
        assess(data, 2021, bad)


def test_custom_zones_by_district_and_address(data: Path, tmp_path: Path) -> None:
    from ipstrong.indicators.engine import explain
    from ipstrong.reference.zones import custom_zones, import_zones

    zones = tmp_path / "zones.csv"
    zones.write_text(
        "zone_id,name_zh,name_en,districts,address_patterns,source\n"
        "custom:wuzhong-demo,吴中示范区,Wuzhong demonstration zone,320506,,测试文件\n"
        "custom:hankou-road,汉口路片区,Hankou Road area,,汉口路,测试文件\n"
        "custom:both,两地,Both,320506,汉口路,测试文件\n",
        encoding="utf-8",
    )
    assert import_zones(zones, data) == 3
    assert set(custom_zones(data)) == {"custom:wuzhong-demo", "custom:hankou-road", "custom:both"}

    def zone(code: str, day: str = "2021-12-31") -> object:
        return compute(data, ["effective_inventions"], [dt.date.fromisoformat(day)], code)[0]["value"]

    # 2021-12-31 by the applicant: Suzhou's A, I, K are all at 星湖街 in 吴中区; Nanjing's D, E, J at 汉口路
    assert (zone("custom:wuzhong-demo"), zone("custom:hankou-road"), zone("custom:both")) == (3, 3, 6)
    # 2020-12-31 by the patentee: K's owner is in 鼓楼区, so the district list no longer holds it: A, B, H
    assert zone("custom:wuzhong-demo", "2020-12-31") == 3
    rows = explain(data, "effective_inventions", "custom:hankou-road", dt.date(2021, 12, 31))
    assert sorted(r["app_no"] for r in rows) == sorted(number(PATENTS[k][0]) for k in "DEJ")
    bad = tmp_path / "bad.csv"
    bad.write_text("zone_id,name_zh,name_en,districts,address_patterns,source\ncustom:x,某区,X,999999,,\n", encoding="utf-8")
    with pytest.raises(IpsError, match="row 2, field 'districts'"):
        import_zones(bad, data)
    assert len(custom_zones(data)) == 3  # a refused file leaves the zones as they were
    with pytest.raises(IpsError, match="no custom zone"):
        zone("custom:nowhere")


def test_trademark_indicators_by_hand(tmp_path: Path) -> None:
    from ipstrong.indicators.engine import explain
    from ipstrong.reference.series import import_figures

    marks = tmp_path / "marks.csv"
    marks.write_text(
        "注册号,商标名称,国际分类,注册人,注册人地址,申请日,注册日,专用权期限至,商标状态\n"
        f"1001,甲一,9;42,苏州甲科技有限公司,{SZ},2014-03-01,2015-03-01,2025-02-28,已注册\n"
        f"1002,甲二,35,苏州甲科技有限公司,{SZ},2018-01-01,2019-01-01,2029-12-31,已注册\n"
        f"1003,张记,30,张三,{NJ},2009-01-01,2010-01-01,2020-12-31,已失效\n"
        f"1004,丙标,7,南京丙有限公司,{NJ},2017-01-01,2018-01-01,2028-01-01,无效宣告\n"
        f"1005,丁标,7,南京丁有限公司,{NJ},2021-01-01,,,申请中\n"
        f"1006,坏标,46,南京戊有限公司,{NJ},2021-01-01,,,申请中\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    report = ingest([marks], data, status_date=dt.date(2024, 12, 31))
    assert (report.by_kind["trademarks"]["accepted"], report.quarantined) == (5, 1)  # class 46 does not exist

    def by_city(indicator: str, day: str) -> dict[str, object]:
        records = compute(data, [indicator], [dt.date.fromisoformat(day)], "320000", "city")
        return {r["region_code"]: r["value"] for r in records if r["region_code"] in ("320000", "320100", "320500")}

    # 2020-12-31: Suzhou 1001, 1002; Nanjing 1003 (its right ends that very day); 1004 invalidated, 1005 pending
    assert by_city("effective_trademarks", "2020-12-31") == {"320000": 2 + 1, "320100": 1, "320500": 2}
    assert by_city("effective_trademarks", "2021-12-31") == {"320000": 2, "320100": 0, "320500": 2}
    # one enterprise (苏州甲) holds both Suzhou marks; 张三 is a person, not an enterprise
    import_figures_file = tmp_path / "entities.csv"
    import_figures_file.write_text(
        "year,region_code,indicator,value,unit,source_title\n2020,320500,market_entities_10k,250,万户,测试来源\n",
        encoding="utf-8",
    )
    import_figures(import_figures_file, data)
    ratio = compute(data, ["trademark_enterprises_per_10k_market_entities"], [dt.date(2020, 12, 31)], "320000", "city")
    ratio = {r["region_code"]: r for r in ratio}
    assert ratio["320500"]["value"] == pytest.approx(1 / 250) and ratio["320500"]["numerator"] == 1
    assert ratio["320100"]["status"] == "missing" and "market entities" in ratio["320100"]["note"]
    rows = explain(data, "effective_trademarks", "320500", dt.date(2021, 12, 31))
    assert [(r["app_no"], r["title"]) for r in rows] == [("1001", "甲一"), ("1002", "甲二")]
    gi = compute(data, ["geographical_indications"], [dt.date(2021, 12, 31)], "320000")[0]
    assert (gi["value"], gi["status"]) == (None, "missing")  # no register to read: never a zero


def test_density_definition_reproduces_cnipa_published_ratios() -> None:
    """CNIPA's monthly Table 8 publishes valid domestic inventions, population and the density: the catalogue's
    definition of 每万人口发明专利拥有量 (count ÷ population in 10,000s × scale) gives the published figure for every
    region and month where the inputs are printed, within what CNIPA's rounding of population to 0.1 million allows."""
    import csv

    from conftest import shared_data
    from ipstrong.indicators.catalogue import BY_ID

    density = BY_ID["inventions_per_10k_pop"]
    path = shared_data("cnipa-annual-stats", "cnipa_monthly_table8_valid_inventions_from_home_density.csv")
    checked = 0
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if not (row["population_million"] and row["valid_inventions"] and row["density_per_million_people"]):
                continue
            population_10k = float(row["population_million"]) * 100
            value = float(row["valid_inventions"]) / (population_10k * density.denominator.unit_factor) * density.scale
            rounding = value * 0.05 / float(row["population_million"]) + 0.005  # population ±0.05 million, density ±0.005
            assert value == pytest.approx(float(row["density_per_million_people"]) / 100, abs=rounding), row
            checked += 1
    assert checked >= 40


def test_home_province_is_a_setting(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pydantic

    from ipstrong.config import Settings
    from ipstrong.warehouse.info import info

    day = [dt.date(2021, 12, 31)]
    assert {r["region_code"] for r in compute(data, ["effective_inventions"], day)} == {"320000"}  # Jiangsu by default
    assert {c["city_code"] for c in info(data)["by_city"]} >= {"320100", "320500"}
    monkeypatch.setenv("IPSTRONG_HOME_PROVINCE", "310000")  # an office in Shanghai
    shanghai = compute(data, ["effective_inventions"], day, by="city")
    assert {r["region_code"] for r in shanghai} == {"310000", "310100"} and shanghai[0]["value"] == 0
    assert {c["city_code"] for c in info(data)["by_city"]} <= {None}  # Jiangsu's cities are not the home province's
    for wrong in ("320500", "990000"):  # a city, an unknown code
        with pytest.raises(pydantic.ValidationError, match="home_province is a current province code"):
            Settings(home_province=wrong)


def test_the_catalogue_owns_the_open_parameters() -> None:
    from ipstrong.indicators.catalogue import OPEN_PARAMETERS
    from ipstrong.indicators.measures import DEFAULTS
    from ipstrong.web.params import ParametersIn

    # the engine's parameters, the API's body and the catalogue's descriptions are one declaration each
    assert list(DEFAULTS.__dict__) == list(OPEN_PARAMETERS) == list(ParametersIn.model_fields)
    assert all(getattr(DEFAULTS, n) == p.default == ParametersIn.model_fields[n].default for n, p in OPEN_PARAMETERS.items())
    described = {name: spec for i in CATALOGUE for name, spec in i.parameters.items()}
    assert all(described[n] == p.described() for n, p in OPEN_PARAMETERS.items())
    with pytest.raises(InvalidOption, match="pledge_threshold is a number from 0 to 1,000,000,000, not -5"):
        OPEN_PARAMETERS["pledge_threshold"].check(-5)


def test_every_figure_is_the_typed_record(data: Path) -> None:
    records = compute(data, None, [dt.date(2021, 12, 31)], by="city")
    assert len(records) > 13 and all(set(r) == set(FigureRecord.model_fields) for r in records)
    assert all(FigureRecord.model_validate(r).status in ("ok", "partial", "missing") for r in records)
