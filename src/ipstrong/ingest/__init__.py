"""Ingest: readers per source format into the canonical schema, with validation, geocoding and quarantine.

``ingest`` and ``IngestReport`` are loaded on first use, so that reading one small module of the package (the CLI's
option lists) does not load DuckDB and Ibis.
"""

from __future__ import annotations

from typing import Any

__all__ = ["IngestReport", "ingest"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ipstrong.ingest import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'ipstrong.ingest' has no attribute {name!r}")
