"""Server-rendered pages: sign-in, the home page of each role, user administration, audit, password, language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from ipstrong.accounts import audit
from ipstrong.accounts.models import AuditEntry
from ipstrong.accounts.roles import ROLES, PermissionDenied, in_scope, require
from ipstrong.accounts.service import (
    TooManyAttempts,
    authenticate,
    change_password,
    create_user,
    list_users,
    reset_password,
    set_active,
    sign_out,
)
from ipstrong.db import transaction
from ipstrong.messages import IpsError, Msg
from ipstrong.web.context import Who, context_of
from ipstrong.web.params import FormId, PathWord, RowId, RowIdQuery, Text, Word, YearQuery
from ipstrong.web.sessions import COOKIE, LANG_COOKIE, LOGIN_COOKIE, MAX_AGE_S, csrf_ok

router = APIRouter(include_in_schema=False)
INGEST_UPLOAD_CEILING = 4 * 1024**3  # an export uploaded for ingest (streamed to disk): the app's 1 MB body limit is for forms
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SignInRequired(Exception):
    """No valid session: the app answers with a redirect to the sign-in page."""

    def __init__(self, path: str):
        super().__init__(path)
        self.location = f"/login?next={quote(path)}"


class PasswordChangeRequired(SignInRequired):
    """Signed in with a password an administrator set: every page leads to the password form until it is changed."""

    def __init__(self) -> None:
        super().__init__(PASSWORD_PAGE)
        self.location = PASSWORD_PAGE


PASSWORD_PAGE = "/account/password"
ALLOWED_BEFORE_CHANGE = (PASSWORD_PAGE, "/logout")


def signed_in(request: Request) -> Who:
    """Dependency: the signed-in person, or a redirect to the sign-in page (to the password form while an
    administrator's password must still be changed)."""
    who = context_of(request).who(request)
    if who is None:
        raise SignInRequired(request.url.path)
    if who.must_change_password and request.url.path not in ALLOWED_BEFORE_CHANGE:
        raise PasswordChangeRequired()
    return who


def form_sender(request: Request, csrf_token: Annotated[str, Form()] = "") -> Who:
    """Dependency for forms that change something: signed in, and the form carries this session's CSRF token."""
    who = signed_in(request)
    if who.session is None or not csrf_ok(who.session, csrf_token):
        raise PermissionDenied(
            Msg("表单已过期或来源不明，请刷新后重试", "the form expired or did not come from this site; reload and retry")
        )
    return who


SignedIn = Annotated[Who, Depends(signed_in)]
FormSender = Annotated[Who, Depends(form_sender)]


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: Text = "/") -> Response:
    return _login_form(request, next, None, 200)


def _login_form(request: Request, next: str, error: str | None, status: int) -> Response:
    """The sign-in page with a fresh login token in its form and cookie."""
    ctx = context_of(request)
    token = ctx.codec.login_token()
    response = ctx.render(request, "login.html", {"next": next, "error": error, "login_token": token}, status=status)
    response.set_cookie(LOGIN_COOKIE, token, max_age=MAX_AGE_S, httponly=True, samesite="strict", secure=_secure(request))
    return response


@router.post("/login")
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


@router.post("/logout")
def logout(request: Request, who: FormSender) -> Response:
    """Sign out: every session of the account ends (a cookie copied before is no use afterwards)."""
    with transaction(context_of(request).factory) as s:
        sign_out(s, who.actor)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: PathWord, next: Text = "/") -> Response:
    response = RedirectResponse(next if next.startswith("/") and not next.startswith("//") else "/", status_code=303)
    response.set_cookie(LANG_COOKIE, "en" if lang == "en" else "zh", max_age=365 * 86400, samesite="lax", secure=_secure(request))
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, who: SignedIn) -> Response:
    summary = context_of(request).warehouse_summary()
    cities = [c for c in summary["by_city"] if c["city_code"] and in_scope(who.actor, c["city_code"])]
    return context_of(request).render(request, "home.html", {"summary": summary, "cities": cities}, who=who)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, who: SignedIn, message: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    ctx = context_of(request)
    with ctx.reader() as s:
        users = list_users(s, who.actor)
    roles = [r for r in ROLES.values() if who.actor.role_info.everywhere or not r.everywhere]
    return ctx.render(request, "users.html", {"users": users, "roles": roles, "message": message}, who=who)


