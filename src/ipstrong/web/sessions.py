"""Browser sessions and CSRF protection.

The session cookie is a signed, timestamped token (itsdangerous) holding the user id and the session's CSRF token;
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
LANG_COOKIE = "ips_lang"
MAX_AGE_S = 8 * 3600


@dataclass(frozen=True)
class SessionData:
    user_id: int
    csrf: str


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

    def issue(self, user_id: int) -> tuple[str, SessionData]:
        data = SessionData(user_id, secrets.token_urlsafe(24))
        return self._serializer.dumps({"u": data.user_id, "c": data.csrf}), data

    def read(self, cookie: str | None) -> SessionData | None:
        if not cookie:
            return None
        try:
            raw = self._serializer.loads(cookie, max_age=MAX_AGE_S)
        except BadSignature:  # covers expired signatures too
            return None
        return SessionData(int(raw["u"]), str(raw["c"]))


def csrf_ok(session: SessionData, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(session.csrf, presented or "")
