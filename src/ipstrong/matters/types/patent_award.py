"""江苏专利奖申报 — an application for the Jiangsu Patent Award (../shared/reference/OFFICIAL_RULES.md §10).

The award is the provincial government's, given every two years: gold, silver and excellence awards to patents
(invention, utility model or design) granted by the round's cut-off date, and the inventor award. An application is
taken only for a patent that is effective — granted by the cut-off, in force — and the applicant's own: its first
applicant's entity (registry/holdings.py). After the formal review, experts score it (registry/awards.py); the
province's administrator publishes the results, which move each application to its grade by the quotas. The rounds,
quotas and criteria are data: registry/data/patent_award.toml. The formal-review limit was not found: a parameter.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ipstrong.accounts.models import Organisation
from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, Party, State, Transition
from ipstrong.messages import Msg

SOURCE = "第二届江苏专利奖评选通知（2025）"
NOT_FOUND = "形式审查时限未见原文：参数，默认 20 个工作日待核"
STAFF = ("case_officer", "city_official", "province_admin")
PUBLISHER = ("province_admin",)  # the results are the province's


class PatentAwardForm(BaseModel):
    """The application form (江苏专利奖申报书)."""

    applicant: str = Field(min_length=2, max_length=200, description="申报单位（专利权人）/ applicant (the patentee)")
    applicant_credit_code: str | None = Field(default=None, max_length=18, description="统一社会信用代码 / credit code")
    cycle: int = Field(ge=1, le=100, description="届次，如 2 = 第二届 / the round")
    category: str = Field(pattern="^(patent|inventor)$", description="patent 专利奖（金/银/优秀）| inventor 发明人奖")
    patents: list[str] = Field(min_length=1, max_length=1, description="参评专利号 / the patent")
    inventor: str = Field(default="", max_length=100, description="发明人（发明人奖必填）/ the inventor (inventor award)")
    summary: str = Field(
        min_length=10, max_length=5000, description="技术方案、运用与效益简介 / the invention, its use and results"
    )
    contact: str = Field(default="", max_length=200, description="联系人与联系方式 / contact")


def eligibility(session: Session, office: Organisation, form: BaseModel, data_dir: Path, _received_on: dt.date) -> list[Msg]:
    """Why an application cannot be taken (empty when it can): a round the office runs, the patent effective —
    granted by the round's cut-off and in force — and the applicant's; an inventor named for the inventor award;
    received by the province's office (the award is the province's)."""
    from ipstrong.registry.awards import award_rules
    from ipstrong.registry.holdings import refusals

    applied: PatentAwardForm = form  # type: ignore[assignment] - this type's form
    if not office.region_code.endswith("0000"):
        return [
            Msg(
                f"江苏专利奖由省级知识产权局受理，{office.name} 不受理",
                f"the award is received by the province's office, not {office.name}",
            )
        ]
    rules = award_rules()
    round_ = rules.rounds.get(applied.cycle)
    if round_ is None:
        known = "、".join(str(c) for c in rules.rounds)
        return [
            Msg(f"没有第{applied.cycle}届评选（可选：{known}）", f"no round {applied.cycle} ({known})").located(field="cycle")
        ]
    refused, held = refusals(session, data_dir, applied.patents, applied.applicant)
    problems = [r.msg.located(field="patents") for r in refused]
    late = [h.app_no for h in held.values() if h.grant_date is not None and h.grant_date > round_.grant_cutoff]
    problems += [
        Msg(f"{n} 授权晚于截止日 {round_.grant_cutoff}", f"{n} was granted after the cut-off {round_.grant_cutoff}").located(
            field="patents"
        )
        for n in late
    ]
    if applied.category == "inventor" and not applied.inventor.strip():
        problems.append(Msg("发明人奖须填写发明人", "the inventor award needs the inventor's name").located(field="inventor"))
    return problems


GRADE_STATES = (
    State("gold", "获江苏专利金奖", "Jiangsu Patent Gold Award", final=True),
    State("silver", "获江苏专利银奖", "Jiangsu Patent Silver Award", final=True),
    State("excellence", "获江苏专利优秀奖", "Jiangsu Patent Excellence Award", final=True),
    State("inventor", "获江苏专利发明人奖", "Jiangsu Patent Inventor Award", final=True),
)

MATTER_TYPE = MatterType(
    id="patent_award",
    code="ZJ",
    name_zh="江苏专利奖申报",
    name_en="Jiangsu Patent Award application",
    source=SOURCE,
    form=PatentAwardForm,
    title_field="applicant",
    bodies=("office",),
    parties=(Party("applicant", "申报单位", "applicant", "applicant", "applicant_credit_code"),),
    patents_field="patents",
    intake=eligibility,
    states=(
        State("received", "已受理", "received"),
        State("review", "形式审查合格，专家评审中", "under expert review"),
        State("refused", "形式审查不合格", "not admitted", final=True),
        *GRADE_STATES,
        State("not_awarded", "未获奖", "not awarded", final=True),
    ),
    initial="received",
    documents=(
        DocumentRule("application", "申报书及证明材料", "application and evidence", ("admit",)),
        DocumentRule("recommendation", "推荐意见", "recommendation", ()),
    ),
    transitions=(
        Transition("admit", "形式审查合格", "admit to review", ("received",), "review", STAFF, ("application",)),
        Transition("refuse", "形式审查不合格", "refuse", ("received",), "refused", STAFF),
        *(Transition(f"award_{s.id}", f"授予{s.name_zh[1:]}", f"award the {s.name_en}", ("review",), s.id, PUBLISHER)
          for s in GRADE_STATES),
        Transition("not_award", "未获奖", "not awarded", ("review",), "not_awarded", PUBLISHER),
    ),
    deadlines=(
        DeadlineRule("formal_review", "形式审查", "formal review", "received", ("admit", "refuse"), 20, "working_days",
                     f"{SOURCE}；{NOT_FOUND}", verified=False),
    ),
)  # fmt: skip
