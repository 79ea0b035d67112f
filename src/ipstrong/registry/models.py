"""The operational tables of the utilization pillar."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ipstrong.accounts.models import utcnow
from ipstrong.db import Base


class FeeReminder(Base):
    """A reminder to one enterprise user that a patent's annual fee falls due soon (``due_soon``) or is in its grace
    period (``grace``); one per patent, due date and kind, never twice."""

    __tablename__ = "fee_reminders"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    app_no: Mapped[str] = mapped_column(String(20), primary_key=True)
    due_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # due_soon | grace
    amount_yuan: Mapped[int] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AwardScore(Base):
    """One expert's score of one criterion of a matter under committee review (registry/committee.py): a Jiangsu Patent
    Award application or an IP-engineer title application."""

    __tablename__ = "award_scores"

    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    criterion: Mapped[str] = mapped_column(String(30), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    scored_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class CultivationCentre(Base):
    """A high-value patent cultivation centre (高价值专利培育中心): a named group of applicants — its lead and its
    members, by name as they file — whose yearly output the warehouse measures (registry/cultivation.py)."""

    __tablename__ = "cultivation_centres"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    lead: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[str]] = mapped_column(JSON)  # the other applicants, by name
    industry: Mapped[str] = mapped_column(String(200))
    approved_year: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SelfAssessment(Base):
    """An enterprise's GB/T 29490 self-assessment of one year: each checklist item's score and evidence
    (registry/compliance.py)."""

    __tablename__ = "self_assessments"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    answers: Mapped[dict[str, dict[str, object]]] = mapped_column(JSON)  # item → {"score": 0–3, "evidence": text}
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProjectBudget(Base):
    """A funded programme project's money (registry/projects.py): granted at the funding decision, spent as its
    accounts show at acceptance (10,000 yuan)."""

    __tablename__ = "project_budgets"

    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), primary_key=True)
    granted_10k_yuan: Mapped[float] = mapped_column(Float)
    spent_10k_yuan: Mapped[float | None] = mapped_column(Float)
    decided_on: Mapped[dt.date] = mapped_column(Date)


class PatentValuation(Base):
    """An evaluator's entry for one patent and purpose (registry/valuation.py): their scores of the indicators the
    warehouse cannot give, and the amount their own method found; the latest per patent and purpose is used."""

    __tablename__ = "patent_valuations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    app_no: Mapped[str] = mapped_column(String(20), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    evaluator: Mapped[str] = mapped_column(String(64))
    scores: Mapped[dict[str, float]] = mapped_column(JSON)
    amount_10k_yuan: Mapped[float | None] = mapped_column(Float)
    method: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PledgeLoan(Base):
    """What the pledgee bank actually lent on a registered pledge, as it reported it (registry/pledge_registry.py):
    kept apart from the secured amount registered."""

    __tablename__ = "pledge_loans"

    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), primary_key=True)
    lent_10k_yuan: Mapped[float] = mapped_column(Float)
    lent_on: Mapped[dt.date] = mapped_column(Date)
    reported_by: Mapped[str] = mapped_column(String(64))
