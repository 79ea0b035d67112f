"""知识产权战略推进计划 — the province's programme of funded projects: the office's call (申报通知) and each project
from its application through review, the funding decision, the mid-term check and acceptance (验收).

A call is published by the province's office with its window and the most a project may ask for; an application
names a published call, is received within its window and asks for no more than the call allows, and its
applicant's patent output over the project's term is measured from the warehouse against its targets
(registry/projects.py). The funding decision records the amount granted (registry/projects.py: ``decide``). The
programme's own rules (review limit, when the mid-term report and acceptance fall due) were not found: parameters,
marked unverified.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, Field, model_validator
from sqlalchemy.orm import Session

from ipstrong.accounts.models import Organisation
from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, Party, State, Transition
from ipstrong.messages import Msg

SOURCE = "江苏省知识产权战略推进计划（年度申报通知；项目管理办法未见原文）"
NOT_FOUND = "项目管理办法未见原文：参数，默认值待核"
STAFF = ("case_officer", "city_official", "province_admin")
DECIDERS = ("province_admin",)


class CallForm(BaseModel):
    """The office's call for applications (申报通知)."""

    title: str = Field(min_length=4, max_length=200, description="通知名称 / the call")
    year: int = Field(ge=2000, le=2100, description="计划年度 / programme year")
    category: str = Field(
        min_length=2, max_length=100, description="项目类别，如 企业知识产权战略推进、高价值专利培育 / category"
    )
    opens: dt.date = Field(description="申报开始 / applications open")
    closes: dt.date = Field(description="申报截止 / applications close")
    max_grant_10k_yuan: float = Field(gt=0, le=100_000, description="单项资助上限（万元）/ the most one project may receive")
    total_budget_10k_yuan: float = Field(gt=0, le=10_000_000, description="本批预算（万元）/ the call's budget")

    @model_validator(mode="after")
    def _window(self) -> CallForm:
        if self.closes < self.opens:
            raise ValueError("申报截止须不早于开始 / the call must close after it opens")
        return self


class ProjectForm(BaseModel):
    """A project application (项目申报书)."""

    call: str = Field(pattern=r"^JH-[0-9]{6}-[0-9]+-[0-9]{4}-[0-9]{5}$", description="所应申报通知的编号 / the call's number")
    applicant: str = Field(min_length=2, max_length=200, description="承担单位（按申请人名称）/ the applicant, as it files")
    applicant_credit_code: str | None = Field(default=None, max_length=18, description="统一社会信用代码 / credit code")
    title: str = Field(min_length=4, max_length=200, description="项目名称 / the project")
    requested_10k_yuan: float = Field(gt=0, le=100_000, description="申请资助（万元）/ funding asked for")
    self_funded_10k_yuan: float = Field(ge=0, le=1_000_000, description="自筹经费（万元）/ own funding")
    start: dt.date = Field(description="实施期起 / term from")
    end: dt.date = Field(description="实施期至 / term until")
    target_invention_filings: int = Field(ge=0, le=100_000, description="目标：发明专利申请量 / target invention filings")
    target_invention_grants: int = Field(ge=0, le=100_000, description="目标：发明专利授权量 / target invention grants")
    plan: str = Field(min_length=10, max_length=10_000, description="实施方案摘要 / the plan")

    @model_validator(mode="after")
    def _term(self) -> ProjectForm:
        if self.end <= self.start:
            raise ValueError("实施期至须晚于起始日 / the term must end after it starts")
        if self.end > self.start + relativedelta(years=5):
            raise ValueError("实施期不超过 5 年 / a term of at most five years")
        return self


def project_intake(session: Session, office: Organisation, form: BaseModel, data_dir: Path, received_on: dt.date) -> list[Msg]:
    """Why an application cannot be taken: its call is not a published call of the programme, it was received
    outside the call's window, or it asks for more than the call allows."""
    from ipstrong.registry.projects import call_problems

    return call_problems(session, form, received_on)  # type: ignore[arg-type] - this type's form


