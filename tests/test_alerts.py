"""Watches and their pushes (issue 22): the changes between snapshots on the real AR export and a hand-made register,
what each kind of watch finds, and each channel's delivery — in-app, e-mail through a local SMTP server, a signed
webhook — with retries when a channel is down and nothing sent twice. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from conftest import shared_data
from ipstrong.accounts.roles import SYSTEM
from ipstrong.accounts.service import actor_of, create_user
from ipstrong.alerts.models import Delivery, Watchlist
from ipstrong.alerts.watch import (
    WatchIn,
    add_watch,
    deliver_due,
    deliveries,
    events,
    run_watchlists,
    stop_watch,
    unsubscribe,
    watches,
)
from ipstrong.config import Settings
from ipstrong.db import transaction
from ipstrong.ingest import ingest
from ipstrong.ingest.follow import follow_ingest
from ipstrong.messages import IpsError

PW = "a long password 1"
OPEN = Settings(webhooks_private_ok=True)  # the tests' webhook listens on this machine


def _ar_rows() -> tuple[str, list[dict[str, str]], list[str]]:
    path = shared_data("cn-patent-db-exports", "patentics_cn_title-augmented-reality_4483.csv")
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    return lines[0], list(csv.DictReader(lines)), lines[1:]


@pytest.fixture
def two_snapshots(db, tmp_path: Path) -> Iterator[Path]:
    """The AR export's first 4,000 rows, then the whole file: 483 applications new in the second snapshot."""
    from ipstrong.search.index import build

    header, _rows, lines = _ar_rows()
    data = tmp_path / "data"
    first = tmp_path / "first.csv"
    first.write_text("\n".join([header, *lines[:4000]]) + "\n", encoding="utf-8")
    follow_ingest(ingest([first], data, status_date=dt.date(2022, 5, 30), database_url=db.url), data, db.url)
    build(data)
    yield data


def _watch(db, data: Path, actor, settings: Settings = OPEN, **fields) -> int:
    with transaction(db.factory) as s:
        return add_watch(s, actor, data, settings, WatchIn(**fields)).id


def _second(db, data: Path, tmp_path: Path) -> None:
    header, _rows, lines = _ar_rows()
    whole = tmp_path / "whole.csv"
    whole.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    follow_ingest(ingest([whole], data, status_date=dt.date(2022, 5, 30), database_url=db.url), data, db.url)


def _samsung(data: Path) -> int:
    from ipstrong.warehouse.connection import snapshot_connection

    con = snapshot_connection(data)
    try:
        return int(
            con.execute("SELECT DISTINCT first_applicant_id FROM patents WHERE first_applicant = '三星电子株式会社'").fetchone()[
                0
            ]
        )
    finally:
        con.close()


def test_watches_find_what_a_new_snapshot_brings(db, two_snapshots: Path, tmp_path: Path) -> None:
    """Of the 483 applications only the whole file holds (counted in it): 9 have 眼镜 in the title, 6 of them granted;
    25 hold a G02B27/01 symbol, 19 of them granted; 16 are 三星电子株式会社's, 13 granted. A filing is one event and
    its grant another. A watch saved after the second snapshot finds nothing until a third; a run again finds no
    more (nothing twice)."""
    _header, rows, _lines = _ar_rows()
    new = rows[4000:]
    assert len(new) == 483
    glasses = [r for r in new if "眼镜" in r["标题"]]
    assert (len(glasses), sum(bool(r["授权公告日"].strip()) for r in glasses)) == (9, 6)
    data = two_snapshots
    samsung = _samsung(data)
    ids = {
        "query": _watch(db, data, SYSTEM, name="AR 眼镜", kind="query", target="TI=眼镜"),
        "ipc": _watch(db, data, SYSTEM, name="近眼显示", kind="ipc", target="G02B 27/01", mode="digest"),
        "applicant": _watch(db, data, SYSTEM, name="三星", kind="applicant", target=str(samsung)),
    }
    _second(db, data, tmp_path)
    report = run_watchlists(db.factory, data)
    assert (report.watchlists, report.events) == (3, 15 + 44 + 29)
    assert report.deliveries == 15 + 1 + 29  # one per event, but one digest for the IPC watch
    with db.factory() as s:
        found = events(s, SYSTEM, limit=500)
    by_watch: dict[int, list] = {}
    for e in found:
        by_watch.setdefault(e.watchlist_id, []).append(e)
    query_changes = sorted(e.change for e in by_watch[ids["query"]])
    assert query_changes == ["filing"] * 9 + ["grant"] * 6
    assert {e.app_no for e in by_watch[ids["query"]]} == {r["申请号"].removeprefix("CN") for r in glasses}
    assert len(by_watch[ids["ipc"]]) == 44 and len(by_watch[ids["applicant"]]) == 29
    assert run_watchlists(db.factory, data).events == 0  # read up to this snapshot already
    sent = deliver_due(db.factory, OPEN)
    assert (sent.sent, sent.retrying, sent.failed) == (45, 0, 0)  # in-app: kept in the platform at once
    assert deliver_due(db.factory, OPEN).sent == 0


