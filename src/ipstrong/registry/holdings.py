"""What the warehouse says of the patents a registration names — whether each is held, Chinese, granted, in force,
of which type and whose — and the refusals that follow, one reason per patent. Open-licence declarations check
their patents here; the pledge registrations will too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from ipstrong.messages import Msg


@dataclass(frozen=True)
class Holding:
    app_no: str
    title: str | None
    patent_type: str
    legal_status: str | None
    app_date: dt.date | None
    grant_date: dt.date | None
    entity_id: int | None  # the first applicant's entity


@dataclass(frozen=True)
class Refusal:
    """Why one patent cannot be registered: ``reason`` is not_held, not_granted, not_in_force or not_owner."""

    number: str
    reason: str
    msg: Msg


def holdings(data_dir: Path, numbers: list[str]) -> dict[str, Holding]:
    """The CN patents of the current snapshot among canonical ``numbers``."""
    from ipstrong.warehouse.connection import rows_for_keys
    from ipstrong.warehouse.snapshots import Warehouse

    if Warehouse(data_dir).current_id() is None:
        return {}
    rows = rows_for_keys(
        data_dir,
        "SELECT app_no, title, patent_type, legal_status, app_date, grant_date, first_applicant_id FROM patents "
        "WHERE office = 'CN' AND app_no IN ({keys})",
        numbers,
    )
    return {r[0]: Holding(*r) for r in rows}


def refusals(session: Session, data_dir: Path, numbers: list[str], owner: str) -> tuple[list[Refusal], dict[str, Holding]]:
    """Why the patents ``numbers`` cannot be registered by ``owner`` (empty when they can), and what the warehouse
    holds of them: each must be a Chinese patent the warehouse holds, granted and in force, and ``owner``'s — its
    first applicant's entity is the one ``owner``'s name resolves to."""
    from ipstrong.ingest.entity_store import entity_of_name
    from ipstrong.search.patents import is_foreign, patent_number

    canonical = list(dict.fromkeys(patent_number(n, "patents") for n in numbers))
    held = holdings(data_dir, [n for n in canonical if not is_foreign(n)])
    entity = entity_of_name(session, owner)
    problems = []
    for number in canonical:
        found = held.get(number)
        if found is None:
            msg = Msg(f"{number} 不是本省数据仓库中的中国专利，无法核对", f"{number} is not a Chinese patent the warehouse holds")
            problems.append(Refusal(number, "not_held", msg))
        elif found.grant_date is None:
            problems.append(Refusal(number, "not_granted", Msg(f"{number} 尚未授权", f"{number} is not granted")))
        elif found.legal_status != "in_force":
            msg = Msg(f"{number} 专利权已终止或被宣告无效", f"{number} is not in force (lapsed or invalidated)")
            problems.append(Refusal(number, "not_in_force", msg))
        elif entity is None or found.entity_id != entity.id:
            msg = Msg(f"{number} 的专利权人不是{owner}", f"{owner} does not hold {number}")
            problems.append(Refusal(number, "not_owner", msg))
    return problems, held
