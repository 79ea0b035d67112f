"""The reviewed applicant mapping: ingest stamps first_applicant_id, staff corrections survive re-ingests, and the
warehouse follows with `entities apply`; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ipstrong.accounts.audit import verify
from ipstrong.accounts.roles import SYSTEM, Actor, PermissionDenied
from ipstrong.db import transaction
from ipstrong.ids.appno import application_check_digit
from ipstrong.ingest import ingest
from ipstrong.ingest.entity_store import find_entities, get_entity, merge, move_name, open_candidates, reject_candidate
from ipstrong.ingest.follow import follow_ingest
from ipstrong.ingest.pipeline import apply_entities
from ipstrong.messages import Conflict, NotFound
from ipstrong.warehouse.connection import run_sql

HEADER = "申请号,申请日,名称,申请（专利权）人,发明人,地址,专利类型"
APPLICANTS = [
    ("苏州某某科技有限公司", "王强;李四", "江苏省苏州市吴中区星湖街1号"),
    ("苏州某某科技股份有限公司", "王强", "江苏省苏州市吴中区星湖街1号"),
    ("SUZHOU MOUMOU TECHNOLOGY CO LTD", "WANG QIANG", ""),
    ("南京某某精密机械制造科技发展有限公司", "赵六", "江苏省南京市鼓楼区汉口路22号"),
    ("南京某某精蜜机械制造科技发展有限公司", "赵六", "江苏省南京市鼓楼区汉口路22号"),  # a typo, same inventor and city
    ("无锡甲乙丙电子有限公司", "孙七", "江苏省无锡市梁溪区中山路1号"),
    ("无锡甲乙丙电气有限公司", "周八", "江苏省无锡市梁溪区中山路9号"),  # close, no evidence: a pair to review
    ("张三", "张三", "江苏省苏州市姑苏区1号"),  # an individual: no entity
]


def _app_no(i: int) -> str:
    digits = f"2021101{i:05d}"
    return f"{digits}.{application_check_digit(digits)}"


def _write(path: Path, applicants=APPLICANTS) -> Path:
    rows = [f"{_app_no(i)},2021-03-0{1 + i % 8},一种装置{i},{name},{inventors},{address},发明"
            for i, (name, inventors, address) in enumerate(applicants)]  # fmt: skip
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def stamped(db, tmp_path, monkeypatch):
    """A data directory whose operational database is ``db``, with the applicants ingested."""
    monkeypatch.setenv("IPSTRONG_DATABASE_URL", db.url)
    data = tmp_path / "data"
    report = ingest([_write(tmp_path / "a.csv")], data, status_date=dt.date(2024, 12, 31))
    assert report.published and report.entities_pending == 7  # every organisation is new to the mapping
    follow_ingest(report, data, db.url)
    assert report.entities_snapshot is not None and report.entities_snapshot != report.snapshot
    return data


def test_ingest_writes_nothing_to_the_operational_database(db, tmp_path, monkeypatch):
    """Ingest publishes without resolving: names the mapping does not hold wait, with no id, for the follow-up."""
    from sqlalchemy import func, select

    from ipstrong.ingest.entity_store import ApplicantName

    monkeypatch.setenv("IPSTRONG_DATABASE_URL", db.url)
    data = tmp_path / "data"
    report = ingest([_write(tmp_path / "a.csv")], data, status_date=dt.date(2024, 12, 31))
    assert report.published and report.entities_pending == 7 and set(_ids(data).values()) == {None}
    with db.factory() as s:
        assert s.scalar(select(func.count()).select_from(ApplicantName)) == 0
    follow_ingest(report, data, db.url)
    assert len({v for v in _ids(data).values() if v is not None}) == 4


def _ids(data: Path) -> dict[str, int | None]:
    rows = run_sql(data, "SELECT first_applicant, first_applicant_id FROM patents").to_pylist()
    return {r["first_applicant"]: r["first_applicant_id"] for r in rows}


def test_ingest_stamps_one_id_per_enterprise(stamped):
    ids = _ids(stamped)
    assert ids["苏州某某科技有限公司"] == ids["苏州某某科技股份有限公司"] == ids["SUZHOU MOUMOU TECHNOLOGY CO LTD"]
    assert ids["南京某某精密机械制造科技发展有限公司"] == ids["南京某某精蜜机械制造科技发展有限公司"]
    assert ids["无锡甲乙丙电子有限公司"] != ids["无锡甲乙丙电气有限公司"]
    assert ids["张三"] is None
    assert len({v for v in ids.values() if v is not None}) == 4


def test_staff_corrections_survive_reingest_and_reach_the_warehouse(stamped, db, tmp_path):
    ids = _ids(stamped)
    with db.factory() as s:
        pair = next(p for p in open_candidates(s, SYSTEM) if {p.a, p.b} == {"无锡甲乙丙电子有限公司", "无锡甲乙丙电气有限公司"})
    with transaction(db.factory) as s:
        moved = move_name(s, SYSTEM, "SUZHOU MOUMOU TECHNOLOGY CO LTD", None)  # staff: a different enterprise
        reject_candidate(s, SYSTEM, pair.id)
    with db.factory() as s:
        assert all(p.id != pair.id for p in open_candidates(s, SYSTEM))
    assert apply_entities(stamped)["changed"] == 1
    after = _ids(stamped)
    assert after["SUZHOU MOUMOU TECHNOLOGY CO LTD"] == moved.id != after["苏州某某科技有限公司"]
    # a weekly file brings the same names again (one record changed): the reviewed move stands
    changed = [(n, inv + ";新人", a) if n.startswith("苏州") else (n, inv, a) for n, inv, a in APPLICANTS]
    report = ingest([_write(tmp_path / "b.csv", changed)], stamped, status_date=dt.date(2024, 12, 31))
    assert report.updated == 2
    again = _ids(stamped)
    assert again["SUZHOU MOUMOU TECHNOLOGY CO LTD"] == moved.id
    assert again["苏州某某科技有限公司"] == ids["苏州某某科技有限公司"]
    with db.factory() as s:
        assert verify(s).ok


def test_merge_keeps_the_old_id_resolvable(stamped, db):
    ids = _ids(stamped)
    keep, other = ids["无锡甲乙丙电子有限公司"], ids["无锡甲乙丙电气有限公司"]
    with transaction(db.factory) as s:
        merged = merge(s, SYSTEM, keep, other)
    assert {n.name for n in merged.names} == {"无锡甲乙丙电子有限公司", "无锡甲乙丙电气有限公司"}
    with db.factory() as s:
        assert get_entity(s, SYSTEM, other).merged_into == keep
        assert [e.id for e in find_entities(s, SYSTEM, "甲乙丙")] == [keep]
        assert find_entities(s, SYSTEM, "suzhou moumou")  # folded like a name key
    with transaction(db.factory) as s, pytest.raises(Conflict):
        merge(s, SYSTEM, other, keep)
    apply_entities(stamped)
    after = _ids(stamped)
    assert after["无锡甲乙丙电子有限公司"] == after["无锡甲乙丙电气有限公司"] == keep


def test_refusals(stamped, db):
    enterprise_user = Actor(5, "ent", "enterprise_user", "320500")
    with transaction(db.factory) as s, pytest.raises(PermissionDenied):
        merge(s, enterprise_user, 1, 2)
    with transaction(db.factory) as s, pytest.raises(NotFound):
        move_name(s, SYSTEM, "没有这个公司", None)
    with transaction(db.factory) as s, pytest.raises(NotFound):
        get_entity(s, SYSTEM, 10_000)
    with db.factory() as s, pytest.raises(PermissionDenied):
        find_entities(s, enterprise_user, "甲乙丙")  # the mapping is staff's record
    assert apply_entities(stamped) == {"snapshot": apply_entities(stamped)["snapshot"], "published": False, "changed": 0}
