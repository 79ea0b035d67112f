"""What the applicant-entity service returns, typed once: an entity with its names, a pair of names waiting for
review, and the mapping's counts. The API declares them as responses, the page and ``ipstrong entities`` render
the same objects."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel


class EntityName(BaseModel):
    """One applicant name in the mapping and how it joined its entity."""

    key: str
    name: str
    method: str
    score: float
    reviewed: bool


class EntityDetail(BaseModel):
    """An applicant entity (one enterprise) and every name that belongs to it; ``merged_into`` points at the entity
    it went into when staff merged it away."""

    id: int
    name: str
    merged_into: int | None
    names: list[EntityName]


class NamePair(BaseModel):
    """Two names that may be one enterprise, each with its current entity, waiting for staff's word."""

    id: int
    a: str
    b: str
    a_entity: int
    b_entity: int
    score: float
    reason: str

    TABLE: ClassVar[tuple[str, ...]] = ("id", "a", "b", "score", "reason")


class MappingCounts(BaseModel):
    entities: int
    names: int
    open_pairs: int
