"""EPO exchange-format XML (DOCDB) from real EPO OPS responses in ../shared/data/epo-ops-docdb-xml-samples."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import shared_data
from ipstrong.ingest import ingest
from ipstrong.warehouse.connection import run_sql

DAY = dt.date(2024, 12, 31)
BIBLIO = (
    "ops_fixtures_2019/published-data_publication_docdb_CN.104968889.A_biblio.xml",
    "ops_fixtures_2019/published-data_publication_docdb_US.9291047.B2_biblio.xml",
    "ops_fixtures_2019/published-data_publication_docdb_WO.2018148832.A1_biblio.xml",
    "ops_fixtures_head/published__test__full_cycle_example.xml",
)


def _rows(data: Path, sql: str) -> list[dict]:
    return run_sql(data, sql).to_pylist()


def test_ops_biblio_responses_become_records(tmp_path: Path) -> None:
    data = tmp_path / "data"
    files = [shared_data("epo-ops-docdb-xml-samples", *name.split("/")) for name in BIBLIO]
    report = ingest(files, data, status_date=DAY)
    assert (report.read, report.accepted, report.quarantined, report.duplicates) == (5, 4, 0, 1)
    assert {f["format"] for f in report.files} == {"epo-docdb-xml"}
    cn = _rows(data, "SELECT * FROM patents WHERE office = 'CN'")[0]
    # a CN publication seen through DOCDB: its original number with the check digit, typed by the CN rules
    assert (cn["app_no"], cn["pub_no"], cn["patent_type"]) == ("201380062258.8", "CN104968889A", "invention")
    assert cn["app_date"] == dt.date(2013, 10, 11) and cn["ipc_main"] == "E21B47/0228"
    assert cn["first_applicant"] == "SCIENT DRILLING INT"
    us = _rows(data, "SELECT * FROM patents WHERE pub_no = 'US9291047B2'")[0]
    assert us["office"] == "US" and us["grant_date"] == dt.date(2016, 3, 22) and us["legal_status"] == "in_force"
    assert us["app_no"] == "US14052000"  # USPTO's series form (the original number), as ICE XML names it
    # EP1000000: its A1 and B1 in one response are one application, first published as A1, granted by B1
    ep = _rows(data, "SELECT pub_no, grant_date FROM patents WHERE app_no = 'EP99203729'")[0]
    assert ep["pub_no"] == "EP1000000A1" and ep["grant_date"] is not None
    wo = _rows(data, "SELECT office, title FROM patents WHERE office = 'WO'")[0]
    assert wo["title"]


def test_non_bibliographic_and_broken_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    claims = shared_data(
        "epo-ops-docdb-xml-samples", "ops_fixtures_2019", "published-data_publication_docdb_CA.2944968.A1_claims.xml"
    )
    report = ingest([claims], data, status_date=DAY)
    assert report.exit_code == 2 and "no bibliographic record" in report.files_failed[0]["reason_en"]
    full = shared_data("epo-ops-docdb-xml-samples", "ops_fixtures_head", "published__test__full_cycle_example.xml").read_bytes()
    cut = tmp_path / "cut.xml"
    second = full.index(b"<exchange-document ", full.index(b"<exchange-document ") + 10)
    cut.write_bytes(full[: second + 400])  # the second document is cut off
    report = ingest([cut], data, status_date=DAY)
    assert (report.accepted, report.quarantined) == (1, 1)
    assert "breaks off" in Path(report.quarantine_file).read_text(encoding="utf-8-sig")
    evil = tmp_path / "evil.xml"
    evil.write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        b'<exchange-documents xmlns="http://www.epo.org/exchange"><exchange-document country="EP">&e;</exchange-document>'
        b"</exchange-documents>\n"
    )
    refused = ingest([evil], data, status_date=DAY)
    assert refused.exit_code == 2 and "declares entities" in refused.files_failed[0]["reason_en"]


def test_an_application_and_its_grant_in_two_files_keep_the_grant_in_either_order(tmp_path: Path) -> None:
    """OPS gives each publication its own file: US2014102795A1 (the application) and US9291047B2 (its grant of
    2016-03-22) are one application, US14052000. Read in either order it is granted and in force, numbered by its
    first publication; before, the file read last decided, and the A1 read last undid the grant."""
    folder = "ops_fixtures_2019/published-data_publication_docdb_US."
    a1 = shared_data("epo-ops-docdb-xml-samples", *f"{folder}2014102795.A1_biblio.xml".split("/"))
    b2 = shared_data("epo-ops-docdb-xml-samples", *f"{folder}9291047.B2_biblio.xml".split("/"))
    for n, order in enumerate(([a1, b2], [b2, a1])):
        data = tmp_path / f"d{n}"
        ingest(order, data, status_date=DAY)
        rows = _rows(data, "SELECT app_no, pub_no, grant_date, legal_status FROM patents")
        assert rows == [{"app_no": "US14052000", "pub_no": "US2014102795A1", "grant_date": dt.date(2016, 3, 22),
                         "legal_status": "in_force"}], order  # fmt: skip
