"""The FastAPI application: pages, JSON API, health, local API docs, security headers, logs, error pages.

Everything the browser loads is served from this process (no CDN): the platform runs on networks without
internet. Business rules stay in the service layer; handlers here translate HTTP to service calls and back.
"""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from anyio import CapacityLimiter, to_thread
from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from ipstrong import __version__
from ipstrong.accounts.roles import PermissionDenied
from ipstrong.config import Settings, data_dir
from ipstrong.db import Timeouts, is_busy, platform_engine, reader_factory, session_factory
from ipstrong.messages import Conflict, IpsError, NotFound
from ipstrong.web import (
    accounts,
    alerts,
    awards,
    calendar,
    compliance,
    entities,
    indicators,
    matters_api,
    matters_pages,
    navigation_pages,
    network,
    patents,
    public,
    registry,
    search,
    valuation,
    warehouse,
)
from ipstrong.web.callers import SignInRequired
from ipstrong.web.context import WebContext, Who, context_of
from ipstrong.web.guard import Guard, api_error
from ipstrong.web.i18n import t
from ipstrong.web.sessions import SessionCodec, secret_key

WEB = Path(str(files("ipstrong") / "web"))
MAX_BODY = 1_000_000
log = logging.getLogger("ipstrong.web")


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: what log collectors read."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exc"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def _configure_logging() -> None:
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonLogFormatter())
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


class Platform(FastAPI):
    """The FastAPI application with :class:`ipstrong.web.guard.Guard` around everything it builds."""

    def build_middleware_stack(self) -> ASGIApp:
        return Guard(super().build_middleware_stack(), self.state.ctx)


