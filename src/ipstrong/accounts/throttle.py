"""Sign-in throttling that slows guessing without letting strangers lock people out (OWASP ASVS 2.2.1).

Failures are counted under three keys, each forgotten an hour after its last failure:

- ``pair:<account>|<address>``: after ``max_failures`` failures of one account from one address, that address waits
  ``lock_minutes`` before trying that account again. Someone guessing admin's password from elsewhere does not stop
  admin signing in from their own desk.
- ``ip:<address>``: after :data:`ADDRESS_FREE` failures from one address (whatever the accounts), each further
  attempt from it waits twice as long as the last, up to :data:`ADDRESS_MAX_WAIT_S`.
- ``user:<account>``: after ``ACCOUNT_FREE_FACTOR × max_failures`` failures from all addresses together (a
  distributed guess), attempts on the account are spaced by a delay that doubles up to :data:`ACCOUNT_MAX_WAIT_S`
  — a minute at most, so the owner is slowed, never locked out.

A refusal for waiting is decided before any password is looked at, the same for existing and unknown accounts.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, delete, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ipstrong.accounts.models import LoginThrottle, aware

FORGET_AFTER = dt.timedelta(hours=1)
ADDRESS_FREE = 20
ADDRESS_MAX_WAIT_S = 900
ACCOUNT_FREE_FACTOR = 3
ACCOUNT_MAX_WAIT_S = 60


def _keys(username: str, address: str) -> dict[str, str]:
    return {"pair": f"pair:{username[:64]}|{address[:64]}", "ip": f"ip:{address[:64]}", "user": f"user:{username[:64]}"}


def wait_seconds(session: Session, username: str, address: str, now: dt.datetime) -> int:
    """How long this address must wait before trying this account (0: it may try now)."""
    waits = [0]
    for key in _keys(username, address).values():
        row = session.get(LoginThrottle, key)
        if row is not None and row.next_allowed_at is not None:
            waits.append(int((aware(row.next_allowed_at) - now).total_seconds() + 0.999))
    return max(waits)


def _bump(session: Session, key: str, now: dt.datetime) -> LoginThrottle:
    """Count one failure under ``key`` atomically (a key quiet for an hour starts again from one)."""
    table = LoginThrottle.__table__
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stale = table.c.last_failure_at < now - FORGET_AFTER
    statement = insert(table).values(key=key, failures=1, last_failure_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "failures": case((stale, 1), else_=table.c.failures + 1),
            "last_failure_at": now,
            "next_allowed_at": case((stale, None), else_=table.c.next_allowed_at),
        },
    )
    session.execute(statement)
    return session.get(LoginThrottle, key, populate_existing=True)


def record_failure(session: Session, username: str, address: str, max_failures: int, lock_minutes: int, now: dt.datetime) -> None:
    """Count a failed sign-in under the three keys and set when each may try next; forget keys quiet for an hour
    (so guesses at made-up names do not fill the table)."""
    quiet = LoginThrottle.last_failure_at < now - FORGET_AFTER
    waited = or_(LoginThrottle.next_allowed_at.is_(None), LoginThrottle.next_allowed_at < now)
    session.execute(delete(LoginThrottle).where(quiet, waited))
    keys = _keys(username, address)
    pair = _bump(session, keys["pair"], now)
    if pair.failures >= max_failures:
        pair.next_allowed_at = now + dt.timedelta(minutes=lock_minutes)
    by_address = _bump(session, keys["ip"], now)
    if by_address.failures >= ADDRESS_FREE:
        wait = min(2 ** (by_address.failures - ADDRESS_FREE), ADDRESS_MAX_WAIT_S)
        by_address.next_allowed_at = now + dt.timedelta(seconds=wait)
    account = _bump(session, keys["user"], now)
    free = ACCOUNT_FREE_FACTOR * max_failures
    if account.failures >= free:
        account.next_allowed_at = now + dt.timedelta(seconds=min(2 ** (account.failures - free), ACCOUNT_MAX_WAIT_S))


def forget_account(session: Session, username: str, address: str | None = None) -> None:
    """Forget the account's failures: from one address after it signed in there, from all after a reset."""
    keys = _keys(username, address or "")
    if address:
        pairs = LoginThrottle.key == keys["pair"]
    else:
        pairs = LoginThrottle.key.startswith(f"pair:{username[:64]}|", autoescape=True)
    session.execute(delete(LoginThrottle).where(or_(pairs, LoginThrottle.key == keys["user"])))
