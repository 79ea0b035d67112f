"""The satisfaction survey (知识产权保护社会满意度): the questionnaire and the quotas as data (``data/survey.toml``),
invitations issued per city and respondent type within the quota — each a token good for one response — the public
form that takes the response, and the satisfaction index.

Scoring: an answer a on the 1…S scale is worth (a − 1) ÷ (S − 1) × 100; a respondent's dimension score is the mean
of its answers there, its index the dimension scores weighted. A group's (a city's, a respondent type's, the
province's) figure is stratified by respondent type, each type weighted by its share of the quota, so a city that
reached more enterprises than the quota asked is not tilted towards them: the mean is Σ Wₜ·x̄ₜ and its variance
Σ Wₜ²·sₜ²/nₜ over the types that answered (Wₜ renormalised over them); the interval is the normal one at the
questionnaire's confidence. The year before is given beside, with whether the change exceeds both intervals'
joint error (a z test on the difference). ``/survey``, ``/survey/respond/{token}``, ``/api/v1/survey…`` and
``ipstrong survey …`` render these calls.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import tomllib
import warnings
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from statistics import NormalDist
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.roles import Actor, require
from ipstrong.clock import today_shanghai
from ipstrong.messages import Conflict, InvalidOption, IpsError, Msg, NotFound
from ipstrong.network.models import SurveyInvitation, SurveyResponse
from ipstrong.network.vocab import RESPONDENTS, choices
from ipstrong.reference.regions import JIANGSU, jiangsu_cities, region_name

BY = ("city", "respondent")
MAX_BATCH = 5000  # invitations issued at once


class Question(BaseModel):
    id: str
    zh: str
    en: str


class Dimension(BaseModel):
    id: str
    name_zh: str
    name_en: str
    weight: float
    questions: list[Question]


class Questionnaire(BaseModel):
    source: str
    verified: bool
    scale: int
    confidence: float
    quota: dict[str, int]
    dimensions: list[Dimension]

    def question_ids(self) -> list[str]:
        return [q.id for d in self.dimensions for q in d.questions]


@cache
def questionnaire() -> Questionnaire:
    """The shipped questionnaire (data/survey.toml)."""
    raw = tomllib.loads((files("ipstrong") / "network" / "data" / "survey.toml").read_text(encoding="utf-8"))
    found = Questionnaire(**raw)
    if unknown := [k for k in found.quota if k not in RESPONDENTS]:
        raise ValueError(f"survey.toml: quota for unknown respondent types {unknown}")
    ids = found.question_ids()
    if len(ids) != len(set(ids)):
        raise ValueError("survey.toml: a question id is used twice")
    return found


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- invitations ----------------------------------------------------------------------------------------------------
class Invitations(BaseModel):
    year: int
    city_code: str
    respondent: str
    tokens: list[str]  # shown once: only their hashes are kept
    issued: int  # in the cell, these included
    quota: int


def invite(session: Session, actor: Actor, year: int, city_code: str, respondent: str, count: int) -> Invitations:
    """Issue ``count`` invitations for one cell (a city and a respondent type), never beyond its quota."""
    require(actor, "records.write", city_code)
    if city_code not in {c.code for c in jiangsu_cities()}:
        raise IpsError(Msg(f"不是江苏的地市代码：{city_code}", f"not a Jiangsu city: {city_code}").located(field="city_code"))
    quota = questionnaire().quota
    if respondent not in quota:
        raise InvalidOption("respondent", respondent, choices({k: RESPONDENTS[k] for k in quota}))
    if not 1 <= count <= MAX_BATCH:
        raise InvalidOption("count", count, Msg(f"1–{MAX_BATCH}", f"1–{MAX_BATCH}"))
    cell = (SurveyInvitation.year == year, SurveyInvitation.city_code == city_code, SurveyInvitation.respondent == respondent)
    issued = session.scalar(select(func.count()).select_from(SurveyInvitation).where(*cell)) or 0
    if issued + count > quota[respondent]:
        raise Conflict(Msg(f"{region_name(city_code)}「{RESPONDENTS[respondent][0]}」配额 {quota[respondent]}，已发 {issued}，"
                           f"不能再发 {count}", f"the quota of {quota[respondent]} for this cell has {issued} issued: "
                           f"{count} more is too many").located(field="count"))  # fmt: skip
    tokens = [secrets.token_urlsafe(18) for _ in range(count)]
    session.add_all(SurveyInvitation(token_hash=_hash(t), year=year, city_code=city_code, respondent=respondent) for t in tokens)
    session.flush()
    audit.append(session, actor.username, "survey.invite", "survey", None, city_code, None,
                 {"year": year, "respondent": respondent, "count": count})  # fmt: skip
    return Invitations(year=year, city_code=city_code, respondent=respondent, tokens=tokens, issued=issued + count,
                       quota=quota[respondent])  # fmt: skip


# --- the public form ------------------------------------------------------------------------------------------------
class SurveyForm(BaseModel):
    year: int
    city_name: str | None
    respondent: str
    questionnaire: Questionnaire


class Receipt(BaseModel):
    year: int
    answered: int


def _invitation(session: Session, token: str) -> SurveyInvitation:
    row = session.get(SurveyInvitation, _hash(token)) if 8 <= len(token) <= 64 else None
    if row is None:
        raise NotFound(Msg("邀请码无效：请使用邀请函中的链接", "this invitation is not valid: use the link of your invitation"))
    if row.answered:
        raise Conflict(Msg("此邀请已作答，每份邀请只能提交一次", "this invitation has been answered: one response each"))
    return row


def survey_form(session: Session, token: str) -> SurveyForm:
    """The questionnaire an invitation opens; refused for an unknown or answered invitation."""
    row = _invitation(session, token)
    return SurveyForm(year=row.year, city_name=region_name(row.city_code), respondent=row.respondent,
                      questionnaire=questionnaire())  # fmt: skip


def submit(session: Session, token: str, answers: dict[str, Any]) -> Receipt:
    """Take one response: every question answered on the scale; the invitation is spent in the same transaction,
    so a second submission — even a simultaneous one — is refused."""
    row = _invitation(session, token)
    form = questionnaire()
    ids = form.question_ids()
    problems = [Msg("未作答", "not answered").located(field=q) for q in ids if q not in answers]
    problems += [Msg("不是本问卷的题目", "not a question of this survey").located(field=k) for k in answers if k not in ids]
    for k, v in answers.items():
        if k in ids and not (isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= form.scale):
            wrong = Msg(f"答案须为 1–{form.scale} 的整数，不是 {v}", f"an answer is a whole number 1–{form.scale}, not {v}")
            problems.append(wrong.located(field=k))
    if problems:
        raise IpsError(Msg("；".join(p.zh for p in problems), "; ".join(p.en for p in problems)))
    spent = session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.token_hash == row.token_hash, SurveyInvitation.answered.is_(False))
        .values(answered=True)
    )
    if spent.rowcount != 1:
        raise Conflict(Msg("此邀请已作答，每份邀请只能提交一次", "this invitation has been answered: one response each"))
    session.add(SurveyResponse(year=row.year, city_code=row.city_code, respondent=row.respondent,
                               answers={q: int(answers[q]) for q in ids}, submitted_on=today_shanghai()))  # fmt: skip
    session.flush()
    return Receipt(year=row.year, answered=len(ids))


# --- results --------------------------------------------------------------------------------------------------------
class Figure(BaseModel):
    value: float | None
    low: float | None
    high: float | None


class GroupResult(BaseModel):
    TABLE: ClassVar[tuple[str, ...]] = ("name", "responses", "index", "low", "high", "previous", "change", "significant")

    code: str
    name: str
    responses: int
    index: float | None
    low: float | None
    high: float | None
    dimensions: dict[str, Figure]
    previous: float | None  # the index the year before
    change: float | None
    significant: bool | None  # the change is beyond chance at the confidence


class QuotaCell(BaseModel):
    city_code: str
    city_name: str
    respondent: str
    quota: int
    invited: int
    answered: int


class SurveyResults(BaseModel):
    year: int
    by: str
    source: str
    verified: bool
    confidence: float
    dimensions: list[Dimension]
    groups: list[GroupResult]
    province: GroupResult
    quotas: list[QuotaCell]


@dataclass
class _Scores:
    """The responses of one year as arrays: each respondent's city, type, index and dimension scores."""

    cities: np.ndarray
    types: np.ndarray
    index: np.ndarray
    dims: np.ndarray  # responses × dimensions


