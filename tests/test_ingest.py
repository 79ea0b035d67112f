"""Ingest: reconciliation, idempotence, updates with history, bad input, atomic publication, events, as-of."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from ipstrong.ingest import ingest
from ipstrong.warehouse import Warehouse, run_sql
from ipstrong.warehouse.schema import APPLICANT_TYPES, EVENT_TYPES, LEGAL_STATUSES, PATENT_TYPES
from ipstrong.warehouse.snapshots import Warehouse as WarehouseClass

HEADER = (
    "申请号,申请日,公开（公告）号,公开（公告）日,授权公告日,名称,摘要,申请（专利权）人,发明（设计）人,地址,主分类号,"
    "分类号,专利类型,法律状态,失效日"
)
ROWS = [
    "CN201710601862.3,2017-07-21,CN107300000A,2017.10.27,2020/3/4,一种锂电池,摘要,苏州某某科技有限公司；南京大学,张三;李四,"
    "江苏省苏州市工业园区星湖街328号,H01M 10/0525,H01M 10/0525;H01M 4/13,发明,有权,",
    "95115608.X,1995-11-02,,,1998-01-01,旧专利,,南京大学,王五,江苏省南京市白下区中山东路1号,C08L 1/00,,发明,无权-期限届满,",
    "201220687633,2012-12-12,,,2013-05-01,一种装置,,张三,张三,江苏江阴澄江街道,B23K 1/00,,实用新型,失效,2016-12-12",
]
SD = dt.date(2024, 12, 31)


def write(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding=encoding)
    return path


def reconciles(r) -> bool:
    return r.read == r.accepted + r.quarantined + r.duplicates and r.accepted == r.new + r.updated + r.unchanged


def test_clean_synthetic_reconciles_and_reingest_changes_nothing(synth_clean: Path, data_dir: Path) -> None:
    files = [synth_clean / "patents.csv", synth_clean / "events" / "events.csv"]
    first = ingest(files, data_dir, status_date=SD)
    assert reconciles(first) and first.accepted > 2000 and first.published
    assert first.by_kind["patents"]["quarantined"] == 0
    again = ingest(files, data_dir, status_date=SD)
    assert reconciles(again)
    assert (again.new, again.updated, again.published) == (0, 0, False)
    assert again.snapshot == first.snapshot
    assert len(Warehouse(data_dir).list()) == 1


def test_dirty_synthetic_quarantines_with_reasons(synth_dirty: Path, data_dir: Path) -> None:
    r = ingest([synth_dirty / "patents.csv"], data_dir, status_date=SD)
    assert reconciles(r)
    vocab = run_sql(
        data_dir,
        """SELECT list(DISTINCT patent_type) AS t, list(DISTINCT legal_status) AS s,
                                        list(DISTINCT applicant_type) AS a FROM patents""",
    ).to_pylist()[0]
    assert set(vocab["t"]) == set(PATENT_TYPES) and set(vocab["s"]) <= set(LEGAL_STATUSES)
    assert set(vocab["a"]) <= set(APPLICANT_TYPES) and len(vocab["a"]) >= 4
    assert r.quarantined > 100 and r.duplicates > 0
    with open(r.quarantine_file, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == r.quarantined
    reasons = " ".join(row["reason_en"] for row in rows)
    for expected in ("wrong check digit", "invalid date", "title is empty", "granted before", "unknown patent type"):
        assert expected in reasons
    assert all(row["file"] and row["row"] and row["reason_zh"] for row in rows)
    # what `make demo` prints of them: one line per kind of reason, however many values it names
    from ipstrong.demo import deliberate_errors

    kinds = deliberate_errors(Path(r.quarantine_file))
    assert sum(k["行数 / rows"] for k in kinds) == r.quarantined
    digits = [k for k in kinds if k["原因 / reason"] == "校验位错误 / wrong check digit"]
    assert len(digits) == 1 and digits[0]["行数 / rows"] == reasons.count("wrong check digit")


def test_fixed_quarantine_file_ingests_as_is(tmp_path: Path, data_dir: Path) -> None:
    bad = write(tmp_path / "a.csv", [*ROWS, "201310699744,2021-02-30,,,,日期错,,无锡公司,,无锡市新区,G06F 3/01,,发明,,"])
    r = ingest([bad], data_dir, status_date=SD)
    assert r.quarantined == 1
    q = Path(r.quarantine_file)
    text = q.read_text(encoding="utf-8-sig").replace("2021-02-30", "2013-12-18")
    q.write_text(text, encoding="utf-8-sig")
    fixed = ingest([q], data_dir, status_date=SD)
    assert (fixed.new, fixed.quarantined) == (1, 0)
    assert run_sql(data_dir, "SELECT count(*) AS n FROM patents").to_pylist() == [{"n": 4}]


def test_normalised_values(tmp_path: Path, data_dir: Path) -> None:
    ingest([write(tmp_path / "a.csv", ROWS)], data_dir, status_date=SD)
    rows = {r["app_no"]: r for r in run_sql(data_dir, "SELECT * FROM patents").to_pylist()}
    sip = rows["201710601862.3"]
    assert (sip["city_code"], sip["district_code"], sip["zone_id"]) == ("320500", "320506", "zone:suzhou-sip")
    assert sip["applicants"] == ["苏州某某科技有限公司", "南京大学"] and sip["applicant_type"] == "enterprise"
    assert sip["ipc_all"] == ["H01M10/0525", "H01M4/13"] and sip["legal_status"] == "in_force"
    old = rows["95115608.X"]
    assert (old["district_code"], old["district_code_old"], old["legal_status"]) == ("320104", "320103", "expired")
    um = rows["201220687633.0"]
    assert (um["district_code"], um["legal_status"], um["patent_type"]) == ("320281", "lapsed", "utility_model")


def test_update_keeps_history(tmp_path: Path, data_dir: Path) -> None:
    ingest([write(tmp_path / "a.csv", ROWS)], data_dir, status_date=SD)
    changed = [ROWS[0].replace("有权,", "无权-未缴年费,2023-07-21"), *ROWS[1:]]
    r = ingest([write(tmp_path / "b.csv", changed)], data_dir, status_date=SD)
    assert (r.new, r.updated, r.unchanged) == (0, 1, 2)
    hist = run_sql(data_dir, "SELECT app_no, legal_status FROM patents_history").to_pylist()
    assert hist == [{"app_no": "201710601862.3", "legal_status": "in_force"}]
    now = run_sql(data_dir, "SELECT legal_status FROM patents WHERE app_no = '201710601862.3'").to_pylist()
    assert now == [{"legal_status": "lapsed"}]


def test_an_update_rewrites_only_the_parts_it_changes(tmp_path: Path, data_dir: Path) -> None:
    """A weekly file that changes one 2017 record: the 1995 and 2012 parts of the new snapshot are the parent's files
    (hard links), the 2017 part is written again, history gains one part; the earlier snapshot still reads as it was."""
    from ipstrong.warehouse.snapshots import Warehouse

    ingest([write(tmp_path / "a.csv", ROWS)], data_dir, status_date=SD)
    warehouse = Warehouse(data_dir)
    first = warehouse.current_id()
    changed = [ROWS[0].replace("有权,", "无权-未缴年费,2023-07-21"), *ROWS[1:]]
    ingest([write(tmp_path / "b.csv", changed)], data_dir, status_date=SD)
    second = warehouse.current_id()
    inode = {sid: {p.name: p.stat().st_ino for p in warehouse.parts("patents", sid)} for sid in (first, second)}
    assert set(inode[second]) == {"y1995-0.parquet", "y2012-0.parquet", "y2017-0.parquet"}
    assert inode[second]["y1995-0.parquet"] == inode[first]["y1995-0.parquet"]
    assert inode[second]["y2012-0.parquet"] == inode[first]["y2012-0.parquet"]
    assert inode[second]["y2017-0.parquet"] != inode[first]["y2017-0.parquet"]
    assert [p.name for p in warehouse.parts("patents_history", second)] == ["empty-0.parquet", f"s{second}-0.parquet"]
    from ipstrong.warehouse.connection import snapshot_connection

    before = snapshot_connection(data_dir, first).execute("SELECT legal_status FROM patents WHERE pub_no IS NOT NULL")
    assert before.fetchall() == [("in_force",)]


def test_a_snapshot_of_single_files_reads_and_updates(tmp_path: Path, data_dir: Path) -> None:
    """Snapshots written before parts hold one file per table: they read as they are, and the next ingest writes
    parts (linking the old files where a table does not change)."""
    import shutil

    from ipstrong.warehouse.snapshots import Warehouse

    ingest([write(tmp_path / "a.csv", ROWS[:2])], data_dir, status_date=SD)
    warehouse = Warehouse(data_dir)
    snapshot = warehouse.path(warehouse.current_id())
    con = duckdb.connect()
    for folder in [p for p in snapshot.iterdir() if p.is_dir()]:
        con.execute(f"COPY (SELECT * FROM read_parquet('{folder}/*.parquet')) TO '{folder}.parquet' (FORMAT parquet)")
        shutil.rmtree(folder)  # now the one-file layout of earlier versions
    assert run_sql(data_dir, "SELECT count(*) AS n FROM patents").to_pylist() == [{"n": 2}]
    r = ingest([write(tmp_path / "b.csv", ROWS)], data_dir, status_date=SD)
    assert (r.new, r.unchanged) == (1, 2)
    assert run_sql(data_dir, "SELECT count(*) AS n FROM patents").to_pylist() == [{"n": 3}]


def test_gbk_file(tmp_path: Path, data_dir: Path) -> None:
    r = ingest([write(tmp_path / "gbk.csv", ROWS, encoding="gbk")], data_dir, status_date=SD)
    assert r.files[0]["encoding"] == "gb18030" and r.new == 3


def test_xlsx_with_banner_row_and_excel_dates(tmp_path: Path, data_dir: Path) -> None:
    import xlsxwriter

    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["检索结果导出 — 请勿修改"])
    sheet.write_row(1, 0, HEADER.split(","))
    fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for i, row in enumerate(ROWS, start=2):
        cells = row.split(",")
        sheet.write_row(i, 0, cells)
        sheet.write_datetime(i, 1, dt.datetime.fromisoformat(cells[1]), fmt)
    book.close()
    r = ingest([path], data_dir, status_date=SD)
    assert (r.new, r.quarantined) == (3, 0)
    assert run_sql(data_dir, "SELECT min(source_row) AS r FROM patents").to_pylist() == [{"r": 3}]


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"", "empty"),
        ("名称,摘要\n一种装置,摘要\n".encode(), "application number"),
        ("申请号,名称,申请日\n201710601862.3,x,2017-01-01\n".encode(), "missing required columns"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "neither a text file"),
    ],
)
def test_unusable_files_change_nothing(tmp_path: Path, data_dir: Path, content: bytes, reason: str) -> None:
    ingest([write(tmp_path / "ok.csv", ROWS)], data_dir, status_date=SD)
    before = Warehouse(data_dir).current_id()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    r = ingest([bad], data_dir, status_date=SD)
    assert r.exit_code == 2 and reason in r.files_failed[0]["reason_en"]
    assert r.files_failed[0]["file"] in r.files_failed[0]["reason_en"]
    assert Warehouse(data_dir).current_id() == before


def test_one_bad_file_among_good_ones(tmp_path: Path, data_dir: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    r = ingest([write(tmp_path / "ok.csv", ROWS), empty], data_dir, status_date=SD)
    assert r.exit_code == 1 and r.new == 3


def test_row_with_too_many_fields(tmp_path: Path, data_dir: Path) -> None:
    r = ingest([write(tmp_path / "a.csv", [ROWS[0], ROWS[1] + ",extra,fields", ROWS[2]])], data_dir, status_date=SD)
    assert (r.new, r.quarantined) == (2, 1)
    with open(r.quarantine_file, encoding="utf-8-sig") as fh:
        row = next(csv.DictReader(fh))
    assert row["row"] == "3" and "extra" in row["raw_line"]


@pytest.mark.parametrize("stage", ["_switch_current", "_publish"])
def test_failure_mid_publish_keeps_previous_snapshot(tmp_path: Path, data_dir: Path, monkeypatch, stage) -> None:
    first = ingest([write(tmp_path / "a.csv", ROWS[:1])], data_dir, status_date=SD)

    def boom(*_args, **_kwargs):
        raise OSError("disk full (injected)")

    monkeypatch.setattr(WarehouseClass, stage, boom)
    with pytest.raises(OSError):
        ingest([write(tmp_path / "b.csv", ROWS)], data_dir, status_date=SD)
    monkeypatch.undo()
    assert Warehouse(data_dir).current_id() == first.snapshot
    assert run_sql(data_dir, "SELECT count(*) AS n FROM patents").to_pylist() == [{"n": 1}]
    retry = ingest([tmp_path / "b.csv"], data_dir, status_date=SD)
    assert retry.new == 2


def test_events_applied_and_unknown_patents_quarantined(tmp_path: Path, data_dir: Path) -> None:
    ingest([write(tmp_path / "a.csv", ROWS)], data_dir, status_date=SD)
    events = tmp_path / "events.csv"
    events.write_text(
        "申请号,事件类型,事件日期,转出方,转入方,金额（万元）\n"
        "201710601862.3,质押,2021-05-06,苏州某某科技有限公司,江苏银行,500\n"
        "201710601862.3,质押解除,2022-05-06,苏州某某科技有限公司,江苏银行,500\n"
        "201710601862.3,失效,2022-07-21,,,\n"
        "201710601862.3,恢复,2022-09-01,,,\n"
        "202099999999.1,转让,2021-01-01,a,b,\n"
        "201710601862.3,质押,2021-05-06,苏州某某科技有限公司,江苏银行,500\n",
        encoding="utf-8",
    )
    r = ingest([events], data_dir, status_date=SD)
    assert reconciles(r) and (r.new, r.quarantined, r.duplicates) == (4, 1, 1)
    types = run_sql(data_dir, "SELECT list(DISTINCT event_type) AS t FROM events").to_pylist()[0]["t"]
    assert set(types) == {"pledge", "pledge_release", "lapse", "restoration"} and set(types) <= set(EVENT_TYPES)

    def effective(day: str) -> int:
        q = f"SELECT count(*) AS n FROM effective_on('{day}') WHERE app_no = '201710601862.3'"
        return run_sql(data_dir, q).to_pylist()[0]["n"]

    assert (effective("2020-01-01"), effective("2021-12-31"), effective("2022-08-01"), effective("2023-01-01")) == (0, 1, 0, 1)
    assert effective("2037-07-22") == 0  # past the 20-year term even without a lapse date


def test_lying_bom_and_utf16(tmp_path: Path, data_dir: Path) -> None:
    """A UTF-8 byte-order mark in front of a GBK body, and a UTF-16 file, both read correctly."""
    liar = tmp_path / "liar.csv"
    liar.write_bytes(b"\xef\xbb\xbf" + "\n".join([HEADER, *ROWS]).encode("gbk"))
    utf16 = tmp_path / "u16.csv"
    utf16.write_text("\n".join([HEADER, ROWS[0].replace("201710601862.3", "201710601863.8")]), encoding="utf-16")
    r = ingest([liar, utf16], data_dir, status_date=SD)
    assert [f["encoding"] for f in r.files] == ["gb18030", "utf-16"]
    assert (r.new, r.quarantined, r.files_failed) == (4, 0, [])


def test_status_conflicts_reported(tmp_path: Path, data_dir: Path) -> None:
    """The source says 有权 (in force) but the patent lapsed: dates win and the row is in the quality report."""
    row = ROWS[0].replace("有权,", "有权,2021-07-21")
    r = ingest([write(tmp_path / "a.csv", [row])], data_dir, status_date=SD)
    assert r.status_conflicts == 1
    with open(r.quality_file, encoding="utf-8-sig") as fh:
        report = list(csv.DictReader(fh))
    assert report[0]["legal_status_raw"] == "有权" and report[0]["legal_status_from_dates"] == "lapsed"


def test_ibis_over_the_snapshot(tmp_path: Path, data_dir: Path) -> None:
    from ibis import _

    from ipstrong.warehouse import ibis_connection

    ingest([write(tmp_path / "a.csv", ROWS)], data_dir, status_date=SD)
    t = ibis_connection(data_dir).table("patents")
    expr = t.filter(t.province_code == "320000").group_by("patent_type").aggregate(n=_.count())
    frame = expr.execute()  # once: groups come in no fixed order
    got = dict(zip(frame["patent_type"], frame["n"], strict=True))
    assert got == {"invention": 2, "utility_model": 1}


def test_unplaceable_address_is_accepted_and_counted(tmp_path: Path, data_dir: Path) -> None:
    row = ROWS[0].replace("江苏省苏州市工业园区星湖街328号", "开发区创新路18号")
    r = ingest([write(tmp_path / "a.csv", [row])], data_dir, status_date=SD)
    assert (r.new, r.region_unknown) == (1, 1)
    placed = run_sql(data_dir, "SELECT province_code, city_code, district_code FROM patents").to_pylist()
    assert placed == [{"province_code": None, "city_code": None, "district_code": None}]


def test_rows_of_one_publication_are_corrections_rows_of_two_are_merged(tmp_path: Path) -> None:
    """A later row with the same publication number stands as it is (a correction drops a wrong grant date); rows of
    an application's A and B publications give one record with the first publication and the grant."""
    corrected = ROWS[0].replace(",2020/3/4,", ",,").replace(",有权,", ",审中,")
    a_row = ROWS[0].replace(",2020/3/4,", ",,").replace(",有权,", ",审中,")
    b_row = ROWS[0].replace("CN107300000A,2017.10.27", "CN107300000B,2020/3/4").replace(",2020/3/4,一种", ",,一种")
    data = tmp_path / "d"
    ingest([write(tmp_path / "c.csv", [ROWS[0], corrected])], data, status_date=SD)
    first = run_sql(data, "SELECT pub_no, grant_date, legal_status FROM patents").to_pylist()
    assert first == [{"pub_no": "CN107300000A", "grant_date": None, "legal_status": "pending"}]
    ingest([write(tmp_path / "ab.csv", [b_row, a_row])], tmp_path / "d2", status_date=SD)
    merged = run_sql(tmp_path / "d2", "SELECT pub_no, pub_date, grant_date, legal_status FROM patents").to_pylist()
    expected = {"pub_no": "CN107300000A", "pub_date": dt.date(2017, 10, 27), "grant_date": dt.date(2020, 3, 4)}
    assert merged == [{**expected, "legal_status": "in_force"}]


