"""跨区域案件移送与协查 — a case transferred to or from another region, or a request for assistance (evidence,
service of documents, enquiries) between the province's cities, the Yangtze River Delta (Shanghai, Zhejiang, Anhui)
and the 12-province network. The reply limit is a parameter (default 10 working days, unverified: the cooperation
agreements were not read)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, State, Transition

SOURCE = "长三角知识产权行政保护协作协议；十二省（市）知识产权执法协作机制（时限未见原文：参数，默认值待核）"
STAFF = ("case_officer", "city_official", "province_admin")


class TransferForm(BaseModel):
    subject: str = Field(min_length=2, max_length=300, description="事由 / subject")
    direction: str = Field(pattern="^(transfer_in|transfer_out|assist_in|assist_out)$", description="移入/移出/来函协查/去函协查")
    partner: str = Field(min_length=2, max_length=200, description="对方机构，如 上海市知识产权局 / the partner body")
    partner_region: str = Field(pattern="^[0-9]{6}$", description="对方区划代码 / partner's region code")
    partner_reference: str = Field(default="", max_length=100, description="对方文号或案号 / partner's reference")
    patents: list[str] = Field(default_factory=list, max_length=50, description="涉及的专利号 / patents involved")
    request: str = Field(min_length=1, max_length=5000, description="请求事项 / what is asked")


MATTER_TYPE = MatterType(
    id="transfer",
    code="XZ",
    name_zh="跨区域案件移送与协查",
    name_en="cross-region case transfer and assistance",
    source=SOURCE,
    form=TransferForm,
    title_field="subject",
    bodies=("office",),
    patents_field="patents",
    states=(
        State("received", "已登记", "registered"),
        State("declined", "退回", "returned", final=True),
        State("in_progress", "办理中", "in progress"),
        State("replied", "已复函", "replied", final=True),
    ),
    initial="received",
    documents=(
        DocumentRule("letter", "移送函或协查函", "letter of transfer or request", ("take_up",)),
        DocumentRule("reply", "复函及材料", "reply and material", ("reply",)),
    ),
    transitions=(
        Transition("take_up", "接收办理", "take up", ("received",), "in_progress", STAFF, ("letter",)),
        Transition("decline", "退回", "return", ("received",), "declined", STAFF),
        Transition("reply", "复函", "reply", ("in_progress",), "replied", STAFF, ("reply",)),
    ),
    deadlines=(
        DeadlineRule("reply", "协查复函", "reply", "received", ("reply", "decline"), 10, "working_days",
                     f"{SOURCE}（默认 10 个工作日）", verified=False, extension=(10, "working_days")),
    ),
)  # fmt: skip
