"""The GB/T 29490-2023 self-assessment (企业知识产权合规管理体系 要求; ../shared/reference/OFFICIAL_RULES.md §9): an
enterprise rates itself on each clause of 4–10 and each group of Annex B's typical prohibited acts, with its
evidence; the gap report shows each clause's share of the full score and the items not yet largely in place; the
province sees adoption by city.

The checklist is data (``data/gbt29490_checklist.csv``): the clause structure is the standard's (its outline was
found); the items' wording and the evidence asked for are the project's, as is the scale — 0 not in place, 1 partly,
2 largely with records, 3 fully, documented and reviewed — and the rule that an enterprise conforms when no item is
below 2. An enterprise's user assesses their own organisation; staff read (and may enter) those of their region.
``/compliance``, ``/api/v1/compliance/…`` and ``ipstrong compliance …`` render these calls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from statistics import fmean
from typing import ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.models import Organisation
from ipstrong.accounts.roles import Actor, PermissionDenied, in_scope, require
from ipstrong.csvin import read_rows
from ipstrong.messages import IpsError, Msg, NotFound
from ipstrong.reference.regions import jiangsu_cities
from ipstrong.registry.models import SelfAssessment

TOP = 3  # the scale's top: 0 not in place … 3 fully, documented and reviewed
GAP_BELOW = 2  # an item below "largely in place, with records" is a gap
SCALE_SOURCE = (
    "评分档次与达标规则为本平台默认（标准为要求性条款，未规定评分）/ the scale and the conformity rule are the project's"
)
COLUMNS = ("item", "clause", "part", "title_zh", "title_en", "evidence_zh")


@dataclass(frozen=True)
class Item:
    item: str
    clause: str
    part: str
    title_zh: str
    title_en: str
    evidence_zh: str


@cache
def checklist() -> tuple[Item, ...]:
    """The shipped checklist, in the standard's order."""
    path = Path(str(files("ipstrong") / "registry" / "data" / "gbt29490_checklist.csv"))
    return tuple(Item(**{c: row[c] for c in COLUMNS}) for row in read_rows(path, COLUMNS))


class Answer(BaseModel):
    score: int = Field(ge=0, le=TOP, description="0 未建立 | 1 部分建立 | 2 基本建立并有记录 | 3 完全符合")
    evidence: str = Field(default="", max_length=2000, description="证据（文件名称、记录编号）/ the evidence")


class AssessmentIn(BaseModel):
    year: int = Field(ge=2024, le=2100, description="自评年度（标准 2024-01-01 实施）/ the year assessed")
    answers: dict[str, Answer] = Field(description="按条款编号 / by item")


class ClauseResult(BaseModel):
    clause: str
    part: str
    items: int
    answered: int
    score_pct: float | None  # of the full score of the answered items


class Gap(BaseModel):
    item: str
    title_zh: str
    title_en: str
    score: int | None  # None: not answered
    evidence_zh: str  # what would show it in place


class GapReport(BaseModel):
    organisation_id: int
    organisation: str
    region_code: str
    year: int
    answered: int
    total: int
    score_pct: float | None
    conforming: bool  # every item answered and none below 2
    clauses: list[ClauseResult]
    gaps: list[Gap]
    answers: dict[str, Answer]
    updated_at: dt.datetime | None
    source: str = SCALE_SOURCE


class CityAdoption(BaseModel):
    TABLE: ClassVar[tuple[str, ...]] = ("city_name", "enterprises", "assessed", "complete", "conforming", "mean_score_pct")

    city_code: str
    city_name: str
    enterprises: int  # enterprises registered on the platform
    assessed: int  # with a self-assessment of the year
    complete: int  # every item answered
    conforming: int
    mean_score_pct: float | None


class Assessed(BaseModel):
    """One enterprise's assessment as the province view lists it."""

    organisation_id: int
    name: str
    region_code: str
    answered: int
    score_pct: float | None
    conforming: bool


class Adoption(BaseModel):
    year: int
    rows: list[CityAdoption]
    total: CityAdoption
    assessed: list[Assessed]  # every enterprise of the region that assessed itself, best score first


def _organisation(session: Session, actor: Actor, organisation_id: int | None, permission: str) -> Organisation:
    """The enterprise assessed: an enterprise's own, or for staff one in their region."""
    if actor.role_info.name == "enterprise_user":
        if actor.organisation_id is None or organisation_id not in (None, actor.organisation_id):
            raise PermissionDenied(Msg("只能自评本单位", "an enterprise assesses itself only"))
        organisation_id = actor.organisation_id
    elif organisation_id is None:
        raise IpsError(Msg("请指定企业（机构编号）", "name the enterprise (organisation id)").located(field="org"))
    org = session.get(Organisation, organisation_id)
    if org is None or org.kind != "enterprise":
        raise NotFound(Msg(f"没有编号为 {organisation_id} 的企业", f"no enterprise {organisation_id}"))
    if actor.role_info.name != "enterprise_user":
        require(actor, permission, org.region_code)
    return org


