"""The matters engine on SQLite and PostgreSQL: filing with checks, steps by role and body, documents, limits with
pauses and extensions, one winner when two officers act at once, refusals audited."""

from __future__ import annotations

import base64
import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from ipstrong.accounts.models import AuditEntry
from ipstrong.accounts.roles import SYSTEM, Actor, PermissionDenied
from ipstrong.accounts.service import actor_of, create_organisation, create_user
from ipstrong.db import transaction
from ipstrong.ids import credit_code_check_char
from ipstrong.matters import service
from ipstrong.matters.centres import declare_field, register_enterprise
from ipstrong.messages import Conflict, IpsError, NotFound

PW = "correct horse 1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
D = dt.date


def credit_code(body: str) -> str:
    """A valid code from 17 characters."""
    return body + credit_code_check_char(body)


@dataclass
class World:
    office: int
    nanjing_office: int
    centre: int
    enterprise: int
    officer: Actor  # case officer of the Suzhou office
    chief: Actor  # city official of the Suzhou office (approves extensions)
    nanjing: Actor  # case officer in Nanjing
    examiner: Actor  # centre examiner
    firm: Actor  # enterprise user
    firm_code: str


def _user(s, name: str, role: str, region: str, org: int) -> Actor:
    return actor_of(create_user(s, SYSTEM, name, PW, role, region, organisation_id=org))


@pytest.fixture
def world(db) -> World:
    code = credit_code("91320500MA1X2Y3K4")
    with transaction(db.factory) as s:
        office = create_organisation(s, SYSTEM, "office", "苏州市知识产权局", "320500").id
        nanjing = create_organisation(s, SYSTEM, "office", "南京市知识产权局", "320100").id
        centre = create_organisation(s, SYSTEM, "centre", "中国（苏州）知识产权保护中心", "320500").id
        firm = create_organisation(s, SYSTEM, "enterprise", "苏州某某电池有限公司", "320500", code).id
        w = World(
            office, nanjing, centre, firm,
            _user(s, "officer", "case_officer", "320500", office), _user(s, "chief", "city_official", "320500", office),
            _user(s, "nj", "case_officer", "320100", nanjing), _user(s, "examiner", "centre_examiner", "320500", centre),
            _user(s, "firm", "enterprise_user", "320500", firm), code,
        )  # fmt: skip
    return w


def adjudication_form(**extra) -> dict:
    return {
        "subject": "甲公司诉乙公司侵犯发明专利权纠纷",
        "requester": "甲公司",
        "respondent": "乙公司",
        "patents": ["201410123456.7", "US12134151"],
        "claims": "停止侵权",
        **extra,
    }


FIRST_RECEIVED = D(2024, 9, 30)


def file_adjudication(db, w: World, data: Path, received: D = FIRST_RECEIVED, **extra) -> int:
    with transaction(db.factory) as s:
        return service.file_matter(
            s,
            w.officer,
            "adjudication",
            w.office,
            adjudication_form(**extra),
            data,
            received,
            today=max(received, D(2024, 12, 31)),
        ).id


def step(db, actor: Actor, matter_id: int, name: str, on: D, **kw):
    with transaction(db.factory) as s:
        return service.take_step(s, actor, matter_id, name, on=on, today=on, **kw)


def attach(db, actor: Actor, matter_id: int, kind: str, data: Path, content: bytes = PDF, name: str = "a.pdf"):
    with transaction(db.factory) as s:
        return service.attach_document(s, actor, matter_id, kind, name, content, data, max_mb=1)


def detail(db, actor: Actor, matter_id: int, today: D) -> dict:
    with transaction(db.factory) as s:
        return service.matter_detail(s, actor, matter_id, today=today).model_dump(mode="json")


