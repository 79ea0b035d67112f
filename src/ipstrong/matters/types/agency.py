"""Matters about a service agency of the directory (``network/agencies.py``): a complaint against it (投诉) and a
credit record (信用记录: a commendation, a warning, a penalty, listing as abnormal or as dishonest). Both must name
an agency the directory holds, by its credit code. An upheld complaint and a published credit record show on the
agency in the directory. No statutory time limit for handling a complaint was found: a parameter (默认 30 日).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts.models import Organisation
from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, Party, State, Transition
from ipstrong.messages import Msg
from ipstrong.network.vocab import CREDIT_KINDS

SOURCE = "专利代理条例（2018）、专利代理管理办法（2019）：投诉举报与信用监管（条文未核）"
STAFF = ("case_officer", "city_official", "province_admin")


class ComplaintForm(BaseModel):
    complainant: str = Field(min_length=2, max_length=200, description="投诉人 / complainant")
    complainant_credit_code: str | None = Field(default=None, max_length=18, description="统一社会信用代码 / credit code")
    contact: str = Field(min_length=2, max_length=200, description="联系方式 / contact")
    agency: str = Field(min_length=2, max_length=200, description="被投诉机构 / the agency")
    agency_credit_code: str = Field(max_length=18, description="被投诉机构统一社会信用代码 / the agency's credit code")
    conduct: str = Field(
        pattern="^(abnormal_filing|negligence|overcharging|false_promotion|unlicensed|confidentiality|other)$",
        description="投诉事项 / conduct complained of",
    )
    facts: str = Field(min_length=10, max_length=5000, description="事实与理由 / facts")


class CreditForm(BaseModel):
    agency: str = Field(min_length=2, max_length=200, description="机构名称 / the agency")
    agency_credit_code: str = Field(max_length=18, description="统一社会信用代码 / credit code")
    kind: str = Field(pattern=f"^({'|'.join(CREDIT_KINDS)})$", description="信用记录类型 / " + " | ".join(CREDIT_KINDS))
    basis: str = Field(min_length=4, max_length=2000, description="事实与依据 / facts and basis")
    valid_until: dt.date | None = Field(default=None, description="公示截止日 / shown until")


def in_directory(session: Session, _office: Organisation, form: BaseModel, _data_dir: Path, _received_on: dt.date) -> list[Msg]:
    """Why the matter cannot be taken: the agency it names is not in the directory under that credit code."""
    from ipstrong.network.models import Agency

    code = form.agency_credit_code  # type: ignore[attr-defined] - both forms name it
    if session.scalar(select(Agency.id).where(Agency.credit_code == code)) is None:
        return [Msg(f"服务机构名录中没有统一社会信用代码为 {code} 的机构", f"no agency with credit code {code} in the "
                    "directory").located(field="agency_credit_code")]  # fmt: skip
    return []


COMPLAINT = MatterType(
    id="agency_complaint",
    code="TS",
    name_zh="服务机构投诉",
    name_en="complaint against an agency",
    source=SOURCE,
    form=ComplaintForm,
    title_field="agency",
    bodies=("office",),
    parties=(Party("complainant", "投诉人", "complainant", "complainant", "complainant_credit_code"),
             Party("agency", "被投诉机构", "agency", "agency", "agency_credit_code")),
    intake=in_directory,
    states=(
        State("received", "已收到", "received"),
        State("investigating", "调查中", "under investigation"),
        State("upheld", "投诉成立", "upheld", final=True),
        State("dismissed", "投诉不成立", "dismissed", final=True),
        State("declined", "不予受理", "declined", final=True),
    ),
    initial="received",
    documents=(
        DocumentRule("complaint", "投诉材料", "the complaint and its evidence", ("investigate",)),
        DocumentRule("findings", "调查处理意见", "findings", ("uphold", "dismiss")),
    ),
    transitions=(
        Transition("investigate", "受理并调查", "investigate", ("received",), "investigating", STAFF, ("complaint",)),
        Transition("decline", "不予受理", "decline", ("received",), "declined", STAFF),
        Transition("uphold", "投诉成立", "uphold", ("investigating",), "upheld", STAFF, ("findings",)),
        Transition("dismiss", "投诉不成立", "dismiss", ("investigating",), "dismissed", STAFF, ("findings",)),
    ),
    deadlines=(
        DeadlineRule("handle", "投诉处理", "handle the complaint", "received", ("decline", "uphold", "dismiss"), 30,
                     "days", f"{SOURCE}；时限未见原文：参数，默认 30 日", verified=False),
    ),
)  # fmt: skip

CREDIT = MatterType(
    id="agency_credit",
    code="XY",
    name_zh="服务机构信用记录",
    name_en="agency credit record",
    source=SOURCE,
    form=CreditForm,
    title_field="agency",
    bodies=("office",),
    parties=(Party("agency", "机构", "agency", "agency", "agency_credit_code"),),
    intake=in_directory,
    states=(
        State("proposed", "拟记录", "proposed"),
        State("published", "已公示", "published"),
        State("dropped", "不予记录", "dropped", final=True),
        State("revoked", "已撤销", "revoked", final=True),
    ),
    initial="proposed",
    documents=(DocumentRule("decision", "决定书", "decision", ("publish",)),),
    transitions=(
        Transition("publish", "公示", "publish", ("proposed",), "published", STAFF, ("decision",)),
        Transition("drop", "不予记录", "drop", ("proposed",), "dropped", STAFF),
        Transition("revoke", "撤销", "revoke", ("published",), "revoked", STAFF),
    ),
    deadlines=(),
)  # fmt: skip
