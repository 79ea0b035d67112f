"""Patent valuation after GB/T 42748-2023 专利评估指引 (../shared/reference/OFFICIAL_RULES.md §16): a patent's legal,
technical and economic value as indicators scored 0–100, each computed from the warehouse where the data allows it
and entered by an evaluator where it does not, combined with weights set per purpose (transfer or licence, pledge
financing, tax, infringement damages, tiered management).

The standard's three first-level indicators and the purposes were found; its full list of second- and third-level
indicators was not. The indicators, their scoring rules and the weights are therefore data — ``data/
valuation_indicators.csv`` and ``data/valuation_weights.csv`` — the project's defaults, marked unverified, for the
office to replace. The result is a relative value index, not a price: an evaluator may record the amount their own
method (income, market or cost) gave, beside it. Within a level, the indicators with a score weigh equally; a level
without any is left out and the others' weights are scaled up, and the report says which are missing. The report is
a page, its JSON and a PDF; the pledge registration and matchmaking link to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from statistics import fmean

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.roles import Actor, PermissionDenied, require
from ipstrong.clock import today_shanghai
from ipstrong.csvin import read_rows
from ipstrong.messages import InvalidOption, IpsError, Msg, NotFound
from ipstrong.registry.models import PatentValuation

LEVELS = {
    "legal": ("法律价值", "legal value"),
    "technical": ("技术价值", "technical value"),
    "economic": ("经济价值", "economic value"),
}
# the purpose a matter's patents are valued for, where a matter type links to the valuation report
PURPOSE_OF_MATTER = {"pledge": "financing", "open_licence": "transfer_licence", "transfer": "transfer_licence"}
EVALUATORS = ("agency_user", "case_officer", "city_official", "province_admin")  # 评估机构 and the office's staff
METHODS = {"income": ("收益法", "income"), "market": ("市场法", "market"), "cost": ("成本法", "cost")}
SOURCE = (
    "GB/T 42748-2023《专利评估指引》：法律、技术、经济价值三个一级指标，权重按评估目的设定；二、三级指标清单未见原文，"
    "本平台指标、评分规则与权重为默认值，待核 / the three levels and the purposes are the standard's; the indicators, "
    "rules and weights are the project's defaults"
)


class IndicatorRule(BaseModel, frozen=True):
    """One indicator of the data file: its level, names, where its score comes from and how it is scored."""

    indicator: str
    level: str
    name_zh: str
    name_en: str
    source: str  # warehouse | evaluator
    rule_zh: str


@dataclass(frozen=True)
class Purpose:
    purpose: str
    name_zh: str
    name_en: str
    weights: dict[str, float]  # level → weight


def _data(name: str) -> Path:
    return Path(str(files("ipstrong") / "registry" / "data" / name))


@cache
def indicator_rules() -> tuple[IndicatorRule, ...]:
    columns = ("indicator", "level", "name_zh", "name_en", "source", "rule_zh")
    return tuple(IndicatorRule(**{c: row[c] for c in columns}) for row in read_rows(_data("valuation_indicators.csv"), columns))


@cache
def purposes() -> dict[str, Purpose]:
    columns = ("purpose", "name_zh", "name_en", *LEVELS)
    rows = read_rows(_data("valuation_weights.csv"), columns)
    return {r["purpose"]: Purpose(r["purpose"], r["name_zh"], r["name_en"], {lv: float(r[lv]) for lv in LEVELS}) for r in rows}


class Score(IndicatorRule, frozen=True):
    """An indicator and its score for one patent."""

    score: float | None  # None: not scored (an evaluator's item not entered, or data the source lacks)
    basis: str  # what the score was read from


class LevelScore(BaseModel):
    level: str
    name_zh: str
    name_en: str
    weight: float
    score: float | None


class Valuation(BaseModel):
    app_no: str
    title: str | None
    patentee: str | None
    patent_type: str
    legal_status: str | None
    purpose: str
    purpose_zh: str
    purpose_en: str
    asof: dt.date
    scores: list[Score]
    levels: list[LevelScore]
    index: float | None  # 0–100
    missing: list[str]  # indicators without a score
    evaluator: str | None
    evaluated_at: dt.datetime | None
    amount_10k_yuan: float | None  # the evaluator's own valuation, beside the index
    method: str | None
    source: str = SOURCE


class EvaluationIn(BaseModel):
    purpose: str = Field(description="评估目的 / purpose: " + ", ".join(sorted(purposes())))
    scores: dict[str, float] = Field(default_factory=dict, description="评估人员评定的指标 0–100 / the evaluator's scores")
    amount_10k_yuan: float | None = Field(default=None, gt=0, le=100_000_000, description="评估值（万元）/ value found")
    method: str | None = Field(default=None, pattern="^(income|market|cost)$", description="income | market | cost")


@dataclass(frozen=True)
class _Record:
    app_no: str
    title: str | None
    first_applicant: str | None
    patent_type: str
    legal_status: str | None
    app_date: dt.date
    claims_count: int | None
    ipc_all: list[str] | None
    family_countries: list[str] | None
    strategic: bool
    events: list[tuple[str, float | None]]  # (event type, amount)


def _record(data_dir: Path, app_no: str, asof: dt.date) -> _Record:
    from ipstrong.search.patents import patent_number
    from ipstrong.warehouse.connection import rows_for_keys

    number = patent_number(app_no, "app_no")
    rows = rows_for_keys(
        data_dir,
        "SELECT app_no, title, first_applicant, patent_type, legal_status, app_date, claims_count, ipc_all, family_countries, "
        "coalesce(sei_match, sei_ipc, false) FROM patents WHERE office = 'CN' AND app_no IN ({keys})",
        [number],
    )
    if not rows:
        raise NotFound(Msg(f"数据仓库中没有中国专利 {number}", f"the warehouse holds no Chinese patent {number}"))
    events = rows_for_keys(
        data_dir, "SELECT event_type, amount_10k_yuan, event_date FROM events WHERE app_no IN ({keys})", [number]
    )
    return _Record(*rows[0], events=[(e[0], e[1]) for e in events if e[2] is None or e[2] <= asof])


def _warehouse_scores(r: _Record, asof: dt.date) -> dict[str, tuple[float | None, str]]:
    """Each warehouse indicator's score and what it was read from (None where the source lacks the data)."""
    from dateutil.relativedelta import relativedelta

    from ipstrong.warehouse.asof import statutory_term

    term = statutory_term(r.patent_type, r.app_date)
    left = max((r.app_date + relativedelta(years=term.years) - asof).days, 0) / 365.25 if term is not None else None
    kinds = [k for k, _ in r.events]
    subclasses = sorted({c.replace(" ", "")[:4] for c in r.ipc_all or [] if c})
    # a family holds at least the patent itself: an empty list means the source did not say (Patentics gives only a
    # count), not that there is nothing abroad
    abroad = {c for c in r.family_countries if c and c != "CN"} if r.family_countries else None
    pledged = sum(a or 0.0 for k, a in r.events if k == "pledge")
    moves = sum(k in ("transfer", "licence") for k in kinds)
    invalidated = "invalidation" in kinds
    award = "national_award" if "national_award" in kinds else "provincial_award" if "provincial_award" in kinds else None
    return {
        "legal_status": ({"in_force": 100.0, "pending": 40.0}.get(r.legal_status or "", 0.0), f"法律状态 {r.legal_status}"),
        "remaining_term": (
            round(100 * left / term.years, 1) if left is not None and term is not None else None,
            f"剩余 {left:.1f} 年 / 法定 {term.years} 年" if left is not None and term is not None else "保护期未知",
        ),
        "claims": (
            min(r.claims_count, 10) * 10.0 if r.claims_count else None,
            f"权利要求 {r.claims_count} 项" if r.claims_count else "数据源未提供",
        ),
        "stability": (30.0 if invalidated else 100.0, "有无效宣告记录" if invalidated else "无无效宣告记录"),
        "patent_type": ({"invention": 100.0, "utility_model": 60.0, "design": 50.0}.get(r.patent_type, 0.0), r.patent_type),
        "ipc_breadth": (
            min(len(subclasses), 5) * 20.0 if subclasses else None,
            f"IPC 小类 {len(subclasses)} 个：{'、'.join(subclasses)}" if subclasses else "数据源未提供",
        ),
        "strategic": (100.0 if r.strategic else 0.0, "属于战略性新兴产业" if r.strategic else "不属于战略性新兴产业"),
        "family": (
            min(len(abroad), 5) * 20.0 if abroad is not None else None,
            f"海外同族 {len(abroad)} 个国家/地区" if abroad is not None else "数据源未提供同族信息",
        ),
        "transactions": (min(moves * 35.0, 100.0), f"转让、许可 {moves} 次"),
        "pledge": (min(pledged / 10, 100.0), f"质押登记金额合计 {pledged:g} 万元"),
        "award": (
            {"national_award": 100.0, "provincial_award": 70.0}.get(award or "", 0.0),
            {"national_award": "国家级奖项", "provincial_award": "省级奖项"}.get(award or "", "无获奖记录"),
        ),
    }