def test_adjudication_end_to_end_with_pause_and_extension(db, world: World, data_dir: Path) -> None:
    w = world
    mid = file_adjudication(db, w, data_dir)
    first = detail(db, w.officer, mid, D(2024, 9, 30))
    assert first["number"] == f"CJ-320500-{w.office}-2024-00001" and first["state"] == "received"
    # 5 working days from Monday 2024-09-30: the National Day week is skipped, Saturday 10-12 is a make-up working day
    assert first["due_on"] == "2024-10-12" and first["due_rule"] == "acceptance"
    assert [(r["number"], r["checked"]) for r in first["rights"]] == [("201410123456.7", False), ("US12134151", False)]
    assert [p["role"] for p in first["parties"]] == ["requester", "respondent"]
    assert [s["id"] for s in first["steps"]] == ["accept", "refuse", "withdraw"]
    assert {d["id"] for d in first["steps"][0]["missing"]} == {"request", "patent_certificate", "identity"}

    with pytest.raises(IpsError, match="needs these documents first: request, patent certificate"):
        step(db, w.officer, mid, "accept", D(2024, 10, 8))
    for kind in ("request", "patent_certificate", "identity"):
        attach(db, w.officer, mid, kind, data_dir)
    step(db, w.officer, mid, "accept", D(2024, 10, 8))
    assert detail(db, w.officer, mid, D(2024, 10, 8))["due_on"] == "2025-01-08"  # three months from acceptance
    step(db, w.officer, mid, "hear", D(2024, 10, 9))
    step(db, w.officer, mid, "suspend", D(2024, 11, 1))
    paused = detail(db, w.officer, mid, D(2024, 11, 5))
    assert paused["paused"] and paused["state"] == "suspended"
    step(db, w.officer, mid, "resume", D(2024, 11, 11))  # ten days suspended are not counted
    resumed = detail(db, w.officer, mid, D(2024, 11, 11))
    assert resumed["due_on"] == "2025-01-20" and not resumed["paused"]  # 01-18 is a Saturday

    with pytest.raises(PermissionDenied, match="approved by city_official"), transaction(db.factory) as s:
        service.extend_limit(s, w.officer, mid, "decision", today=D(2024, 12, 1))
    with transaction(db.factory) as s:
        service.extend_limit(s, w.chief, mid, "decision", today=D(2024, 12, 1))
    assert detail(db, w.officer, mid, D(2024, 12, 1))["due_on"] == "2025-02-18"  # four months plus the pause
    with pytest.raises(Conflict, match="extended once already"), transaction(db.factory) as s:
        service.extend_limit(s, w.chief, mid, "decision", today=D(2024, 12, 2))

    with pytest.raises(IpsError, match="decide needs these documents first: decision"):
        step(db, w.officer, mid, "decide", D(2024, 12, 3))
    attach(db, w.officer, mid, "decision", data_dir)
    step(db, w.officer, mid, "decide", D(2024, 12, 3))
    done = detail(db, w.officer, mid, D(2024, 12, 3))
    assert done["state"] == "decided" and done["closed_on"] == "2024-12-03" and done["due_on"] is None
    assert [h["action"] for h in done["history"]].count("step") == 5 and done["steps"] == []
    with db.factory() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.entity == "matter"))]
    assert actions.count("matter.step") == 5 and "matter.extend" in actions and actions.count("matter.document") == 4


def test_steps_refused_for_the_wrong_state_role_or_body_and_refusals_audited(db, world: World, data_dir: Path) -> None:
    w = world
    mid = file_adjudication(db, w, data_dir)
    with pytest.raises(IpsError, match="cannot decide while request received"):
        step(db, w.officer, mid, "decide", D(2024, 10, 8))
    with pytest.raises(NotFound):  # Nanjing's officer does not see a Suzhou matter at all
        step(db, w.nanjing, mid, "refuse", D(2024, 10, 8))
    with pytest.raises(PermissionDenied, match="your role may not refuse"):
        step(db, w.examiner, mid, "refuse", D(2024, 10, 8))
    with transaction(db.factory) as s:
        centre_officer = _user(s, "centre_officer", "case_officer", "320500", w.centre)
    with pytest.raises(PermissionDenied, match="does not belong to a body handling it"):
        step(db, centre_officer, mid, "refuse", D(2024, 10, 8))  # sees Suzhou's records, but the centre does not hold it
    with transaction(db.factory) as s:
        service.join_body(s, w.officer, mid, w.nanjing_office)
    step(db, w.nanjing, mid, "refuse", D(2024, 10, 8))  # a joined body's staff act on it
    with pytest.raises(IpsError, match="no step fly"):
        step(db, w.officer, mid, "fly", D(2024, 10, 9))
    with pytest.raises(IpsError), service.refusals_recorded(db.factory, w.officer, "step", mid), transaction(db.factory) as s:
        service.take_step(s, w.officer, mid, "accept", today=D(2024, 10, 9))
    with db.factory() as s:
        refused = s.scalars(select(AuditEntry).where(AuditEntry.action == "matter.refused")).all()
    assert len(refused) == 1 and "cannot accept while not accepted" in refused[0].after


