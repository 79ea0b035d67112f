"""The web platform through HTTP: sign-in, roles, language, CSRF, tokens, region refusals, headers, errors."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import NANJING_ROW, SUZHOU_ROW, award_in_review, ingest_export, post_login
from ipstrong.accounts.models import AuditEntry
from ipstrong.accounts.roles import SYSTEM
from ipstrong.accounts.service import actor_of, create_organisation, create_token, create_user
from ipstrong.config import Settings
from ipstrong.db import transaction
from ipstrong.web.app import create_app

PW = "a long password 1"


@pytest.fixture
def site(db, tmp_path: Path):
    cfg = Settings(data_dir=tmp_path / "data", database_url=db.url, login_max_failures=3)
    with transaction(db.factory) as s:
        ids = {}
        for name, role, region in (
            ("admin", "province_admin", "320000"),
            ("suzhou", "city_official", "320500"),
            ("nanjing", "city_official", "320100"),
            ("ent", "enterprise_user", "320505"),
        ):
            ids[name] = create_user(s, SYSTEM, name, PW, role, region).id
    with TestClient(create_app(cfg), raise_server_exceptions=False) as client:
        yield client, db, ids


def sign_in(client: TestClient, username: str) -> str:
    r = post_login(client, username, PW)
    assert r.status_code == 303, r.text
    page = client.get("/account/password").text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_sign_in_home_and_navigation_by_role(site) -> None:
    client, _db, _ids = site
    assert client.get("/", follow_redirects=False).headers["location"] == "/login?next=/"
    sign_in(client, "suzhou")
    home = client.get("/").text
    assert "市级工作人员" in home and "苏州市" in home and 'href="/admin/users"' in home
    client.cookies.clear()
    sign_in(client, "ent")
    home = client.get("/").text
    assert "企业用户" in home and 'href="/admin/users"' not in home
    assert client.get("/admin/users").status_code == 403


def test_an_enterprise_home_shows_its_patents_and_matters_and_its_filings_start_filled_in(site) -> None:
    """An enterprise's user sees its own organisation: its patent as first applicant (by the entity its name resolved
    to), and a new filing starts with its name and credit code; a user of no organisation is told so."""
    client, db, _ids = site
    name, code = "苏州某某科技有限公司", "91320506MA1XXXXX09"
    with transaction(db.factory) as s:
        org = create_organisation(s, SYSTEM, "enterprise", name, "320506", code).id
        create_user(s, SYSTEM, "owner", PW, "enterprise_user", "320506", "知识产权经理", organisation_id=org)
    ingest_export(client.app.state.ctx.data_dir, SUZHOU_ROW, NANJING_ROW, database_url=db.url)
    sign_in(client, "owner")
    home = client.get("/api/v1/enterprise").json()
    assert (home["organisation"], home["credit_code"], home["entity_name"]) == (name, code, name)
    assert [(h["patent_type"], h["legal_status"], h["patents"]) for h in home["holdings"]] == [("invention", "in_force", 1)]
    assert [p["app_no"] for p in home["latest"]] == ["201710601862.3"]  # Nanjing's patent is another enterprise's
    page = client.get("/").text
    assert 'id="holdings"' in page and "有效" in page and "201710601862.3" in page and "in_force" not in page
    form = client.get("/matters/new?type=adjudication").text
    assert f'name="requester" value="{name}"' in form and f'name="requester_credit_code" value="{code}"' in form
    assert 'name="respondent" value=""' in form
    client.cookies.clear()
    sign_in(client, "ent")  # an enterprise user of no organisation
    assert client.get("/api/v1/enterprise").json()["note"]["en"] == "this account belongs to no organisation"
    client.cookies.clear()
    sign_in(client, "suzhou")  # staff: their own home, not an enterprise's
    assert client.get("/api/v1/enterprise").status_code == 403


def test_an_enterprise_sees_its_annual_fees_and_staff_any_entitys(site) -> None:
    """The Suzhou row (filed 2017-07-21, granted 2019-01-02, an invention) owes its fifth year's 1,200 yuan on
    2021-07-21; the page, its JSON twin and the entities page's link agree; an enterprise sees only its own."""
    client, db, _ids = site
    name = "苏州某某科技有限公司"
    with transaction(db.factory) as s:
        org = create_organisation(s, SYSTEM, "enterprise", name, "320506", "91320506MA1XXXXX09").id
        create_user(s, SYSTEM, "owner", PW, "enterprise_user", "320506", "知识产权经理", organisation_id=org)
    ingest_export(client.app.state.ctx.data_dir, SUZHOU_ROW, NANJING_ROW, database_url=db.url)
    sign_in(client, "owner")
    fees = client.get("/api/v1/portfolio/fees?year=2021").json()
    assert fees["entity_name"] == name and [(f["app_no"], f["patent_year"], f["due_date"], f["amount_yuan"]) for f in
                                            fees["fees"]] == [("201710601862.3", 5, "2021-07-21", 1200.0)]  # fmt: skip
    assert [(c["year"], c["total_yuan"]) for c in fees["outlook"][:2]] == [(2021, 1200.0), (2022, 1200.0)]
    page = client.get("/portfolio?year=2021&reduction=85").text
    assert 'id="fees"' in page and "2021-07-21" in page and ">180<" in page  # 15 % of 1,200 after the reduction
    assert 'href="/portfolio"' in client.get("/").text  # from the enterprise's home and the navigation
    client.cookies.clear()
    sign_in(client, "admin")
    entity = fees["entity_id"]
    assert f'href="/portfolio?entity={entity}"' in client.get(f"/entities?entity={entity}").text
    assert client.get(f"/api/v1/portfolio/fees?year=2021&entity={entity}").json()["total_yuan"] == 1200.0
    assert client.get("/api/v1/portfolio/fees?year=2021").status_code == 400  # staff name the entity
    assert client.get("/api/v1/portfolio/fees?year=2021&entity=99999").status_code == 404
    (nanjing,) = [e["id"] for e in client.get("/api/v1/entities?q=南京某某有限公司").json()]
    client.cookies.clear()
    sign_in(client, "owner")
    assert client.get(f"/api/v1/portfolio/fees?year=2021&entity={nanjing}").status_code == 403  # another's
    assert client.get("/api/v1/portfolio/fees?year=2021&reduction=90").status_code == 422


def test_pledge_statistics_page_and_its_twin(site) -> None:
    """The hand-made pledges of conftest: 2024 by city, and its first half; a city official sees their city only."""
    from conftest import ingest_pledges

    client, _db, _ids = site
    ingest_pledges(client.app.state.ctx.data_dir)
    sign_in(client, "admin")
    stats = client.get("/api/v1/pledges/stats?year=2024&by=city").json()
    assert [(r["name"], r["amount_10k_yuan"], r["projects"]) for r in stats["rows"]] == [
        ("苏州市", 1200.0, 1),
        ("南京市", 300.0, 1),
    ]
    assert stats["total"]["small_loan_share_pct"] == 50.0
    page = client.get("/pledges?year=2024&half=&by=bank").text  # the form's "whole year" is an empty half
    assert 'id="pledge-rows"' in page and "苏州银行" in page and "1,500.0" in page
    assert client.get("/api/v1/pledges/stats?year=2024&half=1").json()["total"]["amount_10k_yuan"] == 1200.0
    assert client.get("/api/v1/pledges/stats?year=2024&by=county").status_code == 422
    client.cookies.clear()
    sign_in(client, "suzhou")
    assert client.get("/api/v1/pledges/stats?year=2024").json()["total"]["amount_10k_yuan"] == 1200.0
    client.cookies.clear()
    sign_in(client, "ent")
    assert client.get("/api/v1/pledges/stats?year=2024").status_code == 403


def test_matchmaking_page_and_its_twin(site) -> None:
    """A need for a lithium battery finds the Suzhou invention (in force), with the words it shares; a region that is
    not a city or county is refused on the page, in words."""
    from ipstrong.search.index import build

    client, _db, _ids = site
    data = client.app.state.ctx.data_dir
    ingest_export(data, SUZHOU_ROW, NANJING_ROW)
    build(data)
    sign_in(client, "ent")
    found = client.get("/api/v1/match?text=需要一种锂电池技术&limit=5").json()
    assert [(m["app_no"], m["shared_terms"]) for m in found] == [("201710601862.3", ["锂电池"])]
    assert client.get("/api/v1/match?text=锂电池&region=320100").json() == []  # the Suzhou patent is not in Nanjing
    page = client.get("/match?text=需要一种锂电池技术&region=320500").text
    assert 'id="matches"' in page and "201710601862.3" in page and "锂电池" in page
    refused = client.get("/match?text=锂电池&region=320000")
    assert refused.status_code == 400 and "region" in refused.text
    assert client.get("/api/v1/match?text=%20").status_code == 400


def test_enterprise_directory_page_its_export_and_twin(site) -> None:
    """conftest's two pledging firms under the shipped rules: neither reaches a tier (two and one effective
    inventions), both are listed with their figures; the page's workbook carries both and the rules."""
    from openpyxl import load_workbook

    from conftest import ingest_pledges

    client, _db, _ids = site
    ingest_pledges(client.app.state.ctx.data_dir)
    sign_in(client, "admin")
    directory = client.get("/api/v1/enterprises/tiers?year=2024").json()
    figures = {r["name"]: (r["figures"]["effective_inventions"], r["tier"]) for r in directory["rows"]}
    assert figures == {"苏州甲科技有限公司": (2.0, None), "南京乙有限公司": (1.0, None)} and directory["counts"]["none"] == 2
    page = client.get("/enterprises?year=2024&tier=none&city=320500").text
    assert 'id="tiers"' in page and "苏州甲科技有限公司" in page and "南京乙有限公司" not in page
    book = load_workbook(io.BytesIO(client.get("/enterprises/tiers.xlsx?year=2024&tier=&city=&name=").content))
    assert book.sheetnames == ["名录 directory", "规则 rules"] and book["名录 directory"].max_row == 3
    assert client.get("/api/v1/enterprises/tiers?year=2024&tier=platinum").status_code == 400
    client.cookies.clear()
    sign_in(client, "suzhou")
    assert [r["name"] for r in client.get("/api/v1/enterprises/tiers?year=2024").json()["rows"]] == ["苏州甲科技有限公司"]
    client.cookies.clear()
    sign_in(client, "ent")
    assert client.get("/api/v1/enterprises/tiers?year=2024").status_code == 403


