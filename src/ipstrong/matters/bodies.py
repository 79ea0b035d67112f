"""Which body a person acts for: staff act on the matters their own body holds or joined; an enterprise's users on
the matters their enterprise filed. Shared by matters, the centre register and the SLA board."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts.models import Organisation
from ipstrong.accounts.roles import Actor, PermissionDenied, require
from ipstrong.matters.definitions import BODY_KINDS
from ipstrong.messages import IpsError, Msg, NotFound

FILERS = ("enterprise_user", "agency_user")  # roles that act for the party that filed, not for a body


def body_of(session: Session, body_id: int) -> Organisation:
    """The receiving body ``body_id`` (an office, centre or agency), or a clear refusal."""
    body = session.get(Organisation, body_id)
    if body is None:
        raise NotFound(Msg(f"没有编号为 {body_id} 的机构", f"no organisation {body_id}"))
    if body.kind not in BODY_KINDS:
        raise IpsError(
            Msg(
                f"{body.name} 不是受理机构（{body.kind}）",
                f"{body.name} is not a receiving body ({body.kind}); {', '.join(BODY_KINDS)}",
            )
        )
    return body


def require_staff_of(actor: Actor, body_ids: set[int], what: Msg) -> None:
    """Refuse unless the actor has the staff permission and works for one of ``body_ids``."""
    require(actor, "records.write")
    if actor.organisation_id not in body_ids:
        raise PermissionDenied(
            Msg(f"本账号不属于承办机构，不能{what.zh}", f"this account does not belong to a body handling it: cannot {what.en}")
        )


def receiving_bodies(session: Session, kinds: tuple[str, ...] = BODY_KINDS) -> list[dict[str, Any]]:
    """The bodies of ``kinds`` that receive matters, by region."""
    rows = session.scalars(
        select(Organisation).where(Organisation.kind.in_(kinds)).order_by(Organisation.region_code, Organisation.id)
    )
    return [{"id": o.id, "kind": o.kind, "name": o.name, "region_code": o.region_code} for o in rows]