CALL = MatterType(
    id="programme_call",
    code="JH",
    name_zh="知识产权战略推进计划申报通知",
    name_en="programme call",
    source=SOURCE,
    form=CallForm,
    title_field="title",
    bodies=("office",),
    states=(
        State("draft", "拟稿", "draft"),
        State("published", "已发布，受理申报", "published, open"),
        State("closed", "已截止", "closed", final=True),
    ),
    initial="draft",
    documents=(DocumentRule("notice", "申报通知", "the call's notice", ("publish",)),),
    transitions=(
        Transition("publish", "发布", "publish", ("draft",), "published", DECIDERS, ("notice",)),
        Transition("close", "截止", "close", ("published",), "closed", DECIDERS),
    ),
    deadlines=(),
)

PROJECT = MatterType(
    id="programme_project",
    code="XM",
    name_zh="知识产权战略推进计划项目",
    name_en="programme project",
    source=SOURCE,
    form=ProjectForm,
    title_field="title",
    bodies=("office",),
    parties=(Party("applicant", "承担单位", "applicant", "applicant", "applicant_credit_code"),),
    intake=project_intake,
    states=(
        State("received", "已申报", "applied"),
        State("review", "专家评审中", "under review"),
        State("refused", "形式审查不合格", "not admitted", final=True),
        State("not_funded", "未立项", "not funded", final=True),
        State("funded", "已立项，实施中", "funded, under way"),
        State("midterm_passed", "中期检查通过", "mid-term check passed"),
        State("terminated", "终止", "terminated", final=True),
        State("accepted", "通过验收", "accepted", final=True),
        State("not_accepted", "验收不通过", "not accepted", final=True),
    ),
    initial="received",
    documents=(
        DocumentRule("application", "申报书", "application", ("admit",)),
        DocumentRule("review", "专家评审意见", "the experts' opinions", ("fund", "decline")),
        DocumentRule("decision", "立项通知及任务书", "funding decision and contract", ("fund",)),
        DocumentRule("midterm", "中期报告", "mid-term report", ("midterm_pass", "terminate")),
        DocumentRule("acceptance", "验收报告及经费决算", "acceptance report and accounts", ("accept", "reject")),
    ),
    transitions=(
        Transition("admit", "形式审查合格", "admit to review", ("received",), "review", STAFF, ("application",)),
        Transition("refuse", "形式审查不合格", "refuse", ("received",), "refused", STAFF),
        Transition("fund", "立项资助", "fund", ("review",), "funded", DECIDERS, ("review", "decision")),
        Transition("decline", "不予立项", "decline", ("review",), "not_funded", DECIDERS, ("review",)),
        Transition("midterm_pass", "中期检查通过", "pass the mid-term check", ("funded",), "midterm_passed", STAFF, ("midterm",)),
        Transition("terminate", "终止项目", "terminate", ("funded", "midterm_passed"), "terminated", DECIDERS),
        Transition("accept", "通过验收", "accept", ("midterm_passed",), "accepted", STAFF, ("acceptance",)),
        Transition("reject", "验收不通过", "not accept", ("midterm_passed",), "not_accepted", STAFF, ("acceptance",)),
    ),
    deadlines=(
        DeadlineRule("formal_review", "形式审查", "formal review", "received", ("admit", "refuse"), 20, "working_days",
                     f"{SOURCE}；{NOT_FOUND}", verified=False),
        DeadlineRule("midterm", "中期检查", "mid-term check", "funded", ("midterm_pass", "terminate"), 12, "months",
                     f"{SOURCE}；{NOT_FOUND}（立项后 12 个月）", verified=False),
        DeadlineRule("acceptance", "项目验收", "acceptance", "midterm_passed", ("accept", "reject", "terminate"), 18, "months",
                     f"{SOURCE}；{NOT_FOUND}（中期后 18 个月）", verified=False),
    ),
)  # fmt: skip
