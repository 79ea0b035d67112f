"""Overseas early warning for one enterprise: the foreign records (other offices' — USPTO, EPO, WIPO and the other
readers) in its technology fields and target markets, each scored for risk and explained.

Its fields are the IPC symbols of its own patents (and the words of their titles and abstracts); a candidate is a
record of a target market's office sharing an IPC subclass with them, not the enterprise's own. Each is scored on
four parts, each from 0 to 1, weighted by ``data/warning.toml`` (the office's parameter) into a score of 100:

- closeness — the IPC (the same subgroup 1, main group 0.7, subclass 0.4, as the best of its symbols against the
  enterprise's) and the text (TF-IDF cosine of its words against the nearest of the enterprise's patents; texts in
  different languages share no words and read 0, which the report says), weighted as the file says;
- legal status — in force or granted 1, pending 0.6, ended (lapsed, expired, withdrawn, rejected, invalidated) 0;
- remaining term — the years left of its 20 (a design's 15, a utility model's 10) from filing, over 20;
- owner — how many records its owner (the name without case or punctuation) holds in the enterprise's subclasses:
  log(1 + n) / log(1 + 50), at most 1.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ipstrong.accounts.roles import Actor, in_scope, require
from ipstrong.messages import IpsError, Msg, NotFound
from ipstrong.vocabulary import words

WARNING_RULES = Path(__file__).parent / "data" / "warning.toml"
TERMS = {"invention": 20, "utility_model": 10, "design": 15}
ENDED = {"lapsed", "expired", "withdrawn", "rejected", "invalidated"}
OWNER_SATURATION = 50


class WarningRow(BaseModel):
    app_no: str
    office: str
    title: str | None
    owner: str | None
    legal_status: str | None
    app_date: dt.date | None
    score: float
    closeness: float
    ipc_closeness: float
    text_closeness: float
    status: float
    term: float
    owner_activity: float
    nearest: str | None  # the enterprise's symbol it is closest to
    reasons_zh: list[str]
    reasons_en: list[str]


class WarningReport(BaseModel):
    entity_id: int
    name: str
    markets: list[str]
    snapshot: str
    made_at: dt.datetime
    fields: list[str] = Field(description="本企业的 IPC 小类 / the enterprise's subclasses")
    patents: int  # the enterprise's own
    candidates: int
    weights: dict[str, float]
    rows: list[WarningRow]
    note: str


@cache
def weights() -> dict[str, float]:
    """The weights of the score's parts (closeness, status, term, owner) and of closeness's (ipc, text)."""
    rules = tomllib.loads(WARNING_RULES.read_text(encoding="utf-8"))
    return {k: float(v) for k, v in {**rules["score"], **rules["closeness"]}.items()}


def _owner_key(name: str | None) -> str:
    return re.sub(r"[\W_]+", "", (name or "").lower())


def _ipc_closeness(symbols: list[str], own: set[str]) -> tuple[float, str | None]:
    """The best closeness of any of ``symbols`` to the enterprise's, and the enterprise's symbol it is closest to."""
    groups = {s.split("/", 1)[0]: s for s in own}
    subclasses = {s[:4]: s for s in own}
    best: tuple[float, str | None] = (0.0, None)
    for symbol in symbols:
        group = symbol.split("/", 1)[0]
        if symbol in own:
            found: tuple[float, str | None] = (1.0, symbol)
        elif group in groups:
            found = (0.7, groups[group])
        else:
            found = (0.4, subclasses[symbol[:4]]) if symbol[:4] in subclasses else (0.0, None)
        best = max(best, found, key=lambda f: f[0])
    return best


def _status(status: str | None, granted: bool) -> float:
    if status in ENDED:
        return 0.0
    return 1.0 if status == "in_force" or granted else 0.6


def _term(kind: str | None, filed: dt.date | None, today: dt.date) -> tuple[float, int]:
    if filed is None:
        return 0.0, 0
    left = max(0, TERMS.get(kind or "invention", 20) - (today - filed).days // 365)
    return min(1.0, left / 20), left


def _text_closeness(candidates: list[str], own: list[str], cache_dir: Path | None) -> list[float]:
    """Each candidate's cosine similarity (TF-IDF of counted words) to the nearest of the enterprise's texts."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    from ipstrong.navigation.topics import words_of

    if not candidates or not own:
        return [0.0] * len(candidates)
    vectoriser = TfidfVectorizer(analyzer=lambda words: words, sublinear_tf=True)
    try:
        matrix = vectoriser.fit_transform([words_of(t, cache_dir) for t in [*candidates, *own]])
    except ValueError:  # no word at all
        return [0.0] * len(candidates)
    similar = cosine_similarity(matrix[: len(candidates)], matrix[len(candidates) :])
    return [round(float(row.max()), 3) for row in similar]


