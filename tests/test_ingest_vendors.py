"""The exports analysts download from Patentics and incoPat (real samples in ../shared/data/cn-patent-db-exports,
read there, never copied: the vendors' terms may restrict redistribution): their column names, ``|`` and ``; ``
multi-value cells, banner rows, Excel dates, vendor legal-status words, one row per publication, and incoPat's global
sets where CN applications sit beside other offices' records."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from conftest import shared_data
from ipstrong.ingest import ingest
from ipstrong.ingest.estimates import Estimates
from ipstrong.warehouse import run_sql

EXPORTS = "cn-patent-db-exports"
SD = dt.date(2024, 12, 31)


def vendor_file(name: str) -> Path:
    return shared_data(EXPORTS, name)


# checked by hand in the export: rows 1276 and 4463 give these numbers and filing dates (a 2019 number filed in 2020,
# a 2009 number filed in 2010 — the numbers' check digits are right, the records real)
NOTED = [("201921544223.9", "2020-06-07"), ("200910243116.7", "2010-05-20")]


def reconciles(r) -> bool:
    return r.read == r.accepted + r.quarantined + r.duplicates and r.accepted == r.new + r.updated + r.unchanged


def quarantined(data: Path) -> list[dict[str, str]]:
    files = sorted((data / "quarantine").glob("*.csv"))
    with files[-1].open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def one(data: Path, sql: str) -> dict:
    return run_sql(data, sql).to_pylist()[0]


def test_patentics_csv_pipes_and_spaced_ipc(tmp_path: Path) -> None:
    data = tmp_path / "d"
    report = ingest([vendor_file("patentics_cn_title-augmented-reality_4483.csv")], data, status_date=SD)
    assert reconciles(report) and (report.read, report.accepted, report.quarantined) == (4483, 4483, 0)
    # two numbers whose year is before their filing date, check digits valid: kept, and in the quality notes
    with open(report.notes_file, encoding="utf-8-sig", newline="") as fh:
        notes = list(csv.DictReader(fh))
    assert [(n["app_no"], n["app_date"]) for n in notes if n["field"] == "app_no"] == NOTED
    # Patentics' 其他 ("other") says nothing of the status: not guessed, counted (1,741 rows, as the export holds);
    # each estimated lapse date is a note too
    assert report.status_words_unknown == {"其他": 1741}
    assert report.quality_notes == 1741 + 2 + report.lapse_dates_estimated
    row = one(data, "SELECT * FROM patents WHERE pub_no = 'CN114527879A'")
    assert row["app_no"] == "202210174730.8" and row["app_date"] == dt.date(2022, 2, 25)
    assert row["ipc_all"] == ["G06F3/01", "G06F9/451", "G06T19/00", "G06T19/20"] and row["ipc_main"] == "G06F3/01"
    assert row["inventors"][:2] == ["谈敦铭", "杜晓伟"] and row["legal_status_raw"] == "公开"
    assert report.region_unknown == report.accepted  # no applicant address in these exports: accepted, region unknown
    again = ingest([vendor_file("patentics_cn_title-augmented-reality_4483.csv")], data, status_date=SD)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4483)


def test_patentics_xlsx_banner_row_and_one_row_per_publication(tmp_path: Path) -> None:
    data = tmp_path / "d"
    report = ingest([vendor_file("patentics_cambricon_358.xlsx")], data, status_date=SD)
    assert reconciles(report) and report.read == 357  # the hyperlink banner in row 1 is not a record
    assert report.duplicates == 29  # applications listed twice: the A and the B publication
    row = one(data, "SELECT * FROM patents WHERE app_no = '201811222553.6'")
    # listed as CN111078125A (2020-04-28) and CN111078125B (2021-01-29): the first publication and the grant
    assert (row["pub_no"], row["pub_date"], row["grant_date"]) == ("CN111078125A", dt.date(2020, 4, 28), dt.date(2021, 1, 29))
    assert row["legal_status"] == "in_force"


def test_incopat_global_set_keeps_every_office_apart(tmp_path: Path) -> None:
    data = tmp_path / "d"
    report = ingest([vendor_file("incopat_gm_autodriving_global_10000.xlsx")], data, status_date=SD)
    assert reconciles(report) and report.read == 10000
    assert report.quarantined == 0
    with open(report.notes_file, encoding="utf-8-sig", newline="") as fh:
        notes = [(n["app_no"], n["row"]) for n in csv.DictReader(fh) if n["field"] == "app_no"]
    assert notes == [("201611146030.9", "5953"), ("202121691361.7", "8854")]  # two CN numbers whose year predates filing
    offices = {r["office"]: r["n"] for r in run_sql(data, "SELECT office, count(*) AS n FROM patents GROUP BY 1").to_pylist()}
    # the other offices' applications are held as records of their office (公开国别 美国 2,005 rows: A and B rows of
    # one application are one record)
    assert offices["CN"] == 6508 and offices["US"] == 1999 and offices["WO"] == 505 and len(offices) == 16
    assert report.region_unknown == 6508  # counted among CN records only
    us = one(data, "SELECT * FROM patents WHERE app_no = 'US15950587'")
    assert us["pub_no"] == "US20190320115A1" and us["patent_type"] == "invention" and not us["pct"]
    ep = one(data, "SELECT grant_date, pub_date FROM patents WHERE pub_no = 'EP3800467B1'")
    assert ep["grant_date"] == ep["pub_date"]  # an EP B publication dates the grant
    assert one(data, "SELECT office FROM patents WHERE app_no = 'WOCN22122372'")["office"] == "WO"
    row = one(data, "SELECT * FROM patents WHERE pub_no = 'CN106768928B'")
    # 标题 (中文), Excel dates, IPC主分类, 简单同族 → family countries, a B publication dates the grant
    assert row["title"] == "一种力可控的机械传动式转子碰摩试验台" and row["app_date"] == dt.date(2016, 11, 30)
    assert row["grant_date"] == row["pub_date"] and row["legal_status"] == "in_force" and row["patent_type"] == "invention"
    first = one(data, "SELECT family_countries FROM patents WHERE app_no = '201110437794.4'")
    assert first["family_countries"] == ["CN", "DE"]
    # 标准化申请人, one per applicant ("[建设银行-C; 建信金融科技有限责任公司]"): the vendor's corporate group, kept as
    # evidence for applicant resolution; TW109142513 lists none for its applicant and keeps none
    bank = one(data, "SELECT applicants, applicants_standard FROM patents WHERE app_no = '202010219270.7'")
    assert bank == {
        "applicants": ["中国建设银行股份有限公司", "建信金融科技有限责任公司"],
        "applicants_standard": ["建设银行-C", "建信金融科技有限责任公司"],
    }
    assert one(data, "SELECT applicants_standard FROM patents WHERE app_no = 'TW109142513'")["applicants_standard"] is None


@pytest.mark.parametrize("name", ["incopat_chatbot_global_2798.xlsx", "patentics_thundersoft_cn_511.xlsx"])
def test_other_vendor_files_reconcile(tmp_path: Path, name: str) -> None:
    report = ingest([vendor_file(name)], tmp_path / "d", status_date=SD)
    assert reconciles(report) and report.accepted > 0 and not report.files_failed


def test_patentics_applicant_province_places_records_without_address(tmp_path: Path) -> None:
    """省市 is the applicant's province: it places a record at province level (Beijing, a municipality, also at city
    level); 通信地址 — the agency's correspondence address — is never used."""
    data = tmp_path / "d"
    report = ingest([vendor_file("patentics_thundersoft_cn_511.xlsx")], data, status_date=SD)
    places = {
        (r["province_code"], r["city_code"]): r["n"]
        for r in run_sql(data, "SELECT province_code, city_code, count(*) AS n FROM patents GROUP BY ALL").to_pylist()
    }
    assert places[("320000", None)] == 27 and places[("110000", "110100")] == 313
    assert one(data, "SELECT count(*) AS n FROM patents WHERE address IS NOT NULL")["n"] == 0
    assert report.region_unknown == report.accepted - 313 - 10  # no city but for the municipalities (Beijing, Chongqing)


