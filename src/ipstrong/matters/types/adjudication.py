"""专利侵权纠纷行政裁决 — administrative adjudication of a patent infringement dispute.

Time limits: 专利行政执法办法 (2015) — 「自收到请求之日起5个工作日内立案并通知请求人」, not qualifying →
「5个工作日内通知请求人不予受理并说明理由」; 「立案起三个月内作决定，情况复杂经批准可延长一个月」. The 2025
专利纠纷行政裁决和调解办法 (CNIPA, effective 2025-02-01) has not been read here; its figures are taken to be the
same and marked unverified (../shared/reference/OFFICIAL_RULES.md §6). Time of public notice, appraisal and
suspension is not counted.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, Party, State, Transition

SOURCE_2015 = "专利行政执法办法（2015）"
SOURCE_2025 = "专利纠纷行政裁决和调解办法（国家知识产权局，2025-02-01 施行）"


class AdjudicationForm(BaseModel):
    """The request (请求书): who asks, against whom, over which patents."""

    subject: str = Field(min_length=2, max_length=300, description="案由 / subject (e.g. 某公司诉某公司侵犯发明专利权纠纷)")
    requester: str = Field(min_length=2, max_length=200, description="请求人 / requester")
    requester_credit_code: str | None = Field(default=None, max_length=18, description="请求人统一社会信用代码 / credit code")
    respondent: str = Field(min_length=2, max_length=200, description="被请求人 / respondent")
    respondent_credit_code: str | None = Field(default=None, max_length=18, description="被请求人统一社会信用代码 / credit code")
    respondent_address: str | None = Field(default=None, max_length=300, description="被请求人地址")
    patents: list[str] = Field(min_length=1, max_length=50, description="涉案专利号 / patents in dispute")
    claims: str = Field(min_length=1, max_length=5000, description="请求事项与理由 / what is asked and why")
    court_case_pending: bool = Field(default=False, description="是否已向法院起诉 / already before a court")


WORKING_STAFF = ("case_officer", "city_official", "province_admin")

MATTER_TYPE = MatterType(
    id="adjudication",
    code="CJ",
    name_zh="专利侵权纠纷行政裁决",
    name_en="administrative adjudication of a patent infringement dispute",
    source=f"{SOURCE_2015}；{SOURCE_2025}",
    form=AdjudicationForm,
    title_field="subject",
    bodies=("office",),
    parties=(
        Party("requester", "请求人", "requester", "requester", "requester_credit_code"),
        Party("respondent", "被请求人", "respondent", "respondent", "respondent_credit_code"),
    ),
    patents_field="patents",
    states=(
        State("received", "已收到请求", "request received"),
        State("accepted", "已立案", "accepted"),
        State("not_accepted", "不予受理", "not accepted", final=True),
        State("hearing", "审理中", "being heard"),
        State("suspended", "中止", "suspended", pauses="suspension"),
        State("appraisal", "鉴定中", "under appraisal", pauses="appraisal"),
        State("public_notice", "公告送达中", "served by public notice", pauses="public_notice"),
        State("decided", "已作出裁决", "decided", final=True),
        State("mediated", "调解结案", "settled by mediation", final=True),
        State("withdrawn", "撤回", "withdrawn", final=True),
    ),
    initial="received",
    documents=(
        DocumentRule("request", "请求书", "request", ("accept",)),
        DocumentRule("patent_certificate", "专利证书或专利登记簿副本", "patent certificate or register extract", ("accept",)),
        DocumentRule("identity", "主体资格证明", "proof of identity", ("accept",)),
        DocumentRule("acceptance_notice", "受理通知书", "notice of acceptance", (), "acceptance_notice"),
        DocumentRule("refusal_notice", "不予受理通知书", "notice of non-acceptance", (), "refusal_notice"),
        DocumentRule("decision", "裁决书", "decision", ("decide",), "decision"),
    ),
    transitions=(
        Transition(
            "accept", "立案", "accept", ("received",), "accepted", WORKING_STAFF, ("request", "patent_certificate", "identity")
        ),
        Transition("refuse", "不予受理", "refuse", ("received",), "not_accepted", WORKING_STAFF),
        Transition("hear", "开始审理", "start hearing", ("accepted",), "hearing", WORKING_STAFF),
        Transition("suspend", "中止", "suspend", ("accepted", "hearing"), "suspended", WORKING_STAFF),
        Transition("resume", "恢复审理", "resume", ("suspended",), "hearing", WORKING_STAFF),
        Transition("appraise", "委托鉴定", "send for appraisal", ("hearing",), "appraisal", WORKING_STAFF),
        Transition("appraised", "鉴定完成", "appraisal done", ("appraisal",), "hearing", WORKING_STAFF),
        Transition(
            "serve_by_notice", "公告送达", "serve by public notice", ("accepted", "hearing"), "public_notice", WORKING_STAFF
        ),
        Transition("served", "送达完成", "service done", ("public_notice",), "hearing", WORKING_STAFF),
        Transition("decide", "作出裁决", "decide", ("hearing",), "decided", WORKING_STAFF, ("decision",)),
        Transition("mediate", "调解结案", "settle by mediation", ("accepted", "hearing"), "mediated", WORKING_STAFF),
        Transition(
            "withdraw",
            "撤回请求",
            "withdraw",
            ("received", "accepted", "hearing", "suspended", "appraisal", "public_notice"),
            "withdrawn",
            WORKING_STAFF,
        ),
    ),
    deadlines=(
        DeadlineRule(
            "acceptance",
            "立案或不予受理",
            "accept or refuse",
            "received",
            ("accept", "refuse"),
            5,
            "working_days",
            f"{SOURCE_2015}：自收到请求之日起5个工作日内立案并通知请求人；不符合条件的5个工作日内通知不予受理",
        ),
        DeadlineRule(
            "decision",
            "作出裁决",
            "decide",
            "accepted",
            ("decide", "mediate"),
            3,
            "months",
            f"{SOURCE_2015}：立案起三个月内作决定，情况复杂经批准可延长一个月（{SOURCE_2025} 未读到原文，按同一时限，待核）",
            verified=False,
            extension=(1, "months"),
            excludes=("public_notice", "appraisal", "suspension"),
        ),
    ),
)