def early_warning(
    session: Any, actor: Actor, data_dir: Path, entity_id: int, markets: list[str], limit: int = 50,
    today: dt.date | None = None, timeout_s: float | None = None,
) -> WarningReport:  # fmt: skip
    """The warning report of enterprise ``entity_id`` for the offices ``markets`` (every other office when empty):
    for its own users, and for staff whose region holds it; its queries stop at ``timeout_s`` and say so."""
    from ipstrong.ingest.entity_store import entity_now
    from ipstrong.registry.home import own_entity
    from ipstrong.warehouse.connection import snapshot_connection, time_limit
    from ipstrong.warehouse.snapshots import Warehouse

    today = today or dt.date.today()
    if bad := [m for m in markets if not re.fullmatch(r"[A-Z]{2}", m) or m == "CN"]:
        msg = Msg(f"目标市场须为 CN 以外的两位国家或组织代码：{'、'.join(bad)}",
                  f"target markets are two-letter codes of offices other than CN: {', '.join(bad)}")  # fmt: skip
        raise IpsError(msg.located(field="markets"))
    if actor.role_info.name == "enterprise_user":
        _org, mine = own_entity(session, actor)
        if mine is None or mine.id != entity_id:
            raise NotFound(Msg(f"没有编号为 {entity_id} 的本企业", f"no enterprise {entity_id} of your own"))
    else:
        require(actor, "records.read")
    entity = entity_now(session, entity_id)
    if entity is None:
        raise NotFound(Msg(f"没有编号为 {entity_id} 的企业", f"no enterprise {entity_id}"))
    snapshot = Warehouse(data_dir).current_id()
    if snapshot is None:
        raise IpsError(Msg("仓库中没有数据：先运行 ipstrong ingest", "the warehouse is empty: run ipstrong ingest first"))
    con = snapshot_connection(data_dir, snapshot)
    try:
        with time_limit(con, timeout_s):
            own = con.execute(
                "SELECT ipc_all, concat_ws(' ', title, abstract, claims), city_code FROM patents WHERE first_applicant_id = ?",
                [entity.id],
            ).fetchall()
            place = next((r[2] for r in own if r[2]), None)
            if actor.role_info.name != "enterprise_user" and not (
                in_scope(actor, place) if place else actor.role_info.everywhere
            ):
                raise NotFound(Msg(f"本地区没有编号为 {entity_id} 的企业", f"no enterprise {entity_id} in your region"))
            symbols = {s for r in own for s in (r[0] or [])}
            subclasses = sorted({s[:4] for s in symbols})
            found = con.execute(
                """
                SELECT app_no, office, title, first_applicant, legal_status, app_date, grant_date IS NOT NULL, patent_type,
                       ipc_all, concat_ws(' ', title, abstract, claims)
                FROM patents WHERE office <> 'CN' AND (len($markets::VARCHAR[]) = 0 OR list_contains($markets::VARCHAR[], office))
                  AND first_applicant_id IS DISTINCT FROM $entity
                  AND list_has_any(list_transform(coalesce(ipc_all, []), lambda x: substr(x, 1, 4)), $subclasses::VARCHAR[])""",
                {"markets": markets, "entity": entity.id, "subclasses": subclasses or [""]},
            ).fetchall()
            held = con.execute(
                "SELECT first_applicant, count(*) FROM patents WHERE list_has_any(list_transform(coalesce(ipc_all, []), "
                "lambda x: substr(x, 1, 4)), ?::VARCHAR[]) AND first_applicant IS NOT NULL GROUP BY 1",
                [subclasses or [""]],
            ).fetchall()
    finally:
        con.close()
    owners: dict[str, int] = {}
    for name, n in held:
        owners[_owner_key(name)] = owners.get(_owner_key(name), 0) + n
    texts = _text_closeness([r[9] or "" for r in found], [r[1] or "" for r in own], data_dir / "cache")
    w = weights()
    rows = [_row(r, text, symbols, owners, w, today) for r, text in zip(found, texts, strict=True)]
    rows.sort(key=lambda row: (-row.score, row.app_no))
    note = ("（机器生成，供海外纠纷应对指导参考）文本相近度只比较同一语言的文本：本企业专利与外文记录语言不同时为 0，"
            "相近度由 IPC 决定 / machine-generated: texts in different languages are not compared, "
            "closeness then rests on the IPC")  # fmt: skip
    return WarningReport(entity_id=entity.id, name=entity.name, markets=markets, snapshot=snapshot,
                         made_at=dt.datetime.now(dt.UTC), fields=subclasses, patents=len(own), candidates=len(found),
                         weights=w, rows=rows[:limit], note=note)  # fmt: skip


