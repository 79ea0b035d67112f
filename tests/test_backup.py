"""Backup and restore round-trip everything the platform holds, table by table and file by file, on SQLite and
PostgreSQL; damaged, partial and old backups are refused before anything is written."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import stat
import uuid
import zipfile
from contextlib import nullcontext
from pathlib import Path

import pytest
from db_fixtures import pg_schema
from test_entity_store import _write
from test_matters import D, World, attach, file_adjudication, step, world  # noqa: F401 - world is a fixture

from ipstrong.accounts import audit
from ipstrong.accounts.roles import SYSTEM
from ipstrong.accounts.service import authenticate, create_token
from ipstrong.alerts.models import AlertEvent, Delivery, ExpertAssignment, OverseasExpert, OverseasItem, Watchlist
from ipstrong.backup import backup, data_files, restore
from ipstrong.db import all_tables, make_engine, session_factory, transaction, upgrade
from ipstrong.ingest import ingest
from ipstrong.ingest.follow import follow_ingest
from ipstrong.matters import campaigns, packages, service
from ipstrong.matters.centres import declare_field, register_enterprise
from ipstrong.matters.reminders import send_reminders
from ipstrong.matters.typical import publish
from ipstrong.messages import IpsError
from ipstrong.navigation.models import SavedIndustry, SavedReport
from ipstrong.network.models import (
    Agency,
    CarrierNeed,
    Practitioner,
    ServicePoint,
    ServiceRecord,
    SurveyInvitation,
    SurveyResponse,
    Training,
)
from ipstrong.registry.models import (
    AwardScore,
    CultivationCentre,
    FeeReminder,
    PatentValuation,
    PledgeLoan,
    ProjectBudget,
    SelfAssessment,
)
from ipstrong.web.sessions import secret_key

# tables this fixture leaves empty: jobs are written by the queue, not by people
EMPTY_HERE = {"jobs"}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The platform's data directory is where its database lives (the audit key and anchor beside it)."""
    return tmp_path


