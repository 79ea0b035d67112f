"""假冒专利 / 专利行政执法 — administrative enforcement against passing off patents (investigation and penalty), on the
market-regulation penalty procedure (``penalty.py``). The numbers marked on goods are kept as written: a number that
does not exist, or a lapsed patent, is itself the evidence, so they are not refused for a wrong check digit."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ipstrong.matters.definitions import Party
from ipstrong.matters.types.penalty import penalty_case


class EnforcementForm(BaseModel):
    subject: str = Field(min_length=2, max_length=300, description="案由 / subject (e.g. 某公司涉嫌假冒专利案)")
    suspect: str = Field(min_length=2, max_length=200, description="当事人（涉嫌单位或个人）/ the party suspected")
    suspect_credit_code: str | None = Field(default=None, max_length=18, description="当事人统一社会信用代码 / credit code")
    source: str = Field(
        pattern="^(complaint|inspection|referral|online|other)$", description="线索来源 / where the lead came from"
    )
    marked_numbers: list[str] = Field(
        default_factory=list, max_length=50, description="标注的专利号（按原样）/ numbers as marked"
    )
    goods: str = Field(default="", max_length=500, description="涉案产品或宣传材料 / goods or material")
    facts: str = Field(min_length=1, max_length=5000, description="违法事实 / the facts")


MATTER_TYPE = penalty_case(
    "enforcement", "ZF", "假冒专利案件（专利行政执法）", "passing off patents (administrative enforcement)", EnforcementForm,
    (Party("suspect", "当事人", "party suspected", "suspect", "suspect_credit_code"),),
)  # fmt: skip
