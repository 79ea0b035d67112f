"""商标侵权案件 — trademark infringement cases, on the market-regulation penalty procedure (``penalty.py``); the
registrations involved are looked up among the warehouse's trademarks."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ipstrong.matters.definitions import Party
from ipstrong.matters.types.penalty import penalty_case


class TrademarkCaseForm(BaseModel):
    subject: str = Field(min_length=2, max_length=300, description="案由 / subject (e.g. 某公司涉嫌侵犯注册商标专用权案)")
    holder: str = Field(min_length=2, max_length=200, description="商标注册人 / the registrant")
    holder_credit_code: str | None = Field(default=None, max_length=18, description="注册人统一社会信用代码 / credit code")
    suspect: str = Field(min_length=2, max_length=200, description="当事人（涉嫌侵权人）/ the party suspected")
    suspect_credit_code: str | None = Field(default=None, max_length=18, description="当事人统一社会信用代码 / credit code")
    trademarks: list[str] = Field(min_length=1, max_length=50, description="注册商标号 / registration numbers")
    source: str = Field(
        pattern="^(complaint|inspection|referral|online|other)$", description="线索来源 / where the lead came from"
    )
    geographical_indication: bool = Field(default=False, description="涉及地理标志（集体/证明商标）/ a geographical indication")
    facts: str = Field(min_length=1, max_length=5000, description="违法事实 / the facts")


MATTER_TYPE = penalty_case(
    "trademark", "SB", "商标侵权案件", "trademark infringement case", TrademarkCaseForm,
    (Party("holder", "商标注册人", "registrant", "holder", "holder_credit_code"),
     Party("suspect", "当事人", "party suspected", "suspect", "suspect_credit_code")),
    trademarks_field="trademarks",
)  # fmt: skip
