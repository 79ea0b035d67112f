"""What every handler needs: settings, the database, the session codec, templates, and who is asking."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request, UploadFile
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ipstrong.accounts.models import User
from ipstrong.accounts.roles import ROLES, Actor
from ipstrong.accounts.service import actor_for_token, actor_of
from ipstrong.config import Settings
from ipstrong.reference.regions import region_name
from ipstrong.vocabulary import word
from ipstrong.web.i18n import LANGUAGES, t
from ipstrong.web.sessions import COOKIE, LANG_COOKIE, SessionCodec, SessionData

# Navigation entries: (path, word key, permission needed or None for every signed-in person)
NAV = [
    ("/", "home", None),
    ("/search", "search", None),
    ("/indicators", "indicators", None),
    ("/navigation", "navigation_nav", "records.read"),
    ("/assess", "assessment", "records.read"),
    ("/admin/users", "users", "users.manage"),
    ("/admin/audit", "audit", "audit.read"),
    ("/entities", "entities", "records.read"),
    ("/matters", "matters", None),
    ("/matters/board", "matters_board", "records.read"),
    ("/campaigns", "campaigns", "records.read"),
    ("/cases", "typical_cases", None),
    ("/portfolio", "portfolio", "records.read.own"),
    ("/pledges", "pledges", "records.read"),
    ("/match", "match", None),
    ("/valuation", "valuation_nav", None),
    ("/enterprises", "enterprises_nav", "records.read"),
    ("/cultivation", "cultivation", "records.read"),
    ("/compliance", "compliance_nav", "records.read"),
    ("/compliance", "compliance_nav", "records.read.own"),
    ("/projects", "projects", "records.read"),
    ("/awards", "patent_award", "records.read"),
    ("/awards/review", "award_review", "awards.score"),
    ("/alerts", "alerts_nav", "records.read"),
    ("/alerts", "alerts_nav", "records.read.own"),
    ("/alerts/warnings", "warnings_nav", "records.read"),
    ("/alerts/warnings", "warnings_nav", "records.read.own"),
    ("/alerts/info", "info_nav", None),
    ("/alerts/experts", "experts_nav", "records.read"),
    ("/agencies", "agencies_nav", "records.read"),
    ("/points", "points_nav", "records.read"),
    ("/points", "points_nav", "records.read.own"),
    ("/talent", "talent_nav", "records.read"),
    ("/talent/titles", "titles_nav", "records.read"),
    ("/talent/titles", "titles_nav", "titles.score"),
    ("/needs", "needs_nav", "records.read"),
    ("/needs", "needs_nav", "records.read.own"),
    ("/survey", "survey_nav", "records.read"),
    ("/calendar", "calendar", None),
    ("/jobs", "jobs", "records.write"),
    ("/account/tokens", "api_tokens", "tokens.own"),
    ("/account/password", "change_password", None),
    ("/docs", "api_docs", None),
]


# what anyone sees without signing in: the public portal (free public information) and the sign-in page
PUBLIC_NAV = [
    ("/public", "public_figures"),
    ("/public/search", "public_search"),
    ("/public/cases", "typical_cases"),
    ("/public/services", "public_services"),
    ("/public/open-licences", "open_licences"),
    ("/public/patent-award", "patent_award_results"),
    ("/public/agencies", "agency_directory"),
    ("/login", "sign_in"),
]


@dataclass
class Who:
    """The person behind a request: the actor, their user row's display name, and the session (if by cookie)."""

    actor: Actor
    display_name: str
    session: SessionData | None
    must_change_password: bool = False


@dataclass
class WebContext:
    settings: Settings
    data_dir: Path
    engine: Engine
    factory: sessionmaker[Session]
    reader: sessionmaker[Session]
    codec: SessionCodec
    templates: Jinja2Templates
    limiter: Any = None  # limits' rate limiter of the public portal (web.public), shared by the app's workers on Redis
    _summaries: dict[str | None, dict[str, Any]] = field(default_factory=dict)
    _summary_lock: threading.Lock = field(default_factory=threading.Lock)

    def cached_summary(self) -> dict[str, Any] | None:
        """The current snapshot's summary when it is computed already (reading it then costs nothing), else None."""
        from ipstrong.warehouse.snapshots import Warehouse

        return self._summaries.get(Warehouse(self.data_dir).current_id())

    def warehouse_summary(self) -> dict[str, Any]:
        """What the current snapshot holds; a snapshot never changes, so its summary is computed once (by one
        request while the others wait, not by every request that arrives before it is ready)."""
        from ipstrong.warehouse.info import info
        from ipstrong.warehouse.snapshots import Warehouse

        current = Warehouse(self.data_dir).current_id()
        if current not in self._summaries:
            with self._summary_lock:
                if current not in self._summaries:
                    self._summaries[current] = info(self.data_dir)
        return self._summaries[current]

    def lang(self, request: Request) -> str:
        chosen = request.cookies.get(LANG_COOKIE)
        return chosen if chosen in LANGUAGES else "zh"

    def who(self, request: Request, scope: str = "read") -> Who | None:
        """Bearer token first (API clients), else the session cookie (browsers); None when neither is valid."""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            actor = actor_for_token(self.reader, self.factory, header[7:].strip(), scope)
            return Who(actor, actor.username, None)
        session = self.codec.read(request.cookies.get(COOKIE))
        if session is None:
            return None
        with self.reader() as s:
            user = s.get(User, session.user_id)
            if user is None or not user.active or user.session_version != session.version:
                return None
            return Who(actor_of(user), user.display_name, session, user.must_change_password)

    def render(
        self, request: Request, template: str, values: dict[str, Any], status: int = 200, who: Who | None = None
    ) -> HTMLResponse:
        lang = self.lang(request)
        nav = [(path, t(key, lang)) for path, key in PUBLIC_NAV]
        if who is not None:
            nav = [(path, t(key, lang)) for path, key, perm in NAV if perm is None or perm in who.actor.role_info.permissions]
        base = {
            "lang": lang,
            "t": lambda key: t(key, lang),
            "who": who,
            "nav": nav,
            "role_label": (lambda r: ROLES[r].name_en if lang == "en" else ROLES[r].name_zh),
            "region_label": lambda code: region_name(code) or code,
            "word": lambda field, value: word(field, value, lang),  # a stored value in the reader's words
            "csrf": who.session.csrf if who and who.session else "",
        }
        return self.templates.TemplateResponse(request, template, {**base, **values}, status_code=status)


def context_of(request: Request) -> WebContext:
    """The application's context, which every handler reaches through its request."""
    return request.app.state.ctx


def read_upload(file: UploadFile, limit: int) -> bytes:
    """An uploaded file's bytes, at most one more than ``limit``: enough for the service to refuse one too large
    without reading the rest."""
    return file.file.read(limit + 1)
