"""WIPO ST.96 (../shared/data/wipo-st96-examples, WIPO's own example instances of version 6.0): a patent
publication and a design application into ``patents``, a trademark application into ``trademarks``; a document of
another kind is refused naming the kinds read. Every value below was read by hand in the examples."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import shared_data
from ipstrong.ingest import ingest
from ipstrong.warehouse import run_sql

SD = dt.date(2024, 12, 31)


def example(name: str) -> Path:
    return shared_data("wipo-st96-examples", f"{name}_Example.xml")


def test_patent_design_and_trademark_examples(tmp_path: Path) -> None:
    data = tmp_path / "d"
    files = [example("PatentPublication"), example("DesignApplication"), example("TrademarkApplication")]
    report = ingest(files, data, status_date=SD)
    assert (report.read, report.accepted, report.quarantined) == (3, 3, 0)
    assert [f["format"] for f in report.files] == ["st96-xml"] * 3 and [f["kind"] for f in report.files][2] == "trademarks"
    rows = {r["app_no"]: r for r in run_sql(data, "SELECT * FROM patents").to_pylist()}
    patent = rows["US13797521"]
    assert (patent["office"], patent["pub_no"], patent["patent_type"]) == ("US", "US8936998B2", "invention")
    assert (patent["app_date"], patent["grant_date"]) == (dt.date(2013, 3, 12), dt.date(2015, 1, 20))
    assert patent["applicants"] == [
        "Mitsubishi Heavy Industries, Ltd.",
        "National Institute of Advanced Industrial Science and Technology",
    ]
    assert patent["inventors"][0] == "Jun Utsumi" and patent["ipc_main"] == "H01L21/30" and len(patent["ipc_all"]) == 6
    assert (patent["claims_count"], patent["priority"]) == (10, "JP2007-290922 2007-11-08")
    assert patent["agency"] == "Birch, Stewart, Kolasch & Birch, LLP" and patent["claims"].startswith("1. A device manufacture")
    design = rows["XX35503842"]  # WIPO's example office XX
    assert (design["patent_type"], design["title"], design["locarno"]) == ("design", "Chair", "06-01")
    assert design["grant_date"] == dt.date(2019, 1, 29) and design["pub_no"] is None  # D0123456 carries no kind code
    assert design["inventors"] == ["Emma Francis", "Jeannette Altova", "Manuel Ho"] and design["agency"] == "Attorney Firm, LLP"
    mark = run_sql(data, "SELECT * FROM trademarks").to_pylist()[0]
    assert (mark["reg_no"], mark["mark_name"], mark["status"]) == ("5169753", "LANYI", "registered")
    assert mark["owner"] == "Shenzhen Fengniao E-Commerce Co.,Ltd" and mark["nice_classes"] == ["09"]
    assert (mark["app_date"], mark["reg_date"]) == (dt.date(2016, 5, 12), dt.date(2017, 3, 28))


def test_geographical_indications_register_and_indicator(tmp_path: Path) -> None:
    """The GI register: WIPO's example (a French indication, registered by its publication of 2018-06-04) and a
    register list with one real Chinese indication (阳澄湖大闸蟹, 国家地理标志保护产品, approved 2005-01-28, Suzhou).
    The indicator is missing with its reason until indications are ingested, then counts CNIPA's by place."""
    from ipstrong.indicators.engine import compute, explain

    data = tmp_path / "d"
    ingest([shared_data("cn-patent-records-small", "patentsemantix_case_10rows.csv")], data, status_date=SD)
    before = compute(data, ["geographical_indications"], [dt.date(2023, 12, 31)], "320000")[0]
    assert (before["value"], before["status"]) == (None, "missing") and "no such records" in before["note"]
    register = tmp_path / "gi.csv"
    register.write_text(
        "地理标志编号,地理标志名称,地理标志类别,保护范围,申请人,批准日,状态\n"
        "2005-089,阳澄湖大闸蟹,地理标志产品,江苏省苏州市阳澄湖,苏州市阳澄湖大闸蟹行业协会,2005-01-28,已批准\n",
        encoding="utf-8",
    )
    report = ingest([register, example("GIApplication")], data, status_date=SD)
    assert (report.by_kind["gi"]["accepted"], report.files[1]["kind"]) == (2, "gi")
    french = run_sql(data, "SELECT * FROM gi WHERE office = 'FR'").to_pylist()[0]
    assert (french["gi_no"], french["name"], french["name_translation"]) == (
        "IG 18-002",
        "Tapisserie d'Aubusson",
        "Aubusson tapestry",
    )
    assert french["product_classes"] == ["24", "27"] and french["reg_date"] == dt.date(2018, 6, 4)
    assert french["applicant"] == "Association LAINAMAC" and len(french["authorized_users"]) == 10
    figures = {
        r["region_code"]: r["value"]
        for r in compute(data, ["geographical_indications"], [dt.date(2023, 12, 31)], "320000", "city")
    }
    assert figures["320000"] == figures["320500"] == 1 and figures["320100"] == 0  # the French one is not CNIPA's
    # before the first indication of the register the figure is missing, not zero
    assert compute(data, ["geographical_indications"], [dt.date(2004, 12, 31)], "320500")[0]["status"] == "missing"
    behind = explain(data, "geographical_indications", "320500", dt.date(2023, 12, 31))
    assert [(r["app_no"], r["title"]) for r in behind] == [("2005-089", "阳澄湖大闸蟹")]
