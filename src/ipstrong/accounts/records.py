"""What the accounts services return, typed once: a user, an API token, an audit entry and the audit log's state.
The API declares them as responses, the pages and the command line render the same objects."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel

from ipstrong.accounts.models import StoredTime


class UserSummary(BaseModel):
    """A user as the administration page, ``GET /api/v1/users`` and ``ipstrong users list`` show one."""

    id: int
    username: str
    display_name: str
    role: str
    role_zh: str
    role_en: str
    region_code: str
    organisation_id: int | None
    active: bool
    language: str

    TABLE: ClassVar[tuple[str, ...]] = ("username", "display_name", "role_zh", "region_code", "active")


class TokenSummary(BaseModel):
    """One of the signed-in person's API tokens (the token itself is shown once, when it is issued, never again)."""

    id: int
    name: str
    scopes: list[str]
    created_at: StoredTime
    expires_at: StoredTime | None
    revoked_at: StoredTime | None
    last_used_at: StoredTime | None


class AuditRecord(BaseModel):
    """One entry of the audit log; ``before`` and ``after`` are the record's images as canonical JSON text."""

    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str | None
    region_code: str | None
    before: str | None
    after: str | None


class AuditState(BaseModel):
    """Whether the audit chain is intact (and where it first breaks), with the newest entries in the reader's scope."""

    ok: bool
    entries: int
    first_broken: int | None
    reason_zh: str | None
    reason_en: str | None
    anchors: int
    newest: list[AuditRecord]
