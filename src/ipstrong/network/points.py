"""Information service points and workstations: the registry of the province's TISC, its IP information service
points (知识产权信息公共服务网点) and the IP workstations in parks and enterprises; the service records their staff
enter (consultations, searches, trainings, each with how many were served); each point's yearly output; and the
network's coverage against the province's targets (``data/targets.toml``): points in all, counties with a point,
points per city. A point's staff are the users of its host organisation; the office's staff of its region may also
enter its records. ``/points``, ``/api/v1/points…`` and ``ipstrong points …`` render these calls.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from importlib.resources import files
from typing import Any, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.models import Organisation
from ipstrong.accounts.roles import Actor, PermissionDenied, in_scope, require
from ipstrong.messages import Conflict, IpsError, Msg, NotFound
from ipstrong.network.agencies import city_of
from ipstrong.network.models import ServicePoint, ServiceRecord
from ipstrong.network.vocab import (
    HOST_KINDS,
    POINT_KINDS,
    POINT_SERVICES,
    HostKind,
    JiangsuDivision,
    PointKind,
    PointService,
    PointServices,
)
from ipstrong.reference.regions import JIANGSU, jiangsu_cities, region_name, regions

NETWORK_KINDS = ("tisc", "info_point")  # what the target counts; workstations are counted apart


@cache
def targets() -> dict[str, Any]:
    """The shipped targets (data/targets.toml)."""
    return tomllib.loads((files("ipstrong") / "network" / "data" / "targets.toml").read_text(encoding="utf-8"))


class PointIn(BaseModel):
    name: str = Field(min_length=2, max_length=200, description="名称 / the point's name")
    kind: PointKind = Field(description="类别 / kind: " + ", ".join(POINT_KINDS))
    host: str = Field(min_length=2, max_length=200, description="依托单位 / host park, enterprise or institution")
    host_kind: HostKind = Field(description="依托单位类型 / host kind: " + ", ".join(HOST_KINDS))
    region_code: JiangsuDivision = Field(description="所在区县（或地市）代码 / its county or city")
    services: PointServices = Field(default_factory=list, description="服务内容 / services: " + ", ".join(POINT_SERVICES))
    staff: int = Field(default=0, ge=0, le=10_000, description="服务人员数 / staff")
    organisation_id: int | None = Field(default=None, ge=1, description="依托单位账号（机构编号）/ the host's organisation")
    opened: dt.date = Field(description="设立日期 / opened on")


class PointOut(PointIn):
    TABLE: ClassVar[tuple[str, ...]] = ("id", "name", "kind", "host", "region_name", "staff", "opened")

    id: int
    region_name: str | None
    city_code: str


class RecordIn(BaseModel):
    day: dt.date = Field(description="服务日期 / the day")
    kind: PointService = Field(description="服务类别 / consultation | search | training")
    count: int = Field(ge=1, le=100_000, description="服务人次或件数 / people or requests served")
    served: str = Field(min_length=1, max_length=200, description="服务对象 / whom")


class PointOutput(BaseModel):
    TABLE: ClassVar[tuple[str, ...]] = ("name", "kind", "region_name", "consultation", "search", "training", "records")

    id: int
    name: str
    kind: str
    region_name: str | None
    consultation: int
    search: int
    training: int
    records: int  # service records entered in the year
    previous: dict[str, int]  # the same three a year before


class CityCoverage(BaseModel):
    city_code: str
    city_name: str
    points: int  # TISC and info points
    workstations: int
    counties: int
    counties_covered: int


class Coverage(BaseModel):
    asof: dt.date
    source: str
    verified: bool
    target_year: int
    target_points: int
    points: int
    workstations: int
    counties: int
    counties_covered: int
    county_share: float
    target_county_share: float
    points_met: bool
    counties_met: bool
    cities: list[CityCoverage]


class PointsYear(BaseModel):
    year: int
    points: list[PointOutput]


def _out(row: ServicePoint) -> PointOut:
    return PointOut(
        id=row.id, name=row.name, kind=row.kind, host=row.host, host_kind=row.host_kind, region_code=row.region_code,
        services=list(row.services), staff=row.staff, organisation_id=row.organisation_id, opened=row.opened,
        region_name=region_name(row.region_code), city_code=city_of(row.region_code),
    )  # fmt: skip


def add_point(session: Session, actor: Actor, point: PointIn) -> PointOut:
    """Record a point in the actor's region; refused for a name already used or a host organisation unknown."""
    require(actor, "records.write", point.region_code)
    if point.organisation_id is not None and session.get(Organisation, point.organisation_id) is None:
        raise NotFound(
            Msg(f"没有编号为 {point.organisation_id} 的机构", f"no organisation {point.organisation_id}").located(
                field="organisation_id"
            )
        )
    if session.scalar(select(ServicePoint.id).where(ServicePoint.name == point.name)) is not None:
        raise Conflict(Msg(f"已有同名服务网点：{point.name}", f"a point named {point.name} exists").located(field="name"))
    row = ServicePoint(**point.model_dump(), created_by=actor.username)
    session.add(row)
    session.flush()
    audit.append(
        session, actor.username, "point.add", "service_point", row.id, row.region_code, None, point.model_dump(mode="json")
    )
    return _out(row)