def _populate(db, w: World, data: Path, tmp_path: Path, monkeypatch) -> None:
    """Something in every table and every kind of data file."""
    monkeypatch.setenv("IPSTRONG_DATABASE_URL", db.url)
    report = ingest([_write(tmp_path / "a.csv")], data, status_date=dt.date(2024, 12, 31))
    follow_ingest(report, data, db.url)  # applicant entities
    secret_key(data)
    mid = file_adjudication(db, w, data)
    attach(db, w.officer, mid, "request", data)
    with transaction(db.factory) as s:
        service.assign(s, w.officer, mid, w.officer.user_id)
        service.set_calendar_day(s, SYSTEM, D(2024, 10, 10), "holiday", "示例", "测试通知", today=D(2024, 10, 1))
        service.set_limit(s, SYSTEM, "prescreen", "intake", 3, "中心规程", today=D(2024, 10, 1))
        register_enterprise(s, w.examiner, w.centre, w.firm_code, "苏州某某电池有限公司", D(2024, 9, 1))
        declare_field(s, w.examiner, w.centre, "H01M", "新能源")
        campaigns.declare(s, w.chief, "双打", D(2024, 9, 1), D(2024, 12, 31), "320500", ["adjudication"])
        packages.export_package(s, w.officer, mid, "上海市知识产权局", data)  # makes the office's signing key
        service.join_body(s, w.officer, mid, w.nanjing_office)
    with transaction(db.factory) as s:
        send_reminders(s, D(2024, 10, 30))
        create_token(s, w.chief, "erp", ["read"])
        # a fee reminder as the morning job writes one (this fixture's patents are not granted: none owes a fee)
        s.add(FeeReminder(user_id=w.firm.user_id, app_no="202110100001.X", due_date=D(2025, 3, 1), kind="due_soon",
                          amount_yuan=900))  # fmt: skip
        # an expert's score and a cultivation centre, as registry/awards.py and registry/cultivation.py write them
        s.add(AwardScore(matter_id=mid, expert_id=w.officer.user_id, criterion="quality", score=85.5))
        s.add(CultivationCentre(name="锂电池高价值专利培育中心", region_code="320500", lead="苏州某某电池有限公司",
                                members=["苏州某某材料有限公司"], industry="锂电池", approved_year=2023))  # fmt: skip
        # a self-assessment, a project's budget, an evaluator's entry and a loan reported, as registry/ writes them (the
        # matter here stands in for a project and a pledge: the tables only point at a matter)
        s.add(SelfAssessment(organisation_id=w.enterprise, year=2025, answers={"4.1": {"score": 2, "evidence": "文件"}},
                             updated_by="firm"))  # fmt: skip
        s.add(ProjectBudget(matter_id=mid, granted_10k_yuan=30.0, spent_10k_yuan=None, decided_on=D(2024, 10, 2)))
        s.add(PatentValuation(app_no="202110100001.X", purpose="financing", evaluator="估值所", scores={"market": 70.0},
                              amount_10k_yuan=120.0, method="income"))  # fmt: skip
        s.add(PledgeLoan(matter_id=mid, lent_10k_yuan=450.0, lent_on=D(2024, 10, 2), reported_by="officer"))
        # an industry and a report kept of it, as navigation/library.py writes them
        s.add(SavedIndustry(id=1, name="锂电池", version=1, definition={"name": "锂电池", "ipc": ["H01M"]}, created_by="chief"))
        s.add(SavedReport(industry_id=1, industry_name="锂电池", region_code="320500", snapshot="s1", body={"patents": 0},
                          edits={"gap": "文字"}, created_by="chief"))  # fmt: skip
        # a watch, one event it found and its delivery, as alerts/watch.py writes them
        s.add(Watchlist(id=1, owner="chief", name="电池", kind="ipc", target="H01M", channel="webhook", address="https://example.com/h",
                        secret="s", mode="immediate", active=True, token="t" * 32, last_snapshot="s1"))  # fmt: skip
        s.add(AlertEvent(id=1, watchlist_id=1, snapshot="s1", app_no="202110100001.X", change="grant", title="电池", detail={}))
        s.add(Delivery(key="1:e1", watchlist_id=1, channel="webhook", event_ids=[1], status="failed", attempts=6,
                       last_error="HTTP 500"))  # fmt: skip
        s.add(OverseasItem(kind="law_change", country="US", title="美国专利法修订", body="……", published_by="chief"))
        s.add(OverseasExpert(id=1, name="王律师", organisation="某律师事务所", countries=["US"], fields=["H01M"],
                             languages=["英语"], created_by="chief"))  # fmt: skip
        s.add(ExpertAssignment(expert_id=1, enterprise_id=1, assigned_by="chief"))
        s.add(Agency(id=1, name="苏州某专利事务所", credit_code="91320505MA0000003E", agency_code="32001", kind="patent_agency",
                     region_code="320505", agents=5, services=["patent_filing"], created_by="chief"))  # fmt: skip
        s.add(ServicePoint(id=1, name="昆山网点", kind="info_point", host="昆山高新区", host_kind="park", region_code="320583",
                           services=["search"], staff=2, opened=D(2024, 3, 1), created_by="chief"))  # fmt: skip
        s.add(ServiceRecord(point_id=1, day=D(2024, 5, 6), kind="search", count=40, served="园区企业", entered_by="chief"))
        s.add(Practitioner(id=1, name="王某", employer="苏州某专利事务所", agency_id=1, region_code="320505",
                           qualification="patent_attorney", education="master", years=6, fields=["H01M"],
                           created_by="chief"))  # fmt: skip
        s.add(Training(practitioner_id=1, day=D(2024, 6, 1), course="专利导航实务", hours=8, provider="省局", created_by="chief"))
        s.add(CarrierNeed(carrier="某公司", region_code="320505", fields=["H01M"], services=["patent_filing"], text="布局",
                          posted_by="chief"))  # fmt: skip
        s.add(SurveyInvitation(token_hash="0" * 64, year=2024, city_code="320500", respondent="public"))
        s.add(SurveyResponse(year=2024, city_code="320500", respondent="public", answers={"law1": 4}, submitted_on=D(2024, 5, 6)))
    with pytest.raises(IpsError):  # a failed sign-in is counted in the throttle table
        authenticate(db.factory, "chief", "wrong password", "10.0.0.1")
    step(db, w.officer, mid, "refuse", D(2024, 10, 8))
    with transaction(db.factory) as s:
        publish(s, w.officer, mid, "典型案例", "简介", {"claims": "show"})


def _dump(engine) -> dict[str, list[str]]:
    """Every table's rows as canonical JSON text, in primary-key order."""
    from sqlalchemy import select

    out = {}
    with engine.connect() as conn:
        for table in all_tables().sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            out[table.name] = [json.dumps(dict(r), default=str, sort_keys=True, ensure_ascii=False) for r in rows]
    return out


def _files(data: Path) -> dict[str, str]:
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in data_files(data)}


