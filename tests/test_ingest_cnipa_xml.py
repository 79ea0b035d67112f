"""CNIPA's XML in both formats (../shared/data/cnipa-xml-samples, seven real documents), one at a time, as a folder
and as a ZIP delivery; every field below was read by hand in the documents."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import struct
import zipfile
from pathlib import Path

import pytest

from conftest import shared_data
from ipstrong.ingest import ingest
from ipstrong.warehouse import run_sql

SAMPLES = "cnipa-xml-samples"
SD = dt.date(2024, 12, 31)


def samples() -> Path:
    return shared_data(SAMPLES)


def patent(data: Path, app_no: str) -> dict:
    return run_sql(data, f"SELECT * FROM patents WHERE app_no = '{app_no}'").to_pylist()[0]


def quarantined(data: Path) -> list[dict[str, str]]:
    files = sorted((data / "quarantine").glob("*.csv"))
    with files[-1].open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("cnipa") / "data"
    report = ingest([samples()], data, status_date=SD)
    assert (report.read, report.accepted, report.quarantined) == (7, 7, 0)
    assert report.files[0]["format"] == "cnipa-xml-delivery" and report.quality_notes == 0
    return data


def test_new_format_with_structured_address_and_agency_code(folder: Path) -> None:
    row = patent(folder, "202110991218.8")  # cn_new2.xml, 浙商银行
    assert (row["pub_no"], row["app_date"], row["pub_date"]) == ("CN113783949A", dt.date(2021, 8, 26), dt.date(2021, 12, 10))
    assert row["title"] == "一种基于合约管理的跨链去中心化方法" and row["patent_type"] == "invention" and not row["pct"]
    assert row["applicants"] == ["浙商银行股份有限公司"] and row["inventors"] == ["陈嘉俊", "臧铖", "郭东升"]
    # Province 浙江省 / City 杭州市 / County 萧山区 (the address text agrees: no quality note)
    assert (row["province_code"], row["city_code"], row["district_code"]) == ("330000", "330100", "330109")
    assert row["address"] == "浙江省杭州市萧山区鸿宁路1788号"  # the postcode CNIPA prints first is not the address
    assert (row["agency"], row["agency_code"], row["agents"]) == ("杭州求是专利事务所有限公司", "33200", ["刘静"])
    assert row["ipc_main"] == "H04L29/08" and row["ipc_all"][-1] == "G06F16/27" and len(row["ipc_all"]) == 5
    assert row["claims_count"] == 10 and row["claims"].startswith("1.一种基于合约管理的跨链去中心化方法")
    assert row["legal_status"] == "pending" and row["grant_date"] is None  # an A publication


def test_pct_national_phase_priorities_and_foreign_applicants(folder: Path) -> None:
    row = patent(folder, "202180002433.9")  # cn_new3.xml: type digit 8, a PCT national phase
    assert row["pct"] and row["pct_application"] == "PCT/US2021/019468 2021-02-24"
    assert row["pct_publication"] == "WO2021/173713 2021-09-02"
    assert row["priority"].startswith("US62/982,670 2020-02-27; US62/994,206 2020-03-24")
    assert row["country"] == "US" and row["city_code"] is None  # 美国马萨诸塞州
    assert row["claims_count"] == 111 and (row["agency"], row["agency_code"]) == ("北京市金杜律师事务所", "11256")
    old = patent(folder, "201480000986.0")  # cn_old2.xml, the older format
    assert old["pct_application"] == "PCT/KR2014/002669 2014-03-28" and old["pct_publication"] == "WO2014/157990 2014-10-02"
    assert old["priority"].split("; ")[0] == "KR10-2013-0033547 2013-03-28" and old["priority"].count(";") == 5
    assert old["applicants"] == ["可隆科技特株式会社", "盛源立赛科株式会社"] and old["country"] == "KR"
    divisional = patent(folder, "202111286633.X")  # cn_new1.xml: a divisional keeps its parent's filing date
    assert divisional["app_date"] == dt.date(2017, 4, 24) and divisional["priority"] == "KR10-2016-0063019 2016-05-23"


def test_old_format_placed_by_its_address_text(folder: Path) -> None:
    row = patent(folder, "201410408762.5")  # cn_old1.xml
    assert (row["city_code"], row["district_code"]) == ("530100", "530102")  # 云南省昆明市五华区
    assert (row["agency"], row["agency_code"]) == ("昆明协立知识产权代理事务所(普通合伙)", "53108")
    assert row["agents"] == ["谢嘉", "旃习涵"] and row["claims_count"] == 3 and len(row["inventors"]) == 8
    person = patent(folder, "201410513187.5")  # cn_old4.xml: 叶建鑫, applicant and inventor
    assert person["applicant_type"] == "individual" and person["district_code"] == "330304"  # 温州市瓯海区


def test_a_single_document_and_the_same_numbers_again(tmp_path: Path) -> None:
    data = tmp_path / "d"
    report = ingest([samples() / "cn_old3.xml"], data, status_date=SD)  # one line, with an xml-stylesheet PI
    assert (report.accepted, report.files[0]["format"]) == (1, "cnipa-xml")
    assert patent(data, "201480000788.4")["title"] == "马来酸伊索拉定的制造方法"
    again = ingest([samples()], data, status_date=SD)
    assert (again.new, again.unchanged) == (6, 1)


def _zip_with(path: Path, extra: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(samples().glob("*.xml")):
            archive.write(file, f"CN/{file.name}")
            archive.writestr(f"CN/{file.stem}.TIF", b"II*\x00")  # drawings beside the documents are skipped
        for name, content in extra.items():
            archive.writestr(name, content)
    return path


def test_zip_delivery_reads_the_rest_when_entries_are_refused(tmp_path: Path) -> None:
    entity = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e "boom">]>\n<cn-patent-document>&e;</cn-patent-document>\n'
    other = b'<?xml version="1.0"?>\n<us-patent-grant></us-patent-grant>\n'
    cut = (samples() / "cn_new2.xml").read_bytes()[:5000]
    delivery = _zip_with(
        tmp_path / "delivery.zip",
        {"../escape.xml": other, "CN/entity.xml": entity, "CN/other.xml": other, "CN/cut.xml": cut},
    )
    data = tmp_path / "d"
    report = ingest([delivery], data, status_date=SD)
    assert (report.read, report.accepted, report.quarantined) == (11, 7, 4) and not report.files_failed
    reasons = {r["reason_en"].split(":")[0]: r["reason_en"] for r in quarantined(data)}
    assert set(reasons) == {"../escape.xml", "CN/cut.xml line 1", "CN/entity.xml line 1", "CN/other.xml line 1"}
    assert "leaves the delivery" in reasons["../escape.xml"] and "declares entities" in reasons["CN/entity.xml line 1"]
    assert "truncated or malformed" in reasons["CN/cut.xml line 1"]
    assert "not read" in reasons["CN/other.xml line 1"]


def test_zip_entry_larger_than_it_declares_is_refused(tmp_path: Path) -> None:
    path = _zip_with(tmp_path / "bomb.zip", {})
    with zipfile.ZipFile(path) as archive:
        victim = archive.getinfo("CN/cn_old1.xml")
    raw = bytearray(path.read_bytes())
    # shrink the declared size in the local header and the central directory: it unpacks to more than it says
    struct.pack_into("<I", raw, victim.header_offset + 22, 100)
    central = raw.rfind(b"PK\x01\x02" + raw[victim.header_offset + 4 : victim.header_offset + 6])
    while central >= 0 and raw[central + 46 : central + 46 + len(victim.filename)] != victim.filename.encode():
        central = raw.rfind(b"PK\x01\x02", 0, central)
    struct.pack_into("<I", raw, central + 24, 100)
    path.write_bytes(bytes(raw))
    data = tmp_path / "d"
    report = ingest([path], data, status_date=SD)
    assert (report.accepted, report.quarantined) == (6, 1)
    assert "unpacks to more than it declares" in quarantined(data)[0]["reason_en"]


def test_structured_fields_that_disagree_with_the_text_place_it_and_are_noted(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = (samples() / "cn_new2.xml").read_text(encoding="utf-8")
    moved = text.replace("<base:County>萧山区</base:County>", "<base:County>玄武区</base:County>")
    moved = moved.replace("<base:City>杭州市</base:City>", "<base:City>南京市</base:City>")
    (folder / "moved.xml").write_text(
        moved.replace("<base:Province>浙江省</base:Province>", "<base:Province>江苏省</base:Province>"), encoding="utf-8"
    )
    shutil.copy(samples() / "cn_old4.xml", folder / "old4.xml")
    data = tmp_path / "d"
    report = ingest([folder], data, status_date=SD)
    assert report.accepted == 2 and report.quality_notes == 1
    assert patent(data, "202110991218.8")["district_code"] == "320102"  # the structured fields first
    with open(report.notes_file, encoding="utf-8-sig", newline="") as fh:
        note = next(csv.DictReader(fh))
    assert note["field"] == "address" and "江苏省南京市玄武区" in note["reason_zh"] and "浙江省杭州市萧山区" in note["reason_zh"]