def test_old_design_kind_d_and_cpc_tags_cost_no_record(tmp_path: Path, data_dir: Path) -> None:
    """A design published with kind D before 2010 and a CPC Y tag beside the IPC codes are kept (seen on real
    exports): the D publication announces the grant; the Y tag is no IPC symbol and is left out."""
    export = tmp_path / "e.csv"
    export.write_text(
        "申请号,申请日,公开（公告）号,公开（公告）日,名称,申请（专利权）人,地址,专利类型,IPC\n"
        "200830012345.4,2008-03-01,CN301097661D,2009-11-18,包装盒,苏州某某有限公司,江苏省苏州市姑苏区1号,外观设计,\n"
        "201710601862.3,2017-07-21,CN107300000A,2017-10-27,一种生产线,苏州某某有限公司,江苏省苏州市姑苏区1号,发明,"
        '"G05B19/418; Y02P90/02"\n',
        encoding="utf-8",
    )
    report = ingest([export], data_dir, status_date=SD)
    assert (report.accepted, report.quarantined) == (2, 0)
    rows = {r["app_no"]: r for r in run_sql(data_dir, "SELECT app_no, pub_no, grant_date, ipc_all FROM patents").to_pylist()}
    assert rows["200830012345.4"]["pub_no"] == "CN301097661D" and str(rows["200830012345.4"]["grant_date"]) == "2009-11-18"
    assert rows["201710601862.3"]["ipc_all"] == ["G05B19/418"]