def test_two_officers_at_once_one_wins(db, world: World, data_dir: Path) -> None:
    w = world
    mid = file_adjudication(db, w, data_dir)
    version = detail(db, w.officer, mid, D(2024, 10, 8))["version"]
    results: list[str] = []

    def act(name: str) -> None:
        try:
            step(db, w.officer, mid, name, D(2024, 10, 8), version=version)
            results.append("ok")
        except IpsError as exc:
            results.append(type(exc).__name__)

    threads = [threading.Thread(target=act, args=(name,)) for name in ("refuse", "withdraw", "refuse", "withdraw")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["Conflict", "Conflict", "Conflict", "ok"]
    after = detail(db, w.officer, mid, D(2024, 10, 8))
    assert after["version"] == version + 1 and [h["action"] for h in after["history"]] == ["created", "step"]


def test_filing_checks_the_form_the_parties_and_numbers_per_body_and_year(db, world: World, data_dir: Path) -> None:
    w = world
    with pytest.raises(IpsError, match="field 'requester'"), transaction(db.factory) as s:
        form = adjudication_form()
        del form["requester"]
        service.file_matter(s, w.officer, "adjudication", w.office, form, data_dir, D(2024, 9, 30))
    wrong = w.firm_code[:-1] + ("0" if w.firm_code[-1] != "0" else "1")
    with pytest.raises(IpsError, match=r"field 'respondent_credit_code'.*check character"):
        file_adjudication(db, w, data_dir, respondent_credit_code=wrong)
    with pytest.raises(IpsError, match="field 'patents'"):
        file_adjudication(db, w, data_dir, patents=["12345"])
    with pytest.raises(PermissionDenied), transaction(db.factory) as s:  # Nanjing's officer cannot receive for Suzhou
        service.file_matter(s, w.nanjing, "adjudication", w.office, adjudication_form(), data_dir, D(2024, 9, 30))
    with pytest.raises(IpsError, match="does not receive"), transaction(db.factory) as s:
        service.file_matter(s, w.examiner, "adjudication", w.centre, adjudication_form(), data_dir, D(2024, 9, 30))
    ids = [file_adjudication(db, w, data_dir, D(2024, 12, 30)), file_adjudication(db, w, data_dir, D(2024, 12, 31))]
    ids.append(file_adjudication(db, w, data_dir, D(2024, 12, 31)))
    numbers = [detail(db, w.officer, i, D(2024, 12, 31))["number"][-10:] for i in ids]
    assert numbers == ["2024-00001", "2024-00002", "2024-00003"]
    with transaction(db.factory) as s:
        nj = service.file_matter(
            s, w.nanjing, "adjudication", w.nanjing_office, adjudication_form(respondent_credit_code=w.firm_code.lower()),
            data_dir, D(2024, 12, 31), today=D(2024, 12, 31),
        )  # fmt: skip
        assert nj.number.endswith("2024-00001") and nj.form["respondent_credit_code"] == w.firm_code


def test_prescreen_intake_register_fields_and_exclusions(db, world: World, data_dir: Path) -> None:
    w = world
    form = {
        "applicant": "苏州某某电池有限公司",
        "applicant_credit_code": w.firm_code,
        "title": "一种锂离子电池正极材料",
        "patent_type": "invention",
        "ipc": ["H01M 10/0525"],
    }
    today = D(2025, 3, 3)

    def file(actor: Actor, **extra):
        with transaction(db.factory) as s:
            return service.file_matter(s, actor, "prescreen", w.centre, {**form, **extra}, data_dir, today, today=today).id

    with pytest.raises(IpsError, match=r"not on the register.*outside the fields"):
        file(w.firm)
    with pytest.raises(PermissionDenied), transaction(db.factory) as s:
        register_enterprise(s, w.officer, w.centre, w.firm_code, "苏州某某电池有限公司", today)  # not the centre's staff
    with transaction(db.factory) as s:
        register_enterprise(s, w.examiner, w.centre, w.firm_code.lower(), "苏州某某电池有限公司", today)
        declare_field(s, w.examiner, w.centre, "H01M", "新能源")
        declare_field(s, w.examiner, w.centre, "G06F16", "大数据")
    with pytest.raises(IpsError, match=r"IPC A61K31/00 is outside the fields of .* \(G06F16, H01M\)"):
        file(w.firm, ipc=["H01M10/0525", "A61K31/00"])
    with pytest.raises(IpsError, match=r"PCT national-phase.*divisional"):
        file(w.firm, pct_national_phase=True, divisional=True)
    mid = file(w.firm)
    got = detail(db, w.firm, mid, today)
    assert got["number"].startswith(f"YS-320500-{w.centre}-2025-") and got["due_on"] == "2025-03-05"
    assert got["steps"] == [{"id": "withdraw", "name_zh": "撤回", "name_en": "withdraw", "to": "withdrawn", "missing": []}]
    with pytest.raises(PermissionDenied, match="your role may not take up"):
        step(db, w.firm, mid, "start", today)
    attach(db, w.firm, mid, "application", data_dir)
    attach(db, w.firm, mid, "registration", data_dir)
    step(db, w.examiner, mid, "start", today)
    attach(db, w.examiner, mid, "opinion", data_dir)
    step(db, w.examiner, mid, "ask_correction", D(2025, 3, 4))
    assert detail(db, w.firm, mid, D(2025, 3, 4))["due_rule"] == "correction"
    step(db, w.firm, mid, "corrected", D(2025, 3, 6))
    assert detail(db, w.examiner, mid, D(2025, 3, 6))["due_on"] == "2025-03-13"  # a new opinion limit runs
    with pytest.raises(NotFound):
        detail(db, w.nanjing, mid, today)
    with transaction(db.factory) as s:
        assert [m.id for m in service.list_matters(s, w.firm, today=today)] == [mid]
        assert service.list_matters(s, w.nanjing, today=today) == []


def test_documents_are_recognised_by_their_bytes_and_stored_by_hash(db, world: World, data_dir: Path) -> None:
    w = world
    mid = file_adjudication(db, w, data_dir)
    with pytest.raises(IpsError, match=r"file evil.pdf: this kind of file is not accepted \(application/x-msdownload\)"):
        attach(db, w.officer, mid, "request", data_dir, b"MZ\x90\x00" + b"\x00" * 200, "evil.pdf")
    with pytest.raises(IpsError, match="larger than the 1 MB limit"):
        attach(db, w.officer, mid, "request", data_dir, PDF + b"0" * (1024 * 1024), "big.pdf")
    with pytest.raises(IpsError, match="no document kind poem"):
        attach(db, w.officer, mid, "poem", data_dir)
    with pytest.raises(NotFound):
        attach(db, w.firm, mid, "request", data_dir)  # the enterprise did not file this matter: it does not see it
    doc = attach(db, w.officer, mid, "other", data_dir, "证据清单\n1. 购买发票".encode(), "../../etc/清单.txt")
    assert (doc.filename, doc.media_type) == ("清单.txt", "text/plain; charset=utf-8")
    with transaction(db.factory) as s:
        found, path = service.document_file(s, w.officer, mid, doc.id, data_dir)
    assert path == data_dir / "documents" / found.sha256[:2] / found.sha256 and path.read_bytes().startswith("证据".encode())


def test_overdue_and_due_soon_lists(db, world: World, data_dir: Path) -> None:
    w = world
    late = file_adjudication(db, w, data_dir, D(2024, 9, 2))  # due 2024-09-09
    soon = file_adjudication(db, w, data_dir, D(2024, 9, 9))  # due 2024-09-13
    paused = file_adjudication(db, w, data_dir, D(2024, 9, 2))
    for kind in ("request", "patent_certificate", "identity"):
        attach(db, w.officer, paused, kind, data_dir)
    step(db, w.officer, paused, "accept", D(2024, 9, 3))
    step(db, w.officer, paused, "suspend", D(2024, 9, 4))
    with transaction(db.factory) as s:
        overdue = service.list_matters(s, w.chief, due="overdue", today=D(2024, 9, 11))
        due_soon = service.list_matters(s, w.chief, due="soon", today=D(2024, 9, 11))
        everyone = service.list_matters(s, SYSTEM, due="open", today=D(2024, 9, 11))
    assert [m.id for m in overdue] == [late] and overdue[0].days_left == -2
    assert [m.id for m in due_soon] == [soon]
    assert {m.id for m in everyone} == {late, soon, paused}


def test_sla_board_counts_open_overdue_soon_and_handling_time(db, world: World, data_dir: Path) -> None:
    from ipstrong.matters.board import sla_board

    w = world
    file_adjudication(db, w, data_dir, D(2024, 9, 2))  # overdue on 2024-09-11
    file_adjudication(db, w, data_dir, D(2024, 9, 9))  # due 2024-09-13: soon
    closed = file_adjudication(db, w, data_dir, D(2024, 9, 2))
    step(db, w.officer, closed, "refuse", D(2024, 9, 6))  # handled in four days
    with transaction(db.factory) as s:
        board = sla_board(s, w.chief, today=D(2024, 9, 11))
        nanjing = sla_board(s, w.nanjing, today=D(2024, 9, 11))
    assert board["bodies"] == [
        {"body_id": w.office, "body": "苏州市知识产权局", "open": 2, "closed": 1, "overdue": 1, "due_soon": 1, "avg_days": 4.0}
    ]
    assert [(s["state"], s["count"]) for s in board["states"]] == [("received", 2)]
    assert nanjing["bodies"] == [] and board["due_soon_until"] == "2024-09-14"


def test_enforcement_ninety_days_with_hearing_excluded_and_thirty_more(db, world: World, data_dir: Path) -> None:
    w = world
    form = {"subject": "某公司涉嫌假冒专利案", "suspect": "某公司", "source": "inspection", "facts": "产品标注不存在的专利号",
            "marked_numbers": ["ZL 2019 1 0000000.0"]}  # fmt: skip
    with transaction(db.factory) as s:
        mid = service.file_matter(s, w.officer, "enforcement", w.office, form, data_dir, D(2025, 3, 3), today=D(2025, 3, 3)).id
    assert detail(db, w.officer, mid, D(2025, 3, 3))["due_on"] == "2025-03-24"  # 15 working days to decide on filing
    attach(db, w.officer, mid, "lead_material", data_dir)
    attach(db, w.officer, mid, "filing_approval", data_dir)
    step(db, w.officer, mid, "file", D(2025, 3, 10))
    assert detail(db, w.officer, mid, D(2025, 3, 10))["due_on"] == "2025-06-09"  # 90 days: 06-08 is a Sunday
    step(db, w.officer, mid, "investigate", D(2025, 3, 11))
    attach(db, w.officer, mid, "penalty_notice", data_dir)
    step(db, w.officer, mid, "notify", D(2025, 4, 1))
    step(db, w.officer, mid, "hold_hearing", D(2025, 4, 10))
    step(db, w.officer, mid, "hearing_done", D(2025, 4, 15))  # five days of hearing are not counted
    with transaction(db.factory) as s:
        service.extend_limit(s, w.chief, mid, "decision", today=D(2025, 5, 1))
    got = detail(db, w.officer, mid, D(2025, 5, 1))
    assert got["due_on"] == "2025-07-14" and got["limits"][1]["extended"]  # 120 days + 5 → 07-13, a Sunday


def test_trademark_case_looks_up_registrations_and_overseas_limit_stops_before_the_deadline_abroad(db, world, data_dir) -> None:
    w = world
    form = {"subject": "涉嫌侵犯注册商标专用权案", "holder": "甲公司", "suspect": "乙商行",
            "trademarks": ["12345678", " 87654321 "],
            "source": "complaint", "facts": "销售假冒商品"}  # fmt: skip
    with transaction(db.factory) as s:
        mid = service.file_matter(s, w.officer, "trademark", w.office, form, data_dir, D(2025, 3, 3), today=D(2025, 3, 3)).id
    rights = detail(db, w.officer, mid, D(2025, 3, 3))["rights"]
    assert [(r["kind"], r["number"], r["checked"]) for r in rights] == [
        ("trademark", "12345678", False),
        ("trademark", "87654321", False),
    ]
    with pytest.raises(IpsError, match="not a trademark registration number"), transaction(db.factory) as s:
        service.file_matter(s, w.officer, "trademark", w.office, {**form, "trademarks": ["ABC"]}, data_dir, D(2025, 3, 3))
    overseas = {"enterprise": "苏州某某电池有限公司", "country": "US", "counterpart": "ACME Inc.", "dispute_kind": "us_337",
                "deadline_abroad": "2025-03-07", "patents": ["US12134151"], "summary": "337 调查应诉"}  # fmt: skip
    with transaction(db.factory) as s:
        oid = service.file_matter(s, w.officer, "overseas", w.office, overseas, data_dir, D(2025, 3, 3), today=D(2025, 3, 3)).id
    attach(db, w.officer, oid, "dispute_material", data_dir)
    step(db, w.officer, oid, "take_up", D(2025, 3, 4))
    assert detail(db, w.officer, oid, D(2025, 3, 4))["due_on"] == "2025-03-06"  # not 03-11: the day before the deadline abroad


def test_one_window_intake_routed_into_an_adjudication(db, world: World, data_dir: Path) -> None:
    from ipstrong.matters.types.one_window import prefill, suggested

    w = world
    intake = {
        "name": "甲公司",
        "contact": "0512-1234567",
        "right_kind": "patent",
        "need": "complaint",
        "description": "乙公司侵犯我司专利",
    }
    with transaction(db.factory) as s:
        iid = service.file_matter(s, w.firm, "one_window", w.office, intake, data_dir, today=D(2025, 3, 3)).id
    assert suggested(intake) == "adjudication"
    target = {**adjudication_form(), **prefill(intake, service.matter_type("adjudication"))}
    assert target["requester"] == "甲公司" and target["subject"] == "乙公司侵犯我司专利"
    with transaction(db.factory) as s:
        routed = service.file_matter(s, w.officer, "adjudication", w.office, target, data_dir, today=D(2025, 3, 4), origin_id=iid)
        rid, number = routed.id, routed.number
    first = detail(db, w.firm, iid, D(2025, 3, 4))
    assert first["state"] == "routed" and first["routed_to"]["number"] == number
    case = detail(db, w.firm, rid, D(2025, 3, 4))  # the enterprise follows the case its intake became
    assert case["origin"]["id"] == iid and case["received_on"] == "2025-03-03" and case["due_on"] == "2025-03-10"


def test_issued_documents_are_numbered_pdfs_with_the_matters_data(db, world: World, data_dir: Path) -> None:
    import io

    from pypdf import PdfReader

    from ipstrong.matters.issued import issue_document

    w = world
    mid = file_adjudication(db, w, data_dir)
    with pytest.raises(IpsError, match="issues no request"), transaction(db.factory) as s:
        issue_document(s, w.officer, mid, "request", "", data_dir)
    with pytest.raises(PermissionDenied), transaction(db.factory) as s:
        issue_document(s, w.examiner, mid, "acceptance_notice", "", data_dir)
    with transaction(db.factory) as s:
        first = issue_document(s, w.officer, mid, "refusal_notice", "请求人不是专利权人或利害关系人", data_dir)
        second = issue_document(s, w.officer, mid, "refusal_notice", "", data_dir)
    assert (
        first.media_type == "application/pdf" and first.filename.endswith("-00001.pdf") and second.filename.endswith("-00002.pdf")
    )
    with transaction(db.factory) as s:
        _doc, path = service.document_file(s, w.officer, mid, first.id, data_dir)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)
    for expected in (
        "不予受理通知书",
        "苏州市知识产权局",
        "甲公司",
        "请求人不是专利权人或利害关系人",
        "不予受理通知书第 00001 号",
    ):
        assert expected in text.replace("\n", ""), expected
    history = detail(db, w.officer, mid, D(2024, 10, 1))["history"]
    assert next(h["text"] for h in history if h["action"] == "document").startswith("不予受理通知书：苏州市知识产权局〔")


