"""The Jiangsu Patent Award's review: experts score the admitted applications on the criteria, the applications are
ranked by their weighted score within their category, the grades are given by the quotas, and the published
results become award events of the warehouse (so the patent page, search and the indicators see them).

An expert (role ``award_expert``) scores only applications in review, never one of their own organisation: the
same organisation filed it, it names the organisation's credit code, or the applicant's name resolves to the same
applicant entity as the organisation's. A score sheet gives every criterion a score of 0–100; its weighted mean is
the expert's score, and the application's score is the mean over its experts. Rounds, quotas, criteria, weights,
the pass score and the experts needed are data (``data/patent_award.toml``). ``/awards``, ``/api/v1/awards/…`` and
``ipstrong awards …`` render these calls; the public results are ``/public/patent-award``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from statistics import fmean
from typing import Any, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.models import Organisation
from ipstrong.accounts.roles import Actor, PermissionDenied, require
from ipstrong.ingest.entity_store import entity_of_name
from ipstrong.matters.models import Matter, MatterEvent, MatterRight
from ipstrong.matters.service import take_step, visible
from ipstrong.matters.types.patent_award import GRADE_STATES
from ipstrong.messages import IpsError, Msg, NotFound
from ipstrong.registry.models import AwardScore

TYPE = "patent_award"
EXPERT = "award_expert"


@dataclass(frozen=True)
class Round:
    cycle: int
    year: int
    grant_cutoff: dt.date
    source: str


@dataclass(frozen=True)
class Grade:
    id: str
    name_zh: str
    name_en: str
    category: str  # patent | inventor
    quota: int


@dataclass(frozen=True)
class Criterion:
    id: str
    name_zh: str
    name_en: str
    weight: float
    verified: bool


@dataclass(frozen=True)
class AwardRules:
    source: str
    rounds: dict[int, Round]
    grades: tuple[Grade, ...]
    criteria: tuple[Criterion, ...]
    pass_score: float
    min_experts: int
    parameters: dict[str, dict[str, Any]]  # pass_score and min_experts with their source and whether verified


@cache
def award_rules() -> AwardRules:
    """The shipped rules (data/patent_award.toml)."""
    raw = tomllib.loads((files("ipstrong") / "registry" / "data" / "patent_award.toml").read_text(encoding="utf-8"))
    grades = tuple(Grade(**g) for g in raw["grades"])
    known = {s.id for s in GRADE_STATES}
    if unknown := [g.id for g in grades if g.id not in known]:
        raise ValueError(f"patent_award.toml: grades without a state in matters/types/patent_award.py: {unknown}")
    return AwardRules(
        source=raw["source"],
        rounds={r["cycle"]: Round(r["cycle"], r["year"], r["grant_cutoff"], r["source"]) for r in raw["rounds"]},
        grades=grades,
        criteria=tuple(Criterion(**c) for c in raw["criteria"]),
        pass_score=float(raw["pass_score"]["value"]),
        min_experts=int(raw["min_experts"]["value"]),
        parameters={k: raw[k] for k in ("pass_score", "min_experts")},
    )


# --- the models the pages, the API and the CLI render ------------------------------------------------------------
class CriterionOut(BaseModel):
    id: str
    name_zh: str
    name_en: str
    weight: float
    verified: bool


class GradeOut(BaseModel):
    id: str
    name_zh: str
    name_en: str
    category: str
    quota: int
    given: int  # how many the ranking gives (never more than the quota)


class Application(BaseModel):
    """An award application as the ranking and the score sheets show it."""

    matter_id: int
    number: str
    applicant: str
    category: str
    patent: str
    title: str | None

    @classmethod
    def fields_of(cls, matter: Matter, right: MatterRight | None) -> dict[str, Any]:
        """The application's fields from its matter and the patent the warehouse matched."""
        return {
            "matter_id": matter.id, "number": matter.number, "applicant": matter.form["applicant"],
            "category": matter.form["category"], "patent": right.number if right else matter.form["patents"][0],
            "title": right.title if right else None,
        }  # fmt: skip