def test_format_is_read_from_content_not_extension(tmp_path: Path) -> None:
    import shutil

    xlsx_named_csv = shutil.copy(vendor_file("patentics_cambricon_358.xlsx"), tmp_path / "export.csv")
    csv_named_xlsx = shutil.copy(vendor_file("patentics_cn_title-augmented-reality_4483.csv"), tmp_path / "export.xlsx")
    report = ingest([Path(xlsx_named_csv), Path(csv_named_xlsx)], tmp_path / "d", status_date=SD)
    assert [(f["format"], f["read"]) for f in report.files] == [("xlsx", 357), ("csv", 4483)] and not report.files_failed


def test_patentics_first_claim_is_kept_and_searchable(tmp_path: Path) -> None:
    """主权项 (the first claim) lands in ``claims``, and CL= finds exactly the patents whose claim holds a phrase."""
    import re

    from ipstrong.search.engine import search
    from ipstrong.search.index import build

    data = tmp_path / "d"
    ingest([vendor_file("patentics_thundersoft_cn_511.xlsx")], data, status_date=SD)
    claim = one(data, "SELECT claims FROM patents WHERE claims IS NOT NULL ORDER BY app_no LIMIT 1")["claims"]
    phrase = re.findall(r"[\u4e00-\u9fff]{6,}", claim)[1][:6]
    build(data)
    expected = one(data, f"SELECT count(*) AS n FROM patents WHERE claims LIKE '%{phrase}%'")["n"]
    found = search(data, f'CL="{phrase}"', limit=1000)
    assert found["total"] == expected >= 1
    assert all("claims" in h["highlights"] for h in found["hits"])  # the claim is highlighted where it matched


