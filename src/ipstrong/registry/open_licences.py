"""The public list of patents on open licence (开放许可): every patent of a published declaration with its terms —
payment method, fee standard, term — its declarant and the day it was published, and the licences taken since, as
the warehouse's licence events show them. Free public information: ``/public/open-licences`` and
``GET /api/v1/public/open-licences`` render this one call; matchmaking offers these patents first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.matters.models import Matter, MatterRight

TYPE = "open_licence"


class OpenLicence(BaseModel):
    app_no: str
    title: str | None
    patentee: str
    payment_method: str
    rate: str
    term_years: int
    declared_in: str  # the declaration's matter number
    published_on: dt.date
    licences_since: int  # licence events in the warehouse on or after the publication
    contact: str


def open_licence_numbers(session: Session) -> set[str]:
    """The patents of every declaration published and not withdrawn."""
    rows = session.scalars(
        select(MatterRight.number)
        .join(Matter, Matter.id == MatterRight.matter_id)
        .where(Matter.type_id == TYPE, Matter.state == "published", MatterRight.kind == "patent")
    )
    return set(rows)


def open_licences(session: Session, data_dir: Path) -> list[OpenLicence]:
    """Every patent on open licence, the latest published first."""
    from ipstrong.warehouse.connection import rows_for_keys
    from ipstrong.warehouse.snapshots import Warehouse

    rows = session.execute(
        select(Matter, MatterRight.number, MatterRight.title)
        .join(MatterRight, MatterRight.matter_id == Matter.id)
        .where(Matter.type_id == TYPE, Matter.state == "published", MatterRight.kind == "patent")
        .order_by(Matter.state_since.desc(), Matter.number, MatterRight.number)
    ).all()
    licences: dict[str, list[dt.date]] = {}
    numbers = [number for _m, number, _t in rows]
    if Warehouse(data_dir).current_id() is not None:
        found = rows_for_keys(
            data_dir, "SELECT app_no, event_date FROM events WHERE event_type = 'licence' AND app_no IN ({keys})", numbers
        )
        for app_no, day in found:
            licences.setdefault(app_no, []).append(day)
    return [
        OpenLicence(
            app_no=number, title=title, patentee=m.form["patentee"], payment_method=m.form["payment_method"],
            rate=m.form["rate"], term_years=m.form["term_years"], declared_in=m.number, published_on=m.state_since,
            licences_since=sum(1 for day in licences.get(number, []) if day >= m.state_since),
            contact=m.form.get("contact", ""),
        )
        for m, number, title in rows
    ]  # fmt: skip


def licence_events(session: Session) -> list[tuple[str, str, dt.date, str, str, str]]:
    """The licences recorded under open-licence declarations, as the warehouse's licence events: licensor the
    declarant, licensee the one recorded, dated the day it began."""
    from ipstrong.search.patents import patent_number

    rows = []
    for m in session.scalars(select(Matter).where(Matter.type_id == "open_licence_grant", Matter.state == "recorded")).all():
        declared = session.scalar(select(Matter).where(Matter.number == m.form["declaration"]))
        if declared is None:
            continue
        starts = dt.date.fromisoformat(m.form["starts"])
        rows += [(patent_number(n, "patents"), "开放许可", starts, declared.form["patentee"], m.form["licensee"], "")
                 for n in m.form["patents"]]  # fmt: skip
    return rows