def test_patents_on_open_licence_are_public_and_offered_first(site) -> None:
    """A published declaration puts the Suzhou patent on the public list (no sign-in) and first among the matches,
    marked as on open licence."""
    from ipstrong.accounts.service import actor_of
    from ipstrong.matters import service
    from ipstrong.search.index import build

    client, db, _ids = site
    data = client.app.state.ctx.data_dir
    ingest_export(data, SUZHOU_ROW, NANJING_ROW, database_url=db.url)
    build(data)
    with transaction(db.factory) as s:
        office = create_organisation(s, SYSTEM, "office", "苏州市知识产权局", "320500").id
        officer = actor_of(create_user(s, SYSTEM, "officer", PW, "case_officer", "320500", "承办人", organisation_id=office))
        form = {"patentee": "苏州某某科技有限公司", "patents": ["201710601862.3"], "payment_method": "lump_sum",
                "rate": "一次性 10 万元", "term_years": 3}  # fmt: skip
        mid = service.file_matter(s, officer, "open_licence", office, form, data).id
        service.attach_document(s, officer, mid, "declaration", "声明.pdf", b"%PDF-1.4\n%%EOF\n", data, max_mb=1)
        service.take_step(s, officer, mid, "publish")
    listed = client.get("/api/v1/public/open-licences").json()
    assert [(r["app_no"], r["rate"], r["payment_method"]) for r in listed] == [("201710601862.3", "一次性 10 万元", "lump_sum")]
    page = client.get("/public/open-licences").text
    assert 'id="open-licences"' in page and "一次性支付" in page and "lump_sum" not in page
    sign_in(client, "ent")
    found = client.get("/api/v1/match?text=需要一种锂电池技术").json()
    assert found[0]["app_no"] == "201710601862.3" and found[0]["open_licence"] is True


def test_language_switch(site) -> None:
    client, _db, _ids = site
    sign_in(client, "suzhou")
    client.get("/lang/en?next=/")
    assert "city official" in client.get("/").text and "Sign out" in client.get("/").text
    client.get("/lang/zh?next=/")
    assert "退出" in client.get("/").text


def test_wrong_passwords_are_throttled_per_address_without_locking_the_owner_out(site) -> None:
    client, _db, _ids = site
    for _ in range(3):
        assert post_login(client, "suzhou", "wrong").status_code == 401
    r = post_login(client, "suzhou", PW)  # this address waits, even with the right password
    assert r.status_code == 429 and "try again in" in r.text and int(r.headers["retry-after"]) > 60
    owner = TestClient(client.app, client=("10.0.0.7", 50000))  # the owner at their own desk is not locked out
    assert post_login(owner, "suzhou", PW).status_code == 303
    for n in range(20):  # one address guessing many accounts is slowed down after 20 failures
        assert post_login(owner, f"nobody{n}", "wrong").status_code == 401
    assert post_login(owner, "admin", PW).status_code == 429


def test_login_form_needs_its_token_and_unknown_users_cost_the_same(site) -> None:
    import time

    client, _db, _ids = site
    forged = client.post("/login", data={"username": "suzhou", "password": PW})  # login CSRF: no token from our page
    assert forged.status_code == 403 and "did not come from this site" in forged.text
    timings: dict[str, float] = {}
    for attempt in range(3):  # the quickest of three each: a busy machine slows one attempt, not the hash's cost
        for name in ("suzhou", "no-such-user"):
            started = time.perf_counter()
            address = (f"10.1.{attempt}.{len(name)}", 1)  # a fresh address each time: no lock-out in between
            assert post_login(TestClient(client.app, client=address), name, "wrong").status_code == 401
            timings[name] = min(timings.get(name, 1e9), time.perf_counter() - started)
    # both verify a password hash: neither answers in a fraction of the other's time
    assert timings["no-such-user"] > timings["suzhou"] / 4


def test_sessions_end_at_logout_reset_and_deactivation(site) -> None:
    client, _db, _ids = site
    csrf = sign_in(client, "suzhou")
    stolen = dict(client.cookies)
    assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    thief = TestClient(client.app, cookies=stolen)
    form = {"username": "x1", "password": PW, "role": "case_officer", "region_code": "320500", "csrf_token": csrf}
    assert thief.post("/admin/users", data=form, follow_redirects=False).headers["location"].startswith("/login")
    csrf = sign_in(client, "suzhou")
    before_reset = TestClient(client.app, cookies=dict(client.cookies))
    admin = TestClient(client.app, client=("10.0.0.9", 1))
    admin_csrf = sign_in(admin, "admin")
    admin.post("/admin/users/suzhou/reset-password", data={"password": "reset password 1", "csrf_token": admin_csrf})
    assert before_reset.get("/admin/users", follow_redirects=False).status_code == 303
    # signed in with the administrator's password: every page and API call leads to the password change first
    assert post_login(client, "suzhou", "reset password 1").status_code == 303
    assert client.get("/admin/users", follow_redirects=False).headers["location"] == "/account/password"
    assert client.get("/api/v1/me").status_code == 403
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/account/password").text).group(1)
    changed = client.post("/account/password", data={"current": "reset password 1", "new": PW, "csrf_token": csrf})
    assert changed.status_code == 200 and client.get("/api/v1/me").json()["username"] == "suzhou"
    other = TestClient(client.app, cookies=stolen)
    admin.post("/admin/users/suzhou/active", data={"active": "false", "csrf_token": admin_csrf})
    admin.post("/admin/users/suzhou/active", data={"active": "true", "csrf_token": admin_csrf})
    assert client.get("/api/v1/me").status_code == 401 and other.get("/api/v1/me").status_code == 401


