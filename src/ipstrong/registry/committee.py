"""A committee's review of matters in one stage: experts score each matter on weighted criteria, never one of their
own organisation's, and each matter's score is the mean of its experts' complete sheets. The Jiangsu Patent Award
(``registry/awards.py``) and the IP-engineer titles (``network/titles.py``) are two panels of this one review; what
differs — the matter type, the stage, the criteria, who scores, the form fields naming the party — is a ``Panel``.

An expert is excluded from a matter when its organisation filed it, the form names the organisation's credit code,
or the party's name is the organisation's name or resolves to the same applicant entity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import fmean

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.models import Organisation
from ipstrong.accounts.roles import Actor, PermissionDenied, require
from ipstrong.ingest.entity_store import entity_of_name
from ipstrong.matters.models import Matter
from ipstrong.matters.service import take_step
from ipstrong.messages import IpsError, Msg, NotFound
from ipstrong.registry.models import AwardScore


@dataclass(frozen=True)
class Criterion:
    id: str
    name_zh: str
    name_en: str
    weight: float
    verified: bool


class CriterionOut(BaseModel):
    id: str
    name_zh: str
    name_en: str
    weight: float
    verified: bool


@dataclass(frozen=True)
class Panel:
    """One committee: which matters it scores, in which state, on what, and who may score."""

    type_id: str
    name_zh: str
    name_en: str
    stage: str  # the matter state in which it is scored
    permission: str  # the permission an expert holds
    criteria: tuple[Criterion, ...]
    party_field: str  # the form field naming the party whose organisation an expert must not belong to
    code_field: str  # and its credit code
    action: str  # the audit log's word for a score sheet

    def weighted(self, scores: dict[str, float]) -> float:
        """One expert's score of a matter: the criteria's scores weighted."""
        return sum(c.weight * scores[c.id] for c in self.criteria) / sum(c.weight for c in self.criteria)

    def criteria_out(self) -> list[CriterionOut]:
        return [CriterionOut(**c.__dict__) for c in self.criteria]


def complete_sheets(session: Session, panel: Panel, matter_ids: list[int]) -> dict[int, dict[int, dict[str, float]]]:
    """Each matter's complete score sheets: matter → expert → criterion → score."""
    if not matter_ids:
        return {}
    found: dict[int, dict[int, dict[str, float]]] = {}
    for row in session.scalars(select(AwardScore).where(AwardScore.matter_id.in_(matter_ids))):
        found.setdefault(row.matter_id, {}).setdefault(row.expert_id, {})[row.criterion] = row.score
    wanted = {c.id for c in panel.criteria}
    return {m: {e: s for e, s in by.items() if set(s) >= wanted} for m, by in found.items()}


def mean_score(panel: Panel, sheets: dict[int, dict[str, float]]) -> float | None:
    """A matter's score: the mean of its experts' weighted scores (None before any complete sheet)."""
    return round(fmean(panel.weighted(s) for s in sheets.values()), 2) if sheets else None


def conflict(session: Session, actor: Actor, panel: Panel, matter: Matter) -> Msg | None:
    """Why the expert may not score this matter (None when they may): their own organisation's."""
    org = session.get(Organisation, actor.organisation_id) if actor.organisation_id is not None else None
    if org is None:
        return Msg("评审专家账号未关联工作单位，不能评分", "an expert account must name its organisation before scoring")
    if matter.filed_by_org == org.id or (org.credit_code and org.credit_code == matter.form.get(panel.code_field)):
        return Msg(f"{matter.number} 由本人所在单位申报，须回避", f"{matter.number} is your own organisation's: you are excluded")
    party = str(matter.form[panel.party_field]).strip()
    mine, theirs = entity_of_name(session, org.name), entity_of_name(session, party)
    if org.name.strip() == party or (mine is not None and theirs is not None and mine.id == theirs.id):
        return Msg(
            f"{matter.number} 的申报单位即本人所在单位（同名或同一申请人实体），须回避",
            f"{matter.number}'s applicant bears your organisation's name or is the same applicant entity: you are excluded",
        )
    return None


