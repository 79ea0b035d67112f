"""The pledge registry's registrations into the warehouse: each registered pledge becomes a dated ``pledge`` event of
every patent it names, and each cancellation a ``pledge_release``, written as an event file and published through
ingest's one path (``ingest.follow.publish``). So the indicators, the statistics, search, explain and the patent page
see registrations as they see any other pledge. Publishing again adds nothing already stored (an event's identity
is its content), so the command may run after every registration, or once a day from the job queue.

A registration's secured amount is written once, on its first patent's event: the indicators and statistics add
amounts up by event, and a registration of three patents secures one debt.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.ingest.pipeline import IngestReport
from ipstrong.matters.models import Matter, MatterEvent, MatterRight

HEADER = ("申请号", "事件类型", "事件日期", "转出方", "转入方", "金额（万元）")


def registry_events(session: Session) -> list[tuple[str, str, dt.date, str, str, str]]:
    """The events the registry's registrations and cancellations make, in the event file's columns."""
    matters = session.scalars(select(Matter).where(Matter.type_id == "pledge", Matter.state.in_(("registered", "cancelled"))))
    rows = []
    for m in matters.all():
        days = {
            e.step: e.day
            for e in session.scalars(select(MatterEvent).where(MatterEvent.matter_id == m.id, MatterEvent.action == "step"))
        }
        numbers = session.scalars(
            select(MatterRight.number).where(MatterRight.matter_id == m.id, MatterRight.kind == "patent").order_by(MatterRight.id)
        ).all()
        pledgor, pledgee, amount = m.form["pledgor"], m.form["pledgee"], m.form["secured_amount_10k_yuan"]
        for i, number in enumerate(numbers):
            if "register" in days:
                rows.append((number, "质押", days["register"], pledgor, pledgee, str(amount) if i == 0 else ""))
            if "cancel" in days:
                rows.append((number, "质押解除", days["cancel"], pledgor, pledgee, ""))
    return rows


def publish_registrations(session: Session, data_dir: Path, database_url: str | None = None) -> IngestReport:
    """Write the registry's events to a file and publish it into the next snapshot (nothing new: no snapshot)."""
    from ipstrong.ingest.follow import publish

    rows = registry_events(session)
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "pledge-registry.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            writer.writerows((n, kind, day.isoformat(), a, b, amount) for n, kind, day, a, b, amount in rows)
        return publish([path], data_dir, database_url=database_url)
