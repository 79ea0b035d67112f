"""Watchlists: what a person watches, the changes each new snapshot brings to it, and their delivery.

A watch is a saved search (the query language), an applicant enterprise, an IPC field, or the person's own
enterprise's patents, optionally within a region the person may see. It starts at the snapshot current when it is
saved; each run (``ipstrong alerts run``, the job the queue runs after a snapshot is published) reads the changes
from the snapshot it last read to the current one (``alerts.changes``), keeps each as an event once, makes its
deliveries (one per event, or one digest per run) and moves the watch on, in the same transaction (a few hundred
watches to one): a run that stops half-way loses and doubles nothing. Deliveries are then sent (``deliver_due``):
a failed one is tried again after a growing pause, and marked failed after the last attempt; one channel being down
holds up no other.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.models import StoredTime, utcnow
from ipstrong.accounts.roles import Actor, in_scope, region_prefix, require
from ipstrong.alerts.changes import CHANGE_WORDS, changes_table
from ipstrong.alerts.channels import CHANNELS, Message, SendFailed, channel_of
from ipstrong.alerts.models import AlertEvent, Delivery, Watchlist
from ipstrong.config import Settings
from ipstrong.db import transaction
from ipstrong.messages import IpsError, Msg, NotFound

KINDS = {
    "query": ("检索式", "a saved search"),
    "applicant": ("申请人企业", "an applicant enterprise"),
    "ipc": ("IPC 领域", "an IPC field"),
    "own": ("本企业专利", "my enterprise's patents"),
    "info": ("海外信息（国家，可加 @产业号）", "overseas information (countries, optionally @ an industry)"),
}
MODES = {"immediate": ("即时", "each change at once"), "digest": ("汇总", "one digest per update")}
BACKOFF_MINUTES = (1, 5, 30, 120, 720)  # the pause before each further attempt
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
STALE_SENDING = dt.timedelta(minutes=15)  # a delivery left "sending" this long (its worker died) is tried again
KEEP_BATCH = 500  # watches whose events are kept in one transaction


class WatchIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="名称 / name")
    kind: str = Field(description="query | applicant | ipc | own")
    target: str = Field(default="", max_length=2000, description="检索式、企业编号或 IPC / query, enterprise id or IPC")
    region_code: str | None = Field(default=None, pattern="^[0-9]{6}$", description="限定地区 / within a region")
    channel: str = Field(default="in_app", description="in_app | email | webhook")
    address: str | None = Field(default=None, max_length=500, description="邮箱或网址 / e-mail address or URL")
    secret: str | None = Field(default=None, max_length=200, description="回调签名密钥 / the webhook's signing key")
    mode: str = Field(default="immediate", description="immediate | digest")


class WatchOut(BaseModel):
    id: int
    name: str
    kind: str
    target: str
    region_code: str | None
    channel: str
    address: str | None
    mode: str
    active: bool
    last_snapshot: str | None
    created_at: StoredTime


class EventOut(BaseModel):
    id: int
    watchlist_id: int
    watchlist: str
    snapshot: str
    app_no: str
    change: str
    change_zh: str
    change_en: str
    title: str | None
    detail: dict[str, Any]
    created_at: StoredTime


class DeliveryOut(BaseModel):
    id: int
    watchlist_id: int
    watchlist: str
    channel: str
    events: int
    status: str
    attempts: int
    next_attempt_at: StoredTime
    last_error: str | None
    sent_at: StoredTime | None


class RunReport(BaseModel):
    snapshot: str | None
    watchlists: int  # read this run
    events: int  # new events kept
    deliveries: int  # new deliveries made


class SendReport(BaseModel):
    sent: int
    retrying: int
    failed: int


def _out(row: Watchlist) -> WatchOut:
    return WatchOut(id=row.id, name=row.name, kind=row.kind, target=row.target, region_code=row.region_code,
                    channel=row.channel, address=row.address, mode=row.mode, active=row.active,
                    last_snapshot=row.last_snapshot, created_at=row.created_at)  # fmt: skip


def _refuse(field: str, zh: str, en: str) -> IpsError:
    return IpsError(Msg(zh, en).located(field=field))


def _checked_target(session: Session, actor: Actor, ask: WatchIn) -> str:
    """The watch's target as kept: a query that reads, an enterprise that exists, an IPC symbol, or (own) the
    actor's enterprise id."""
    from ipstrong.ingest.entity_store import entity_now
    from ipstrong.messages import validated
    from ipstrong.navigation.industry import Industry
    from ipstrong.registry.home import own_entity
    from ipstrong.search.query import parse

    target = ask.target.strip()
    if ask.kind == "query":
        if not target:
            raise _refuse("target", "须给出检索式", "a query is needed")
        parse(target)  # refused with the position where it stops reading
        return target
    if ask.kind == "ipc":
        return validated(Industry, {"name": ask.name, "ipc": [target]}).ipc[0]
    if ask.kind == "info":
        from ipstrong.alerts.info import follows

        countries, industry = follows(target)
        return ",".join(countries) + (f"@{industry}" if industry else "")
    if ask.kind == "applicant":
        if not target.isdigit():
            raise _refuse("target", f"企业编号须为数字：{target}", f"the enterprise id is a number: {target}")
        try:
            return str(entity_now(session, int(target)).id)
        except (AttributeError, NotFound):
            raise _refuse("target", f"没有编号为 {target} 的企业", f"no enterprise {target}") from None
    _org, mine = own_entity(session, actor)
    if mine is None:
        raise _refuse("kind", "本账号没有对应的企业，不能关注本企业专利", "this account has no enterprise whose patents to watch")
    return str(mine.id)


