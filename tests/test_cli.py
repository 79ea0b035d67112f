"""The command line as people and scripts use it: exit codes, one JSON document, bilingual errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each command runs as its own process: `make test` runs it, `make check` does not

BIN = [sys.executable, "-m", "ipstrong.cli"]


def run(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    if data_dir is not None:
        env["IPSTRONG_DATA_DIR"] = str(data_dir)
    return subprocess.run([*BIN, *args], capture_output=True, text=True, env=env, timeout=300)


def test_indicators_list_is_a_table_for_people_and_json_for_programs() -> None:
    from rich.cells import cell_len

    table = subprocess.run([*BIN, "indicators", "list"], capture_output=True, text=True, timeout=300,
                           env={**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "80"})  # fmt: skip
    assert table.returncode == 0 and "有效发明专利量" in table.stdout and "{" not in table.stdout
    assert max(cell_len(line) for line in table.stdout.splitlines()) <= 80
    catalogue = json.loads(run("indicators", "list", "--json").stdout)
    assert catalogue[0]["id"] == "effective_inventions" and "parameters" in catalogue[0]


def test_id_check_json() -> None:
    p = run("id", "check", "CN 2017 1 0601862.3", "--json")
    doc = json.loads(p.stdout)
    assert p.returncode == 0 and doc["canonical"] == "201710601862.3" and doc["patent_type"] == "invention"
    bad = run("id", "check", "201710601862.4", "--json")
    assert bad.returncode == 1 and json.loads(bad.stdout)["valid"] is False


def test_synth_ingest_sql_snapshots_rollback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    src = tmp_path / "src"
    assert run("synth", "--patents", "1500", "--seed", "3", "--out", str(src), "--json").returncode == 0
    first = run("ingest", str(src / "patents.csv"), "--json", "--status-date", "2024-12-31", data_dir=data)
    doc = json.loads(first.stdout)  # exactly one JSON document on stdout
    assert first.returncode == 0 and doc["new"] > 1000
    # the ingest's snapshot, then the follow-up that stamps the applicant names new to the mapping
    assert doc["entities_pending"] > 0 and doc["entities_snapshot"] not in (None, doc["snapshot"])
    second = run("ingest", str(src / "events" / "events.csv"), "--json", data_dir=data)
    assert json.loads(second.stdout)["new"] > 0 and json.loads(second.stdout)["entities_snapshot"] is None
    snaps = json.loads(run("warehouse", "snapshots", "--json", data_dir=data).stdout)
    assert [s["id"] for s in snaps][:2] == [doc["snapshot"], doc["entities_snapshot"]] and len(snaps) == 3
    assert snaps[2]["current"]
    q = run("sql", "SELECT city_code, count(*) AS n FROM patents GROUP BY 1", "--json", data_dir=data)
    assert sum(r["n"] for r in json.loads(q.stdout)) == doc["new"]
    row = json.loads(
        run(
            "sql", "SELECT app_no, title, grant_date FROM patents WHERE grant_date IS NOT NULL LIMIT 1", "--json", data_dir=data
        ).stdout
    )[0]
    shown = run("patent", "CN" + row["app_no"], "--json", data_dir=data)  # any written form, as on the page
    detail = json.loads(shown.stdout)
    assert shown.returncode == 0 and detail["patent"]["title"] == row["title"] and detail["snapshot"] == snaps[2]["id"]
    assert {"date": row["grant_date"], "event": "grant"}.items() <= next(
        e for e in detail["timeline"] if e["event"] == "grant"
    ).items()
    assert detail["related_note"]["en"]  # no search index built: the detail says why nothing related is shown
    people = run("patent", row["app_no"], data_dir=data)
    assert people.returncode == 0 and row["title"] in people.stdout and "法律状态时间线 / legal-status timeline" in people.stdout
    absent = run("patent", "201910000001.9", "--json", data_dir=data)
    assert absent.returncode == 2 and "no patent 201910000001.9" in absent.stderr
    back = run("warehouse", "rollback", snaps[0]["id"], "--json", data_dir=data)
    assert back.returncode == 0
    events = json.loads(run("sql", "SELECT count(*) AS n FROM events", "--json", data_dir=data).stdout)
    assert events == [{"n": 0}]
    info = json.loads(run("warehouse", "info", "--json", data_dir=data).stdout)
    assert info["snapshot"] == snaps[0]["id"] and len(info["by_city"]) >= 13


@pytest.mark.parametrize(
    "query,words",
    [
        ("DROP TABLE patents", "read-only"),
        ("SELECT 1; SELECT 2", "exactly one"),
        ("SELECT * FROM read_csv('/etc/passwd')", "SQL error"),
        ("SELECT count(*) FROM range(100000000000) a, range(100000) b", "timed out"),
    ],
)
def test_sql_refuses_writes_files_and_runaway_queries(tmp_path: Path, query: str, words: str) -> None:
    p = run("sql", query, "--json", "--timeout", "1", data_dir=tmp_path)
    assert p.returncode == 2 and words in p.stderr
    assert "error" in json.loads(p.stdout)


def test_an_engine_refusal_names_the_option_as_typed(tmp_path: Path) -> None:
    p = run("indicators", "compute", "--year", "2021", "--pledge-threshold", "-1", "--json", data_dir=tmp_path)
    error = json.loads(p.stdout)["error"]
    assert p.returncode == 2 and error["en"] == "--pledge-threshold is a number from 0 to 1,000,000,000, not -1.0"
    assert error["zh"].startswith("--pledge-threshold 只能是") and "--pledge-threshold" in p.stderr


def test_ingest_nothing_usable_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("名称\n一种装置\n", encoding="utf-8")
    p = run("ingest", str(bad), "--json", data_dir=tmp_path / "d")
    doc = json.loads(p.stdout)
    assert p.returncode == 2 and doc["files_failed"] and doc["snapshot"] is None
    assert "申请号" in p.stderr


def test_reference_series_json(tmp_path: Path) -> None:
    p = run("reference", "series", "--region", "320000", "--indicator", "resident_pop_10k", "--json", data_dir=tmp_path)
    rows = json.loads(p.stdout)
    assert {r["year"] for r in rows} >= {2012, 2021, 2024}
    assert all(r["source_title"] for r in rows)


def test_operational_database_commands(tmp_path: Path) -> None:
    data = tmp_path / "ops"
    from ipstrong.db import head_revision

    newest = head_revision(f"sqlite:///{tmp_path / 'any.db'}")  # the migrations' head, whatever the database
    upgraded = json.loads(run("db", "upgrade", "--json", data_dir=data).stdout)["revision"]
    assert newest is not None and upgraded == newest
    env = {**os.environ, "IPSTRONG_DATA_DIR": str(data)}
    p = subprocess.run(
        [*BIN, "users", "add", "admin", "--role", "province_admin", "--region", "320000", "--password", "-", "--json"],
        input="a long password\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert p.returncode == 0 and json.loads(p.stdout)["role_en"] == "province administrator"
    short = run("users", "add", "x", "--role", "case_officer", "--region", "320500", "--password", "short", data_dir=data)
    assert short.returncode == 2 and "至少" in short.stderr and "at least" in short.stderr
    assert json.loads(run("audit", "verify", "--json", data_dir=data).stdout)["ok"] is True
    assert run("backup", str(tmp_path / "b.zip"), data_dir=data).returncode == 0
    other = tmp_path / "other"
    run("db", "upgrade", data_dir=other)
    assert run("restore", str(tmp_path / "b.zip"), data_dir=other).returncode == 0
    users = json.loads(run("users", "list", "--json", data_dir=other).stdout)
    assert [u["username"] for u in users] == ["admin"]
    import sqlite3

    with sqlite3.connect(other / "ipstrong.db") as conn:
        conn.execute("UPDATE audit_log SET after = '{}' WHERE id = 1")
    broken = run("audit", "verify", "--json", data_dir=other)
    assert broken.returncode == 1 and json.loads(broken.stdout)["first_broken"] == 1


def test_indicator_commands_with_parameters_and_zones(tmp_path: Path) -> None:
    data, src = tmp_path / "data", tmp_path / "src"
    assert run("synth", "--patents", "1500", "--seed", "5", "--out", str(src), "--json").returncode == 0
    files = [str(src / "patents.csv"), str(src / "events" / "events.csv"), str(src / "trademarks" / "trademarks.csv")]
    assert run("ingest", *files, "--json", "--status-date", "2024-12-31", data_dir=data).returncode == 0
    p = run(
        "indicators", "compute", "--year", "2020", "--by", "city,district", "--attribution", "patentee", "--json", data_dir=data
    )
    records = json.loads(p.stdout)
    assert p.returncode == 0 and {r["region_code"] for r in records} >= {"320000", "320500", "320506"}
    assert any(r["indicator"] == "effective_trademarks" and r["value"] for r in records)
    bad = run("indicators", "compute", "--year", "2020", "--attribution", "owner", "--json", data_dir=data)
    assert bad.returncode == 2 and "--attribution 只能是" in bad.stderr and "not owner" in bad.stderr
    zones = tmp_path / "zones.csv"
    zones.write_text(
        "zone_id,name_zh,name_en,districts,address_patterns,source\ncustom:sz-core,苏州核心区,Suzhou core,320506|320505,,test\n",
        encoding="utf-8",
    )
    assert json.loads(run("reference", "zones-import", str(zones), "--json", data_dir=data).stdout) == {"imported": 1}
    listed = json.loads(run("reference", "zones", "--json", data_dir=data).stdout)
    assert listed[0]["districts"] == ["320506", "320505"]
    zone = run(
        "indicators", "compute", "--year", "2021", "--region", "custom:sz-core", "--by", "district", "--json", data_dir=data
    )
    rows = {(r["indicator"], r["region_code"]): r["value"] for r in json.loads(zone.stdout)}
    count = rows[("effective_inventions", "custom:sz-core")]
    assert count == rows[("effective_inventions", "320506")] + rows[("effective_inventions", "320505")]
    targets = tmp_path / "targets.csv"
    targets.write_text(
        "region_code,indicator,year,target,direction\n320000,inventions_per_10k_pop,2021,1,higher\n", encoding="utf-8"
    )
    figures = {}
    for population_year in ("previous", "same"):  # assess takes the parameters of indicators compute
        done = run(
            "assess", "--year", "2021", "--targets", str(targets), "--population-year", population_year, "--json", data_dir=data
        )
        assert done.returncode == 0, done.stderr
        figures[population_year] = json.loads(done.stdout)[0]["value"]
    assert figures["previous"] / figures["same"] == pytest.approx(8505.4 / 8477.0, rel=1e-6)  # 2021 ÷ 2020 population


def test_entities_commands(tmp_path: Path) -> None:
    data = tmp_path / "data"
    export = tmp_path / "e.csv"
    export.write_text(
        "申请号,申请日,名称,申请（专利权）人,专利类型\n"
        "201710601862.3,2017-07-21,一种锂电池,苏州某某科技有限公司,发明\n"
        "201710601863.8,2017-07-21,一种电池,苏州某某科技股份有限公司,发明\n"
        "201710601864.2,2017-07-21,一种电机,常州乙丙丁电气有限公司,发明\n",
        encoding="utf-8",
    )
    assert run("ingest", str(export), "--json", data_dir=data).returncode == 0
    listed = json.loads(run("entities", "list", "--json", data_dir=data).stdout)["entities"]
    assert sorted(len(e["names"]) for e in listed) == [1, 2]
    suzhou = next(e for e in listed if len(e["names"]) == 2)["id"]
    other = next(e for e in listed if len(e["names"]) == 1)["id"]
    merged = run("entities", "merge", str(suzhou), str(other), "--json", data_dir=data)
    assert merged.returncode == 0 and len(json.loads(merged.stdout)["names"]) == 3
    applied = json.loads(run("entities", "apply", "--json", data_dir=data).stdout)
    assert applied["published"] and applied["changed"] == 1
    ids = run("sql", "SELECT DISTINCT first_applicant_id FROM patents", "--json", data_dir=data)
    assert [r["first_applicant_id"] for r in json.loads(ids.stdout)] == [suzhou]
    missing = run("entities", "show", "99999", data_dir=data)
    assert missing.returncode == 2 and "没有编号为 99999 的申请人实体" in missing.stderr


def test_portfolio_fees_and_reminders_from_the_command_line(tmp_path: Path) -> None:
    """The Suzhou row granted 2019-01-02 (filed 2017-07-21) owes its fifth year, 1,200 yuan, on
    2021-07-21; as of 2021-08-01 that fee is in its grace period with one month begun: 60 yuan late."""
    data = tmp_path / "data"
    export = tmp_path / "e.csv"
    export.write_text(
        "申请号,申请日,授权公告日,名称,申请（专利权）人,专利类型\n"
        "201710601862.3,2017-07-21,2019-01-02,一种锂电池,苏州某某科技有限公司,发明\n",
        encoding="utf-8",
    )
    assert run("ingest", str(export), "--status-date", "2021-06-30", "--json", data_dir=data).returncode == 0
    (entity,) = [e["id"] for e in json.loads(run("entities", "list", "--json", data_dir=data).stdout)["entities"]]
    asked = ("portfolio", "fees", "--entity", str(entity), "--year", "2021", "--today", "2021-08-01")
    fees = json.loads(run(*asked, "--json", data_dir=data).stdout)
    assert [(f["app_no"], f["amount_yuan"], f["state"], f["late_fee_yuan"]) for f in fees["fees"]] == [
        ("201710601862.3", 1200.0, "grace", 60.0)
    ]
    table = run(*asked, data_dir=data)
    assert table.returncode == 0 and "滞纳期 in grace" in table.stdout and "1,200" in table.stdout
    wrong = run("portfolio", "fees", "--entity", "99999", "--year", "2021", data_dir=data)
    assert wrong.returncode == 2 and "99999" in wrong.stderr
    reminded = json.loads(run("portfolio", "remind", "--today", "2021-07-01", "--json", data_dir=data).stdout)
    assert reminded["due_soon"] == 0 and reminded["organisations"] == 0  # no enterprise has users here yet


def test_past_pledge_registrations_imported_from_a_register(tmp_path: Path) -> None:
    """A register as the gazette lists registrations (出质人, 质权人, 主分类号, 专利号, 授权公告日, 质押登记日) with the
    amount: the registration of the warehouse's patent becomes a pledge (the statistics count it); one of a patent the
    warehouse does not hold and one with an impossible date are quarantined with their reasons; a patent list is
    refused whole."""
    data = tmp_path / "data"
    patents = tmp_path / "p.csv"
    patents.write_text(
        "申请号,申请日,授权公告日,名称,申请（专利权）人,地址,专利类型\n"
        "201710601862.3,2017-07-21,2019-01-02,一种锂电池,苏州某某科技有限公司,江苏省苏州市吴中区星湖街1号,发明\n",
        encoding="utf-8",
    )
    assert run("ingest", str(patents), "--json", data_dir=data).returncode == 0
    register = tmp_path / "register.csv"
    register.write_text(
        "出质人,质权人,主分类号,专利号,授权公告日,质押登记日,担保金额（万元）\n"
        "苏州某某科技有限公司,苏州银行,H01M10/0525,ZL201710601862.3,2019-01-02,2024-05-20,500\n"
        "苏州某某科技有限公司,苏州银行,H01M10/0525,ZL201810000004.8,2020-01-01,2024-05-20,300\n"
        "苏州某某科技有限公司,苏州银行,H01M10/0525,ZL201710601862.3,2019-01-02,2024-02-30,200\n",
        encoding="utf-8",
    )
    done = run("pledges", "import", str(register), "--json", data_dir=data)
    report = json.loads(done.stdout)
    assert (report["accepted"], report["quarantined"]) == (1, 2), done.stdout + done.stderr
    stats = json.loads(run("pledges", "stats", "--year", "2024", "--json", data_dir=data).stdout)
    assert (stats["total"]["amount_10k_yuan"], stats["total"]["projects"], stats["rows"][0]["name"]) == (500.0, 1, "苏州市")
    refused = run("pledges", "import", str(patents), data_dir=data)
    said = "".join(refused.stderr.split())  # the terminal wraps the message
    assert refused.returncode == 2 and "notapledgeregister" in said and "p.csv" in said


def test_enterprise_tiers_from_the_command_line(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from conftest import ingest_pledges

    data = tmp_path / "data"
    ingest_pledges(data)
    out = tmp_path / "tiers.xlsx"
    done = run("enterprises", "tiers", "--year", "2024", "--export", str(out), data_dir=data)
    assert done.returncode == 0 and "苏州甲" in done.stdout
    assert load_workbook(out)["名录 directory"].max_row == 3
    listed = json.loads(run("enterprises", "tiers", "--year", "2024", "--json", data_dir=data).stdout)
    assert listed["total"] == 2 and {t["tier"] for t in listed["tiers"]} >= {"national_demonstration", "provincial_growing"}
    wrong = run("enterprises", "tiers", "--year", "2024", "--tier", "platinum", data_dir=data)
    assert wrong.returncode == 2 and "platinum" in wrong.stderr


def test_workdays_with_excluded_time(tmp_path: Path) -> None:
    data = tmp_path / "data"
    plain = run("workdays", "add", "2024-09-30", "1", data_dir=data)
    assert plain.returncode == 0 and plain.stdout.strip().endswith("2024-10-08")
    suspended = run("workdays", "months", "2024-03-01", "3", "--exclude", "2024-04-01..2024-04-10", "--json", data_dir=data)
    assert json.loads(suspended.stdout)["date"] == "2024-06-11"
    bad = run("workdays", "add", "2024-09-30", "1", "--exclude", "2024-10-08", data_dir=data)
    assert bad.returncode == 2 and "FIRST..LAST" in bad.stderr


def test_matters_admin_commands(tmp_path: Path) -> None:
    """Centre register and fields, key export and registration, and the overdue list from the command line."""
    data = tmp_path / "d"

    def org(name: str, kind: str, region: str) -> int:
        return json.loads(run("orgs", "add", name, "--kind", kind, "--region", region, "--json", data_dir=data).stdout)["id"]

    centre, partner = org("苏州保护中心", "centre", "320500"), org("上海市知识产权局", "office", "310000")
    done = run("matters", "centre-field", str(centre), "H01M 10", "新能源", "--json", data_dir=data)
    assert done.returncode == 0 and json.loads(done.stdout)["ipc_prefix"] == "H01M10"
    bad = run("matters", "centre-register", str(centre), "91320500MA1X2Y3K40", "某公司", data_dir=data)
    assert bad.returncode != 0 and "credit_code" in bad.stderr
    pem = run("matters", "key-export", str(centre), data_dir=data).stdout
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    (tmp_path / "partner.pem").write_text(_other_key())  # the key file a partner sends
    registered = run("matters", "key-register", str(partner), str(tmp_path / "partner.pem"), "--json", data_dir=data)
    assert registered.returncode == 0 and len(json.loads(registered.stdout)["fingerprint"]) == 64
    (tmp_path / "junk.pem").write_text("not a key")
    junk = run("matters", "key-register", str(partner), str(tmp_path / "junk.pem"), data_dir=data)
    assert junk.returncode != 0 and "PEM" in junk.stderr
    overdue = run("matters", "overdue", "--json", data_dir=data)
    assert overdue.returncode == 0 and json.loads(overdue.stdout) == []
    remind = run("matters", "remind", "--json", data_dir=data)
    assert remind.returncode == 0 and json.loads(remind.stdout)["overdue"] == 0


def _other_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    public = Ed25519PrivateKey.generate().public_key()
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.mark.parametrize(
    "args,words",
    [
        (["sql", "SELEC"], "SQL syntax error"),
        (["workdays", "add", "9999-12-31", "3650"], "the start must lie between"),
        (["workdays", "months", "2024-01-31", "99999999"], "cannot exceed 1200"),
        (["reference", "series", "--region", "999999"], "no figures for region 999999"),
        (["workdays", "list", "--year", "0"], "the year must lie between"),
        (["id", "check", "x", "--kind", "nonsense"], "unknown kind nonsense"),
    ],
)
def test_bad_arguments_end_in_a_message_not_a_traceback(tmp_path: Path, args: list[str], words: str) -> None:
    result = run(*args, data_dir=tmp_path / "data")
    assert result.returncode == 2 and words in " ".join(result.stderr.split()) and "Traceback" not in result.stderr


def test_serve_runs_the_job_worker_beside_the_web(tmp_path: Path) -> None:
    """`ipstrong serve` (what `make demo` ends with) starts the worker, so a queued ingest is done without another
    command; stopping the server stops the worker."""
    import signal
    import socket
    import time
    import urllib.request

    import psutil

    data = tmp_path / "data"
    export = tmp_path / "e.csv"
    export.write_text("申请号,申请日,名称,申请（专利权）人\n201710601862.3,2017-07-21,一种锂电池,某公司\n", encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "IPSTRONG_DATA_DIR": str(data)}
    server = subprocess.Popen([*BIN, "serve", "--port", str(port), "--workers", "1"], env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        assert json.loads(run("ingest", str(export), "--background", "--json", data_dir=data).stdout)["job"] >= 1
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            jobs = json.loads(run("jobs", "list", "--json", data_dir=data).stdout)
            if jobs and jobs[0]["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        assert jobs[0]["status"] == "done", jobs
        workers = [p for p in psutil.Process(server.pid).children(recursive=True) if "worker" in p.cmdline()]
        assert len(workers) == 1
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    assert not workers[0].is_running() or workers[0].status() == psutil.STATUS_ZOMBIE


def test_self_assessment_centres_valuation_and_award_ranking_from_the_command_line(tmp_path: Path) -> None:
    """A self-assessment entered from a file (a score of 5 refused, naming file, row and field, nothing stored), the
    gap report and the adoption by city; a cultivation centre recorded and measured; a valuation shown with its PDF
    and an evaluator's score entered (a score without its value refused); an award round ranked."""
    from conftest import SUZHOU_ROW, ingest_export

    data = tmp_path / "data"
    ingest_export(data, SUZHOU_ROW)
    org = json.loads(run("orgs", "add", "苏州某某科技有限公司", "--kind", "enterprise", "--region", "320506",
                         "--credit-code", "91320506MA1XXXXX09", "--json", data_dir=data).stdout)["id"]  # fmt: skip
    answers = tmp_path / "answers.csv"
    answers.write_text("item,score,evidence\n4.1,3,环境分析报告\n8.6,5,\n", encoding="utf-8")
    bad = run("compliance", "submit", str(answers), "--org", str(org), "--year", "2025", data_dir=data)
    said = "".join(bad.stderr.split())  # the terminal wraps long lines
    assert bad.returncode != 0 and "answers.csv" in said and "row3,field'score'" in said
    empty = json.loads(run("compliance", "gaps", "--org", str(org), "--year", "2025", "--json", data_dir=data).stdout)
    assert empty["answered"] == 0  # nothing of the refused file was stored
    answers.write_text("item,score,evidence\n4.1,3,环境分析报告\n8.6,1,\n", encoding="utf-8")
    report = json.loads(run("compliance", "submit", str(answers), "--org", str(org), "--year", "2025", "--json",
                            data_dir=data).stdout)  # fmt: skip
    assert (report["answered"], report["score_pct"], report["gaps"][0]["item"]) == (2, 66.7, "4.2")
    adopted = json.loads(run("compliance", "adoption", "--year", "2025", "--json", data_dir=data).stdout)
    assert [(r["city_name"], r["assessed"]) for r in adopted["rows"]] == [("苏州市", 1)]
    added = run("cultivation", "add", "--name", "锂电池培育中心", "--region", "320500", "--lead", "苏州某某科技有限公司",
                "--industry", "锂电池", "--approved-year", "2019", data_dir=data)  # fmt: skip
    assert added.returncode == 0, added.stderr
    output = json.loads(run("cultivation", "output", "--year", "2019", "--json", data_dir=data).stdout)
    assert output["centres"][0]["figures"]["grants_invention"] == 1  # granted 2019-01-02
    pdf = tmp_path / "v.pdf"
    shown = run("valuation", "show", "201710601862.3", "--purpose", "financing", "--asof", "2024-12-31", "--pdf", str(pdf),
                "--json", data_dir=data)  # fmt: skip
    assert json.loads(shown.stdout)["scores"][0]["score"] == 100 and pdf.read_bytes().startswith(b"%PDF")
    entered = run("valuation", "enter", "201710601862.3", "--purpose", "financing", "--score", "market=70", "--json",
                  data_dir=data)  # fmt: skip
    assert {s["indicator"]: s["score"] for s in json.loads(entered.stdout)["scores"]}["market"] == 70
    assert (
        run("valuation", "enter", "201710601862.3", "--purpose", "financing", "--score", "market", data_dir=data).returncode != 0
    )
    ranking = json.loads(run("awards", "ranking", "--cycle", "2", "--json", data_dir=data).stdout)
    assert (ranking["grant_cutoff"], ranking["entries"]) == ("2024-12-31", [])
    assert run("awards", "ranking", "--cycle", "9", data_dir=data).returncode != 0
    # a matter's step is a staff member's: the console says whom it acts as, and a name nobody has is refused
    for args in (("awards", "publish", "--cycle", "2"), ("projects", "fund", "1", "--amount", "3")):
        refused = run(*args, "--as", "nobody", data_dir=data)
        assert refused.returncode != 0 and "no user nobody" in refused.stderr


