"""专利权质押登记 — registering a patent pledge, and cancelling it (专利权质押登记办法, CNIPA 2021, 公告第461号;
../shared/reference/OFFICIAL_RULES.md §5).

The application is signed by pledgor and pledgee together. It is refused, with the reason's code, when:

- R1 the pledgor is not the patentee: the patent's first applicant's entity is not the one the pledgor's name
  resolves to;
- R2 the patent right has ended or was declared invalid;
- R3 the application is not yet granted;
- R6 the debt falls due after the patent's term ends;
- R9 the patent is already pledged: a registration here not cancelled, or a pledge in the warehouse not released;
- R11 a patent the warehouse does not hold (another province's, or a wrong number): it cannot be checked.

The others of §5 — R4 annual fees unpaid, R5 an ownership dispute or a court's preservation, R7 a contract against
article 8, R8 a co-owned patent without every co-owner's consent, R10 a same-day utility model and invention or
invalidation pending — need records the warehouse does not hold: the officer decides them on the documents, and
the refusal step names them. The secured amount registered and the amount the bank lent are kept apart.
A registration and a cancellation become dated pledge and pledge-release events of the warehouse through
``ipstrong pledges publish`` (registry/pledge_registry.py), the one publish path of ingest.

Time limit: the service guide citing the 2021 measures gives 3 working days (from the day the documents are
complete); the 2021 statutory figure was not read: a parameter, marked unverified.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, Field, model_validator
from sqlalchemy.orm import Session

from ipstrong.accounts.models import Organisation
from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, Party, State, Transition
from ipstrong.messages import Msg

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ipstrong.matters.models import Matter
    from ipstrong.registry.holdings import Holding

SOURCE = "专利权质押登记办法（国家知识产权局公告第461号，2021-11-15）"
LIMIT_SOURCE = f"{SOURCE}；办事指南：办结时限 3 个工作日，自文件缺陷完全消除之日起算（2021 年办法原文时限未读到，待核）"
STAFF = ("case_officer", "city_official", "province_admin")
# the refusal reasons the warehouse can decide, by holdings.Refusal reason
CODES = {"not_owner": "R1", "not_in_force": "R2", "not_granted": "R3", "not_held": "R11"}


class PledgeForm(BaseModel):
    """The registration application (专利权质押登记申请表) and the contract's terms."""

    pledgor: str = Field(min_length=2, max_length=200, description="出质人 / pledgor")
    pledgor_credit_code: str | None = Field(default=None, max_length=18, description="出质人统一社会信用代码 / credit code")
    pledgee: str = Field(min_length=2, max_length=200, description="质权人 / pledgee")
    pledgee_credit_code: str | None = Field(default=None, max_length=18, description="质权人统一社会信用代码 / credit code")
    patents: list[str] = Field(min_length=1, max_length=100, description="出质专利号 / the patents pledged")
    secured_amount_10k_yuan: float = Field(gt=0, le=10_000_000, description="担保债权数额（万元）/ secured amount (10,000 yuan)")
    debt_start: dt.date = Field(description="债务履行期起 / debt term from")
    debt_end: dt.date = Field(description="债务履行期至 / debt term until")
    valuation_report: bool = Field(default=False, description="附资产评估报告 / valuation report attached")
    loan_amount_10k_yuan: float | None = Field(
        default=None, ge=0, le=10_000_000, description="实际放款金额（万元，银行填报，与登记金额分列）/ amount lent"
    )

    @model_validator(mode="after")
    def _term(self) -> PledgeForm:
        if self.debt_end <= self.debt_start:
            raise ValueError("债务履行期至须晚于起始日 / the debt term must end after it starts")
        return self


