"""专利快速预审 — fast pre-examination of a patent application at a protection centre.

Only enterprises on the centre's register (备案) may file, only applications whose IPC falls in the centre's
declared fields, and not PCT national phase, same-day invention + utility model (专利法 9.1), divisional, secrecy-
examined or abnormal applications (知识产权保护中心管理办法（试行）, CNIPA 2021; ../shared/reference/OFFICIAL_RULES.md
§7). The centre-internal pre-examination time limits (专利申请预审业务管理办法（试行）) were not found: they are
parameters with stated defaults, marked unverified.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from ipstrong.matters.centres import centre_intake
from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, Party, State, Transition

SOURCE = "知识产权保护中心管理办法（试行）（国家知识产权局，2021-05-06）"
NOT_FOUND = "专利申请预审业务管理办法（试行）未找到原文：时限为参数，默认值待核"


class PrescreenForm(BaseModel):
    """The pre-examination request of a registered enterprise."""

    applicant: str = Field(min_length=2, max_length=200, description="申请人 / applicant")
    applicant_credit_code: str = Field(min_length=18, max_length=18, description="统一社会信用代码 / credit code")
    title: str = Field(min_length=1, max_length=500, description="发明创造名称 / title")
    patent_type: str = Field(pattern="^(invention|utility_model|design)$", description="专利类型 / patent type")
    ipc: list[str] = Field(min_length=1, max_length=20, description="分类号 / IPC (checked against the centre's fields)")
    pct_national_phase: bool = Field(default=False, description="PCT 国家阶段（不受理）/ PCT national phase")
    divisional: bool = Field(default=False, description="分案申请（不受理）/ divisional")
    same_day_invention_and_utility: bool = Field(default=False, description="同日申请发明和实用新型（不受理）")


EXAMINERS = ("centre_examiner",)

MATTER_TYPE = MatterType(
    id="prescreen",
    code="YS",
    name_zh="专利快速预审",
    name_en="fast pre-examination of a patent application",
    source=SOURCE,
    form=PrescreenForm,
    title_field="title",
    bodies=("centre",),
    parties=(Party("applicant", "申请人", "applicant", "applicant", "applicant_credit_code"),),
    intake=centre_intake,
    states=(
        State("submitted", "已提交", "submitted"),
        State("screening", "预审中", "being pre-examined"),
        State("correction", "待补正", "awaiting correction"),
        State("passed", "预审合格", "passed", final=True),
        State("failed", "预审不合格", "did not pass", final=True),
        State("refused", "不予受理", "refused at intake", final=True),
        State("withdrawn", "撤回", "withdrawn", final=True),
    ),
    initial="submitted",
    documents=(
        DocumentRule("application", "申请文件（说明书、权利要求书等）", "application documents", ("start",)),
        DocumentRule("registration", "备案证明", "proof of registration with the centre", ("start",)),
        DocumentRule("opinion", "预审意见书", "pre-examination opinion", ("pass", "fail", "ask_correction"), "decision"),
    ),
    transitions=(
        Transition("start", "受理预审", "take up", ("submitted",), "screening", EXAMINERS, ("application", "registration")),
        Transition("refuse", "不予受理", "refuse", ("submitted",), "refused", EXAMINERS),
        Transition("ask_correction", "通知补正", "ask for correction", ("screening",), "correction", EXAMINERS, ("opinion",)),
        Transition("corrected", "补正提交", "correction filed", ("correction",), "screening", ("enterprise_user", *EXAMINERS)),
        Transition("pass", "预审合格", "pass", ("screening",), "passed", EXAMINERS, ("opinion",)),
        Transition("fail", "预审不合格", "fail", ("screening", "correction"), "failed", EXAMINERS, ("opinion",)),
        Transition(
            "withdraw", "撤回", "withdraw", ("submitted", "screening", "correction"), "withdrawn", ("enterprise_user", *EXAMINERS)
        ),
    ),
    deadlines=(
        DeadlineRule(
            "intake",
            "受理或不予受理",
            "take up or refuse",
            "submitted",
            ("start", "refuse"),
            2,
            "working_days",
            f"{SOURCE}；{NOT_FOUND}（默认 2 个工作日）",
            verified=False,
        ),
        DeadlineRule(
            "opinion",
            "出具预审意见",
            "give the pre-examination opinion",
            "screening",
            ("pass", "fail", "ask_correction"),
            5,
            "working_days",
            f"{SOURCE}；{NOT_FOUND}（默认 5 个工作日）",
            verified=False,
        ),
        DeadlineRule(
            "correction",
            "补正期限",
            "time to correct",
            "correction",
            ("corrected", "fail", "withdraw"),
            5,
            "working_days",
            f"{NOT_FOUND}（默认 5 个工作日，逾期按不合格处理）",
            verified=False,
        ),
    ),
)