class AwardEntry(Application):
    TABLE: ClassVar[tuple[str, ...]] = (
        "rank", "number", "applicant", "category", "patent", "experts", "score", "grade_zh", "state",
    )  # fmt: skip

    state: str
    experts: int  # complete score sheets
    score: float | None  # the mean of the experts' weighted scores
    rank: int | None  # within the category
    grade: str | None  # the grade the ranking gives (or, once published, the one given)
    grade_zh: str | None


class AwardRanking(BaseModel):
    cycle: int
    year: int
    grant_cutoff: dt.date
    source: str
    pass_score: float
    min_experts: int
    parameters: dict[str, dict[str, Any]]
    criteria: list[CriterionOut]
    grades: list[GradeOut]
    entries: list[AwardEntry]
    published: bool  # every application has its result
    waiting: list[str] = Field(default_factory=list)  # applications in review with too few score sheets


class ScoreSheet(Application):
    """One expert's scores of one application."""

    summary: str
    scores: dict[str, float]  # by criterion; empty until scored
    weighted: float | None


class ScoreIn(BaseModel):
    scores: dict[str, float] = Field(description="每项评分 0–100，按评分项 / a score of 0–100 for every criterion")


class AwardResult(BaseModel):
    """A published award, as the public sees it."""

    grade: str
    grade_zh: str
    grade_en: str
    applicant: str
    patent: str
    title: str | None
    inventor: str
    day: dt.date


# --- reading ------------------------------------------------------------------------------------------------------
def _round(cycle: int) -> Round:
    rules = award_rules()
    if cycle not in rules.rounds:
        known = "、".join(str(c) for c in rules.rounds)
        raise NotFound(Msg(f"没有第{cycle}届江苏专利奖（可选：{known}）", f"no round {cycle} of the award ({known})"))
    return rules.rounds[cycle]


def _applications(session: Session, cycle: int, *conditions: Any) -> list[Matter]:
    rows = session.scalars(select(Matter).where(Matter.type_id == TYPE, *conditions).order_by(Matter.number)).all()
    return [m for m in rows if m.form.get("cycle") == cycle]


def _patents(session: Session, matter_ids: list[int]) -> dict[int, MatterRight]:
    if not matter_ids:
        return {}
    rows = session.scalars(select(MatterRight).where(MatterRight.matter_id.in_(matter_ids), MatterRight.kind == "patent"))
    return {r.matter_id: r for r in rows}


def _sheets(session: Session, matter_ids: list[int]) -> dict[int, dict[int, dict[str, float]]]:
    """Each application's complete score sheets: matter → expert → criterion → score."""
    if not matter_ids:
        return {}
    found: dict[int, dict[int, dict[str, float]]] = {}
    for row in session.scalars(select(AwardScore).where(AwardScore.matter_id.in_(matter_ids))):
        found.setdefault(row.matter_id, {}).setdefault(row.expert_id, {})[row.criterion] = row.score
    wanted = {c.id for c in award_rules().criteria}
    return {m: {e: s for e, s in by.items() if set(s) >= wanted} for m, by in found.items()}


def weighted(scores: dict[str, float]) -> float:
    """One expert's score of an application: the criteria's scores weighted by the rules."""
    criteria = award_rules().criteria
    return sum(c.weight * scores[c.id] for c in criteria) / sum(c.weight for c in criteria)


def ranking(session: Session, actor: Actor, cycle: int) -> AwardRanking:
    """The round's applications in the reader's reach, ranked within their category by score, each with the grade
    the quotas give it (or, once published, the grade given)."""
    require(actor, "records.read")
    rules, round_ = award_rules(), _round(cycle)
    matters = _applications(session, cycle, visible(actor))
    ids = [m.id for m in matters]
    patents, sheets = _patents(session, ids), _sheets(session, ids)
    grade_of = {g.id: g for g in rules.grades}
    entries = []
    for m in matters:
        done = sheets.get(m.id, {})
        score = round(fmean(weighted(s) for s in done.values()), 2) if done else None
        given = grade_of.get(m.state)
        entries.append(
            AwardEntry(
                **Application.fields_of(m, patents.get(m.id)), state=m.state, experts=len(done), score=score, rank=None,
                grade=given.id if given else None, grade_zh=given.name_zh if given else None,
            )
        )  # fmt: skip
    _rank(entries, rules)
    counts = {g.id: sum(e.grade == g.id for e in entries) for g in rules.grades}
    waiting = [e.number for e in entries if e.state == "review" and e.experts < rules.min_experts]
    return AwardRanking(
        cycle=cycle, year=round_.year, grant_cutoff=round_.grant_cutoff, source=f"{rules.source}；{round_.source}",
        pass_score=rules.pass_score, min_experts=rules.min_experts, parameters=rules.parameters,
        criteria=[CriterionOut(**c.__dict__) for c in rules.criteria],
        grades=[GradeOut(**g.__dict__, given=counts[g.id]) for g in rules.grades],
        entries=entries, published=bool(entries) and all(e.state not in ("received", "review") for e in entries),
        waiting=waiting,
    )  # fmt: skip


