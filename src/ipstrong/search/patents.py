"""The patents service: one patent as the platform shows it, by any written form of its number.

``patent(actor, number)`` returns a ``PatentDetail``: the warehouse record (its fields are the warehouse schema's,
generated from it, never listed again), the legal-status timeline, the same applicant's and similar patents. The
patent page, ``GET /api/v1/patents/{number}`` and ``ipstrong patent NUMBER`` render that one model; the matters'
right checks read the same records through ``held``. Patent records are public information (CNIPA publishes them):
any signed-in person may read any of them, so no region scope applies and nothing is audited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, create_model

from ipstrong.accounts.roles import Actor
from ipstrong.ids import ApplicationNumber, InvalidIdentifier
from ipstrong.ids.appno import FOREIGN_APPLICATION
from ipstrong.ids.common import fold
from ipstrong.messages import IpsError, Msg, NotFound
from ipstrong.vocabulary import words
from ipstrong.warehouse.schema import PATENTS

RELATED = 10  # same-applicant and similar patents shown beside one
ESTIMATED = "估计值，见数据质量报告 / estimated, see the data-quality report"
# bookkeeping columns of the warehouse that say nothing about the patent
HIDDEN = ("source", "source_row", "record_hash", "snapshot_added")


def _python_type(kind: pa.DataType) -> Any:
    if pa.types.is_list(kind):
        return list[_python_type(kind.value_type)] | None
    if pa.types.is_date(kind):
        return dt.date | None
    if pa.types.is_boolean(kind):
        return bool | None
    if pa.types.is_integer(kind):
        return int | None
    if pa.types.is_floating(kind):
        return float | None
    return str | None


# one warehouse patent row, typed from the schema the warehouse writes (a new column appears here by itself)
PatentRecord = create_model(
    "PatentRecord",
    __config__=ConfigDict(extra="ignore"),
    **{f.name: (_python_type(f.type), None) for f in PATENTS if f.name not in HIDDEN},  # type: ignore[call-overload]
)


class TimelineEntry(BaseModel):
    """One dated step of a patent's legal life."""

    date: dt.date
    event: str = Field(description="filed, published, grant, lapse or a legal event's type")
    event_zh: str
    event_en: str
    detail: str = ""


class PatentLink(BaseModel):
    """A patent named beside another (same applicant, similar)."""

    app_no: str
    title: str
    app_date: dt.date | None = None
    applicants: list[str] = []


class Note(BaseModel):
    zh: str
    en: str


class PatentDetail(BaseModel):
    """What the patent page, its JSON twin and the CLI show of one patent."""

    snapshot: str
    patent: PatentRecord  # type: ignore[valid-type]
    timeline: list[TimelineEntry]
    same_applicant: list[PatentLink]
    similar: list[PatentLink]
    related_note: Note | None = Field(default=None, description="why related patents are missing (no search index yet)")


def patent_number(raw: str, field: str = "number") -> str:
    """A patent's number as the warehouse keeps it: a CN application number in any written form (check digit
    verified) → 201710601862.3; another office's number (US12134151) as written, upper case."""
    text = fold(raw).replace(" ", "")
    if FOREIGN_APPLICATION.fullmatch(text):
        return text
    try:
        return ApplicationNumber.parse(raw).canonical
    except InvalidIdentifier as exc:
        raise IpsError(exc.msg.located(field=field)) from None


def is_foreign(number: str) -> bool:
    """Another office's number (kept as written, never looked up as CNIPA's)."""
    return FOREIGN_APPLICATION.fullmatch(number) is not None


def held(data_dir: Path, numbers: list[str]) -> dict[str, str]:
    """Of canonical ``numbers``, those the current snapshot holds, with their titles."""
    from ipstrong.warehouse.connection import lookup

    return lookup(data_dir, "patents", "app_no", "title", numbers)


