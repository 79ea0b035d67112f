"""Accounts, permissions, tokens and the audit chain, on SQLite and PostgreSQL."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm.exc import StaleDataError

from ipstrong.accounts import audit, throttle
from ipstrong.accounts.models import ApiToken, User
from ipstrong.accounts.roles import SYSTEM, PermissionDenied
from ipstrong.accounts.service import (
    TooManyAttempts,
    actor_for_token,
    actor_of,
    authenticate,
    change_password,
    create_organisation,
    create_token,
    create_user,
    list_users,
    reset_password,
    revoke_token,
)
from ipstrong.backup import backup, restore
from ipstrong.db import make_engine, reader_factory, session_factory, transaction, upgrade
from ipstrong.messages import IpsError

PW = "correct horse 1"


def add_user(db, username: str, role: str, region: str, actor=SYSTEM):
    with transaction(db.factory) as s:
        return actor_of(create_user(s, actor, username, PW, role, region))


def test_roles_are_scoped_to_regions(db) -> None:
    suzhou = add_user(db, "sz", "city_official", "320500")
    add_user(db, "nj", "city_official", "320100")
    add_user(db, "ks", "case_officer", "320583")
    with transaction(db.factory) as s:
        assert [u.username for u in list_users(s, suzhou)] == ["ks", "sz"]
    with pytest.raises(PermissionDenied, match="320102"), transaction(db.factory) as s:
        create_user(s, suzhou, "x1", PW, "case_officer", "320102")
    with pytest.raises(PermissionDenied), transaction(db.factory) as s:
        create_user(s, suzhou, "x2", PW, "province_admin", "320500")
    officer = add_user(db, "wx", "case_officer", "320200")
    with pytest.raises(PermissionDenied, match=r"users\.manage"), transaction(db.factory) as s:
        list_users(s, officer)


def test_sign_in_throttled_and_audited(db) -> None:
    add_user(db, "sz", "city_official", "320500")
    for _ in range(3):
        with pytest.raises(IpsError, match="wrong username or password"):
            authenticate(db.factory, "sz", "nope", "10.0.0.1", max_failures=3)
    with pytest.raises(TooManyAttempts, match="try again in"):
        authenticate(db.factory, "sz", PW, "10.0.0.1", max_failures=3)
    assert authenticate(db.factory, "sz", PW, "10.0.0.2", max_failures=3).actor.username == "sz"  # not locked out
    with pytest.raises(IpsError, match="wrong username or password"):
        authenticate(db.factory, "nobody", PW, "10.0.0.1")
    with transaction(db.factory) as s:
        reset_password(s, SYSTEM, "sz", "a new password 2")
        actions = [e.action for e in s.scalars(select(audit.AuditEntry).order_by(audit.AuditEntry.id))]
    assert actions.count("login.failed") == 4 and "login.throttled" in actions and actions[-1] == "user.password_reset"
    signed = authenticate(db.factory, "sz", "a new password 2", "10.0.0.1")  # a reset forgets the account's failures
    with transaction(db.factory) as s:
        assert s.get(User, signed.actor.user_id).must_change_password
        change_password(s, signed.actor, "a new password 2", "my own password 3")
    assert authenticate(db.factory, "sz", "my own password 3").actor.username == "sz"


def test_many_addresses_slow_an_account_down_but_never_lock_it(db) -> None:
    add_user(db, "sz", "city_official", "320500")
    for n in range(9):  # 3 × max_failures from nine addresses: a distributed guess
        with pytest.raises(IpsError, match="wrong username or password"):
            authenticate(db.factory, "sz", "nope", f"10.0.1.{n}", max_failures=3)
    with pytest.raises(TooManyAttempts) as waited:
        authenticate(db.factory, "sz", PW, "10.0.2.1", max_failures=3)
    assert 0 < waited.value.seconds <= throttle.ACCOUNT_MAX_WAIT_S


def test_tokens_hashed_scoped_revocable(db) -> None:
    ent = add_user(db, "ent", "enterprise_user", "320505")
    with transaction(db.factory) as s:
        token, plain = create_token(s, ent, "erp", ["read"])
        assert plain not in str(s.execute(text("SELECT token_hash FROM api_tokens")).all())
    reader = reader_factory(db.engine)
    assert actor_for_token(reader, db.factory, plain, "read").username == "ent"
    with pytest.raises(PermissionDenied, match="write"):
        actor_for_token(reader, db.factory, plain, "write")
    with db.factory() as s:
        assert s.get(ApiToken, token.id).last_used_at is not None
    with transaction(db.factory) as s:
        revoke_token(s, ent, token.id)
    with pytest.raises(PermissionDenied, match="revoked"):
        actor_for_token(reader, db.factory, plain, "read")


def test_organisations_need_valid_credit_codes(db) -> None:
    with transaction(db.factory) as s:
        org = create_organisation(s, SYSTEM, "enterprise", "某某科技", "320505", "91350100m000100y43")
        assert org.credit_code == "91350100M000100Y43"
    with pytest.raises(IpsError, match="credit_code"), transaction(db.factory) as s:
        create_organisation(s, SYSTEM, "enterprise", "坏代码", "320505", "91350100M000100Y44")


def test_optimistic_locking(db) -> None:
    add_user(db, "sz", "city_official", "320500")
    first, second = db.factory(), db.factory()
    a = first.scalar(select(User).where(User.username == "sz"))
    first.commit()  # two people read the same row, each in a transaction of their own
    b = second.scalar(select(User).where(User.username == "sz"))
    second.commit()
    a.display_name = "苏州 A"
    first.commit()
    b.display_name = "苏州 B"
    with pytest.raises(StaleDataError):
        second.commit()
    first.close(), second.close()


def test_tampering_is_detected_at_the_edited_row(db) -> None:
    for i in range(5):
        add_user(db, f"u{i}", "case_officer", "320500")
    with db.factory() as s:
        assert audit.verify(s).ok
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 3"))
    with db.factory() as s:
        result = audit.verify(s)
    assert (result.ok, result.first_broken) == (False, 3)


def test_deleting_entries_is_detected(db) -> None:
    for i in range(4):
        add_user(db, f"u{i}", "case_officer", "320500")
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 4"))
    with db.factory() as s:
        assert audit.verify(s).first_broken == 4
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    with db.factory() as s:
        assert audit.verify(s).first_broken == 3


def test_concurrent_writers_never_fork_the_chain(db) -> None:
    writers, each = 8, 15
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(each):
                with transaction(db.factory) as s:
                    audit.append(s, f"w{n}", "test.append", "thing", i, "320500", None, {"n": n, "i": i})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.factory() as s:
        result = audit.verify(s)
    assert result.ok and result.entries == writers * each


def test_backup_restore_round_trip(db, tmp_path: Path) -> None:
    add_user(db, "sz", "city_official", "320500")
    with transaction(db.factory) as s:
        create_organisation(s, SYSTEM, "enterprise", "某某科技", "320505", "91350100M000100Y43")
    manifest = backup(db.engine, db.url, tmp_path, tmp_path / "b.zip")  # the key of a SQLite database lies beside it
    assert manifest["counts"]["users"] == 1 and manifest["counts"]["audit_log"] == 2
    (tmp_path / "restored-data").mkdir()
    target_url = f"sqlite:///{tmp_path / 'restored-data' / 'ipstrong.db'}"
    upgrade(target_url)
    target = make_engine(target_url)
    restore(target, target_url, tmp_path / "restored-data", tmp_path / "b.zip")
    factory = session_factory(target)
    with factory() as s:
        result = audit.verify(s)
        assert result.ok and result.entries == 3  # two restored entries and the restore itself
    assert authenticate(factory, "sz", PW).actor.region_code == "320500"
    with pytest.raises(IpsError, match="not empty"):
        restore(target, target_url, tmp_path / "restored-data", tmp_path / "b.zip")
    target.dispose()


def _rewrite_chain(db, key: bytes | None, changes: str | None = None) -> None:
    """What someone with write access to the database can do: change rows and recompute every hash and the head."""
    with db.engine.begin() as conn:
        if changes:
            conn.execute(text(changes))
        previous = audit.GENESIS
        for row in conn.execute(text("SELECT * FROM audit_log ORDER BY id")).mappings().all():
            fields = [row["id"], row["at"], row["actor"], row["action"], row["entity"], row["entity_id"],
                      row["region_code"], row["before"], row["after"], previous]  # fmt: skip
            digest = audit.entry_hash(fields, key)
            conn.execute(
                text("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE id = :i"), {"p": previous, "h": digest, "i": row["id"]}
            )
            previous = digest
        conn.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": previous})


def _home(db, tmp_path: Path) -> Path:
    return tmp_path  # the data directory of the test database: the audit key and anchor are here, not in it


def test_rewriting_the_chain_without_the_key_is_detected(db, tmp_path: Path) -> None:
    for i in range(4):
        add_user(db, f"u{i}", "case_officer", "320500")
    key_file = _home(db, tmp_path) / audit.KEY_FILE
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    _rewrite_chain(db, None, "UPDATE audit_log SET actor = 'mallory' WHERE id = 2")  # recomputed, but unkeyed
    with db.factory() as s:
        result = audit.verify(s)
    assert (result.ok, result.first_broken) == (False, 1)
    _rewrite_chain(db, b"a guessed key", None)
    with db.factory() as s:
        assert audit.verify(s).ok is False


def test_deleting_the_newest_entries_and_fixing_the_head_is_detected_by_the_anchor(db, tmp_path: Path) -> None:
    for i in range(3):
        add_user(db, f"u{i}", "case_officer", "320500")
    with transaction(db.factory) as s:
        line = audit.anchor(s)
    assert line["id"] == 3 and len(line["mac"]) == 64
    key = bytes.fromhex((_home(db, tmp_path) / audit.KEY_FILE).read_text())
    with db.engine.begin() as conn:  # even with the key: drop entry 3 and point the head at entry 2
        conn.execute(text("DELETE FROM audit_log WHERE id = 3"))
        conn.execute(text("UPDATE audit_head SET last_id = 2, last_hash = (SELECT hash FROM audit_log WHERE id = 2)"))
    _rewrite_chain(db, key)
    with db.factory() as s:
        result = audit.verify(s)
    assert (result.ok, result.first_broken) == (False, 3) and "anchor" in result.reason_en
    anchors = _home(db, tmp_path) / audit.ANCHOR_FILE
    anchors.write_text(anchors.read_text().replace('"id": 3', '"id": 2'))  # and the anchor cannot be edited to fit
    with db.factory() as s:
        assert "anchor line was altered" in audit.verify(s).reason_en


def test_a_chain_begun_before_keys_goes_on_keyed(db, tmp_path: Path) -> None:
    for i in range(2):
        add_user(db, f"u{i}", "case_officer", "320500")
    home = _home(db, tmp_path)
    (home / audit.KEY_FILE).unlink()
    (home / audit.ANCHOR_FILE).unlink()
    _rewrite_chain(db, None)  # as an install before this release wrote it: plain SHA-256
    add_user(db, "u2", "case_officer", "320500")  # the first keyed entry; the anchor file says where keys begin
    with db.factory() as s:
        assert audit.verify(s).ok
    _rewrite_chain(db, None, "UPDATE audit_log SET actor = 'mallory' WHERE id = 1")  # the old part rewritten
    with db.factory() as s:
        result = audit.verify(s)
    assert (result.ok, result.first_broken) == (False, 3)
