"""Writers of the warehouse and the search index take turns: two ingests at once (threads, or two CLI processes)
both land, a snapshot built on a parent that is no longer current is refused, and killed writers' debris is
cleared."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import EXPORT_HEADER, NANJING_ROW, SUZHOU_ROW
from ipstrong.ingest import ingest
from ipstrong.messages import IpsError
from ipstrong.search.index import build
from ipstrong.warehouse import Warehouse, run_sql

pytestmark = pytest.mark.slow  # several processes ingest at once: `make test` runs it, `make check` does not

THIRD_ROW = "201910000001.9,2019-01-01,,一种电机,无锡某某有限公司,江苏省无锡市梁溪区中山路1号,发明"


def _export(path: Path, *rows: str) -> Path:
    path.write_text("\n".join((EXPORT_HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def _app_nos(data: Path) -> set[str]:
    return {r["app_no"] for r in run_sql(data, "SELECT app_no FROM patents").to_pylist()}


def test_two_ingests_at_once_both_land(data_dir: Path, tmp_path: Path) -> None:
    files = [_export(tmp_path / "a.csv", SUZHOU_ROW), _export(tmp_path / "b.csv", NANJING_ROW, THIRD_ROW)]
    start = threading.Barrier(2)
    reports = {}

    def work(path: Path) -> None:
        start.wait()
        reports[path.name] = ingest([path], data_dir, status_date=dt.date(2024, 12, 31))

    threads = [threading.Thread(target=work, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.published for r in reports.values()) and {r.new for r in reports.values()} == {1, 2}
    assert _app_nos(data_dir) == {"201710601862.3", "201810000004.8", "201910000001.9"}
    snapshots = Warehouse(data_dir).list()
    assert [s["parent"] for s in snapshots] == [None, snapshots[0]["id"]]  # the second built on the first


def test_two_cli_ingests_at_once_both_land(data_dir: Path, tmp_path: Path) -> None:
    files = [_export(tmp_path / "a.csv", SUZHOU_ROW), _export(tmp_path / "b.csv", NANJING_ROW)]
    env = {**os.environ, "IPSTRONG_DATA_DIR": str(data_dir)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "ipstrong.cli", "ingest", str(f), "--status-date", "2024-12-31"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for f in files
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    assert _app_nos(data_dir) == {"201710601862.3", "201810000004.8"}


def test_a_snapshot_on_a_stale_parent_is_refused_and_debris_cleared(data_dir: Path, tmp_path: Path) -> None:
    ingest([_export(tmp_path / "a.csv", SUZHOU_ROW)], data_dir, status_date=dt.date(2024, 12, 31))
    warehouse = Warehouse(data_dir)
    stale = warehouse.current_id()
    ingest([_export(tmp_path / "b.csv", NANJING_ROW)], data_dir, status_date=dt.date(2024, 12, 31))
    current = warehouse.current_id()
    with pytest.raises(IpsError, match="another writer published"), warehouse.writing(), warehouse.stage(stale):
        pass
    assert warehouse.current_id() == current
    debris = warehouse.staging_dir / "20240101T000000Z-dead"
    debris.mkdir(parents=True)
    (data_dir / "tmp" / "killed").mkdir(parents=True)
    ingest([_export(tmp_path / "c.csv", THIRD_ROW)], data_dir, status_date=dt.date(2024, 12, 31))
    assert not debris.exists() and not (data_dir / "tmp" / "killed").exists()


def test_two_index_builds_at_once_leave_one_whole_index(data_dir: Path, tmp_path: Path) -> None:
    ingest([_export(tmp_path / "a.csv", SUZHOU_ROW, NANJING_ROW)], data_dir, status_date=dt.date(2024, 12, 31))
    results, errors = [], []

    def work() -> None:
        try:
            results.append(build(data_dir))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and [r["documents"] for r in results] == [2, 2]
