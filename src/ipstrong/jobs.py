"""Background jobs: long work (ingest now; index builds, reports, notifications later) off the request path.

The queue is huey: embedded on a SQLite file under the data directory by default, Redis when ``redis_url`` is set.
What a person sees — kind, status, progress, message, result — lives in the ``jobs`` table of the operational
database, so the page and ``ipstrong jobs list`` show it whichever queue runs the work. Each kind of job is one
entry of ``JOB_KINDS``: a function taking the settings, the job's parameters and a progress callback.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from huey import Huey, RedisHuey, SqliteHuey, crontab
from pydantic import BaseModel
from sqlalchemy import JSON, DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ipstrong.accounts import audit
from ipstrong.accounts.models import StoredTime, utcnow
from ipstrong.accounts.roles import Actor, in_scope, require
from ipstrong.config import Settings, data_dir
from ipstrong.db import Base, platform_engine, session_factory, transaction
from ipstrong.messages import IpsError, Msg, NotFound

Progress = Callable[[int, str], None]


class Job(Base):
    """One piece of background work as people see it."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10))  # queued | running | done | failed
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(String(500))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


def _ingest(cfg: Settings, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Publish the files; a file that could not be used is named as the person knows it (its uploaded name, not the
    server's path), and when none could be, the job fails with why."""
    from ipstrong.ingest.estimates import Estimates
    from ipstrong.ingest.follow import publish

    names = dict(zip(params["files"], params.get("names") or [Path(f).name for f in params["files"]], strict=True))

    def shown(text: str) -> str:
        for stored, name in names.items():
            text = text.replace(stored, name)
        return text

    steps = iter(range(10, 97, 12))
    report = publish(
        [Path(p) for p in params["files"]],
        data_dir(cfg.data_dir),
        status_date=dt.date.fromisoformat(params["status_date"]) if params.get("status_date") else None,
        step=lambda message: progress(next(steps, 96), shown(message)),
        database_url=cfg.resolved_database_url(),
        estimates=Estimates(**{k: params[f"{k}_estimate"] for k in ("lapse", "grant") if params.get(f"{k}_estimate")}),
    )
    failures = [
        Msg(f["reason_zh"], f["reason_en"]).renamed(f["file"], names.get(f["file"], Path(f["file"]).name))
        for f in report.files_failed
    ]
    if failures and not report.published:
        raise IpsError(Msg("；".join(f.zh for f in failures), "; ".join(f.en for f in failures)))
    result = report.to_dict()
    result["message"] = " ".join([report.message, *(str(f) for f in failures)])
    return result


def _index(cfg: Settings, _params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    from ipstrong.search.index import build

    summary = build(
        data_dir(cfg.data_dir), step=lambda done, total: progress(min(99, done * 100 // max(total, 1)), f"{done}/{total}")
    )
    return {**summary, "message": f"已索引 {summary['documents']} 件 / indexed {summary['documents']} patents"}


def _entities(cfg: Settings, _params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Stamp the warehouse with the reviewed applicant mapping, then bring the search index along."""
    from ipstrong.ingest.follow import stamp_entities

    steps = iter((10, 90))
    result = stamp_entities(data_dir(cfg.data_dir), cfg.resolved_database_url(), lambda m: progress(next(steps, 95), m))
    return {**result, "message": f"{result['changed']} 件专利的申请人实体改变 / {result['changed']} patents changed entity"}


def _reminders(cfg: Settings, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Remind the people handling matters whose limits are near or past."""
    from ipstrong.matters.reminders import send_reminders

    engine = platform_engine(cfg)
    try:
        progress(10, "期限提醒 / deadline reminders")
        with transaction(session_factory(engine)) as s:
            today = dt.date.fromisoformat(params["today"]) if params.get("today") else None
            return send_reminders(s, today, cfg.due_soon_working_days)
    finally:
        engine.dispose()


def _fee_reminders(cfg: Settings, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Remind enterprises' users of the annual fees their patents owe soon or are late with."""
    from ipstrong.registry.fee_reminders import send_fee_reminders

    engine = platform_engine(cfg)
    try:
        progress(10, "年费提醒 / fee reminders")
        with transaction(session_factory(engine)) as s:
            today = dt.date.fromisoformat(params["today"]) if params.get("today") else None
            return send_fee_reminders(s, data_dir(cfg.data_dir), today)
    finally:
        engine.dispose()


def _registry_events(cfg: Settings, _params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Publish the registers' new records (pledges, award results) into the warehouse as dated events."""
    from ipstrong.registry.warehouse_events import publish_events

    engine = platform_engine(cfg)
    try:
        progress(10, "登记事项写入仓库 / registers into the warehouse")
        with session_factory(engine)() as s:  # the registers are only read; the publish path writes what it must
            report = publish_events(s, data_dir(cfg.data_dir), database_url=cfg.resolved_database_url())
        return {"snapshot": report.snapshot if report.published else None, "new": report.new,
                "message": f"新增 {report.new} 条事件 / {report.new} new events"}  # fmt: skip
    finally:
        engine.dispose()


def _navigation(cfg: Settings, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Make a navigation report of a saved industry version and keep it."""
    from ipstrong.accounts.roles import Actor
    from ipstrong.navigation.library import keep_report, report_of, saved_industry
    from ipstrong.navigation.report import report_time_limit

    engine = platform_engine(cfg)
    try:
        actor = Actor(None, params["by"], params["role"], params["scope"])  # who submitted it, as they were
        industry = int(params["industry_id"])
        with session_factory(engine)() as s:
            saved = saved_industry(s, actor, industry)
        report = report_of(actor, data_dir(cfg.data_dir), saved, params["region"], tuple(params.get("compare") or ()),
                           progress, report_time_limit(cfg), params.get("kind", "industry"),
                           params.get("enterprise"))  # fmt: skip
        with transaction(session_factory(engine)) as s:
            stored = keep_report(s, actor, industry, report)
        return {"report": stored.id, "patents": stored.report.patents,
                "message": f"导航报告 {stored.id}：{stored.report.patents} 件 / navigation report {stored.id}"}  # fmt: skip
    finally:
        engine.dispose()


def _anchor(cfg: Settings, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Write the audit chain's head to the anchor file outside the database (each morning)."""
    from ipstrong.accounts.audit import anchor

    engine = platform_engine(cfg)
    try:
        progress(10, "审计锚点 / audit anchor")
        with transaction(session_factory(engine)) as s:
            return anchor(s)
    finally:
        engine.dispose()


def _alerts(cfg: Settings, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Read every watch up to the current snapshot, then send what is due (alerts/watch.py)."""
    from ipstrong.alerts.watch import deliver_due, run_watchlists

    engine = platform_engine(cfg)
    try:
        factory = session_factory(engine)
        progress(10, "读取关注 / reading the watches")
        ran = run_watchlists(factory, data_dir(cfg.data_dir))
        progress(60, "推送 / delivering")
        sent = deliver_due(factory, cfg)
        message = f"新事件 {ran.events}，已送达 {sent.sent} / {ran.events} new events, {sent.sent} delivered"
        return {**ran.model_dump(), **sent.model_dump(), "message": message}
    finally:
        engine.dispose()


class JobKind(NamedTuple):
    """A kind of job: its names, what runs it, the permission needed to submit one, and whether it publishes a
    snapshot (the watches are read after each one that does)."""

    name_zh: str
    name_en: str
    run: Callable[[Settings, dict[str, Any], Progress], dict[str, Any]]
    permission: str
    publishes: bool = False


JOB_KINDS: dict[str, JobKind] = {
    # the warehouse and its index are province-wide: only the roles that own province-wide data write them
    "ingest": JobKind("导入", "ingest", _ingest, "warehouse.write", publishes=True),
    "index": JobKind("建立检索索引", "search index build", _index, "warehouse.write"),
    "entities": JobKind("更新申请人实体", "applicant entity update", _entities, "warehouse.write", publishes=True),
    "reminders": JobKind("期限提醒", "deadline reminders", _reminders, "records.write"),
    "fee_reminders": JobKind("年费提醒", "annual fee reminders", _fee_reminders, "records.write"),
    "anchor": JobKind("审计锚点", "audit anchor", _anchor, "audit.read"),
    "navigation": JobKind("专利导航报告", "patent navigation report", _navigation, "records.write"),
    "registry_events": JobKind(
        "登记事项写入仓库", "registers into the warehouse", _registry_events, "warehouse.write", publishes=True
    ),
    "alerts": JobKind("关注与预警推送", "watches and their pushes", _alerts, "records.read"),
}


def make_queue(cfg: Settings, immediate: bool = False) -> tuple[Huey, Callable[..., Any]]:
    """The queue for these settings and its one task, ``run_job(job_id)``."""
    if cfg.redis_url:
        queue: Huey = RedisHuey("ipstrong", url=cfg.redis_url, immediate=immediate)
    else:
        queue = SqliteHuey("ipstrong", filename=str(data_dir(cfg.data_dir) / "jobs.db"), immediate=immediate)

    @queue.task(name="run_job")
    def run_job(job_id: int) -> None:
        execute(cfg, job_id)

    # huey's schedule runs on UTC: 00:00 UTC is 08:00 in China
    @queue.periodic_task(crontab(hour="0", minute="0"), name="morning_reminders")
    def morning_reminders() -> None:
        from ipstrong.accounts.roles import SYSTEM

        enqueue(cfg, SYSTEM, "reminders", {})
        enqueue(cfg, SYSTEM, "fee_reminders", {})
        enqueue(cfg, SYSTEM, "anchor", {})
        enqueue(cfg, SYSTEM, "registry_events", {})

    @queue.periodic_task(crontab(minute="*/5"), name="alert_retries")
    def alert_retries() -> None:
        """Deliveries waiting for another attempt are sent when due, without a job of their own."""
        from ipstrong.alerts.watch import deliver_due

        engine = platform_engine(cfg)
        try:
            deliver_due(session_factory(engine), cfg)
        finally:
            engine.dispose()

    return queue, run_job


def submit(session: Session, actor: Actor, kind: str, params: dict[str, Any]) -> Job:
    """Record a job (to be queued by the caller once this transaction commits)."""
    if kind not in JOB_KINDS:
        raise IpsError(Msg(f"未知任务类型 {kind}", f"unknown job kind {kind}"))
    require(actor, JOB_KINDS[kind].permission)
    job = Job(kind=kind, params=params, status="queued", progress=0, created_by=actor.username, region_code=actor.region_code)
    session.add(job)
    session.flush()
    audit.append(session, actor.username, "job.submit", "job", job.id, actor.region_code, None, {"kind": kind, "params": params})
    return job


def enqueue(cfg: Settings, actor: Actor, kind: str, params: dict[str, Any], immediate: bool = False) -> int:
    """Record and queue a job; return its id."""
    engine = platform_engine(cfg)
    try:
        with transaction(session_factory(engine)) as s:
            job_id = submit(s, actor, kind, params).id
    finally:
        engine.dispose()
    _queue, run_job = make_queue(cfg, immediate=immediate)
    run_job(job_id)
    return job_id


def _watching(factory: Callable[[], Session]) -> bool:
    """Whether anyone watches anything (no alerts job is queued for nobody)."""
    from ipstrong.alerts.models import Watchlist

    with factory() as s:
        return s.scalars(select(Watchlist.id).where(Watchlist.active).limit(1)).first() is not None


def execute(cfg: Settings, job_id: int) -> None:
    """Run one recorded job, keeping its row up to date; a failure is recorded, never lost."""
    engine = platform_engine(cfg)
    factory = session_factory(engine)

    def update(**values: Any) -> None:
        with transaction(factory) as s:
            job = s.get(Job, job_id)
            for key, value in values.items():
                setattr(job, key, value)

    try:
        with factory() as s:
            job = s.get(Job, job_id)
            kind, params = job.kind, dict(job.params)
        update(status="running", started_at=dt.datetime.now(dt.UTC), progress=1)
        result = JOB_KINDS[kind].run(cfg, params, lambda pct, msg: update(progress=pct, message=msg[:500]))
        update(
            status="done",
            progress=100,
            result=result,
            message=str(result.get("message", ""))[:500],
            finished_at=dt.datetime.now(dt.UTC),
        )
        if JOB_KINDS[kind].publishes and _watching(factory):  # a new snapshot: the watches are read again
            from ipstrong.accounts.roles import SYSTEM

            enqueue(cfg, SYSTEM, "alerts", {})
    except Exception as exc:  # the job's failure is its result: recorded for the person who asked
        detail = exc.msg if isinstance(exc, IpsError) else Msg("任务失败", "the job failed")
        update(
            status="failed",
            message=str(detail)[:500],
            result={"error": traceback.format_exc()[-2000:]},
            finished_at=dt.datetime.now(dt.UTC),
        )
    finally:
        engine.dispose()


class JobSummary(BaseModel):
    """A background job as the jobs page, ``GET /api/v1/jobs`` and ``ipstrong jobs list`` show it."""

    id: int
    kind: str
    kind_zh: str
    kind_en: str
    status: str
    progress: int
    message: str | None
    quarantined: int = 0  # rows an ingest job set aside, with their reasons, in its quarantine file
    created_by: str
    created_at: StoredTime
    finished_at: StoredTime | None


def _may_see(actor: Actor, job: Job) -> bool:
    """One's own jobs, and for staff who manage people, every job submitted within their region."""
    staff = "users.manage" in actor.role_info.permissions
    return job.created_by == actor.username or (staff and in_scope(actor, job.region_code))


def visible_jobs(session: Session, actor: Actor, limit: int = 50) -> list[JobSummary]:
    """The newest jobs the actor may see: their own, or all within their region for staff who manage it."""
    require(actor, "records.write")
    newest = session.scalars(select(Job).order_by(Job.id.desc()).limit(500)).all()
    return [job_summary(j) for j in newest if _may_see(actor, j)][:limit]


def quarantine_of(session: Session, actor: Actor, job_id: int) -> Path:
    """The quarantine file of an ingest job the actor may see: the refused rows with their reasons."""
    require(actor, "records.write")
    job = session.get(Job, job_id)
    stored = (job.result or {}).get("quarantine_file") if job is not None and _may_see(actor, job) else None
    if not stored or not Path(stored).is_file():
        raise NotFound(Msg(f"任务 {job_id} 没有隔离文件", f"job {job_id} has no quarantine file"))
    return Path(stored)


def job_summary(job: Job) -> JobSummary:
    """What a list of jobs shows of one, its kind named in both languages."""
    known = JOB_KINDS.get(job.kind)
    zh, en = (known.name_zh, known.name_en) if known else (job.kind, job.kind)
    return JobSummary(
        id=job.id,
        kind=job.kind,
        kind_zh=zh,
        kind_en=en,
        status=job.status,
        progress=job.progress,
        message=job.message,
        quarantined=int((job.result or {}).get("quarantined") or 0),
        created_by=job.created_by,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )
