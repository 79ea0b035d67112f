"""Accounts on the web: sign-in and sign-out, language, the signed-in person (``/api/v1/me``), user administration
(``/admin/users`` and ``/api/v1/users``), the audit log (``/admin/audit`` and ``/api/v1/audit``), the password form
and the person's API tokens (``/account/tokens`` and ``/api/v1/tokens``). Each page renders the same service call
as its JSON twin."""

from __future__ import annotations

from enum import Enum
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ipstrong.accounts.records import AuditState, TokenSummary, UserSummary
from ipstrong.accounts.roles import ROLES
from ipstrong.accounts.service import (
    TooManyAttempts,
    audit_state,
    authenticate,
    change_password,
    create_token,
    create_user,
    get_user,
    list_users,
    own_tokens,
    reset_password,
    revoke_token,
    set_active,
    sign_out,
    user_summary,
)
from ipstrong.db import transaction
from ipstrong.messages import IpsError, Msg
from ipstrong.web.callers import ERRORS, NOT_FOUND, Caller, FormSender, SignedIn
from ipstrong.web.context import Who, context_of
from ipstrong.web.params import JiangsuRegion, PathWord, RowId, Text
from ipstrong.web.sessions import COOKIE, LANG_COOKIE, LOGIN_COOKIE, MAX_AGE_S

router = APIRouter()
Message = Annotated[str | None, Query(max_length=200)]
RoleName = Enum("RoleName", {name: name for name in ROLES}, type=str)  # type: ignore[misc]


class Me(BaseModel):
    username: str
    role: str
    region_code: str
    organisation_id: int | None


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=10, max_length=200)
    role: RoleName  # type: ignore[valid-type]
    region_code: JiangsuRegion  # type: ignore[valid-type]
    display_name: str | None = Field(default=None, max_length=100)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


# --- signing in and out -----------------------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: Text = "/") -> Response:
    return _login_form(request, next, None, 200)


def _login_form(request: Request, next: str, error: str | None, status: int) -> Response:
    """The sign-in page with a fresh login token in its form and cookie."""
    ctx = context_of(request)
    token = ctx.codec.login_token()
    response = ctx.render(request, "login.html", {"next": next, "error": error, "login_token": token}, status=status)
    response.set_cookie(LOGIN_COOKIE, token, max_age=MAX_AGE_S, httponly=True, samesite="strict", secure=_secure(request))
    return response


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "/",
    login_token: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    ctx = context_of(request)
    if not ctx.codec.login_token_ok(request.cookies.get(LOGIN_COOKIE), login_token):
        expired = Msg("登录表单已过期或来源不明，请重试", "the sign-in form expired or did not come from this site; try again")
        return _login_form(request, next, str(expired), 403)
    address = request.client.host if request.client else ""
    try:
        signed = authenticate(
            ctx.factory, username, password, address, ctx.settings.login_max_failures, ctx.settings.login_lock_minutes
        )
    except TooManyAttempts as exc:
        response = _login_form(request, next, str(exc.msg), 429)
        response.headers["Retry-After"] = str(exc.seconds)
        return response
    except IpsError as exc:
        return _login_form(request, next, str(exc.msg), 401)
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    _set_session(request, response, signed.actor.user_id, signed.session_version)
    response.delete_cookie(LOGIN_COOKIE)
    return response


def _set_session(request: Request, response: Response, user_id: int, version: int) -> None:
    cookie, _session = context_of(request).codec.issue(user_id, version)
    response.set_cookie(COOKIE, cookie, max_age=MAX_AGE_S, httponly=True, samesite="lax", secure=_secure(request))


@router.post("/logout", include_in_schema=False)
def logout(request: Request, who: FormSender) -> Response:
    """Sign out: every session of the account ends (a cookie copied before is no use afterwards)."""
    with transaction(context_of(request).factory) as s:
        sign_out(s, who.actor)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/lang/{lang}", include_in_schema=False)
def switch_language(request: Request, lang: PathWord, next: Text = "/") -> Response:
    response = RedirectResponse(next if next.startswith("/") and not next.startswith("//") else "/", status_code=303)
    response.set_cookie(LANG_COOKIE, "en" if lang == "en" else "zh", max_age=365 * 86400, samesite="lax", secure=_secure(request))
    return response


@router.get("/api/v1/me", response_model=Me, responses=ERRORS, summary="当前账号 / who am I", tags=["v1"])
def me(who: Caller) -> Me:
    a = who.actor
    return Me(username=a.username, role=a.role, region_code=a.region_code, organisation_id=a.organisation_id)


