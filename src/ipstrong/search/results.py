"""What a search returns, typed once: one page of hits with their facets, and the patents like a paragraph.

``engine.search`` and ``engine.similar`` return these fields; the API declares the models as its responses and the
search page renders the same data.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class Sort(StrEnum):
    relevance = "relevance"
    AD = "AD"
    PD = "PD"


class FacetValue(BaseModel):
    value: str | int
    label: str
    count: int


class SearchHit(BaseModel):
    app_no: str
    title: str | None
    applicants: list[str]
    city_code: str | None
    app_date: str | None
    ipc_main: str | None
    status: str | None
    score: float | None
    highlights: dict[str, list[str]]


class SearchPage(BaseModel):
    query: str
    snapshot: str
    total: int
    offset: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]


class SimilarHit(BaseModel):
    app_no: str
    title: str | None
    applicants: list[str]
    city_code: str | None
    app_date: str | None
    ipc_main: str | None
    status: str | None
    score: float
