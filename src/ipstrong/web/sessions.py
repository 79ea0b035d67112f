"""Browser sessions and CSRF protection.

The session cookie is a signed, timestamped token (itsdangerous) holding the user id, the user's session version
(a cookie with an older one than the user row's is no session: logout, password changes and resets, deactivation
raise it) and the session's CSRF token;
it is HttpOnly and SameSite=Lax, and Secure when the platform is served over HTTPS. A forged or expired cookie is
simply no session. Every state-changing request made with a session must carry the same CSRF token in the form
field ``csrf_token`` or the ``X-CSRF-Token`` header; API calls with a bearer token carry no cookie and need none.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "ips_session"
LOGIN_COOKIE = "ips_login"  # the sign-in form's own CSRF token (login CSRF), double-submitted
LANG_COOKIE = "ips_lang"
MAX_AGE_S = 8 * 3600


@dataclass(frozen=True)
class SessionData:
    user_id: int
    csrf: str
    version: int


def secret_key(data_dir: Path) -> str:
    """The signing key: kept in DATA_DIR/secret.key (created once, readable by the owner only)."""
    path = data_dir / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


class SessionCodec:
    """Signs and reads session cookies."""

    def __init__(self, key: str):
        self._serializer = URLSafeTimedSerializer(key, salt="ipstrong-session")
        self._login = URLSafeTimedSerializer(key, salt="ipstrong-login")

    def login_token(self) -> str:
        """A signed random token the sign-in page puts in a cookie and in its form."""
        return self._login.dumps(secrets.token_urlsafe(16))

    def login_token_ok(self, cookie: str | None, presented: str | None) -> bool:
        """The sign-in form came from this site: the form's token equals the cookie's and is ours."""
        if not cookie or not presented or not hmac.compare_digest(cookie, presented):
            return False
        try:
            self._login.loads(presented, max_age=MAX_AGE_S)
        except BadSignature:
            return False
        return True

    def issue(self, user_id: int, version: int) -> tuple[str, SessionData]:
        data = SessionData(user_id, secrets.token_urlsafe(24), version)
        return self._serializer.dumps({"u": data.user_id, "c": data.csrf, "v": data.version}), data

    def read(self, cookie: str | None) -> SessionData | None:
        if not cookie:
            return None
        try:
            raw = self._serializer.loads(cookie, max_age=MAX_AGE_S)
        except BadSignature:  # covers expired signatures too
            return None
        if not isinstance(raw, dict) or not {"u", "c", "v"} <= raw.keys():
            return None
        return SessionData(int(raw["u"]), str(raw["c"]), int(raw["v"]))


def csrf_ok(session: SessionData, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(session.csrf, presented or "")
