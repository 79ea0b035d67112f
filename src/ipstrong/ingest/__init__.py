"""Ingest: readers per source format into the canonical schema, with validation, geocoding and quarantine."""

from ipstrong.ingest.pipeline import IngestReport, ingest

__all__ = ["IngestReport", "ingest"]
