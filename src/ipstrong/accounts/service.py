"""Accounts as service functions: organisations, users, passwords, sign-in with throttling, API tokens.

Every function takes the acting :class:`Actor`, checks permissions here (not only in pages), and records each
change in the audit log inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from ipstrong.accounts import audit, throttle
from ipstrong.accounts.models import ApiToken, AuditEntry, Organisation, User, as_dict, aware, utcnow
from ipstrong.accounts.records import AuditRecord, AuditState, TokenSummary, UserSummary
from ipstrong.accounts.roles import ROLES, Actor, PermissionDenied, in_scope, region_prefix, require
from ipstrong.db import transaction
from ipstrong.ids import CreditCode, InvalidIdentifier
from ipstrong.messages import Conflict, IpsError, Msg, NotFound
from ipstrong.reference.regions import describe_code

MIN_PASSWORD = 10
ORG_KINDS = ("enterprise", "agency", "centre", "office")
USER_FIELDS = ("username", "display_name", "role", "region_code", "organisation_id", "active", "language")
TOKEN_SCOPES = ("read", "write")
_hasher = PasswordHasher()


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.region_code, user.organisation_id)


def _check_region(code: str) -> None:
    if describe_code(code) is None:
        raise IpsError(Msg(f"未知区划代码 {code}", f"unknown region code {code}"))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise IpsError(Msg(f"密码至少 {MIN_PASSWORD} 个字符", f"a password needs at least {MIN_PASSWORD} characters"))


def create_organisation(
    session: Session, actor: Actor, kind: str, name: str, region_code: str, credit_code: str | None = None
) -> Organisation:
    """Register an enterprise, agency, centre or office; enterprises are identified by their credit code."""
    require(actor, "orgs.manage", region_code)
    _check_region(region_code)
    if kind not in ORG_KINDS:
        raise IpsError(Msg(f"未知机构类型 {kind}", f"unknown organisation kind {kind} ({', '.join(ORG_KINDS)})"))
    if credit_code:
        try:
            credit_code = CreditCode.parse(credit_code).canonical
        except InvalidIdentifier as exc:
            raise IpsError(exc.msg.located(field="credit_code")) from None
    elif kind == "enterprise":
        raise IpsError(Msg("企业须有统一社会信用代码", "an enterprise needs its unified social credit code"))
    org = Organisation(kind=kind, name=name, credit_code=credit_code, region_code=region_code)
    session.add(org)
    session.flush()
    fields = ("kind", "name", "credit_code", "region_code")
    audit.append(session, actor.username, "org.create", "organisation", org.id, region_code, None, as_dict(org, fields))
    return org


def create_user(
    session: Session,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    region_code: str,
    display_name: str | None = None,
    organisation_id: int | None = None,
) -> User:
    """Create a user; only administrators of that region may, and nobody may hand out a wider role than theirs."""
    require(actor, "users.manage", region_code)
    if role not in ROLES:
        raise IpsError(Msg(f"未知角色 {role}", f"unknown role {role} ({', '.join(ROLES)})"))
    if ROLES[role].everywhere and not actor.role_info.everywhere:
        raise PermissionDenied(Msg("不能授予省级管理员角色", "only a province administrator can create one"))
    _check_region(region_code)
    _check_password(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(Msg(f"用户名 {username} 已存在", f"username {username} is taken"))
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=_hasher.hash(password),
        role=role,
        region_code=region_code,
        organisation_id=organisation_id,
    )
    session.add(user)
    session.flush()
    audit.append(session, actor.username, "user.create", "user", user.id, region_code, None, as_dict(user, USER_FIELDS))
    return user


def list_users(session: Session, actor: Actor) -> list[UserSummary]:
    """The users within the actor's reach (the region filter runs in the database)."""
    require(actor, "users.manage")
    query = select(User).order_by(User.username)
    if not actor.role_info.everywhere:
        query = query.where(User.region_code.startswith(region_prefix(actor.region_code), autoescape=True))
    return [user_summary(u) for u in session.scalars(query)]


def get_user(factory: sessionmaker[Session], actor: Actor, user_id: int) -> UserSummary:
    """One user in the actor's reach. A user outside it is answered as if it did not exist, and the attempt is
    audited (committed even though the call fails)."""
    require(actor, "users.manage")
    with transaction(factory) as session:
        found = session.get(User, user_id)
        if found is not None and in_scope(actor, found.region_code):
            return user_summary(found)
        if found is not None:
            audit.append(session, actor.username, "access.denied", "user", user_id, actor.region_code)
    raise NotFound(Msg(f"没有编号为 {user_id} 的用户", f"no user {user_id}"))


@dataclass(frozen=True)
class SignIn:
    """A successful sign-in: who, and the session version their cookie carries."""

    actor: Actor
    session_version: int


