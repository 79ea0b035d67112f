"""The canonical Arrow schemas of the warehouse: ``patents``, ``events`` and ``patents_history``.

``patents`` holds the columns CONVENTIONS.md names, plus what the CNIPA export optionally carries and what
ingest derives (region codes of abolished divisions, zone, record hash). Lists are real list columns.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 1

PATENT_TYPES = ("invention", "utility_model", "design")
LEGAL_STATUSES = ("pending", "in_force", "lapsed", "expired", "invalidated", "rejected", "withdrawn")
APPLICANT_TYPES = ("enterprise", "university", "institute", "individual", "government", "other")
EVENT_TYPES = ("grant", "lapse", "restoration", "invalidation", "transfer", "licence", "pledge", "pledge_release")

_str = pa.string()
_date = pa.date32()
_list = pa.list_(pa.string())

PATENTS = pa.schema(
    [
        ("app_no", _str),
        ("pub_no", _str),
        ("app_date", _date),
        ("pub_date", _date),
        ("grant_date", _date),
        ("lapse_date", _date),
        ("patent_type", _str),
        ("pct", pa.bool_()),
        ("title", _str),
        ("abstract", _str),
        ("applicants", _list),
        ("first_applicant", _str),
        ("applicant_type", _str),
        ("inventors", _list),
        ("address", _str),
        ("country", _str),
        ("province_code", _str),
        ("city_code", _str),
        ("district_code", _str),
        ("district_code_old", _str),
        ("zone_id", _str),
        ("ipc_main", _str),
        ("ipc_all", _list),
        ("locarno", _str),
        ("legal_status", _str),
        ("legal_status_raw", _str),
        ("family_countries", _list),
        ("agency", _str),
        ("agents", _list),
        ("priority", _str),
        ("claims_count", pa.int32()),
        ("source", _str),
        ("source_row", pa.int64()),
        ("record_hash", _str),
        ("snapshot_added", _str),
    ]
)

# Columns whose values decide whether a re-ingested record changed (everything but where it came from).
CONTENT_COLUMNS = [f.name for f in PATENTS if f.name not in ("source", "source_row", "record_hash", "snapshot_added")]

HISTORY = PATENTS.append(pa.field("superseded_by", _str))

EVENTS = pa.schema(
    [
        ("event_id", _str),
        ("app_no", _str),
        ("event_type", _str),
        ("event_date", _date),
        ("from_party", _str),
        ("to_party", _str),
        ("amount_10k_yuan", pa.float64()),
        ("event_raw", _str),
        ("source", _str),
        ("source_row", pa.int64()),
        ("snapshot_added", _str),
    ]
)

TABLES = {"patents": PATENTS, "events": EVENTS, "patents_history": HISTORY}
