"""IP-engineer titles (知识产权工程师职称): the rules of eligibility and review (``data/engineer_title.toml``), the
committee's review of the applications admitted (the committee review of ``registry/committee.py``: members of the
role ``title_assessor`` score each application on the criteria, never one from their own employer), and the results
— each application passes at the pass score once it has enough score sheets; the province's administrator publishes
them, and a passed applicant in the talent registry takes the title. ``/talent/titles``, ``/api/v1/titles…`` and
``ipstrong titles …`` render these calls.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts.roles import Actor, require
from ipstrong.matters.models import Matter
from ipstrong.matters.service import visible
from ipstrong.matters.types.engineer_title import MATTER_TYPE
from ipstrong.messages import Msg
from ipstrong.network.models import Practitioner
from ipstrong.network.vocab import EDUCATIONS, TITLES
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

TYPE = "engineer_title"
ORDER = ("none", "assistant", "engineer", "senior")


@dataclass(frozen=True)
class Level:
    id: str
    name_zh: str
    name_en: str
    requires: str
    min_years: dict[str, int]  # by education; an education absent is not eligible


@dataclass(frozen=True)
class TitleRules:
    source: str
    verified: bool
    min_experts: int
    pass_score: float
    levels: dict[str, Level]
    criteria: tuple[Criterion, ...]

    def refusals(self, level: str, education: str, years: int, current_title: str) -> list[Msg]:
        """Why an applicant of this education, years and title may not apply for ``level`` (empty when they may)."""
        rule = self.levels[level]
        problems = []
        if education not in rule.min_years:
            problems.append(
                Msg(
                    f"{EDUCATIONS[education][0]}学历不能申报{rule.name_zh}",
                    f"a {EDUCATIONS[education][1]} may not apply for {rule.name_en}",
                ).located(field="education")
            )
        elif years < rule.min_years[education]:
            need = rule.min_years[education]
            problems.append(
                Msg(
                    f"{EDUCATIONS[education][0]}申报{rule.name_zh}须从事知识产权工作满 {need} 年，现为 {years} 年",
                    f"{rule.name_en} needs {need} years of IP work with a {EDUCATIONS[education][1]}, not {years}",
                ).located(field="years")
            )
        if ORDER.index(current_title) < ORDER.index(rule.requires):
            problems.append(
                Msg(
                    f"申报{rule.name_zh}须已取得{TITLES[rule.requires][0]}",
                    f"{rule.name_en} needs the title {TITLES[rule.requires][1]}",
                ).located(field="current_title")
            )
        return problems  # fmt: skip


@cache
def title_rules() -> TitleRules:
    """The shipped rules (data/engineer_title.toml)."""
    raw = tomllib.loads((files("ipstrong") / "network" / "data" / "engineer_title.toml").read_text(encoding="utf-8"))
    levels = {k: Level(id=k, **v) for k, v in raw["levels"].items()}
    if unknown := [k for k in levels if k not in TITLES] + [
        e for v in levels.values() for e in v.min_years if e not in EDUCATIONS
    ]:
        raise ValueError(f"engineer_title.toml: unknown levels or educations {unknown}")
    return TitleRules(
        source=raw["source"], verified=raw["verified"], min_experts=int(raw["min_experts"]), pass_score=float(raw["pass_score"]),
        levels=levels, criteria=tuple(Criterion(**c) for c in raw["criteria"]),
    )  # fmt: skip


@cache
def title_panel() -> Panel:
    return Panel(
        type_id=TYPE, name_zh="职称申报", name_en="title application", stage="review", permission="titles.score",
        criteria=title_rules().criteria, party_field="employer", code_field="employer_credit_code", action="title.score",
    )  # fmt: skip


class TitleEntry(BaseModel):
    TABLE: ClassVar[tuple[str, ...]] = ("number", "applicant", "employer", "level", "experts", "score", "passes", "state")

    matter_id: int
    number: str
    applicant: str
    employer: str
    level: str
    level_zh: str
    state: str
    state_zh: str
    state_en: str
    experts: int
    score: float | None
    passes: bool | None  # by the pass score, once scored


class TitleReview(BaseModel):
    year: int
    source: str
    verified: bool
    pass_score: float
    min_experts: int
    criteria: list[CriterionOut]
    entries: list[TitleEntry]
    waiting: list[str] = Field(default_factory=list)  # in review with too few score sheets
    published: bool


class TitleSheet(BaseModel):
    matter_id: int
    year: int
    number: str
    applicant: str
    employer: str
    level: str
    achievements: str
    scores: dict[str, float]
    weighted: float | None


class TitleResult(BaseModel):
    applicant: str
    employer: str
    level: str
    level_zh: str
    level_en: str
    day: dt.date


def _applications(session: Session, year: int, *conditions) -> list[Matter]:
    rows = session.scalars(select(Matter).where(Matter.type_id == TYPE, *conditions).order_by(Matter.number)).all()
    return [m for m in rows if m.form.get("year") == year]


def review(session: Session, actor: Actor, year: int) -> TitleReview:
    """The year's applications in the reader's reach with their committee scores and whether each passes."""
    require(actor, "records.read")
    rules, panel = title_rules(), title_panel()
    matters = _applications(session, year, visible(actor))
    sheets = complete_sheets(session, panel, [m.id for m in matters])
    entries = []
    for m in matters:
        done = sheets.get(m.id, {})
        score = mean_score(panel, done)
        passes = m.state == "qualified" if m.state in ("qualified", "not_qualified") else (
            score >= rules.pass_score if score is not None else None)  # fmt: skip
        entries.append(
            TitleEntry(
                matter_id=m.id, number=m.number, applicant=m.form["applicant"], employer=m.form["employer"],
                level=m.form["level"], level_zh=rules.levels[m.form["level"]].name_zh, state=m.state,
                state_zh=MATTER_TYPE.state(m.state).name_zh, state_en=MATTER_TYPE.state(m.state).name_en, experts=len(done),
                score=score, passes=passes,
            )
        )  # fmt: skip
    waiting = [e.number for e in entries if e.state == "review" and e.experts < rules.min_experts]
    return TitleReview(
        year=year, source=rules.source, verified=rules.verified, pass_score=rules.pass_score, min_experts=rules.min_experts,
        criteria=panel.criteria_out(), entries=entries, waiting=waiting,
        published=bool(entries) and all(e.state not in ("received", "review") for e in entries),
    )  # fmt: skip


def sheets(session: Session, actor: Actor, year: int) -> list[TitleSheet]:
    """The applications in review the committee member may score, each with their own scores."""
    panel = title_panel()
    matters = scorable(session, actor, panel, _applications(session, year, Matter.state == "review"))
    mine = own_scores(session, actor, panel, [m.id for m in matters])
    return [
        TitleSheet(
            matter_id=m.id, year=year, number=m.number, applicant=m.form["applicant"], employer=m.form["employer"],
            level=m.form["level"],
            achievements=m.form["achievements"], scores=mine.get(m.id, {}),
            weighted=round(panel.weighted(mine[m.id]), 2) if len(mine.get(m.id, {})) == len(panel.criteria) else None,
        )
        for m in matters
    ]  # fmt: skip


def score(session: Session, actor: Actor, matter_id: int, scores: dict[str, float]) -> TitleSheet:
    """Record the member's scores of one application in review and return its sheet."""
    matter = record_scores(session, actor, title_panel(), matter_id, scores)
    return next(s for s in sheets(session, actor, matter.form["year"]) if s.matter_id == matter.id)


