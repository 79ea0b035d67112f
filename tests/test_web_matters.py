"""Matters through HTTP, on SQLite and PostgreSQL: the API (file, steps, documents served safely, conflicts) and the
pages (the type's form, the detail page with its buttons, a refusal shown on the page, the SLA board)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import post_login
from ipstrong.accounts.models import AuditEntry
from ipstrong.accounts.roles import SYSTEM
from ipstrong.accounts.service import create_organisation, create_user
from ipstrong.config import Settings
from ipstrong.db import transaction
from ipstrong.ids import credit_code_check_char
from ipstrong.web.app import create_app

PW = "a long password 1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FORM = {
    "subject": "甲公司诉乙公司侵犯发明专利权纠纷",
    "requester": "甲公司",
    "respondent": "乙公司",
    "patents": ["201410123456.7"],
    "claims": "停止侵权",
}


@pytest.fixture
def site(db, tmp_path: Path):
    cfg = Settings(data_dir=tmp_path / "data", database_url=db.url)
    code = "91320500MA1X2Y3K4" + credit_code_check_char("91320500MA1X2Y3K4")
    with transaction(db.factory) as s:
        office = create_organisation(s, SYSTEM, "office", "苏州市知识产权局", "320500").id
        firm = create_organisation(s, SYSTEM, "enterprise", "苏州某某电池有限公司", "320500", code).id
        for name, role, org in (("officer", "case_officer", office), ("officer2", "case_officer", office),
                                ("chief", "city_official", office), ("firm", "enterprise_user", firm)):  # fmt: skip
            create_user(s, SYSTEM, name, PW, role, "320500", organisation_id=org)
    with TestClient(create_app(cfg), raise_server_exceptions=False) as client:
        yield client, db, office


def sign_in(client: TestClient, username: str) -> str:
    client.cookies.clear()
    r = post_login(client, username, PW)
    assert r.status_code == 303, r.text
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/account/password").text).group(1)


def test_matters_api_file_step_documents_and_conflict(site) -> None:
    client, db, office = site
    csrf = sign_in(client, "officer")
    headers = {"X-CSRF-Token": csrf}
    r = client.post("/api/v1/matters", json={"type": "adjudication", "body_id": office, "form": FORM}, headers=headers)
    assert r.status_code == 201, r.text
    matter = r.json()
    mid, version = matter["id"], matter["version"]
    assert matter["state"] == "received" and matter["due_rule"] == "acceptance" and matter["rights"][0]["checked"] is False
    refused = client.post(f"/api/v1/matters/{mid}/steps", json={"step": "accept", "version": version}, headers=headers)
    assert refused.status_code == 400 and "needs these documents first" in refused.json()["error"]["en"]
    exe = client.post(
        f"/api/v1/matters/{mid}/documents",
        data={"kind": "request"},
        files={"file": ("x.pdf", b"MZ" + b"\0" * 100)},
        headers=headers,
    )
    assert exe.status_code == 400 and "not accepted" in exe.json()["error"]["en"]
    for kind in ("request", "patent_certificate", "identity"):
        up = client.post(
            f"/api/v1/matters/{mid}/documents", data={"kind": kind}, files={"file": (f"{kind}.pdf", PDF)}, headers=headers
        )
        assert up.status_code == 201, up.text
    served = client.get(f"/api/v1/matters/{mid}/documents/{up.json()['id']}")
    assert served.content == PDF and served.headers["content-type"] == "application/pdf"
    assert served.headers["x-content-type-options"] == "nosniff" and "sandbox" in served.headers["content-security-policy"]
    assert served.headers["content-disposition"].startswith("attachment")
    accepted = client.post(f"/api/v1/matters/{mid}/steps", json={"step": "accept", "version": version}, headers=headers)
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    notice = client.post(f"/api/v1/matters/{mid}/issued", json={"kind": "acceptance_notice"}, headers=headers)
    assert notice.status_code == 201 and notice.json()["filename"].startswith("受理通知书-")
    assert client.get(f"/api/v1/matters/{mid}/documents/{notice.json()['id']}").content.startswith(b"%PDF")
    stale = client.post(f"/api/v1/matters/{mid}/steps", json={"step": "hear", "version": version}, headers=headers)
    assert stale.status_code == 409 and "changed since you read it" in stale.json()["error"]["en"]
    assert [m["id"] for m in client.get("/api/v1/matters", params={"due": "open"}).json()] == [mid]
    board = client.get("/api/v1/matters/board").json()
    assert board["bodies"][0]["open"] == 1 and board["states"][0]["state"] == "accepted"
    sign_in(client, "firm")
    assert client.get(f"/api/v1/matters/{mid}").status_code == 404 and client.get("/api/v1/matters").json() == []
    with db.factory() as s:
        refusals = s.scalars(select(AuditEntry.after).where(AuditEntry.action == "matter.refused")).all()
    assert len(refusals) == 3  # missing documents, the executable, the stale version


def test_matter_pages_form_detail_refusal_and_board(site) -> None:
    client, _db, office = site
    csrf = sign_in(client, "officer")
    page = client.get("/matters/new", params={"type": "adjudication"}).text
    assert 'name="requester"' in page and 'name="court_case_pending"' in page and "苏州市知识产权局" in page
    posted = {**FORM, "patents": "201410123456.7\nUS12134151", "csrf_token": csrf, "type": "adjudication", "body_id": str(office)}
    bad = client.post("/matters/new", data={**posted, "requester": ""})
    assert bad.status_code == 400 and "requester" in bad.text and 'value="乙公司"' in bad.text  # the form keeps what was typed
    r = client.post("/matters/new", data=posted, follow_redirects=False)
    assert r.status_code == 303
    detail_url = r.headers["location"]
    detail = client.get(detail_url).text
    assert "CJ-320500-" in detail and 'disabled data-step="accept"' in detail and "US12134151" in detail
    version = re.search(r'name="version" value="(\d+)"', detail).group(1)
    refuse = {"csrf_token": csrf, "step": "refuse", "version": version, "note": "不属于受理范围"}
    assert client.post(f"{detail_url}/step", data=refuse, follow_redirects=False).status_code == 303
    again = client.post(f"{detail_url}/step", data=refuse)  # a second press of a stale page
    assert again.status_code == 409 and 'id="matter-error"' in again.text
    closed = client.get(detail_url).text
    assert "不予受理" in closed and "不属于受理范围" in closed
    client.post(f"{detail_url}/comment", data={"csrf_token": csrf, "text": "已电话告知请求人"})
    assert "已电话告知请求人" in client.get(detail_url).text
    listing = client.get("/matters", params={"q": "乙公司"}).text
    assert "甲公司诉乙公司" in listing
    sign_in(client, "chief")
    board = client.get("/matters/board").text
    assert 'id="board-bodies"' in board and "苏州市知识产权局" in board


def test_transfer_package_through_the_api_and_pages(site) -> None:
    client, db, office = site
    csrf = sign_in(client, "officer")
    headers = {"X-CSRF-Token": csrf}
    mid = client.post("/api/v1/matters", json={"type": "adjudication", "body_id": office, "form": FORM}, headers=headers).json()[
        "id"
    ]
    package = client.post(f"/api/v1/matters/{mid}/export", json={"to": "上海市知识产权局"}, headers=headers)
    assert package.status_code == 200 and package.headers["content-type"] == "application/zip"
    pem = client.get(f"/api/v1/bodies/{office}/key").json()["pem"]
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    refused = client.post(f"/api/v1/bodies/{office}/keys", json={"pem": pem}, headers=headers)  # not a province admin
    assert refused.status_code == 403 and "keys.manage" in refused.json()["error"]["en"]
    broken = client.post(
        "/api/v1/matters/import", data={"body_id": office}, files={"file": ("p.zip", b"not a zip")}, headers=headers
    )
    assert broken.status_code == 400 and "transfer package refused" in broken.json()["error"]["en"]
    imported = client.post(
        "/api/v1/matters/import", data={"body_id": office}, files={"file": ("p.zip", package.content)}, headers=headers
    )
    assert imported.status_code == 201 and imported.json()["id"] != mid
    form = {"csrf_token": csrf, "body_id": office}
    page = client.post("/matters/import", data=form, files={"file": ("p.zip", package.content)},
                       follow_redirects=False)  # fmt: skip
    assert page.status_code == 303 and page.headers["location"].startswith("/matters/")
    with db.factory() as s:
        assert (
            "transfer package refused" in s.scalars(select(AuditEntry.after).where(AuditEntry.action == "matter.refused")).one()
        )


def test_campaigns_and_typical_cases_through_api_and_pages(site) -> None:
    client, _db, office = site
    csrf = sign_in(client, "chief")
    headers = {"X-CSRF-Token": csrf}
    mid = client.post("/api/v1/matters", json={"type": "adjudication", "body_id": office, "form": FORM}, headers=headers).json()[
        "id"
    ]
    today = client.get(f"/api/v1/matters/{mid}").json()["received_on"]
    body = {"name": "双打专项行动", "starts_on": today, "ends_on": today, "region_code": "320500", "types": ["adjudication"]}
    declared = client.post("/api/v1/campaigns", json=body, headers=headers)
    assert declared.status_code == 201 and declared.json()["tagged"] == 1
    board = client.get("/api/v1/matters/board", params={"campaign": declared.json()["id"]}).json()
    assert board["bodies"][0]["open"] == 1
    assert "双打专项行动" in client.get("/campaigns").text and "双打专项行动" in client.get(f"/matters/{mid}").text
    client.post(f"/api/v1/matters/{mid}/steps", json={"step": "refuse"}, headers=headers)
    publish = {
        "csrf_token": csrf,
        "title": "不予受理典型案例",
        "summary": "请求人不适格",
        "field_requester": "anonymise",
        "field_claims": "show",
    }
    assert client.post(f"/matters/{mid}/publish", data=publish, follow_redirects=False).status_code == 303
    cases = client.get("/api/v1/typical-cases").json()
    assert cases[0]["fields"] == {"requester": "某公司", "claims": "停止侵权"}
    sign_in(client, "firm")  # published cases are for everyone
    assert "不予受理典型案例" in client.get("/cases").text


def test_every_types_form_renders_with_fitting_inputs(site) -> None:
    from ipstrong.matters.catalogue import MATTER_TYPES
    from ipstrong.web.matters_pages import form_fields

    client, _db, _office = site
    sign_in(client, "officer")
    for type_id in MATTER_TYPES:
        page = client.get("/matters/new", params={"type": type_id})
        assert page.status_code == 200 and 'id="matter-form"' in page.text, type_id
    kinds = {f["name"]: f["kind"] for f in form_fields(MATTER_TYPES["overseas"].form)}
    shown = (kinds["deadline_abroad"], kinds["dispute_kind"], kinds["patents"], kinds["summary"])
    assert shown == ("date", "choice", "list", "long")


def test_limit_parameters_through_the_api(site) -> None:
    client, _db, _office = site
    csrf = sign_in(client, "chief")
    body = {"limit": "prescreen.intake", "amount": 3, "source": "中心规程"}
    assert client.post("/api/v1/matters/limits", json=body, headers={"X-CSRF-Token": csrf}).status_code == 403
    assert client.post("/api/v1/matters/limits", json={**body, "limit": "adjudication.acceptance"},
                       headers={"X-CSRF-Token": csrf}).status_code == 422  # fmt: skip
    listed = {p["type"] + "." + p["rule"]: p for p in client.get("/api/v1/matters/limits").json()}
    assert listed["prescreen.intake"]["amount"] == 2 and "adjudication.acceptance" not in listed


def test_an_officers_to_do_list_is_theirs_and_nearest_limit_first(site) -> None:
    client, _db, office = site
    filed = {}
    for who, received in (("officer", "2026-11-02"), ("officer", "2026-10-12"), ("officer2", "2026-10-19")):
        headers = {"X-CSRF-Token": sign_in(client, who)}
        body = {"type": "adjudication", "body_id": office, "form": FORM, "received_on": received}
        r = client.post("/api/v1/matters", json=body, headers=headers)
        assert r.status_code == 201, r.text
        filed[(who, received)] = r.json()["id"]
    sign_in(client, "officer")
    mine = client.get("/api/v1/matters", params={"mine": "true"}).json()
    assert [m["id"] for m in mine] == [filed[("officer", "2026-10-12")], filed[("officer", "2026-11-02")]]
    assert mine[0]["due_on"] < mine[1]["due_on"]
    assert len(client.get("/api/v1/matters").json()) == 3  # the office's list has all three
    page = client.get("/matters?mine=true").text
    assert 'id="matter-mine-title"' in page and page.count('<a href="/matters/') >= 2
    sign_in(client, "officer2")
    assert [m["id"] for m in client.get("/api/v1/matters", params={"mine": "true"}).json()] == [filed[("officer2", "2026-10-19")]]


def _png() -> bytes:
    """A 1×1 PNG, as a scanned certificate would be filed (an image among the documents)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


