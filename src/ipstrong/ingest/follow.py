"""What follows a published ingest, written once for the command line, the job queue and the demo.

An ingest publishes its snapshot without waiting on the operational database: it stamps the applicant names the
reviewed mapping already holds and counts the others (``entities_pending``). Those are resolved afterwards here —
``apply_entities`` records them in the mapping and publishes their ids in a follow-up snapshot — and then the search
index is brought to the current snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ipstrong.ingest.pipeline import IngestReport, apply_entities


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
    """Resolve the new applicant names into a follow-up snapshot, then refresh the search index."""
    from ipstrong.search.index import refresh_after_ingest

    if not report.published:
        return
    if report.entities_pending:
        result = stamp_entities(data_dir, database_url, step)
        report.entities_snapshot = result["snapshot"] if result["published"] else None
        if result["published"]:
            return  # the index was brought to the follow-up snapshot
    step("更新检索索引 / updating the search index")
    refresh_after_ingest(data_dir)
