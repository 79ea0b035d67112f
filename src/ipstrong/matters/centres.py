"""A protection centre's register of enterprises (备案) and its declared technical fields, and the intake check of
fast pre-examination that reads them: only registered enterprises, only IPC within the fields, none of the excluded
kinds of application (知识产权保护中心管理办法（试行）, ../shared/reference/OFFICIAL_RULES.md §7)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.models import Organisation
from ipstrong.accounts.roles import Actor, in_scope
from ipstrong.ids import CreditCode, InvalidIdentifier, IpcSymbol
from ipstrong.ids.ipc import ipc_matches
from ipstrong.matters.bodies import body_of, require_staff_of
from ipstrong.matters.models import CentreEnterprise, CentreField
from ipstrong.messages import IpsError, Msg

# form flags that put an application outside fast pre-examination, with the reason a refusal gives
EXCLUDED = {
    "pct_national_phase": Msg("PCT 国际申请进入国家阶段的申请不进行预审", "PCT national-phase applications are not pre-examined"),
    "divisional": Msg("分案申请不进行预审", "divisional applications are not pre-examined"),
    "same_day_invention_and_utility": Msg(
        "同日申请发明和实用新型（专利法第九条）的申请不进行预审",
        "an invention filed the same day as a utility model (Patent Law art. 9) is not pre-examined",
    ),
}


def _centre(session: Session, actor: Actor, centre_id: int, what: Msg) -> Organisation:
    centre = body_of(session, centre_id)
    if centre.kind != "centre":
        raise IpsError(Msg(f"{centre.name} 不是保护中心", f"{centre.name} is not a protection centre"))
    if not ("orgs.manage" in actor.role_info.permissions and in_scope(actor, centre.region_code)):
        require_staff_of(actor, {centre.id}, what)  # the centre's own staff, or whoever manages its organisations
    return centre


def register_enterprise(
    session: Session, actor: Actor, centre_id: int, credit_code: str, name: str, registered_on: dt.date
) -> dict[str, Any]:
    """Put an enterprise on the centre's register (or update its name and date): audited."""
    centre = _centre(session, actor, centre_id, Msg("管理备案企业", "manage the register"))
    try:
        code = CreditCode.parse(credit_code).canonical
    except InvalidIdentifier as exc:
        raise IpsError(exc.msg.located(field="credit_code")) from None
    row = session.get(CentreEnterprise, (centre.id, code))
    if row is None:
        row = CentreEnterprise(centre_id=centre.id, credit_code=code, registered_by=actor.username)
        session.add(row)
    row.name, row.registered_on = name, registered_on
    after = {"credit_code": code, "name": name, "registered_on": registered_on.isoformat()}
    audit.append(session, actor.username, "centre.register", "organisation", centre.id, centre.region_code, None, after)
    return after


def declare_field(session: Session, actor: Actor, centre_id: int, ipc_prefix: str, name: str) -> dict[str, Any]:
    """Declare one of the centre's technical fields by an IPC prefix (H01M, G06F16, H04L9/32*): audited."""
    centre = _centre(session, actor, centre_id, Msg("声明技术领域", "declare fields"))
    try:
        prefix = IpcSymbol.parse(ipc_prefix).canonical
    except InvalidIdentifier as exc:
        raise IpsError(exc.msg.located(field="ipc_prefix")) from None
    if session.get(CentreField, (centre.id, prefix)) is None:
        session.add(CentreField(centre_id=centre.id, ipc_prefix=prefix, name=name, declared_by=actor.username))
    after = {"ipc_prefix": prefix, "name": name}
    audit.append(session, actor.username, "centre.field", "organisation", centre.id, centre.region_code, None, after)
    return after


def centre_profile(session: Session, centre_id: int) -> dict[str, Any]:
    """The centre's declared fields and how many enterprises are on its register."""
    centre = body_of(session, centre_id)
    fields = session.scalars(select(CentreField).where(CentreField.centre_id == centre_id).order_by(CentreField.ipc_prefix))
    count = len(session.scalars(select(CentreEnterprise.credit_code).where(CentreEnterprise.centre_id == centre_id)).all())
    return {
        "id": centre.id,
        "name": centre.name,
        "fields": [{"ipc_prefix": f.ipc_prefix, "name": f.name} for f in fields],
        "registered": count,
    }


def centre_intake(session: Session, centre: Organisation, form: BaseModel, data_dir: Path, _received_on: dt.date) -> list[Msg]:
    """Why a pre-examination request cannot be taken at ``centre`` (empty when it can); the centre's register and
    fields decide, not the warehouse (``data_dir`` unused)."""
    problems = [msg for flag, msg in EXCLUDED.items() if getattr(form, flag, False)]
    code = form.applicant_credit_code  # type: ignore[attr-defined] - the prescreen form declares it
    if session.get(CentreEnterprise, (centre.id, code)) is None:
        problems.append(
            Msg(f"申请人（{code}）未在{centre.name}备案", f"the applicant ({code}) is not on the register of {centre.name}")
        )
    prefixes = session.scalars(select(CentreField.ipc_prefix).where(CentreField.centre_id == centre.id)).all()
    for raw in form.ipc:  # type: ignore[attr-defined]
        try:
            symbol = IpcSymbol.parse(raw).canonical
        except InvalidIdentifier as exc:
            problems.append(exc.msg.located(field="ipc"))
            continue
        if not any(ipc_matches(symbol, p) for p in prefixes):
            problems.append(
                Msg(
                    f"分类号 {symbol} 不在{centre.name}的预审技术领域内（{'、'.join(prefixes) or '未声明'}）",
                    f"IPC {symbol} is outside the fields of {centre.name} ({', '.join(prefixes) or 'none declared'})",
                )
            )
    return problems
