"""Publishing a new snapshot, written once for the command line, the job queue (which the web's upload feeds) and
the demo: ``publish`` ingests the files and then does what follows a published ingest.

An ingest publishes its snapshot without waiting on the operational database: it stamps the applicant names the
reviewed mapping already holds and counts the others (``entities_pending``). Those are resolved afterwards here —
``apply_entities`` records them in the mapping and publishes their ids in a follow-up snapshot — and then the search
index is brought to the current snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ipstrong.ingest.estimates import Estimates
from ipstrong.ingest.pipeline import IngestReport, apply_entities, ingest


def publish(
    files: list[Path],
    data_dir: Path,
    status_date: dt.date | None = None,
    step: Callable[[str], None] = lambda _m: None,
    database_url: str | None = None,
    estimates: Estimates | None = None,
) -> IngestReport:
    """Ingest ``files`` into a new snapshot, resolve its new applicant names and bring the search index to it: the
    one path a snapshot is published by (``ipstrong ingest``, the ingest job, the demo)."""
    report = ingest(files, data_dir, status_date=status_date, step=step, database_url=database_url, estimates=estimates)
    follow_ingest(report, data_dir, database_url, step)
    return report


def stamp_entities(data_dir: Path, database_url: str | None, step: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """Stamp the current snapshot with the reviewed applicant mapping (a follow-up snapshot where an id changes),
    then bring the search index to it: what ``entities apply`` and the job of the same name run."""
    from ipstrong.search.index import refresh_after_ingest

    step("申请人实体 / applicant entities")
    result = apply_entities(data_dir, database_url)
    if result["published"]:
        step("更新检索索引 / updating the search index")
        refresh_after_ingest(data_dir)
    return result


def follow_ingest(
    report: IngestReport, data_dir: Path, database_url: str | None, step: Callable[[str], None] = lambda _m: None
) -> None:
    """Refresh the search index to the new snapshot, then resolve the new applicant names into a follow-up snapshot
    (whose index is refreshed from the new one's: refreshed the other way round, the follow-up's parent would have no
    index to start from and the search would have none)."""
    from ipstrong.search.index import refresh_after_ingest

    if not report.published:
        return
    step("更新检索索引 / updating the search index")
    refresh_after_ingest(data_dir)
    if report.entities_pending:
        result = stamp_entities(data_dir, database_url, step)
        report.entities_snapshot = result["snapshot"] if result["published"] else None