def _row(
    r: tuple[Any, ...], text: float, own: set[str], owners: dict[str, int], w: dict[str, float], today: dt.date
) -> WarningRow:
    """One candidate scored and explained."""
    app_no, office, title, owner, status, filed, granted, kind, symbols, _text = r
    ipc, nearest = _ipc_closeness(list(symbols or []), own)
    closeness = w["ipc"] * ipc + w["text"] * text
    state = _status(status, granted)
    term, years = _term(kind, filed, today)
    held = owners.get(_owner_key(owner), 0)
    activity = min(1.0, math.log1p(held) / math.log1p(OWNER_SATURATION))
    score = 100 * (w["closeness"] * closeness + w["status"] * state + w["term"] * term + w["owner"] * activity)
    level = {
        1.0: ("同一小组", "the same subgroup"),
        0.7: ("同一大组", "the same main group"),
        0.4: ("同一小类", "the same subclass"),
    }
    where_zh, where_en = level.get(ipc, ("", ""))
    status_zh, status_en = words("legal_status", status) if status else ("未知", "unknown")
    reasons_zh = [f"与本企业 {nearest} 属{where_zh}", f"文本相近度 {text:.2f}", f"法律状态 {status_zh}",
                  f"剩余保护期约 {years} 年", f"权利人在相关小类有 {held} 件记录"]  # fmt: skip
    reasons_en = [f"{where_en} as the enterprise's {nearest}", f"text closeness {text:.2f}",
                  f"legal status {status_en}", f"about {years} years of term left",
                  f"its owner holds {held} records in these subclasses"]  # fmt: skip
    return WarningRow(app_no=app_no, office=office, title=title, owner=owner, legal_status=status, app_date=filed,
                      score=round(score, 1), closeness=round(closeness, 3), ipc_closeness=ipc, text_closeness=text,
                      status=state, term=round(term, 3), owner_activity=round(activity, 3), nearest=nearest,
                      reasons_zh=reasons_zh, reasons_en=reasons_en)  # fmt: skip


def warning_pdf(report: WarningReport) -> bytes:
    """The warning report for paper (the office's guidance centres hand it to the enterprise)."""
    from ipstrong.printing import render_pdf

    return render_pdf(Path(__file__).parent / "templates", "warning", {"r": report})


class OfficeExposure(BaseModel):
    office: str
    industry: str  # the strategic emerging industry (number) its symbols fall in by the concordance, or "" for none
    industry_name: str
    records: int  # its live records (in force or pending) in that industry
    enterprises: int  # home-province enterprises with patents in the same subclasses


class GuidanceLoad(BaseModel):
    body: str | None  # the handling centre or office
    country: str | None
    dispute_kind: str | None
    dispute_zh: str
    dispute_en: str
    state: str
    state_zh: str
    state_en: str
    matters: int


class WarningOverview(BaseModel):
    snapshot: str | None
    exposure: list[OfficeExposure]
    guidance: list[GuidanceLoad]