def test_transfer_packages_signed_verified_and_refused(db, world: World, data_dir: Path, tmp_path: Path) -> None:
    import io
    import json
    import zipfile

    from ipstrong.matters import packages

    w = world
    mid = file_adjudication(db, w, data_dir)
    attach(db, w.officer, mid, "request", data_dir)
    with transaction(db.factory) as s:
        shanghai = create_organisation(s, SYSTEM, "office", "上海市知识产权局", "310000").id
        content = packages.export_package(s, w.officer, mid, "上海市知识产权局", data_dir)
        pem = packages.public_key_file(s, SYSTEM, w.office, data_dir)
    other = tmp_path / "partner"  # where the receiving body keeps its documents
    with transaction(db.factory) as s:
        packages.register_key(s, SYSTEM, w.office, pem)  # already known here: registering again is harmless
        with pytest.raises(Conflict, match="registered to body"):
            packages.register_key(s, SYSTEM, shanghai, pem)
    with pytest.raises(IpsError, match="not a PEM public key"), transaction(db.factory) as s:
        packages.register_key(s, SYSTEM, shanghai, "-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----\n")

    def tampered(change) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
            for item in src.infolist():
                dst.writestr(item.filename, change(item.filename, src.read(item.filename)))
        return out.getvalue()

    fingerprint = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("manifest.json"))["from"]["key"]
    unknown = tampered(lambda n, b: b.replace(fingerprint.encode(), b"0" * 64) if n == "manifest.json" else b)
    with pytest.raises(IpsError, match=r"key .* is not registered"), transaction(db.factory) as s:
        packages.import_package(s, w.nanjing, w.nanjing_office, unknown, other)
    forged = tampered(lambda n, b: b.replace("甲公司".encode(), "丙公司".encode()) if n == "manifest.json" else b)
    with pytest.raises(IpsError, match="signature does not match"), transaction(db.factory) as s:
        packages.import_package(s, w.nanjing, w.nanjing_office, forged, other)
    swapped = tampered(lambda n, b: b + b"x" if n.startswith("documents/") else b)
    with pytest.raises(IpsError, match="does not match its SHA-256"), transaction(db.factory) as s:
        packages.import_package(s, w.nanjing, w.nanjing_office, swapped, other)
    with pytest.raises(IpsError, match="not a valid package"), transaction(db.factory) as s:
        packages.import_package(s, w.nanjing, w.nanjing_office, b"PK\x03\x04 broken", other)
    with transaction(db.factory) as s:
        imported = packages.import_package(s, w.nanjing, w.nanjing_office, content, other).id
    got = detail(db, w.nanjing, imported, D(2024, 10, 8))
    assert got["number"].startswith("CJ-320100-") and [d["kind"] for d in got["documents"]] == ["request"]
    assert "移送自 苏州市知识产权局" in got["history"][-1]["text"]
    with transaction(db.factory) as s:
        packages.hand_over(s, w.officer, mid, w.nanjing_office)
    assert detail(db, w.nanjing, mid, D(2024, 10, 8))["body_id"] == w.nanjing_office