def test_qichacha_api_records_of_trademarks_and_patents(tmp_path: Path) -> None:
    """企查查 (Qichacha) API responses: a JSON array of records under the API's own keys."""
    data = tmp_path / "d"
    folder = "cn-trademark-qichacha-samples"
    marks = ingest([shared_data(folder, "qichacha_trademarks_3.json")], data, status_date=SD)
    assert (marks.read, marks.accepted, marks.quarantined) == (3, 3, 0) and marks.files[0]["format"] == "json"
    rows = {r["reg_no"]: r for r in run_sql(data, "SELECT * FROM trademarks").to_pylist()}
    # FlowStatusDesc's words, not the numeric Status code, say where a mark stands
    assert rows["15392502"]["status"] == "invalidated" and rows["16435657"]["status"] == "pending"
    assert rows["16435657"]["nice_classes"] == ["45"] and rows["16435657"]["app_date"] == dt.date(2015, 3, 4)
    patents = ingest([shared_data(folder, "qichacha_patents_3.json")], data, status_date=SD)
    assert (patents.read, patents.accepted) == (3, 3)
    design = one(data, "SELECT * FROM patents WHERE pub_no = 'CN304218960S'")
    assert design["patent_type"] == "design" and design["inventors"] == ["秦文莉", "朱静文"]
    assert design["app_date"] == dt.date(2017, 2, 7) and design["first_applicant"] == "苏州朗动网络科技有限公司"
    # Qichacha's LegalStatusDesc words: 授权 (the design, dated by its S publication), 实质审查的生效 (pending)
    statuses = run_sql(data, "SELECT legal_status_raw, legal_status FROM patents WHERE legal_status_raw IS NOT NULL")
    assert sorted((r["legal_status_raw"], r["legal_status"]) for r in statuses.to_pylist()) == [
        ("实质审查的生效", "pending"),
        ("授权", "in_force"),
    ]
    assert patents.status_words_unknown == {}