# --- users --------------------------------------------------------------------------------------------------------
@router.get("/admin/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(request: Request, who: SignedIn, message: Message = None) -> Response:
    ctx = context_of(request)
    with ctx.reader() as s:
        users = list_users(s, who.actor)
    roles = [r for r in ROLES.values() if who.actor.role_info.everywhere or not r.everywhere]
    return ctx.render(request, "users.html", {"users": users, "roles": roles, "message": message}, who=who)


@router.get(
    "/api/v1/users", response_model=list[UserSummary], responses=ERRORS, summary="用户列表 / users in my region", tags=["v1"]
)
async def users(request: Request, who: Caller) -> list[UserSummary]:  # short indexed reads: on the event loop
    with context_of(request).reader() as s:
        return list_users(s, who.actor)


@router.get(
    "/api/v1/users/{user_id}", response_model=UserSummary, responses=NOT_FOUND, summary="一个用户 / one user", tags=["v1"]
)
def user(request: Request, who: Caller, user_id: RowId) -> UserSummary:
    return get_user(context_of(request).factory, who.actor, user_id)


@router.post("/admin/users", include_in_schema=False)
def users_create(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()],
    region_code: Annotated[str, Form()],
    who: FormSender,
    display_name: Annotated[str, Form()] = "",
) -> Response:
    with transaction(context_of(request).factory) as s:
        create_user(s, who.actor, username.strip(), password, role, region_code.strip(), display_name.strip() or None)
    return RedirectResponse(f"/admin/users?message={quote(username)}", status_code=303)


@router.post(
    "/api/v1/users",
    response_model=UserSummary,
    status_code=201,
    responses=ERRORS,
    summary="新建用户 / create a user",
    tags=["v1"],
)
def add_user(request: Request, who: Caller, body: UserIn) -> UserSummary:
    with transaction(context_of(request).factory) as s:
        created = create_user(
            s, who.actor, body.username, body.password, body.role.value, body.region_code.value, body.display_name
        )
        return user_summary(created)


@router.post("/admin/users/{username}/reset-password", include_in_schema=False)
def users_reset_password(request: Request, who: FormSender, username: str, password: Annotated[str, Form()]) -> Response:
    """An administrator sets a new password; the user must change it at the next sign-in."""
    with transaction(context_of(request).factory) as s:
        reset_password(s, who.actor, username, password)
    return RedirectResponse(f"/admin/users?message={quote(username)}", status_code=303)


@router.post("/admin/users/{username}/active", include_in_schema=False)
def users_set_active(request: Request, who: FormSender, username: str, active: Annotated[bool, Form()] = False) -> Response:
    with transaction(context_of(request).factory) as s:
        set_active(s, who.actor, username, active)
    return RedirectResponse(f"/admin/users?message={quote(username)}", status_code=303)


# --- the audit log ----------------------------------------------------------------------------------------------
@router.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, who: SignedIn) -> Response:
    ctx = context_of(request)
    with ctx.reader() as s:
        state = audit_state(s, who.actor)
    return ctx.render(request, "audit.html", {"result": state, "entries": state.newest}, who=who)


@router.get("/api/v1/audit", response_model=AuditState, responses=ERRORS, summary="审计日志 / the audit log", tags=["v1"])
def audit_log(request: Request, who: Caller) -> AuditState:
    """Whether the tamper-evident chain is intact, and its newest entries in the caller's region."""
    with context_of(request).reader() as s:
        return audit_state(s, who.actor)


# --- password -----------------------------------------------------------------------------------------------------
@router.get("/account/password", response_class=HTMLResponse, include_in_schema=False)
def password_page(request: Request, who: SignedIn, message: Message = None) -> Response:
    return context_of(request).render(request, "password.html", {"message": message, "error": None}, who=who)


@router.post("/account/password", include_in_schema=False)
def password_change(request: Request, who: FormSender, current: Annotated[str, Form()], new: Annotated[str, Form()]) -> Response:
    ctx = context_of(request)
    try:
        with transaction(ctx.factory) as s:
            version = change_password(s, who.actor, current, new)
    except IpsError as exc:
        return ctx.render(request, "password.html", {"message": None, "error": str(exc.msg)}, status=400, who=who)
    response = RedirectResponse("/account/password?message=ok", status_code=303)
    _set_session(request, response, who.actor.user_id, version)  # this session goes on; every other one ended
    return response


# --- API tokens ---------------------------------------------------------------------------------------------------
@router.get("/account/tokens", response_class=HTMLResponse, include_in_schema=False)
def tokens_page(request: Request, who: SignedIn) -> Response:
    return _tokens_render(request, who, None)


@router.get(
    "/api/v1/tokens", response_model=list[TokenSummary], responses=ERRORS, summary="我的 API 令牌 / my API tokens", tags=["v1"]
)
def tokens(request: Request, who: Caller) -> list[TokenSummary]:
    with context_of(request).reader() as s:
        return own_tokens(s, who.actor)


def _tokens_render(request: Request, who: Who, new_token: str | None) -> Response:
    ctx = context_of(request)
    with ctx.reader() as s:
        found = own_tokens(s, who.actor)
    return ctx.render(request, "tokens.html", {"tokens": found, "new_token": new_token}, who=who)


@router.post("/account/tokens", include_in_schema=False)
def tokens_create(
    request: Request,
    name: Annotated[str, Form()],
    who: FormSender,
    write: Annotated[bool, Form()] = False,
) -> Response:
    """Issue a token; the page shows it once (it is stored only as a hash)."""
    with transaction(context_of(request).factory) as s:
        _token, plain = create_token(s, who.actor, name.strip()[:100] or "api", ["read", "write"] if write else ["read"])
    return _tokens_render(request, who, plain)


@router.post("/account/tokens/{token_id}/revoke", include_in_schema=False)
def tokens_revoke(request: Request, who: FormSender, token_id: RowId) -> Response:
    with transaction(context_of(request).factory) as s:
        revoke_token(s, who.actor, token_id)
    return RedirectResponse("/account/tokens", status_code=303)
