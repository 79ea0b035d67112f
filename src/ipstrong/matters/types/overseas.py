"""海外知识产权纠纷应对指导 — guidance for an enterprise facing an IP dispute abroad (a suit, a customs seizure, an
exhibition complaint, a warning letter, a US 337 investigation). The guidance plan is due within a parameter
(default 5 working days, unverified) and never later than the day before the deadline abroad the enterprise gives."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, Party, State, Transition

SOURCE = "国家海外知识产权纠纷应对指导中心工作机制（时限未找到原文：参数，默认值待核）"
GUIDES = ("case_officer", "centre_examiner", "city_official", "province_admin")
DISPUTE_KINDS = {
    "litigation": ("诉讼", "litigation"),
    "customs": ("海关扣押", "customs seizure"),
    "exhibition": ("展会投诉", "exhibition complaint"),
    "warning_letter": ("警告函", "warning letter"),
    "us_337": ("美国 337 调查", "US section 337 investigation"),
    "administrative": ("行政程序", "administrative proceedings"),
    "other": ("其他", "other"),
}


class OverseasForm(BaseModel):
    enterprise: str = Field(min_length=2, max_length=200, description="企业 / enterprise")
    enterprise_credit_code: str | None = Field(default=None, max_length=18, description="统一社会信用代码 / credit code")
    country: str = Field(pattern="^[A-Z]{2}$", description="国家或地区（ISO 3166 两位代码，如 US、DE）/ country (ISO code)")
    counterpart: str = Field(min_length=1, max_length=200, description="对方当事人 / counterpart abroad")
    dispute_kind: str = Field(
        pattern="^(litigation|customs|exhibition|warning_letter|us_337|administrative|other)$", description="纠纷类型 / kind"
    )
    deadline_abroad: dt.date | None = Field(default=None, description="境外应诉或答复截止日 / the deadline abroad")
    patents: list[str] = Field(default_factory=list, max_length=50, description="涉及的专利号（含外国）/ patents involved")
    summary: str = Field(min_length=1, max_length=5000, description="纠纷简况 / what happened")


MATTER_TYPE = MatterType(
    id="overseas",
    code="HW",
    name_zh="海外知识产权纠纷应对指导",
    name_en="overseas dispute guidance",
    source=SOURCE,
    form=OverseasForm,
    title_field="summary",
    bodies=("centre", "office", "agency"),
    parties=(Party("enterprise", "企业", "enterprise", "enterprise", "enterprise_credit_code"),),
    patents_field="patents",
    states=(
        State("submitted", "已申请", "submitted"),
        State("declined", "不予受理", "declined", final=True),
        State("guiding", "指导中", "being guided"),
        State("plan_given", "已出具应对方案", "plan given"),
        State("closed", "结案", "closed", final=True),
    ),
    initial="submitted",
    documents=(
        DocumentRule("dispute_material", "境外起诉书、警告函或扣押通知等", "the papers from abroad", ("take_up",)),
        DocumentRule("plan", "应对指导方案", "guidance plan", ("give_plan",)),
        DocumentRule("outcome", "结案情况", "outcome", ("close",)),
    ),
    transitions=(
        Transition("take_up", "受理", "take up", ("submitted",), "guiding", GUIDES, ("dispute_material",)),
        Transition("decline", "不予受理", "decline", ("submitted",), "declined", GUIDES),
        Transition("give_plan", "出具应对方案", "give the plan", ("guiding",), "plan_given", GUIDES, ("plan",)),
        Transition("close", "结案", "close", ("guiding", "plan_given"), "closed", GUIDES, ("outcome",)),
    ),
    deadlines=(
        DeadlineRule("take_up", "决定是否受理", "decide whether to take up", "submitted", ("take_up", "decline"), 2,
                     "working_days", f"{SOURCE}（默认 2 个工作日）", verified=False),
        DeadlineRule("plan", "出具应对方案", "give the plan", "guiding", ("give_plan", "close"), 5, "working_days",
                     f"{SOURCE}（默认 5 个工作日，且不晚于境外截止日前一日）", verified=False, not_after="deadline_abroad"),
    ),
)  # fmt: skip
