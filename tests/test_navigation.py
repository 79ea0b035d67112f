"""Navigation reports on the real Patentics export of 4,483 Chinese augmented-reality applications (read in place),
each figure counted by hand from the file: a patent is in "AR near-eye display" when one of its 国际分类 symbols
(separated by " | ") starts with G02B27/01, or its title holds 光波导."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import shared_data
from ipstrong.accounts.roles import SYSTEM
from ipstrong.ingest import ingest
from ipstrong.messages import IpsError, validated
from ipstrong.navigation.industry import Industry, load_industry
from ipstrong.navigation.report import navigate, write_html, write_pdf, write_xlsx

NEAR_EYE = Industry(name="增强现实近眼显示", ipc=["G02B 27/01"], keywords=["光波导"])


@pytest.fixture(scope="module")
def ar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The export ingested with its applicants resolved into enterprises, as the platform does."""
    from ipstrong.ingest.follow import follow_ingest

    data = tmp_path_factory.mktemp("navigation") / "data"
    report = ingest([_ar_export()], data, status_date=dt.date(2022, 5, 30))
    follow_ingest(report, data, None)
    return data


def _ar_export() -> Path:
    return shared_data("cn-patent-db-exports", "patentics_cn_title-augmented-reality_4483.csv")


def _ar_rows() -> list[dict[str, str]]:
    import csv

    with _ar_export().open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _symbols(row: dict[str, str]) -> list[str]:
    return [s.strip().replace(" ", "") for s in row["国际分类"].split("|") if s.strip()]


def _section(report, section_id: str):
    return next(s for s in report.sections if s.id == section_id)


def test_a_report_on_real_data_read_by_hand(ar: Path) -> None:
    """1,127 applications: G02B27/01 catches all 36 titles with 光波导. Filed 219 in 2019; granted 80 in 2019 and 138
    in 2021. Status 有效 508 (in force), 其他 417 + 公开 33 (pending), 驳回 75, 撤回 49, 无效 45 (lapsed). First-named
    applicant 奇跃公司 leads with 67. Every one has G02B27 among its main groups; G06F3 comes next with 130. The file has
    no addresses: nothing is Jiangsu's, and the regions say so."""
    report = navigate(SYSTEM, ar, NEAR_EYE, "320000")
    assert (report.patents, report.home_patents) == (1127, 0)
    trend = {row[0]: row for row in _section(report, "trend").rows}
    assert (trend[2019][1], trend[2019][3], trend[2021][3]) == (219, 80, 138)
    status = {row[0]: row[1] for row in _section(report, "legal_status").rows}
    assert status == {"有效 in force": 508, "审中 pending": 450, "驳回 rejected": 75, "撤回 withdrawn": 49, "失效 lapsed": 45}
    assert _section(report, "applicants").rows[0][:2] == ["奇跃公司", 67]
    # its 67 by filing year: 2012 1, 2014 14, 2015 3, 2016 14, 2017 17, 2018 7, 2019 7, 2020 4 (none in 2013)
    trends = _section(report, "applicant_trends")
    assert trends.columns[1] == "奇跃公司" and trends.chart is not None and len(trends.chart.series) == 5
    assert {row[0]: row[1] for row in trends.rows if row[1]} == {2012: 1, 2014: 14, 2015: 3, 2016: 14, 2017: 17, 2018: 7,
                                                                  2019: 7, 2020: 4}  # fmt: skip
    assert [row[:2] for row in _section(report, "technology").rows[:2]] == [["G02B27", 1127], ["G06F3", 130]]
    # of the 508 in force, 341 are utility models (type digit 2): 167 effective inventions
    assert _section(report, "regions").rows == [["未能定位 not placed", 1127, 167]]
    # inventors and co-applicants split on the file's " | ": 崔海涛 named on 38; 苏州大学 with 苏州苏大维格科技集团股份有限公司
    # on 15 (a university with an enterprise), of 64 filed by two or more applicants
    assert _section(report, "inventors").rows[0][:2] == ["崔海涛", 38]
    collaboration = _section(report, "collaboration")
    assert collaboration.rows[0] == ["苏州大学", "苏州苏大维格科技集团股份有限公司", 15, "是 yes"] and "64" in collaboration.note
    assert {t.section for t in report.timings} == {s.id for s in report.sections}