def test_campaigns_tag_matters_and_have_their_own_board(db, world: World, data_dir: Path) -> None:
    from ipstrong.matters import campaigns
    from ipstrong.matters.board import sla_board

    w = world
    before = file_adjudication(db, w, data_dir, D(2025, 4, 1))
    outside = file_adjudication(db, w, data_dir, D(2025, 1, 2))
    with pytest.raises(PermissionDenied), transaction(db.factory) as s:  # Suzhou's official cannot declare for Nanjing
        campaigns.declare(s, w.chief, "双打", D(2025, 3, 1), D(2025, 6, 30), "320100", [])
    with pytest.raises(IpsError, match="ends before it starts"), transaction(db.factory) as s:
        campaigns.declare(s, w.chief, "双打", D(2025, 6, 30), D(2025, 3, 1), "320500", [])
    with transaction(db.factory) as s:
        declared = campaigns.declare(s, w.chief, "2025 双打专项行动", D(2025, 3, 1), D(2025, 6, 30), "320500", ["adjudication"])
    assert declared["tagged"] == 1
    after = file_adjudication(db, w, data_dir, D(2025, 5, 6))
    with transaction(db.factory) as s:
        board = sla_board(s, w.chief, today=D(2025, 5, 6), campaign_id=declared["id"])
        listed = campaigns.campaigns(s, w.chief)
    assert board["bodies"][0]["open"] == 2 and listed[0]["matters"] == 2
    with transaction(db.factory) as s:  # Suzhou's campaign is not Nanjing's business; the province sees it
        assert campaigns.campaigns(s, w.nanjing) == [] and campaigns.campaigns(s, SYSTEM)[0]["matters"] == 2
        with pytest.raises(NotFound):
            sla_board(s, w.nanjing, today=D(2025, 5, 6), campaign_id=declared["id"])
        assert campaigns.campaigns(s, w.firm) == []
    assert [c["name"] for c in detail(db, w.officer, after, D(2025, 5, 6))["campaigns"]] == ["2025 双打专项行动"]
    assert (
        detail(db, w.officer, before, D(2025, 5, 6))["campaigns"]
        and not detail(db, w.officer, outside, D(2025, 5, 6))["campaigns"]
    )