def add_watch(session: Session, actor: Actor, data_dir: Path, settings: Settings, ask: WatchIn) -> WatchOut:
    """Save a watch for ``actor``, starting at the current snapshot; its target, region and address are checked
    now, each refusal naming its field."""
    from ipstrong.warehouse.snapshots import Warehouse

    if "records.read" not in actor.role_info.permissions:
        require(actor, "records.read.own")
    if not ask.name.strip():
        raise _refuse("name", "须填写关注名称", "a watch needs a name")
    if ask.kind not in KINDS:
        raise _refuse("kind", f"没有关注类型 {ask.kind}", f"no watch kind {ask.kind} ({', '.join(KINDS)})")
    if ask.mode not in MODES:
        raise _refuse("mode", f"没有推送方式 {ask.mode}", f"no mode {ask.mode} ({', '.join(MODES)})")
    # staff watch within their region; an enterprise's or agency's user watches the public records anywhere
    staff = "records.read" in actor.role_info.permissions
    region = ask.region_code or (None if actor.role_info.everywhere or ask.kind == "own" or not staff else actor.region_code)
    if region is not None and staff and not in_scope(actor, region):
        raise _refuse("region_code", f"超出本账号的地区范围（{region}）", f"outside this account's region ({region})")
    target = _checked_target(session, actor, ask)
    address = channel_of(ask.channel).check(ask.address, settings)
    if ask.channel == "webhook" and not (ask.secret or "").strip():
        raise _refuse("secret", "回调须设签名密钥", "a webhook needs a signing secret")
    row = Watchlist(owner=actor.username, name=ask.name.strip(), kind=ask.kind, target=target, region_code=region,
                    channel=ask.channel, address=address, secret=(ask.secret or "").strip() or None, mode=ask.mode,
                    active=True, token=secrets.token_urlsafe(24), last_snapshot=Warehouse(data_dir).current_id())  # fmt: skip
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "alerts.watch", "watchlist", row.id, region or actor.region_code, None,
                 {"kind": row.kind, "channel": row.channel})  # fmt: skip
    return _out(row)


def watches(session: Session, actor: Actor) -> list[WatchOut]:
    """The actor's own watches, the latest first."""
    rows = session.scalars(select(Watchlist).where(Watchlist.owner == actor.username).order_by(Watchlist.id.desc()))
    return [_out(r) for r in rows]


def _own(session: Session, actor: Actor, watch_id: int) -> Watchlist:
    row = session.get(Watchlist, watch_id)
    if row is None or row.owner != actor.username:
        raise NotFound(Msg(f"没有编号为 {watch_id} 的关注", f"no watch {watch_id}"))
    return row


def stop_watch(session: Session, actor: Actor, watch_id: int) -> WatchOut:
    """Stop one of the actor's watches (its events and deliveries are kept)."""
    row = _own(session, actor, watch_id)
    row.active = False
    audit.append(session, actor.username, "alerts.stop", "watchlist", row.id, row.region_code or actor.region_code, None, {})
    return _out(row)


def unsubscribe(session: Session, token: str) -> WatchOut:
    """Stop the watch an unsubscribe link names (the link is its own key: no sign-in)."""
    row = session.scalars(select(Watchlist).where(Watchlist.token == token)).first()
    if row is None:
        raise NotFound(Msg("退订链接无效", "no such unsubscribe link"))
    row.active = False
    return _out(row)


