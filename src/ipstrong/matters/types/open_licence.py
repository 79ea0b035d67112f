"""专利开放许可声明 — a patentee's declaration that anyone may take a licence of its patents on stated terms
(专利法 2020 第五十至五十二条; ../shared/reference/OFFICIAL_RULES.md §15).

The declaration states the payment method and standard; a utility model or design needs its patent-right evaluation
report (专利权评价报告). Each patent must be one the warehouse holds in force, and the declarant's: its first
applicant's entity (registry/holdings.py). Published declarations make the public list of patents on open licence
(registry/open_licences.py) and come first in matchmaking. A withdrawal is written and published too; licences
already granted under the declaration stand. The office's review limit was not found: a parameter with a stated
default, marked unverified.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ipstrong.accounts.models import Organisation
from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, Party, State, Transition
from ipstrong.messages import Msg

SOURCE = "《专利法》（2020 年修正）第五十条至第五十二条"
NOT_FOUND = "开放许可声明审查时限未见原文：参数，默认 10 个工作日待核"
STAFF = ("case_officer", "city_official", "province_admin")
NEEDS_EVALUATION = ("utility_model", "design")


class OpenLicenceForm(BaseModel):
    """The declaration (开放许可声明)."""

    patentee: str = Field(min_length=2, max_length=200, description="专利权人 / patentee")
    patentee_credit_code: str | None = Field(default=None, max_length=18, description="统一社会信用代码 / credit code")
    patents: list[str] = Field(min_length=1, max_length=50, description="声明开放许可的专利号 / the patents declared")
    payment_method: str = Field(
        pattern="^(lump_sum|royalty|lump_sum_and_royalty)$", description="支付方式：一次性、提成、入门费加提成 / payment method"
    )
    rate: str = Field(min_length=2, max_length=300, description="许可使用费标准，如 每年 5 万元、销售额 3% / the fee standard")
    term_years: int = Field(ge=1, le=20, description="许可期限（年）/ licence term in years")
    evaluation_report: bool = Field(
        default=False, description="已附专利权评价报告（实用新型、外观设计必需）/ evaluation report attached"
    )
    contact: str = Field(default="", max_length=200, description="联系人与联系方式 / contact")


def declaration_intake(
    session: Session, office: Organisation, form: BaseModel, data_dir: Path, _received_on: dt.date
) -> list[Msg]:
    """Why a declaration cannot be taken (empty when it can): each patent held in force by the declarant, and a
    utility model's or design's evaluation report attached."""
    from ipstrong.registry.holdings import refusals

    declared: OpenLicenceForm = form  # type: ignore[assignment] - this type's form
    refused, held = refusals(session, data_dir, declared.patents, declared.patentee)
    problems = [r.msg for r in refused]
    needing = [h.app_no for h in held.values() if h.patent_type in NEEDS_EVALUATION]
    if needing and not declared.evaluation_report:
        problems.append(
            Msg(
                f"实用新型、外观设计须附专利权评价报告：{'、'.join(needing)}",
                f"a utility model or design needs its evaluation report: {', '.join(needing)}",
            ).located(field="evaluation_report")
        )
    return problems


MATTER_TYPE = MatterType(
    id="open_licence",
    code="KF",
    name_zh="专利开放许可声明",
    name_en="open licence declaration",
    source=SOURCE,
    form=OpenLicenceForm,
    title_field="patentee",
    bodies=("office",),
    parties=(Party("patentee", "专利权人", "patentee", "patentee", "patentee_credit_code"),),
    patents_field="patents",
    intake=declaration_intake,
    states=(
        State("received", "已收到声明", "declaration received"),
        State("published", "已公告", "published"),
        State("refused", "不予公告", "not published", final=True),
        State("withdrawn", "已撤回（已获许可不受影响）", "withdrawn (licences granted stand)", final=True),
    ),
    initial="received",
    documents=(
        DocumentRule("declaration", "开放许可声明", "declaration", ("publish",)),
        DocumentRule("evaluation", "专利权评价报告", "patent-right evaluation report", ()),
        DocumentRule("withdrawal", "撤回声明", "withdrawal", ("withdraw",)),
    ),
    transitions=(
        Transition("publish", "审查通过并公告", "publish", ("received",), "published", STAFF, ("declaration",)),
        Transition("refuse", "不予公告", "refuse", ("received",), "refused", STAFF),
        Transition("withdraw", "撤回声明", "withdraw", ("published",), "withdrawn", STAFF, ("withdrawal",)),
    ),
    deadlines=(
        DeadlineRule("review", "审查公告", "review and publish", "received", ("publish", "refuse"), 10, "working_days",
                     f"{SOURCE}；{NOT_FOUND}", verified=False),
    ),
)  # fmt: skip
