"""The reviewed applicant mapping: enterprises, the names that belong to each, and pairs waiting for review.

It lives in the operational database because staff correct it and other records (enterprise profiles, pledges)
will point at its ids; the warehouse carries the result as ``patents.first_applicant_id``, stamped at every ingest
and by ``ipstrong entities apply``. Automatic resolution only adds names: a name staff placed (``reviewed``) is never
moved again, a merged entity keeps its id as a pointer to the one it went into, and a rejected pair is not offered
again — so corrections survive re-ingests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, DateTime, Engine, Float, ForeignKey, Integer, String, UniqueConstraint, func, insert, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from ipstrong.accounts import audit
from ipstrong.accounts.models import utcnow
from ipstrong.accounts.roles import Actor, require
from ipstrong.db import Base, ensure_current, make_engine, session_factory, transaction
from ipstrong.ingest.entities import Applicant, resolve
from ipstrong.ingest.entity_records import EntityDetail, EntityName, MappingCounts, NamePair
from ipstrong.ingest.names import NameForms, name_forms, name_key
from ipstrong.messages import Conflict, Msg, NotFound


class ApplicantEntity(Base):
    """One enterprise (or university, institute …) that files as an applicant."""

    __tablename__ = "applicant_entities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(1000))
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("applicant_entities.id"), nullable=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApplicantName(Base):
    """A name (by its key) and the entity it belongs to, with how it got there."""

    __tablename__ = "applicant_names"
    key: Mapped[str] = mapped_column(String(1000), primary_key=True)
    name: Mapped[str] = mapped_column(String(1000))  # as first seen
    entity_id: Mapped[int] = mapped_column(ForeignKey("applicant_entities.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float, default=100.0)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    script: Mapped[str] = mapped_column(String(5))
    core: Mapped[str] = mapped_column(String(1000))
    latin: Mapped[str] = mapped_column(String(2000))
    block: Mapped[str] = mapped_column(String(20), index=True)
    marks: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EntityCandidate(Base):
    """Two names that may be one enterprise: open until staff merge them or say they differ."""

    __tablename__ = "entity_candidates"
    __table_args__ = (UniqueConstraint("a_key", "b_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    a_key: Mapped[str] = mapped_column(ForeignKey("applicant_names.key"))
    b_key: Mapped[str] = mapped_column(ForeignKey("applicant_names.key"))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open | merged | rejected
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def _forms_of(row: Any) -> NameForms:
    """The stored forms of a name row (an ``ApplicantName`` or a row of its columns)."""
    return NameForms(row.key, row.script, row.core, row.latin, row.block, row.marks)


def assign(session: Session, applicants: Iterable[Applicant]) -> dict[str, int]:
    """Give every applicant name an entity: known names keep theirs, new names join one or found a new entity.

    Returns name key → entity id (merged entities followed to the one they went into).
    """
    given: dict[str, Applicant] = {}
    for applicant in applicants:
        forms = name_forms(applicant.name)
        if forms is not None and forms.key not in given:
            given[forms.key] = Applicant(**{**applicant.__dict__, "forms": forms, "entity": None})
    # the stored forms as plain rows (no ORM objects: at a million names they would cost most of the time)
    columns = ("key", "name", "entity_id", "script", "core", "latin", "block", "marks")
    known = {row.key: row for row in session.execute(select(*(getattr(ApplicantName, c) for c in columns)))}
    for key, row in known.items():
        if key in given:  # its forms as today's vocabulary reads it
            given[key].entity = row.entity_id
        else:  # a known name this ingest does not carry still anchors its entity
            given[key] = Applicant(row.name, entity=row.entity_id, forms=_forms_of(row))
    resolution = resolve(given.values())
    founding: list[list[str]] = []  # groups of new names only: each founds an entity
    for group in resolution.groups:
        new = [k for k in group if k not in known]
        entity_id = next((given[k].entity for k in group if given[k].entity is not None), None)
        if entity_id is None and new:
            founding.append(new)
        for key in new:
            given[key].entity = entity_id
    if founding:  # one multi-row INSERT … RETURNING for all new entities, in order
        displays = [given[max(g, key=lambda k: (given[k].forms.script == "han", given[k].count))].name for g in founding]  # type: ignore
        ids = session.scalars(
            insert(ApplicantEntity).returning(ApplicantEntity.id, sort_by_parameter_order=True),
            [{"name": name, "created_at": utcnow(), "updated_at": utcnow()} for name in displays],
        ).all()
        for group, entity_id in zip(founding, ids, strict=True):
            for key in group:
                given[key].entity = entity_id
    rows = []
    for key, applicant in given.items():
        if key not in known and applicant.forms is not None:
            f = applicant.forms
            rows.append({
                "key": key, "name": applicant.name, "entity_id": applicant.entity, "method": resolution.method[key],
                "score": resolution.score[key], "reviewed": False, "script": f.script, "core": f.core, "latin": f.latin,
                "block": f.block, "marks": f.marks, "created_at": utcnow(),
            })  # fmt: skip
    if rows:
        session.execute(insert(ApplicantName), rows)
    session.flush()
    seen = {tuple(r) for r in session.execute(select(EntityCandidate.a_key, EntityCandidate.b_key))}
    pairs = []
    for c in resolution.candidates:
        a, b = sorted((c.a, c.b))
        if (a, b) not in seen and (a not in known or b not in known):
            pairs.append({"a_key": a, "b_key": b, "score": round(c.score, 1), "reason": c.reason, "status": "open"})
            seen.add((a, b))
    if pairs:
        session.execute(insert(EntityCandidate), pairs)
    final = _redirects(session)
    return {key: final(applicant.entity) for key, applicant in given.items() if applicant.entity is not None}


def _redirects(session: Session) -> Callable[[int], int]:
    """Entity id → the entity it now is (merged entities point at the one they went into)."""
    redirect = dict(
        session.execute(
            select(ApplicantEntity.id, ApplicantEntity.merged_into).where(ApplicantEntity.merged_into.is_not(None))
        ).all()
    )

    def final(entity_id: int) -> int:
        while entity_id in redirect:
            entity_id = redirect[entity_id]
        return entity_id

    return final


def entity_of_name(session: Session, name: str) -> ApplicantEntity | None:
    """The entity an applicant name belongs to now (following merges), or None for a name never seen."""
    row = session.get(ApplicantName, name_key(name))
    return session.get(ApplicantEntity, _redirects(session)(row.entity_id)) if row is not None else None


def _final(session: Session, entity_id: int | None) -> int:
    """The entity ``entity_id`` now is (following merges); NotFound when there is no such entity."""
    if entity_id is None or session.get(ApplicantEntity, entity_id) is None:
        raise NotFound(Msg(f"没有编号为 {entity_id} 的申请人实体", f"no applicant entity {entity_id}"))
    return _redirects(session)(entity_id)


def entity_now(session: Session, entity_id: int) -> ApplicantEntity:
    """The entity ``entity_id`` is now (following merges); NotFound when there is no such entity."""
    return session.get(ApplicantEntity, _final(session, entity_id))  # type: ignore[return-value]


# --- what staff see and do ---------------------------------------------------------------------------------


def _detail(session: Session, entity: ApplicantEntity) -> EntityDetail:
    names = session.scalars(select(ApplicantName).where(ApplicantName.entity_id == entity.id).order_by(ApplicantName.key))
    return EntityDetail(
        id=entity.id,
        name=entity.name,
        merged_into=entity.merged_into,
        names=[EntityName(key=n.key, name=n.name, method=n.method, score=n.score, reviewed=n.reviewed) for n in names],
    )


def _entity(session: Session, entity_id: int) -> EntityDetail:
    entity = session.get(ApplicantEntity, entity_id)
    if entity is None:
        raise NotFound(Msg(f"没有编号为 {entity_id} 的申请人实体", f"no applicant entity {entity_id}"))
    return _detail(session, entity)


def find_entities(session: Session, actor: Actor, query: str = "", limit: int = 50, offset: int = 0) -> list[EntityDetail]:
    """Entities (not merged away) whose name or any of whose names contains ``query`` (folded like a name key)."""
    require(actor, "records.read")
    stmt = select(ApplicantEntity).where(ApplicantEntity.merged_into.is_(None))
    if query.strip():
        needle = f"%{name_key(query)}%"
        holders = select(ApplicantName.entity_id).where(or_(ApplicantName.key.like(needle), ApplicantName.name.like(needle)))
        stmt = stmt.where(or_(ApplicantEntity.name.like(f"%{query.strip()}%"), ApplicantEntity.id.in_(holders)))
    rows = session.scalars(stmt.order_by(ApplicantEntity.id).limit(min(limit, 500)).offset(offset))
    return [_detail(session, e) for e in rows]


def get_entity(session: Session, actor: Actor, entity_id: int) -> EntityDetail:
    """One entity and its names (a merged-away one too: it points at the entity it went into)."""
    require(actor, "records.read")
    return _entity(session, entity_id)


def open_candidates(session: Session, actor: Actor, limit: int = 100) -> list[NamePair]:
    """Pairs waiting for review, the closest first, each with both names' current entities."""
    require(actor, "records.read")
    rows = session.scalars(
        select(EntityCandidate).where(EntityCandidate.status == "open").order_by(EntityCandidate.score.desc()).limit(limit)
    ).all()
    keys = {c.a_key for c in rows} | {c.b_key for c in rows}
    entity_of = dict(session.execute(select(ApplicantName.key, ApplicantName.entity_id).where(ApplicantName.key.in_(keys))).all())
    final = _redirects(session)
    out = []
    for c in rows:
        a, b = final(entity_of[c.a_key]), final(entity_of[c.b_key])
        if a != b:
            out.append(NamePair(id=c.id, a=c.a_key, b=c.b_key, a_entity=a, b_entity=b, score=c.score, reason=c.reason))
    return out


