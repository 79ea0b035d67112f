"""The overseas experts' roster: who covers which countries, fields and languages, and their assignment to an
overseas-guidance matter or to an enterprise's early warning — refused when the expert's organisation is, as an
applicant entity, one of the parties (the enterprise or its counterpart abroad): a conflict of interest."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.models import StoredTime
from ipstrong.accounts.roles import Actor, require
from ipstrong.alerts.models import ExpertAssignment, OverseasExpert
from ipstrong.messages import IpsError, Msg, NotFound


class ExpertIn(BaseModel):
    name: str = Field(min_length=2, max_length=100)
    organisation: str = Field(min_length=2, max_length=200, description="所在机构 / organisation")
    countries: list[str] = Field(min_length=1, max_length=50, description="国家或地区代码 / country codes")
    fields: list[str] = Field(
        default_factory=list, max_length=50, description="IPC 小类或产业号 / IPC subclasses or SEI industries"
    )
    languages: list[str] = Field(default_factory=list, max_length=20, description="语言 / languages")
    contact: str | None = Field(default=None, max_length=200)


class ExpertOut(BaseModel):
    id: int
    name: str
    organisation: str
    countries: list[str]
    fields: list[str]
    languages: list[str]
    contact: str | None
    active: bool
    assignments: int
    created_at: StoredTime


class AssignmentOut(BaseModel):
    id: int
    expert_id: int
    matter_id: int | None
    enterprise_id: int | None
    assigned_by: str
    assigned_at: StoredTime


def _out(row: OverseasExpert, assignments: int) -> ExpertOut:
    return ExpertOut(id=row.id, name=row.name, organisation=row.organisation, countries=row.countries, fields=row.fields,
                     languages=row.languages, contact=row.contact, active=row.active, assignments=assignments,
                     created_at=row.created_at)  # fmt: skip


def add_expert(session: Session, actor: Actor, expert: ExpertIn) -> ExpertOut:
    """Put an expert on the roster (the officers who write records)."""
    require(actor, "records.write")
    countries = sorted({c.strip().upper() for c in expert.countries if c.strip()})
    if not countries:
        raise IpsError(Msg("须至少有一个国家或地区代码", "at least one country code").located(field="countries"))
    if len(expert.name.strip()) < 2 or len(expert.organisation.strip()) < 2:
        raise IpsError(Msg("须填写姓名和所在机构", "the name and the organisation are needed").located(field="name"))
    if bad := [c for c in countries if len(c) != 2 or not c.isalpha()]:
        raise IpsError(Msg(f"不是国家代码：{'、'.join(bad)}", f"not country codes: {', '.join(bad)}").located(field="countries"))
    row = OverseasExpert(name=expert.name.strip(), organisation=expert.organisation.strip(), countries=countries,
                         fields=[f.strip().upper() for f in expert.fields if f.strip()], languages=expert.languages,
                         contact=expert.contact, active=True, created_by=actor.username)  # fmt: skip
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "alerts.expert", "overseas_expert", row.id, actor.region_code, None, {"name": row.name})
    return _out(row, 0)


def experts(session: Session, actor: Actor, country: str | None = None) -> list[ExpertOut]:
    """The roster (those who cover ``country`` when it is given), by name."""
    require(actor, "records.read")
    counted: dict[int, int] = {}
    for a in session.scalars(select(ExpertAssignment)):
        counted[a.expert_id] = counted.get(a.expert_id, 0) + 1
    rows = session.scalars(select(OverseasExpert).where(OverseasExpert.active).order_by(OverseasExpert.name))
    return [_out(r, counted.get(r.id, 0)) for r in rows if country is None or country.upper() in r.countries]


def assign(
    session: Session, actor: Actor, expert_id: int, matter_id: int | None = None, enterprise_id: int | None = None
) -> AssignmentOut:
    """Assign an expert to an overseas-guidance matter or an enterprise's warning, once the conflict check passes."""
    from ipstrong.ingest.entity_store import entity_of_name
    from ipstrong.matters.models import Matter

    require(actor, "records.write")
    expert = session.get(OverseasExpert, expert_id)
    if expert is None or not expert.active:
        raise NotFound(Msg(f"没有编号为 {expert_id} 的专家", f"no expert {expert_id}"))
    if (matter_id is None) == (enterprise_id is None):
        raise IpsError(
            Msg("须给出事项或企业（二者之一）", "give a matter or an enterprise, one of them").located(field="matter_id")
        )
    parties: dict[str, int | None] = {}
    if matter_id is not None:
        matter = session.get(Matter, matter_id)
        if matter is None or matter.type_id != "overseas":
            raise NotFound(Msg(f"没有编号为 {matter_id} 的海外纠纷应对指导事项", f"no overseas-guidance matter {matter_id}"))
        for role in ("enterprise", "counterpart"):
            name = (matter.form or {}).get(role)
            found = entity_of_name(session, name) if name else None
            parties[name or role] = found.id if found is not None else None
    else:
        parties[str(enterprise_id)] = enterprise_id
    own = entity_of_name(session, expert.organisation)
    clash = [name for name, entity in parties.items() if own is not None and entity == own.id]
    if clash:
        msg = Msg(f"利益冲突：专家所在机构即当事方 {'、'.join(clash)}",
                  f"conflict of interest: the expert's organisation is the party {', '.join(clash)}")  # fmt: skip
        raise IpsError(msg.located(field="expert_id"))
    row = ExpertAssignment(expert_id=expert.id, matter_id=matter_id, enterprise_id=enterprise_id, assigned_by=actor.username)
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "alerts.assign", "overseas_expert", expert.id, actor.region_code, None,
                 {"matter": matter_id, "enterprise": enterprise_id})  # fmt: skip
    return AssignmentOut(id=row.id, expert_id=row.expert_id, matter_id=row.matter_id, enterprise_id=row.enterprise_id,
                         assigned_by=row.assigned_by, assigned_at=row.assigned_at)  # fmt: skip