def test_forged_or_missing_session_and_csrf(site) -> None:
    client, _db, _ids = site
    client.cookies.set("ips_session", "eyJ1IjoxLCJjIjoieCJ9.forged.signature")
    assert client.get("/", follow_redirects=False).status_code == 303
    csrf = sign_in(client, "admin")
    form = {"username": "new1", "password": PW, "role": "case_officer", "region_code": "320500"}
    assert client.post("/admin/users", data=form).status_code == 403
    assert client.post("/admin/users", data={**form, "csrf_token": "wrong"}).status_code == 403
    assert client.post("/admin/users", data={**form, "csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert client.post("/api/v1/users", json={**form, "username": "new2"}).status_code == 403
    ok = client.post("/api/v1/users", json={**form, "username": "new2"}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201 and ok.json()["role_en"] == "case officer"


def test_other_citys_record_is_404_and_audited(site) -> None:
    client, db, ids = site
    sign_in(client, "suzhou")
    assert client.get(f"/api/v1/users/{ids['nanjing']}").status_code == 404
    assert client.get(f"/api/v1/users/{ids['suzhou']}").json()["username"] == "suzhou"
    with db.factory() as s:
        denied = s.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied")).all()
    assert [(e.actor, e.entity_id) for e in denied] == [("suzhou", str(ids["nanjing"]))]


def test_api_tokens(site) -> None:
    client, db, ids = site
    with transaction(db.factory) as s:
        from ipstrong.accounts.models import User

        _token, plain = create_token(s, actor_of(s.get(User, ids["ent"])), "erp", ["read"])
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/me", headers=headers).json()["username"] == "ent"
    refused = client.post("/api/v1/users", headers=headers, json={})
    assert refused.status_code == 403 and "write" in refused.json()["error"]["en"]
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer ips_forged"}).status_code == 403


def test_headers_errors_and_local_docs(site) -> None:
    client, _db, _ids = site
    r = client.get("/login")
    assert r.headers["x-content-type-options"] == "nosniff" and "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert client.get("/no/such/page").status_code == 404
    big = client.post("/login", content=b"x" * 2_000_000, headers={"content-type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413

    def chunks():  # no Content-Length: the body is counted as it arrives
        for _ in range(40):
            yield b"x" * 50_000

    anonymous = client.post("/api/v1/users", content=chunks(), headers={"content-type": "application/json"})
    assert anonymous.status_code == 401  # nothing is read from a stranger
    csrf = sign_in(client, "admin")
    headers = {"content-type": "application/json", "X-CSRF-Token": csrf}
    chunked = client.post("/api/v1/users", content=chunks(), headers=headers)
    assert chunked.status_code == 413 and chunked.json()["error"]["en"] == "Request body too large"
    docs = client.get("/docs").text
    assert "/static/vendor/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/static/vendor/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/users/{user_id}" in spec["paths"]
    assert client.get("/readyz").json()["ready"] is True


def test_template_injection_is_escaped(site) -> None:
    client, db, _ids = site
    with transaction(db.factory) as s:
        create_user(s, SYSTEM, "evil", PW, "case_officer", "320500", "<script>alert(1)</script>{{7*7}}")
    sign_in(client, "admin")
    page = client.get("/admin/users").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page and "{{7*7}}" in page


def test_upload_queues_an_ingest_job_with_progress_page(site, tmp_path: Path) -> None:
    from ipstrong.jobs import make_queue

    client, _db, _ids = site
    csrf = sign_in(client, "suzhou")
    csv = "申请号,申请日,名称,申请（专利权）人\n201710601862.3,2017-07-21,一种锂电池,某公司\n".encode()
    upload = {"data": {"csrf_token": csrf}, "files": {"file": ("e.csv", csv, "text/csv")}, "follow_redirects": False}
    refused = client.post("/jobs/ingest", **upload)  # a city official does not write the province's warehouse
    assert refused.status_code == 403 and "warehouse.write" in refused.text and "上传并导入" not in client.get("/jobs").text
    client.cookies.clear()
    upload["data"]["csrf_token"] = sign_in(client, "admin")
    r = client.post("/jobs/ingest", **upload)
    assert r.status_code == 303
    assert 'data-status="queued"' in client.get("/jobs/table").text
    cfg = client.app.state.ctx.settings
    queue, _task = make_queue(cfg)
    queue.execute(queue.dequeue())
    table = client.get("/jobs/table").text
    assert 'data-status="done"' in table and 'value="100"' in table
    client.cookies.clear()
    sign_in(client, "ent")
    assert client.get("/jobs").status_code == 403


def test_an_upload_no_reader_takes_is_refused_and_a_failed_ingest_says_why(site) -> None:
    """A PNG is refused at upload with its name (and not kept); a CSV without the 申请号 column is queued and its
    job fails naming the file as uploaded (not the server's path) and the missing column; quarantined rows are
    offered for download from the job's row."""
    from ipstrong.jobs import make_queue

    client, _db, _ids = site
    csrf = sign_in(client, "admin")
    uploads = client.app.state.ctx.data_dir / "uploads"
    before = set(uploads.iterdir()) if uploads.exists() else set()

    def upload(name: str, body: bytes):
        return client.post("/jobs/ingest", data={"csrf_token": csrf}, files={"file": (name, body, "application/octet-stream")},
                           follow_redirects=False)  # fmt: skip

    png = upload("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
    assert png.status_code == 400 and "logo.png" in png.text and "不是文本文件" in png.text
    assert set(uploads.iterdir()) == before  # the refused file is not kept
    assert 'href="/search"' in png.text  # the error page keeps the person's navigation
    assert upload("names.csv", "姓名,电话\n张三,123\n".encode()).status_code == 303
    bad_row = (
        "申请号,申请日,名称,申请（专利权）人\n201710601862.3,2017-07-21,一种锂电池,某公司\nnot-a-number,2017-07-21,一种,某公司\n"
    )
    assert upload("mixed.csv", bad_row.encode()).status_code == 303
    queue, _task = make_queue(client.app.state.ctx.settings)
    queue.execute(queue.dequeue())
    queue.execute(queue.dequeue())
    jobs = client.get("/api/v1/jobs", headers={"x-csrf-token": csrf}).json()
    failed, mixed = jobs[1], jobs[0]
    assert failed["status"] == "failed" and "names.csv" in failed["message"] and "申请号" in failed["message"]
    assert str(uploads) not in failed["message"]
    assert mixed["status"] == "done" and mixed["quarantined"] == 1
    link = f"/jobs/{mixed['id']}/quarantine"
    assert link in client.get("/jobs/table").text
    rows = client.get(link)
    assert rows.status_code == 200 and "not-a-number" in rows.text
    client.cookies.clear()
    sign_in(client, "suzhou")  # another person's job: its rows are not theirs to read
    assert client.get(link).status_code == 404


def test_enterprise_developer_gets_a_token_and_calls_the_api(site) -> None:
    client, _db, _ids = site
    csrf = sign_in(client, "ent")
    page = client.post("/account/tokens", data={"name": "ERP", "csrf_token": csrf}).text
    token = re.search(r'<code id="new-token">([^<]+)</code>', page).group(1)
    client.cookies.clear()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["username"] == "ent"
    assert token not in client.get("/account/tokens").text


def test_admin_resets_and_deactivates_within_their_region(site) -> None:
    client, _db, _ids = site
    csrf = sign_in(client, "suzhou")
    r = client.post("/admin/users/ent/reset-password", data={"password": "another password", "csrf_token": csrf})
    assert r.status_code == 200
    assert client.post("/admin/users/nanjing/active", data={"active": "false", "csrf_token": csrf}).status_code == 403
    client.cookies.clear()
    csrf = sign_in(client, "admin")
    assert client.post("/admin/users/ent/active", data={"active": "false", "csrf_token": csrf}).status_code == 200
    client.cookies.clear()
    r = post_login(client, "ent", PW)
    assert r.status_code == 401


def test_indicators_page_and_api(site) -> None:

    client, _db, _ids = site
    ingest_export(client.app.state.ctx.data_dir, SUZHOU_ROW)
    sign_in(client, "admin")
    page = client.get("/indicators?indicator=effective_inventions&year=2021").text
    assert "苏州市" in page and 'id="figures"' in page
    figures = client.get("/api/v1/indicators/figures?indicator=effective_inventions&year=2021&region=320500").json()
    assert figures[0]["value"] == 1.0 and figures[0]["region_name"] == "苏州市"
    award = client.get("/api/v1/indicators/figures?indicator=high_value_award&year=2021").json()[0]
    assert (award["value"], award["numerator"], award["status"]) == (None, None, "missing")
    client.cookies.clear()
    sign_in(client, "suzhou")  # a city official sees their city and its districts
    page = client.get("/indicators?indicator=effective_inventions&year=2021").text
    assert "吴中区" in page and "南京市" not in page


def test_dashboard_explain_and_map_layer(site) -> None:

    client, _db, _ids = site
    ingest_export(client.app.state.ctx.data_dir, SUZHOU_ROW, NANJING_ROW)
    sign_in(client, "admin")
    page = client.get("/indicators?indicator=effective_inventions&year=2021").text
    chart = json.loads(re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.S).group(1))
    by_city = {d["code"]: d["value"] for d in chart["map"]}
    assert len(by_city) == 13 and by_city["320500"] == 1 and by_city["320100"] == 1 and by_city["320200"] == 0
    # the series runs from 2012: nothing effective before the 2019 grant, then both patents
    assert [(d["year"], d["value"]) for d in chart["series"]][6:] == [("2018", 0), ("2019", 1), ("2020", 2), ("2021", 2)]
    assert chart["series"][0]["year"] == "2012" and 'id="headline"' in page
    # the page's JSON twin carries the same figures, headline and series
    twin = client.get("/api/v1/indicators/dashboard?indicator=effective_inventions&year=2021").json()
    assert {r["region_code"]: r["value"] for r in twin["records"][1:]} == by_city and twin["by"] == "city"
    assert [(str(p["year"]), p["value"]) for p in twin["series"]] == [(d["year"], d["value"]) for d in chart["series"]]
    assert [r["indicator"] for r in twin["headline"]][:2] == ["effective_inventions", "inventions_per_10k_pop"]
    assert client.get("/api/v1/indicators/dashboard?indicator=nothing").status_code == 422  # the catalogue's ids only
    link = "/indicators/explain?indicator=effective_inventions&region=320500&asof=2021-12-31"
    assert link in page  # every figure links to the patents behind it
    explained = client.get(link).text
    assert "201710601862.3" in explained and "201810000004.8" not in explained
    download = client.get(link + "&csv=true")
    assert download.headers["content-type"].startswith("text/csv") and download.content.startswith("\ufeff".encode())
    assert "201710601862.3" in download.text and download.text.count("\n") == 2
    assert client.get("/map.js").text.startswith("!function") and "320100" in client.get("/map.js").text
    behind = client.get("/api/v1/indicators/explain?indicator=effective_inventions&region=320500&asof=2021-12-31").json()
    assert [r["app_no"] for r in behind] == ["201710601862.3"]
    series = client.get("/api/v1/indicators/figures?indicator=effective_inventions&year=2021&year_from=2019").json()
    assert [(r["asof"], r["value"]) for r in series] == [("2019-12-31", 1), ("2020-12-31", 2), ("2021-12-31", 2)]
    # every parameter of `indicators compute` is a query parameter: Nanjing's density over 2021's own population,
    # as the engine (and so the command line) computes it with the same parameters
    from ipstrong.indicators.engine import compute
    from ipstrong.indicators.measures import Parameters

    asked = "/api/v1/indicators/figures?indicator=inventions_per_10k_pop&year=2021&region=320100&population_year=same"
    same = client.get(asked).json()[0]
    engine = compute(client.app.state.ctx.data_dir, ["inventions_per_10k_pop"], [dt.date(2021, 12, 31)], "320100",
                     params=Parameters(population_year="same"))[0]  # fmt: skip
    assert same["value"] == pytest.approx(1 / 942.34, rel=1e-6) == engine["value"]

    assert client.get(asked.replace("=same", "=previous")).json()[0]["value"] == pytest.approx(1 / 931.97, rel=1e-6)
    wrong = client.get(asked.replace("=same", "=next"))
    assert wrong.status_code == 422 and "population_year" in wrong.text  # the options are the catalogue's
    unknown = client.get("/api/v1/indicators/figures?indicator=effective_inventions&year=2021&region=custom:nowhere")
    assert unknown.status_code == 404 and "no custom zone" in unknown.json()["error"]["en"]
    csrf = sign_in(client, "admin")
    body = {
        "year": 2021,
        "targets": [
            {"region_code": "320500", "indicator": "effective_inventions", "target": 2},
            {"region_code": "320100", "indicator": "effective_inventions", "target": 1},
        ],
    }
    table = client.post("/api/v1/assess", json=body, headers={"X-CSRF-Token": csrf}).json()
    assert [(r["region_code"], r["completion_pct"], r["rank"]) for r in table] == [("320500", 50.0, 1), ("320100", 100.0, 1)]
    # the assessment takes the parameters of `indicators compute`: Nanjing's one invention over 2020's or 2021's population
    density = {"year": 2021, "targets": [{"region_code": "320100", "indicator": "inventions_per_10k_pop", "target": 1}]}
    for chosen, population in (("previous", 931.97), ("same", 942.34)):
        asked = {**density, "parameters": {"population_year": chosen}}
        row = client.post("/api/v1/assess", json=asked, headers={"X-CSRF-Token": csrf}).json()[0]
        assert row["value"] == pytest.approx(1 / population, rel=1e-6)
    wrong = client.post(
        "/api/v1/assess", json={**density, "parameters": {"population_year": "next"}}, headers={"X-CSRF-Token": csrf}
    )
    assert wrong.status_code == 422
    client.cookies.clear()
    sign_in(client, "suzhou")  # a city official may not list another city's patents
    assert client.get(link.replace("320500", "320100")).status_code == 403
    api = "/api/v1/indicators/explain?indicator=effective_inventions&region=320100&asof=2021-12-31"
    assert client.get(api).status_code == 403
    assert client.get("/indicators/explain?indicator=effective_inventions&region=320500&asof=2021-13-01").status_code == 400
    # figures: the province's and each city's are published (any city); below a city, only within scope
    figures = "/api/v1/indicators/figures?indicator=effective_inventions&year=2021&region="
    assert client.get(figures + "320100").json()[0]["value"] == 1
    refused = client.get(figures + "320100&by=district")
    assert refused.status_code == 403 and "outside this account's region" in refused.json()["error"]["en"]
    assert client.get(figures + "320102").status_code == 403
    assert client.get(figures + "320500&by=district").status_code == 200
    # the assessment: own rows only, and no rank (a standing among cities the official cannot see)
    csrf = sign_in(client, "suzhou")
    table = client.post("/api/v1/assess", json=body, headers={"X-CSRF-Token": csrf}).json()
    assert [(r["region_code"], r["completion_pct"], r["rank"]) for r in table] == [("320500", 50.0, None)]
    client.cookies.clear()
    sign_in(client, "ent")
    assert client.get(figures + "320100&by=district").status_code == 403
    assert client.get(figures + "320505").status_code == 200


def test_a_city_dashboard_has_its_counties_map_and_zones(site) -> None:
    """A city opened from the province's dashboard: its counties (吴中区 holds both Suzhou patents, one of them filed
    from 苏州工业园区, which is counted with 吴中区), its development zones with their own figures, and the city's
    county map with the older shapes read as today's counties."""
    client, _db, _ids = site
    park = "201910000007.6,2019-03-01,2020-06-01,一种芯片,苏州园区某某有限公司,江苏省苏州工业园区星湖街328号,发明"
    ingest_export(client.app.state.ctx.data_dir, SUZHOU_ROW, NANJING_ROW, park)
    sign_in(client, "admin")
    board = client.get("/api/v1/indicators/dashboard?indicator=effective_inventions&year=2021&region=320500").json()
    counties = {r["region_code"]: r["value"] for r in board["records"]}
    assert board["by"] == "district" and counties["320500"] == 2 and counties["320506"] == 2 and counties["320505"] == 0
    zones = {z["region_code"]: z["value"] for z in board["zones"]}
    assert zones["zone:suzhou-sip"] == 1 and zones["zone:suzhou-snd"] == 0 and "zone:wuxi-new" not in zones
    assert set(board["ranks"]) == set(counties) - {"320500"}  # zones are not ranked among the counties
    page = client.get("/indicators?indicator=effective_inventions&year=2021&region=320500").text
    chart = json.loads(re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.S).group(1))
    assert (chart["mapName"], chart["mapUrl"], chart["zoneAt"]["zone:suzhou-sip"]) == ("苏州", "/map.js?region=320500", "320506")
    assert 'id="zones"' in page and 'id="up-level"' in page and "&region=320500" in page  # the briefing keeps the city
    assert 'registerMap("苏州"' in client.get("/map.js?region=320500").text
    assert 'registerMap("江苏"' in client.get("/map.js?region=320000").text  # the province's cities (the report's map)
    assert client.get("/map.js?region=310000").status_code == 404
    assert client.get("/api/v1/indicators/dashboard?region=854113").status_code == 404  # no such region
    # the briefing of what is on screen: a PDF with its charts, a workbook with the zones beside the ranking
    from openpyxl import load_workbook
    from pypdf import PdfReader

    pdf = client.get("/indicators/briefing.pdf?indicator=effective_inventions&year=2021&region=320500")
    assert pdf.headers["content-type"] == "application/pdf" and "320500-2021.pdf" in pdf.headers["content-disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "苏州市" in text and "吴中区" in text and "苏州工业园区" in text and "2021-12-31" in text
    book = load_workbook(
        io.BytesIO(client.get("/indicators/briefing.xlsx?indicator=effective_inventions&year=2021&region=320500").content)
    )
    zones_sheet = {r[1]: r[2] for r in book["园区 zones"].iter_rows(min_row=2, values_only=True)}
    assert zones_sheet["zone:suzhou-sip"] == 1 and len(list(book["排名 ranking"].iter_rows())) == 10  # header + 9 counties
    density = client.get("/api/v1/indicators/dashboard?indicator=inventions_per_10k_pop&year=2021&region=320500").json()
    assert density["zones"] == []  # zones have no population of their own
    nantong = client.get("/indicators?indicator=effective_inventions&year=2021&region=320600").text
    chart = json.loads(re.search(r'id="dashboard-data">(.*?)</script>', nantong, re.S).group(1))
    assert chart["aliases"]["320611"] == "320613" and chart["aliases"]["320684"] == "320614"  # 港闸区, 海门市 as today
    province = client.get("/indicators?indicator=effective_inventions&year=2021").text
    assert "/indicators?indicator=effective_inventions&amp;year=2021&region=320500" in province  # a city opens from the table
    client.cookies.clear()
    sign_in(client, "suzhou")  # a city official: their own city's counties; another city's are working figures
    assert client.get("/api/v1/indicators/dashboard?indicator=effective_inventions&year=2021").json()["zones"]
    assert client.get("/api/v1/indicators/dashboard?region=320100").status_code == 403
    assert 'id="up-level"' not in client.get("/indicators?indicator=effective_inventions&year=2021").text


def test_the_province_is_compared_with_china_and_the_provinces_where_cnipa_published_them(site) -> None:
    """CNIPA's Table 8 of December 2016 (cnipa-annual-stats) is the one year-end it published valid inventions per
    10,000 people for every province: China 8.03, Beijing 76.81, Shanghai 35.21, Jiangsu 18.41 (third)."""
    client, _db, _ids = site
    ingest_export(client.app.state.ctx.data_dir, SUZHOU_ROW)
    sign_in(client, "admin")
    board = client.get("/api/v1/indicators/dashboard?indicator=inventions_per_10k_pop&year=2016").json()
    published = [(f["region_name"], f["value"], f["rank"]) for f in board["comparison"]["figures"]]
    assert published[:4] == [("全国", 8.03, None), ("北京市", 76.81, 1), ("上海市", 35.21, 2), ("江苏省", 18.41, 3)]
    assert len(published) == 30 and "Table 8" in board["comparison"]["figures"][0]["source_title"]
    counts = client.get("/api/v1/indicators/dashboard?indicator=effective_inventions&year=2016").json()["comparison"]
    assert [(f["region_code"], f["value"]) for f in counts["figures"][:2]] == [("100000", 1103226), ("440000", 168480)]
    page = client.get("/indicators?indicator=inventions_per_10k_pop&year=2016").text
    assert 'id="comparison"' in page and "18.41" in page
    later = client.get("/api/v1/indicators/dashboard?indicator=inventions_per_10k_pop&year=2021").json()["comparison"]
    assert later == {"figures": [], "published_years": [2016]}  # no figure of another year stands in
    assert "/indicators?indicator=inventions_per_10k_pop&year=2016" in client.get("/indicators?year=2021").text
    city = client.get("/api/v1/indicators/dashboard?indicator=inventions_per_10k_pop&year=2016&region=320500").json()
    unpublished = client.get("/api/v1/indicators/dashboard?indicator=pct_applications&year=2016").json()
    assert city["comparison"] is None and unpublished["comparison"] is None


def test_the_dashboard_opens_on_the_latest_complete_year_and_names_the_later_gaps(site) -> None:
    """Records up to February 2026: the data reach the end of 2025, but 2025's density needs the cities' 2024
    populations, of which only Suqian's was found (jiangsu-city-series-collected). The dashboard opens on the end of
    2024 (every city's 2023 population is known), says so, and lists 2025 with the twelve cities missing a figure."""
    client, _db, _ids = site
    late = "202610000001.9,2026-02-01,,一种传感器,无锡某某有限公司,江苏省无锡市新吴区长江路1号,发明"
    ingest_export(client.app.state.ctx.data_dir, SUZHOU_ROW, NANJING_ROW, late, status_date="2026-03-01")
    sign_in(client, "admin")
    board = client.get("/api/v1/indicators/dashboard?indicator=inventions_per_10k_pop").json()
    assert (board["asof"], board["data_until"]) == ("2024-12-31", "2025-12-31")
    assert all(r["value"] is not None for r in board["records"]) and len(board["records"]) == 14
    assert [(g["year"], len(g["missing"])) for g in board["later"]] == [(2025, 12)] and "宿迁市" not in board["later"][0][
        "missing"
    ]
    # the province's series: nothing before the first filing (2017-07-21), and no first-published population for the
    # end of 2016; each hole says why
    holes = {p["year"]: p["note"] for p in board["series"] if p["value"] is None}
    assert sorted(holes) == [2012, 2013, 2014, 2015, 2016, 2017]
    assert "before the data begins" in holes[2016] and "2016" in holes[2017] and "not found" in holes[2017]
    page = client.get("/indicators").text
    assert "2024-12-31" in page and 'id="later-gaps"' in page and "/indicators?indicator=inventions_per_10k_pop&year=2025" in page
    assert 'id="series-gaps"' in page and "江苏省 · 主要指标" in page
    # each city ranked, with its change on the year: Suzhou's one invention over its 2023 population, 1,295.80 万,
    # against the same over 2022's 1,291.06 万 the year before; one click gives the same as a workbook
    suzhou = board["ranks"]["320500"]
    assert suzhou["change"] == pytest.approx(1 / 1295.80 - 1 / 1291.06, rel=1e-6)
    ranks = board["ranks"]  # Nanjing's one over fewer people first, Suzhou second, the cities with none tied third
    assert (ranks["320100"]["rank"], suzhou["rank"], ranks["320200"]["rank"], ranks["321300"]["rank"]) == (1, 2, 3, 3)
    from openpyxl import load_workbook

    link = "/indicators/briefing.xlsx?indicator=inventions_per_10k_pop&year=2024"
    assert link in page
    book = load_workbook(io.BytesIO(client.get(link).content))
    assert book.sheetnames == ["主要指标 headline", "排名 ranking", "历年 series", "依据 source"]
    ranking = list(book["排名 ranking"].iter_rows(values_only=True))
    assert len(ranking) == 14 and ranking[0][0] == "排名 / rank" and {r[2] for r in ranking[1:]} >= {"320500", "321300"}
    client.cookies.clear()
    sign_in(client, "suzhou")  # a city official's dashboard is their city's, and says so
    assert "苏州市 · 主要指标" in client.get("/indicators").text


def test_assessment_page(site) -> None:

    client, _db, _ids = site
    ingest_export(client.app.state.ctx.data_dir, SUZHOU_ROW)
    targets = (
        b"region_code,indicator,year,target,direction\n320500,effective_inventions,2021,2,higher\n"
        b"320100,effective_inventions,2021,2,higher\n"
    )
    csrf = sign_in(client, "suzhou")
    page = client.post(
        "/assess", data={"year": "2021", "csrf_token": csrf}, files={"targets": ("t.csv", targets, "text/csv")}
    ).text
    assert "50.0%" in page and "苏州市" in page and "南京市" not in page  # a city official sees their city only
    assert 'id="param-population_year"' in page and '<option value="previous" selected>' in page
    xlsx = client.post(
        "/assess", data={"year": "2021", "csrf_token": csrf, "xlsx": "true"}, files={"targets": ("t.csv", targets, "text/csv")}
    )
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    bad = b"region_code,indicator,year,target,direction\n320500,effective_inventions,2021,2,up\n"
    refused = client.post("/assess", data={"year": "2021", "csrf_token": csrf}, files={"targets": ("目标.csv", bad, "text/csv")})
    assert refused.status_code == 400 and "目标.csv" in refused.text and "direction" in refused.text
    data_dir = str(client.app.state.ctx.data_dir)
    assert data_dir not in refused.text and "tmp" not in refused.text  # no server path on the page
    left = [p.name for p in client.app.state.ctx.data_dir.iterdir() if p.name.startswith("tmp") and p.name != "tmp"]
    assert left == []  # the upload's temporary folder is gone
    client.cookies.clear()
    sign_in(client, "ent")
    assert client.get("/assess").status_code == 403


def test_search_page_and_api(site) -> None:

    from ipstrong.search.index import build

    client, _db, _ids = site
    data = ingest_export(
        client.app.state.ctx.data_dir, SUZHOU_ROW.replace("一种锂电池", "一种锂电池<script>alert(1)</script>"), NANJING_ROW
    )
    sign_in(client, "suzhou")
    assert client.get("/api/v1/search?q=电池").status_code == 404  # no index yet, and it says so
    build(data)
    page = client.get("/search", params={"q": "TI=电池"}).text
    assert "201710601862.3" in page and "201810000004.8" not in page
    assert "<script>alert" not in page and "<b>电</b>" in page  # highlights are escaped, then marked
    assert "CITY%3D320500" in page  # the city facet refines the query
    analysis = json.loads(re.search(r'id="analysis-data">(.*?)</script>', page, re.S).group(1))
    assert analysis["city"]["labels"] == ["苏州市"] and all("CITY%3D" in u for u in analysis["city"]["links"])
    assert "· 地市</h3>" in page and "· city</h3>" not in page  # under its name for people (fields.py), not its key
    bad = client.get("/search", params={"q": "AD>=2021-13-01"}).text
    assert "invalid date at position 5" in bad
    exported = client.get("/search/export", params={"q": "TI=电池 OR TI=电极", "format": "csv"})
    assert exported.status_code == 200 and exported.text.count("\n") == 3 and "201810000004.8" in exported.text
    chosen = {"q": "TI=电极", "format": "csv", "fields": ["app_no", "city", "legal_status"]}
    lines = client.get("/search/export", params=chosen).text.lstrip("\ufeff").splitlines()
    assert lines == ["申请号 app_no,地市 city,法律状态 legal_status", "201810000004.8,南京市,有效"]
    assert 'name="fields" value="city_code"' in page  # the export form offers every field
    found = client.get("/api/v1/search", params={"q": "TI=电池 OR TI=电极", "facets": "city,type"}).json()
    assert found["total"] == 2 and {v["value"] for v in found["facets"]["city"]} == {"320500", "320100"}
    detail = client.get("/patents/CN201710601862.3").text  # any written form of the number
    assert 'id="timeline"' in detail and "2017-07-21 · 申请" in detail and "2019-01-02 · 授权" in detail
    # stored values are shown in the reader's words (vocabulary.py), never as identifiers
    assert "<td>发明</td>" in detail and "有效（" in detail and "企业" in detail
    shown = detail.split("<main", 1)[1]  # the page itself: the navigation's addresses (/enterprises) are not words
    assert not any(raw in shown for raw in ("in_force", "utility_model", ">invention<", "enterprise"))
    assert "201810000004.8" in detail.split('id="similar"')[1]  # 一种电极 shares words with 一种锂电池
    assert client.get("/patents/201910000001.9").status_code == 404
    assert client.get("/patents/not-a-number").status_code == 400
    twin = client.get("/api/v1/patents/CN201710601862.3").json()  # the page's JSON twin: the same service call
    assert twin["patent"]["app_no"] == "201710601862.3" and twin["patent"]["legal_status"] == "in_force"
    assert twin["timeline"][0] == {"date": "2017-07-21", "event": "filed", "event_zh": "申请", "event_en": "filed", "detail": ""}
    assert ("2019-01-02", "grant") in [(e["date"], e["event"]) for e in twin["timeline"]]
    assert "201810000004.8" in [h["app_no"] for h in twin["similar"]] and "record_hash" not in twin["patent"]
    assert client.get("/api/v1/patents/201910000001.9").status_code == 404
    refused = client.get("/api/v1/patents/201710601862.4")  # wrong check digit: said, in both languages
    assert refused.status_code == 400 and "check digit" in refused.json()["error"]["en"]
    like = client.get("/search", params={"like": "一种用于汽车的锂电池"}).text
    assert "201710601862.3" in like.split('id="similar"')[1]
    alike = client.get("/api/v1/similar", params={"text": "锂电池"}).json()
    assert alike[0]["app_no"] == "201710601862.3" and alike[0]["score"] > 0
    wrong = client.get("/api/v1/search", params={"q": "TI=(电池"})
    assert wrong.status_code == 400 and "position 4" in wrong.json()["error"]["en"]


def test_entities_page_and_api(site, tmp_path: Path) -> None:
    from ipstrong.ingest import ingest
    from ipstrong.ingest.follow import follow_ingest

    client, db, _ids = site
    rows = [
        "201710601862.3,2017-07-21,一种锂电池,苏州某某科技有限公司,江苏省苏州市吴中区星湖街1号,发明",
        "201810000004.8,2018-01-01,一种电极,SUZHOU MOUMOU TECHNOLOGY CO LTD,,发明",
        "201710601863.8,2017-07-21,一种电池,无锡甲乙丙电子有限公司,江苏省无锡市梁溪区中山路1号,发明",
        "201710601864.2,2017-07-21,一种电机,无锡甲乙丙电气有限公司,江苏省无锡市梁溪区中山路9号,发明",
    ]
    export = tmp_path / "e.csv"
    export.write_text("申请号,申请日,名称,申请（专利权）人,地址,专利类型\n" + "\n".join(rows) + "\n", encoding="utf-8")
    data = client.app.state.ctx.data_dir
    report = ingest([export], data, status_date=dt.date(2024, 12, 31), database_url=db.url)
    follow_ingest(report, data, db.url)  # the new names resolved into a follow-up snapshot, as the platform does
    us = tmp_path / "us.xml"
    us.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<us-patent-grant><us-bibliographic-data-grant>'
        "<publication-reference><document-id><country>US</country><doc-number>08926509</doc-number><kind>B2</kind>"
        '<date>20150106</date></document-id></publication-reference><application-reference appl-type="utility">'
        "<document-id><country>US</country><doc-number>12134151</doc-number><date>20080605</date></document-id>"
        "</application-reference><invention-title>Wireless sensor patches</invention-title><assignees><assignee>"
        "<addressbook><orgname>Hmicro, Inc.</orgname><address><city>Fremont</city><state>CA</state><country>US</country>"
        "</address></addressbook></assignee></assignees></us-bibliographic-data-grant></us-patent-grant>\n",
        encoding="utf-8",
    )
    report = ingest([us], data, status_date=dt.date(2024, 12, 31), database_url=db.url)
    assert report.new == 1
    follow_ingest(report, data, db.url)
    csrf = sign_in(client, "suzhou")
    merge = {"csrf_token": csrf, "keep": 1, "other": 2}
    assert client.post("/entities/merge", data=merge).status_code == 403  # province-wide data: not from one city
    assert client.post("/api/v1/entities/1/merge", json={"other": 2}, headers={"X-CSRF-Token": csrf}).status_code == 403
    assert client.post("/entities/apply", data={"csrf_token": csrf}).status_code == 403
    client.cookies.clear()
    csrf = sign_in(client, "admin")
    assert 'id="applicant-entity"' in client.get("/patents/201710601862.3").text
    us_page = client.get("/patents/US12134151").text
    assert "Wireless sensor patches" in us_page and "US12134151 · US" in us_page
    page = client.get("/entities", params={"q": "某某科技"}).text
    assert "SUZHOU MOUMOU TECHNOLOGY CO LTD" in page and "苏州某某科技有限公司" in page
    found = client.get("/api/v1/entities", params={"q": "suzhou moumou"}).json()
    assert len(found) == 1 and {n["method"] for n in found[0]["names"]} == {"exact", "translation"}
    pairs = client.get("/api/v1/entities/pairs").json()
    pair = next(p for p in pairs if "无锡甲乙丙电子有限公司" in (p["a"], p["b"]))
    assert 'id="entity-pairs"' in client.get("/entities").text
    r = client.post("/entities/merge", data={"csrf_token": csrf, "keep": pair["a_entity"], "other": pair["b_entity"]})
    assert r.status_code == 200 and "无锡甲乙丙电气有限公司" in r.text and 'id="entity-detail"' in r.text
    assert client.get(f"/api/v1/entities/{pair['b_entity']}").json()["merged_into"] == pair["a_entity"]
    assert client.get("/api/v1/entities/999999").status_code == 404
    headers = {"X-CSRF-Token": csrf}
    moved = client.post("/api/v1/entities/move", json={"name": "无锡甲乙丙电气有限公司"}, headers=headers).json()
    assert [n["name"] for n in moved["names"]] == ["无锡甲乙丙电气有限公司"]
    assert client.post("/api/v1/entities/pairs/999999/reject", headers=headers).status_code == 404
    client.cookies.clear()
    sign_in(client, "ent")
    assert client.get("/entities").status_code == 403
    assert client.post("/api/v1/entities/1/merge", json={"other": 2}, headers=headers).status_code == 403


def test_workdays_api(site) -> None:
    client, _db, _ids = site
    csrf = sign_in(client, "admin")
    r = client.get("/api/v1/workdays/add", params={"date": "2024-09-30", "n": 1}).json()
    assert r == {"start": "2024-09-30", "date": "2024-10-08", "provisional": False, "warning": None}
    assert client.get("/api/v1/workdays/months", params={"date": "2024-01-31", "months": 1}).json()["date"] == "2024-02-29"
    body = {"day": "2027-01-01", "kind": "holiday", "name": "元旦", "source": "国务院办公厅通知"}
    assert client.post("/api/v1/workdays", json=body, headers={"X-CSRF-Token": csrf}).status_code == 200
    assert [d["day"] for d in client.get("/api/v1/workdays", params={"year": 2027}).json()] == ["2027-01-01"]
    page = client.get("/calendar", params={"year": 2024, "start": "2024-09-30", "n": 1}).text
    assert "2024-10-08" in page and "国庆节" in page and 'id="calendar-add"' in page
    assert 'id="limit-form"' in page and "prescreen" in page
    limit = {"csrf_token": csrf, "limit": "prescreen.intake", "amount": "3", "source": "中心规程"}
    r = client.post("/calendar/limits", data=limit)
    assert r.status_code == 200 and "中心规程" in r.text
    spring = {"csrf_token": csrf, "day": "2027-02-05", "kind": "holiday", "name": "春节", "source": "通知"}
    r = client.post("/calendar", data=spring)
    assert r.status_code == 200 and "2027-02-05" in r.text
    assert "calendar-result" in client.get("/calendar", params={"start": "2027-02-04", "months": 1}).text
    client.cookies.clear()
    csrf = sign_in(client, "suzhou")
    assert client.post("/api/v1/workdays", json=body, headers={"X-CSRF-Token": csrf}).status_code == 403
    assert 'id="calendar-add"' not in client.get("/calendar").text


def test_matter_types_api(site) -> None:
    client, _db, _ids = site
    sign_in(client, "suzhou")
    api = client.get("/api/v1/matters/types").json()
    assert [t["id"] for t in api][:4] == ["adjudication", "enforcement", "trademark", "prescreen"]
    assert api[0]["fields"]["properties"]["requester"]["description"] == "请求人 / requester"
    assert all(d["source"] for t in api for d in t["deadlines"])


def test_no_template_relies_on_what_the_csp_blocks() -> None:
    """The pages' CSP allows scripts from the platform's own files only: an inline handler (onchange=…) or an inline
    script would silently do nothing, as 受理新事项's type picker once did (JSON data blocks are not scripts)."""
    import re

    templates = Path(__file__).resolve().parents[1] / "src" / "ipstrong" / "web" / "templates"
    blocked = re.compile(r"\son[a-z]+\s*=|<script(?![^>]*(\ssrc=|application/json))[^>]*>")
    offending = [
        f"{path.name}: {match.group(0)}"
        for path in sorted(templates.glob("*.html"))
        for match in blocked.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offending == []


def test_the_public_portal_without_signing_in(db, tmp_path: Path) -> None:
    """Figures, search with abstracts, cases and where to file, for anyone; every link on those pages stays on the
    portal (or leads to signing in); a search beyond the address's limit is refused with when to try again."""
    cfg = Settings(data_dir=tmp_path / "data", database_url=db.url, public_searches_per_minute=2)
    ingest_export(cfg.data_dir, SUZHOU_ROW, NANJING_ROW, database_url=db.url)
    from ipstrong.search.index import build

    build(cfg.data_dir)
    with TestClient(create_app(cfg), raise_server_exceptions=False) as client:
        pages = {
            path: client.get(path) for path in ("/public", "/public/search?q=TI%3D锂电池", "/public/cases", "/public/services")
        }
        assert all(r.status_code == 200 for r in pages.values())
        assert "苏州市" in pages["/public"].text and 'id="figures"' in pages["/public"].text
        assert "201710601862.3" in pages["/public/search?q=TI%3D锂电池"].text
        for path, r in pages.items():
            links = set(re.findall(r'href="([^"#]+)"', r.text))
            outside = {h for h in links if not h.startswith(("/public", "/login", "/lang/", "/static/"))}
            assert outside == set(), (path, outside)  # nothing behind sign-in is linked from the portal
        assert "/indicators/explain" not in pages["/public"].text
        twin = client.get("/api/v1/public/figures").json()
        assert twin["region"] == "320000" and len(twin["records"]) == 14
        hits = client.get("/api/v1/public/search", params={"q": "TI=锂电池"}).json()["hits"]  # the second this minute
        assert hits[0]["app_no"] == "201710601862.3" and "abstract" in hits[0]
        refused = client.get("/public/search", params={"q": "TI=电极"})
        assert refused.status_code == 429 and "检索过于频繁" in refused.text and 'href="/public/search"' in refused.text
        again = client.get("/api/v1/public/search", params={"q": "TI=锂电池"})
        assert again.status_code == 429 and int(again.headers["retry-after"]) >= 1
        assert client.get("/api/v1/public/services").json() == []
        assert client.get("/admin/users", follow_redirects=False).status_code == 303  # the rest still needs signing in


def test_batch_lookup_and_ipc_browser_apis(site) -> None:
    client, _db, _ids = site
    ingest_export(client.app.state.ctx.data_dir, SUZHOU_ROW, NANJING_ROW)
    csrf = sign_in(client, "suzhou")
    rows = client.post(
        "/api/v1/search/batch", json={"numbers": ["ZL201710601862.3", "201810000004.9"]}, headers={"X-CSRF-Token": csrf}
    ).json()
    assert [(r["found"], r["app_no"]) for r in rows] == [(True, "201710601862.3"), (False, None)]
    assert "check digit" in rows[1]["reason"]["en"]
    assert client.post("/api/v1/search/batch", json={"numbers": []}, headers={"X-CSRF-Token": csrf}).status_code == 422
    branch = client.get("/api/v1/ipc", params={"code": "H01M"}).json()
    assert [n["code"] for n in branch["path"]] == ["H", "H01", "H01M"] and branch["children"][0]["code"] == "H01M2/00"
    assert client.get("/api/v1/ipc", params={"code": "H01Z"}).status_code == 404
    page = client.post("/search/batch", data={"csrf_token": csrf, "numbers": "201710601862.3"}).text
    assert 'id="batch-rows"' in page and "一种锂电池" in page


def test_a_patents_printable_sheet(site) -> None:
    from pypdf import PdfReader

    client, _db, _ids = site
    ingest_export(client.app.state.ctx.data_dir, SUZHOU_ROW)
    sign_in(client, "suzhou")
    assert "/patents/201710601862.3/sheet.pdf" in client.get("/patents/201710601862.3").text
    answer = client.get("/patents/201710601862.3/sheet.pdf")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    for expected in ("一种锂电池", "201710601862.3", "苏州某某科技有限公司", "发明 / invention", "2019-01-02"):
        assert expected in text, expected
    assert client.get("/patents/201710601862.4/sheet.pdf").status_code == 400  # a wrong check digit, said


def test_the_patent_award_on_the_web(site) -> None:
    """Experts score from their page (a score of 120 refused in words), the province's administrator sees the ranking
    and publishes it, the awards are written into the warehouse by the queued job and listed for the public."""
    from ipstrong.jobs import make_queue
    from ipstrong.warehouse import run_sql

    client, db, _ids = site
    data = client.app.state.ctx.data_dir
    ingest_export(data, SUZHOU_ROW, NANJING_ROW, database_url=db.url)
    mid = award_in_review(data, db.factory, db.url, experts=3)
    for n in range(3):
        client.cookies.clear()
        csrf = sign_in(client, f"expert{n}")
        review = client.get("/awards/review").text
        assert 'href="/awards/review"' in review and f'id="sheet-{mid}"' in review and "锂电池的电极结构" in review
        sheet = {"csrf_token": csrf, "quality": "88", "advance": "90", "use": "92", "benefit": "90"}
        if n == 0:
            refused = client.post(f"/awards/review/{mid}", data={**sheet, "quality": "120"})
            assert refused.status_code == 400 and "0–100" in refused.text
            assert client.post(f"/awards/review/{mid}", data=sheet, follow_redirects=False).status_code == 303
            assert "<strong>90.0</strong>" in client.get("/awards/review").text
        else:
            headers = {"X-CSRF-Token": csrf}
            body = {"scores": {k: float(v) for k, v in sheet.items() if k != "csrf_token"}}
            assert client.post(f"/api/v1/awards/{mid}/scores", json=body, headers=headers).json()["weighted"] == 90.0
        assert client.get("/awards").status_code == 403  # experts score; the ranking is the staff's
    client.cookies.clear()
    csrf = sign_in(client, "award_admin")
    page = client.get("/awards?cycle=2").text
    assert 'id="award-ranking"' in page and "江苏专利金奖" in page and 'id="award-publish"' in page
    ranking = client.get("/api/v1/awards/ranking?cycle=2").json()
    assert [(e["score"], e["grade"], e["experts"]) for e in ranking["entries"]] == [(90.0, "gold", 3)]
    assert client.get("/api/v1/awards/ranking?cycle=9").status_code == 404
    assert client.post("/awards/publish", data={"csrf_token": csrf, "cycle": "2"}, follow_redirects=False).status_code == 303
    assert 'id="award-published"' in client.get("/awards?cycle=2").text
    queue, _task = make_queue(client.app.state.ctx.settings)
    queue.execute(queue.dequeue())
    stored = run_sql(data, "SELECT event_type FROM events WHERE event_type LIKE '%award'").to_pylist()
    assert stored == [{"event_type": "provincial_award"}]
    client.cookies.clear()
    public = client.get("/public/patent-award").text
    assert 'id="award-results"' in public and "苏州某某科技有限公司" in public and "江苏专利金奖" in public
    assert client.get("/api/v1/public/patent-award?cycle=2").json()[0]["grade"] == "gold"


def test_cultivation_centres_recorded_on_the_page_and_measured(site) -> None:
    """Province staff record a centre led by the Suzhou firm from the page (a year that is not one refused in
    words); its 2019 output is the firm's invention granted that year; a Nanjing official sees no Suzhou centre."""
    from ipstrong.ingest.pipeline import apply_entities

    client, db, _ids = site
    data = client.app.state.ctx.data_dir
    ingest_export(data, SUZHOU_ROW, NANJING_ROW, database_url=db.url)
    apply_entities(data, db.url)
    csrf = sign_in(client, "admin")
    form = {"csrf_token": csrf, "name": "锂电池高价值专利培育中心", "region_code": "320500", "lead": "苏州某某科技有限公司",
            "members": "苏州某某科技有限公司\n苏州某某材料研究所\n", "industry": "锂电池",
            "approved_year": "二〇一九"}  # fmt: skip
    refused = client.post("/cultivation", data=form)
    assert refused.status_code == 400 and "approved_year" in refused.text
    assert client.post("/cultivation", data={**form, "approved_year": "2019"}, follow_redirects=False).status_code == 303
    page = client.get("/cultivation?year=2019").text
    assert 'id="centres"' in page and "锂电池高价值专利培育中心" in page and "仓库中未见此申请人" in page
    centre = client.get("/api/v1/cultivation/centres?year=2019").json()["centres"][0]
    assert centre["figures"]["grants_invention"] == 1 and centre["figures"]["effective_inventions"] == 1
    assert centre["previous"]["applications_invention"] == 0  # filed in 2017
    assert [m["name"] for m in centre["members"]] == ["苏州某某科技有限公司", "苏州某某材料研究所"]
    client.cookies.clear()
    sign_in(client, "nanjing")
    assert client.get("/api/v1/cultivation/centres?year=2019").json()["centres"] == []


def test_the_self_assessment_on_the_web(site) -> None:
    """An enterprise's user rates two items from the page (a score of 7 refused, naming the field), sees its gaps;
    province staff see Suzhou's adoption and open the firm's report; a Nanjing official may not."""
    client, db, _ids = site
    with transaction(db.factory) as s:
        org = create_organisation(s, SYSTEM, "enterprise", "苏州某某科技有限公司", "320506", "91320506MA1XXXXX09").id
        create_user(s, SYSTEM, "owner", PW, "enterprise_user", "320506", "知识产权经理", organisation_id=org)
    csrf = sign_in(client, "owner")
    page = client.get("/compliance").text
    assert 'href="/compliance"' in page and 'id="assessment-form"' in page and "合规文化" in page
    form = {"csrf_token": csrf, "year": "2025", "score_4.1": "3", "evidence_4.1": "环境分析报告", "score_8.6": "1"}
    refused = client.post("/compliance", data={**form, "score_8.6": "7"})
    assert refused.status_code == 400 and "answers.8.6.score" in refused.text
    assert client.post("/compliance", data=form, follow_redirects=False).status_code == 303
    page = client.get("/compliance?year=2025").text
    assert 'id="gap-list"' in page and "环境分析报告" in page and "66.7" in page
    gaps = client.get("/api/v1/compliance/gaps?year=2025").json()
    assert (gaps["answered"], gaps["conforming"]) == (2, False) and gaps["gaps"][0]["item"] == "4.2"
    assert client.get(f"/api/v1/compliance/gaps?year=2025&org={org + 1}").status_code == 403  # only its own
    client.cookies.clear()
    sign_in(client, "admin")
    page = client.get("/compliance?year=2025").text
    assert 'id="adoption"' in page and "苏州市" in page and f"org={org}" in page
    report = client.get(f"/compliance?year=2025&org={org}").text
    assert 'id="gap-list"' in report and 'id="assessment-form"' not in report
    client.cookies.clear()
    sign_in(client, "nanjing")
    assert client.get(f"/api/v1/compliance/gaps?year=2025&org={org}").status_code == 403


def test_programme_projects_funded_from_the_page(site) -> None:
    """A project in review is funded from /projects (an amount that is not a number refused, naming the field); it
    then shows its grant and the Suzhou firm's invention filed and granted within its 2017–2019 term."""
    from ipstrong.ingest.pipeline import apply_entities
    from ipstrong.matters import service

    client, db, _ids = site
    data = client.app.state.ctx.data_dir
    ingest_export(data, SUZHOU_ROW, database_url=db.url)
    apply_entities(data, db.url)
    day, pdf = dt.date(2016, 12, 1), b"%PDF-1.4\n%%EOF\n"
    with transaction(db.factory) as s:
        office = create_organisation(s, SYSTEM, "office", "江苏省知识产权局", "320000").id
        staff = actor_of(create_user(s, SYSTEM, "planner", PW, "province_admin", "320000", "计划处", organisation_id=office))
        call = service.file_matter(s, staff, "programme_call", office, {
            "title": "2017 年度知识产权战略推进计划", "year": 2017, "category": "企业知识产权战略推进", "opens": "2016-11-01",
            "closes": "2016-12-31", "max_grant_10k_yuan": 50, "total_budget_10k_yuan": 1000}, data, day, today=day)  # fmt: skip
        service.attach_document(s, staff, call.id, "notice", "通知.pdf", pdf, data, max_mb=1)
        service.take_step(s, staff, call.id, "publish", on=day, today=day)
        mid = service.file_matter(s, staff, "programme_project", office, {
            "call": call.number, "applicant": "苏州某某科技有限公司", "title": "锂电池专利布局", "requested_10k_yuan": 20,
            "self_funded_10k_yuan": 20, "start": "2017-01-01", "end": "2019-12-31", "target_invention_filings": 2,
            "target_invention_grants": 1, "plan": "围绕锂电池电极开展专利布局。"}, data, day, today=day).id  # fmt: skip
        for kind in ("application", "review", "decision"):
            service.attach_document(s, staff, mid, kind, f"{kind}.pdf", pdf, data, max_mb=1)
        service.take_step(s, staff, mid, "admit", on=day, today=day)
    csrf = sign_in(client, "planner")
    page = client.get("/projects").text
    assert 'href="/projects"' in page and 'id="pending-projects"' in page and "锂电池专利布局" in page
    refused = client.post(f"/projects/{mid}/funding", data={"csrf_token": csrf, "amount_10k_yuan": "二十"})
    assert refused.status_code == 400 and "amount_10k_yuan" in refused.text
    assert client.post(f"/projects/{mid}/funding", data={"csrf_token": csrf, "amount_10k_yuan": "18"},
                       follow_redirects=False).status_code == 303  # fmt: skip
    assert 'id="projects"' in client.get("/projects").text
    [row] = client.get("/api/v1/projects").json()
    assert (row["state"], row["granted_10k_yuan"], row["invention_filings"], row["invention_grants"]) == ("funded", 18, 1, 1)
    assert (row["filings_pct"], row["grants_pct"]) == (50.0, 100.0)


def test_a_valuation_report_its_evaluator_entry_and_pdf(site) -> None:
    """A signed-in reader opens the Suzhou invention's valuation for financing; an evaluation agency's user enters
    the indicators the warehouse cannot give (a score of 120 refused, naming it), and the report and its PDF carry
    them; the public portal has no valuation."""
    client, db, _ids = site
    ingest_export(client.app.state.ctx.data_dir, SUZHOU_ROW, database_url=db.url)
    with transaction(db.factory) as s:
        agency = create_organisation(s, SYSTEM, "agency", "江苏某某资产评估有限公司", "320500").id
        create_user(s, SYSTEM, "valuer", PW, "agency_user", "320500", "评估师", organisation_id=agency)
    csrf = sign_in(client, "valuer")
    page = client.get("/valuation?app_no=201710601862.3&purpose=financing").text
    assert 'href="/valuation"' in page and 'id="valuation-report"' in page and 'id="evaluation-form"' in page
    form = {"csrf_token": csrf, "app_no": "201710601862.3", "purpose": "financing", "score_advancement": "80",
            "score_maturity": "70", "score_market": "60", "score_contribution": "50", "amount_10k_yuan": "120",
            "method": "income"}  # fmt: skip
    refused = client.post("/valuation", data={**form, "score_market": "120"})
    assert refused.status_code == 400 and "market size: a score is 0-100" in refused.text
    assert client.post("/valuation", data=form, follow_redirects=False).status_code == 303
    report = client.get("/api/v1/valuation?app_no=201710601862.3&purpose=financing").json()
    scores = {s["indicator"]: s["score"] for s in report["scores"]}
    assert (scores["market"], scores["legal_status"], report["amount_10k_yuan"], report["evaluator"]) == (60, 100, 120, "valuer")
    pdf = client.get("/valuation/report.pdf?app_no=201710601862.3&purpose=financing")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/api/v1/valuation?app_no=201710601862.3&purpose=luck").status_code == 422
    client.cookies.clear()
    assert client.get("/valuation?app_no=201710601862.3", follow_redirects=False).status_code == 303  # sign in first


def test_a_match_opens_a_contact_request_filled_in(site) -> None:
    """The "contact" link of a match opens the filing form of a matchmaking contact with the patent and the need
    filled in, beside the enterprise's own name; filed, it is a matter of the office."""
    from ipstrong.search.index import build

    client, db, _ids = site
    data = client.app.state.ctx.data_dir
    ingest_export(data, SUZHOU_ROW, database_url=db.url)
    build(data)
    with transaction(db.factory) as s:
        office = create_organisation(s, SYSTEM, "office", "苏州市知识产权局", "320500").id
        firm = create_organisation(s, SYSTEM, "enterprise", "苏州需求科技有限公司", "320505", "91320505MA1YYYYY03").id
        create_user(s, SYSTEM, "buyer", PW, "enterprise_user", "320505", "技术经理", organisation_id=firm)
    csrf = sign_in(client, "buyer")
    found = client.get("/match?text=需要锂电池方面的技术").text
    link = re.search(r'href="(/matters/new\?type=match_contact[^"]+)"', found).group(1).replace("&amp;", "&")
    form = client.get(link).text
    assert "201710601862.3" in form and "需要锂电池方面的技术" in form and "苏州需求科技有限公司" in form
    filed = client.post("/matters/new", data={"csrf_token": csrf, "type": "match_contact", "body_id": str(office),
                                              "requester": "苏州需求科技有限公司", "patents": "201710601862.3",
                                              "need": "需要锂电池方面的技术", "way": "licence", "contact": "王经理 0512-1"},
                        follow_redirects=False)  # fmt: skip
    assert filed.status_code == 303 and filed.headers["location"].startswith("/matters/")


def test_an_enterprise_profile_from_the_directory(site) -> None:
    """The Suzhou firm of the hand-made pledges (two inventions, both pledged in 2024) with a provincial award on one
    and a registered mark: its profile for 2024 shows them, its tier beside 2023's, and the pledge matter naming it;
    the directory links to it; a Nanjing official may not open it."""
    from conftest import ingest_pledges
    from ipstrong.ingest import ingest
    from ipstrong.ingest.entity_store import entity_of_name
    from ipstrong.matters import service

    client, db, _ids = site
    data = client.app.state.ctx.data_dir
    ingest_pledges(data, db.url)
    extra = data.parent / "extra"
    extra.mkdir()
    (extra / "award.csv").write_text("申请号,事件类型,事件日期\n202310000011.9,第二届江苏专利金奖,2024-07-01\n", encoding="utf-8")
    (extra / "marks.csv").write_text(
        "注册号,商标名称,国际分类,注册人,注册人地址,申请日,注册日,专用权期限至,商标状态\n"
        "3001,甲锂,9,苏州甲科技有限公司,江苏省苏州市吴中区星湖街1号,2019-01-01,2020-01-01,2030-01-01,已注册\n",
        encoding="utf-8",
    )
    for name in ("award.csv", "marks.csv"):
        ingest([extra / name], data, status_date=dt.date(2024, 12, 31), database_url=db.url)
    day = dt.date(2024, 12, 20)
    with transaction(db.factory) as s:
        office = create_organisation(s, SYSTEM, "office", "苏州市知识产权局", "320500").id
        officer = actor_of(create_user(s, SYSTEM, "zy", PW, "case_officer", "320500", "承办人", organisation_id=office))
        contact = {"requester": "苏州甲科技有限公司", "patents": ["202310000033.5"], "need": "需要织物技术", "way": "licence",
                   "contact": "李经理 0512-2"}  # fmt: skip
        service.file_matter(s, officer, "match_contact", office, contact, data, day, today=day)
        entity = entity_of_name(s, "苏州甲科技有限公司").id
    sign_in(client, "admin")
    directory = client.get("/enterprises?year=2024").text
    assert f'href="/enterprises/{entity}?year=2024"' in directory
    profile = client.get(f"/api/v1/enterprises/{entity}?year=2024").json()
    assert (profile["figures"]["effective_inventions"], profile["pledged_patents"], profile["registered_marks"]) == (2, 2, 1)
    assert [(a["app_no"], a["level"]) for a in profile["awards"]] == [("202310000011.9", "provincial_award")]
    assert [(m["type"], m["matters"], m["open"]) for m in profile["matters"]] == [("match_contact", 1, 1)]
    page = client.get(f"/enterprises/{entity}?year=2024").text
    assert 'id="profile-figures"' in page and "第二届江苏专利金奖" in page
    assert client.get("/api/v1/enterprises/tiers?year=2024").status_code == 200  # the directory's own address still
    client.cookies.clear()
    sign_in(client, "nanjing")
    assert client.get(f"/api/v1/enterprises/{entity}?year=2024").status_code == 404
    with transaction(db.factory) as s:  # the firm's own user opens its profile from its home page
        firm = create_organisation(s, SYSTEM, "enterprise", "苏州甲科技有限公司", "320506", "91320506MA1XXXXX09").id
        create_user(s, SYSTEM, "jia", PW, "enterprise_user", "320506", "经理", organisation_id=firm)
    client.cookies.clear()
    sign_in(client, "jia")
    assert f'href="/enterprises/{entity}"' in client.get("/").text
    assert client.get(f"/api/v1/enterprises/{entity}?year=2024").json()["pledged_patents"] == 2
    assert client.get(f"/api/v1/enterprises/{entity + 1}?year=2024").status_code == 404  # another's: not its own


def test_navigation_from_industry_to_report_on_the_web(site) -> None:
    """Staff define an industry (an IPC symbol that is not one refused, naming the field), preview it, make its report
    through the job queue, keep a text of their own in it, and download it as HTML, XLSX and PDF."""
    from ipstrong.jobs import make_queue

    client, db, _ids = site
    ingest_export(client.app.state.ctx.data_dir, SUZHOU_ROW, NANJING_ROW, database_url=db.url)
    csrf = sign_in(client, "admin")
    assert 'href="/navigation"' in client.get("/").text
    form = {"csrf_token": csrf, "name": "锂电池", "ipc": "H01M", "keywords": "锂电池", "exclude_ipc": "", "exclude_keywords": ""}
    refused = client.post("/navigation/industries", data={**form, "ipc": "电池"})
    assert refused.status_code == 400 and "not an IPC symbol" in refused.text
    refused = client.post("/navigation/industries", data={**form, "sei": "9.99"})
    assert refused.status_code == 400 and "not an SEI industry or branch number: 9.99" in refused.text
    saved = client.post("/navigation/industries", data=form, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get(saved.headers["location"]).text
    assert 'id="preview-count">1<' in page and "201710601862.3" in page
    [industry] = client.get("/api/v1/navigation/industries").json()
    ask = {"csrf_token": csrf, "industry_id": str(industry["id"]), "region": "320500", "kind": "industry"}
    for wrong, refusal in (
        ({"kind": "enterprise"}, "names an enterprise"),
        ({"enterprise": "abc"}, "the id is a number"),
    ):
        refused = client.post("/navigation/reports", data={**ask, **wrong})
        assert refused.status_code == 400 and refusal in refused.text, wrong
    made = client.post("/navigation/reports", data=ask, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/jobs"
    queue, _task = make_queue(client.app.state.ctx.settings)
    queue.execute(queue.dequeue())
    [job] = client.get("/api/v1/jobs").json()
    assert job["status"] == "done", job
    [kept] = client.get("/api/v1/navigation/reports").json()
    assert (kept["patents"], kept["region_code"], kept["kind"], kept["home_name"]) == (1, "320500", "industry", "苏州市")
    # the API's twin of the form: a region report of the province, made by the queue
    api = {"X-CSRF-Token": csrf}
    started = client.post("/api/v1/navigation/reports", json={"industry_id": industry["id"], "kind": "region"}, headers=api)
    assert started.status_code == 200, started.text
    queue.execute(queue.dequeue())
    region = client.get("/api/v1/navigation/reports").json()[0]
    assert (region["kind"], region["home_name"]) == ("region", "江苏省")
    assert 'id="section-competitiveness"' in client.get(f"/navigation/reports/{region['id']}").text
    wrong = client.post("/api/v1/navigation/reports", json={"industry_id": industry["id"], "kind": "x"}, headers=api)
    assert wrong.status_code == 400 and "no report kind x" in wrong.text
    viewer = client.get(f"/navigation/reports/{kept['id']}").text
    assert 'id="report-charts"' in viewer and 'id="section-gap"' in viewer and "苏州市" in viewer
    note = {"csrf_token": csrf, "section": "gap", "text": "重点发展固态电池。"}
    assert client.post(f"/navigation/reports/{kept['id']}/edits", data=note, follow_redirects=False).status_code == 303
    assert client.get(f"/api/v1/navigation/reports/{kept['id']}").json()["edits"] == {"gap": "重点发展固态电池。"}
    for fmt, start in (("html", b"<!doctype html>"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        answer = client.get(f"/navigation/reports/{kept['id']}/report.{fmt}")
        assert answer.status_code == 200 and answer.content.startswith(start), fmt
    assert "重点发展固态电池。" in client.get(f"/navigation/reports/{kept['id']}/report.html").text
    client.cookies.clear()
    sign_in(client, "ent")
    assert client.get("/navigation").status_code == 403
