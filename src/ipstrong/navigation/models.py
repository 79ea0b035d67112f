"""The operational tables of navigation: industries as saved (every version kept) and the reports made of them,
with the analyst's edits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ipstrong.accounts.models import utcnow
from ipstrong.db import Base


class SavedIndustry(Base):
    """One version of an industry's definition (navigation/industry.py); a change is a new version."""

    __tablename__ = "navigation_industries"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SavedReport(Base):
    """A report made of one industry version on one snapshot; ``edits`` are the analyst's texts by section, kept when
    the report is made again."""

    __tablename__ = "navigation_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    industry_id: Mapped[int] = mapped_column(Integer, index=True)  # the SavedIndustry version it was made of
    industry_name: Mapped[str] = mapped_column(String(100), index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    snapshot: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # the NavigationReport as JSON
    edits: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