def events(session: Session, actor: Actor, limit: int = 100) -> list[EventOut]:
    """What the actor's watches found, the latest first (the in-app inbox)."""
    names = {w.id: w.name for w in session.scalars(select(Watchlist).where(Watchlist.owner == actor.username))}
    rows = session.scalars(select(AlertEvent).where(AlertEvent.watchlist_id.in_(names or [-1]))
                           .order_by(AlertEvent.id.desc()).limit(limit))  # fmt: skip
    return [EventOut(id=e.id, watchlist_id=e.watchlist_id, watchlist=names[e.watchlist_id], snapshot=e.snapshot, app_no=e.app_no,
                     change=e.change, change_zh=CHANGE_WORDS[e.change][0], change_en=CHANGE_WORDS[e.change][1], title=e.title,
                     detail=e.detail or {}, created_at=e.created_at) for e in rows]  # fmt: skip


def deliveries(session: Session, actor: Actor, limit: int = 100) -> list[DeliveryOut]:
    """The delivery log of the actor's watches (of every watch for those who read the audit)."""
    query = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    every = "audit.read" in actor.role_info.permissions
    watched = select(Watchlist) if every else select(Watchlist).where(Watchlist.owner == actor.username)
    names = {w.id: w.name for w in session.scalars(watched)}
    if not every:
        query = query.where(Delivery.watchlist_id.in_(list(names) or [-1]))
    return [DeliveryOut(id=d.id, watchlist_id=d.watchlist_id, watchlist=names.get(d.watchlist_id, ""), channel=d.channel,
                        events=len(d.event_ids), status=d.status, attempts=d.attempts, next_attempt_at=d.next_attempt_at,
                        last_error=d.last_error, sent_at=d.sent_at) for d in session.scalars(query)]  # fmt: skip


def _matched(con: Any, data_dir: Path, snapshot: str, watches: list[Watchlist]) -> dict[int, list[tuple[Any, ...]]]:
    """Each watch's rows of ``changes``, found for all of them at once: the IPC and enterprise watches by one join,
    each query in the search index among the changed patents only, the regions by one filter."""
    import pyarrow as pa

    from ipstrong.navigation.industry import ipc_prefix
    from ipstrong.search.engine import app_nos_matching_each

    changed = [r[0] for r in con.execute("SELECT DISTINCT app_no FROM changes").fetchall()]
    targets: dict[str, list[Any]] = {"watch_id": [], "kind": [], "pattern": [], "firm": [], "prefix": []}
    for w in watches:
        targets["watch_id"].append(w.id)
        targets["kind"].append(w.kind)
        targets["pattern"].append(ipc_prefix(w.target) if w.kind == "ipc" else None)
        targets["firm"].append(int(w.target) if w.kind in ("applicant", "own") else None)
        targets["prefix"].append(region_prefix(w.region_code) if w.region_code else "")
    queries = {w.id: w.target for w in watches if w.kind == "query"}
    found = app_nos_matching_each(data_dir, queries, snapshot, changed) if queries and changed else {}
    hits = {"watch_id": [k for k, app_nos in found.items() for _ in app_nos], "app_no": [a for v in found.values() for a in v]}
    con.register(
        "watch_targets",
        pa.table(
            targets,
            schema=pa.schema(
                [
                    ("watch_id", pa.int64()),
                    ("kind", pa.string()),
                    ("pattern", pa.string()),
                    ("firm", pa.int64()),
                    ("prefix", pa.string()),
                ]
            ),
        ),
    )
    con.register("watch_hits", pa.table(hits, schema=pa.schema([("watch_id", pa.int64()), ("app_no", pa.string())])))
    rows = con.execute(
        """
        WITH symbols AS (SELECT DISTINCT app_no, replace(x, ' ', '') s FROM changes, unnest(coalesce(ipc_all, [])) AS t(x)),
             matched AS (SELECT w.watch_id, s.app_no FROM watch_targets w JOIN symbols s ON starts_with(s.s, w.pattern)
                         WHERE w.kind = 'ipc'
                         UNION
                         SELECT w.watch_id, c.app_no FROM watch_targets w JOIN changes c ON c.first_applicant_id = w.firm
                         UNION
                         SELECT watch_id, app_no FROM watch_hits)
        SELECT m.watch_id, c.app_no, c.change, c.change_date, c.title, c.first_applicant, c.office
        FROM matched m JOIN changes c USING (app_no) JOIN watch_targets w USING (watch_id)
        WHERE w.prefix = '' OR starts_with(coalesce(c.district_code, c.city_code, c.province_code, ''), w.prefix)
        ORDER BY m.watch_id, c.change, c.app_no"""
    ).fetchall()  # fmt: skip
    con.unregister("watch_targets")
    con.unregister("watch_hits")
    out: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        out.setdefault(row[0], []).append(row[1:])
    return out