def test_exclusions_keywords_and_nothing_matched(ar: Path) -> None:
    """Excluding G06T19 leaves 1,044; 光波导 alone catches its 36 titles; an industry of a class nobody filed in makes
    a report that says so."""
    assert navigate(SYSTEM, ar, NEAR_EYE.model_copy(update={"exclude_ipc": ["G06T19"]}), "320000").patents == 1044
    assert navigate(SYSTEM, ar, Industry(name="光波导", keywords=["光波导"]), "320000").patents == 36
    empty = navigate(SYSTEM, ar, Industry(name="纺织", ipc=["D03D"]), "320000")
    assert (empty.patents, empty.sections) == (0, [])
    with pytest.raises(IpsError, match="unknown region 329999"):
        navigate(SYSTEM, ar, NEAR_EYE, "329999")
    with pytest.raises(IpsError, match="at least one IPC symbol, keyword, SEI branch or query"):
        Industry(name="空")


def test_the_industry_file_and_its_refusals(tmp_path: Path) -> None:
    good = tmp_path / "ar.yaml"
    good.write_text("name: 增强现实近眼显示\nipc: [G02B 27/01]\nkeywords: [光波导]\nexclude_ipc: [G06T19]\n", encoding="utf-8")
    assert load_industry(good).ipc == ["G02B27/01"] and load_industry(good).exclude_ipc == ["G06T19"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: 增强现实\nipc: [G02B27/01\nkeywords: [光波导]\n", encoding="utf-8")
    with pytest.raises(IpsError) as refused:
        load_industry(broken)
    assert "broken.yaml" in refused.value.msg.en and "row" in refused.value.msg.en
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("name: 增强现实\nipc: [锂电池]\n", encoding="utf-8")
    with pytest.raises(IpsError, match="not an IPC symbol"):
        load_industry(wrong)


def test_the_renderings(ar: Path, tmp_path: Path) -> None:
    """HTML with its charts' data and the ECharts library inline, XLSX with one sheet per table, PDF whose text is
    Chinese (its CJK font embedded)."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    report = navigate(SYSTEM, ar, NEAR_EYE, "320000")
    html, book, pdf = tmp_path / "r.html", tmp_path / "r.xlsx", tmp_path / "r.pdf"
    write_html(report, html)
    text = html.read_text(encoding="utf-8")
    assert 'id="chart-trend"' in text and "echarts" in text and 'id="scope-total">1127<' in text and "<script src" not in text
    assert 'id="no-home"' in text  # no Jiangsu filing among them: the report says what its tables then show
    write_xlsx(report, book)
    assert len(load_workbook(book).sheetnames) == 1 + len(report.sections)
    write_pdf(report, pdf)
    reader = PdfReader(pdf)
    assert "申请与授权趋势" in "".join(p.extract_text() for p in reader.pages[:2])
    fonts = {str(f["/BaseFont"]) for p in reader.pages[:1] for f in p["/Resources"]["/Font"].values()}
    assert any("CJK" in f for f in fonts), fonts


GAP_PATENTS = (
    "申请号,申请日,名称,申请（专利权）人,地址,专利类型,主分类号,分类号\n"
    "202110000101.9,2021-01-01,电池甲,苏州甲有限公司,江苏省苏州市吴中区星湖街1号,发明,H01M10/0525,H01M10/0525\n"
    "202110000102.3,2021-01-02,充电甲,苏州甲有限公司,江苏省苏州市吴中区星湖街1号,发明,H02J7/00,H02J7/00\n"
    "202110000103.8,2021-01-03,充电乙,苏州乙有限公司,江苏省苏州市吴中区星湖街2号,发明,H02J7/00,H02J7/00\n"
    "202110000104.2,2021-01-04,电池丙,上海丙有限公司,上海市浦东新区张江路1号,发明,H01M10/0525,H01M10/0525\n"
    "202110000105.7,2021-01-05,电池丁,上海丁有限公司,上海市浦东新区张江路2号,发明,H01M10/052,H01M10/052\n"
    "202110000106.1,2021-01-06,电极戊,上海戊有限公司,上海市浦东新区张江路3号,发明,H01M4/583,H01M4/583\n"
    "202110000107.6,2021-01-07,充电己,上海己有限公司,上海市浦东新区张江路4号,发明,H02J7/00,H02J7/00\n"
    "202110000108.0,2021-01-08,电池庚,杭州庚有限公司,浙江省杭州市西湖区文三路1号,发明,H01M10/0525,H01M10/0525\n"
    "202110000109.5,2021-01-09,电极辛,杭州辛有限公司,浙江省杭州市西湖区文三路2号,发明,H01M4/13,H01M4/13\n"
)


def test_the_gap_analysis_against_the_leading_or_the_compared_province(tmp_path: Path) -> None:
    """Batteries and charging in three provinces, counted by hand: H01M — Jiangsu 1, Shanghai 3, Zhejiang 2 (Shanghai
    leads; Jiangsu below half of it: a direction to develop); H02J — Jiangsu 2, Shanghai 1 (Jiangsu leads). Compared
    with Zhejiang only, H01M's leader is Zhejiang with 2 and Jiangsu is no longer below half."""
    source = tmp_path / "p.csv"
    source.write_text(GAP_PATENTS, encoding="utf-8")
    data = tmp_path / "data"
    ingest([source], data, status_date=dt.date(2024, 12, 31))
    industry = Industry(name="电池与充电", ipc=["H01M", "H02J"])
    report = navigate(SYSTEM, data, industry, "320000")
    assert (report.patents, report.home_patents) == (9, 3)
    gap = {row[0]: row for row in _section(report, "gap").rows}
    assert gap["H01M"] == ["H01M", 6, 1, 16.7, "上海市", 3] and gap["H02J"] == ["H02J", 3, 2, 66.7, "江苏省", 2]
    assert "H01M" in _section(report, "gap").note
    regions = {row[0]: row[1] for row in _section(report, "regions").rows}
    assert regions == {"上海市": 4, "江苏省": 3, "浙江省": 2}
    zhejiang = navigate(SYSTEM, data, industry, "320000", compare=("330000",))
    assert {row[0]: row[4:] for row in _section(zhejiang, "gap").rows} == {"H01M": ["浙江省", 2], "H02J": ["—", 0]}
    assert "H01M" not in _section(zhejiang, "gap").note
    with pytest.raises(IpsError, match="compare with provinces: 320500"):
        navigate(SYSTEM, data, industry, "320000", compare=("320500",))


PLACES = (
    "申请号,申请日,名称,申请（专利权）人,地址,专利类型,主分类号,分类号\n"
    "202210000101.3,2022-01-01,电池一,苏州甲有限公司,江苏省苏州市吴中区星湖街1号,发明,H01M10/0525,H01M10/0525\n"
    "202210000102.8,2022-01-02,电池二,苏州乙有限公司,江苏省苏州市吴中区星湖街2号,发明,H01M10/0525,H01M10/0525\n"
    "202210000103.2,2022-01-03,电池三,苏州丙有限公司,江苏省苏州市姑苏区人民路1号,发明,H01M10/0525,H01M10/0525\n"
    "202210000104.7,2022-01-04,电池四,南京丁有限公司,江苏省南京市玄武区中山路1号,发明,H01M10/0525,H01M10/0525\n"
    "202210000105.1,2022-01-05,电池五,江苏戊有限公司,江苏省,发明,H01M10/0525,H01M10/0525\n"
    "202210000106.6,2022-01-06,电池六,上海己有限公司,上海市浦东新区张江路1号,发明,H01M10/0525,H01M10/0525\n"
    "202210000107.0,2022-01-07,电池七,谷歌有限责任公司,美国加利福尼亚州山景城,发明,H01M10/0525,H01M10/0525\n"
)


def test_a_region_report_competitiveness_and_match(tmp_path: Path) -> None:
    """Jiangsu's region report over the battery fixture: of its 3 filings, H02J holds 2 of the 3 in the country (RTA
    (2/3)/(3/9) = 2.0, first of the two provinces filing there) and H01M 1 of 6 (RTA (1/3)/(6/9) = 0.5, third of three);
    all were filed in 2021, so no growth can be measured and both count as growing. Without an industry a region
    report reads every field. The concordance puts H01M10/052* and H01M4/13 in SEI branch 5.2 and H02J7 in 5.3 (新能源汽车产业)
    but not H01M4/583: 8 of the 9 are in that industry, Jiangsu's 3 among them (RTA (3/3)/(8/9) = 1.125)."""
    source = tmp_path / "p.csv"
    source.write_text(GAP_PATENTS, encoding="utf-8")
    data = tmp_path / "data"
    ingest([source], data, status_date=dt.date(2024, 12, 31))
    report = navigate(SYSTEM, data, Industry(name="电池与充电", ipc=["H01M", "H02J"]), "320000", "region")
    rows = _section(report, "competitiveness").rows
    assert rows == [["H02J", 2, 3, 66.7, 2.0, "1/2", None, "优势增长 strong, growing"],
                    ["H01M", 1, 6, 16.7, 0.5, "3/3", None, "潜力 emerging"]]  # fmt: skip
    note = _section(report, "competitiveness").note
    assert note is not None and "优势增长领域 H02J 宜巩固提升" in note and "潜力领域 H01M 宜培育引进" in note
    assert _section(report, "sei").rows == [["新能源汽车产业", 3, 8, 37.5, 1.12]]
    assert [r[0] for r in _section(report, "home_applicants").rows] == ["苏州甲有限公司", "苏州乙有限公司"]
    everything = navigate(SYSTEM, data, None, "320000", "region")
    assert (everything.patents, everything.title) == (9, "江苏省 · 全部技术领域")


def test_the_home_region_on_its_map_its_rank_and_places_abroad(tmp_path: Path) -> None:
    """Seven battery filings placed by hand: Jiangsu 5 (苏州 3 — 吴中区 2, 姑苏区 1 —, 南京 1, one placed in the province
    only), Shanghai 1, one from the US. Jiangsu ranks first of two provinces with 5 of the 6 placed in a province
    (83.3 %); its map shares are of the 4 placed in a city; Suzhou's report draws its counties on the 苏州 layer."""
    source = tmp_path / "p.csv"
    source.write_text(PLACES, encoding="utf-8")
    data = tmp_path / "data"
    ingest([source], data, status_date=dt.date(2024, 12, 31))
    industry = Industry(name="电池", ipc=["H01M"])
    report = navigate(SYSTEM, data, industry, "320000")
    regions = _section(report, "regions")
    assert [row[:2] for row in regions.rows] == [["江苏省", 5], ["上海市", 1], ["US（境外 abroad）", 1]]
    assert regions.note is not None and regions.note.startswith("江苏省以 5 件居 2 个省级地区第 1 位，占已定位申请的 83.3%")
    home = _section(report, "home_map")
    assert home.rows == [["苏州市", "320500", 3, 0, 75.0], ["南京市", "320100", 1, 0, 25.0]]
    assert home.note is not None and home.note.startswith("另有 1 件只定位到江苏省")
    assert home.chart is not None and home.chart.kind == "map" and home.chart.map is not None
    assert (home.chart.map.name, home.chart.codes) == ("江苏", ["320500", "320100"])
    suzhou = _section(navigate(SYSTEM, data, industry, "320500"), "home_map")
    assert [row[:3] for row in suzhou.rows] == [["吴中区", "320506", 2], ["姑苏区", "320508", 1]]
    assert suzhou.chart is not None and suzhou.chart.map is not None and suzhou.chart.map.name == "苏州" and suzhou.note is None
    html = tmp_path / "r.html"
    write_html(navigate(SYSTEM, data, industry, "320500"), html)
    assert 'registerMap("苏州"' in html.read_text(encoding="utf-8")  # the layer travels inside the file


def test_key_patents_with_the_high_value_criteria_they_meet(tmp_path: Path) -> None:
    """A Suzhou lithium-ion invention filed 2010-01-05 and granted 2012, in force: the concordance puts H01M10/0525 in
    SEI branch 5.2 and it has been kept more than ten years (filed 16 years before this report), so it meets those two
    criteria; the 2021 one, granted too, meets only the first; a foreign owner's meets none (the count is domestic)."""
    source = tmp_path / "p.csv"
    source.write_text(
        "申请号,申请日,授权公告日,名称,申请（专利权）人,地址,专利类型,主分类号,分类号\n"
        "201010000001.8,2010-01-05,2012-03-07,一种锂离子电池,苏州甲有限公司,江苏省苏州市吴中区星湖街1号,发明,H01M10/0525,H01M10/0525\n"
        "202110000201.1,2021-01-05,2023-03-07,一种电池,苏州乙有限公司,江苏省苏州市吴中区星湖街2号,发明,H01M10/0525,H01M10/0525\n"
        "202110000101.9,2021-01-01,2023-05-01,电池甲,谷歌有限责任公司,美国加利福尼亚州山景城,发明,H01M10/0525,H01M10/0525\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    ingest([source], data, status_date=dt.date(2024, 12, 31))
    rows = {r[0]: r for r in _section(navigate(SYSTEM, data, Industry(name="电池", ipc=["H01M"]), "320000"), "key_patents").rows}
    assert rows["201010000001.8"][9] == "战略性新兴产业发明专利、维持年限超过10年"
    assert rows["201010000001.8"][6] == dt.date.today().year - 2010 - (dt.date.today() < dt.date(dt.date.today().year, 1, 5))
    assert rows["202110000201.1"][9] == "战略性新兴产业发明专利" and rows["202110000101.9"][9] == ""


def test_the_report_structure_is_stable(ar: Path) -> None:
    """The golden structure of each kind: the sections in order and each table's columns (the XLSX sheets and every
    reader of the JSON depend on them)."""
    report = navigate(SYSTEM, ar, NEAR_EYE, "320000")
    structure = {s.id: s.columns for s in report.sections}
    assert list(structure) == ["trend", "lifecycle", "regions", "home_map", "applicants", "applicant_trends", "technology",
                               "topics", "collaboration", "inventors", "key_patents", "legal_status", "gap"]  # fmt: skip
    assert structure["trend"] == ["年份 year", "申请 filed", "江苏省 申请", "授权 granted", "江苏省 授权"]
    assert structure["gap"][0] == "IPC 小类 subclass" and len(structure["key_patents"]) == 11
    assert structure["topics"] == [
        "主题 topic",
        "主题词 terms",
        "件数 patents",
        "占比 % share",
        "江苏省",
        "代表专利 typical patent",
    ]
    assert all(len(row) == len(s.columns) for s in report.sections for row in s.rows)
    region = navigate(SYSTEM, ar, NEAR_EYE, "320000", "region")
    assert [s.id for s in region.sections] == [
        "trend", "regions", "home_map", "competitiveness", "sei", "home_applicants", "collaboration", "home_inventors",
        "key_patents", "legal_status", "gap"]  # fmt: skip
    firm = navigate(SYSTEM, ar, NEAR_EYE, "320000", "enterprise", enterprise=_enterprise(ar, "奇跃公司"))
    assert [s.id for s in firm.sections] == [
        "trend", "lifecycle", "technology", "rivals", "applicants", "applicant_trends", "topics", "collaboration",
        "home_inventors", "key_patents", "legal_status"]  # fmt: skip
    assert firm.sections[3].columns[:2] == ["IPC 小类 subclass", "奇跃公司"]
    assert all(len(row) == len(s.columns) for r in (region, firm) for s in r.sections for row in s.rows)


def _enterprise(data: Path, name: str) -> int:
    """The enterprise id the applicant ``name`` was resolved to."""
    from ipstrong.warehouse.connection import snapshot_connection

    con = snapshot_connection(data)
    try:
        found = con.execute("SELECT DISTINCT first_applicant_id FROM patents WHERE first_applicant = ?", [name]).fetchall()
    finally:
        con.close()
    assert len(found) == 1 and found[0][0] is not None, found
    return int(found[0][0])


def test_an_industry_of_sei_branches_and_main_groups(ar: Path) -> None:
    """SEI branch 8.4 (数字创意与融合服务) is G06Q30 but its 00 and 06 groups, and G09F27: 58 applications hold such a
    symbol. The main group G06F1 holds 38; read as a plain prefix it would catch G06F11, G06F16… (327)."""
    rows = _ar_rows()
    digital = [r for r in rows if any((s.startswith("G06Q30/") and s not in ("G06Q30/00", "G06Q30/06"))
                                      or s.startswith("G09F27/") for s in _symbols(r))]  # fmt: skip
    assert len(digital) == 58 and sum(any(s.startswith("G06F1/") for s in _symbols(r)) for r in rows) == 38
    assert navigate(SYSTEM, ar, Industry(name="数字创意", sei=["8.4"]), "320000").patents == 58
    assert navigate(SYSTEM, ar, Industry(name="计算机", ipc=["G06F1"]), "320000").patents == 38
    with pytest.raises(IpsError, match=r"not an SEI industry or branch number: 8\.99"):
        validated(Industry, {"name": "x", "sei": ["8.99"]})


def test_an_industry_by_a_search_query(ar: Path) -> None:
    """An industry may be a search in the query language: TI=光波导 finds the 36 titles that hold 光波导, 30 of them
    filed from 2020 on (counted in the file); the snapshot's search index answers it. A query that cannot be read is
    refused with its position when the industry is defined."""
    from ipstrong.search.index import build

    build(ar)
    rows = [r for r in _ar_rows() if "光波导" in r["标题"]]
    recent = [r for r in rows if r["申请日"] >= "2020"]
    assert (len(rows), len(recent)) == (36, 30)
    assert navigate(SYSTEM, ar, Industry(name="光波导", query="TI=光波导"), "320000").patents == 36
    report = navigate(SYSTEM, ar, Industry(name="光波导", query="TI=光波导 AND AD>=2020-01-01"), "320000")
    assert report.patents == 30 and "检索式 query: TI=光波导 AND AD>=2020-01-01" in report.query
    with pytest.raises(IpsError, match="position 4"):
        validated(Industry, {"name": "x", "query": "TI=(光波导"})


def test_topic_clusters_on_real_titles(ar: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 1,127 near-eye titles split into eight topics; 88 of the titles name 波导 (waveguides), and at least 80 of
    them fall in the topic whose heaviest word is 波导, which they make nine tenths of. Above the sample size the
    topics come from a sample, and the note says how large."""
    from ipstrong.navigation import topics

    scope = [r["标题"] for r in _ar_rows() if any(s.startswith("G02B27/01") for s in _symbols(r)) or "光波导" in r["标题"]]
    assert len(scope) == 1127 and sum("波导" in t for t in scope) == 88
    found = topics.find_topics(scope)
    assert len(found) == 8
    waveguide = next(t for t in found if t.terms[0] == "波导")
    inside = sum("波导" in scope[i] for i in waveguide.members)
    assert inside >= 80 and inside >= 0.9 * len(waveguide.members)
    section = _section(navigate(SYSTEM, ar, NEAR_EYE, "320000"), "topics")
    assert len(section.rows) == 8 and section.note is not None and "全部 1127 件" in section.note
    assert any(row[0].startswith("波导") and "波导" in row[5] for row in section.rows)
    monkeypatch.setattr(topics, "SAMPLE", 500)
    sampled = _section(navigate(SYSTEM, ar, NEAR_EYE, "320000"), "topics")
    assert sampled.note is not None and "样本 500 件（共 1127 件）" in sampled.note and sum(r[2] for r in sampled.rows) <= 500
    assert topics.find_topics(scope[:10]) == []  # too few to name topics


def test_the_collaboration_network(ar: Path) -> None:
    """The network's strongest tie is 苏州大学 with 苏大维格 (15 joint filings); 苏州大学 is named on 17 of the 1,127 and
    drawn as a university."""
    rows = [r for r in _ar_rows() if any(s.startswith("G02B27/01") for s in _symbols(r)) or "光波导" in r["标题"]]
    assert sum("苏州大学" in [a.strip() for a in r["申请人"].split("|")] for r in rows) == 17
    chart = _section(navigate(SYSTEM, ar, NEAR_EYE, "320000"), "collaboration").chart
    assert chart is not None and chart.kind == "graph" and len(chart.links) == 40
    first = chart.links[0]
    assert (first.source, first.target, first.value) == ("苏州大学", "苏州苏大维格科技集团股份有限公司", 15)
    suda = next(n for n in chart.nodes if n.name == "苏州大学")
    assert (suda.value, suda.category) == (17, "大专院校 university")
    assert {n.name for n in chart.nodes} == {name for link in chart.links for name in (link.source, link.target)}


def test_an_enterprise_report(ar: Path, tmp_path: Path) -> None:
    """奇跃公司 (Magic Leap) is first-named on 116 applications: 83 hold a G02B symbol, G06T 40, G06F 36, G06K 19,
    H04N 19. Without an industry its report reads those five subclasses, where 107 of its 116 lie; within near-eye
    display it holds 67 of 1,127 and leads every subclass it files in."""
    rows = [r for r in _ar_rows() if r["申请人"].split("|")[0].strip() == "奇跃公司"]
    assert len(rows) == 116
    firm = _enterprise(ar, "奇跃公司")
    fields = navigate(SYSTEM, ar, None, "320000", "enterprise", enterprise=firm)
    assert fields.industry.ipc == ["G02B", "G06T", "G06F", "G06K", "H04N"] and fields.home_patents == 107
    assert fields.title == "奇跃公司 · 奇跃公司 技术领域" and "GB/T 39551.4" in fields.kind_title
    near = navigate(SYSTEM, ar, NEAR_EYE, "320000", "enterprise", enterprise=firm)
    assert (near.patents, near.home_patents) == (1127, 67)
    rivals = _section(near, "rivals")
    assert rivals.rows[0] == ["G02B", 67, 1127, 5.9, 1, "奇跃公司", 67] and all(r[4] == 1 for r in rivals.rows)
    assert all(r[2] == "奇跃公司" for r in _section(near, "home_inventors").rows)
    html = tmp_path / "firm.html"
    write_html(near, html)
    assert "企业经营类" in html.read_text(encoding="utf-8")
    for kind, enterprise, refusal in (("enterprise", None, "only it, names an enterprise"),
                                      ("industry", firm, "only it, names an enterprise"),
                                      ("patent", None, "no report kind patent")):  # fmt: skip
        with pytest.raises(IpsError, match=refusal):
            navigate(SYSTEM, ar, NEAR_EYE, "320000", kind, enterprise=enterprise)
    with pytest.raises(IpsError, match="no patent of enterprise 999999"):
        navigate(SYSTEM, ar, NEAR_EYE, "320000", "enterprise", enterprise=999999)
    with pytest.raises(IpsError, match="an industry report needs an industry"):
        navigate(SYSTEM, ar, None, "320000")


def test_saved_industries_reports_edits_and_the_diff(db, ar: Path, tmp_path: Path) -> None:
    """An industry saved twice is two versions; its preview counts 1,127 with a sample; a report keeps the analyst's
    text, and a report made again of the second version (G06T19 excluded: 1,044) carries the text over and says what
    changed; a section that does not exist is refused."""
    from ipstrong.db import transaction
    from ipstrong.navigation.library import edit, edited, industries, make_report, preview, save_industry, stored_report

    with transaction(db.factory) as s:
        first = save_industry(s, SYSTEM, NEAR_EYE)
        second = save_industry(s, SYSTEM, NEAR_EYE.model_copy(update={"exclude_ipc": ["G06T19"]}))
        assert (first.version, second.version) == (1, 2) and [i.version for i in industries(s, SYSTEM)] == [2]
    shown = preview(SYSTEM, ar, NEAR_EYE)
    assert shown.patents == 1127 and len(shown.sample) == 20
    steps: list[int] = []
    with transaction(db.factory) as s:
        made = make_report(s, SYSTEM, ar, first.id, "320000", step=lambda pct, _m: steps.append(pct))
        edit(s, SYSTEM, made.id, "gap", "江苏应重点布局光波导显示。")
        with pytest.raises(IpsError, match="no section nope"):
            edit(s, SYSTEM, made.id, "nope", "x")
    assert steps == [10, 90]
    with transaction(db.factory) as s:
        again = make_report(s, SYSTEM, ar, second.id, "320000")
    assert again.previous_id == made.id and again.edits == {"gap": "江苏应重点布局光波导显示。"}
    assert {c.figure: (c.before, c.after) for c in again.changes}["专利 patents"] == (1127, 1044)
    assert next(s for s in edited(again).sections if s.id == "gap").note == "江苏应重点布局光波导显示。"
    with db.factory() as s:
        assert stored_report(s, SYSTEM, made.id).changes == []  # the first has nothing before it
