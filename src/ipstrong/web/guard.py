"""The outermost layer of the web application, around everything FastAPI and Starlette build (error pages and
body limits included), so that what it does holds for every response:

- the security headers (and HSTS when served over HTTPS) on every response, a 500 and a 413 included;
- one access-log line per request with its status and duration, the 500s included;
- no request body is read before the sender is known: a POST, PUT, PATCH or DELETE without a valid session or API
  token (the sign-in form excepted) is answered at once — 401 for the API, a redirect to the sign-in page for
  pages — whatever its declared length (OWASP ASVS 13.1, "authenticate before processing");
- a body that stops arriving for ``body_idle_timeout_s`` is refused with 408, so a lying ``Content-Length`` cannot
  hold a connection. Declared and streamed sizes over the route's limit are refused by FastAPI's ``max_body_size``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from anyio import to_thread
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ipstrong.accounts.roles import PermissionDenied
from ipstrong.web.callers import SignInRequired

log = logging.getLogger("ipstrong.web")
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": CSP,
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
OPEN_TO_STRANGERS = {"/login"}  # the only body a stranger may send …
# … besides the bodies sent by a link that is its own key: an unsubscribe link's button and a survey invitation's form
KEYED_LINKS = ("/alerts/unsubscribe/", "/survey/respond/", "/api/v1/survey/responses/")


class Guard:
    """ASGI middleware; ``ctx`` is the application's :class:`ipstrong.web.context.WebContext`."""

    def __init__(self, app: ASGIApp, ctx: Any):
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = {"status": 500, "sent": False}

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"], state["sent"] = message["status"], True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if scope.get("scheme") == "https":
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        try:
            refusal = await self._refusal(scope)
            if refusal is not None:
                await refusal(scope, receive, send_guarded)
            else:
                await self.app(scope, self._idle_limited(receive), send_guarded)
        except Exception as exc:  # ServerErrorMiddleware has answered 500 and re-raises: logged here, once
            log.error("unhandled error", exc_info=exc, extra={"fields": {"path": scope.get("path")}})
            if not state["sent"]:
                await api_error(500, "服务器错误", "server error")(scope, receive, send_guarded)
        finally:
            fields = {
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": state["status"],
                "ms": round((time.perf_counter() - started) * 1000, 1),
            }
            log.info("request", extra={"fields": fields})

    async def _refusal(self, scope: Scope) -> Any:
        """The response for a body sent by nobody we know, or None to go on."""
        path = scope.get("path", "")
        if scope.get("method") not in BODY_METHODS or path in OPEN_TO_STRANGERS or path.startswith(KEYED_LINKS):
            return None
        request = Request(scope)
        try:
            who = await to_thread.run_sync(self.ctx.who, request, "write")
        except PermissionDenied as exc:  # an invalid, revoked or expired token
            return api_error(403, exc.msg.zh, exc.msg.en)
        if who is not None:
            return None
        if scope.get("path", "").startswith("/api/"):
            return api_error(401, "未登录", "not signed in")
        return RedirectResponse(SignInRequired(scope.get("path", "/")).location, status_code=303)

    def _idle_limited(self, receive: Receive) -> Receive:
        """``receive`` that gives up on a body when nothing arrives for the timeout; once the body is whole, waits
        (for a disconnect) are not limited."""
        timeout = self.ctx.settings.body_idle_timeout_s
        whole = False

        async def receive_within_limit() -> Message:
            nonlocal whole
            if whole:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), timeout)
            except TimeoutError:
                raise HTTPException(408, "请求体发送超时 / the request body stopped arriving") from None
            whole = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        return receive_within_limit


def api_error(status: int, zh: str, en: str) -> JSONResponse:
    """The API's one error shape: ``{"error": {"zh", "en", "status"}}``."""
    return JSONResponse({"error": {"zh": zh, "en": en, "status": status}}, status)
