"""High-value patent cultivation centres (高价值专利培育中心): the province's centres, each a lead applicant and its
members, and their yearly output measured from the warehouse — invention filings and grants, PCT applications in
the year, effective and high-value inventions at its end, beside the year before. A member is counted by the
applicant entity its name resolves to (a patent's first applicant, as the indicators and the enterprise directory
count), so a name filed under several spellings counts once; a name the warehouse has never seen is listed as not
found, never silently dropped. ``/cultivation``, ``/api/v1/cultivation/centres`` and ``ipstrong cultivation …``
render these calls.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.roles import Actor, in_scope, require
from ipstrong.ingest.entity_store import entity_of_name
from ipstrong.messages import Conflict, IpsError, Msg
from ipstrong.reference.regions import region_name
from ipstrong.registry.models import CultivationCentre

# the yearly output: flows within the year, stocks at its end (measures of the indicator catalogue)
OUTPUT = ("applications_invention", "grants_invention", "applications_pct", "effective_inventions", "high_value_inventions")
OUTPUT_NAMES = {
    "applications_invention": ("发明申请", "invention filings"),
    "grants_invention": ("发明授权", "invention grants"),
    "applications_pct": ("PCT 申请", "PCT filings"),
    "effective_inventions": ("有效发明（年末）", "effective inventions (year-end)"),
    "high_value_inventions": ("高价值发明（年末）", "high-value inventions (year-end)"),
}


class CentreIn(BaseModel):
    """A centre as the office records it (省知识产权局批准建设的培育中心)."""

    name: str = Field(min_length=2, max_length=200, description="培育中心名称 / the centre's name")
    region_code: str = Field(pattern="^32[0-9]{4}$", description="所在地区划代码 / where it is")
    lead: str = Field(min_length=2, max_length=200, description="牵头单位（按申请人名称）/ the lead applicant, as it files")
    members: list[str] = Field(default_factory=list, max_length=50, description="成员单位 / the members, as they file")
    industry: str = Field(min_length=2, max_length=200, description="培育领域 / the field it cultivates")
    approved_year: int = Field(ge=2000, le=2100, description="批准年度 / the year approved")

    @field_validator("members")
    @classmethod
    def _names(cls, members: list[str]) -> list[str]:
        cleaned = [m.strip() for m in members if m.strip()]
        if any(len(m) > 200 for m in cleaned):
            raise ValueError("成员名称过长 / a member's name is too long")
        return list(dict.fromkeys(cleaned))


class Member(BaseModel):
    name: str
    lead: bool
    entity_id: int | None  # None: the warehouse has never seen this name


class CentreOutput(BaseModel):
    id: int
    name: str
    region_code: str
    region_name: str | None
    industry: str
    approved_year: int
    members: list[Member]
    figures: dict[str, float]  # OUTPUT's measures in the year
    previous: dict[str, float]  # the same a year before


class CentreList(BaseModel):
    year: int
    measures: dict[str, tuple[str, str]]  # each figure's names
    centres: list[CentreOutput]


def add_centre(session: Session, actor: Actor, centre: CentreIn) -> CentreIn:
    """Record a centre in the actor's region; refused for a region that does not exist or a name already used."""
    require(actor, "records.write", centre.region_code)
    if region_name(centre.region_code) is None:
        raise IpsError(
            Msg(f"未知区划代码 {centre.region_code}", f"unknown region {centre.region_code}").located(field="region_code")
        )
    if session.scalar(select(CultivationCentre.id).where(CultivationCentre.name == centre.name)) is not None:
        raise Conflict(Msg(f"已有同名培育中心：{centre.name}", f"a centre named {centre.name} exists").located(field="name"))
    row = CultivationCentre(**centre.model_dump())
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "centre.add", "cultivation_centre", row.id, row.region_code, None, centre.model_dump())
    return centre


def centre_output(session: Session, actor: Actor, data_dir: Path, year: int, timeout_s: float | None = None) -> CentreList:
    """Every centre in the reader's region with its members' output in ``year`` and the year before."""
    from ipstrong.indicators.engine import by_applicant
    from ipstrong.warehouse.snapshots import Warehouse

    require(actor, "records.read")
    rows = [
        c for c in session.scalars(select(CultivationCentre).order_by(CultivationCentre.name)) if in_scope(actor, c.region_code)
    ]
    members = {c.id: _members(session, c) for c in rows}
    entities = sorted({m.entity_id for ms in members.values() for m in ms if m.entity_id is not None})
    day, before = dt.date(year, 12, 31), dt.date(year - 1, 12, 31)
    values = {}
    if entities and Warehouse(data_dir).current_id() is not None:
        values = by_applicant(data_dir, list(OUTPUT), [day, before], timeout_s=timeout_s, entities=entities)

    def total(c: CultivationCentre, on: dt.date) -> dict[str, float]:
        ids = {m.entity_id for m in members[c.id] if m.entity_id is not None}
        return {m: sum(values.get((m, on), {}).get(e, 0.0) for e in ids) for m in OUTPUT}

    centres = [
        CentreOutput(
            id=c.id, name=c.name, region_code=c.region_code, region_name=region_name(c.region_code), industry=c.industry,
            approved_year=c.approved_year, members=members[c.id], figures=total(c, day), previous=total(c, before),
        )
        for c in rows
    ]  # fmt: skip
    return CentreList(year=year, measures=OUTPUT_NAMES, centres=centres)


def _members(session: Session, centre: CultivationCentre) -> list[Member]:
    found = []
    for i, name in enumerate([centre.lead, *[m for m in centre.members if m != centre.lead]]):
        entity = entity_of_name(session, name)
        found.append(Member(name=name, lead=i == 0, entity_id=entity.id if entity is not None else None))
    return found