def test_a_navigation_report_from_the_command_line(tmp_path: Path) -> None:
    """An inline industry over the Suzhou invention: HTML, XLSX and PDF written; neither or both of --industry and
    --name refused."""
    from conftest import SUZHOU_ROW, ingest_export

    data = tmp_path / "data"
    ingest_export(data, SUZHOU_ROW)
    out = tmp_path / "reports" / "battery.html"
    done = run("navigate", "--name", "锂电池", "--keywords", "锂电池", "--out", str(out), "--xlsx", "--pdf", "--json",
               data_dir=data)  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["patents"], summary["home_patents"]) == (1, 1) and len(summary["files"]) == 3
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF") and out.with_suffix(".xlsx").exists()
    assert run("navigate", "--out", str(out), data_dir=data).returncode != 0  # an industry report needs an industry
    region = run("navigate", "--kind", "region", "--region", "320500", "--name", "锂电池", "--keywords", "锂电池", "--out",
                 str(tmp_path / "r.html"), "--json", data_dir=data)  # fmt: skip
    assert region.returncode == 0, region.stderr
    assert json.loads(region.stdout)["home_patents"] == 1 and "区域规划类" in (tmp_path / "r.html").read_text(encoding="utf-8")
    refused = run("navigate", "--kind", "enterprise", "--name", "锂电池", "--keywords", "锂电池", data_dir=data)
    assert refused.returncode != 0 and "names an enterprise" in refused.stderr