def warning_overview(
    session: Any, actor: Actor, data_dir: Path, home_province: str, timeout_s: float | None = None
) -> WarningOverview:
    """For the guidance centres: other offices' live records by office and strategic emerging industry (the
    concordance's, from any of its symbols; the lowest-numbered when several) with how many of the home
    province's enterprises file in the same subclasses, and the overseas-guidance caseload by body, country, kind
    and state."""
    from sqlalchemy import select

    from ipstrong.accounts.models import Organisation
    from ipstrong.accounts.roles import region_prefix
    from ipstrong.matters.models import Matter
    from ipstrong.matters.types.overseas import DISPUTE_KINDS, MATTER_TYPE
    from ipstrong.reference.sei import SEI_INDUSTRIES, industry_table
    from ipstrong.warehouse.connection import snapshot_connection, time_limit
    from ipstrong.warehouse.snapshots import Warehouse

    require(actor, "records.read")
    snapshot = Warehouse(data_dir).current_id()
    exposure: list[OfficeExposure] = []
    if snapshot is not None:
        con = snapshot_connection(data_dir, snapshot)
        try:
            with time_limit(con, timeout_s):
                foreign = "SELECT DISTINCT x FROM patents, unnest(coalesce(ipc_all, [])) t(x) WHERE office <> 'CN'"
                symbols = [r[0] for r in con.execute(foreign).fetchall()]
                industry_table(con, "industry_of", symbols)
                rows = con.execute(
                    """
                    WITH home AS (SELECT DISTINCT first_applicant_id firm, substr(x, 1, 4) sub
                                  FROM patents, unnest(coalesce(ipc_all, [])) t(x)
                                  WHERE office = 'CN' AND first_applicant_id IS NOT NULL
                                    AND starts_with(coalesce(province_code, ''), ?)),
                         live AS (SELECT app_no, office, ipc_all FROM patents
                                  WHERE office <> 'CN' AND coalesce(legal_status, 'pending') IN ('in_force', 'pending')),
                         placed AS (SELECT l.app_no, l.office, l.ipc_all, coalesce(min(i.industry), '') industry
                                    FROM live l LEFT JOIN (SELECT app_no, industry FROM live, unnest(coalesce(ipc_all, [])) t(x)
                                                           JOIN industry_of ON industry_of.symbol = t.x) i USING (app_no)
                                    GROUP BY 1, 2, 3),
                         touched AS (SELECT DISTINCT p.office, p.industry, h.firm
                                     FROM placed p, unnest(coalesce(p.ipc_all, [])) t(x) JOIN home h ON h.sub = substr(t.x, 1, 4))
                    SELECT p.office, p.industry, count(*),
                           (SELECT count(*) FROM touched t WHERE t.office = p.office AND t.industry = p.industry)
                    FROM placed p GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2""",
                    [region_prefix(home_province)],
                ).fetchall()
        finally:
            con.close()
        exposure = [OfficeExposure(office=r[0], industry=r[1], industry_name=SEI_INDUSTRIES.get(r[1], "其他 other"),
                                   records=r[2], enterprises=r[3]) for r in rows]  # fmt: skip
    bodies = {o.id: o.name for o in session.scalars(select(Organisation))}
    counts: dict[tuple[Any, ...], int] = {}
    for m in session.scalars(select(Matter).where(Matter.type_id == "overseas")):
        if in_scope(actor, m.region_code):
            key = (bodies.get(m.body_id), m.form.get("country"), m.form.get("dispute_kind"), m.state)
            counts[key] = counts.get(key, 0) + 1
    states = {st.id: (st.name_zh, st.name_en) for st in MATTER_TYPE.states}
    guidance = []
    for (body, country, kind, state), n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        kind_zh, kind_en = DISPUTE_KINDS.get(kind or "", ("", ""))
        state_zh, state_en = states.get(state, (state, state))
        guidance.append(GuidanceLoad(body=body, country=country, dispute_kind=kind, dispute_zh=kind_zh, dispute_en=kind_en,
                                     state=state, state_zh=state_zh, state_en=state_en, matters=n))  # fmt: skip
    return WarningOverview(snapshot=snapshot, exposure=exposure, guidance=guidance)
