"""The tamper-evident audit log: every entry is chained to the previous one by SHA-256.

Appends are serialised so concurrent writers never fork the chain: on PostgreSQL by a transaction-level advisory
lock, on SQLite by the database write lock that ``BEGIN IMMEDIATE`` takes (see ``ipstrong.db``). An entry is
written in the same transaction as the change it records, so a change and its entry commit together or not at
all. ``verify`` recomputes every hash, checks that ids run without gaps and that the head matches the last entry,
and names the first entry that does not fit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ipstrong.accounts.models import AuditEntry, AuditHead

GENESIS = "0" * 64
ADVISORY_KEY = 0x1957_0A0D  # any constant; names the audit chain's lock on a PostgreSQL server


def canonical_json(value: Any) -> str | None:
    """The one JSON text of a value that is stored and hashed (sorted keys, no spaces, Chinese kept)."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(fields: list[Any]) -> str:
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def _fields(e: AuditEntry) -> list[Any]:
    return [e.id, e.at, e.actor, e.action, e.entity, e.entity_id, e.region_code, e.before, e.after, e.prev_hash]


def append(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    region_code: str | None = None,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Add one entry to the chain inside the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY})
    head = session.get(AuditHead, 1, with_for_update=session.get_bind().dialect.name == "postgresql")
    entry = AuditEntry(
        id=(head.last_id + 1) if head else 1,
        at=dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        region_code=region_code,
        before=canonical_json(before),
        after=canonical_json(after),
        prev_hash=head.last_hash if head else GENESIS,
    )
    entry.hash = entry_hash(_fields(entry))
    session.add(entry)
    if head is None:
        session.add(AuditHead(id=1, last_id=entry.id, last_hash=entry.hash))
    else:
        head.last_id, head.last_hash = entry.id, entry.hash
    session.flush()
    return entry


@dataclass
class Verification:
    ok: bool
    entries: int
    first_broken: int | None = None
    reason_zh: str | None = None
    reason_en: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def verify(session: Session) -> Verification:
    """Walk the chain from the first entry; stop at the first one that does not fit."""
    previous_hash, expected_id, count = GENESIS, 1, 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        count += 1
        if entry.id != expected_id:
            return Verification(
                False, count, entry.id, f"第 {expected_id} 条缺失（删除）", f"entry {expected_id} is missing (deleted)"
            )
        if entry.prev_hash != previous_hash:
            return Verification(False, count, entry.id, "与前一条的链接断开", "the link to the previous entry is broken")
        if entry_hash(_fields(entry)) != entry.hash:
            return Verification(False, count, entry.id, "内容被修改", "the entry's content was changed")
        previous_hash, expected_id = entry.hash, entry.id + 1
    head = session.get(AuditHead, 1)
    last_id = expected_id - 1
    if (head is None and count) or (head is not None and (head.last_id != last_id or head.last_hash != previous_hash)):
        return Verification(False, count, last_id + 1, "最新的条目被删除", "the newest entries were deleted")
    return Verification(True, count)