def test_closed_matters_published_as_anonymised_typical_cases(db, world: World, data_dir: Path) -> None:
    from ipstrong.matters.typical import anonymise, publish, typical_cases

    w = world
    assert (
        anonymise("苏州某某电池有限公司") == "苏州某有限公司"
        and anonymise("张三") == "张某"
        and anonymise(["甲公司"]) == ["某公司"]
    )
    mid = file_adjudication(db, w, data_dir)
    fields = {"requester": "anonymise", "respondent": "anonymise", "claims": "show"}
    with pytest.raises(IpsError, match="only a closed matter"), transaction(db.factory) as s:
        publish(s, w.officer, mid, "典型案例", "简介", fields)
    step(db, w.officer, mid, "refuse", D(2024, 10, 8))
    with pytest.raises(IpsError, match="not publishable as asked: password"), transaction(db.factory) as s:
        publish(s, w.officer, mid, "典型案例", "简介", {"password": "show"})
    with transaction(db.factory) as s:
        publish(s, w.officer, mid, "某专利侵权纠纷不予受理案", "请求人非专利权人", fields)
    with pytest.raises(Conflict), transaction(db.factory) as s:
        publish(s, w.officer, mid, "again", "again", fields)
    with transaction(db.factory) as s:
        cases = typical_cases(s)
    assert cases[0]["fields"] == {"requester": "某公司", "respondent": "某公司", "claims": "停止侵权"}
    assert "甲公司" not in str(cases)


