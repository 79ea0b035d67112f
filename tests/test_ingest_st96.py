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


def test_another_st96_kind_is_refused_naming_the_kinds_read(tmp_path: Path) -> None:
    report = ingest([example("GIApplication")], tmp_path / "d", status_date=SD)
    assert report.exit_code == 2
    reason = report.files_failed[0]["reason_en"]
    assert "an ST.96 document not read (GIApplication)" in reason and "TrademarkApplication" in reason
