"""The operational tables of the service network: agencies, service points and their records, practitioners and
their training, carriers' needs, and the satisfaction survey's invitations and responses."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ipstrong.accounts.models import utcnow
from ipstrong.db import Base


class Agency(Base):
    """An IP service agency (知识产权服务机构) in the province's directory, by its unified social credit code."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    agency_code: Mapped[str | None] = mapped_column(String(5), unique=True)  # CNIPA's five-digit code, as XML gives it
    kind: Mapped[str] = mapped_column(String(20), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    agents: Mapped[int] = mapped_column(Integer, default=0)  # licensed patent attorneys
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    cluster: Mapped[str | None] = mapped_column(String(100))  # the service cluster (集聚区) it belongs to
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ServicePoint(Base):
    """The TISC, an information service point or an IP workstation, hosted by a park, an enterprise or an institution;
    its staff are the users of ``organisation_id``."""

    __tablename__ = "service_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # tisc | info_point | workstation
    host: Mapped[str] = mapped_column(String(200))
    host_kind: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(String(6), index=True)  # its county (or city)
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    staff: Mapped[int] = mapped_column(Integer, default=0)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    opened: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ServiceRecord(Base):
    """One day's service of a point: consultations, searches or trainings given, with how many were served."""

    __tablename__ = "service_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20))  # consultation | search | training
    count: Mapped[int] = mapped_column(Integer)
    served: Mapped[str] = mapped_column(String(200))  # whom (an enterprise, a class)
    entered_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Practitioner(Base):
    """An IP service practitioner (知识产权服务从业人员) in the talent registry."""

    __tablename__ = "practitioners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    employer: Mapped[str] = mapped_column(String(200), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    qualification: Mapped[str] = mapped_column(String(30))
    education: Mapped[str] = mapped_column(String(20))
    years: Mapped[int] = mapped_column(Integer)  # in IP work
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)  # IPC subclasses or sections
    title: Mapped[str] = mapped_column(String(20), default="none")  # the IP-engineer title held
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Training(Base):
    """A course a practitioner attended."""

    __tablename__ = "trainings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    course: Mapped[str] = mapped_column(String(200))
    hours: Mapped[int] = mapped_column(Integer)
    provider: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))


class CarrierNeed(Base):
    """An innovation carrier's need for IP services (产才对接): the fields and services it needs."""

    __tablename__ = "carrier_needs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    carrier: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(String(2000))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    posted_by: Mapped[str] = mapped_column(String(64))
    posted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SurveyInvitation(Base):
    """One invitation to the satisfaction survey: its token (kept as a hash), the quota cell it fills, and whether it
    was answered — not when, which with a response's time could tell whose answers they are."""

    __tablename__ = "survey_invitations"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    city_code: Mapped[str] = mapped_column(String(6))
    respondent: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)


class SurveyResponse(Base):
    """One answered questionnaire: its cell, its answers by question (1–5) and the day it came, never who answered
    nor which invitation it answers."""

    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    city_code: Mapped[str] = mapped_column(String(6))
    respondent: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, int]] = mapped_column(JSON)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
