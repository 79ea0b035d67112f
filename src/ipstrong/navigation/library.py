"""The office's navigation library: industries saved with every version kept and previewed before use, reports made
of them (by the job queue, kind ``navigation``) and kept with the analyst's edits, which a report made again on a
newer snapshot carries over, beside a diff of its key figures against the report before. ``/navigation`` and
``/api/v1/navigation/…`` render these calls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.roles import Actor, require
from ipstrong.messages import IpsError, Msg, NotFound
from ipstrong.navigation.industry import Industry
from ipstrong.navigation.models import SavedIndustry, SavedReport
from ipstrong.navigation.report import NavigationReport, navigate
from ipstrong.navigation.sections import SECTIONS
from ipstrong.reference.regions import region_name

SAMPLE = 20


class IndustryOut(BaseModel):
    id: int
    name: str
    version: int
    definition: Industry
    created_by: str
    created_at: dt.datetime


class PreviewRow(BaseModel):
    app_no: str
    title: str | None
    first_applicant: str | None
    ipc_main: str | None


class Preview(BaseModel):
    """How many patents an industry catches, and a sample to judge its precision by."""

    patents: int
    sample: list[PreviewRow]


class ReportSummary(BaseModel):
    id: int
    industry_name: str
    industry_version: int
    kind: str  # sections.KINDS
    region_code: str
    home_name: str  # the region's name, or an enterprise report's enterprise
    snapshot: str
    patents: int
    created_at: dt.datetime


class FigureChange(BaseModel):
    figure: str
    before: Any
    after: Any


class StoredReport(BaseModel):
    id: int
    industry_version: int
    report: NavigationReport
    edits: dict[str, str]  # section → the analyst's text, shown instead of the machine's
    previous_id: int | None  # the report of the same industry and region before this one
    changes: list[FigureChange]  # key figures against that report


def _out(row: SavedIndustry) -> IndustryOut:
    return IndustryOut(id=row.id, name=row.name, version=row.version, definition=Industry.model_validate(row.definition),
                       created_by=row.created_by, created_at=row.created_at)  # fmt: skip


def save_industry(session: Session, actor: Actor, industry: Industry) -> IndustryOut:
    """Save ``industry`` as the next version of its name."""
    require(actor, "records.write")
    last = session.scalar(select(func.max(SavedIndustry.version)).where(SavedIndustry.name == industry.name)) or 0
    row = SavedIndustry(name=industry.name, version=last + 1, definition=industry.model_dump(), created_by=actor.username)
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "navigation.industry", "industry", row.id, None, None, industry.model_dump())
    return _out(row)


def industries(session: Session, actor: Actor) -> list[IndustryOut]:
    """The latest version of every saved industry, by name."""
    require(actor, "records.read")
    latest = select(SavedIndustry.name, func.max(SavedIndustry.version).label("v")).group_by(SavedIndustry.name).subquery()
    rows = session.scalars(
        select(SavedIndustry).join(latest, (SavedIndustry.name == latest.c.name) & (SavedIndustry.version == latest.c.v))
        .order_by(SavedIndustry.name)
    )  # fmt: skip
    return [_out(r) for r in rows]


def saved_industry(session: Session, actor: Actor, industry_id: int) -> IndustryOut:
    """One saved version of an industry."""
    require(actor, "records.read")
    return _out(industry_version(session, industry_id))


def industry_version(session: Session, industry_id: int) -> SavedIndustry:
    row = session.get(SavedIndustry, industry_id)
    if row is None:
        raise NotFound(Msg(f"没有编号为 {industry_id} 的产业定义", f"no industry {industry_id}"))
    return row


def preview(actor: Actor, data_dir: Path, industry: Industry, sample: int = SAMPLE) -> Preview:
    """How many CN patents of the current snapshot the industry catches, and a sample of them."""
    from ipstrong.warehouse.connection import snapshot_connection
    from ipstrong.warehouse.snapshots import Warehouse

    require(actor, "records.read")
    snapshot = Warehouse(data_dir).current_id()
    if snapshot is None:
        return Preview(patents=0, sample=[])
    con = snapshot_connection(data_dir, snapshot)
    try:
        where, params = industry.where(con, data_dir, snapshot)
        found = con.execute(f"SELECT count(*) FROM patents p WHERE p.office = 'CN' AND {where}", params).fetchone()
        rows = con.execute(
            f"SELECT app_no, title, first_applicant, ipc_main FROM patents p WHERE p.office = 'CN' AND {where} "
            "ORDER BY hash(app_no) LIMIT ?",
            [*params, sample],
        ).fetchall()
    finally:
        con.close()
    return Preview(patents=int(found[0]) if found else 0, sample=[PreviewRow(app_no=r[0], title=r[1], first_applicant=r[2],
                                                                            ipc_main=r[3]) for r in rows])  # fmt: skip


def report_of(
    actor: Actor, data_dir: Path, saved: IndustryOut, region: str, compare: tuple[str, ...] = (),
    step: Callable[[int, str], None] = lambda _pct, _msg: None, timeout_s: float | None = None, kind: str = "industry",
    enterprise: int | None = None,
) -> NavigationReport:  # fmt: skip
    """The report (of ``kind``, for ``enterprise`` when one is given) of a saved industry version, made without a
    database session open (the job writes its progress meanwhile, which SQLite would refuse while a reader held the
    file)."""
    step(10, f"{saved.name} v{saved.version}")
    report = navigate(actor, data_dir, saved.definition, region, kind, timeout_s, compare, enterprise)
    step(90, f"{report.patents} patents")
    return report


def keep_report(session: Session, actor: Actor, industry_id: int, report: NavigationReport) -> StoredReport:
    """Keep a report made of a saved industry version; the analyst's edits of the last report of the same industry,
    kind, region and enterprise carry over."""
    require(actor, "records.read")
    saved = industry_version(session, industry_id)
    before = _previous(session, saved.name, report, None)
    row = SavedReport(industry_id=saved.id, industry_name=saved.name, region_code=report.region_code, snapshot=report.snapshot,
                      body=report.model_dump(mode="json"), edits=dict(before.edits) if before else {},
                      created_by=actor.username)  # fmt: skip
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "navigation.report", "navigation_report", row.id, report.region_code, None,
                 {"industry": saved.name, "version": saved.version, "snapshot": report.snapshot})  # fmt: skip
    return stored_report(session, actor, row.id)


def make_report(
    session: Session, actor: Actor, data_dir: Path, industry_id: int, region: str, compare: tuple[str, ...] = (),
    step: Callable[[int, str], None] = lambda _pct, _msg: None, timeout_s: float | None = None, kind: str = "industry",
    enterprise: int | None = None,
) -> StoredReport:  # fmt: skip
    """Make and keep the report of a saved industry version, in one session."""
    saved = saved_industry(session, actor, industry_id)
    report = report_of(actor, data_dir, saved, region, compare, step, timeout_s, kind, enterprise)
    return keep_report(session, actor, industry_id, report)


def _previous(session: Session, name: str, report: NavigationReport, before_id: int | None) -> SavedReport | None:
    """The last report kept before ``before_id`` of the same industry, kind, region and enterprise as ``report``."""
    query = select(SavedReport).where(SavedReport.industry_name == name, SavedReport.region_code == report.region_code)
    if before_id is not None:
        query = query.where(SavedReport.id < before_id)
    same = (row for row in session.scalars(query.order_by(SavedReport.id.desc()))
            if (row.body.get("kind"), row.body.get("enterprise_id")) == (report.kind, report.enterprise_id))  # fmt: skip
    return next(same, None)


def reports(session: Session, actor: Actor) -> list[ReportSummary]:
    """Every kept report, the latest first."""
    require(actor, "records.read")
    versions = {i.id: i.version for i in session.scalars(select(SavedIndustry))}
    return [
        ReportSummary(id=r.id, industry_name=r.industry_name, industry_version=versions.get(r.industry_id, 0),
                      kind=r.body.get("kind", "industry"), region_code=r.region_code,
                      home_name=r.body.get("home_name") or region_name(r.region_code) or r.region_code, snapshot=r.snapshot,
                      patents=r.body.get("patents", 0), created_at=r.created_at)
        for r in session.scalars(select(SavedReport).order_by(SavedReport.id.desc()))
    ]  # fmt: skip


def _key_figures(report: NavigationReport) -> dict[str, Any]:
    """The figures a re-run is compared on: the scope, and each section's first row's leading figure."""
    figures: dict[str, Any] = {"专利 patents": report.patents, f"{report.home_name} home": report.home_patents}
    for s in report.sections:
        if s.rows and s.id in ("applicants", "technology", "inventors"):
            figures[f"{s.title_zh} 第一 top"] = f"{s.rows[0][0]} {s.rows[0][1]}"
    return figures


def stored_report(session: Session, actor: Actor, report_id: int) -> StoredReport:
    """A kept report with its edits, and its key figures against the report of the same industry and region before."""
    require(actor, "records.read")
    row = session.get(SavedReport, report_id)
    if row is None:
        raise NotFound(Msg(f"没有编号为 {report_id} 的导航报告", f"no navigation report {report_id}"))
    report = NavigationReport.model_validate(row.body)
    before = _previous(session, row.industry_name, report, row.id)
    changes = []
    if before is not None:
        old, new = _key_figures(NavigationReport.model_validate(before.body)), _key_figures(report)
        changes = [FigureChange(figure=k, before=old.get(k), after=new.get(k)) for k in dict.fromkeys([*new, *old])
                   if old.get(k) != new.get(k)]  # fmt: skip
    return StoredReport(id=row.id, industry_version=industry_version(session, row.industry_id).version, report=report,
                        edits=row.edits or {}, previous_id=before.id if before else None, changes=changes)  # fmt: skip


def edit(session: Session, actor: Actor, report_id: int, section: str, text: str) -> StoredReport:
    """Keep the analyst's text of one section (empty: back to the machine's)."""
    require(actor, "records.write")
    if section not in {s.id for s in SECTIONS}:
        raise IpsError(Msg(f"没有这一部分：{section}", f"no section {section}").located(field="section"))
    if len(text) > 10_000:
        raise IpsError(Msg("文字过长（至多 10000 字）", "too long (10,000 characters at most)").located(field="text"))
    row = session.get(SavedReport, report_id)
    if row is None:
        raise NotFound(Msg(f"没有编号为 {report_id} 的导航报告", f"no navigation report {report_id}"))
    edits = {k: v for k, v in {**(row.edits or {}), section: text.strip()}.items() if v}
    row.edits = edits
    audit.append(session, actor.username, "navigation.edit", "navigation_report", row.id, row.region_code, None,
                 {"section": section})  # fmt: skip
    return stored_report(session, actor, row.id)


def edited(stored: StoredReport) -> NavigationReport:
    """The report as the analyst left it: each edited section's text in place of the machine's."""
    sections = [s.model_copy(update={"note": stored.edits.get(s.id, s.note)}) for s in stored.report.sections]
    return stored.report.model_copy(update={"sections": sections})
