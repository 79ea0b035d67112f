"""Talent–carrier matching (产才对接): an innovation carrier — an enterprise, a park, a university — posts what it
needs (technical fields as IPC, the services it wants, where it is), and the registry's practitioners and the
directory's agencies are ranked against it, each match with its reasons.

A practitioner scores on its fields (the same subclass, else the same section), its record (title, years of IP
work, training in the last 12 months), a qualification that fits the services wanted, and being in the carrier's
city. An agency scores on its record in the carrier's fields — the patents it represented there in the last five
years, read from the warehouse by its code and name as ``agencies`` reads them — the services it offers among those
wanted, and its city. The weights are the project's own ranking, stated with each figure (``WEIGHTS``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.roles import Actor, PermissionDenied, in_scope
from ipstrong.messages import Msg, NotFound
from ipstrong.network.agencies import city_of
from ipstrong.network.models import Agency, CarrierNeed
from ipstrong.network.talent import IpcFields, PractitionerOut, registry
from ipstrong.network.vocab import AGENCY_SERVICES, NEED_PARTS, QUALIFICATIONS, TITLES, AgencyServices, JiangsuDivision
from ipstrong.reference.regions import region_name

# points of 100 each part of a match can give (the project's ranking, not an official rule); named in NEED_PARTS
WEIGHTS = {"field": 40, "record": 35, "services": 15, "city": 10}
# the qualifications that fit a service wanted
FITS = {
    "patent_filing": {"patent_attorney"}, "trademark_filing": {"trademark_attorney"},
    "invalidation": {"patent_attorney", "lawyer"}, "litigation": {"lawyer", "patent_attorney"},
    "licensing": {"patent_attorney", "lawyer", "manager"}, "valuation": {"evaluator"}, "pledge": {"evaluator", "manager"},
    "search": {"analyst", "patent_attorney"}, "navigation": {"analyst"}, "consulting": {"manager", "analyst"},
    "training": {"manager", "patent_attorney"}, "overseas": {"patent_attorney", "lawyer"},
}  # fmt: skip
RECORD_YEARS = 5  # an agency's record: the patents it represented in the carrier's fields in this many years


if set(WEIGHTS) != set(NEED_PARTS):
    raise ValueError("needs.WEIGHTS: every part of a match must have its names in vocab.NEED_PARTS")


class NeedIn(BaseModel):
    carrier: str = Field(min_length=2, max_length=200, description="创新载体名称 / the carrier")
    region_code: JiangsuDivision = Field(description="所在地市或区县 / city or county")
    fields: IpcFields = Field(min_length=1, max_length=10, description="技术领域（IPC 部、大类或小类）/ fields (IPC)")
    services: AgencyServices = Field(default_factory=list, description="所需服务 / services wanted")
    text: str = Field(min_length=4, max_length=2000, description="需求描述 / the need")


class NeedOut(NeedIn):
    id: int
    region_name: str | None
    posted_by: str
    posted_at: dt.datetime


class Candidate(BaseModel):
    TABLE: ClassVar[tuple[str, ...]] = ("kind", "name", "employer", "score", "reasons")

    kind: str  # practitioner | agency
    id: int
    name: str
    employer: str | None  # a practitioner's
    city_name: str | None
    score: float
    parts: dict[str, float]  # by WEIGHTS' part
    reasons: list[str]


class NeedMatches(BaseModel):
    need: NeedOut
    weights: dict[str, int]
    practitioners: list[Candidate]
    agencies: list[Candidate]


def _may_post(actor: Actor, region_code: str) -> bool:
    if "records.write" in actor.role_info.permissions:
        return in_scope(actor, region_code)
    return actor.role in ("enterprise_user", "agency_user") and actor.organisation_id is not None


def _may_see(actor: Actor, need: CarrierNeed) -> bool:
    if "records.read" in actor.role_info.permissions:
        return in_scope(actor, need.region_code)
    return actor.organisation_id is not None and need.organisation_id == actor.organisation_id


def _out(row: CarrierNeed) -> NeedOut:
    return NeedOut(
        id=row.id, carrier=row.carrier, region_code=row.region_code, fields=list(row.fields), services=list(row.services),
        text=row.text, region_name=region_name(row.region_code), posted_by=row.posted_by, posted_at=row.posted_at,
    )  # fmt: skip


def post_need(session: Session, actor: Actor, need: NeedIn) -> NeedOut:
    """Post a carrier's need: staff within their region, an enterprise's or agency's user for its organisation."""
    if not _may_post(actor, need.region_code):
        raise PermissionDenied(Msg("无权发布此需求", "not allowed to post this need"))
    row = CarrierNeed(**need.model_dump(), organisation_id=actor.organisation_id, posted_by=actor.username)
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "need.post", "carrier_need", row.id, row.region_code, None, need.model_dump())
    return _out(row)


def needs(session: Session, actor: Actor) -> list[NeedOut]:
    """The needs the reader may see, latest first."""
    rows = session.scalars(select(CarrierNeed).order_by(CarrierNeed.id.desc()))
    return [_out(n) for n in rows if _may_see(actor, n)]


FIELD_LEVELS = ((4, 1.0, "同一小类", "same subclass"), (3, 0.75, "同一大类", "same class"), (1, 0.5, "同一部", "same section"))