def merge(session: Session, actor: Actor, keep: int, other: int) -> EntityDetail:
    """Put every name of ``other`` into ``keep``; ``other`` stays as a pointer so its id still resolves."""
    require(actor, "warehouse.write")
    keep, other = _final(session, keep), _final(session, other)
    if keep == other:
        raise Conflict(Msg("两个编号已是同一申请人实体", "both ids are already one applicant entity"))
    before = _entity(session, other).model_dump()
    for row in session.scalars(select(ApplicantName).where(ApplicantName.entity_id == other)):
        row.entity_id, row.reviewed, row.method = keep, True, "reviewed"
    source = session.get(ApplicantEntity, other)
    assert source is not None
    source.merged_into, source.updated_at = keep, utcnow()
    _close_candidates(session, actor, keep)
    audit.append(session, actor.username, "entity.merge", "applicant_entity", keep, None, before, {"merged": other})
    return _entity(session, keep)


def move_name(session: Session, actor: Actor, name: str, to: int | None) -> EntityDetail:
    """Place one name in entity ``to``, or in a new entity of its own (``to`` None): staff's word, kept."""
    require(actor, "warehouse.write")
    row = session.get(ApplicantName, name_key(name))
    if row is None:
        raise NotFound(Msg(f"映射中没有申请人名称「{name}」", f"no applicant name '{name}' in the mapping"))
    before = {"entity_id": row.entity_id, "method": row.method}
    if to is None:
        entity = ApplicantEntity(name=row.name)
        session.add(entity)
        session.flush()
        to = entity.id
    to = _final(session, to)
    row.entity_id, row.reviewed, row.method, row.score = to, True, "reviewed", 100.0
    audit.append(session, actor.username, "entity.move_name", "applicant_name", row.key, None, before, {"entity_id": to})
    return _entity(session, to)