@router.post("/admin/users")
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


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(request: Request, who: SignedIn) -> Response:
    require(who.actor, "audit.read")
    ctx = context_of(request)
    with ctx.reader() as s:
        result = audit.verify(s)
        newest = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(200)).all()
        entries = [e for e in newest if who.actor.role_info.everywhere or in_scope(who.actor, e.region_code)][:50]
    return ctx.render(request, "audit.html", {"result": result, "entries": entries}, who=who)


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, who: SignedIn, message: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    return context_of(request).render(request, "password.html", {"message": message, "error": None}, who=who)


@router.post("/account/password")
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


def _jobs_values(request: Request, who: Who) -> dict:
    from ipstrong.jobs import job_summary, visible_jobs

    with context_of(request).reader() as s:
        return {"jobs": [job_summary(j) for j in visible_jobs(s, who.actor)]}


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, who: SignedIn) -> Response:
    require(who.actor, "records.write")
    return context_of(request).render(request, "jobs.html", _jobs_values(request, who), who=who)


@router.get("/jobs/table", response_class=HTMLResponse)
def jobs_table(request: Request, who: SignedIn) -> Response:
    """The job table alone: the page polls it with HTMX every two seconds."""
    require(who.actor, "records.write")
    return context_of(request).render(request, "jobs_table.html", _jobs_values(request, who), who=who)


@router.post("/jobs/ingest", max_body_size=INGEST_UPLOAD_CEILING)
def jobs_ingest(request: Request, who: FormSender, file: Annotated[UploadFile, File()]) -> Response:
    """Upload a CNIPA export or event file and queue its ingest."""
    from uuid import uuid4

    from ipstrong.jobs import enqueue

    require(who.actor, "warehouse.write")
    ctx = context_of(request)
    uploads = ctx.data_dir / "uploads"
    uploads.mkdir(exist_ok=True)
    name = Path(file.filename or "upload").name
    target = uploads / f"{uuid4().hex[:8]}-{name}"
    with target.open("wb") as out:
        while chunk := file.file.read(1 << 20):
            out.write(chunk)
    enqueue(ctx.settings, who.actor, "ingest", {"files": [str(target)], "status_date": None})
    return RedirectResponse("/jobs", status_code=303)