def save_assessment(session: Session, actor: Actor, assessment: AssessmentIn, organisation_id: int | None = None) -> GapReport:
    """Store the year's answers (replacing earlier ones of the same items) and return the gap report; an item the
    checklist does not hold is refused, naming it."""
    org = _organisation(session, actor, organisation_id, "records.write")
    known = {i.item for i in checklist()}
    if unknown := [k for k in assessment.answers if k not in known]:
        raise IpsError(Msg(f"清单中没有条款 {'、'.join(unknown)}", f"no item {', '.join(unknown)} in the checklist").located(
            field="answers"))  # fmt: skip
    row = session.get(SelfAssessment, (org.id, assessment.year))
    answers = {k: v.model_dump() for k, v in assessment.answers.items()}
    if row is None:
        row = SelfAssessment(organisation_id=org.id, year=assessment.year, answers=answers, updated_by=actor.username)
        session.add(row)
    else:
        row.answers = {**row.answers, **answers}
        row.updated_by = actor.username
        row.updated_at = dt.datetime.now(dt.UTC)
    session.flush()
    audit.append(session, actor.username, "compliance.assess", "organisation", org.id, org.region_code, None,
                 {"year": assessment.year, "items": sorted(answers)})  # fmt: skip
    return gap_report(session, actor, assessment.year, org.id)


def gap_report(session: Session, actor: Actor, year: int, organisation_id: int | None = None) -> GapReport:
    """Each clause's share of the full score, the items below "largely in place" (and those not answered), and
    whether the enterprise conforms."""
    org = _organisation(session, actor, organisation_id, "records.read")
    row = session.get(SelfAssessment, (org.id, year))
    answers = {k: Answer(**v) for k, v in (row.answers if row else {}).items()}
    items = checklist()
    clauses = []
    for clause in dict.fromkeys(i.clause for i in items):
        mine = [i for i in items if i.clause == clause]
        scored = [answers[i.item].score for i in mine if i.item in answers]
        clauses.append(
            ClauseResult(clause=clause, part=mine[0].part, items=len(mine), answered=len(scored), score_pct=_pct(scored))
        )
    gaps = [
        Gap(item=i.item, title_zh=i.title_zh, title_en=i.title_en, score=answers[i.item].score if i.item in answers else None,
            evidence_zh=i.evidence_zh)
        for i in items
        if i.item not in answers or answers[i.item].score < GAP_BELOW
    ]  # fmt: skip
    return GapReport(
        organisation_id=org.id, organisation=org.name, region_code=org.region_code, year=year, answered=len(answers),
        total=len(items), score_pct=_pct([a.score for a in answers.values()]),
        conforming=not gaps, clauses=clauses, gaps=gaps, answers=answers, updated_at=row.updated_at if row else None,
    )  # fmt: skip


def adoption(session: Session, actor: Actor, year: int) -> Adoption:
    """By city of the reader's region: the platform's enterprises, those that assessed themselves in ``year``, those
    whose assessment is complete and those that conform, with their mean score."""
    require(actor, "records.read")
    total_items = len(checklist())
    firms = [
        o
        for o in session.scalars(select(Organisation).where(Organisation.kind == "enterprise"))
        if in_scope(actor, o.region_code)
    ]
    rows = {r.organisation_id: r for r in session.scalars(select(SelfAssessment).where(SelfAssessment.year == year))}
    # each assessment's figures, once: its share of the full score and whether it conforms
    shares = {oid: _share(_stored(r.answers)) for oid, r in rows.items()}
    conforms = {oid: _conforms(r.answers, total_items) for oid, r in rows.items()}

    def tally(code: str, name: str, members: list[Organisation]) -> CityAdoption:
        done = [o.id for o in members if o.id in rows]
        pcts = [p for oid in done if (p := shares[oid]) is not None]
        return CityAdoption(
            city_code=code, city_name=name, enterprises=len(members), assessed=len(done),
            complete=sum(len(rows[oid].answers) == total_items for oid in done),
            conforming=sum(conforms[oid] for oid in done),
            mean_score_pct=round(fmean(pcts), 1) if pcts else None,
        )  # fmt: skip

    cities = [c for c in jiangsu_cities() if in_scope(actor, c.code) or c.code[:4] == actor.region_code[:4]]
    by_city = [tally(c.code, c.name, [o for o in firms if o.region_code[:4] == c.code[:4]]) for c in cities]
    assessed = [
        Assessed(organisation_id=o.id, name=o.name, region_code=o.region_code, answered=len(rows[o.id].answers),
                 score_pct=_rounded(shares[o.id]), conforming=conforms[o.id])
        for o in firms
        if o.id in rows
    ]  # fmt: skip
    assessed.sort(key=lambda a: (-(a.score_pct or 0.0), a.name))
    return Adoption(year=year, rows=[r for r in by_city if r.enterprises], total=tally(actor.region_code, "合计 / total", firms),
                    assessed=assessed)  # fmt: skip


def _share(scores: list[int]) -> float | None:
    """The share of the full score the ``scores`` reach, in % (None for none)."""
    return 100 * sum(scores) / (TOP * len(scores)) if scores else None


def _stored(answers: dict[str, dict[str, object]]) -> list[int]:
    return [int(a["score"]) for a in answers.values()]  # type: ignore[call-overload] - stored as validated


def _rounded(share: float | None) -> float | None:
    return round(share, 1) if share is not None else None


def _pct(scores: list[int]) -> float | None:
    """The share of the full score, in % to one decimal."""
    return _rounded(_share(scores))


def _conforms(answers: dict[str, dict[str, object]], total_items: int) -> bool:
    return len(answers) == total_items and all(score >= GAP_BELOW for score in _stored(answers))