def test_reminders_reach_assignees_or_the_bodys_staff_once(db, world: World, data_dir: Path) -> None:
    from ipstrong.matters.reminders import my_reminders, send_reminders

    w = world
    late = file_adjudication(db, w, data_dir, D(2024, 9, 2))  # due 09-09
    soon = file_adjudication(db, w, data_dir, D(2024, 9, 9))  # due 09-13
    file_adjudication(db, w, data_dir, D(2024, 9, 11))  # due 09-19: not yet
    with transaction(db.factory) as s:
        service.assign(s, w.officer, late, w.officer.user_id)
    with transaction(db.factory) as s:
        first = send_reminders(s, D(2024, 9, 11))
        again = send_reminders(s, D(2024, 9, 11))
    assert (first["overdue"], first["due_soon"]) == (1, 2) and (again["overdue"], again["due_soon"]) == (0, 0)
    with transaction(db.factory) as s:  # the assignee alone for the late one; both staff of the office for the other
        assert [(r["matter_id"], r["kind"]) for r in my_reminders(s, w.officer)] == [(late, "overdue"), (soon, "due_soon")]
        assert [r["matter_id"] for r in my_reminders(s, w.chief)] == [soon]


def test_a_day_entered_in_the_holiday_table_moves_running_limits(db, world: World, data_dir: Path) -> None:
    w = world
    mid = file_adjudication(db, w, data_dir)  # due 2024-10-12
    with pytest.raises(PermissionDenied), transaction(db.factory) as s:
        service.set_calendar_day(s, w.chief, D(2024, 10, 10), "holiday", "示例", "测试通知")
    with transaction(db.factory) as s:
        moved = service.set_calendar_day(s, SYSTEM, D(2024, 10, 10), "holiday", "示例", "测试通知", today=D(2024, 10, 1))
    assert moved["matters_moved"] == 1 and detail(db, w.officer, mid, D(2024, 10, 1))["due_on"] == "2024-10-14"


