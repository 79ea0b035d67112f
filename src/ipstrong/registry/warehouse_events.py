"""The registers' records as dated events of the warehouse, registered in one place: the pledge registry's
registrations, changes and cancellations (``pledges``), the Jiangsu Patent Award's published results (``awards``),
the licences recorded under open-licence declarations (``licences``). Each
source is a function giving rows of the event file (ingest/events.py); ``publish_events`` writes them to a file and
publishes it through ingest's one path (``ingest.follow.publish``). Publishing again adds nothing already stored (an
event's identity is its content), so it may run after every step, or each morning from the job queue (kind
``registry_events``); a snapshot is made only when something is new.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from ipstrong.ingest.pipeline import IngestReport

HEADER = ("申请号", "事件类型", "事件日期", "转出方", "转入方", "金额（万元）")
EventRow = tuple[str, str, dt.date, str, str, str]


def _sources() -> dict[str, Callable[[Session], list[EventRow]]]:
    from ipstrong.registry.awards import award_events
    from ipstrong.registry.open_licences import licence_events
    from ipstrong.registry.pledge_registry import registry_events

    return {"pledges": registry_events, "awards": award_events, "licences": licence_events}


def publish_events(
    session: Session, data_dir: Path, kinds: tuple[str, ...] | None = None, database_url: str | None = None
) -> IngestReport:
    """Publish the events of the registers ``kinds`` (all by default) into the next snapshot."""
    from ipstrong.ingest.follow import publish

    sources = _sources()
    rows = [row for kind, events in sources.items() if kinds is None or kind in kinds for row in events(session)]
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "registry-events.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            writer.writerows((n, kind, day.isoformat(), a, b, amount) for n, kind, day, a, b, amount in rows)
        return publish([path], data_dir, database_url=database_url)
