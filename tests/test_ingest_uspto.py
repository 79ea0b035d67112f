"""USPTO full-text XML: real ICE documents of ../shared/data/uspto-xml-samples into the patents table (office US),
and the bad input the issue names — truncated documents, lying encodings, entity tricks, a weekly file twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import SUZHOU_ROW, shared_data
from ipstrong.indicators.engine import compute
from ipstrong.ingest import ingest
from ipstrong.warehouse.connection import run_sql

DAY = dt.date(2024, 12, 31)
ICE = ("xml2014/US08926509.xml", "xml2014/US08927118.xml", "xml2006/US07272630B2.xml", "xml2004/US06859910.xml",
       "xml2004/US06970935.xml", "xmlApp2004/US20050004974A1.xml")  # fmt: skip


def weekly(tmp_path: Path, *extra: bytes) -> Path:
    """A weekly-style file: the real ICE samples one after another (as USPTO concatenates a week's documents)."""
    root = shared_data("uspto-xml-samples")
    path = tmp_path / "ipg-week.xml"
    path.write_bytes(b"".join([*((root / name).read_bytes().rstrip() + b"\n" for name in ICE), *extra]))
    return path


def _rows(data: Path, sql: str) -> list[dict]:
    return run_sql(data, sql).to_pylist()


def test_real_grants_and_applications_become_records(tmp_path: Path) -> None:
    data = tmp_path / "data"
    report = ingest([weekly(tmp_path)], data, status_date=DAY)
    assert (report.read, report.accepted, report.quarantined, report.region_unknown) == (6, 6, 0, 0)
    assert report.files[0]["format"] == "uspto-xml"
    row = _rows(data, "SELECT * FROM patents WHERE app_no = 'US12134151'")[0]
    assert row["office"] == "US" and row["pub_no"] == "US8926509B2" and row["patent_type"] == "invention"
    assert (row["app_date"], row["grant_date"]) == (dt.date(2008, 6, 5), dt.date(2015, 1, 6))
    assert row["first_applicant"] == "Hmicro, Inc." and row["country"] == "US" and row["ipc_main"] == "A61B5/00"
    assert "A61B5/0205" in row["ipc_all"] and row["claims"].startswith("1. A system for measuring physiological signals")
    # the four organisation owners wait for the follow-up (the other two are persons: no entity)
    assert row["inventors"][0] == "Surendar Magar" and report.entities_pending == 4
    japanese = _rows(data, "SELECT country, first_applicant FROM patents WHERE app_no = 'US13349377'")[0]
    assert japanese == {"country": "JP", "first_applicant": "Idemitsu Kosan Co., Ltd."}
    old = _rows(data, "SELECT ipc_main, source_row FROM patents WHERE pub_no = 'US6859910B2'")[0]
    assert old["ipc_main"] == "G06F15/00" and old["source_row"] > 1  # v4.0's G06F015/00; the line its document starts on
    application = _rows(data, "SELECT grant_date, legal_status FROM patents WHERE pub_no = 'US20050004974A1'")[0]
    assert application == {"grant_date": None, "legal_status": "pending"}
    again = ingest([weekly(tmp_path)], data, status_date=DAY)  # the same weekly file applied twice
    assert (again.unchanged, again.new, again.published) == (6, 0, False)


def test_other_offices_records_are_searchable_by_office_and_number(tmp_path: Path) -> None:
    from ipstrong.search.engine import search
    from ipstrong.search.index import build

    data = tmp_path / "data"
    ingest([weekly(tmp_path)], data, status_date=DAY)
    build(data)
    assert search(data, "OFFICE=US")["total"] == 6
    hit = search(data, "AN=us12134151")["hits"]
    assert [h["app_no"] for h in hit] == ["US12134151"]
    assert search(data, "OFFICE=CN")["total"] == 0


def test_other_offices_records_do_not_enter_official_indicators(tmp_path: Path) -> None:
    data = tmp_path / "data"
    export = tmp_path / "cn.csv"
    export.write_text("申请号,申请日,授权公告日,名称,申请（专利权）人,地址,专利类型\n" + SUZHOU_ROW + "\n", encoding="utf-8")
    ingest([export], data, status_date=DAY)
    before = compute(data, ["effective_inventions"], [dt.date(2021, 12, 31)], "320000")[0]["value"]
    # a US grant whose assignee is in Suzhou: held in the warehouse, not a CNIPA invention patent of Suzhou
    suzhou_us = (
        (shared_data("uspto-xml-samples") / ICE[0])
        .read_bytes()
        .replace(b"<city>Fremont</city>", "<city>江苏省苏州市吴中区</city>".encode())
    )
    (tmp_path / "us.xml").write_bytes(suzhou_us)
    assert ingest([tmp_path / "us.xml"], data, status_date=DAY).new == 1
    assert _rows(data, "SELECT count(*) AS n FROM patents")[0]["n"] == 2
    assert compute(data, ["effective_inventions"], [dt.date(2021, 12, 31)], "320000")[0]["value"] == before == 1


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE us-patent-grant [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>
<us-patent-grant><us-bibliographic-data-grant><invention-title>&c;</invention-title></us-bibliographic-data-grant></us-patent-grant>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE us-patent-grant [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<us-patent-grant><us-bibliographic-data-grant><invention-title>&secret;</invention-title></us-bibliographic-data-grant></us-patent-grant>
"""
HIDDEN_XXE = b"""<?xml version="1.0"?>
<!DOCTYPE us-patent-grant [<!ATTLIST us-patent-grant lang CDATA "]>"><!ENTITY secret SYSTEM "file:///etc/passwd">]>
<us-patent-grant><us-bibliographic-data-grant><invention-title>&secret;</invention-title></us-bibliographic-data-grant></us-patent-grant>
"""
BODY = "\n<us-patent-grant><abstract>苏州</abstract></us-patent-grant>\n"
GBK_CALLED_UTF8 = ('<?xml version="1.0" encoding="UTF-8"?>' + BODY).encode("gbk")
UTF8_CALLED_LATIN1 = ('<?xml version="1.0" encoding="ISO-8859-1"?>' + BODY).encode()
TRUNCATED = b'<?xml version="1.0" encoding="UTF-8"?>\n<us-patent-grant><us-bibliographic-data-grant><invention-title>cut'


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (BILLION_LAUGHS, "declares entities"),
        (XXE, "declares entities"),
        (HIDDEN_XXE, "declares entities"),  # a "]>" inside an attribute default does not end the declaration
        (GBK_CALLED_UTF8, "do not match the declared encoding utf-8"),
        (UTF8_CALLED_LATIN1, "declaration lies"),
        (TRUNCATED, "truncated"),
    ],
)
def test_bad_documents_are_quarantined_by_document_and_line(tmp_path: Path, bad: bytes, reason: str) -> None:
    data = tmp_path / "data"
    path = weekly(tmp_path, bad)
    report = ingest([path], data, status_date=DAY)
    assert (report.read, report.accepted, report.quarantined) == (7, 6, 1)
    quarantine = Path(report.quarantine_file).read_text(encoding="utf-8-sig")
    assert "document 7: " in quarantine and reason in quarantine and "第 7 篇文档" in quarantine
    assert "root:" not in str(_rows(data, "SELECT title FROM patents"))  # nothing from outside the file was read
    line = path.read_bytes().count(b"\n", 0, path.read_bytes().rindex(bad)) + 1
    assert f",{line}," in quarantine  # the row is the line the bad document starts on


def test_xml_of_another_format_is_refused_as_a_whole(tmp_path: Path) -> None:
    report = ingest([shared_data("uspto-xml-samples", "cpcMaster", "cpcMaster.xml")], tmp_path / "data", status_date=DAY)
    # USPTO's CPC master file is written in ST.96's namespace: refused as an ST.96 document of a kind not read
    assert report.exit_code == 2
    assert "an ST.96 document not read (CPCMasterClassificationFile)" in report.files_failed[0]["reason_en"]


def test_xml_of_no_format_read_is_refused_naming_the_formats(tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_bytes(b'<?xml version="1.0"?>\n<catalogue><item/></catalogue>\n')
    report = ingest([other], tmp_path / "data", status_date=DAY)
    assert (
        report.exit_code == 2
        and "an XML format not read (CNIPA patent documents, WIPO ST.96" in report.files_failed[0]["reason_en"]
    )


def _ice(app_number: str, title: str = "A device") -> bytes:
    """A minimal ICE grant document for one US application (for events to attach to)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<us-patent-grant><us-bibliographic-data-grant><publication-reference>'
        f"<document-id><country>US</country><doc-number>0{app_number[:7]}</doc-number><kind>B2</kind><date>20190101</date>"
        '</document-id></publication-reference><application-reference appl-type="utility"><document-id><country>US'
        f"</country><doc-number>{app_number}</doc-number><date>20160101</date></document-id></application-reference>"
        f"<invention-title>{title}</invention-title><assignees><assignee><addressbook><orgname>Owner Inc.</orgname>"
        "</addressbook></assignee></assignees></us-bibliographic-data-grant></us-patent-grant>\n"
    ).encode()


def test_uspto_assignments_become_events_of_the_us_records(tmp_path: Path) -> None:
    from ipstrong.ingest.uspto_assignments import records

    data = tmp_path / "data"
    sample = shared_data("uspto-assignment-xml-samples", "assignment_3.xml")
    numbers = sorted({row["app_no"][2:] for _line, row, _why in records(sample.read_bytes()) if row})
    (tmp_path / "us.xml").write_bytes(b"".join(_ice(n) for n in numbers[1:]))  # the first application is not held
    assert ingest([tmp_path / "us.xml"], data, status_date=DAY).new == len(numbers) - 1
    report = ingest([sample], data, status_date=DAY)
    assert report.files[0]["format"] == "uspto-assignment-xml" and report.quarantined >= 1
    quarantine = Path(report.quarantine_file).read_text(encoding="utf-8-sig")
    assert f"US{numbers[0]}" in quarantine and "no patent with this application number" in quarantine
    kinds = {r["event_type"] for r in _rows(data, "SELECT event_type FROM events")}
    assert kinds == {"transfer", "pledge", "pledge_release"}
    pledges = _rows(data, "SELECT to_party, event_date FROM events WHERE event_type = 'pledge'")
    assert {"to_party": "WILMINGTON SAVINGS FUND SOCIETY, FSB", "event_date": dt.date(2021, 6, 30)} in pledges
    again = ingest([sample], data, status_date=DAY)  # the same response twice: nothing new
    assert again.new == 0 and not again.published


def test_the_entity_check_reads_the_doctype_as_the_parser_does() -> None:
    from ipstrong.ingest.xmlsafe import entity_refusal

    assert entity_refusal(b'<?xml version="1.0"?>\n<!DOCTYPE us-patent-grant SYSTEM "us-patent-grant-v45.dtd" [ ]>\n<a/>') is None
    assert entity_refusal(b'<!DOCTYPE a [<!-- ]> --><!ENTITY e "x">]><a/>') is not None
    assert entity_refusal(b'<!DOCTYPE a [<!ATTLIST a b CDATA "x"') is not None  # never ends: not parsed


def test_claims_count_agency_priority_and_persons_are_kept(tmp_path: Path) -> None:
    """Read by hand in the documents: number-of-claims, the attorney firm (or, in the 2004 application, the
    correspondence addressee), the attorneys who are persons, the priority claims, and an owner who is a person."""
    data = tmp_path / "data"
    ingest([weekly(tmp_path)], data, status_date=DAY)
    rows = {r["app_no"]: r for r in _rows(data, "SELECT * FROM patents")}
    idemitsu = rows["US13349377"]  # US08927118: Idemitsu Kosan, priority JP 2008-148514 of 2008-06-05
    assert idemitsu["claims_count"] == 45 and idemitsu["priority"] == "JP2008-148514 2008-06-05"
    assert (
        idemitsu["agency"] == "Oblon, Spivak, McClelland, Maier & Neustadt, L.L.P." and idemitsu["applicant_type"] == "enterprise"
    )
    croy = rows["US09832323"]  # US06859910: John Charles Croy, no assignee; attorney Joseph H. Born of Foley Hoag LLP
    assert (croy["applicant_type"], croy["claims_count"]) == ("individual", 2)
    assert (croy["agency"], croy["agents"]) == ("Foley Hoag LLP", ["Joseph H. Born"])
    application = rows["US10687244"]  # US20050004974A1: correspondence to Xerox's PATENT DOCUMENTATION CENTER
    assert application["agency"] == "PATENT DOCUMENTATION CENTER" and application["applicant_type"] == "individual"


def test_a_source_word_for_the_applicant_type_decides(tmp_path: Path) -> None:
    """申请人类型 in a CNIPA-style export (PatentSemantix's real rows: 中科大数据研究院, 科研机构) decides over the name."""
    data = tmp_path / "data"
    ingest([shared_data("cn-patent-records-small", "patentsemantix_case_10rows.csv")], data, status_date=DAY)
    types = _rows(data, "SELECT DISTINCT first_applicant, applicant_type FROM patents")
    assert types == [{"first_applicant": "中科大数据研究院", "applicant_type": "institute"}]
