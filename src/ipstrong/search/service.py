"""The search services: a page of hits with facets, the patents like a paragraph, and the export of every hit.

Bibliographic data of published patents is public information: every signed-in person may search it and see the
patents like a paragraph. Writing out a whole result set is bulk work on the office's records: it takes
``records.read``. The search page, ``/api/v1/search`` and ``/similar``, and ``ipstrong search`` call these."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ipstrong.accounts.roles import Actor, require
from ipstrong.search.results import SearchPage, SimilarHit


def search_hits(
    actor: Actor,
    data_dir: Path,
    query: str,
    limit: int = 20,
    offset: int = 0,
    facets: tuple[str, ...] = (),
    sort: str = "relevance",
) -> SearchPage:
    """One page of the hits of ``query`` in the current snapshot's index, with the counts of ``facets``."""
    from ipstrong.search.engine import search

    return SearchPage(**search(data_dir, query, limit=limit, offset=offset, facets=facets, sort=sort))


def similar_to(actor: Actor, data_dir: Path, text: str, limit: int = 10) -> list[SimilarHit]:
    """The patents most like a paragraph of text; nothing for blank text."""
    from ipstrong.search.engine import similar

    return [SimilarHit(**hit) for hit in similar(data_dir, text, limit=limit)] if text.strip() else []


def export_hits(
    actor: Actor, data_dir: Path, query: str, out: Path, sort: str = "relevance", fields: Sequence[str] | None = None
) -> dict[str, Any]:
    """Every hit of ``query`` written to ``out`` (.csv, .jsonl or .xlsx) with the chosen ``fields`` (the default
    ones name places, types and statuses in words), in the search's order."""
    from ipstrong.search.engine import export

    require(actor, "records.read")
    return export(data_dir, query, out, sort=sort, fields=fields)
