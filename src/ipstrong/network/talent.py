"""The talent registry (知识产权人才库): practitioners — their employer (an agency of the directory where it is one),
qualification, education, years of IP work, technical fields and title — and the training they attended.
``/talent``, ``/api/v1/practitioners…`` and ``ipstrong talent …`` render these calls.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.roles import Actor, in_scope, require
from ipstrong.messages import IpsError, Msg, NotFound
from ipstrong.network.models import Agency, Practitioner, Training
from ipstrong.network.vocab import EDUCATIONS, QUALIFICATIONS, TITLES, Education, JiangsuDivision, Qualification, Title
from ipstrong.reference.regions import region_name


def ipc_fields(values: list[str]) -> list[str]:
    """Technical fields as IPC sections, classes or subclasses (``H``, ``H01``, ``H01M``), upper-cased, each once; a
    ``ValueError`` for anything else."""
    import re

    found = []
    for value in values:
        v = value.strip().upper().replace(" ", "")
        if not re.fullmatch(r"[A-H]([0-9]{2}[A-Z]?)?", v):
            raise ValueError(
                f"技术领域须为 IPC 部、大类或小类（如 H、H01、H01M）：{value} / a field is an IPC section, class or "
                f"subclass: {value}"
            )
        found.append(v)
    return list(dict.fromkeys(found))


IpcFields = Annotated[list[str], AfterValidator(ipc_fields)]


class PractitionerIn(BaseModel):
    name: str = Field(min_length=2, max_length=100, description="姓名 / name")
    employer: str = Field(min_length=2, max_length=200, description="工作单位 / employer")
    agency_id: int | None = Field(default=None, ge=1, description="所在服务机构编号 / the agency of the directory")
    region_code: JiangsuDivision = Field(description="所在地市或区县 / city or county")
    qualification: Qualification = Field(description="资格 / qualification: " + ", ".join(QUALIFICATIONS))
    education: Education = Field(description="学历 / education: " + ", ".join(EDUCATIONS))
    years: int = Field(ge=0, le=60, description="从事知识产权工作年限 / years in IP work")
    fields: IpcFields = Field(default_factory=list, max_length=20, description="技术领域（IPC）/ fields (IPC)")
    title: Title = Field(default="none", description="职称 / title: " + ", ".join(TITLES))


class PractitionerOut(PractitionerIn):
    TABLE: ClassVar[tuple[str, ...]] = ("id", "name", "employer", "qualification", "title", "years", "training_hours")

    id: int
    region_name: str | None
    training_hours: int  # in the last 12 months
    trainings: int  # in all


class TrainingIn(BaseModel):
    day: dt.date = Field(description="培训日期 / the day")
    course: str = Field(min_length=2, max_length=200, description="课程 / course")
    hours: int = Field(ge=1, le=500, description="学时 / hours")
    provider: str = Field(min_length=2, max_length=200, description="举办单位 / provider")


class TrainingOut(TrainingIn):
    id: int
    practitioner_id: int


def _out(row: Practitioner, hours: int, count: int) -> PractitionerOut:
    return PractitionerOut(
        id=row.id, name=row.name, employer=row.employer, agency_id=row.agency_id, region_code=row.region_code,
        qualification=row.qualification, education=row.education, years=row.years, fields=list(row.fields), title=row.title,
        region_name=region_name(row.region_code), training_hours=hours, trainings=count,
    )  # fmt: skip


def add_practitioner(session: Session, actor: Actor, person: PractitionerIn) -> PractitionerOut:
    """Record a practitioner in the actor's region; the agency named must be in the directory."""
    require(actor, "records.write", person.region_code)
    if person.agency_id is not None and session.get(Agency, person.agency_id) is None:
        raise NotFound(
            Msg(f"名录中没有编号为 {person.agency_id} 的服务机构", f"no agency {person.agency_id}").located(field="agency_id")
        )
    row = Practitioner(**person.model_dump(), created_by=actor.username)
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "practitioner.add", "practitioner", row.id, row.region_code, None, person.model_dump())
    return _out(row, 0, 0)


def practitioners(session: Session, actor: Actor, today: dt.date, field: str | None = None) -> list[PractitionerOut]:
    """The registry in the reader's region (within one IPC field when given), with each one's training."""
    require(actor, "records.read")
    found = [p for p in registry(session, today) if in_scope(actor, p.region_code)]
    if field:
        try:
            wanted = ipc_fields([field])[0]
        except ValueError as exc:
            zh, _, en = str(exc).partition(" / ")
            raise IpsError(Msg(zh, en).located(field="field")) from None
        found = [p for p in found if any(wanted.startswith(f) or f.startswith(wanted) for f in p.fields)]
    return found


def registry(session: Session, today: dt.date) -> list[PractitionerOut]:
    """The whole registry with each one's training (for the reader's view above, and for matching, which offers
    the province's talent to any carrier)."""
    rows = session.scalars(select(Practitioner).order_by(Practitioner.name)).all()
    hours = _training(session, [p.id for p in rows], today)
    return [_out(p, *hours.get(p.id, (0, 0))) for p in rows]


def _training(session: Session, ids: list[int], today: dt.date) -> dict[int, tuple[int, int]]:
    """Each practitioner's training hours in the 12 months to ``today`` and courses in all."""
    if not ids:
        return {}
    since = today - dt.timedelta(days=365)
    recent = func.sum(Training.hours).filter(Training.day > since)
    stmt = select(Training.practitioner_id, recent, func.count()).where(Training.practitioner_id.in_(ids))
    return {p: (int(h or 0), int(n)) for p, h, n in session.execute(stmt.group_by(Training.practitioner_id))}


def add_training(session: Session, actor: Actor, practitioner_id: int, course: TrainingIn, today: dt.date) -> TrainingOut:
    """Record a course a practitioner of the actor's region attended; never on a day ahead of today."""
    person = _person(session, actor, practitioner_id)
    require(actor, "records.write", person.region_code)
    if course.day > today:
        raise IpsError(Msg(f"培训日期 {course.day} 晚于今天", f"the day {course.day} is after today").located(field="day"))
    row = Training(practitioner_id=person.id, **course.model_dump(), created_by=actor.username)
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "practitioner.training", "practitioner", person.id, person.region_code, None,
                 course.model_dump(mode="json"))  # fmt: skip
    return TrainingOut(id=row.id, practitioner_id=person.id, **course.model_dump())


def trainings(session: Session, actor: Actor, practitioner_id: int) -> list[TrainingOut]:
    """A practitioner's courses, latest first."""
    require(actor, "records.read")
    person = _person(session, actor, practitioner_id)
    rows = session.scalars(select(Training).where(Training.practitioner_id == person.id).order_by(Training.day.desc()))
    return [
        TrainingOut(id=t.id, practitioner_id=t.practitioner_id, day=t.day, course=t.course, hours=t.hours, provider=t.provider)
        for t in rows
    ]


def _person(session: Session, actor: Actor, practitioner_id: int) -> Practitioner:
    person = session.get(Practitioner, practitioner_id)
    if person is None or not in_scope(actor, person.region_code):
        raise NotFound(Msg(f"人才库中没有编号为 {practitioner_id} 的人员", f"no practitioner {practitioner_id}"))
    return person