def pledged_now(session: Session, data_dir: Path, numbers: list[str]) -> set[str]:
    """Of ``numbers``, those pledged now: registered here and not cancelled, or pledged in the warehouse and not
    released since."""
    from sqlalchemy import select

    from ipstrong.matters.models import Matter, MatterRight
    from ipstrong.warehouse.connection import rows_for_keys
    from ipstrong.warehouse.snapshots import Warehouse

    here = set(
        session.scalars(
            select(MatterRight.number)
            .join(Matter, Matter.id == MatterRight.matter_id)
            .where(Matter.type_id == "pledge", Matter.state == "registered", MatterRight.number.in_(numbers))
        )
    )
    if Warehouse(data_dir).current_id() is None:
        return here
    rows = rows_for_keys(
        data_dir,
        "SELECT app_no FROM events WHERE event_type IN ('pledge', 'pledge_release') AND app_no IN ({keys}) "
        "QUALIFY row_number() OVER (PARTITION BY app_no ORDER BY event_date DESC, event_type = 'pledge') = 1 "
        "AND event_type = 'pledge'",
        numbers,
    )
    return here | {r[0] for r in rows}


def outlasting(held: Iterable[Holding], debt_end: dt.date) -> list[Msg]:
    """R6: a debt falling due after a pledged patent's statutory term ends, one reason per patent."""
    from ipstrong.warehouse.asof import statutory_term

    problems = []
    for h in held:
        term = statutory_term(h.patent_type, h.app_date) if h.app_date else None
        ends = h.app_date + relativedelta(years=term.years) if term is not None and h.app_date else None
        if ends is not None and debt_end > ends:
            problems.append(Msg(f"【R6】债务履行期限超过 {h.app_no} 的专利权期限（{ends} 届满）",
                                f"[R6] the debt falls due after the term of {h.app_no} ends ({ends})"))  # fmt: skip
    return problems


def pledge_intake(session: Session, office: Organisation, form: BaseModel, data_dir: Path, _received_on: dt.date) -> list[Msg]:
    """The refusal reasons the warehouse decides, each with its code (empty when the application can be taken)."""
    from ipstrong.registry.holdings import refusals

    applied: PledgeForm = form  # type: ignore[assignment] - this type's form
    refused, held = refusals(session, data_dir, applied.patents, applied.pledgor)
    problems = [Msg(f"【{CODES[r.reason]}】{r.msg.zh}", f"[{CODES[r.reason]}] {r.msg.en}") for r in refused]
    problems += outlasting(held.values(), applied.debt_end)
    for number in sorted(pledged_now(session, data_dir, list(held))):
        problems.append(Msg(f"【R9】{number} 已处于质押期间", f"[R9] {number} is already pledged"))
    return problems


MATTER_TYPE = MatterType(
    id="pledge",
    code="ZY",
    name_zh="专利权质押登记",
    name_en="patent pledge registration",
    source=SOURCE,
    form=PledgeForm,
    title_field="pledgor",
    bodies=("office",),
    parties=(
        Party("pledgor", "出质人", "pledgor", "pledgor", "pledgor_credit_code"),
        Party("pledgee", "质权人", "pledgee", "pledgee", "pledgee_credit_code"),
    ),
    patents_field="patents",
    intake=pledge_intake,
    states=(
        State("received", "已收到申请", "application received"),
        State("registered", "已登记", "registered"),
        State("refused", "不予登记", "refused", final=True),
        State("cancelled", "已注销", "cancelled", final=True),
    ),
    initial="received",
    documents=(
        DocumentRule("application", "专利权质押登记申请表（双方签章）", "application signed by both parties", ("register",)),
        DocumentRule("contract", "专利权质押合同", "pledge contract", ("register",)),
        DocumentRule("identity", "双方身份证明", "both parties' proof of identity", ("register",)),
        DocumentRule("valuation", "资产评估报告", "valuation report", ()),
        DocumentRule("cancellation", "注销申请表及质权消灭证明", "cancellation form and proof the pledge ended", ("cancel",)),
        DocumentRule("refusal_notice", "不予登记通知书", "notice of refusal", (), "refusal_notice"),
    ),
    transitions=(
        Transition("register", "准予登记", "register", ("received",), "registered", STAFF,
                   ("application", "contract", "identity")),
        Transition("refuse", "不予登记（注明理由编码）", "refuse (give the reason's code)", ("received",), "refused", STAFF),
        Transition("cancel", "注销登记", "cancel", ("registered",), "cancelled", STAFF, ("cancellation",)),
    ),
    deadlines=(
        DeadlineRule("decision", "登记或不予登记", "register or refuse", "received", ("register", "refuse"), 3,
                     "working_days", LIMIT_SOURCE, verified=False),
    ),
)  # fmt: skip