@router.get("/account/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, who: SignedIn) -> Response:
    return _tokens_render(request, who, None)


def _tokens_render(request: Request, who: Who, new_token: str | None) -> Response:
    from ipstrong.accounts.models import ApiToken

    require(who.actor, "tokens.own")
    ctx = context_of(request)
    with ctx.reader() as s:
        tokens = s.scalars(select(ApiToken).where(ApiToken.user_id == who.actor.user_id).order_by(ApiToken.id)).all()
    return ctx.render(request, "tokens.html", {"tokens": tokens, "new_token": new_token}, who=who)


@router.post("/account/tokens")
def tokens_create(
    request: Request,
    name: Annotated[str, Form()],
    who: FormSender,
    write: Annotated[bool, Form()] = False,
) -> Response:
    """Issue a token; the page shows it once (it is stored only as a hash)."""
    from ipstrong.accounts.service import create_token

    with transaction(context_of(request).factory) as s:
        _token, plain = create_token(s, who.actor, name.strip()[:100] or "api", ["read", "write"] if write else ["read"])
    return _tokens_render(request, who, plain)


@router.post("/account/tokens/{token_id}/revoke")
def tokens_revoke(request: Request, who: FormSender, token_id: RowId) -> Response:
    from ipstrong.accounts.service import revoke_token

    with transaction(context_of(request).factory) as s:
        revoke_token(s, who.actor, token_id)
    return RedirectResponse("/account/tokens", status_code=303)


@router.post("/admin/users/{username}/reset-password")
def users_reset_password(request: Request, who: FormSender, username: str, password: Annotated[str, Form()]) -> Response:
    """An administrator sets a new password; the user must change it at the next sign-in."""
    with transaction(context_of(request).factory) as s:
        reset_password(s, who.actor, username, password)
    return RedirectResponse(f"/admin/users?message={quote(username)}", status_code=303)


@router.post("/admin/users/{username}/active")
def users_set_active(request: Request, who: FormSender, username: str, active: Annotated[bool, Form()] = False) -> Response:
    with transaction(context_of(request).factory) as s:
        set_active(s, who.actor, username, active)
    return RedirectResponse(f"/admin/users?message={quote(username)}", status_code=303)


# --- applicant entities ---------------------------------------------------------------------------------------
@router.get("/entities", response_class=HTMLResponse)
def entities_page(request: Request, who: SignedIn, q: Text = "", entity: RowIdQuery = None) -> Response:
    from ipstrong.ingest.entity_store import counts, find_entities, get_entity, open_candidates

    require(who.actor, "records.read")
    ctx = context_of(request)
    with ctx.reader() as s:
        values = {
            "q": q,
            "found": find_entities(s, q[:200], 50) if q.strip() else [],
            "chosen": get_entity(s, entity) if entity else None,
            "pairs": open_candidates(s, 50),
            "stats": counts(s),
        }
    return ctx.render(request, "entities.html", values, who=who)


@router.post("/entities/merge")
def entities_merge_form(request: Request, who: FormSender, keep: FormId, other: FormId) -> Response:
    from ipstrong.ingest.entity_store import merge

    with transaction(context_of(request).factory) as s:
        merge(s, who.actor, keep, other)
    return RedirectResponse(f"/entities?entity={keep}", status_code=303)


@router.post("/entities/move")
def entities_move_form(request: Request, who: FormSender, name: Annotated[str, Form()]) -> Response:
    from ipstrong.ingest.entity_store import move_name

    with transaction(context_of(request).factory) as s:
        moved = move_name(s, who.actor, name, None)
    return RedirectResponse(f"/entities?entity={moved['id']}", status_code=303)


@router.post("/entities/pairs/{pair_id}/reject")
def entities_reject_form(request: Request, who: FormSender, pair_id: RowId) -> Response:
    from ipstrong.ingest.entity_store import reject_candidate

    with transaction(context_of(request).factory) as s:
        reject_candidate(s, who.actor, pair_id)
    return RedirectResponse("/entities", status_code=303)


@router.post("/entities/apply")
def entities_apply_form(request: Request, who: FormSender) -> Response:
    from ipstrong.jobs import enqueue

    enqueue(context_of(request).settings, who.actor, "entities", {})  # the job's permission is checked on submit
    return RedirectResponse("/jobs", status_code=303)


# --- working days ------------------------------------------------------------------------------------------------
@router.get("/calendar", response_class=HTMLResponse)
def calendar_page(
    request: Request,
    who: SignedIn,
    year: YearQuery = None,
    start: Word = "",
    n: Annotated[int | None, Query(ge=0, le=3650)] = None,
    months: Annotated[int | None, Query(ge=0, le=1200)] = None,
) -> Response:
    """The holiday table of a year (editable by the province administrator) and a deadline calculator."""
    from ipstrong.matters.service import limit_parameters
    from ipstrong.matters.workdays import add_months, add_working_days, days_of_year, load

    ctx = context_of(request)
    today = dt.date.today()
    year = year if year and 1990 <= year <= 2199 else today.year
    result = None
    with transaction(ctx.factory) as s:
        calendar = load(s)
        days = days_of_year(s, year)
        limits = limit_parameters(s)
    if start:
        try:
            day = dt.date.fromisoformat(start)
        except ValueError:
            raise IpsError(Msg(f"日期无效：{start}", f"invalid date: {start}")) from None
        if months is not None:
            result = add_months(calendar, day, min(max(months, 0), 120))
        elif n is not None:
            result = add_working_days(calendar, day, min(max(n, 0), 3650))
    values = {"year": year, "days": days, "result": result, "start": start, "n": n, "months": months, "limits": limits,
              "can_edit": "calendar.manage" in who.actor.role_info.permissions}  # fmt: skip
    return ctx.render(request, "calendar.html", values, who=who)


@router.post("/calendar/limits")
def calendar_limit(
    request: Request,
    who: FormSender,
    limit: Annotated[str, Form(max_length=81)],
    amount: Annotated[int, Form(ge=1, le=3650)],
    source: Annotated[str, Form(max_length=300)],
) -> Response:
    """Set the office's figure for an unverified limit (``type.rule``)."""
    from ipstrong.matters.service import set_limit

    type_id, _, rule = limit.partition(".")
    with transaction(context_of(request).factory) as s:
        set_limit(s, who.actor, type_id, rule, amount, source)
    return RedirectResponse("/calendar#limits", status_code=303)


@router.post("/calendar")
def calendar_set(
    request: Request,
    who: FormSender,
    day: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
) -> Response:
    from ipstrong.matters.service import set_calendar_day

    try:
        parsed = dt.date.fromisoformat(day)
    except ValueError:
        raise IpsError(Msg(f"日期无效：{day}", f"invalid date: {day}")) from None
    with transaction(context_of(request).factory) as s:
        set_calendar_day(s, who.actor, parsed, None if kind == "none" else kind, name.strip(), source.strip())
    return RedirectResponse(f"/calendar?year={parsed.year}", status_code=303)
