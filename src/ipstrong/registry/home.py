"""An enterprise's home page as one service call: its organisation, its patents in the current snapshot (by its
applicant entity, not by a name string) counted by type and legal status with the latest filings, and the matters it
has filed with their limits. The page ``/`` (for an enterprise's user) and ``GET /api/v1/enterprise`` render it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy.orm import Session

from ipstrong.accounts.models import Organisation
from ipstrong.accounts.roles import Actor, require
from ipstrong.ingest.entity_store import ApplicantEntity, entity_of_name
from ipstrong.matters.records import MatterSummary
from ipstrong.matters.service import list_matters
from ipstrong.messages import Msg
from ipstrong.registry.fee_reminders import FeeReminderOut, my_fee_reminders

LATEST = 10


class HoldingCount(BaseModel):
    patent_type: str
    legal_status: str | None
    patents: int


class HeldPatent(BaseModel):
    app_no: str
    title: str | None
    patent_type: str
    legal_status: str | None
    app_date: dt.date | None
    grant_date: dt.date | None


class EnterpriseHome(BaseModel):
    """An enterprise's own view. ``entity_id`` is the applicant entity its name resolved to (None when the warehouse
    knows no filing under that name yet: ``note`` then says so)."""

    organisation: str | None
    credit_code: str | None
    region_code: str
    entity_id: int | None
    entity_name: str | None
    snapshot: str | None
    holdings: list[HoldingCount]  # as first applicant
    latest: list[HeldPatent]
    matters: list[MatterSummary]
    fee_reminders: list[FeeReminderOut]  # annual fees due soon or late (registry/fee_reminders.py)
    note: Msg | None


def own_entity(session: Session, actor: Actor) -> tuple[Organisation | None, ApplicantEntity | None]:
    """The actor's organisation and the applicant entity its name resolved to (following merges); None for either
    that is not there."""
    own = session.get(Organisation, actor.organisation_id) if actor.organisation_id else None
    return own, entity_of_name(session, own.name) if own is not None else None


def enterprise_home(session: Session, actor: Actor, data_dir: Path) -> EnterpriseHome:
    """The home of the actor's own organisation: its patents as first applicant and its matters. Needs
    ``records.read.own`` (an enterprise's or agency's user)."""
    from ipstrong.warehouse.connection import snapshot_connection
    from ipstrong.warehouse.snapshots import Warehouse

    require(actor, "records.read.own")
    own, entity = own_entity(session, actor)
    matters = list_matters(session, actor, limit=20)
    home = EnterpriseHome(
        organisation=own.name if own else None, credit_code=own.credit_code if own else None,
        region_code=own.region_code if own else actor.region_code, entity_id=None, entity_name=None,
        snapshot=Warehouse(data_dir).current_id(), holdings=[], latest=[], matters=matters,
        fee_reminders=my_fee_reminders(session, actor), note=None,
    )  # fmt: skip
    if own is None:
        return home.model_copy(update={"note": Msg("账号未关联单位，请联系管理员", "this account belongs to no organisation")})
    if entity is None or home.snapshot is None:
        return home.model_copy(
            update={"note": Msg(f"数据仓库中尚无以「{own.name}」申请的专利", f"the warehouse holds no filing under {own.name}")}
        )
    con = snapshot_connection(data_dir)
    try:
        mine = "FROM patents WHERE first_applicant_id = ? AND office = 'CN'"
        counts = con.execute(
            f"SELECT patent_type, legal_status, count(*) {mine} GROUP BY ALL ORDER BY patent_type, legal_status", [entity.id]
        ).fetchall()
        latest = con.execute(
            f"SELECT app_no, title, patent_type, legal_status, app_date, grant_date {mine} ORDER BY app_date DESC, app_no "
            f"LIMIT {LATEST}",
            [entity.id],
        ).fetchall()
    finally:
        con.close()
    return home.model_copy(
        update={
            "entity_id": entity.id,
            "entity_name": entity.name,
            "holdings": [HoldingCount(patent_type=t, legal_status=s, patents=n) for t, s, n in counts],
            "latest": [HeldPatent(**dict(zip(HeldPatent.model_fields, r, strict=True))) for r in latest],
        }
    )
