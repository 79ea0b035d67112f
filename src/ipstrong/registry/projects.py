"""The programme's projects (知识产权战略推进计划, matters/types/programme.py): the checks an application meets against
its call, the funding decision with the amount granted, the accounts at acceptance, and each project's patent output
measured from the warehouse — the invention filings and grants of the applicant's entity within the project's term
(to date while it runs), against the targets it set. ``/projects``, ``/api/v1/projects`` and ``ipstrong projects …``
render these calls.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.roles import Actor, require
from ipstrong.clock import today_shanghai
from ipstrong.ingest.entity_store import entity_of_name
from ipstrong.matters.models import Matter
from ipstrong.matters.service import take_step, visible
from ipstrong.matters.types.programme import ProjectForm
from ipstrong.messages import IpsError, Msg, NotFound
from ipstrong.registry.models import ProjectBudget

RUNNING = ("funded", "midterm_passed")
MEASURED = (*RUNNING, "accepted", "not_accepted", "terminated")


def call_problems(session: Session, form: ProjectForm, received_on: dt.date) -> list[Msg]:
    """Why an application cannot be taken under its call (empty when it can)."""
    call = session.scalar(select(Matter).where(Matter.number == form.call, Matter.type_id == "programme_call"))
    if call is None or call.state != "published":
        return [Msg(f"{form.call} 不是正在受理的申报通知", f"{form.call} is not an open call").located(field="call")]
    opens, closes = dt.date.fromisoformat(call.form["opens"]), dt.date.fromisoformat(call.form["closes"])
    problems = []
    if not opens <= received_on <= closes:
        problems.append(Msg(f"不在申报期内（{opens} 至 {closes}）", f"outside the call's window ({opens} to {closes})"))
    if form.requested_10k_yuan > call.form["max_grant_10k_yuan"]:
        cap = call.form["max_grant_10k_yuan"]
        problems.append(
            Msg(f"申请资助超过单项上限 {cap:g} 万元", f"asks for more than the call's {cap:g} (10,000 yuan)").located(
                field="requested_10k_yuan"
            )
        )
    return problems


def decide(session: Session, actor: Actor, matter_id: int, granted_10k_yuan: float, today: dt.date | None = None) -> Matter:
    """Fund a project in review with ``granted_10k_yuan`` (no more than it asked for, nor than its call allows):
    the ``fund`` step and the amount, together."""
    matter = _project(session, matter_id)
    asked = matter.form["requested_10k_yuan"]
    if not 0 < granted_10k_yuan <= asked:
        msg = Msg(
            f"资助金额须大于 0 且不超过申请额 {asked:g} 万元", f"the grant must be above 0 and at most the {asked:g} asked for"
        )
        raise IpsError(msg.located(field="granted_10k_yuan"))
    taken = take_step(session, actor, matter.id, "fund", note=f"资助 {granted_10k_yuan:g} 万元", today=today)
    session.add(ProjectBudget(matter_id=matter.id, granted_10k_yuan=granted_10k_yuan, decided_on=taken.state_since))
    session.flush()
    audit.append(session, actor.username, "project.fund", "matter", matter.id, matter.region_code, None,
                 {"granted_10k_yuan": granted_10k_yuan})  # fmt: skip
    return taken


def record_spending(session: Session, actor: Actor, matter_id: int, spent_10k_yuan: float) -> None:
    """The accounts at acceptance: what the project spent of its grant."""
    require(actor, "records.write")
    matter = _project(session, matter_id)
    budget = session.get(ProjectBudget, matter.id)
    if budget is None:
        raise IpsError(Msg(f"{matter.number} 尚未立项", f"{matter.number} is not funded"))
    if not 0 <= spent_10k_yuan <= budget.granted_10k_yuan:
        granted = budget.granted_10k_yuan
        msg = Msg(f"决算金额须在 0 至资助额 {granted:g} 万元之间", f"spending is between 0 and the {granted:g} granted")
        raise IpsError(msg.located(field="spent_10k_yuan"))
    budget.spent_10k_yuan = spent_10k_yuan
    audit.append(session, actor.username, "project.spent", "matter", matter.id, matter.region_code, None,
                 {"spent_10k_yuan": spent_10k_yuan})  # fmt: skip


def _project(session: Session, matter_id: int) -> Matter:
    matter = session.get(Matter, matter_id)
    if matter is None or matter.type_id != "programme_project":
        raise NotFound(Msg(f"没有编号为 {matter_id} 的计划项目", f"no programme project {matter_id}"))
    return matter


class ProjectOutput(BaseModel):
    TABLE: ClassVar[tuple[str, ...]] = (
        "number", "applicant", "state", "granted_10k_yuan", "invention_filings", "target_invention_filings",
        "invention_grants", "target_invention_grants",
    )  # fmt: skip

    matter_id: int
    number: str
    call: str
    title: str
    applicant: str
    entity_id: int | None  # None: the warehouse has never seen the applicant's name
    state: str
    start: dt.date
    end: dt.date
    measured_until: dt.date  # the term's end, or today while it runs
    requested_10k_yuan: float
    granted_10k_yuan: float | None
    spent_10k_yuan: float | None
    invention_filings: int
    invention_grants: int
    target_invention_filings: int
    target_invention_grants: int
    filings_pct: float | None  # of the target
    grants_pct: float | None


class Pending(BaseModel):
    """A project in review, awaiting the funding decision."""

    matter_id: int
    number: str
    title: str
    applicant: str
    requested_10k_yuan: float


def awaiting_decision(session: Session, actor: Actor) -> list[Pending]:
    """The projects in review the reader may see, oldest first."""
    require(actor, "records.read")
    rows = session.scalars(
        select(Matter).where(Matter.type_id == "programme_project", Matter.state == "review", visible(actor)).order_by(Matter.id)
    )
    return [Pending(matter_id=m.id, number=m.number, title=m.title, applicant=m.form["applicant"],
                    requested_10k_yuan=m.form["requested_10k_yuan"]) for m in rows]  # fmt: skip


def project_output(
    session: Session, actor: Actor, data_dir: Path, call: str | None = None, today: dt.date | None = None
) -> list[ProjectOutput]:
    """The funded projects the reader may see (of one call, or all), each with its budget and its applicant's
    invention filings and grants within its term, against its targets."""
    require(actor, "records.read")
    today = today or today_shanghai()
    matters = session.scalars(
        select(Matter)
        .where(Matter.type_id == "programme_project", Matter.state.in_(MEASURED), visible(actor))
        .order_by(Matter.number)
    ).all()
    chosen = [m for m in matters if call is None or m.form["call"] == call]
    budgets = {
        b.matter_id: b for b in session.scalars(select(ProjectBudget).where(ProjectBudget.matter_id.in_([m.id for m in chosen])))
    }
    out = []
    for m in chosen:
        form = ProjectForm.model_validate(m.form)
        entity = entity_of_name(session, form.applicant)
        until = min(form.end, today)
        filed, granted = _output(data_dir, entity.id, form.start, until) if entity is not None else (0, 0)
        budget = budgets.get(m.id)
        out.append(
            ProjectOutput(
                matter_id=m.id, number=m.number, call=form.call, title=form.title, applicant=form.applicant,
                entity_id=entity.id if entity else None, state=m.state, start=form.start, end=form.end, measured_until=until,
                requested_10k_yuan=form.requested_10k_yuan, granted_10k_yuan=budget.granted_10k_yuan if budget else None,
                spent_10k_yuan=budget.spent_10k_yuan if budget else None, invention_filings=filed, invention_grants=granted,
                target_invention_filings=form.target_invention_filings, target_invention_grants=form.target_invention_grants,
                filings_pct=_pct(filed, form.target_invention_filings), grants_pct=_pct(granted, form.target_invention_grants),
            )
        )  # fmt: skip
    return out


def _pct(done: int, target: int) -> float | None:
    return round(100 * done / target, 1) if target else None


def _output(data_dir: Path, entity_id: int, start: dt.date, until: dt.date) -> tuple[int, int]:
    """The entity's CN invention filings and grants dated within ``start`` … ``until`` (first applicant)."""
    from ipstrong.warehouse.connection import snapshot_connection
    from ipstrong.warehouse.snapshots import Warehouse

    if Warehouse(data_dir).current_id() is None:
        return 0, 0
    con = snapshot_connection(data_dir)
    try:
        row = con.execute(
            "SELECT count(*) FILTER (WHERE app_date BETWEEN $1 AND $2), count(*) FILTER (WHERE grant_date BETWEEN $1 AND $2) "
            "FROM patents WHERE office = 'CN' AND patent_type = 'invention' AND first_applicant_id = $3",
            [start, until, entity_id],
        ).fetchone()
    finally:
        con.close()
    return (int(row[0]), int(row[1])) if row else (0, 0)
