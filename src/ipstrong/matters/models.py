"""Tables of matters: the matter, its parties, the patents and marks involved, documents, history, assignees, the
bodies that joined it, the per-body yearly number counter, and a protection centre's register and fields.

``matters`` carries the current deadline (``due_on``, the rule, provisional, paused) so that an SLA board or an
overdue list is one indexed query; it is recomputed from the history at every change. ``version`` is SQLAlchemy's
optimistic lock: of two officers acting on one matter at once, the second save fails and is told, nothing lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ipstrong.accounts.models import utcnow
from ipstrong.db import Base

BIGINT = BigInteger().with_variant(Integer, "sqlite")


class Matter(Base):
    """One case or service request, held by one body (an office, centre or agency)."""

    __tablename__ = "matters"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    type_id: Mapped[str] = mapped_column(String(40), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    region_code: Mapped[str] = mapped_column(String(6), index=True)  # the holding body's region
    filed_by_org: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))  # the enterprise that filed it
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))  # the intake it was routed from
    title: Mapped[str] = mapped_column(String(300))
    form: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(40))
    state_since: Mapped[dt.date] = mapped_column(Date)
    received_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    due_rule: Mapped[str | None] = mapped_column(String(40))
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    due_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    extended: Mapped[list[str]] = mapped_column(JSON, default=list)  # deadline rules extended with approval
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative form
    __table_args__ = (
        Index("ix_matters_body_state", "body_id", "state"),
        Index("ix_matters_body_due", "body_id", "due_on"),
        Index("ix_matters_region_type", "region_code", "type_id", "received_on"),
    )


class MatterCounter(Base):
    """The last number a body gave in a year in one series (``matter`` for matter numbers, a document kind for the
    documents it issues): numbers run 1, 2, 3 … per body, year and series."""

    __tablename__ = "matter_counters"

    body_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class MatterParty(Base):
    __tablename__ = "matter_parties"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)


class MatterRight(Base):
    """A patent or trademark registration the matter concerns; ``checked`` when the warehouse holds it."""

    __tablename__ = "matter_rights"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # patent | trademark
    number: Mapped[str] = mapped_column(String(40), index=True)
    checked: Mapped[bool] = mapped_column(Boolean)
    title: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(String(300))


class MatterDocument(Base):
    """An uploaded or issued file: stored once by its SHA-256 under DATA_DIR/documents, never executed."""

    __tablename__ = "matter_documents"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BIGINT)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MatterEvent(Base):
    """One line of a matter's history: created, a step taken, a comment, an assignment, a document, an extension."""

    __tablename__ = "matter_events"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)  # the day it took effect (deadlines count from it)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))  # created | step | comment | assign | document | extend | join
    step: Mapped[str | None] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str | None] = mapped_column(Text)


class MatterAssignee(Base):
    __tablename__ = "matter_assignees"

    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MatterBody(Base):
    """A body that joined a matter it does not hold (a joint case): its staff act on it too."""

    __tablename__ = "matter_bodies"

    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True, index=True)
    joined_by: Mapped[str] = mapped_column(String(64))
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CentreEnterprise(Base):
    """An enterprise on a protection centre's register (备案): only these may file for fast pre-examination."""

    __tablename__ = "centre_enterprises"

    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    registered_on: Mapped[dt.date] = mapped_column(Date)
    registered_by: Mapped[str] = mapped_column(String(64))


class CentreField(Base):
    """A technical field a protection centre declared (an IPC prefix): applications outside them are refused."""

    __tablename__ = "centre_fields"

    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    ipc_prefix: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    declared_by: Mapped[str] = mapped_column(String(64))


class BodyKey(Base):
    """A body's public signing key (Ed25519): ours are made on first use, a partner's registered by an administrator
    from the key file it sends. A transfer package is accepted only when signed by a registered, unrevoked key."""

    __tablename__ = "body_keys"

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the raw public key
    body_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    public_key: Mapped[str] = mapped_column(Text)  # PEM
    registered_by: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Campaign(Base):
    """A special enforcement action (双打, 两反两保, 地理标志保护…): a named period over a region, maybe limited to some
    matter types; the matters received within it are tagged."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    region_code: Mapped[str] = mapped_column(String(6))
    types: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every type
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MatterCampaign(Base):
    __tablename__ = "matter_campaigns"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), primary_key=True, index=True)


class TypicalCase(Base):
    """A closed matter published as a typical case: the text and fields the officer chose, anonymised as chosen."""

    __tablename__ = "typical_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)  # what the public sees, already anonymised
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MatterReminder(Base):
    """A reminder that a matter's limit is near or past, for one person; one per limit day and kind, never twice."""

    __tablename__ = "matter_reminders"

    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    due_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # due_soon | overdue
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LimitParameter(Base):
    """The office's own figure for a time limit no rule could be found for (a rule marked unverified): it replaces
    the stated default from the day it is set, with its source, audited."""

    __tablename__ = "limit_parameters"

    type_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    amount: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(300))
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
