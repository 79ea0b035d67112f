"""Who is asking: the dependencies that resolve the person behind a page request (session cookie, CSRF token on
forms) or an API call (bearer token or session cookie plus ``X-CSRF-Token``), and the error bodies the API declares.

Pages and JSON routes of every domain module take their caller from here; what the caller may do is decided by
the services they call.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, HTTPException, Request
from pydantic import BaseModel

from ipstrong.accounts.roles import PermissionDenied
from ipstrong.messages import Msg
from ipstrong.web.context import Who, context_of
from ipstrong.web.sessions import csrf_ok

PASSWORD_PAGE = "/account/password"
ALLOWED_BEFORE_CHANGE = (PASSWORD_PAGE, "/logout")
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


async def api_caller(request: Request) -> Who:
    """Dependency of the JSON API: a bearer token with the scope the method needs, or the session cookie (with the
    session's CSRF token in ``X-CSRF-Token`` on writes); 401 when neither is valid. Run on the event loop: its one
    indexed look-up costs less than a hop to the thread pool, where requests queued at 50 clients."""
    ctx = context_of(request)
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    who = ctx.who(request, "write" if write else "read")
    if who is None:
        raise HTTPException(401, "未登录 / not signed in")
    if who.must_change_password:
        raise PermissionDenied(Msg("请先在网页上修改密码", "change your password on the web first"))
    if write and who.session is not None and not csrf_ok(who.session, request.headers.get("x-csrf-token")):
        raise PermissionDenied(Msg("缺少或错误的 CSRF 令牌", "missing or wrong CSRF token"))
    return who


async def page_reader(request: Request) -> Who:
    """:func:`signed_in` as a dependency run on the event loop (see :func:`api_caller`)."""
    return signed_in(request)


SignedIn = Annotated[Who, Depends(page_reader)]
FormSender = Annotated[Who, Depends(form_sender)]
Caller = Annotated[Who, Depends(api_caller)]


class ErrorBody(BaseModel):
    zh: str
    en: str
    status: int


class ErrorOut(BaseModel):
    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "输入无效 / invalid input"},
    409: {"model": ErrorOut, "description": "与已有数据冲突 / conflicts with what is stored"},
    401: {"model": ErrorOut, "description": "未登录或令牌无效 / not signed in or invalid token"},
    403: {"model": ErrorOut, "description": "无权访问 / not allowed"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {**ERRORS, 404: {"model": ErrorOut, "description": "不存在 / not found"}}