def valuation(
    session: Session, actor: Actor, data_dir: Path, app_no: str, purpose: str, asof: dt.date | None = None
) -> Valuation:
    """The patent's value for ``purpose`` as of ``asof`` (today by default): the warehouse's indicators and the
    latest evaluation entered for that purpose."""
    require_reader(actor)
    _purpose(purpose)
    asof = asof or today_shanghai()
    record = _record(data_dir, app_no, asof)
    return _valued(session, record, _warehouse_scores(record, asof), purpose, asof)


def _valued(
    session: Session, record: _Record, computed: dict[str, tuple[float | None, str]], purpose: str, asof: dt.date
) -> Valuation:
    """The valuation of a patent read from the warehouse (``record`` and its ``computed`` indicators), with the
    latest evaluation entered for ``purpose``."""
    chosen = _purpose(purpose)
    entered = _latest(session, record.app_no, purpose)
    given = entered.scores if entered else {}
    scores = []
    for rule in indicator_rules():
        if rule.source == "warehouse" and computed[rule.indicator][0] is not None:
            value, basis = computed[rule.indicator]
        elif rule.indicator in given:
            value, basis = given[rule.indicator], f"评估人员 {entered.evaluator} 评定" if entered else ""
        else:
            value, basis = None, computed[rule.indicator][1] if rule.indicator in computed else "待评估人员评定"
        scores.append(Score(**rule.model_dump(), score=value, basis=basis))
    levels = []
    for level, (zh, en) in LEVELS.items():
        mine = [s.score for s in scores if s.level == level and s.score is not None]
        levels.append(LevelScore(level=level, name_zh=zh, name_en=en, weight=chosen.weights[level],
                                 score=round(fmean(mine), 1) if mine else None))  # fmt: skip
    weighed = [(lv.weight, lv.score) for lv in levels if lv.score is not None and lv.weight > 0]
    total = sum(w for w, _ in weighed)
    return Valuation(
        app_no=record.app_no, title=record.title, patentee=record.first_applicant, patent_type=record.patent_type,
        legal_status=record.legal_status, purpose=purpose, purpose_zh=chosen.name_zh, purpose_en=chosen.name_en, asof=asof,
        scores=scores, levels=levels, index=round(sum(w * s for w, s in weighed) / total, 1) if total else None,
        missing=[s.indicator for s in scores if s.score is None], evaluator=entered.evaluator if entered else None,
        evaluated_at=entered.created_at if entered else None, amount_10k_yuan=entered.amount_10k_yuan if entered else None,
        method=entered.method if entered else None,
    )  # fmt: skip


