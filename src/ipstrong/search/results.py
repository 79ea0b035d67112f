"""What a search returns, typed once: one page of hits with their facets, and the patents like a paragraph.

``engine.search`` and ``engine.similar`` return these fields; the API declares the models as its responses and the
search page renders the same data.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from ipstrong.search.fields import SORTS

Sort = StrEnum("Sort", {name: name for name in SORTS})  # the API's sort parameter: the orders fields.py declares


class FacetValue(BaseModel):
    value: str | int
    label: str
    count: int


class PatentHit(BaseModel):
    """A patent as a list of hits shows it."""

    app_no: str
    title: str | None
    applicants: list[str]
    city_code: str | None
    app_date: str | None
    ipc_main: str | None
    status: str | None
    abstract: str | None = None


class SearchHit(PatentHit):
    """A hit of a query: its BM25 score (none when sorted by date) and the matched words marked in its text."""

    score: float | None
    highlights: dict[str, list[str]]


class SearchPage(BaseModel):
    """One page of a query's hits, the total, and the counts of the facets asked for."""

    query: str
    snapshot: str
    total: int
    offset: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]


class SimilarHit(PatentHit):
    """A patent like the paragraph given, with its more-like-this score."""

    score: float