def test_json_items_that_are_not_records_are_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "marks.json"
    path.write_text(
        '{"Status": "200", "Result": [{"RegNo": "16435657", "Name": "企查查", "ApplicantCn": "苏州朗动网络科技有限公司", '
        '"IntCls": 45}, "a stray string", {"RegNo": "x1", "Name": "坏", "ApplicantCn": "某公司"}]}',
        encoding="utf-8",
    )
    report = ingest([path], tmp_path / "d", status_date=SD)
    assert reconciles(report) and (report.read, report.accepted, report.quarantined) == (3, 1, 2)
    rows = quarantined(tmp_path / "d")
    assert {(r["row"], r["reason_en"]) for r in rows} == {
        ("2", "not an object (a record)"),
        ("3", "not a registration number: x1"),
    }


def test_every_status_word_of_the_real_exports_reads_as_it_says() -> None:
    """The words the shared exports print (Patentics 法律状态, incoPat 当前法律状态 and 专利有效性), each checked by hand
    against its meaning; the PCT stages say 有效 but name no patent in force."""
    from ipstrong.ingest.sqlfuncs import install
    from ipstrong.warehouse.connection import new_duckdb

    expected = {
        "有效": "in_force", "授权": "in_force", "失效": "lapsed", "无效": "lapsed", "放弃": "lapsed",
        "未缴年费": "lapsed", "权利终止": "lapsed", "期限届满": "expired", "全部撤销": "invalidated",
        "驳回": "rejected", "撤回": "withdrawn", "申请终止": "withdrawn", "公开": "pending", "实质审查": "pending",
        "审中": "pending", "PCT-有效期内": "pending", "PCT-有效期满": "pending", "进入国家阶段-PCT有效期内": "pending",
        "进入国家阶段-PCT有效期满": "pending", "未进入国家阶段-PCT有效期内": "pending",
        "未进入国家阶段-PCT有效期满": "withdrawn", "其他": None,
    }  # fmt: skip
    con = new_duckdb()
    install(con)
    got = dict(con.execute("SELECT w, ips_status_word(w) FROM unnest(?::VARCHAR[]) t(w)", [list(expected)]).fetchall())
    con.close()
    assert got == expected


def _effective(data: Path, day: str) -> dict[str, int]:
    rows = run_sql(data, f"SELECT patent_type, count(*) AS n FROM effective_on(DATE '{day}') WHERE office = 'CN' GROUP BY 1")
    return {r["patent_type"]: r["n"] for r in rows.to_pylist()}


def test_incopat_status_words_decide_where_no_date_does(tmp_path: Path) -> None:
    """incoPat lists a granted invention by its A publication, with no grant date: 当前法律状态 授权 and 专利有效性 有效
    say it is in force. Counted by hand in the workbook (公开国别 中国): 1,263 A rows and 372 B rows of inventions say
    授权, 1,633 utility models; no date of the record says so for the A rows, so they are granted on the status date
    (the export's own date, 2023-04-18: the workbook was created 2023-04-17 22:49 UTC), flagged and noted."""
    data = tmp_path / "d"
    report = ingest([vendor_file("incopat_gm_autodriving_global_10000.xlsx")], data)
    assert report.files[0]["status_date"] == "2023-04-18"
    assert _effective(data, "2023-04-18") == {"invention": 1263 + 372, "utility_model": 1633}
    assert _effective(data, "2023-04-17") == {"invention": 372, "utility_model": 1633}  # known granted by then only
    row = one(data, "SELECT * FROM patents WHERE pub_no = 'CN110298449A'")  # row 2 of the workbook
    assert (row["grant_date"], row["grant_date_estimated"], row["legal_status"]) == (dt.date(2023, 4, 18), True, "in_force")
    assert row["legal_status_raw"] == "授权；有效"  # both status columns, as the export words them
    # 放弃 / 失效 on a utility model filed 2022-08-26, granted 2023-02-03 (row 1403): no anniversary lies between the
    # grant and six months before the status date, so it lapses on its grant date — never effective on that day
    um = one(data, "SELECT * FROM patents WHERE app_no = '202222263332.1'")
    assert (um["lapse_date"], um["lapse_date_estimated"], um["legal_status"]) == (dt.date(2023, 2, 3), True, "lapsed")
    cn_estimates = run_sql(data, "SELECT count(*) AS n FROM patents WHERE office = 'CN' AND grant_date_estimated")
    assert cn_estimates.to_pylist()[0]["n"] == 1263
    with open(report.notes_file, encoding="utf-8-sig", newline="") as fh:
        noted = [n for n in csv.DictReader(fh) if n["app_no"] == "202222263332.1"]
    assert [n["field"] for n in noted] == ["lapse_date"] and "2023-02-03" in noted[0]["reason_en"]
    # the status date given on the command line wins over the file's own
    again = ingest([vendor_file("incopat_gm_autodriving_global_10000.xlsx")], tmp_path / "e", status_date=SD)
    assert again.files[0]["status_date"] == SD.isoformat()