def _rank(entries: list[AwardEntry], rules: AwardRules) -> None:
    """Rank the scored applications in review within their category (ties by matter number, the order received) and
    give the grades in order, each to at most what its quota leaves after the grades already published, to those
    reaching the pass score."""
    published = {g.id: sum(e.state == g.id for e in entries) for g in rules.grades}
    for category in {g.category for g in rules.grades}:
        ranked = sorted(
            (e for e in entries if e.category == category and e.state == "review" and e.score is not None),
            key=lambda e: (-(e.score or 0.0), e.number),
        )
        places = [g for g in rules.grades if g.category == category for _ in range(max(g.quota - published[g.id], 0))]
        for rank, entry in enumerate(ranked, start=1):
            entry.rank = rank
            if entry.score is not None and entry.score >= rules.pass_score and rank <= len(places):
                entry.grade, entry.grade_zh = places[rank - 1].id, places[rank - 1].name_zh


# --- the experts --------------------------------------------------------------------------------------------------
def _require_expert(actor: Actor) -> None:
    require(actor, "awards.score")


def _conflict(session: Session, actor: Actor, matter: Matter) -> Msg | None:
    """Why the expert may not score this application (None when they may): their own organisation's."""
    org = session.get(Organisation, actor.organisation_id) if actor.organisation_id is not None else None
    if org is None:
        return Msg("评审专家账号未关联工作单位，不能评分", "an expert account must name its organisation before scoring")
    if matter.filed_by_org == org.id or (org.credit_code and org.credit_code == matter.form.get("applicant_credit_code")):
        return Msg(f"{matter.number} 由本人所在单位申报，须回避", f"{matter.number} is your own organisation's: you are excluded")
    mine, theirs = entity_of_name(session, org.name), entity_of_name(session, matter.form["applicant"])
    if mine is not None and theirs is not None and mine.id == theirs.id:
        return Msg(
            f"{matter.number} 的申报单位与本人所在单位属同一申请人实体，须回避",
            f"{matter.number}'s applicant is the same applicant entity as your organisation: you are excluded",
        )
    return None


def expert_sheets(session: Session, actor: Actor, cycle: int) -> list[ScoreSheet]:
    """The applications in review the expert may score (not their own organisation's), each with their scores."""
    _require_expert(actor)
    _round(cycle)
    matters = [m for m in _applications(session, cycle, Matter.state == "review") if _conflict(session, actor, m) is None]
    ids = [m.id for m in matters]
    patents = _patents(session, ids)
    mine = {
        (r.matter_id, r.criterion): r.score
        for r in session.scalars(select(AwardScore).where(AwardScore.matter_id.in_(ids), AwardScore.expert_id == actor.user_id))
    }
    sheets = []
    for m in matters:
        scores = {c.id: mine[(m.id, c.id)] for c in award_rules().criteria if (m.id, c.id) in mine}
        complete = len(scores) == len(award_rules().criteria)
        sheets.append(
            ScoreSheet(
                **Application.fields_of(m, patents.get(m.id)), summary=m.form["summary"], scores=scores,
                weighted=round(weighted(scores), 2) if complete else None,
            )
        )  # fmt: skip
    return sheets