def create_app(cfg: Settings) -> FastAPI:
    """Build the application for one data directory and database."""
    _configure_logging()
    engine = platform_engine(cfg, Timeouts(cfg.db_statement_timeout_s, cfg.db_lock_timeout_s, cfg.db_pool_timeout_s))
    health = CapacityLimiter(2)  # /readyz has threads of its own: it answers when every request thread is stuck
    ctx = WebContext(
        settings=cfg,
        data_dir=data_dir(cfg.data_dir),
        engine=engine,
        factory=session_factory(engine),
        reader=reader_factory(engine),
        codec=SessionCodec(secret_key(data_dir(cfg.data_dir))),
        templates=Jinja2Templates(directory=str(WEB / "templates")),
        limiter=public.rate_limiter(cfg.redis_url),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx.warehouse_summary()  # ready before the first home page is asked for
        yield
        engine.dispose()

    app = Platform(
        lifespan=lifespan,
        max_body_size=MAX_BODY,  # FastAPI's own limit: declared lengths and streamed (chunked) bodies alike
        title="ipstrong API",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        description="知识产权强省平台接口 / the IP-strong province platform's JSON API",
    )
    app.state.ctx = ctx
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")
    for domain in (
        accounts, warehouse, indicators, search, patents, entities, calendar, matters_pages, matters_api, registry, awards,
        compliance, valuation, navigation_pages, alerts, network, public,
    ):  # fmt: skip
        app.include_router(domain.router)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(_request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(exc.location, status_code=303)

    @app.exception_handler(PermissionDenied)
    async def denied(request: Request, exc: PermissionDenied) -> Response:
        return _error(request, 403, "forbidden", str(exc.msg))

    @app.exception_handler(IpsError)
    async def refused(request: Request, exc: IpsError) -> Response:
        status = 409 if isinstance(exc, Conflict) else 404 if isinstance(exc, NotFound) else 400
        return _error(request, status, "not_found" if status == 404 else "bad_request", str(exc.msg))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        key = {404: "not_found", 403: "forbidden", 413: "too_large", 408: "body_timed_out", 429: "too_many_requests"}.get(
            exc.status_code, "bad_request"
        )
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 413 else None
        response = _error(request, exc.status_code, key, detail)
        response.headers.update(exc.headers or {})  # Retry-After of a 429, WWW-Authenticate of a 401
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        """The API answers FastAPI's 422 with the fields; a page says which value it refused."""
        if request.url.path.startswith("/api/"):
            return await request_validation_exception_handler(request, exc)
        names = ", ".join(str(e["loc"][-1]) for e in exc.errors())
        return _error(request, 422, "bad_request", f"参数无效：{names} / invalid value: {names}")

    @app.exception_handler(OverflowError)
    @app.exception_handler(sa_exc.DataError)
    async def out_of_range(request: Request, _exc: Exception) -> Response:
        """A value the schema let through that a date or a database column cannot hold: the caller's, not ours."""
        return _error(request, 400, "out_of_range", None)

    @app.exception_handler(sa_exc.TimeoutError)
    @app.exception_handler(sa_exc.OperationalError)
    async def database_busy(request: Request, exc: Exception) -> Response:
        if not is_busy(exc):
            raise exc
        log.warning("database busy", extra={"fields": {"path": request.url.path, "error": type(exc).__name__}})
        response = _error(request, 503, "database_busy", None)
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        return _error(request, 500, "server_error", None)  # the guard logs it

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        """The process answers (on the event loop: no request thread or database needed)."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        """The database answers and its writers are not stuck, within a few seconds."""
        checks: dict[str, Any] = {}
        try:
            await asyncio.wait_for(to_thread.run_sync(_database_check, engine, limiter=health), READY_WITHIN_S)
            checks["database"] = "ok"
        except TimeoutError:
            checks["database"] = f"error: no answer within {READY_WITHIN_S:g} s"
        except Exception as exc:  # any failure: not ready, and say which
            checks["database"] = f"error: {type(exc).__name__}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, 200 if ready else 503)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        """What browsers ask for on their own: the icon the pages link."""
        return RedirectResponse("/static/favicon.svg", status_code=301)

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        return ctx.templates.TemplateResponse(request, "docs.html", {"spec": app.openapi_url})

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        return ctx.templates.TemplateResponse(request, "redoc.html", {"spec": app.openapi_url})

    return app


READY_WITHIN_S = 3.0


def _database_check(engine: Any) -> None:
    """A connection, a query, and the lock every write takes (the audit chain's on PostgreSQL, the write lock on
    SQLite) had within a second."""
    from ipstrong.accounts.audit import ADVISORY_KEY

    if engine.dialect.name == "postgresql":
        with engine.connect() as conn, conn.begin():
            conn.execute(text("SET LOCAL lock_timeout = '1s'"))
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY})
        return
    with engine.connect() as conn:
        raw = conn.connection.driver_connection  # in autocommit mode (see ipstrong.db): BEGIN is ours to say
        waited = raw.execute("PRAGMA busy_timeout").fetchone()[0]
        raw.execute("PRAGMA busy_timeout = 1000")
        try:
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("ROLLBACK")
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(waited)}")


def app_from_environment() -> FastAPI:
    """The application for ``IPSTRONG_DATA_DIR`` and its settings: what each uvicorn worker process builds."""
    from ipstrong.config import settings

    return create_app(settings())


def _error(request: Request, status: int, key: str, detail: str | None) -> Response:
    """A JSON error for the API, a page for people; never a stack trace."""
    if request.url.path.startswith("/api/"):
        zh, _, en = (detail or f"{t(key, 'zh')} / {t(key, 'en')}").partition(" / ")
        return api_error(status, zh, en or zh)
    ctx = context_of(request)
    values = {"status": status, "key": key, "detail": detail}
    return ctx.render(request, "error.html", values, status=status, who=None if status == 503 else _signed_in(ctx, request))


def _signed_in(ctx: WebContext, request: Request) -> Who | None:
    """Who is asking, for the navigation of an error page; None when that cannot be told (the page still shows)."""
    try:
        return ctx.who(request)
    except Exception:  # an error page must not fail in its turn: it is shown without the navigation
        return None