def test_the_case_file_is_one_pdf_of_the_matter_and_its_documents_in_order(site) -> None:
    import io

    from pypdf import PdfReader

    client, _db, office = site
    headers = {"X-CSRF-Token": sign_in(client, "officer")}
    mid = client.post("/api/v1/matters", json={"type": "adjudication", "body_id": office, "form": FORM}, headers=headers).json()[
        "id"
    ]
    png = _png()
    for kind, name, content in (("request", "请求书.pdf", PDF), ("identity", "营业执照.png", png)):
        r = client.post(f"/api/v1/matters/{mid}/documents", data={"kind": kind}, files={"file": (name, content)}, headers=headers)
        assert r.status_code == 201, r.text
    assert client.post(f"/api/v1/matters/{mid}/issued", json={"kind": "refusal_notice", "text": "不符合受理条件"},
                       headers=headers).status_code == 201  # fmt: skip
    answer = client.get(f"/api/v1/matters/{mid}/case-file")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(answer.content))
    text = [page.extract_text() for page in pdf.pages]
    number = client.get(f"/api/v1/matters/{mid}").json()["number"]
    assert "卷" in text[0] and number in text[0]
    assert f'filename="case-file-{number}.pdf"' in answer.headers["content-disposition"]
    contents = "".join(text[:3])
    assert contents.index("请求书.pdf") < contents.index("营业执照.png") < contents.index("不予受理通知书")
    # after the cover and the table: the unreadable PDF named in its place, the image, the issued notice
    rest = "".join(text[1:])
    assert "请求书.pdf" in rest and "无法在卷宗中显示" in rest and "不予受理" in text[-1]
    sign_in(client, "firm")
    assert client.get(f"/api/v1/matters/{mid}/case-file").status_code in (403, 404)