def run_watchlists(factory: Callable[[], Session], data_dir: Path) -> RunReport:
    """Read every active watch up to the current snapshot (and every ``info`` watch up to the last item published),
    keeping what changed as events and deliveries."""
    import duckdb

    from ipstrong.alerts.info import info_events
    from ipstrong.warehouse.snapshots import Warehouse

    warehouse = Warehouse(data_dir)
    current = warehouse.current_id()
    with factory() as s:
        due = list(s.scalars(select(Watchlist).where(Watchlist.active, Watchlist.kind != "info",
                                                     Watchlist.last_snapshot.is_distinct_from(current))))  # fmt: skip
        informed = list(s.scalars(select(Watchlist.id).where(Watchlist.active, Watchlist.kind == "info")))
        s.expunge_all()
    made_events = made_deliveries = 0
    for first in range(0, len(informed), KEEP_BATCH):
        found = _keep(factory, informed[first : first + KEEP_BATCH], None, lambda s, w: info_events(s, w, w.created_at))
        made_events, made_deliveries = made_events + found[0], made_deliveries + found[1]
    if current is None:
        return RunReport(snapshot=None, watchlists=len(informed), events=made_events, deliveries=made_deliveries)
    known = {p.name for p in warehouse.snapshots_dir.iterdir() if (p / "manifest.json").exists()} if due else set()
    by_start: dict[str | None, list[Watchlist]] = {}
    for watch in due:
        start = watch.last_snapshot if watch.last_snapshot in known else warehouse.manifest(current).get("parent")
        by_start.setdefault(start, []).append(watch)
    for start, watches in by_start.items():
        rows: dict[int, list[tuple[Any, ...]]] = {}
        if start is not None:
            con = duckdb.connect()
            try:
                changes_table(con, warehouse, start, current)
                rows = _matched(con, data_dir, current, watches)
            finally:
                con.close()
        for first in range(0, len(watches), KEEP_BATCH):
            batch = [w.id for w in watches[first : first + KEEP_BATCH]]
            found = _keep(factory, batch, current, lambda _s, w, rows=rows: _changed(w, current, rows.get(w.id, [])))
            made_events, made_deliveries = made_events + found[0], made_deliveries + found[1]
    return RunReport(snapshot=current, watchlists=len(due) + len(informed), events=made_events, deliveries=made_deliveries)