@pytest.fixture
def target(db, tmp_path):
    """An empty database of the same engine as ``db``, migrated, and an empty data directory."""
    restored = tmp_path / "restored-data"
    restored.mkdir()
    with nullcontext(f"sqlite:///{restored / 'ipstrong.db'}") if db.dialect == "sqlite" else pg_schema() as url:
        upgrade(url)
        engine = make_engine(url, home=restored)
        yield url, engine, restored
        engine.dispose()


def test_backup_and_restore_round_trip_every_table_and_file(db, world, data_dir, tmp_path, monkeypatch, target) -> None:  # noqa: F811
    _populate(db, world, data_dir, tmp_path, monkeypatch)
    before, files = _dump(db.engine), _files(data_dir)
    assert {t for t, rows in before.items() if not rows} == EMPTY_HERE
    assert {"secret.key", "reference/zones.csv"} - set(files) == {"reference/zones.csv"}  # no zones were defined
    assert any(n.startswith("documents/") for n in files) and any(n.startswith("keys/") for n in files)

    out = tmp_path / "b.zip"
    manifest = backup(db.engine, db.url, data_dir, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert set(manifest["tables"]) == {t.name for t in all_tables().sorted_tables}
    assert {n: t["rows"] for n, t in manifest["tables"].items()} == {n: len(r) for n, r in before.items()}
    assert {n: f["sha256"] for n, f in manifest["files"].items()} == files

    url, engine, restored_data = target
    restore(engine, url, restored_data, out)
    after = _dump(engine)
    for name, rows in before.items():
        if name == "audit_log":
            assert after[name][: len(rows)] == rows and len(after[name]) == len(rows) + 1  # and the restore itself
        elif name != "audit_head":
            assert after[name] == rows, name
    assert _files(restored_data) == files
    assert stat.S_IMODE((restored_data / "secret.key").stat().st_mode) == 0o600
    with session_factory(engine)() as s:
        assert audit.verify(s).ok
    with pytest.raises(IpsError, match="not empty"):
        restore(engine, url, restored_data, out)


def test_damaged_partial_and_old_backups_are_refused_before_writing(db, data_dir, tmp_path, target) -> None:
    out = tmp_path / "b.zip"
    backup(db.engine, db.url, data_dir, out)
    url, engine, restored_data = target

    def rewrite(change) -> Path:
        bad = tmp_path / f"bad-{uuid.uuid4().hex[:6]}.zip"
        with zipfile.ZipFile(out) as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                content = change(item.filename, src.read(item.filename))
                if content is not None:
                    dst.writestr(item.filename, content)
        return bad

    def manifest_without_table(name, content):
        if name != "manifest.json":
            return content
        m = json.loads(content)
        del m["tables"]["matters"]
        return json.dumps(m)

    def manifest_with_file(name):
        def change(member, content):
            if member != "manifest.json":
                return content
            m = json.loads(content)
            m["files"][name] = {"bytes": 2, "sha256": hashlib.sha256(b"{}").hexdigest()}
            return json.dumps(m)

        bad = rewrite(change)
        with zipfile.ZipFile(bad, "a") as zf:
            zf.writestr(f"files/{name}", b"{}")
        return bad

    cases = {
        "invalid path /tmp/evil": manifest_with_file("/tmp/evil"),  # would land outside the data directory
        "invalid path config.toml": manifest_with_file("config.toml"),  # not a file a backup holds
        "hash mismatch": rewrite(lambda n, b: b + b"{}\n" if n == "tables/users.jsonl" else b),
        "missing": rewrite(lambda n, b: None if n == "tables/audit_log.jsonl" else b),
        r"missing \['matters'\]": rewrite(manifest_without_table),
        "format is old": rewrite(lambda n, b: json.dumps({"revision": "x", "counts": {}}) if n == "manifest.json" else b),
    }
    for message, bad in cases.items():
        with pytest.raises(IpsError, match=message):
            restore(engine, url, restored_data, bad)
    assert all(not rows for rows in _dump(engine).values())  # nothing was written
    left = {p.name for p in restored_data.iterdir()} if restored_data.exists() else set()
    assert left <= {"ipstrong.db", "ipstrong.db-wal", "ipstrong.db-shm"}


def test_the_database_file_and_keys_are_created_owner_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'ipstrong.db'}"
    upgrade(url)
    engine = make_engine(url)
    with transaction(session_factory(engine)) as s:
        audit.append(s, "system", "test", "thing")  # makes the audit key and the anchor file
    engine.dispose()
    for name in ("ipstrong.db", "audit.key", "audit-anchor.jsonl"):
        assert stat.S_IMODE((tmp_path / "new" / name).stat().st_mode) == 0o600, name