def _field_fit(wanted: list[str], held: list[str]) -> tuple[float, str | None]:
    """How near the fields held come to those wanted: the same field or subclass 1, the same class 0.75, the same
    section 0.5 (the best pair), with its reason."""
    best: tuple[float, str | None] = (0.0, None)
    for w in wanted:
        for h in held:
            shared = next((i for i, (a, b) in enumerate(zip(w, h, strict=False)) if a != b), min(len(w), len(h)))
            for depth, fit, zh, en in FIELD_LEVELS:
                if (w == h or shared >= depth) and fit > best[0]:
                    why = (
                        f"技术领域{zh}（{h} / {w}）/ {en} ({h} / {w})" if w != h else f"技术领域相同（{h}）/ the same field ({h})"
                    )
                    best = (1.0 if w == h else fit, why)
                    break
    return best


def match_need(
    session: Session, actor: Actor, data_dir: Path, need_id: int, today: dt.date, limit: int = 10, timeout_s: float | None = None
) -> NeedMatches:
    """The practitioners and agencies best placed for a need, each with its score and why."""
    row = session.get(CarrierNeed, need_id)
    if row is None or not _may_see(actor, row):
        raise NotFound(Msg(f"没有编号为 {need_id} 的需求", f"no need {need_id}"))
    need = _out(row)
    people = [_score_person(need, p) for p in registry(session, today)]
    agencies = session.scalars(select(Agency)).all()
    record = _agency_record(data_dir, agencies, need.fields, today.year, timeout_s)
    firms = [_score_agency(need, a, record.get(a.id, 0), max(record.values(), default=0)) for a in agencies]

    def best(found: list[Candidate]) -> list[Candidate]:
        return sorted((c for c in found if c.parts["field"] > 0), key=lambda c: (-c.score, c.name))[:limit]

    return NeedMatches(need=need, weights=WEIGHTS, practitioners=best(people), agencies=best(firms))


def _score_person(need: NeedOut, person: PractitionerOut) -> Candidate:
    fit, why = _field_fit(need.fields, person.fields)
    reasons = [why] if why else []
    title = ("none", "assistant", "engineer", "senior").index(person.title) / 3
    record = (title + min(person.years / 10, 1.0) + min(person.training_hours / 40, 1.0)) / 3
    reasons.append(
        f"{TITLES[person.title][0]}，从业 {person.years} 年，近一年培训 {person.training_hours} 学时 / "
        f"{TITLES[person.title][1]}, {person.years} years, {person.training_hours} training hours this year"
    )
    fits = [s for s in need.services if person.qualification in FITS.get(s, set())]
    if fits:
        reasons.append(
            f"{QUALIFICATIONS[person.qualification][0]}可承担：{'、'.join(AGENCY_SERVICES[s][0] for s in fits)} / "
            f"a {QUALIFICATIONS[person.qualification][1]} fits: {', '.join(fits)}"
        )
    services = len(fits) / len(need.services) if need.services else 0.0
    near = city_of(person.region_code) == city_of(need.region_code)
    if near:
        reasons.append(f"同在{region_name(city_of(need.region_code))} / in the same city")
    return _candidate("practitioner", person.id, person.name, person.employer, city_of(person.region_code),
                      {"field": fit, "record": record, "services": services, "city": float(near)}, reasons)  # fmt: skip


def _score_agency(need: NeedOut, agency: Agency, filings: int, most: int) -> Candidate:
    reasons = []
    fit = 1.0 if filings else 0.0
    if filings:
        reasons.append(
            f"近 {RECORD_YEARS} 年在所需领域代理申请 {filings} 件 / {filings} filings represented in the fields "
            f"in {RECORD_YEARS} years"
        )
    record = filings / most if most else 0.0
    offered = [s for s in need.services if s in agency.services]
    if offered:
        reasons.append(f"提供：{'、'.join(AGENCY_SERVICES[s][0] for s in offered)} / offers: {', '.join(offered)}")
    services = len(offered) / len(need.services) if need.services else 0.0
    near = city_of(agency.region_code) == city_of(need.region_code)
    if near:
        reasons.append(f"同在{region_name(city_of(need.region_code))} / in the same city")
    return _candidate("agency", agency.id, agency.name, None, city_of(agency.region_code),
                      {"field": fit, "record": record, "services": services, "city": float(near)}, reasons)  # fmt: skip


def _candidate(kind: str, id_: int, name: str, employer: str | None, city: str, parts: dict[str, float],
               reasons: list[str]) -> Candidate:  # fmt: skip
    points = {k: round(WEIGHTS[k] * v, 1) for k, v in parts.items()}
    return Candidate(kind=kind, id=id_, name=name, employer=employer, city_name=region_name(city),
                     score=round(sum(points.values()), 1), parts=points, reasons=reasons)  # fmt: skip


def _agency_record(
    data_dir: Path, agencies: list[Agency], fields: list[str], year: int, timeout_s: float | None
) -> dict[int, int]:
    """Each agency's filings represented in ``fields`` (main IPC within one of them) in the last ``RECORD_YEARS``
    years to ``year``, matched by code, else by name, as the activity figures match them."""
    import pyarrow as pa

    from ipstrong.network.agencies import directory_table, matched_sql
    from ipstrong.warehouse.connection import snapshot_connection, time_limit
    from ipstrong.warehouse.snapshots import Warehouse

    if not agencies or Warehouse(data_dir).current_id() is None:
        return {}
    con = snapshot_connection(data_dir)
    try:
        con.register("agency_directory", directory_table(agencies))
        con.register("wanted", pa.table({"prefix": fields}))
        where = (f"year(app_date) > {year - RECORD_YEARS} AND year(app_date) <= {year} "
                 "AND EXISTS (SELECT 1 FROM wanted WHERE starts_with(replace(ipc_main, ' ', ''), prefix))")  # fmt: skip
        with time_limit(con, timeout_s):
            rows = con.execute(f"{matched_sql(where)} SELECT id, count(*) FROM matched GROUP BY id").fetchall()
    finally:
        con.close()
    return dict(rows)