def require_reader(actor: Actor) -> None:
    """Any signed-in role may read a valuation (the patent data is public); the public portal may not."""
    if actor.role == "public_visitor":
        raise PermissionDenied(Msg("请登录后查看估值报告", "sign in to read a valuation"))


def _purpose(purpose: str) -> Purpose:
    if purpose not in purposes():
        raise InvalidOption("purpose", purpose, Msg("、".join(purposes()), ", ".join(purposes())))
    return purposes()[purpose]


def _latest(session: Session, app_no: str, purpose: str) -> PatentValuation | None:
    return session.scalars(
        select(PatentValuation)
        .where(PatentValuation.app_no == app_no, PatentValuation.purpose == purpose)
        .order_by(PatentValuation.id.desc())
        .limit(1)
    ).first()


def record_evaluation(
    session: Session, actor: Actor, data_dir: Path, app_no: str, evaluation: EvaluationIn, asof: dt.date | None = None
) -> Valuation:
    """Record an evaluator's scores of the indicators the warehouse cannot give (and, if they found one, the amount
    and its method) for a purpose; refused for an indicator the warehouse computes or the rules do not name, or a
    score outside 0–100."""
    if actor.role not in EVALUATORS:
        raise PermissionDenied(
            Msg("只有评估机构和知识产权局工作人员可录入评估", "only evaluators and the office's staff enter evaluations")
        )
    if actor.role != "agency_user":
        require(actor, "records.write")
    _purpose(evaluation.purpose)
    asof = asof or today_shanghai()
    record = _record(data_dir, app_no, asof)
    rules = {r.indicator: r for r in indicator_rules()}
    computed = _warehouse_scores(record, asof)
    problems = []
    for name, value in evaluation.scores.items():
        rule = rules.get(name)
        if rule is None:
            problems.append(Msg(f"没有指标 {name}", f"no indicator {name}").located(field=name))
        elif rule.source == "warehouse" and computed[name][0] is not None:
            problems.append(
                Msg(f"「{rule.name_zh}」由数据仓库计算，不能录入", f"{rule.name_en} is computed from the warehouse").located(
                    field=name
                )
            )
        elif not 0 <= value <= 100:
            problems.append(
                Msg(f"「{rule.name_zh}」评分须在 0–100：{value:g}", f"{rule.name_en}: a score is 0-100, not {value:g}").located(
                    field=name
                )
            )
    if not evaluation.scores and evaluation.amount_10k_yuan is None:
        problems.append(Msg("未录入任何评分或评估值", "nothing entered: no score and no amount"))
    if (evaluation.amount_10k_yuan is None) != (evaluation.method is None):
        problems.append(
            Msg("评估值与评估方法须同时填写", "an amount needs its method, and a method its amount").located(field="method")
        )
    if problems:
        raise IpsError(Msg("；".join(p.zh for p in problems), "; ".join(p.en for p in problems)))
    row = PatentValuation(app_no=record.app_no, purpose=evaluation.purpose, evaluator=actor.username, scores=evaluation.scores,
                          amount_10k_yuan=evaluation.amount_10k_yuan, method=evaluation.method)  # fmt: skip
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "valuation.enter", "patent", record.app_no, None, None, evaluation.model_dump())
    return _valued(session, record, computed, evaluation.purpose, asof)


def render_report_pdf(report: Valuation) -> bytes:
    """The report as PDF (templates/valuation.html)."""
    from ipstrong.printing import render_pdf

    values = {"v": report, "levels": LEVELS, "methods": METHODS, "printed_on": today_shanghai().isoformat()}
    return render_pdf(Path(str(files("ipstrong") / "registry" / "templates")), "valuation", values)