class TooManyAttempts(IpsError):
    """Sign-in attempts from this address on this account must wait (HTTP 429)."""

    def __init__(self, seconds: int):
        super().__init__(Msg(f"尝试过于频繁，请 {seconds} 秒后再试", f"too many attempts; try again in {seconds} seconds"))
        self.seconds = seconds


@cache
def _unknown_user_hash() -> str:
    """A hash to verify against when the account does not exist, so that both cost the same (no enumeration)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def authenticate(
    factory: sessionmaker[Session],
    username: str,
    password: str,
    address: str = "",
    max_failures: int = 5,
    lock_minutes: int = 15,
) -> SignIn:
    """Check a password, throttled per address and account (:mod:`ipstrong.accounts.throttle`).

    An unknown user and a wrong password get the same message after the same work (a password hash is verified
    either way); every attempt is audited, and the failure counts are committed even though the sign-in fails.
    """
    wrong = IpsError(Msg("用户名或密码错误", "wrong username or password"))
    now = utcnow()
    with transaction(factory) as session:
        wait = throttle.wait_seconds(session, username, address, now)
        if wait > 0:
            after = {"address": address, "wait_s": wait}
            audit.append(session, username[:64], "login.throttled", "user", None, None, None, after)
            outcome: Exception | SignIn = TooManyAttempts(wait)
        else:
            user = session.scalar(select(User).where(User.username == username))
            known = user is not None and user.active
            if known:
                ok = _password_ok(user, password)
            else:
                _verify(_unknown_user_hash(), password)  # the same work as for a real account
                ok = False
            if known and ok:
                user.failed_logins, user.locked_until = 0, None
                if _hasher.check_needs_rehash(user.password_hash):
                    user.password_hash = _hasher.hash(password)
                throttle.forget_account(session, username, address)
                audit.append(session, username, "login", "user", user.id, user.region_code, None, {"address": address})
                outcome = SignIn(actor_of(user), user.session_version)
            else:
                throttle.record_failure(session, username, address, max_failures, lock_minutes, now)
                after = {"address": address, "reason": "wrong" if known else "unknown"}
                if known:
                    user.failed_logins += 1
                    after["failed_logins"] = user.failed_logins
                region = user.region_code if known else None
                audit.append(session, username[:64], "login.failed", "user", user.id if known else None, region, None, after)
                outcome = wrong
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _password_ok(user: User, password: str) -> bool:
    return _verify(user.password_hash, password)


def end_sessions(user: User) -> None:
    """End every browser session of ``user`` (their cookies carry an older session version from now on)."""
    user.session_version = (user.session_version or 1) + 1


def sign_out(session: Session, actor: Actor) -> None:
    """Logout: every session of the account ends, not only this browser's."""
    user = session.get(User, actor.user_id)
    if user is not None:
        end_sessions(user)
        audit.append(session, actor.username, "logout", "user", user.id, user.region_code)


def change_password(session: Session, actor: Actor, old: str, new: str) -> int:
    """Change one's own password; every other session ends. Returns the new session version, for the session in
    which the change was made to go on."""
    user = session.get(User, actor.user_id)
    if user is None or not _password_ok(user, old):
        raise IpsError(Msg("原密码错误", "the current password is wrong"))
    _check_password(new)
    user.password_hash, user.must_change_password = _hasher.hash(new), False
    end_sessions(user)
    audit.append(session, actor.username, "user.password_change", "user", user.id, user.region_code)
    return user.session_version