def _scores(session: Session, year: int) -> _Scores:
    form = questionnaire()
    ids = form.question_ids()
    rows = session.execute(
        select(SurveyResponse.city_code, SurveyResponse.respondent, SurveyResponse.answers).where(SurveyResponse.year == year)
    ).all()
    # a question the year's answers do not have (the questionnaire changed since) is missing, not zero
    answers = np.array([[r[2].get(q, np.nan) for q in ids] for r in rows], dtype=float).reshape(len(rows), len(ids))
    points = (answers - 1) / (form.scale - 1) * 100
    spans, start = [], 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a dimension none of a year's questions reach: NaN
        for d in form.dimensions:
            spans.append(np.nanmean(points[:, start : start + len(d.questions)], axis=1) if len(rows) else np.zeros(0))
            start += len(d.questions)
    dims = np.column_stack(spans) if len(rows) else np.zeros((0, len(form.dimensions)))
    weights = np.array([d.weight for d in form.dimensions])
    reached = ~np.isnan(dims)
    with np.errstate(invalid="ignore", divide="ignore"):  # the weights of the dimensions each respondent reached
        index = np.nansum(dims * weights, axis=1) / (reached * weights).sum(axis=1)
    return _Scores(cities=np.array([r[0] for r in rows]), types=np.array([r[1] for r in rows]), index=index, dims=dims)