def scorable(session: Session, actor: Actor, panel: Panel, matters: list[Matter]) -> list[Matter]:
    """Of ``matters``, those in the panel's stage the expert may score."""
    require(actor, panel.permission)
    return [m for m in matters if m.state == panel.stage and conflict(session, actor, panel, m) is None]


def own_scores(session: Session, actor: Actor, panel: Panel, matter_ids: list[int]) -> dict[int, dict[str, float]]:
    """The expert's own scores of ``matter_ids``, by matter and criterion."""
    found: dict[int, dict[str, float]] = {}
    if not matter_ids:
        return found
    rows = session.scalars(select(AwardScore).where(AwardScore.matter_id.in_(matter_ids), AwardScore.expert_id == actor.user_id))
    for r in rows:
        found.setdefault(r.matter_id, {})[r.criterion] = r.score
    return {m: {c.id: s[c.id] for c in panel.criteria if c.id in s} for m, s in found.items()}


def record_scores(session: Session, actor: Actor, panel: Panel, matter_id: int, scores: dict[str, float]) -> Matter:
    """Record the expert's scores of one matter in the panel's stage, every criterion 0–100; a later sheet replaces
    an earlier one. Refused for a matter not in the stage, the expert's own organisation's, or a missing, unknown or
    out-of-range score."""
    require(actor, panel.permission)
    matter = session.get(Matter, matter_id)
    if matter is None or matter.type_id != panel.type_id:
        raise NotFound(Msg(f"没有编号为 {matter_id} 的{panel.name_zh}", f"no {panel.name_en} {matter_id}"))
    if matter.state != panel.stage:
        raise IpsError(Msg(f"{matter.number} 不在专家评审阶段", f"{matter.number} is not under expert review"))
    if (why := conflict(session, actor, panel, matter)) is not None:
        raise PermissionDenied(why)
    criteria = {c.id: c for c in panel.criteria}
    problems = [
        Msg(f"缺少评分项「{c.name_zh}」", f"no score for {c.name_en}").located(field=c.id)
        for c in criteria.values()
        if c.id not in scores
    ]
    problems += [Msg(f"未知评分项 {k}", f"unknown criterion {k}").located(field=k) for k in scores if k not in criteria]
    problems += [
        Msg(f"「{criteria[k].name_zh}」的评分须在 0–100 之间：{v}", f"{criteria[k].name_en}: a score is 0–100, not {v}").located(
            field=k
        )
        for k, v in scores.items()
        if k in criteria and not 0 <= v <= 100
    ]
    if problems:
        raise IpsError(Msg("；".join(p.zh for p in problems), "; ".join(p.en for p in problems)))
    existing = {
        r.criterion: r
        for r in session.scalars(
            select(AwardScore).where(AwardScore.matter_id == matter.id, AwardScore.expert_id == actor.user_id)
        )
    }
    for criterion, value in scores.items():
        if criterion in existing:
            existing[criterion].score = float(value)
        else:
            session.add(AwardScore(matter_id=matter.id, expert_id=actor.user_id, criterion=criterion, score=float(value)))
    session.flush()
    audit.append(session, actor.username, panel.action, "matter", matter.id, matter.region_code, None, dict(scores))
    return matter


def publish_steps(
    session: Session, actor: Actor, waiting: list[str], min_experts: int, steps: dict[int, str], nothing: Msg,
    today: dt.date | None = None,
) -> list[Matter]:  # fmt: skip
    """Give each matter in review its result by taking its step (``steps``: matter id → step). Refused while a
    matter has fewer complete score sheets than ``min_experts`` (``waiting``: their numbers), or with nothing to
    publish (``nothing`` says so)."""
    if waiting:
        listed = "、".join(waiting)
        raise IpsError(Msg(f"以下申报的评分不足 {min_experts} 份：{listed}",
                           f"these applications have fewer than {min_experts} score sheets: {listed}"))  # fmt: skip
    if not steps:
        raise IpsError(nothing)
    return [take_step(session, actor, matter_id, step, today=today) for matter_id, step in steps.items()]