def points(session: Session, actor: Actor) -> list[PointOut]:
    """The points the reader may see: staff their region's; a host organisation's users their own."""
    rows = session.scalars(select(ServicePoint).order_by(ServicePoint.name)).all()
    return [_out(p) for p in rows if _may_see(actor, p)]


def _may_see(actor: Actor, point: ServicePoint) -> bool:
    if "records.read" in actor.role_info.permissions:
        return in_scope(actor, point.region_code)
    return actor.organisation_id is not None and point.organisation_id == actor.organisation_id


def record_service(session: Session, actor: Actor, point_id: int, record: RecordIn, today: dt.date | None = None) -> int:
    """Enter one service record of a point: by its host's users or the office's staff of its region; never for a
    day ahead of today or before the point opened. Returns the record's id."""
    from ipstrong.clock import today_shanghai

    point = session.get(ServicePoint, point_id)
    if point is None or not _may_see(actor, point):
        raise NotFound(Msg(f"没有编号为 {point_id} 的服务网点", f"no service point {point_id}"))
    staff = "records.write" in actor.role_info.permissions and in_scope(actor, point.region_code)
    if not staff and point.organisation_id != actor.organisation_id:
        raise PermissionDenied(Msg("只有网点的服务人员可以填报", "only the point's staff may enter its records"))
    if record.day > (today or today_shanghai()) or record.day < point.opened:
        raise IpsError(
            Msg(f"服务日期 {record.day} 须在设立日 {point.opened} 与今天之间", f"the day {record.day} must lie between the "
                f"opening {point.opened} and today").located(field="day")
        )  # fmt: skip
    row = ServiceRecord(point_id=point.id, **record.model_dump(), entered_by=actor.username)
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "point.record", "service_point", point.id, point.region_code, None,
                 record.model_dump(mode="json"))  # fmt: skip
    return row.id


def point_output(session: Session, actor: Actor, year: int) -> PointsYear:
    """Each visible point's services in ``year`` by kind (people or requests served), beside the year before."""
    shown = points(session, actor)
    ids = [p.id for p in shown]
    sums: dict[tuple[int, int, str], int] = {}
    entries: dict[tuple[int, int], int] = {}
    if ids:
        year_of = func.extract("year", ServiceRecord.day)
        stmt = (
            select(ServiceRecord.point_id, year_of, ServiceRecord.kind, func.sum(ServiceRecord.count), func.count())
            .where(ServiceRecord.point_id.in_(ids), ServiceRecord.day.between(dt.date(year - 1, 1, 1), dt.date(year, 12, 31)))
            .group_by(ServiceRecord.point_id, year_of, ServiceRecord.kind)
        )
        for point_id, y, kind, total, n in session.execute(stmt):
            sums[(point_id, int(y), kind)] = int(total)
            entries[(point_id, int(y))] = entries.get((point_id, int(y)), 0) + int(n)
    return PointsYear(
        year=year,
        points=[
            PointOutput(
                id=p.id, name=p.name, kind=p.kind, region_name=p.region_name,
                **{k: sums.get((p.id, year, k), 0) for k in POINT_SERVICES}, records=entries.get((p.id, year), 0),
                previous={k: sums.get((p.id, year - 1, k), 0) for k in POINT_SERVICES},
            )
            for p in shown
        ],
    )  # fmt: skip


def coverage(session: Session, actor: Actor, asof: dt.date) -> Coverage:
    """The network on ``asof`` against the province's targets: points open by then, the counties with one, and by
    city. Counties are the province's county-level divisions in force."""
    require(actor, "records.read")
    open_ = session.scalars(select(ServicePoint).where(ServicePoint.opened <= asof)).all()
    network = [p for p in open_ if p.kind in NETWORK_KINDS]
    counties = [r for r in regions() if r.level == "district" and r.province_code == JIANGSU and r.status == "current"]
    covered = {p.region_code for p in network}
    goal = targets()
    cities = [
        CityCoverage(
            city_code=c.code, city_name=c.name, points=sum(city_of(p.region_code) == c.code for p in network),
            workstations=sum(city_of(p.region_code) == c.code and p.kind == "workstation" for p in open_),
            counties=sum(d.city_code == c.code for d in counties),
            counties_covered=sum(d.city_code == c.code and d.code in covered for d in counties),
        )
        for c in jiangsu_cities()
    ]  # fmt: skip
    share = sum(d.code in covered for d in counties) / len(counties)
    return Coverage(
        asof=asof, source=goal["source"], verified=goal["verified"], target_year=goal["points"]["year"],
        target_points=goal["points"]["count"], points=len(network), workstations=sum(p.kind == "workstation" for p in open_),
        counties=len(counties), counties_covered=sum(d.code in covered for d in counties), county_share=round(share, 4),
        target_county_share=goal["points"]["county_share"], points_met=len(network) >= goal["points"]["count"],
        counties_met=share > goal["points"]["county_share"], cities=cities,
    )  # fmt: skip