def _changed(watch: Watchlist, current: str, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The events (``AlertEvent`` columns) of the rows of ``changes`` a watch matched."""
    return [{"watchlist_id": watch.id, "snapshot": current, "app_no": app_no, "change": change,
             "title": (title or "")[:500] or None,
             "detail": {"date": day.isoformat() if day else None, "applicant": applicant, "office": office}}
            for app_no, change, day, title, applicant, office in rows]  # fmt: skip


def _keep(
    factory: Callable[[], Session], watch_ids: list[int], current: str | None,
    found: Callable[[Session, Watchlist], list[dict[str, Any]]],
) -> tuple[int, int]:  # fmt: skip
    """Some watches' events (``found`` for each) and deliveries, and the watches moved on to snapshot ``current``
    (``info`` watches to none) — in one transaction."""
    made_events = made_deliveries = 0
    now = utcnow()
    with transaction(factory) as s:
        watches = [w for w in s.scalars(select(Watchlist).where(Watchlist.id.in_(watch_ids))).all()
                   if w.active and (current is None or w.last_snapshot != current)]  # fmt: skip
        kept_by = {w.id: found(s, w) for w in watches}
        rows = [{**e, "created_at": now} for w in watches for e in kept_by[w.id]]
        # written as one statement (the unit of work took 20 s for 100,000 events, measured), ids in the rows' order
        table = AlertEvent.__table__
        written = s.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows) if rows else None
        ids = iter(written.scalars().all() if written is not None else [])
        deliveries_made = []
        for watch in watches:
            kept = [next(ids) for _ in kept_by[watch.id]]
            if not kept:
                continue
            keys = [(f"{watch.id}:{current or 'info'}:{kept[-1]}", kept)] if watch.mode == "digest" else [
                (f"{watch.id}:e{e}", [e]) for e in kept]  # fmt: skip
            deliveries_made += [{"key": key, "watchlist_id": watch.id, "channel": watch.channel, "event_ids": event_ids,
                                 "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
                                for key, event_ids in keys]  # fmt: skip
            made_events, made_deliveries = made_events + len(kept), made_deliveries + len(keys)
        if deliveries_made:
            s.execute(Delivery.__table__.insert(), deliveries_made)
        if current is not None and watches:
            s.execute(update(Watchlist).where(Watchlist.id.in_([w.id for w in watches])).values(last_snapshot=current))
    return made_events, made_deliveries


def _message(session: Session, delivery: Delivery, watch: Watchlist, settings: Settings) -> Message:
    found = session.scalars(select(AlertEvent).where(AlertEvent.id.in_(delivery.event_ids)).order_by(AlertEvent.id)).all()
    payload = {
        "delivery": delivery.id,
        "watchlist": {"id": watch.id, "name": watch.name, "kind": watch.kind},
        "events": [{"app_no": e.app_no, "change": e.change, "change_zh": CHANGE_WORDS[e.change][0],
                    "change_en": CHANGE_WORDS[e.change][1], "title": e.title, "snapshot": e.snapshot, **(e.detail or {})}
                   for e in found],
    }  # fmt: skip
    return Message(delivery_id=delivery.id, subject_zh=f"关注「{watch.name}」有 {len(found)} 项变化",
                   subject_en=f"{len(found)} changes in watch '{watch.name}'", payload=payload,
                   unsubscribe=f"{settings.public_url.rstrip('/')}/alerts/unsubscribe/{watch.token}")  # fmt: skip


def deliver_due(factory: Callable[[], Session], settings: Settings, now: dt.datetime | None = None) -> SendReport:
    """Send every delivery that is due: each claimed before it is sent (so two workers never send one twice), marked
    sent, or put back with its next attempt later, or failed after the last attempt."""
    now = now or utcnow()
    is_due = ((Delivery.status == "pending") & (Delivery.next_attempt_at <= now)) | (
        (Delivery.status == "sending") & (Delivery.next_attempt_at <= now - STALE_SENDING)
    )
    kept = [name for name, channel in CHANNELS.items() if channel.kept]
    with transaction(factory) as s:  # what is kept in the platform is delivered already: marked sent at once
        done = s.execute(update(Delivery).where(is_due, Delivery.channel.in_(kept))
                         .values(status="sent", attempts=Delivery.attempts + 1, sent_at=utcnow()))  # fmt: skip
    with factory() as s:
        due = s.scalars(select(Delivery.id).where(is_due).order_by(Delivery.id)).all()
    sent, retrying, failed = done.rowcount, 0, 0
    for delivery_id in due:
        with transaction(factory) as s:
            claimed = s.execute(update(Delivery).where(Delivery.id == delivery_id, is_due)  # still due: no one claimed it
                                .values(status="sending", attempts=Delivery.attempts + 1, next_attempt_at=now))  # fmt: skip
            if claimed.rowcount != 1:
                continue
        with transaction(factory) as s:
            delivery = s.get(Delivery, delivery_id)
            watch = s.get(Watchlist, delivery.watchlist_id)
            message = _message(s, delivery, watch, settings)
            address, secret = watch.address, watch.secret
        try:
            CHANNELS[delivery.channel].send(message, address, secret, settings)
            outcome, error = "sent", None
        except SendFailed as exc:
            outcome, error = "failed", str(exc)[:500]
        with transaction(factory) as s:
            delivery = s.get(Delivery, delivery_id)
            if outcome == "sent":
                delivery.status, delivery.sent_at, delivery.last_error = "sent", utcnow(), None
                sent += 1
            elif delivery.attempts >= MAX_ATTEMPTS:
                delivery.status, delivery.last_error = "failed", error
                failed += 1
            else:
                delivery.status, delivery.last_error = "pending", error
                delivery.next_attempt_at = now + dt.timedelta(minutes=BACKOFF_MINUTES[delivery.attempts - 1])
                retrying += 1
    return SendReport(sent=sent, retrying=retrying, failed=failed)


def send_test_event(settings: Settings, url: str, secret: str) -> int:
    """Send one signed test event to a webhook (``ipstrong alerts test-send``); return the HTTP status it answered."""
    from ipstrong.alerts.channels import post_signed

    CHANNELS["webhook"].check(url, settings)
    event = {
        "app_no": "CN000000000000.0",
        "change": "filing",
        "change_zh": "新申请",
        "change_en": "new filing",
        "title": "测试 test",
    }
    message = Message(delivery_id=0, subject_zh="测试", subject_en="test",
                      payload={"test": True, "events": [event], "sent_at": utcnow().isoformat()})  # fmt: skip
    try:
        return post_signed(url, message, secret)
    except SendFailed as exc:
        raise IpsError(Msg(f"无法送达：{exc}", f"could not deliver: {exc}")) from None