def test_patentics_invalid_word_without_date_lapses_on_an_estimated_date(tmp_path: Path) -> None:
    """Patentics 无效 on a granted record with no lapse date (AR export, statuses of 2022-05-30): counted by hand,
    606 utility models and 994 inventions (798 + 196 PCT) say 有效 and 142 utility models and 67 inventions 无效.
    Before the rule, the 无效 utility models within their term were counted in force (606 + 131)."""
    data = tmp_path / "d"
    report = ingest([vendor_file("patentics_cn_title-augmented-reality_4483.csv")], data, status_date=dt.date(2022, 5, 30))
    assert _effective(data, "2022-05-30") == {"invention": 994, "utility_model": 606}
    # 142 无效 utility models: 11 past their ten-year term (expired by the dates), 131 lapsed on an estimated date
    assert report.lapse_dates_estimated == 131 + 67
    # CN211065213U (row 1283): filed 2019-10-16, granted 2020-07-24; six months before the status date is
    # 2021-11-30, and the last anniversary before it is 2021-10-16
    row = one(data, "SELECT * FROM patents WHERE pub_no = 'CN211065213U'")
    assert (row["lapse_date"], row["lapse_date_estimated"], row["legal_status"]) == (dt.date(2021, 10, 16), True, "lapsed")
    in_force = "SELECT count(*) AS n FROM effective_on(DATE '{}') WHERE pub_no = 'CN211065213U'"
    assert [one(data, in_force.format(d))["n"] for d in ("2021-10-15", "2021-10-16")] == [1, 0]
    grant_rule = ingest(
        [vendor_file("patentics_cn_title-augmented-reality_4483.csv")],
        tmp_path / "e",
        status_date=dt.date(2022, 5, 30),
        estimates=Estimates(lapse="grant"),
    )
    assert grant_rule.estimates["lapse"]["rule"] == "grant"
    lapse = one(tmp_path / "e", "SELECT lapse_date FROM patents WHERE pub_no = 'CN211065213U'")["lapse_date"]
    assert lapse == dt.date(2020, 7, 24)  # its grant date


def test_patentics_legal_event_log_dates_the_lapse(tmp_path: Path) -> None:
    """法律描述 is a dated event log: its 未缴年费专利权终止 dates the lapse of the three 失效 inventions (checked by
    hand: 2021.10.29 twice, 2021.11.12), so nothing is estimated; the workbook's own date is the status date."""
    data = tmp_path / "d"
    report = ingest([vendor_file("patentics_thundersoft_cn_511.xlsx")], data)
    assert report.files[0]["status_date"] == "2022-12-19" and report.lapse_dates_estimated == 0
    lapses = run_sql(data, "SELECT lapse_date, count(*) AS n FROM patents WHERE lapse_date IS NOT NULL GROUP BY 1 ORDER BY 1")
    assert [(r["lapse_date"], r["n"]) for r in lapses.to_pylist()] == [(dt.date(2021, 10, 29), 2), (dt.date(2021, 11, 12), 1)]
    assert _effective(data, "2022-12-19") == {"invention": 165, "utility_model": 30}  # 有效 195 = 165 + 30
    # the province's figure from this export (省市 江苏省: 27 rows, 5 of them inventions marked 有效, counted by hand)
    from ipstrong.indicators.engine import compute

    jiangsu = compute(data, ["effective_inventions"], [dt.date(2022, 12, 19)], "320000")[0]
    assert (jiangsu["value"], jiangsu["status"]) == (5, "ok")


