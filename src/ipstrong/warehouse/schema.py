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
EVENT_TYPES = (
    "grant", "lapse", "restoration", "invalidation", "transfer", "licence", "pledge", "pledge_release", "rejection", "withdrawal",
    "national_award", "provincial_award", "pledge_change",
)  # fmt: skip

_str = pa.string()
_date = pa.date32()
_list = pa.list_(pa.string())

PATENTS = pa.schema(
    [
        ("app_no", _str),
        # the office that received the application: CN, or US for a USPTO record (app_no US + its number)
        ("office", _str),
        ("pub_no", _str),
        ("app_date", _date),
        ("pub_date", _date),
        ("grant_date", _date),
        ("lapse_date", _date),
        # dates a status word implied where the record gave none (ingest.estimates: the rule is in the manifest)
        ("grant_date_estimated", pa.bool_()),
        ("lapse_date_estimated", pa.bool_()),
        ("patent_type", _str),
        ("pct", pa.bool_()),
        ("title", _str),
        ("abstract", _str),
        ("claims", _str),  # the first (independent) claim where the source gives it (Patentics 主权项)
        ("applicants", _list),
        # the vendor's standardised name of each applicant where the source gives one per applicant (a corporate
        # group such as 通用汽车-C: evidence for applicant resolution, never an entity)
        ("applicants_standard", _list),
        ("first_applicant", _str),
        # the first applicant's enterprise in the reviewed mapping (ingest.entity_store); empty for individuals
        ("first_applicant_id", pa.int64()),
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
        # derived at ingest from the SEI–IPC concordance (inventions only): keyword rules need their keyword in the
        # title or abstract (sei_match), or the IPC alone decides (sei_ipc)
        ("sei_match", pa.bool_()),
        ("sei_ipc", pa.bool_()),
        ("agency", _str),
        ("agency_code", _str),  # CNIPA's five-digit agency code where the source gives it
        ("agents", _list),
        ("priority", _str),
        ("pct_application", _str),  # a national-phase application's PCT filing: number and date
        ("pct_publication", _str),  # and its WO publication
        ("claims_count", pa.int32()),
        ("source", _str),
        ("source_row", pa.int64()),
        ("record_hash", _str),
        ("snapshot_added", _str),
    ]
)

# Columns whose values decide whether a re-ingested record changed (everything but where it came from).
DERIVED = ("source", "source_row", "record_hash", "snapshot_added", "sei_match", "sei_ipc", "first_applicant_id")
CONTENT_COLUMNS = [f.name for f in PATENTS if f.name not in DERIVED]

HISTORY = PATENTS.append(pa.field("superseded_by", _str))

EVENTS = pa.schema(
    [
        ("event_id", _str),
        ("app_no", _str),
        ("event_type", _str),
        ("event_date", _date),
        ("from_party", _str),
        ("to_party", _str),
        # where the transferee is (geocoded from its address, else its name): the patentee after a transfer
        ("to_address", _str),
        ("to_country", _str),
        ("to_province_code", _str),
        ("to_city_code", _str),
        ("to_district_code", _str),
        ("to_zone_id", _str),
        ("amount_10k_yuan", pa.float64()),
        ("event_raw", _str),
        ("source", _str),
        ("source_row", pa.int64()),
        ("snapshot_added", _str),
    ]
)

TRADEMARK_STATUSES = ("pending", "registered", "expired", "invalidated")

# where a register's row is (geocoded from its address or area), and where it came from
_PLACE = [("country", _str), ("province_code", _str), ("city_code", _str), ("district_code", _str), ("zone_id", _str)]
_PROVENANCE = [("record_hash", _str), ("source", _str), ("source_row", pa.int64()), ("snapshot_added", _str)]

TRADEMARKS = pa.schema(
    [
        ("reg_no", _str),
        ("mark_name", _str),
        ("nice_classes", _list),
        ("owner", _str),
        ("owner_type", _str),
        ("owner_address", _str),
        *_PLACE,
        ("app_date", _date),
        ("reg_date", _date),
        ("expiry_date", _date),
        ("status", _str),
        ("status_raw", _str),
        *_PROVENANCE,
    ]
)
GI_STATUSES = ("pending", "registered", "cancelled")

# the geographical-indication register (地理标志产品 and 地理标志商标; ST.96 GIApplication): one row per indication
GIS = pa.schema(
    [
        ("gi_no", _str),
        ("name", _str),
        ("name_translation", _str),
        ("office", _str),  # the office that registered it (CN, or FR for a French indication)
        ("category", _str),  # the register's own kind (地理标志产品, 地理标志商标, Geographical Indication)
        ("product_classes", _list),  # Nice classes of the products
        ("region_text", _str),  # the production area as the register describes it
        ("applicant", _str),
        ("authorized_users", _list),
        *_PLACE,
        ("app_date", _date),
        ("reg_date", _date),
        ("status", _str),
        ("status_raw", _str),
        *_PROVENANCE,
    ]
)


def content_columns(schema: pa.Schema) -> list[str]:
    """A register's columns that decide whether a re-ingested row changed (everything but where it came from)."""
    return [f.name for f in schema if f.name not in {name for name, _type in _PROVENANCE}]


TRADEMARK_CONTENT = content_columns(TRADEMARKS)

TABLES = {"patents": PATENTS, "events": EVENTS, "patents_history": HISTORY, "trademarks": TRADEMARKS, "gi": GIS}

# DuckDB and Spark SQL names of the schema's Arrow types
SQL_TYPES = {
    "string": ("VARCHAR", "STRING"),
    "date32[day]": ("DATE", "DATE"),
    "bool": ("BOOLEAN", "BOOLEAN"),
    "int32": ("INTEGER", "INT"),
    "int64": ("BIGINT", "BIGINT"),
    "double": ("DOUBLE", "DOUBLE"),
    "list<item: string>": ("VARCHAR[]", "ARRAY<STRING>"),
}


def sql_type(field: pa.Field, dialect: str = "duckdb") -> str:
    """The SQL type of a schema field in ``dialect`` (duckdb or spark)."""
    return SQL_TYPES[str(field.type)][dialect == "spark"]


# what a column a snapshot predates reads as (every record was a CN one before ``office`` existed); NULL otherwise
ABSENT = {"office": "'CN'"}


def select_list(schema: pa.Schema, present: set[str], dialect: str = "duckdb") -> str:
    """Columns of ``schema`` in order, those a file lacks as typed defaults (NULL, or ``ABSENT``): a snapshot
    written before a column was added reads with the column empty instead of failing."""

    def column(f: pa.Field) -> str:
        if f.name not in present:
            return f"CAST({ABSENT.get(f.name, 'NULL')} AS {sql_type(f, dialect)}) AS {f.name}"
        # present in newer parts only: the older parts' rows read NULL, which means the default there too
        return f"coalesce({f.name}, {ABSENT[f.name]}) AS {f.name}" if f.name in ABSENT else f.name

    return ", ".join(column(f) for f in schema)