class PledgeChangeForm(BaseModel):
    """An application to change a registered pledge (专利权质押登记变更): a new pledgee, secured amount or debt term."""

    registration: str = Field(pattern=r"^ZY-[0-9]{6}-[0-9]+-[0-9]{4}-[0-9]{5}$", description="原质押登记编号 / the registration")
    new_pledgee: str | None = Field(default=None, min_length=2, max_length=200, description="变更后的质权人 / new pledgee")
    new_secured_amount_10k_yuan: float | None = Field(
        default=None, gt=0, le=10_000_000, description="变更后的担保债权数额（万元）"
    )
    new_debt_end: dt.date | None = Field(default=None, description="变更后的债务履行期至 / new end of the debt term")
    reason: str = Field(min_length=2, max_length=2000, description="变更事由 / why")

    @model_validator(mode="after")
    def _something(self) -> PledgeChangeForm:
        if self.new_pledgee is None and self.new_secured_amount_10k_yuan is None and self.new_debt_end is None:
            raise ValueError("至少变更一项 / change at least one of pledgee, amount or term")
        return self


def registration_of(session: Session, number: str) -> Matter | None:
    """The pledge registration a change names."""
    from sqlalchemy import select

    from ipstrong.matters.models import Matter

    return session.scalar(select(Matter).where(Matter.number == number, Matter.type_id == "pledge"))


def change_intake(session: Session, office: Organisation, form: BaseModel, data_dir: Path, _received_on: dt.date) -> list[Msg]:
    """Why a change cannot be taken: the registration is not one in force here, or the new term outlasts a pledged
    patent's term (R6) or ends before the debt began."""
    from ipstrong.registry.holdings import holdings
    from ipstrong.search.patents import patent_number

    change: PledgeChangeForm = form  # type: ignore[assignment] - this type's form
    registered = registration_of(session, change.registration)
    if registered is None or registered.state != "registered":
        return [Msg(f"{change.registration} 不是有效的质押登记", f"{change.registration} is not a pledge in force").located(
            field="registration")]  # fmt: skip
    if change.new_debt_end is None:
        return []
    problems = []
    if change.new_debt_end <= dt.date.fromisoformat(registered.form["debt_start"]):
        problems.append(Msg("债务履行期至须晚于起始日", "the debt term must end after it starts").located(field="new_debt_end"))
    numbers = [patent_number(n, "patents") for n in registered.form["patents"]]
    problems += outlasting(holdings(data_dir, numbers).values(), change.new_debt_end)
    return problems


CHANGE = MatterType(
    id="pledge_change",
    code="ZB",
    name_zh="专利权质押登记变更",
    name_en="change of a patent pledge",
    source=SOURCE,
    form=PledgeChangeForm,
    title_field="registration",
    bodies=("office",),
    intake=change_intake,
    states=(
        State("received", "已收到变更申请", "change received"),
        State("changed", "已变更登记", "change registered", final=True),
        State("refused", "不予变更", "refused", final=True),
    ),
    initial="received",
    documents=(
        DocumentRule("application", "变更申请表（双方签章）", "change application signed by both parties", ("register_change",)),
        DocumentRule("agreement", "变更协议或证明文件", "the agreement or proof of the change", ("register_change",)),
    ),
    transitions=(
        Transition("register_change", "准予变更登记", "register the change", ("received",), "changed", STAFF,
                   ("application", "agreement")),
        Transition("refuse", "不予变更", "refuse", ("received",), "refused", STAFF),
    ),
    deadlines=(
        DeadlineRule("decision", "变更或不予变更", "change or refuse", "received", ("register_change", "refuse"), 3,
                     "working_days", LIMIT_SOURCE, verified=False),
    ),
)  # fmt: skip
