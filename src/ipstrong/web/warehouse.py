"""The warehouse on the web: the home page (what the current snapshot holds, by city in the reader's scope) with
its JSON twin ``/api/v1/warehouse``, and the background jobs that feed it (``/jobs``: upload a CNIPA export or
event file and follow its ingest; ``/api/v1/jobs``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from uuid import uuid4

from anyio import to_thread
from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ipstrong.accounts.roles import in_scope, require
from ipstrong.jobs import JobSummary, enqueue, quarantine_of, visible_jobs
from ipstrong.matters.bodies import FILERS
from ipstrong.messages import IpsError
from ipstrong.registry.home import EnterpriseHome, enterprise_home
from ipstrong.web.callers import ERRORS, Caller, FormSender, SignedIn
from ipstrong.web.context import Who, context_of

router = APIRouter()
API = {"tags": ["v1"]}
PAGE = {"include_in_schema": False}
INGEST_UPLOAD_CEILING = 4 * 1024**3  # an export uploaded for ingest (streamed to disk): the app's 1 MB body limit is for forms


def _overview(summary: dict[str, Any], who: Who) -> dict[str, Any]:
    """The current snapshot's summary with only the cities in the reader's scope."""
    cities = [c for c in summary["by_city"] if c["city_code"] and in_scope(who.actor, c["city_code"])]
    return {**summary, "by_city": cities}


@router.get("/", response_class=HTMLResponse, **PAGE)
async def home(request: Request, who: SignedIn) -> Response:
    """Served on the event loop (no queue on the thread pool at 50 clients): the summary is cached per snapshot, and
    only a new snapshot's first summary is computed in a worker thread."""
    ctx = context_of(request)
    if who.actor.role in FILERS:  # an enterprise's or agency's own page: its patents and its matters
        home = await to_thread.run_sync(_enterprise, request, who)
        return ctx.render(request, "home_enterprise.html", {"home": home}, who=who)
    summary = ctx.cached_summary() or await to_thread.run_sync(ctx.warehouse_summary)
    overview = _overview(summary, who)
    return ctx.render(request, "home.html", {"summary": overview, "cities": overview["by_city"]}, who=who)


def _enterprise(request: Request, who: Who) -> EnterpriseHome:
    ctx = context_of(request)
    with ctx.reader() as s:
        return enterprise_home(s, who.actor, ctx.data_dir)


@router.get(
    "/api/v1/enterprise", response_model=EnterpriseHome, responses=ERRORS, summary="本单位概况 / my organisation's home", **API
)
def enterprise(request: Request, who: Caller) -> EnterpriseHome:
    """What an enterprise's user sees first: its patents as first applicant by type and status, the latest of them,
    and the matters it filed."""
    return _enterprise(request, who)


@router.get("/api/v1/warehouse", responses=ERRORS, summary="数据仓库概况 / what the current snapshot holds", **API)
def warehouse(request: Request, who: Caller) -> dict[str, Any]:
    """The home page's data: the current snapshot, its record counts and the cities in the caller's scope."""
    return _overview(context_of(request).warehouse_summary(), who)


def _jobs(request: Request, who: Who) -> list[JobSummary]:
    with context_of(request).reader() as s:
        return visible_jobs(s, who.actor)


@router.get("/jobs", response_class=HTMLResponse, **PAGE)
def jobs_page(request: Request, who: SignedIn) -> Response:
    return context_of(request).render(request, "jobs.html", {"jobs": _jobs(request, who)}, who=who)


@router.get("/jobs/table", response_class=HTMLResponse, **PAGE)
def jobs_table(request: Request, who: SignedIn) -> Response:
    """The job table alone: the page polls it with HTMX every two seconds."""
    return context_of(request).render(request, "jobs_table.html", {"jobs": _jobs(request, who)}, who=who)


@router.get("/api/v1/jobs", response_model=list[JobSummary], responses=ERRORS, summary="后台任务 / background jobs", **API)
def jobs(request: Request, who: Caller) -> list[JobSummary]:
    """The newest jobs the caller may see: their own, or all in their region for those who manage it."""
    return _jobs(request, who)


@router.get("/jobs/{job_id}/quarantine", **PAGE)
def job_quarantine(request: Request, who: SignedIn, job_id: int) -> Response:
    """The rows an ingest job set aside, with the reason for each (CSV, cells neutralised for Excel)."""
    from fastapi.responses import FileResponse

    with context_of(request).reader() as s:
        path = quarantine_of(s, who.actor, job_id)
    return FileResponse(path, filename=f"quarantine-job-{job_id}.csv", media_type="text/csv; charset=utf-8")


@router.post("/jobs/ingest", max_body_size=INGEST_UPLOAD_CEILING, **PAGE)
def jobs_ingest(request: Request, who: FormSender, file: Annotated[UploadFile, File()]) -> Response:
    """Upload a CNIPA export or event file and queue its ingest; a file no reader would take (an image, an archive,
    an empty file) is refused here, with its name and why, and not kept."""
    from ipstrong.ingest.readers import FileUnusable, probe

    require(who.actor, "warehouse.write")
    ctx = context_of(request)
    uploads = ctx.data_dir / "uploads"
    uploads.mkdir(exist_ok=True)
    name = Path(file.filename or "upload").name
    target = uploads / f"{uuid4().hex[:8]}-{name}"
    with target.open("wb") as out:
        while chunk := file.file.read(1 << 20):
            out.write(chunk)
    try:
        probe(target)
    except FileUnusable as exc:
        target.unlink()
        raise IpsError(exc.msg.located(file=name)) from None
    enqueue(ctx.settings, who.actor, "ingest", {"files": [str(target)], "names": [name], "status_date": None})
    return RedirectResponse("/jobs", status_code=303)
