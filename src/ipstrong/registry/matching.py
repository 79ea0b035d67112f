"""Matchmaking (供需对接): an enterprise describes what it needs — a paragraph, optionally an IPC class and a region —
and gets the patents it could license or buy, each with why it was matched. ``/match``, ``GET /api/v1/match`` and
``ipstrong match`` render this one call.

Available means a Chinese patent in force. Candidates are the patents most like the description (BM25 over titles
and abstracts, the search index's more-like-this) within the IPC class and region asked for; of the best
``POOL`` of them, a patent on open licence comes first (registry/open_licences.py), then a university's or research
institute's patent never transferred (the conversion programme's aim), then the others, each group by likeness. A
candidate that shares no word of two characters or more with the need (only single characters) is not offered.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from ipstrong.accounts.roles import Actor
from ipstrong.messages import InvalidOption, IpsError, Msg

POOL = 50  # the most alike candidates the preference reorders
MAX_TEXT = 5000
MAX_LIMIT = 50
PREFERRED_HOLDERS = ("university", "institute")
SHARED_SHOWN = 8
# the words of patent prose that say nothing of the technology
FILLER = frozenset(
    {"一种", "用于", "及其", "其中", "以及", "所述", "本发明", "发明", "提供", "包括", "通过", "进行", "具有", "方法", "装置"}
)


class Match(BaseModel):
    """One patent offered for a need, with why: the words it shares with the need, its classes, its holder and
    what became of it so far (transfers, licences)."""

    app_no: str
    title: str | None
    holder: str | None
    holder_type: str | None
    city_code: str | None
    patent_type: str | None
    ipc_main: str | None
    grant_date: dt.date | None
    score: float
    open_licence: bool  # on open licence: anyone may take a licence on its published terms
    preferred: bool  # a university's or institute's patent never transferred
    transfers: int
    licences: int
    shared_terms: list[str]

    TABLE: ClassVar[tuple[str, ...]] = ("app_no", "title", "holder", "open_licence", "preferred", "score")


def _filter(ipc: str | None, region: str | None) -> str:
    """The search-language clause of what is available, in the class and region asked for."""
    from ipstrong.ids.common import InvalidIdentifier
    from ipstrong.ids.ipc import IpcSymbol
    from ipstrong.reference.regions import by_code

    clauses = ["OFFICE=CN", "STATUS=有效"]
    if ipc:
        try:
            clauses.append(f"IPC={IpcSymbol.parse(ipc.rstrip('*')).canonical}*")
        except InvalidIdentifier:
            raise InvalidOption("ipc", ipc, Msg("IPC 分类号（如 H01M、H01M10/05）", "an IPC symbol (H01M, H01M10/05)")) from None
    if region:
        place = by_code().get(region)
        if place is None or place.level not in ("city", "district") or place.status != "current":
            raise InvalidOption("region", region, Msg("现行地市或区县代码", "a current city or county code"))
        clauses.append(f"{'CITY' if place.level == 'city' else 'DIST'}={region}")
    return " AND ".join(clauses)


def _trimmed(term: str) -> str:
    """A shared run without the filler words it begins or ends with (一种锂电池 → 锂电池)."""
    changed = True
    while changed:
        changed = False
        for word in FILLER:
            if term.startswith(word) or term.endswith(word):
                term = term.removeprefix(word).removesuffix(word)
                changed = True
    return term


def _shared(need: str, text: str) -> list[str]:
    """The words of the need found in a patent's title and abstract: Han pairs joined into the runs they form,
    and Latin words, longest first."""
    from ipstrong.search.index import fold, han_bigrams

    theirs = set(han_bigrams(fold(text)))
    runs: list[str] = []
    last = -2  # the position of the last shared pair: the next one continues its run when it overlaps it
    for i, pair in enumerate(han_bigrams(fold(need))):
        if pair not in theirs:
            continue
        if i == last + 1 and runs and runs[-1][-1] == pair[0]:
            runs[-1] += pair[1]
        else:
            runs.append(pair)
        last = i
    latin = {w for w in need.lower().split() if w.isascii() and w.isalnum() and len(w) > 2 and w in text.lower()}
    terms = sorted(dict.fromkeys(t for t in map(_trimmed, [*runs, *latin]) if len(t) > 1), key=len, reverse=True)
    return [t for i, t in enumerate(terms) if not any(t in longer for longer in terms[:i])][:SHARED_SHOWN]


def match_patents(
    session: Session,
    actor: Actor,
    data_dir: Path,
    text: str,
    ipc: str | None = None,
    region: str | None = None,
    limit: int = 20,
    exclude: str | None = None,
) -> list[Match]:
    """The available patents that best answer ``text``, those on open licence first, then the preferred holders',
    each with why; ``exclude`` leaves one patent out (a need written from a patent of its own)."""
    from ipstrong.registry.open_licences import open_licence_numbers
    from ipstrong.search.engine import similar_in
    from ipstrong.search.index import open_index
    from ipstrong.warehouse.connection import snapshot_connection

    del actor  # patents are public records: anyone signed in may look for partners
    if not text.strip():
        raise IpsError(Msg("请描述需求（一段文字）", "describe the need in a paragraph"))
    if len(text) > MAX_TEXT:
        raise InvalidOption("text", f"{len(text)} 字", Msg(f"不超过 {MAX_TEXT} 字", f"at most {MAX_TEXT} characters"))
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidOption("limit", str(limit), Msg(f"1 至 {MAX_LIMIT}", f"1 to {MAX_LIMIT}"))
    index, _snapshot = open_index(data_dir)
    hits = similar_in(index, text, max(POOL, limit), exclude, within=_filter(ipc, region))
    if not hits:
        return []
    numbers = [h["app_no"] for h in hits]
    con = snapshot_connection(data_dir)
    try:
        marks = ", ".join("?" * len(numbers))
        rows = con.execute(
            f"SELECT app_no, first_applicant, applicant_type, patent_type, grant_date FROM patents WHERE app_no IN ({marks})",
            numbers,
        ).fetchall()
        moves = con.execute(
            f"SELECT app_no, count(*) FILTER (WHERE event_type = 'transfer'), count(*) FILTER (WHERE event_type = 'licence') "
            f"FROM events WHERE app_no IN ({marks}) GROUP BY app_no",
            numbers,
        ).fetchall()
    finally:
        con.close()
    held = {r[0]: r[1:] for r in rows}
    declared = open_licence_numbers(session)
    moved = {r[0]: (r[1], r[2]) for r in moves}
    found = []
    for h in hits:
        holder, holder_type, patent_type, grant_date = held.get(h["app_no"], (None, None, None, None))
        transfers, licences = moved.get(h["app_no"], (0, 0))
        found.append(
            Match(
                app_no=h["app_no"], title=h["title"], holder=holder, holder_type=holder_type, city_code=h["city_code"],
                patent_type=patent_type, ipc_main=h["ipc_main"], grant_date=grant_date, score=round(h["score"], 3),
                open_licence=h["app_no"] in declared,
                preferred=holder_type in PREFERRED_HOLDERS and transfers == 0, transfers=transfers, licences=licences,
                shared_terms=_shared(text, f"{h['title'] or ''} {h['abstract'] or ''}"),
            )
        )  # fmt: skip
    shown = [m for m in found if m.shared_terms]  # a likeness of single characters alone is no reason
    return sorted(shown, key=lambda m: (not m.open_licence, not m.preferred, -m.score))[:limit]
