"""The operational tables of alerts: what each person watches, what the watching found, and each delivery of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ipstrong.accounts.models import utcnow
from ipstrong.db import Base


class Watchlist(Base):
    """A saved watch: what (``kind`` and ``target``), where (``region_code``, empty for everywhere the owner sees),
    how it is pushed (``channel``, ``address``, ``mode``) and up to which snapshot it has been read."""

    __tablename__ = "watchlists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # alerts.watch.KINDS
    target: Mapped[str] = mapped_column(String(2000))
    region_code: Mapped[str | None] = mapped_column(String(6))
    channel: Mapped[str] = mapped_column(String(20))  # alerts.channels.CHANNELS
    address: Mapped[str | None] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(200))  # a webhook's signing key
    mode: Mapped[str] = mapped_column(String(10))  # immediate | digest
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # its unsubscribe link
    last_snapshot: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AlertEvent(Base):
    """One change a watchlist found: a patent's filing, grant, lapse … in the snapshot it first appeared in."""

    __tablename__ = "alert_events"
    __table_args__ = (UniqueConstraint("watchlist_id", "snapshot", "app_no", "change"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(Integer, index=True)
    snapshot: Mapped[str] = mapped_column(String(64))
    app_no: Mapped[str] = mapped_column(String(40))
    change: Mapped[str] = mapped_column(String(20))  # alerts.changes.CHANGES
    title: Mapped[str | None] = mapped_column(String(500))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Delivery(Base):
    """One push of events to a channel: made once (``key``), sent until it succeeds or runs out of attempts."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # one per event (immediate) or per run (digest)
    watchlist_id: Mapped[int] = mapped_column(Integer, index=True)
    channel: Mapped[str] = mapped_column(String(20))
    event_ids: Mapped[list[int]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), index=True)  # pending | sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OverseasItem(Base):
    """A piece of overseas information an officer publishes (a law change, a dispute case, a trade-show alert), by
    country and industry; the watches of kind ``info`` push it to their subscribers."""

    __tablename__ = "overseas_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # alerts.info.ITEM_KINDS
    country: Mapped[str] = mapped_column(String(2), index=True)
    industry: Mapped[str | None] = mapped_column(String(10))  # an SEI industry number, or none for every industry
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(5000))
    link: Mapped[str | None] = mapped_column(String(500))
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OverseasExpert(Base):
    """One expert of the overseas-dispute roster: the countries, fields and languages they cover."""

    __tablename__ = "overseas_experts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str] = mapped_column(String(200))  # checked against the parties as an applicant entity
    countries: Mapped[list[str]] = mapped_column(JSON)
    fields: Mapped[list[str]] = mapped_column(JSON)  # IPC subclasses or SEI industry numbers
    languages: Mapped[list[str]] = mapped_column(JSON)
    contact: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ExpertAssignment(Base):
    """An expert assigned to an overseas-guidance matter or to an enterprise's warning."""

    __tablename__ = "expert_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    expert_id: Mapped[int] = mapped_column(Integer, index=True)
    matter_id: Mapped[int | None] = mapped_column(Integer, index=True)
    enterprise_id: Mapped[int | None] = mapped_column(Integer)
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
