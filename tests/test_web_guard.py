"""The guard around the whole application: no body read before the sender is known, slow bodies refused, and the
security headers and the access log on every response, errors included."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_web import sign_in, site  # noqa: F401 - site is a fixture

from ipstrong.config import Settings
from ipstrong.web.app import create_app


def _call(app, method: str, path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]], pause: float = 0):
    """Drive the ASGI app directly; return the response status, its headers and how many body chunks it read."""
    read = {"chunks": 0}
    sent: list[dict] = []

    async def receive():
        if read["chunks"] < len(chunks):
            read["chunks"] += 1
            if pause and read["chunks"] > 1:
                await asyncio.sleep(pause)
            return {"type": "http.request", "body": chunks[read["chunks"] - 1], "more_body": read["chunks"] < len(chunks)}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "path": path,
             "raw_path": path.encode(), "query_string": b"", "headers": headers, "client": ("10.9.9.9", 1),
             "server": ("testserver", 80), "scheme": "http", "root_path": ""}  # fmt: skip
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, read["chunks"]


def test_no_body_is_read_before_the_sender_is_known(site) -> None:  # noqa: F811
    client, _db, _ids = site
    chunks = [b"x" * 1_000_000] * 1500  # 1.5 GB declared, never read
    headers = [(b"content-type", b"multipart/form-data; boundary=x"), (b"content-length", b"1500000000")]
    status, response_headers, read = _call(client.app, "POST", "/jobs/ingest", chunks, headers)
    assert (status, read) == (303, 0) and response_headers["location"].startswith("/login")
    status, response_headers, read = _call(client.app, "POST", "/api/v1/users", chunks, headers)
    assert (status, read) == (401, 0) and response_headers["x-content-type-options"] == "nosniff"
    forged = [*headers, (b"authorization", b"Bearer ips_forged")]
    assert _call(client.app, "POST", "/api/v1/users", chunks, forged)[::2] == (403, 0)


def test_a_body_that_stops_arriving_is_refused(tmp_path: Path, db) -> None:
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import create_token, create_user
    from ipstrong.db import transaction

    cfg = Settings(data_dir=tmp_path / "data", database_url=db.url, body_idle_timeout_s=0.2)
    with transaction(db.factory) as s:
        user = create_user(s, SYSTEM, "admin", "a long password 1", "province_admin", "320000")
        _token, plain = create_token(s, SYSTEM.__class__(user.id, "admin", "province_admin", "320000"), "t", ["write"])
    app = create_app(cfg)
    with TestClient(app):
        headers = [(b"content-type", b"application/json"), (b"content-length", b"100000"),
                   (b"authorization", f"Bearer {plain}".encode())]  # fmt: skip
        status, response_headers, read = _call(app, "POST", "/api/v1/users", [b"{", b'"a"'], headers, pause=1.0)
    assert status == 408 and read == 2 and "content-security-policy" in response_headers


def test_errors_carry_the_security_headers_and_reach_the_access_log(site, caplog) -> None:  # noqa: F811
    client, _db, _ids = site

    def boom() -> None:
        raise RuntimeError("a bug")

    client.app.router.add_api_route("/api/v1/boom", boom)
    client.app.middleware_stack = client.app.build_middleware_stack()
    with caplog.at_level(logging.INFO, logger="ipstrong.web"):
        crashed = client.get("/api/v1/boom")
        too_large = client.post("/login", content=b"x" * 2_000_000, headers={"content-type": "application/x-www-form-urlencoded"})
    for response in (crashed, too_large):
        assert response.headers["x-frame-options"] == "DENY" and "frame-ancestors" in response.headers["content-security-policy"]
    assert (crashed.status_code, too_large.status_code) == (500, 413)
    logged = [getattr(r, "fields", {}) for r in caplog.records if r.getMessage() == "request"]
    assert {(f["path"], f["status"]) for f in logged} >= {("/api/v1/boom", 500), ("/login", 413)}
    assert "RuntimeError" not in crashed.text


@pytest.mark.parametrize("scheme", ["https"])
def test_hsts_when_served_over_https(site, scheme: str) -> None:  # noqa: F811
    client, _db, _ids = site
    secure = TestClient(client.app, base_url=f"{scheme}://testserver")
    assert secure.get("/login").headers["strict-transport-security"].startswith("max-age=")
    assert "strict-transport-security" not in client.get("/login").headers


def test_a_stuck_writer_makes_writes_answer_503_and_readyz_unhealthy_not_everything_hang(tmp_path: Path, db) -> None:
    import time

    from sqlalchemy import text

    from conftest import post_login
    from ipstrong.accounts.audit import ADVISORY_KEY
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import create_user
    from ipstrong.db import transaction

    with transaction(db.factory) as s:
        create_user(s, SYSTEM, "admin", "a long password 1", "province_admin", "320000")
    cfg = Settings(data_dir=tmp_path / "data", database_url=db.url, db_lock_timeout_s=1, db_statement_timeout_s=5)
    with TestClient(create_app(cfg), raise_server_exceptions=False) as client:
        assert client.get("/readyz").json() == {"ready": True, "checks": {"database": "ok"}}
        stuck = db.engine.execution_options(
            ips_writer=True
        ).connect()  # another process's transaction holding the audit chain's lock
        if db.dialect == "postgresql":
            stuck.begin()
            stuck.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY})
        else:
            stuck.begin()  # BEGIN IMMEDIATE: SQLite's write lock
        try:
            started = time.perf_counter()
            assert client.get("/healthz").json() == {"status": "ok"}
            ready = client.get("/readyz")
            assert ready.status_code == 503 and ready.json()["checks"]["database"].startswith("error")
            login = post_login(client, "admin", "wrong password")  # every sign-in attempt writes the audit log
            assert login.status_code == 503 and "数据库繁忙" in login.text and login.headers["retry-after"] == "5"
            assert time.perf_counter() - started < 15
        finally:
            stuck.rollback()
            stuck.close()
        assert client.get("/readyz").json()["ready"] is True