def find_user(session: Session, username: str) -> User:
    """The user with this name, or a bilingual error naming it."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise IpsError(Msg(f"没有用户 {username}", f"no user {username}"))
    return user


def _managed_user(session: Session, actor: Actor, username: str) -> User:
    """A user the actor administers (``users.manage`` over the user's region)."""
    user = find_user(session, username)
    require(actor, "users.manage", user.region_code)
    return user


def reset_password(session: Session, actor: Actor, username: str, new: str) -> None:
    """An administrator sets a new password; the user must change it at the next sign-in."""
    user = _managed_user(session, actor, username)
    _check_password(new)
    user.password_hash, user.must_change_password = _hasher.hash(new), True
    user.failed_logins, user.locked_until = 0, None
    throttle.forget_account(session, username)
    end_sessions(user)
    audit.append(session, actor.username, "user.password_reset", "user", user.id, user.region_code)


def set_active(session: Session, actor: Actor, username: str, active: bool) -> None:
    """Deactivate (or reactivate) an account: it can no longer sign in, and its API tokens stop working."""
    user = _managed_user(session, actor, username)
    if user.id == actor.user_id:
        raise IpsError(Msg("不能停用自己的账号", "you cannot deactivate your own account"))
    before = as_dict(user, ("active",))
    user.active = active
    end_sessions(user)
    audit.append(
        session,
        actor.username,
        "user.activate" if active else "user.deactivate",
        "user",
        user.id,
        user.region_code,
        before,
        as_dict(user, ("active",)),
    )


def _token_digest(token: str) -> str:
    # tokens are 256 random bits, so a fast hash is as safe as a slow one and keeps every API call cheap
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, actor: Actor, name: str, scopes: list[str], days: int | None = 365) -> tuple[ApiToken, str]:
    """A new API token for the actor; the plain token is returned once and never stored."""
    require(actor, "tokens.own")
    bad = [s for s in scopes if s not in TOKEN_SCOPES]
    if bad or not scopes:
        raise IpsError(Msg(f"无效的权限范围 {bad}", f"invalid scopes {bad} (choose from {', '.join(TOKEN_SCOPES)})"))
    plain = "ips_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.user_id,
        name=name,
        token_hash=_token_digest(plain),
        scopes=sorted(set(scopes)),
        expires_at=utcnow() + dt.timedelta(days=days) if days else None,
    )
    session.add(token)
    session.flush()
    audit.append(
        session,
        actor.username,
        "token.create",
        "api_token",
        token.id,
        actor.region_code,
        None,
        {"name": name, "scopes": token.scopes},
    )
    return token, plain


TOKEN_USE_RECORDED_EVERY = dt.timedelta(minutes=5)


def actor_for_token(reader: sessionmaker[Session], writer: sessionmaker[Session], plain: str, scope: str) -> Actor:
    """The actor behind a bearer token that is valid, unrevoked, unexpired and holds ``scope``.

    Checking reads only; the token's ``last_used_at`` is written at most every few minutes, so API calls do not
    queue on the database's write lock.
    """
    invalid = PermissionDenied(Msg("API 令牌无效、已撤销或已过期", "the API token is invalid, revoked or expired"))
    with reader() as session:
        token = session.scalar(
            select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.token_hash == _token_digest(plain))
        )
        if token is None or token.revoked_at is not None or not token.user.active:
            raise invalid
        if token.user.must_change_password:
            raise PermissionDenied(Msg("请先在网页上修改密码", "change your password on the web first"))
        if token.expires_at is not None and aware(token.expires_at) < utcnow():
            raise invalid
        if scope not in token.scopes:
            raise PermissionDenied(Msg(f"令牌没有 {scope} 权限", f"the token lacks the {scope} scope"))
        actor, token_id, last_used = actor_of(token.user), token.id, token.last_used_at
    if last_used is None or aware(last_used) < utcnow() - TOKEN_USE_RECORDED_EVERY:
        with transaction(writer) as session:
            session.get(ApiToken, token_id).last_used_at = utcnow()
    return actor


def revoke_token(session: Session, actor: Actor, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.user_id and not actor.role_info.everywhere):
        raise IpsError(Msg(f"没有令牌 {token_id}", f"no token {token_id}"))
    token.revoked_at = utcnow()
    audit.append(session, actor.username, "token.revoke", "api_token", token.id, actor.region_code)


def user_summary(user: User) -> UserSummary:
    """What a list of users shows of one."""
    role = ROLES[user.role]
    return UserSummary(**as_dict(user, USER_FIELDS), id=user.id, role_zh=role.name_zh, role_en=role.name_en)


def own_tokens(session: Session, actor: Actor) -> list[TokenSummary]:
    """The actor's own API tokens, revoked ones included, oldest first."""
    require(actor, "tokens.own")
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == actor.user_id).order_by(ApiToken.id))
    return [
        TokenSummary(
            id=t.id, name=t.name, scopes=t.scopes, created_at=t.created_at, expires_at=t.expires_at, revoked_at=t.revoked_at,
            last_used_at=t.last_used_at,
        )
        for t in rows
    ]  # fmt: skip


def audit_entries(session: Session, actor: Actor, limit: int = 50) -> list[AuditRecord]:
    """The newest audit entries the actor may see (their region's, or all for those who see everywhere)."""
    require(actor, "audit.read")
    newest = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(4 * limit)).all()
    seen = [e for e in newest if actor.role_info.everywhere or in_scope(actor, e.region_code)][:limit]
    return [
        AuditRecord(id=e.id, at=e.at, actor=e.actor, action=e.action, entity=e.entity, entity_id=e.entity_id,
                    region_code=e.region_code, before=e.before, after=e.after)
        for e in seen
    ]  # fmt: skip


def audit_state(session: Session, actor: Actor, limit: int = 50) -> AuditState:
    """The audit chain verified from its first entry, and its newest entries the actor may see."""
    newest = audit_entries(session, actor, limit)
    return AuditState(**audit.verify(session).to_dict(), newest=newest)