def test_a_word_without_a_date_gives_a_flagged_estimate_by_the_chosen_rule(tmp_path: Path, data_dir: Path) -> None:
    """CONVENTIONS.md: a granted patent whose word says it is no longer in force lapses on the last anniversary of
    its filing date after the grant and at least six months before the status date (else the grant date); a word
    that says granted where no grant date is given grants it on the status date (or its publication, by choice)."""
    rows = [
        # filed 2015-03-10, granted 2016-05-01, 失效 on 2022-05-30: six months before is 2021-11-30 → 2021-03-10
        "CN201520100001.3,2015-03-10,CN205000001U,2016-05-01,2016-05-01,甲,,苏州某某科技有限公司,张三,,B23K 1/00,,实用新型,失效,",
        # granted 2021-06-01, after that anniversary: the grant date
        "CN201520100002.8,2015-03-10,CN205000002U,2021-06-01,2021-06-01,乙,,苏州某某科技有限公司,张三,,B23K 1/00,,实用新型,失效,",
        # an A publication whose word says granted: no grant date in the record
        "CN201710601863.8,2017-07-21,CN107300001A,2018-01-05,,丙,,苏州某某科技有限公司,张三,,H01M 10/0525,,发明,授权,",
    ]
    sd = dt.date(2022, 5, 30)
    ingest([write(tmp_path / "a.csv", rows)], data_dir, status_date=sd)
    got = {
        r["title"]: (r["grant_date"], r["grant_date_estimated"], r["lapse_date"], r["lapse_date_estimated"], r["legal_status"])
        for r in run_sql(data_dir, "SELECT * FROM patents").to_pylist()
    }
    assert got == {
        "甲": (dt.date(2016, 5, 1), False, dt.date(2021, 3, 10), True, "lapsed"),
        "乙": (dt.date(2021, 6, 1), False, dt.date(2021, 6, 1), True, "lapsed"),
        "丙": (sd, True, None, False, "in_force"),
    }
    effective = run_sql(data_dir, "SELECT title FROM effective_on(DATE '2022-05-30')").to_pylist()
    assert effective == [{"title": "丙"}]  # no estimated lapse lets a record stay in force on the status date
    from ipstrong.ingest.estimates import Estimates

    other = tmp_path / "other"
    ingest([write(tmp_path / "a.csv", rows)], other, status_date=sd, estimates=Estimates(grant="publication"))
    published = run_sql(other, "SELECT grant_date FROM patents WHERE title = '丙'").to_pylist()
    assert published == [{"grant_date": dt.date(2018, 1, 5)}]