def reject_candidate(session: Session, actor: Actor, candidate_id: int) -> None:
    """Staff say the pair are different enterprises: it is not offered again."""
    require(actor, "warehouse.write")
    row = session.get(EntityCandidate, candidate_id)
    if row is None:
        raise NotFound(Msg(f"没有编号为 {candidate_id} 的待审对", f"no review pair {candidate_id}"))
    row.status, row.decided_by, row.decided_at = "rejected", actor.username, utcnow()
    pair = {"a": row.a_key, "b": row.b_key}
    audit.append(session, actor.username, "entity.reject_pair", "entity_candidate", candidate_id, None, None, pair)


def _close_candidates(session: Session, actor: Actor, entity_id: int) -> None:
    """Open pairs whose two names are now in ``entity_id`` are settled as merged."""
    names = select(ApplicantName.key).where(ApplicantName.entity_id == entity_id)
    settled = select(EntityCandidate).where(
        EntityCandidate.status == "open", EntityCandidate.a_key.in_(names), EntityCandidate.b_key.in_(names)
    )
    for c in session.scalars(settled):
        c.status, c.decided_by, c.decided_at = "merged", actor.username, utcnow()


def counts(session: Session, actor: Actor) -> MappingCounts:
    """How many entities, names and open pairs the mapping holds."""
    require(actor, "records.read")
    return MappingCounts(
        entities=session.scalar(select(func.count()).where(ApplicantEntity.merged_into.is_(None))) or 0,
        names=session.scalar(select(func.count()).select_from(ApplicantName)) or 0,
        open_pairs=session.scalar(select(func.count()).where(EntityCandidate.status == "open")) or 0,
    )


def open_store(data_dir: Path, url: str | None = None) -> tuple[Engine, sessionmaker[Session]]:
    """The operational database (``url``, else the data directory's), migrated, and a writer session factory."""
    from ipstrong.config import settings

    url = url or settings(data_dir).resolved_database_url()
    ensure_current(url)
    engine = make_engine(url, home=data_dir)
    return engine, session_factory(engine)


def known_ids(data_dir: Path, url: str | None = None) -> dict[str, int]:
    """The reviewed mapping as one table: name key → entity id (merged entities followed), read and nothing else."""
    engine, factory = open_store(data_dir, url)
    try:
        with factory() as session:
            final = _redirects(session)
            rows = session.execute(
                select(ApplicantName.key, ApplicantName.entity_id).where(ApplicantName.entity_id.is_not(None))
            ).all()
            return {key: final(entity_id) for key, entity_id in rows}
    finally:
        engine.dispose()


def stamp(
    data_dir: Path, rows: Iterable[tuple[str, int, list[str] | None, list[str] | None, list[str] | None]], url: str | None = None
) -> dict[str, int]:
    """Entities for the first applicants of a coming snapshot: rows of (name, records, cities, inventors, vendor
    groups) → raw name → entity id. New names are resolved and recorded in the same transaction."""
    applicants = [
        Applicant(n, c, frozenset(cities or ()), frozenset(inventors or ()), frozenset(groups or ()))
        for n, c, cities, inventors, groups in rows
    ]
    engine, factory = open_store(data_dir, url)
    try:
        with transaction(factory) as session:
            by_key = assign(session, applicants)
    finally:
        engine.dispose()
    return {a.name: by_key[k] for a in applicants if (k := name_key(a.name)) in by_key}