def _stratified(values: np.ndarray, types: np.ndarray, z: float) -> Figure:
    """The quota-weighted mean of ``values`` over respondent types and its interval."""
    quota = questionnaire().quota
    answered = ~np.isnan(values)
    values, types = values[answered], types[answered]
    present = [t for t in quota if (types == t).any()]
    if not present:
        return Figure(value=None, low=None, high=None)
    total = sum(quota[t] for t in present)
    mean = variance = 0.0
    for t in present:
        part = values[types == t]
        w = quota[t] / total
        mean += w * part.mean()
        variance += w * w * (part.var(ddof=1) / len(part) if len(part) > 1 else math.nan)
    if math.isnan(variance):
        return Figure(value=round(mean, 2), low=None, high=None)
    half = z * math.sqrt(variance)
    return Figure(value=round(mean, 2), low=round(mean - half, 2), high=round(mean + half, 2))


def _group(code: str, name: str, now: _Scores, before: _Scores, pick_now: np.ndarray, pick_before: np.ndarray,
           z: float) -> GroupResult:  # fmt: skip
    form = questionnaire()
    index = _stratified(now.index[pick_now], now.types[pick_now], z)
    dims = {d.id: _stratified(now.dims[pick_now, i], now.types[pick_now], z) for i, d in enumerate(form.dimensions)}
    previous = _stratified(before.index[pick_before], before.types[pick_before], z)
    change = significant = None
    if index.value is not None and previous.value is not None:
        change = round(index.value - previous.value, 2)
        if None not in (index.low, previous.low):
            se = math.hypot((index.high - index.low) / (2 * z), (previous.high - previous.low) / (2 * z))  # type: ignore[operator]
            significant = se > 0 and abs(change) > z * se
    return GroupResult(code=code, name=name, responses=int(pick_now.sum()), index=index.value, low=index.low, high=index.high,
                       dimensions=dims, previous=previous.value, change=change, significant=significant)  # fmt: skip


def results(session: Session, actor: Actor, year: int, by: str = "city") -> SurveyResults:
    """The satisfaction index of ``year`` by city or respondent type, and the province's, with intervals, the
    dimensions, the year before and the quotas' fill."""
    require(actor, "records.read")
    if by not in BY:
        raise InvalidOption("by", by, Msg("、".join(BY), ", ".join(BY)))
    form = questionnaire()
    z = NormalDist().inv_cdf(0.5 + form.confidence / 2)
    now, before = _scores(session, year), _scores(session, year - 1)
    if by == "city":
        keys = [(c.code, c.name) for c in jiangsu_cities()]
        column_now, column_before = now.cities, before.cities
    else:
        keys = [(k, RESPONDENTS[k][0]) for k in form.quota]
        column_now, column_before = now.types, before.types
    groups = [_group(k, n, now, before, column_now == k, column_before == k, z) for k, n in keys]
    province = _group(JIANGSU, "江苏省", now, before, np.ones(len(now.index), bool), np.ones(len(before.index), bool), z)
    return SurveyResults(year=year, by=by, source=form.source, verified=form.verified, confidence=form.confidence,
                         dimensions=form.dimensions, groups=groups, province=province, quotas=_quotas(session, year))  # fmt: skip


def _quotas(session: Session, year: int) -> list[QuotaCell]:
    quota = questionnaire().quota
    stmt = (
        select(
            SurveyInvitation.city_code,
            SurveyInvitation.respondent,
            func.count(),
            func.sum(case((SurveyInvitation.answered, 1), else_=0)),
        )
        .where(SurveyInvitation.year == year)
        .group_by(SurveyInvitation.city_code, SurveyInvitation.respondent)
    )
    found = {(c, r): (int(n), int(a or 0)) for c, r, n, a in session.execute(stmt)}
    return [
        QuotaCell(city_code=c.code, city_name=c.name, respondent=t, quota=q, invited=found.get((c.code, t), (0, 0))[0],
                  answered=found.get((c.code, t), (0, 0))[1])
        for c in jiangsu_cities() for t, q in quota.items()
    ]  # fmt: skip


def write_results_xlsx(found: SurveyResults, out: Path) -> None:
    """The results as a workbook: the index by group with its dimensions, and the quotas' fill."""
    from ipstrong.output import PrintLayout, Sheet, write_workbook

    dims = found.dimensions
    index = Sheet(
        ("分组 / group", "样本量 / responses", "满意度指数 / index", "下限 / low", "上限 / high",
         *(f"{d.name_zh} / {d.name_en}" for d in dims), "上年 / previous year", "变化 / change", "显著 / significant"),
        [(g.name, g.responses, g.index, g.low, g.high, *(g.dimensions[d.id].value for d in dims), g.previous, g.change,
          {True: "是 yes", False: "否 no", None: ""}[g.significant]) for g in [*found.groups, found.province]],
        PrintLayout(f"{found.year} 满意度 index", (14, 10, 12, 10, 10, *(14 for _ in dims), 12, 10, 10)),
    )  # fmt: skip
    quotas = Sheet(
        ("地市 / city", "调查对象 / respondent", "配额 / quota", "已邀请 / invited", "已作答 / answered"),
        [(q.city_name, RESPONDENTS[q.respondent][0], q.quota, q.invited, q.answered) for q in found.quotas],
        PrintLayout("配额 quotas", (12, 14, 10, 10, 10)),
    )
    write_workbook(out, [index, quotas])
