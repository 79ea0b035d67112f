"""The tamper-evident audit log: every entry is chained to the previous one by a keyed hash (HMAC-SHA-256).

Appends are serialised so concurrent writers never fork the chain: on PostgreSQL by a transaction-level advisory
lock, on SQLite by the database write lock that ``BEGIN IMMEDIATE`` takes (see ``ipstrong.db``). An entry is
written in the same transaction as the change it records, so a change and its entry commit together or not at
all.

What makes rewriting detectable by someone who can write to the database:

- **The key lives outside the database** (``DATA_DIR/audit.key``, owner-only). Editing an entry and recomputing
  the hashes needs it; without it every edit shows.
- **An anchor outside the database** (``DATA_DIR/audit-anchor.jsonl``, append-only by convention): ``ipstrong audit
  anchor`` (and the worker each morning) appends the head's id and hash, each line carrying its own MAC, and prints
  a signed digest line to keep elsewhere (mail, print). Deleting the newest entries and fixing the head is detected
  back to the last anchor; a digest kept off the machine proves the chain up to its day even against someone who
  has the key.
- A chain begun before keys existed (plain SHA-256) is verified as such up to the entry the anchor file names as
  the first keyed one (``keyed_from``); after it, an unkeyed entry does not verify.

``verify`` recomputes every hash, checks that ids run without gaps, that the head matches the last entry and that
every anchored head is still in the chain, and names the first entry that does not fit. docs/security.md says what
this proves and what it does not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ipstrong.accounts.models import AuditEntry, AuditHead
from ipstrong.db import home_of as db_home_of
from ipstrong.messages import IpsError, Msg

GENESIS = "0" * 64
ADVISORY_KEY = 0x1957_0A0D  # any constant; names the audit chain's lock on a PostgreSQL server
KEY_FILE = "audit.key"
ANCHOR_FILE = "audit-anchor.jsonl"


def canonical_json(value: Any) -> str | None:
    """The one JSON text of a value that is stored and hashed (sorted keys, no spaces, Chinese kept)."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def home_of(session: Session) -> Path:
    """The data directory holding the key and anchor of the session's database (:func:`ipstrong.db.home_of`)."""
    return db_home_of(session.get_bind().url)


def _key(session: Session, create: bool) -> bytes | None:
    """The chain's key; made on the first append of a chain that has none (owner-only file)."""
    home = home_of(session)
    path = home / KEY_FILE
    if path.exists():
        return bytes.fromhex(path.read_text(encoding="utf-8").strip())
    if not create:
        return None
    head = session.get(AuditHead, 1)
    if head is not None and _keyed_from(home) is not None:
        raise IpsError(
            Msg(
                f"审计密钥 {path} 缺失，而链已用它签过：请从备份恢复密钥",
                f"the audit key {path} is missing but the chain was keyed with it: restore it from a backup",
            )
        )
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.tmp")
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write(key.hex())
    os.replace(tmp, path)
    _anchor_line(home, key, {"kind": "keyed_from", "id": (head.last_id + 1) if head else 1})
    return key


def entry_hash(fields: list[Any], key: bytes | None) -> str:
    """HMAC-SHA-256 of an entry's fields with the chain's key (plain SHA-256 for entries before keys existed)."""
    body = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest() if key else hashlib.sha256(body).hexdigest()


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
    key = _key(session, create=True)
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
    entry.hash = entry_hash(_fields(entry), key)
    session.add(entry)
    if head is None:
        session.add(AuditHead(id=1, last_id=entry.id, last_hash=entry.hash))
    else:
        head.last_id, head.last_hash = entry.id, entry.hash
    session.flush()
    return entry


# --- the anchor outside the database ---------------------------------------------------------------------------
def _line_mac(key: bytes, record: dict[str, Any]) -> str:
    return hmac.new(key, canonical_json(record).encode(), hashlib.sha256).hexdigest()  # type: ignore[union-attr]


def _anchor_line(home: Path, key: bytes, record: dict[str, Any]) -> dict[str, Any]:
    record = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **record}
    line = {**record, "mac": _line_mac(key, record)}
    path = home / ANCHOR_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return line


def _anchors(home: Path) -> list[dict[str, Any]]:
    path = home / ANCHOR_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _keyed_from(home: Path) -> int | None:
    return next((int(a["id"]) for a in _anchors(home) if a.get("kind") == "keyed_from"), None)


def anchor(session: Session) -> dict[str, Any]:
    """Append the chain's head to the anchor file; return the line (its ``mac`` signs it: a digest to keep
    elsewhere)."""
    head = session.get(AuditHead, 1)
    key = _key(session, create=True)
    record = {"kind": "head", "id": head.last_id if head else 0, "hash": head.last_hash if head else GENESIS}
    return _anchor_line(home_of(session), key, record)  # type: ignore[arg-type]


# --- verification ----------------------------------------------------------------------------------------------
@dataclass
class Verification:
    ok: bool
    entries: int
    first_broken: int | None = None
    reason_zh: str | None = None
    reason_en: str | None = None
    anchors: int = 0

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def verify(session: Session) -> Verification:
    """Walk the chain from the first entry; stop at the first one that does not fit; then check the anchors."""
    home = home_of(session)
    key = _key(session, create=False)
    anchors = _anchors(home)
    bad_line = next((a for a in anchors if key is None or a.get("mac") != _line_mac(key, _without_mac(a))), None)
    if bad_line is not None:
        why = ("审计密钥缺失", "the audit key is missing") if key is None else ("锚点记录被改动", "an anchor line was altered")
        return Verification(False, 0, int(bad_line.get("id", 0)), why[0], why[1], len(anchors))
    keyed_from = _keyed_from(home) or (1 if key else None)
    previous_hash, expected_id, count = GENESIS, 1, 0
    hashes: dict[int, str] = {}
    anchored = {int(a["id"]) for a in anchors if a.get("kind") == "head"}
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        count += 1
        if entry.id != expected_id:
            return Verification(
                False, count, entry.id, f"第 {expected_id} 条缺失（删除）", f"entry {expected_id} is missing (deleted)"
            )
        if entry.prev_hash != previous_hash:
            return Verification(False, count, entry.id, "与前一条的链接断开", "the link to the previous entry is broken")
        entry_key = key if keyed_from is not None and entry.id >= keyed_from else None
        if keyed_from is not None and entry.id >= keyed_from and key is None:
            return Verification(False, count, entry.id, "审计密钥缺失", "the audit key is missing")
        if entry_hash(_fields(entry), entry_key) != entry.hash:
            return Verification(False, count, entry.id, "内容被修改", "the entry's content was changed")
        previous_hash, expected_id = entry.hash, entry.id + 1
        if entry.id in anchored:
            hashes[entry.id] = entry.hash
    head = session.get(AuditHead, 1)
    last_id = expected_id - 1
    if (head is None and count) or (head is not None and (head.last_id != last_id or head.last_hash != previous_hash)):
        return Verification(False, count, last_id + 1, "最新的条目被删除", "the newest entries were deleted")
    for a in anchors:
        if a.get("kind") == "head" and a["id"] and hashes.get(int(a["id"])) != a["hash"]:
            return Verification(
                False,
                count,
                int(a["id"]),
                f"与 {a['at']} 的锚点不符（条目被删除或改写）",
                f"does not match the anchor of {a['at']} (entries deleted or rewritten)",
                len(anchors),
            )
    return Verification(True, count, anchors=len(anchors))


def _without_mac(line: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in line.items() if k != "mac"}