def test_alerts_test_send_signs_the_exact_body_and_alerts_run_reports(tmp_path: Path) -> None:
    """``alerts test-send`` POSTs one JSON event whose X-Ipstrong-Signature is sha256= and the hex HMAC-SHA256 of the
    body under the secret; a private address is refused unless the office allows it; ``alerts run`` on a data
    directory with no watch reads none."""
    import hashlib
    import hmac
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    got: list[tuple[bytes, str]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            got.append((self.rfile.read(int(self.headers["Content-Length"])), self.headers["X-Ipstrong-Signature"]))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        refused = run("alerts", "test-send", "--webhook", url, "--secret", "k", data_dir=tmp_path)
        assert refused.returncode != 0 and "the platform itself" in refused.stderr
        env = {
            **os.environ,
            "PYTHONIOENCODING": "utf-8",
            "IPSTRONG_DATA_DIR": str(tmp_path),
            "IPSTRONG_WEBHOOKS_PRIVATE_OK": "true",
        }
        sent = subprocess.run([*BIN, "alerts", "test-send", "--webhook", url, "--secret", "k", "--json"], capture_output=True,
                              text=True, env=env, timeout=300)  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout) == {"status": 200, "delivered": True}
    [(body, signature)] = got
    assert signature == "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest() and json.loads(body)["test"] is True
    ran = run("alerts", "run", "--json", data_dir=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["watchlists"] == 0


def test_the_service_network_from_the_command_line(tmp_path: Path) -> None:
    """Agencies imported from a file (a bad credit code refused naming file, row and field, nothing stored), their
    activity on the real Patentics export, the directory exported, invitations issued and the survey's results."""
    from conftest import shared_data
    from ipstrong.ids.uscc import credit_code_check_char

    data = tmp_path / "data"
    export = shared_data("cn-patent-db-exports", "patentics_thundersoft_cn_511.xlsx")
    assert run("ingest", str(export), "--status-date", "2022-12-19", data_dir=data).returncode == 0
    body = "91110108700000001"
    good, bad = body + credit_code_check_char(body), body + ("1" if credit_code_check_char(body) != "1" else "2")
    file = tmp_path / "agencies.csv"
    header = "机构名称,统一社会信用代码,机构代码,机构类型,所在地区代码,执业代理师人数,服务项目\n"
    file.write_text(header + f"北京集佳知识产权代理有限公司,{bad},11227,专利代理机构,320102,120,专利申请代理\n", encoding="utf-8")
    refused = run("agencies", "import", str(file), data_dir=data)
    said = "".join(refused.stderr.split())
    assert refused.returncode != 0 and "agencies.csv" in said and "row2:field'credit_code'" in said
    assert json.loads(run("agencies", "list", "--json", data_dir=data).stdout) == []
    file.write_text(
        header + f"北京集佳知识产权代理有限公司,{good},11227,专利代理机构,320102,120,专利申请代理\n", encoding="utf-8"
    )
    imported = json.loads(run("agencies", "import", str(file), "--json", data_dir=data).stdout)
    assert (imported["read"], imported["added"]) == (1, 1)
    again = run("agencies", "import", str(file), data_dir=data)
    assert again.returncode != 0 and "exists" in again.stderr
    stats = json.loads(run("agencies", "stats", "--year", "2016", "--json", data_dir=data).stdout)
    [jijia] = stats["agencies"]
    assert (jijia["filings"], jijia["grants"], jijia["grant_rate_pct"]) == (39, 6, 23.1)
    book = tmp_path / "agencies.xlsx"
    assert run("agencies", "list", "--format", "xlsx", "--out", str(book), data_dir=data).returncode == 0
    assert book.read_bytes()[:2] == b"PK"
    invited = json.loads(run("survey", "invite", "--year", "2026", "--city", "320500", "--respondent", "public", "--count",
                             "3", "--json", data_dir=data).stdout)  # fmt: skip
    assert len(invited["links"]) == 3 and all("/survey/respond/" in link for link in invited["links"])
    over = run("survey", "invite", "--year", "2026", "--city", "320500", "--respondent", "public", "--count", "198",
               data_dir=data)  # fmt: skip
    assert over.returncode != 0 and "quota" in over.stderr
    found = json.loads(run("survey", "results", "--year", "2026", "--by", "city", "--json", data_dir=data).stdout)
    assert len(found["groups"]) == 13 and found["quotas"][0]["quota"] == 200
    assert run("survey", "results", "--year", "2026", "--by", "county", data_dir=data).returncode != 0
    assert json.loads(run("points", "coverage", "--json", data_dir=data).stdout)["target_points"] == 100