def score(session: Session, actor: Actor, matter_id: int, scores: dict[str, float]) -> ScoreSheet:
    """Record the expert's scores of one application in review, every criterion 0–100; a later sheet replaces an
    earlier one. Refused for an application not in review, the expert's own organisation's, or a missing, unknown
    or out-of-range score."""
    _require_expert(actor)
    matter = session.get(Matter, matter_id)
    if matter is None or matter.type_id != TYPE:
        raise NotFound(Msg(f"没有编号为 {matter_id} 的江苏专利奖申报", f"no award application {matter_id}"))
    if matter.state != "review":
        raise IpsError(Msg(f"{matter.number} 不在专家评审阶段", f"{matter.number} is not under expert review"))
    if (why := _conflict(session, actor, matter)) is not None:
        raise PermissionDenied(why)
    criteria = {c.id: c for c in award_rules().criteria}
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
    audit.append(session, actor.username, "award.score", "matter", matter.id, matter.region_code, None, dict(scores))
    return next(s for s in expert_sheets(session, actor, matter.form["cycle"]) if s.matter_id == matter.id)


# --- the results --------------------------------------------------------------------------------------------------
def publish(session: Session, actor: Actor, cycle: int, today: dt.date | None = None) -> AwardRanking:
    """Give every application in review its result by the ranking: its grade, or not awarded. Refused while an
    application has fewer complete score sheets than the rules ask for; only the province's administrator (the
    award steps' role) may."""
    require(actor, "records.write")
    before = ranking(session, actor, cycle)
    if before.waiting:
        raise IpsError(
            Msg(
                f"以下申报的专家评分不足 {before.min_experts} 份：{'、'.join(before.waiting)}",
                f"these applications have fewer than {before.min_experts} score sheets: {', '.join(before.waiting)}",
            )
        )
    pending = [e for e in before.entries if e.state == "review"]
    if not pending:
        raise IpsError(Msg(f"第{cycle}届没有待公布的申报", f"round {cycle} has no application awaiting its result"))
    for entry in pending:
        take_step(session, actor, entry.matter_id, f"award_{entry.grade}" if entry.grade else "not_award", today=today)
    return ranking(session, actor, cycle)


def results(session: Session, cycle: int) -> list[AwardResult]:
    """The published awards of a round, best grade first: public."""
    rules = award_rules()
    _round(cycle)
    order = {g.id: i for i, g in enumerate(rules.grades)}
    grade_of = {g.id: g for g in rules.grades}
    matters = _applications(session, cycle, Matter.state.in_(list(order)))
    patents = _patents(session, [m.id for m in matters])
    days = _award_days(session, [m.id for m in matters])
    found = [
        AwardResult(
            grade=m.state, grade_zh=grade_of[m.state].name_zh, grade_en=grade_of[m.state].name_en, applicant=m.form["applicant"],
            patent=patents[m.id].number if m.id in patents else m.form["patents"][0],
            title=patents[m.id].title if m.id in patents else None, inventor=m.form.get("inventor", ""), day=days[m.id],
        )
        for m in matters
    ]  # fmt: skip
    return sorted(found, key=lambda r: (order[r.grade], r.applicant))


def _award_days(session: Session, matter_ids: list[int]) -> dict[int, dt.date]:
    if not matter_ids:
        return {}
    steps = session.scalars(
        select(MatterEvent).where(MatterEvent.matter_id.in_(matter_ids), MatterEvent.step.like("award_%"))
    ).all()
    return {e.matter_id: e.day for e in steps}


def award_events(session: Session) -> list[tuple[str, str, dt.date, str, str, str]]:
    """The warehouse events the published awards make, in the event file's columns: the award's name is the event
    word (a provincial award: ``provincial_award``)."""
    rules = award_rules()
    grade_of = {g.id: g for g in rules.grades}
    matters = session.scalars(select(Matter).where(Matter.type_id == TYPE, Matter.state.in_(list(grade_of)))).all()
    patents = _patents(session, [m.id for m in matters])
    days = _award_days(session, [m.id for m in matters])
    return [
        (patents[m.id].number, f"第{m.form['cycle']}届{grade_of[m.state].name_zh}", days[m.id], "", m.form["applicant"], "")
        for m in matters
        if m.id in patents
    ]