def test_the_board_by_city_for_province_staff(site) -> None:
    client, db, office = site
    with transaction(db.factory) as s:
        nanjing = create_organisation(s, SYSTEM, "office", "南京市知识产权局", "320100").id
        create_user(s, SYSTEM, "nj_officer", PW, "case_officer", "320100", organisation_id=nanjing)
        create_user(s, SYSTEM, "province", PW, "province_admin", "320000")
    for who, body, received in (
        ("officer", office, "2026-11-02"),
        ("officer2", office, "2026-11-03"),
        ("nj_officer", nanjing, "2026-10-01"),
    ):
        headers = {"X-CSRF-Token": sign_in(client, who)}
        body_json = {"type": "adjudication", "body_id": body, "form": FORM, "received_on": received}
        assert client.post("/api/v1/matters", json=body_json, headers=headers).status_code == 201
    sign_in(client, "province")
    cities = client.get("/api/v1/matters/board").json()["cities"]
    assert [(c["region"], c["open"]) for c in cities] == [("南京市", 1), ("苏州市", 2)]
    assert [c["overdue"] for c in cities] == [1, 2]  # each acceptance limit (5 working days) ran out before today
    assert 'id="board-cities"' in client.get("/matters/board").text
    sign_in(client, "chief")  # a city's own staff see their city only: no table by city
    assert [c["region"] for c in client.get("/api/v1/matters/board").json()["cities"]] == ["苏州市"]