@pytest.mark.parametrize(
    "name,status_date,effective",
    [
        # Patentics, workbook created 2021-04-13 22:36 UTC: 168 inventions (A and B rows of one application are one)
        # and 7 utility models say 有效
        ("patentics_cambricon_358.xlsx", "2021-04-14", {"invention": 168, "utility_model": 7}),
        # incoPat, created 2023-05-08 23:26 UTC, 公开国别 中国: 授权 on 7 inventions listed by their A publication and
        # 5 by their B, 3 designs and 1 utility model
        ("incopat_chatbot_global_2798.xlsx", "2023-05-09", {"invention": 7 + 5, "design": 3, "utility_model": 1}),
    ],
)
def test_effective_figures_of_the_other_exports(tmp_path: Path, name: str, status_date: str, effective: dict) -> None:
    """A figure per file, counted by hand in the export, on the export's own status date."""
    data = tmp_path / "d"
    report = ingest([vendor_file(name)], data)
    assert report.files[0]["status_date"] == status_date
    assert _effective(data, status_date) == effective


def test_vendor_groups_reach_resolution_through_the_warehouse(tmp_path: Path) -> None:
    """Ingest keeps 标准化申请人; ``entities apply`` reads it from the warehouse. Checked by hand in the two incoPat
    exports: 丰田公司-C groups four names of Toyota (Chinese, English and romanised Japanese: 10 + 7 + 1 + 3 records),
    which become one enterprise; 谷歌公司-C groups GOOGLE INC (4) and GOOGLE LLC (26), an INC and an LLC, which
    wait for review rather than merge."""
    from ipstrong.ingest.pipeline import apply_entities

    data = tmp_path / "d"
    ingest(
        [vendor_file("incopat_gm_autodriving_global_10000.xlsx"), vendor_file("incopat_chatbot_global_2798.xlsx")],
        data,
        status_date=SD,
    )
    assert apply_entities(data)["published"]
    rows = run_sql(data, "SELECT applicants_standard[1] AS g, upper(first_applicant) AS name, count(*) AS n, "
                   "list(DISTINCT first_applicant_id) AS ids FROM patents "
                   "WHERE applicants_standard[1] IN ('丰田公司-C', '谷歌公司-C') GROUP BY ALL").to_pylist()  # fmt: skip
    toyota = {r["name"]: r["n"] for r in rows if r["g"] == "丰田公司-C"}
    assert toyota == {
        "TOYOTA JIDOSHA KABUSHIKI KAISHA": 10,
        "TOYOTA MOTOR CORP": 7,
        "TOYOTA MOTOR CO LTD": 1,
        "丰田自动车株式会社": 3,
    }
    assert len({i for r in rows if r["g"] == "丰田公司-C" for i in r["ids"]}) == 1
    google = {r["name"]: r["ids"] for r in rows if r["g"] == "谷歌公司-C"}
    assert google.keys() == {"GOOGLE INC", "GOOGLE LLC"} and google["GOOGLE INC"] != google["GOOGLE LLC"]
    # search counts top applicants by entity: Toyota's 21 records under its four names are one applicant
    from ipstrong.search.engine import search
    from ipstrong.search.index import build

    build(data)
    (toyota_id,) = {i for r in rows if r["g"] == "丰田公司-C" for i in r["ids"]}
    found = search(data, f"APID={toyota_id}", limit=1, facets=("entity", "applicant"))
    assert found["total"] == 21 and [(f["value"], f["count"]) for f in found["facets"]["entity"]] == [(str(toyota_id), 21)]
    assert found["facets"]["entity"][0]["label"].upper() == "TOYOTA JIDOSHA KABUSHIKI KAISHA"  # its commonest name
    assert len(found["facets"]["applicant"]) >= 4 and sum(f["count"] for f in found["facets"]["applicant"]) == 21