def publish(session: Session, actor: Actor, year: int, today: dt.date | None = None) -> TitleReview:
    """Give every application in review its result; a passed applicant in the registry takes the title. Refused
    while an application has too few complete score sheets."""
    require(actor, "records.write")
    before = review(session, actor, year)
    steps = {e.matter_id: "qualify" if e.passes else "not_qualify" for e in before.entries if e.state == "review"}
    nothing = Msg(f"{year} 年度没有待公布的职称申报", f"{year} has no title application awaiting its result")
    passed = {e.matter_id: e.level for e in before.entries if e.state == "review" and e.passes}
    for matter in publish_steps(session, actor, before.waiting, before.min_experts, steps, nothing, today):
        person = session.get(Practitioner, matter.form["practitioner_id"]) if matter.form.get("practitioner_id") else None
        level = passed.get(matter.id)
        if level is not None and person is not None and ORDER.index(person.title) < ORDER.index(level):
            person.title = level
    return review(session, actor, year)


def results(session: Session, year: int) -> list[TitleResult]:
    """The year's passed applicants (the results list the office publishes): public."""
    from ipstrong.matters.models import MatterEvent

    rules = title_rules()

    matters = _applications(session, year, Matter.state == "qualified")
    ids = [m.id for m in matters]
    steps = session.scalars(select(MatterEvent).where(MatterEvent.matter_id.in_(ids), MatterEvent.step == "qualify"))
    days = {e.matter_id: e.day for e in steps} if ids else {}
    found = []
    for m in matters:
        level = rules.levels[m.form["level"]]
        found.append(TitleResult(applicant=m.form["applicant"], employer=m.form["employer"], level=level.id,
                                 level_zh=level.name_zh, level_en=level.name_en, day=days[m.id]))  # fmt: skip
    return sorted(found, key=lambda r: (-ORDER.index(r.level), r.employer, r.applicant))