def test_the_office_sets_unverified_limits_and_open_matters_follow(db, world: World, data_dir: Path) -> None:
    w = world
    form = {"applicant": "苏州某某电池有限公司", "applicant_credit_code": w.firm_code, "title": "一种电池",
            "patent_type": "invention", "ipc": ["H01M10/0525"]}  # fmt: skip
    with transaction(db.factory) as s:
        register_enterprise(s, w.examiner, w.centre, w.firm_code, "苏州某某电池有限公司", D(2025, 3, 3))
        declare_field(s, w.examiner, w.centre, "H01M", "新能源")
        mid = service.file_matter(s, w.firm, "prescreen", w.centre, form, data_dir, D(2025, 3, 3), today=D(2025, 3, 3)).id
    assert detail(db, w.firm, mid, D(2025, 3, 3))["due_on"] == "2025-03-05"  # the stated default: 2 working days
    with pytest.raises(IpsError, match="set by its rule"), transaction(db.factory) as s:
        service.set_limit(s, SYSTEM, "adjudication", "acceptance", 10, "x")
    with pytest.raises(PermissionDenied), transaction(db.factory) as s:
        service.set_limit(s, w.examiner, "prescreen", "intake", 3, "中心规程")
    with transaction(db.factory) as s:
        result = service.set_limit(
            s, SYSTEM, "prescreen", "intake", 3, "中国（苏州）知识产权保护中心预审工作规程", today=D(2025, 3, 3)
        )
        listed = {(p["type"], p["rule"]): p for p in service.limit_parameters(s)}
    assert result["matters_moved"] == 1 and detail(db, w.firm, mid, D(2025, 3, 3))["due_on"] == "2025-03-06"
    assert listed["prescreen", "intake"]["amount"] == 3 and listed["prescreen", "intake"]["default"] == 2
    assert ("adjudication", "acceptance") not in listed


def test_keys_speak_for_their_body_only(db, world: World, data_dir: Path) -> None:
    """Only a province administrator registers keys; a package is refused when its sender is not the body its key is
    registered to; reading a body's public key never makes one."""
    import io
    import json
    import zipfile

    from ipstrong.matters import packages

    w = world
    with pytest.raises(NotFound, match="no signing key yet"), transaction(db.factory) as s:
        packages.public_key_file(s, w.chief, w.office, data_dir)
    assert not (data_dir / "keys").exists()
    mid = file_adjudication(db, w, data_dir)
    with transaction(db.factory) as s:
        content = packages.export_package(s, w.officer, mid, "南京市知识产权局", data_dir)
        pem = packages.public_key_file(s, w.chief, w.office, data_dir)
    with pytest.raises(PermissionDenied, match=r"keys\.manage"), transaction(db.factory) as s:
        packages.register_key(s, w.chief, w.nanjing_office, pem)  # a Suzhou official, a key in Nanjing's name
    # a package that claims to come from Nanjing, re-signed with Suzhou's own registered key
    raw = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("manifest.json"))
    raw["from"].update(body="南京市知识产权局", region_code="320100")
    body = json.dumps(raw, ensure_ascii=False, sort_keys=True, indent=1).encode()
    with transaction(db.factory) as s:
        key = packages._private_key(s, data_dir, s.get(packages.Organisation, w.office))
    forged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(forged, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(
                item.filename, {"manifest.json": body, "manifest.sig": base64.b64encode(key.sign(body))}.get(item.filename, data)
            )
    with (
        pytest.raises(IpsError, match=r"says it comes from 南京市知识产权局.*registered to 苏州市知识产权局"),
        transaction(db.factory) as s,
    ):
        packages.import_package(s, w.nanjing, w.nanjing_office, forged.getvalue(), data_dir)