CHANGING = "申请号,申请日,授权公告日,名称,申请（专利权）人,地址,专利类型,主分类号,分类号,法律状态\n"
ROWS = (
    "202310000011.9,2023-01-05,2023-12-01,一种锂电池,苏州甲科技有限公司,江苏省苏州市吴中区星湖街1号,发明,H01M10/0525,H01M10/0525,{a}\n"
    "202310000022.7,2023-01-06,2023-12-02,一种电极,苏州甲科技有限公司,江苏省苏州市吴中区星湖街1号,发明,H01M4/583,H01M4/583,有效\n"
    "202310000033.5,2023-01-07,2023-06-01,一种织物,南京乙有限公司,江苏省南京市鼓楼区汉口路22号,发明,D03D15/00,D03D15/00,{c}\n"
)
EVENTS = (
    "申请号,事件类型,事件日期,转出方,转入方,金额（万元）\n"
    "202310000011.9,质押,2024-03-01,苏州甲科技有限公司,苏州银行,800\n"
    "202310000022.7,转让,2024-04-01,苏州甲科技有限公司,苏州丙有限公司,\n"
)


def _register(data: Path, tmp_path: Path, name: str, text: str, day: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    ingest([path], data, status_date=dt.date.fromisoformat(day))


def test_lapses_restorations_transfers_and_pledges_within_a_region(db, tmp_path: Path) -> None:
    """Three inventions in force; then a pledge of the battery and a transfer of the electrode (Suzhou's), and the
    Nanjing fabric lapsed; then the fabric restored. A Suzhou city official's H01M watch sees the pledge and the
    transfer; a D03D watch of the province sees the lapse, then the restoration; a Suzhou official may not watch
    Nanjing."""
    data = tmp_path / "data"
    _register(data, tmp_path, "p1.csv", CHANGING + ROWS.format(a="有效", c="有效"), "2024-01-31")
    with transaction(db.factory) as s:
        suzhou = actor_of(create_user(s, SYSTEM, "suzhou", PW, "city_official", "320500"))
    battery = _watch(db, data, suzhou, name="电池", kind="ipc", target="H01M")
    fabric = _watch(db, data, SYSTEM, name="织物", kind="ipc", target="D03D")
    with pytest.raises(IpsError, match="outside this account's region"):
        _watch(db, data, suzhou, name="南京", kind="ipc", target="D03D", region_code="320100")
    _register(data, tmp_path, "p2.csv", CHANGING + ROWS.format(a="有效", c="未缴年费专利权终止"), "2024-12-31")
    _register(data, tmp_path, "e2.csv", EVENTS, "2024-12-31")
    run_watchlists(db.factory, data)
    with db.factory() as s:
        seen = {(e.app_no, e.change) for e in events(s, suzhou)}
        province = [(e.app_no, e.change) for e in events(s, SYSTEM)]
    assert seen == {("202310000011.9", "pledge"), ("202310000022.7", "transfer")}
    assert province == [("202310000033.5", "lapse")]
    _register(data, tmp_path, "p3.csv", CHANGING + ROWS.format(a="有效", c="有效"), "2025-03-31")
    run_watchlists(db.factory, data)
    with db.factory() as s:
        latest = events(s, SYSTEM)[0]
        assert (latest.watchlist_id, latest.change) == (fabric, "restoration")
        stop_watch(s, suzhou, battery)
        with pytest.raises(IpsError, match="no watch"):
            stop_watch(s, SYSTEM, battery)  # another's watch is not there for them


def test_refusals_when_a_watch_is_saved(db, tmp_path: Path) -> None:
    """A query that does not read (its position named), an IPC symbol that is not one, e-mail without a server, a
    webhook at a private address (unless the office allows it) or without its secret, an unknown channel."""
    data = tmp_path / "data"
    for fields, refusal in (
        ({"kind": "query", "target": "TI=(眼镜"}, "position 4"),
        ({"kind": "ipc", "target": "眼镜"}, "not an IPC symbol"),
        ({"kind": "ipc", "target": "G02B", "channel": "email", "address": "a@example.com"}, "no SMTP server"),
        ({"kind": "ipc", "target": "G02B", "channel": "webhook", "address": "http://127.0.0.1:9/x", "secret": "s"},
         "the platform itself"),
        ({"kind": "ipc", "target": "G02B", "channel": "webhook", "address": "http://localhost:9/x", "secret": "s"},
         "private address"),
        ({"kind": "ipc", "target": "G02B", "channel": "webhook", "address": "http://10.1.2.3/x", "secret": "s"},
         "private address 10.1.2.3"),
        ({"kind": "ipc", "target": "G02B", "channel": "webhook", "address": "ftp://example.com/x", "secret": "s"}, "not an http"),
        ({"kind": "ipc", "target": "G02B", "channel": "pigeon"}, "no channel pigeon"),
        ({"kind": "own"}, "no enterprise whose patents"),
    ):  # fmt: skip
        with pytest.raises(IpsError, match=refusal):
            _watch(db, data, SYSTEM, Settings(), name="x", **fields)
    with pytest.raises(IpsError, match="needs a signing secret"):
        _watch(db, data, SYSTEM, name="x", kind="ipc", target="G02B", channel="webhook", address="http://127.0.0.1:9/x")


class _Hook(BaseHTTPRequestHandler):
    """A webhook receiver: keeps each body with its headers, answers 204."""

    received: ClassVar[list[tuple[bytes, dict[str, str]]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((body, dict(self.headers)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        return None


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(port: int = 0) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_signed_webhook_survives_an_outage_without_doubles(db, two_snapshots: Path, tmp_path: Path) -> None:
    """The receiver is down: the digest is tried, kept with the error and its next attempt a minute later; two workers
    finding it due at once send it once; when the receiver is back it gets it once, signed with the secret over the
    exact body (sha256=<hex HMAC-SHA256>)."""
    data = two_snapshots
    probe = _serve()
    port = probe.server_address[1]
    probe.shutdown()
    probe.server_close()  # nothing listens on the port now
    watch = _watch(db, data, SYSTEM, name="近眼显示", kind="ipc", target="G02B27/01", channel="webhook",
                   address=f"http://127.0.0.1:{port}/hook", secret="s3cret", mode="digest")  # fmt: skip
    _second(db, data, tmp_path)
    run_watchlists(db.factory, data)
    first = deliver_due(db.factory, OPEN)
    assert (first.sent, first.retrying) == (0, 1)
    with db.factory() as s:
        [log] = deliveries(s, SYSTEM)
    assert log.status == "pending" and log.attempts == 1 and log.last_error
    assert deliver_due(db.factory, OPEN).sent == 0  # not due again yet
    _Hook.received = []
    server = _serve(port)
    try:
        later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)
        results: list = []
        workers = [threading.Thread(target=lambda: results.append(deliver_due(db.factory, OPEN, later))) for _ in range(2)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    finally:
        server.shutdown()
        server.server_close()
    assert sum(r.sent for r in results) == 1 and len(_Hook.received) == 1
    body, headers = _Hook.received[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Ipstrong-Signature"] == expected
    payload = json.loads(body)
    assert payload["watchlist"]["id"] == watch and len(payload["events"]) == 44
    with db.factory() as s:
        assert [d.status for d in s.query(Delivery).all()] == ["sent"]


def test_e_mail_through_a_local_smtp_server_and_unsubscribing(db, two_snapshots: Path, tmp_path: Path) -> None:
    """A digest by e-mail reaches the SMTP server with its unsubscribe link; the link stops the watch."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message as Collect

    class Inbox(Collect):
        mails: ClassVar[list] = []

        def handle_message(self, message) -> None:
            type(self).mails.append(message)

    controller = Controller(Inbox(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=controller.port, public_url="https://ip.example.gov.cn")
        _watch(db, two_snapshots, SYSTEM, settings, name="AR 眼镜", kind="query", target="TI=眼镜", channel="email",
               address="ip@example.com", mode="digest")  # fmt: skip
        _second(db, two_snapshots, tmp_path)
        run_watchlists(db.factory, two_snapshots)
        assert deliver_due(db.factory, settings).sent == 1
    finally:
        controller.stop()
    [mail] = Inbox.mails
    from email.header import decode_header, make_header

    subject = str(make_header(decode_header(mail["Subject"])))
    assert mail["To"] == "ip@example.com" and subject == "关注「AR 眼镜」有 15 项变化 / 15 changes in watch 'AR 眼镜'"
    link = mail["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://ip.example.gov.cn/alerts/unsubscribe/")
    with transaction(db.factory) as s:
        assert unsubscribe(s, link.rsplit("/", 1)[1]).active is False


def test_watches_on_the_web_and_their_json_twins(db, two_snapshots: Path, tmp_path: Path) -> None:
    """Staff open 关注与预警 from the navigation; a query that does not read is refused naming its position; a good
    one is saved, listed by the API, finds the 15 changes of 眼镜 after the next snapshot, and is shown in the inbox
    and the delivery log; its unsubscribe link (no sign-in) asks first, then stops it."""
    import re

    from fastapi.testclient import TestClient

    from conftest import post_login
    from ipstrong.web.app import create_app

    cfg = Settings(data_dir=two_snapshots, database_url=db.url)
    with transaction(db.factory) as s:
        create_user(s, SYSTEM, "chief", PW, "province_admin", "320000")
    with TestClient(create_app(cfg), raise_server_exceptions=False) as client:
        assert post_login(client, "chief", PW).status_code == 303
        home = client.get("/").text
        assert 'href="/alerts"' in home
        page = client.get("/alerts").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = {
            "csrf_token": csrf,
            "name": "AR 眼镜",
            "kind": "query",
            "target": "TI=(眼镜",
            "channel": "in_app",
            "mode": "digest",
        }
        refused = client.post("/alerts/watches", data=form)
        assert refused.status_code == 400 and "position 4" in refused.text
        assert client.post("/alerts/watches", data={**form, "target": "TI=眼镜"}, follow_redirects=False).status_code == 303
        [watch] = client.get("/api/v1/alerts/watches").json()
        assert (watch["kind"], watch["target"], watch["active"]) == ("query", "TI=眼镜", True)
        _second(db, two_snapshots, tmp_path)
        run_watchlists(db.factory, two_snapshots)
        deliver_due(db.factory, cfg)
        found = client.get("/api/v1/alerts/events").json()
        assert len(found) == 15 and {e["change"] for e in found} == {"filing", "grant"}
        page = client.get("/alerts").text
        assert 'id="alert-events"' in page and "新申请" in page and 'id="alert-deliveries"' in page and "已送达" in page
        api = {"X-CSRF-Token": csrf}
        bad = client.post(
            "/api/v1/alerts/watches", json={"name": "x", "kind": "ipc", "target": "G02B", "channel": "pigeon"}, headers=api
        )
        assert bad.status_code == 400 and "no channel pigeon" in bad.text
        with db.factory() as s:
            token = s.query(Watchlist).one().token
        client.cookies.clear()
        ask = client.get(f"/alerts/unsubscribe/{token}")
        assert ask.status_code == 200 and 'id="unsubscribe-form"' in ask.text
        done = client.post(f"/alerts/unsubscribe/{token}")
        assert done.status_code == 200 and 'id="unsubscribed"' in done.text
        assert client.post("/alerts/unsubscribe/not-a-real-token").status_code == 404
    with db.factory() as s:
        assert s.query(Watchlist).one().active is False


def test_an_ingest_job_queues_the_watches_when_someone_watches(db, two_snapshots: Path, tmp_path: Path) -> None:
    """The queue reads the watches after each job that publishes a snapshot — when there is a watch to read."""
    from ipstrong.jobs import Job, enqueue, make_queue

    header, _rows, lines = _ar_rows()
    whole = tmp_path / "whole.csv"
    whole.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    cfg = Settings(data_dir=two_snapshots, database_url=db.url)
    _watch(db, two_snapshots, SYSTEM, name="AR 眼镜", kind="query", target="TI=眼镜")
    enqueue(cfg, SYSTEM, "ingest", {"files": [str(whole)], "status_date": "2022-05-30"}, immediate=True)
    queue, _task = make_queue(cfg)
    queue.execute(queue.dequeue())  # what the worker does next: the alerts job the ingest queued
    with db.factory() as s:
        jobs = {j.kind: (j.status, j.result) for j in s.query(Job).all()}
    assert jobs["ingest"][0] == "done" and jobs["alerts"][0] == "done", jobs
    assert jobs["alerts"][1]["events"] == 15


DRILLING = (
    "申请号,申请日,授权公告日,名称,摘要,申请（专利权）人,地址,专利类型,主分类号,分类号\n"
    "202010000301.X,2020-03-02,2022-05-10,一种随钻测量的姿态参考方法,用于套管回接的姿态参考与测量,江苏某钻探装备有限公司,江苏省徐州市铜山区银山路1号,发明,E21B44/00,E21B44/00\n"
    "202010000302.4,2020-04-02,2022-06-10,一种井下定向测量装置,井下陀螺定向与姿态测量,江苏某钻探装备有限公司,江苏省徐州市铜山区银山路1号,发明,E21B47/022,E21B47/022\n"
    "202110000303.3,2021-05-06,,一种钻头,钻井用钻头结构,江苏某钻探装备有限公司,江苏省徐州市铜山区银山路1号,发明,E21B10/00,E21B10/00\n"
)


@pytest.fixture
def drilling(db, tmp_path: Path) -> tuple[Path, int]:
    """The real USPTO and EPO records of ../shared/data beside a Xuzhou drilling firm's three inventions (E21B44/00,
    E21B47/022, E21B10/00); its enterprise id."""
    from ipstrong.warehouse.connection import snapshot_connection

    uspto = shared_data("uspto-xml-samples")
    files = [
        p for d in ("xml2004", "pap", "sgml", "xml2006", "xml2014", "xmlApp2004") for p in sorted((uspto / d).rglob("*.xml"))
    ]
    files += sorted(shared_data("epo-ops-docdb-xml-samples").rglob("*.xml"))
    own = tmp_path / "drilling.csv"
    own.write_text(DRILLING, encoding="utf-8")
    data = tmp_path / "data"
    follow_ingest(ingest([*files, own], data, status_date=dt.date(2024, 12, 31), database_url=db.url), data, db.url)
    con = snapshot_connection(data)
    try:
        [(firm,)] = con.execute(
            "SELECT DISTINCT first_applicant_id FROM patents WHERE first_applicant = '江苏某钻探装备有限公司'"
        ).fetchall()
    finally:
        con.close()
    return data, int(firm)


def test_overseas_early_warning_on_real_foreign_records(db, drilling: tuple[Path, int]) -> None:
    """In the US and at the EPO, three live records share E21B with the firm (read in the files): Scientific
    Drilling's US15044813 (E21B44/00, the firm's own subgroup; granted as US10047600B2, in force; filed 2016-02-16: 10
    of its 20 years left), US14052000 (E21B44/00; granted as US9291047B2; filed 2013-10-11: 7 left) and EP13844704
    (E21B47/022; pending; 7 left). Each US application has an A1 and a B2 file: read in either order, the grant
    stands. Their owner,
    written without case or punctuation, holds 6 E21B records (US ×2 and one more, EP, CA, WO ×2), so its activity is
    log 7 / log 51 = 0.495. Chinese texts share no words with English ones: closeness is the IPC's 0.6 share.
    US15044813 scores 100 × (0.4 × 0.6 + 0.25 × 1 + 0.15 × 0.5 + 0.2 × 0.495) = 66.4, US14052000 (0.35 of its term)
    64.1, EP13844704 (pending: 0.6) 54.1."""
    from ipstrong.alerts.warning import early_warning, warning_overview, warning_pdf

    data, firm = drilling
    with db.factory() as s:
        report = early_warning(s, SYSTEM, data, firm, ["US", "EP"], today=dt.date(2026, 12, 7))
        with pytest.raises(IpsError, match="other than CN: CN"):
            early_warning(s, SYSTEM, data, firm, ["CN"])
        overview = warning_overview(s, SYSTEM, data, "320000")
    assert (report.fields, report.patents, report.candidates) == (["E21B"], 3, 3)
    assert [(r.app_no, r.score) for r in report.rows] == [("US15044813", 66.4), ("US14052000", 64.1), ("EP13844704", 54.1)]
    top = report.rows[0]
    assert (top.ipc_closeness, top.text_closeness, top.status, top.term, top.owner_activity) == (1.0, 0.0, 1.0, 0.5, 0.495)
    assert top.nearest == "E21B44/00" and "与本企业 E21B44/00 属同一小组" in top.reasons_zh
    assert warning_pdf(report).startswith(b"%PDF")
    # live (in force or pending) foreign records by office and SEI industry, and the province's firms in their
    # subclasses: the concordance puts E21B43*, E21B44* and E21B47* in 2.5 (industry 2) and E21B7* in 7.1, E21B41 in
    # none; so CA2887530 (E21B44/00, E21B7/04) and CA2944968 (E21B41/00, E21B43/26, …) are industry 2 (the lowest),
    # RU2015117646 (E21B44/00) 2 and RU2015124071 (E21B7/04) 7, each touching the firm's E21B
    exposure = {(e.office, e.industry): (e.records, e.enterprises) for e in overview.exposure}
    assert exposure[("CA", "2")] == (2, 1) and exposure[("RU", "2")] == (1, 1) and exposure[("RU", "7")] == (1, 1)


def test_the_warning_on_the_web_and_from_the_command_line(db, drilling: tuple[Path, int]) -> None:
    """Staff name the enterprise and the markets; the page ranks the three, the API returns the same rows, the PDF
    downloads, the overview lists the exposure; a market code that is not one is refused."""
    import re
    import subprocess

    from fastapi.testclient import TestClient

    from conftest import post_login
    from ipstrong.web.app import create_app

    data, firm = drilling
    cfg = Settings(data_dir=data, database_url=db.url)
    with transaction(db.factory) as s:
        create_user(s, SYSTEM, "chief", PW, "province_admin", "320000")
    with TestClient(create_app(cfg), raise_server_exceptions=False) as client:
        assert post_login(client, "chief", PW).status_code == 303
        assert 'href="/alerts/warnings"' in client.get("/").text
        page = client.get(f"/alerts/warnings?enterprise={firm}&markets=US,EP").text
        assert len(re.findall(r"<tr><td class=\"num\">", page)) == 3 and "US15044813" in page
        data_json = client.get(f"/api/v1/alerts/warnings?enterprise={firm}&markets=US,EP").json()
        assert [r["app_no"] for r in data_json["rows"]] == ["US15044813", "US14052000", "EP13844704"]
        assert client.get(f"/alerts/warnings.pdf?enterprise={firm}&markets=US").content.startswith(b"%PDF")
        assert client.get(f"/alerts/warnings?enterprise={firm}&markets=CN").status_code == 400
        assert 'id="exposure"' in client.get("/alerts/overview").text
    import os
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "IPSTRONG_DATA_DIR": str(data), "IPSTRONG_DATABASE_URL": db.url}
    command = [sys.executable, "-m", "ipstrong.cli", "alerts", "warnings", "--enterprise", str(firm), "--markets", "US", "--json"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert [r["app_no"] for r in json.loads(done.stdout)["rows"]] == ["US15044813", "US14052000"]


def test_overseas_information_is_published_and_pushed_by_country_and_industry(db, tmp_path: Path) -> None:
    """An officer publishes a US law change for 新一代信息技术 (industry 1) and a German trade-show alert for every
    industry; a watch of US and DE in industry 1 is told of both, once; a watch of JP of neither; an item with a
    country that is not a code is refused, on the web as in the service."""
    from fastapi.testclient import TestClient

    from conftest import post_login
    from ipstrong.alerts.info import ItemIn, items, publish_item
    from ipstrong.web.app import create_app

    data = tmp_path / "data"
    us_de = _watch(db, data, SYSTEM, name="美德", kind="info", target="us, de@1", mode="digest")
    japan = _watch(db, data, SYSTEM, name="日本", kind="info", target="JP")
    with pytest.raises(IpsError, match="countries, optionally @ an SEI industry"):
        _watch(db, data, SYSTEM, name="x", kind="info", target="USA")
    with transaction(db.factory) as s:
        publish_item(s, SYSTEM, ItemIn(kind="law_change", country="US", industry="1", title="美国专利法修订", body="……"))
        publish_item(s, SYSTEM, ItemIn(kind="trade_show", country="DE", title="汉诺威展会提示", body="……"))
    report = run_watchlists(db.factory, data)
    assert (report.events, report.deliveries) == (2, 1)  # one digest of two
    with db.factory() as s:
        told = {(e.watchlist_id, e.title, e.change) for e in events(s, SYSTEM)}
    assert told == {(us_de, "美国专利法修订", "information"), (us_de, "汉诺威展会提示", "information")}
    assert japan not in {w for w, _t, _c in told}
    assert run_watchlists(db.factory, data).events == 0  # told once
    cfg = Settings(data_dir=data, database_url=db.url)
    with transaction(db.factory) as s:
        create_user(s, SYSTEM, "chief", PW, "province_admin", "320000")
    with TestClient(create_app(cfg), raise_server_exceptions=False) as client:
        assert post_login(client, "chief", PW).status_code == 303
        page = client.get("/alerts/info").text
        assert 'id="overseas-items"' in page and "美国专利法修订" in page and 'id="info-form"' in page
        import re

        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = {"csrf_token": csrf, "kind": "dispute_case", "country": "USA", "title": "案例", "body": "某企业在美应诉"}
        refused = client.post("/alerts/info", data=form)
        assert refused.status_code == 400 and "country" in refused.text
        assert client.post("/alerts/info", data={**form, "country": "us"}, follow_redirects=False).status_code == 303
        assert client.get("/api/v1/alerts/info").json()[0]["country"] == "US"
    with db.factory() as s:
        assert len(items(s)) == 3


def test_overseas_experts_are_assigned_unless_their_organisation_is_a_party(db, tmp_path: Path) -> None:
    """The roster by country; an expert is assigned to an overseas-guidance matter, except one whose organisation is
    (as an applicant entity) the enterprise the matter is for; a matter that is not overseas guidance is not found."""
    from conftest import SUZHOU_ROW, ingest_export
    from ipstrong.accounts.service import create_organisation
    from ipstrong.alerts.experts import ExpertIn, add_expert, assign, experts
    from ipstrong.matters import service

    data = ingest_export(tmp_path / "data", SUZHOU_ROW, database_url=db.url)  # 苏州某某科技有限公司 becomes an entity
    with transaction(db.factory) as s:
        office = create_organisation(s, SYSTEM, "office", "苏州市知识产权局", "320500").id
        officer = actor_of(create_user(s, SYSTEM, "officer", PW, "case_officer", "320500", "承办人", organisation_id=office))
        form = {"enterprise": "苏州某某科技有限公司", "country": "US", "counterpart": "ACME Inc.", "dispute_kind": "us_337",
                "patents": [], "summary": "337 调查应诉"}  # fmt: skip
        matter = service.file_matter(
            s, officer, "overseas", office, form, data, dt.date(2025, 3, 3), today=dt.date(2025, 3, 3)
        ).id
        lawyer = add_expert(
            s, officer, ExpertIn(name="王律师", organisation="某律师事务所", countries=["us", "de"], languages=["英语"])
        ).id
        insider = add_expert(s, officer, ExpertIn(name="李工", organisation="苏州某某科技有限公司", countries=["US"])).id
    with transaction(db.factory) as s:
        assert [e.name for e in experts(s, officer, "DE")] == ["王律师"]
        assert assign(s, officer, lawyer, matter_id=matter).expert_id == lawyer
        with pytest.raises(IpsError, match="conflict of interest: the expert's organisation is the party 苏州某某科技有限公司"):
            assign(s, officer, insider, matter_id=matter)
        with pytest.raises(IpsError, match="give a matter or an enterprise"):
            assign(s, officer, lawyer)
        with pytest.raises(IpsError, match="no overseas-guidance matter 999"):
            assign(s, officer, lawyer, matter_id=999)
    with db.factory() as s:
        assert {e.name: e.assignments for e in experts(s, officer)} == {"李工": 0, "王律师": 1}


def test_an_unreachable_smtp_server_holds_up_no_other_delivery(db, tmp_path: Path) -> None:
    """The mail server is down: the e-mail digest waits for its next attempt with the error kept, while the in-app
    delivery of the same change is made; after the last attempt the mail is marked failed, not lost from the log."""
    data = tmp_path / "data"
    _register(data, tmp_path, "p1.csv", CHANGING + ROWS.format(a="有效", c="有效"), "2024-01-31")
    down = Settings(smtp_host="127.0.0.1", smtp_port=_free_port())  # nothing listens there
    mail = _watch(db, data, SYSTEM, down, name="织物邮件", kind="ipc", target="D03D", channel="email", address="ip@example.com",
                  mode="digest")  # fmt: skip
    _watch(db, data, SYSTEM, down, name="织物站内", kind="ipc", target="D03D")
    _register(data, tmp_path, "p2.csv", CHANGING + ROWS.format(a="有效", c="未缴年费专利权终止"), "2024-12-31")
    run_watchlists(db.factory, data)
    first = deliver_due(db.factory, down)
    assert (first.sent, first.retrying, first.failed) == (1, 1, 0)
    with db.factory() as s:
        waiting = next(d for d in deliveries(s, SYSTEM) if d.watchlist_id == mail)
    assert waiting.status == "pending" and waiting.last_error.startswith("SMTP")
    later = dt.datetime.now(dt.UTC)
    for _ in range(5):  # the remaining attempts, each once its pause has passed
        later += dt.timedelta(days=1)
        deliver_due(db.factory, down, later)
    with db.factory() as s:
        gave_up = next(d for d in deliveries(s, SYSTEM) if d.watchlist_id == mail)
    assert (gave_up.status, gave_up.attempts) == ("failed", 6)


def test_an_enterprise_user_watches_the_public_records_anywhere(db, tmp_path: Path) -> None:
    """Staff are held to their region; an enterprise's IP manager watches public patents anywhere — no region by
    default, and another city's when asked."""
    data = tmp_path / "data"
    with transaction(db.factory) as s:
        manager = actor_of(create_user(s, SYSTEM, "manager", PW, "enterprise_user", "320505"))
        officer = actor_of(create_user(s, SYSTEM, "officer", PW, "city_official", "320500"))
    mine = _watch(db, data, manager, name="电池", kind="ipc", target="H01M")
    nanjing = _watch(db, data, manager, name="南京电池", kind="ipc", target="H01M", region_code="320100")
    suzhou = _watch(db, data, officer, name="苏州电池", kind="ipc", target="H01M")
    with db.factory() as s:
        regions = {w.id: w.region_code for w in [*watches(s, manager), *watches(s, officer)]}
    assert regions == {mine: None, nanjing: "320100", suzhou: "320500"}
