"""Background jobs: recorded in the operational database, run by huey on SQLite (default) or Redis."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redis

from ipstrong.accounts.roles import SYSTEM
from ipstrong.config import Settings
from ipstrong.jobs import enqueue, make_queue, visible_jobs

ROWS = (
    "申请号,申请日,名称,申请（专利权）人,地址\n"
    "201710601862.3,2017-07-21,一种锂电池,苏州某某科技有限公司,江苏省苏州市吴中区星湖街1号\n"
    "201220687633.0,2012-12-12,一种装置,张三,江苏江阴澄江街道\n"
)


def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


def jobs_of(db) -> list[dict]:
    with db.factory() as s:
        return [j.model_dump() for j in visible_jobs(s, SYSTEM)]


def test_ingest_job_runs_and_reports_progress(db, tmp_path: Path) -> None:
    cfg = Settings(data_dir=tmp_path / "data", database_url=db.url)
    job_id = enqueue(cfg, SYSTEM, "ingest", {"files": [str(export(tmp_path))]}, immediate=True)
    job = jobs_of(db)[0]
    assert (job["id"], job["status"], job["progress"]) == (job_id, "done", 100)
    assert "2" in job["message"]


def test_failed_job_is_recorded(db, tmp_path: Path) -> None:
    cfg = Settings(data_dir=tmp_path / "data", database_url=db.url)
    enqueue(cfg, SYSTEM, "ingest", {"wrong": "params"}, immediate=True)
    job = jobs_of(db)[0]
    assert job["status"] == "failed" and "failed" in job["message"]


def test_sqlite_queue_runs_queued_work(db, tmp_path: Path) -> None:
    cfg = Settings(data_dir=tmp_path / "data", database_url=db.url)
    enqueue(cfg, SYSTEM, "ingest", {"files": [str(export(tmp_path))]})
    assert jobs_of(db)[0]["status"] == "queued"
    queue, _task = make_queue(cfg)
    queue.execute(queue.dequeue())
    assert jobs_of(db)[0]["status"] == "done"


def test_redis_queue(db, tmp_path: Path) -> None:
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis at 127.0.0.1:6379 is not reachable in CI")
        pytest.skip("Redis at 127.0.0.1:6379 is not reachable")
    cfg = Settings(data_dir=tmp_path / "data", database_url=db.url, redis_url=url)
    queue, _task = make_queue(cfg)
    queue.flush()  # database 15 of the local Redis is the tests' own
    job_id = enqueue(cfg, SYSTEM, "ingest", {"files": [str(export(tmp_path))]})
    task = queue.dequeue()
    assert task is not None and task.args == (job_id,)
    queue.execute(task)
    assert jobs_of(db)[0]["status"] == "done"
