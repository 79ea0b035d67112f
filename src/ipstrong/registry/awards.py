"""The Jiangsu Patent Award's review: experts score the admitted applications on the criteria, the applications are
ranked by their weighted score within their category, the grades are given by the quotas, and the published
results become award events of the warehouse (so the patent page, search and the indicators see them).

An expert (role ``award_expert``) scores only applications in review, never one of their own organisation: the
same organisation filed it, it names the organisation's credit code, or the applicant's name resolves to the same
applicant entity as the organisation's. A score sheet gives every criterion a score of 0–100; its weighted mean is
the expert's score, and the application's score is the mean over its experts. Rounds, quotas, criteria, weights,
the pass score and the experts needed are data (``data/patent_award.toml``); the scoring is the committee review
of ``registry/committee.py``. ``/awards``, ``/api/v1/awards/…`` and
``ipstrong awards …`` render these calls; the public results are ``/public/patent-award``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts.roles import Actor, require
from ipstrong.matters.models import Matter, MatterEvent, MatterRight
from ipstrong.matters.service import visible
from ipstrong.matters.types.patent_award import GRADE_STATES
from ipstrong.messages import Msg, NotFound
from ipstrong.registry.committee import (
    Criterion,
    CriterionOut,
    Panel,
    complete_sheets,
    mean_score,
    own_scores,
    publish_steps,
    record_scores,
    scorable,
)

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


@cache
def award_panel() -> Panel:
    """The award's experts as a committee (registry/committee.py): applications in review, on the rules' criteria."""
    return Panel(
        type_id=TYPE, name_zh="江苏专利奖申报", name_en="award application", stage="review", permission="awards.score",
        criteria=award_rules().criteria, party_field="applicant", code_field="applicant_credit_code", action="award.score",
    )  # fmt: skip


# --- the models the pages, the API and the CLI render ------------------------------------------------------------
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


def ranking(session: Session, actor: Actor, cycle: int) -> AwardRanking:
    """The round's applications in the reader's reach, ranked within their category by score, each with the grade
    the quotas give it (or, once published, the grade given)."""
    require(actor, "records.read")
    rules, round_ = award_rules(), _round(cycle)
    matters = _applications(session, cycle, visible(actor))
    ids = [m.id for m in matters]
    patents, sheets = _patents(session, ids), complete_sheets(session, award_panel(), ids)
    grade_of = {g.id: g for g in rules.grades}
    entries = []
    for m in matters:
        done = sheets.get(m.id, {})
        score = mean_score(award_panel(), done)
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
        criteria=award_panel().criteria_out(),
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
def expert_sheets(session: Session, actor: Actor, cycle: int) -> list[ScoreSheet]:
    """The applications in review the expert may score (not their own organisation's), each with their scores."""
    panel = award_panel()
    _round(cycle)
    matters = scorable(session, actor, panel, _applications(session, cycle, Matter.state == "review"))
    ids = [m.id for m in matters]
    patents, mine = _patents(session, ids), own_scores(session, actor, panel, ids)
    sheets = []
    for m in matters:
        scores = mine.get(m.id, {})
        complete = len(scores) == len(panel.criteria)
        sheets.append(
            ScoreSheet(
                **Application.fields_of(m, patents.get(m.id)), summary=m.form["summary"], scores=scores,
                weighted=round(panel.weighted(scores), 2) if complete else None,
            )
        )  # fmt: skip
    return sheets


def score(session: Session, actor: Actor, matter_id: int, scores: dict[str, float]) -> ScoreSheet:
    """Record the expert's scores of one application in review (``committee.record_scores``) and return its sheet."""
    matter = record_scores(session, actor, award_panel(), matter_id, scores)
    return next(s for s in expert_sheets(session, actor, matter.form["cycle"]) if s.matter_id == matter.id)


# --- the results --------------------------------------------------------------------------------------------------
def publish(session: Session, actor: Actor, cycle: int, today: dt.date | None = None) -> AwardRanking:
    """Give every application in review its result by the ranking: its grade, or not awarded. Refused while an
    application has fewer complete score sheets than the rules ask for; only the province's administrator (the
    award steps' role) may."""
    require(actor, "records.write")
    before = ranking(session, actor, cycle)
    steps = {e.matter_id: f"award_{e.grade}" if e.grade else "not_award" for e in before.entries if e.state == "review"}
    nothing = Msg(f"第{cycle}届没有待公布的申报", f"round {cycle} has no application awaiting its result")
    publish_steps(session, actor, before.waiting, before.min_experts, steps, nothing, today)
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