def _timeline(record: dict[str, Any], events: list[dict[str, Any]]) -> list[TimelineEntry]:
    def entry(day: dt.date | None, event: str, zh_en: tuple[str, str], detail: str = "") -> TimelineEntry | None:
        return TimelineEntry(date=day, event=event, event_zh=zh_en[0], event_en=zh_en[1], detail=detail) if day else None

    lapse_detail = [record["legal_status_raw"] or "", ESTIMATED if record["lapse_date_estimated"] else ""]
    entries = [
        entry(record["app_date"], "filed", ("申请", "filed")),
        entry(record["pub_date"], "published", ("公开", "published")),
        entry(record["grant_date"], "grant", words("event_type", "grant"), ESTIMATED if record["grant_date_estimated"] else ""),
        *(
            entry(e["event_date"], e["event_type"], words("event_type", e["event_type"]), e["to_party"] or "")
            for e in events
            if e["event_type"] != "grant" or record["grant_date"] is None
        ),
        entry(record["lapse_date"], "lapse", words("event_type", "lapse"), " · ".join(d for d in lapse_detail if d)),
    ]
    return sorted((e for e in entries if e is not None), key=lambda e: e.date)


def _links(hits: list[dict[str, Any]]) -> list[PatentLink]:
    return [PatentLink.model_validate(h) for h in hits]


def patent(actor: Actor, number: str, data_dir: Path, timeout_s: float | None = None) -> PatentDetail:
    """One patent of the current snapshot by any written form of its number, with its timeline and related
    patents; ``NotFound`` when the warehouse does not hold it. Related patents need the search index: without
    one the detail says so in ``related_note``."""
    from ipstrong.search.engine import search, similar
    from ipstrong.warehouse.connection import snapshot_connection, time_limit
    from ipstrong.warehouse.snapshots import Warehouse

    del actor  # public records: every signed-in person reads every patent (module docstring)
    canonical = patent_number(number)
    snapshot = Warehouse(data_dir).current_id()
    if snapshot is None:
        raise NotFound(Msg("仓库中还没有数据", "the warehouse holds no data yet"))
    con = snapshot_connection(data_dir, snapshot)
    try:
        with time_limit(con, timeout_s):
            found = con.sql("SELECT * FROM patents WHERE app_no = ?", params=[canonical]).to_arrow_table().to_pylist()
            events = (
                con.sql(
                    "SELECT event_type, event_date, to_party FROM events WHERE app_no = ? ORDER BY event_date",
                    params=[canonical],
                )
                .to_arrow_table()
                .to_pylist()
            )
    finally:
        con.close()
    if not found:
        raise NotFound(Msg(f"仓库中没有 {canonical}", f"no patent {canonical} in the warehouse"))
    record = found[0]
    same_applicant: list[PatentLink] = []
    alike: list[PatentLink] = []
    note = None
    try:
        if record["first_applicant"]:
            query = 'AP="' + record["first_applicant"].replace('"', "") + '"'
            hits = search(data_dir, query, limit=RELATED + 1)["hits"]
            same_applicant = _links([h for h in hits if h["app_no"] != canonical][:RELATED])
        alike = _links(similar(data_dir, f"{record['title']} {record['abstract'] or ''}", limit=RELATED, exclude=canonical))
    except IpsError as exc:  # no index yet: the detail says so instead of failing
        note = Note(zh=exc.msg.zh, en=exc.msg.en)
    return PatentDetail(
        snapshot=snapshot,
        patent=PatentRecord.model_validate(record),
        timeline=_timeline(record, events),
        same_applicant=same_applicant,
        similar=alike,
        related_note=note,
    )


def patent_sheet(actor: Actor, number: str, data_dir: Path, timeout_s: float | None = None) -> bytes:
    """The patent's bibliographic sheet as a printable PDF (A4): its data, abstract, claims and timeline."""
    from importlib.resources import files

    from ipstrong.clock import today_shanghai
    from ipstrong.printing import render_pdf
    from ipstrong.vocabulary import words

    detail = patent(actor, number, data_dir, timeout_s)
    record = detail.patent
    values = {
        "d": detail,
        "p": record,
        "patent_type": " / ".join(words("patent_type", record.patent_type)),
        "legal_status": " / ".join(words("legal_status", record.legal_status)),
        "printed_on": today_shanghai(),
    }
    return render_pdf(Path(str(files("ipstrong") / "search" / "templates")), "patent_sheet", values)
