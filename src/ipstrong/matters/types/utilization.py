"""Two steps of turning a patent into use that pass through the office (../shared/reference/OFFICIAL_RULES.md §15):

- 供需对接 (``match_contact``): an enterprise that found patents for its need (registry/matching.py) asks the office
  to put it in touch with their holders; staff forward the request and record whether the parties agreed.
- 开放许可实施备案 (``open_licence_grant``): a licence taken under a published open-licence declaration (专利法 第五十一条:
  the licensee notifies the patentee in writing and pays as declared) is recorded; recorded, it becomes a dated
  licence event of the warehouse (registry/warehouse_events.py), so the public list counts it among the licences
  taken since publication.

Their limits were not found: parameters with stated defaults, marked unverified.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ipstrong.accounts.models import Organisation
from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, Party, State, Transition
from ipstrong.messages import Msg

SOURCE_MATCH = "江苏省专利转化运用（供需对接）服务；办理时限未见原文：参数，默认 5 个工作日待核"
SOURCE_GRANT = "《专利法》（2020 年修正）第五十一条；开放许可实施许可备案时限未见原文：参数，默认 10 个工作日待核"
STAFF = ("case_officer", "city_official", "province_admin")


class MatchContactForm(BaseModel):
    """A request to be put in touch with the holders of patents that answer a need."""

    requester: str = Field(min_length=2, max_length=200, description="需求方 / the enterprise asking")
    requester_credit_code: str | None = Field(default=None, max_length=18, description="统一社会信用代码 / credit code")
    patents: list[str] = Field(min_length=1, max_length=10, description="意向专利号 / the patents wanted")
    need: str = Field(min_length=4, max_length=2000, description="需求描述 / the need")
    way: str = Field(pattern="^(licence|transfer|either)$", description="licence 许可 | transfer 转让 | either 均可")
    contact: str = Field(min_length=4, max_length=200, description="联系人与联系方式 / contact")


class OpenLicenceGrantForm(BaseModel):
    """The record of a licence taken under an open-licence declaration."""

    declaration: str = Field(pattern=r"^KF-[0-9]{6}-[0-9]+-[0-9]{4}-[0-9]{5}$", description="开放许可声明编号 / the declaration")
    licensee: str = Field(min_length=2, max_length=200, description="被许可人 / the licensee")
    licensee_credit_code: str | None = Field(default=None, max_length=18, description="统一社会信用代码 / credit code")
    patents: list[str] = Field(min_length=1, max_length=50, description="实施的专利号 / the patents licensed")
    starts: dt.date = Field(description="许可起始日（书面通知专利权人之日）/ the day the licence began")
    fee_paid: str = Field(min_length=2, max_length=300, description="已按声明支付的许可使用费 / the fee paid as declared")


def grant_intake(session: Session, office: Organisation, form: BaseModel, data_dir: Path, _received_on: dt.date) -> list[Msg]:
    """Why a licence cannot be recorded: the declaration is not a published one, or names none of these patents."""
    from sqlalchemy import select

    from ipstrong.matters.models import Matter, MatterRight
    from ipstrong.search.patents import patent_number

    grant: OpenLicenceGrantForm = form  # type: ignore[assignment] - this type's form
    declared = session.scalar(select(Matter).where(Matter.number == grant.declaration, Matter.type_id == "open_licence"))
    if declared is None or declared.state != "published":
        msg = Msg(
            f"{grant.declaration} 不是已公告的开放许可声明", f"{grant.declaration} is not a published open-licence declaration"
        )
        return [msg.located(field="declaration")]
    on_licence = set(session.scalars(select(MatterRight.number).where(MatterRight.matter_id == declared.id)))
    outside = [n for n in (patent_number(p, "patents") for p in grant.patents) if n not in on_licence]
    if outside:
        return [
            Msg(f"声明中没有这些专利：{'、'.join(outside)}", f"not in the declaration: {', '.join(outside)}").located(
                field="patents"
            )
        ]
    return []


MATCH_CONTACT = MatterType(
    id="match_contact",
    code="DJ",
    name_zh="供需对接",
    name_en="matchmaking contact",
    source=SOURCE_MATCH,
    form=MatchContactForm,
    title_field="requester",
    bodies=("office",),
    parties=(Party("requester", "需求方", "requester", "requester", "requester_credit_code"),),
    patents_field="patents",
    states=(
        State("received", "已收到对接请求", "request received"),
        State("forwarded", "已转达专利权人", "forwarded to the holders"),
        State("agreed", "达成许可或转让意向", "parties agreed", final=True),
        State("closed", "未达成", "no agreement", final=True),
    ),
    initial="received",
    documents=(DocumentRule("reply", "专利权人答复", "the holders' reply", ("agree",)),),
    transitions=(
        Transition("forward", "转达专利权人", "forward to the holders", ("received",), "forwarded", STAFF),
        Transition("agree", "记录达成意向", "record an agreement", ("forwarded",), "agreed", STAFF, ("reply",)),
        Transition("close", "未达成，办结", "close without agreement", ("received", "forwarded"), "closed", STAFF),
    ),
    deadlines=(
        DeadlineRule("forward", "转达", "forward", "received", ("forward", "close"), 5, "working_days", SOURCE_MATCH,
                     verified=False),
    ),
)  # fmt: skip

OPEN_LICENCE_GRANT = MatterType(
    id="open_licence_grant",
    code="KS",
    name_zh="开放许可实施备案",
    name_en="licence under an open licence",
    source=SOURCE_GRANT,
    form=OpenLicenceGrantForm,
    title_field="licensee",
    bodies=("office",),
    parties=(Party("licensee", "被许可人", "licensee", "licensee", "licensee_credit_code"),),
    patents_field="patents",
    intake=grant_intake,
    states=(
        State("received", "已收到备案", "received"),
        State("recorded", "已备案", "recorded", final=True),
        State("refused", "不予备案", "refused", final=True),
    ),
    initial="received",
    documents=(
        DocumentRule("notice", "书面通知及付费凭证", "written notice and proof of payment", ("record",)),
    ),
    transitions=(
        Transition("record", "准予备案", "record", ("received",), "recorded", STAFF, ("notice",)),
        Transition("refuse", "不予备案", "refuse", ("received",), "refused", STAFF),
    ),
    deadlines=(
        DeadlineRule("record", "备案", "record", "received", ("record", "refuse"), 10, "working_days", SOURCE_GRANT,
                     verified=False),
    ),
)  # fmt: skip
