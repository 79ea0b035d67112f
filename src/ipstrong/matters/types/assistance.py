"""知识产权维权援助 — a rights-assistance request to an assistance body (centre, office or agency). No national time
limit was found for taking up or concluding a request: both are parameters with stated defaults, unverified."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, Party, State, Transition

SOURCE = "江苏省知识产权促进和保护条例（维权援助，条文未核）"
DEFAULTS = "未找到全国统一时限：参数，默认值待核"
HELPERS = ("case_officer", "centre_examiner", "city_official", "province_admin")


class AssistanceForm(BaseModel):
    requester: str = Field(min_length=2, max_length=200, description="申请人 / requester")
    requester_credit_code: str | None = Field(default=None, max_length=18, description="统一社会信用代码 / credit code")
    contact: str = Field(min_length=2, max_length=200, description="联系人及电话 / contact")
    right_kind: str = Field(
        pattern="^(patent|trademark|copyright|geographical_indication|ic_layout|trade_secret)$",
        description="权利类型 / kind of right",
    )
    help_needed: str = Field(
        pattern="^(consultation|expert_opinion|mediation|litigation_support|other)$", description="援助事项 / help needed"
    )
    patents: list[str] = Field(default_factory=list, max_length=50, description="涉及的专利号 / patents involved")
    counterpart: str = Field(default="", max_length=200, description="对方当事人 / the other party")
    summary: str = Field(min_length=1, max_length=5000, description="纠纷简况 / what happened")


MATTER_TYPE = MatterType(
    id="assistance",
    code="YZ",
    name_zh="知识产权维权援助",
    name_en="rights-assistance request",
    source=SOURCE,
    form=AssistanceForm,
    title_field="summary",
    bodies=("centre", "office", "agency"),
    parties=(Party("requester", "申请人", "requester", "requester", "requester_credit_code"),),
    patents_field="patents",
    states=(
        State("submitted", "已申请", "submitted"),
        State("declined", "不予援助", "declined", final=True),
        State("assisting", "援助中", "being assisted"),
        State("concluded", "援助结束", "concluded", final=True),
        State("withdrawn", "撤回", "withdrawn", final=True),
    ),
    initial="submitted",
    documents=(
        DocumentRule("application", "援助申请表", "application form", ("take_up",)),
        DocumentRule("opinion", "咨询或专家意见", "opinion"),
        DocumentRule("conclusion", "援助结案报告", "conclusion report", ("conclude",)),
    ),
    transitions=(
        Transition("take_up", "受理援助", "take up", ("submitted",), "assisting", HELPERS, ("application",)),
        Transition("decline", "不予援助", "decline", ("submitted",), "declined", HELPERS),
        Transition("conclude", "结束援助", "conclude", ("assisting",), "concluded", HELPERS, ("conclusion",)),
        Transition("withdraw", "撤回", "withdraw", ("submitted", "assisting"), "withdrawn", ("enterprise_user", *HELPERS)),
    ),
    deadlines=(
        DeadlineRule("take_up", "决定是否援助", "decide whether to assist", "submitted", ("take_up", "decline", "withdraw"), 5,
                     "working_days", f"{DEFAULTS}（默认 5 个工作日）", verified=False),
        DeadlineRule("conclude", "援助办结", "conclude", "assisting", ("conclude", "withdraw"), 3, "months",
                     f"{DEFAULTS}（默认 3 个月，可延长 1 个月）", verified=False, extension=(1, "months")),
    ),
)  # fmt: skip
