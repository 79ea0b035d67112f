"""``ipstrong ingest FILE...``: read, check, normalise, place and classify rows, then publish one snapshot.

All row work runs as SQL in DuckDB over every file of the command at once (Python touches only headers, the
distinct address token sequences and the counts). Counts reconcile per CONVENTIONS.md:
``read = accepted + quarantined + duplicates`` and ``accepted = new + updated + unchanged``.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa

from ipstrong.clock import SHANGHAI, today_shanghai
from ipstrong.ingest import events as event_rules
from ipstrong.ingest import gis as gi_rules
from ipstrong.ingest import patents as patent_rules
from ipstrong.ingest import trademarks as trademark_rules
from ipstrong.ingest.estimates import Estimates
from ipstrong.ingest.geocode import ADDRESS_KEY_SQL, geocode
from ipstrong.ingest.headers import (
    EVENT_ALIASES,
    EVENT_REQUIRED,
    GI_ALIASES,
    GI_REQUIRED,
    PATENT_ALIASES,
    PATENT_REQUIRED,
    TRADEMARK_ALIASES,
    TRADEMARK_REQUIRED,
    file_kind,
    implied_columns,
    map_headers,
)
from ipstrong.ingest.quarantine import write_excel_csv, write_quarantine
from ipstrong.ingest.readers import FileUnusable, Loaded, load_file
from ipstrong.ingest.sqlfuncs import install
from ipstrong.messages import Msg
from ipstrong.reference.sei import SEI_CONCORDANCE, match_table
from ipstrong.warehouse import parts
from ipstrong.warehouse.asof import term_end_macro
from ipstrong.warehouse.connection import attach_snapshot, new_duckdb
from ipstrong.warehouse.schema import (
    CONTENT_COLUMNS,
    EVENTS,
    GIS,
    PATENTS,
    TABLES,
    TRADEMARKS,
    content_columns,
    sql_type,
)
from ipstrong.warehouse.snapshots import Warehouse, link_parts

KINDS = {
    "patents": (PATENT_ALIASES, PATENT_REQUIRED, patent_rules),
    "events": (EVENT_ALIASES, EVENT_REQUIRED, event_rules),
    "trademarks": (TRADEMARK_ALIASES, TRADEMARK_REQUIRED, trademark_rules),
    "gi": (GI_ALIASES, GI_REQUIRED, gi_rules),
}


@dataclass(frozen=True)
class Register:
    """A register kept whole, one row per number in its latest state (the lists carry no dated history): the
    kind's accepted rows are placed by ``place`` and replace the previous snapshot's rows of the same ``key``."""

    kind: str
    key: str
    schema: pa.Schema
    place: str


REGISTERS = (Register("trademarks", "reg_no", TRADEMARKS, "owner_address"), Register("gi", "gi_no", GIS, "place_text"))
PLACE_SELECT = "g.country, g.province_code, g.city_code, g.district_code, g.zone_id"
# Rows whose source status words disagree with their dates (dates win, CONVENTIONS.md): the data-quality report.
STATUS_CONFLICTS_SQL = """
    SELECT app_no, legal_status_raw, legal_status AS legal_status_from_dates, app_date, grant_date, lapse_date,
           _file + 1 AS file_number, _row AS row
    FROM patents_cmp WHERE status_conflict ORDER BY _file, _row
"""


@dataclass
class SourceFile:
    """One input file as the command saw it."""

    @property
    def sha256(self) -> str:
        return self.digest.result() if self.digest else ""

    path: Path
    index: int
    kind: str = ""
    loaded: Loaded | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    implied: dict[str, str] = field(default_factory=dict)  # columns the file states by what it is (headers.implied_columns)
    digest: Future[str] | None = None  # SHA-256 of the file, computed beside the SQL work
    counts: dict[str, int] = field(default_factory=dict)
    status_date: date | None = None  # the day its statuses describe: --status-date, else the file's own date, else today


@dataclass
class IngestReport:
    """What ``ipstrong ingest --json`` prints."""

    read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    region_unknown: int = 0
    status_conflicts: int = 0
    quality_notes: int = 0
    # organisation first applicants the reviewed mapping does not hold yet: apply_entities resolves them afterwards
    entities_pending: int = 0
    entities_snapshot: str | None = None  # the follow-up snapshot with their ids (ingest.follow)
    grant_dates_estimated: int = 0
    lapse_dates_estimated: int = 0
    estimates: dict[str, dict[str, str]] = field(default_factory=dict)
    status_words_unknown: dict[str, int] = field(default_factory=dict)
    files_failed: list[dict[str, str]] = field(default_factory=list)
    snapshot: str | None = None
    published: bool = False
    quarantine_file: str | None = None
    quarantine_files: list[str] = field(default_factory=list)
    quality_file: str | None = None
    notes_file: str | None = None
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def exit_code(self) -> int:
        """0 done, 1 done in part (some file unusable), 2 nothing done."""
        if not self.files_failed:
            return 0
        return 2 if len(self.files_failed) == len(self.files) + len(self.files_failed) else 1


def _sha256(path: Path) -> str:
    """The file's SHA-256; for a folder (a delivery of documents), over each file's relative name and content."""
    digest = hashlib.sha256()
    folder = path.is_dir()
    for file in sorted(p for p in path.rglob("*") if p.is_file()) if folder else [path]:
        if folder:
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with file.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                digest.update(chunk)
    return digest.hexdigest()


def ingest(
    paths: list[Path],
    data_dir: Path,
    status_date: date | None = None,
    step: Callable[[str], None] = lambda _msg: None,
    database_url: str | None = None,
    estimates: Estimates | None = None,
) -> IngestReport:
    """Ingest files into a new snapshot (or none when nothing changed) and write the quarantine files.

    ``status_date`` is the day the files' statuses describe; without it each file's own date (an XLSX export's
    creation day), else today. ``estimates`` are the rules for dates a status word implies (estimates.py).
    ``database_url`` is the operational database holding the applicant mapping (default: the data directory's).
    Ingests take turns on the warehouse's write lock: a second one waits, then builds on what the first published."""
    warehouse = Warehouse(data_dir)
    with warehouse.writing(step):
        return _ingest(paths, data_dir, warehouse, status_date, estimates or Estimates(), step, database_url)


def _ingest(
    paths: list[Path],
    data_dir: Path,
    warehouse: Warehouse,
    status_date: date | None,
    estimates: Estimates,
    step: Callable[[str], None],
    database_url: str | None,
) -> IngestReport:
    previous = warehouse.current_id()
    report = IngestReport(estimates=estimates.described())
    tmp_root = data_dir / "tmp"
    if tmp_root.exists():  # work folders of killed ingests (no other ingest runs while we hold the lock)
        shutil.rmtree(tmp_root, ignore_errors=True)
    tmp_root.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(dir=tmp_root))
    con = new_duckdb(temp_directory=str(workdir / "spill"))
    hasher = ThreadPoolExecutor(max_workers=1)
    try:
        install(con)
        con.execute(term_end_macro())
        sources = _load_sources(con, paths, workdir, report, step, hasher, status_date)
        if not sources:
            report.message = str(Msg("没有可用的文件，仓库未改变", "no usable file; the warehouse is unchanged"))
            return report
        attach_snapshot(con, warehouse, previous, prefix="prev_")
        # every row is numbered now (_file, _row) and every order a person sees is an ORDER BY: the row work need not
        # keep the loaded order (keeping it cost a quarter of the checks and the publish at 1,000,000 rows, measured)
        con.execute("SET preserve_insertion_order = false")
        step("检查与规范化 / checking and normalising")
        counts = {kind: _stage_kind(con, [s for s in sources if s.kind == kind], kind, estimates) for kind in KINDS}
        step("比对上一快照 / comparing with the previous snapshot")
        _compare(con, counts)
        _fill_report(con, report, sources, counts)
        changed = report.new + report.updated > 0
        if changed:
            step("申请人实体 / applicant entities")
            report.entities_pending = known_applicants(
                con, data_dir, "SELECT * FROM patents_cmp WHERE change <> 'unchanged'", database_url
            )
            step("发布快照 / publishing the snapshot")
            report.snapshot = _publish(con, warehouse, previous, sources, report)
            report.published = True
        else:
            report.snapshot = previous
        step("写入隔离文件 / writing the quarantine file")
        stamp = datetime.now(SHANGHAI).strftime("%Y%m%dT%H%M%S")
        for kind in KINDS:
            kind_sources = [s for s in sources if s.kind == kind]
            if kind_sources and counts[kind]["quarantined"]:
                out = write_quarantine(con, kind, kind_sources, data_dir / "quarantine" / f"{stamp}-{kind}.csv")
                report.quarantine_files.append(str(out))
        report.quarantine_file = report.quarantine_files[0] if report.quarantine_files else None
        if report.status_conflicts:
            report.quality_file = str(
                write_excel_csv(con, STATUS_CONFLICTS_SQL, data_dir / "quality" / f"{stamp}-status-conflicts.csv")
            )
        con.execute(f"CREATE OR REPLACE TEMP TABLE quality_notes AS {patent_rules.NOTES_SQL}")  # built once
        report.quality_notes = con.execute("SELECT count(*) FROM quality_notes").fetchall()[0][0]
        report.status_words_unknown = dict(con.execute(patent_rules.UNKNOWN_STATUS_SQL).fetchall())
        if report.quality_notes:
            notes = data_dir / "quality" / f"{stamp}-notes.csv"
            report.notes_file = str(write_excel_csv(con, "SELECT * FROM quality_notes", notes))
        report.message = _summary(report, changed)
        return report
    finally:
        hasher.shutdown(wait=True)
        con.close()
        shutil.rmtree(workdir, ignore_errors=True)


def _load_sources(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    workdir: Path,
    report: IngestReport,
    step: Callable[[str], None],
    hasher: ThreadPoolExecutor,
    status_date: date | None,
) -> list[SourceFile]:
    sources: list[SourceFile] = []
    for index, path in enumerate(paths):
        step(f"读取 / reading {path}")
        source = SourceFile(Path(path), index)
        try:
            source.loaded = load_file(con, source.path, f"raw_{index}", workdir)
            kind = file_kind(source.loaded.headers)
            if kind is None:
                raise FileUnusable(
                    Msg(
                        "不是专利清单或法律事件文件：找不到「申请号」等列",
                        "neither a patent list nor an event file: no 申请号 (application number) column",
                    )
                )
            aliases, required, _rules = KINDS[kind]
            source.kind = kind
            source.mapping = map_headers(source.loaded.headers, aliases)
            source.implied = implied_columns(kind, source.mapping)
            missing = [aliases[c][0] for c in required if c not in source.mapping and c not in source.implied]
            if missing:
                raise FileUnusable(Msg(f"缺少必需列：{'、'.join(missing)}", f"missing required columns: {', '.join(missing)}"))
            source.digest = hasher.submit(_sha256, source.path)
            source.status_date = status_date or source.loaded.stated_date or today_shanghai()
            sources.append(source)
        except FileUnusable as exc:
            con.execute(f"DROP TABLE IF EXISTS raw_{index}")
            msg = exc.msg.located(file=str(path))
            report.files_failed.append({"file": str(path), "reason_zh": msg.zh, "reason_en": msg.en})
    return sources


def _stage_kind(con: duckdb.DuckDBPyConnection, sources: list[SourceFile], kind: str, estimates: Estimates) -> dict:
    """Stage, check and accept the rows of one file kind; return its counts."""
    aliases, _required, rules = KINDS[kind]
    selects = []
    for s in sources:
        cols = [
            f'"{s.mapping[c]}" AS {c}'
            if c in s.mapping
            else f"'{s.implied[c]}' AS {c}"
            if c in s.implied
            else f"NULL::VARCHAR AS {c}"
            for c in aliases
        ]  # an implied value is one of our own words (headers.implied_columns), safe to inline
        day = f"DATE '{s.status_date.isoformat()}'"  # every loaded source has one (_load_sources); its text is safe
        selects.append(f"SELECT {s.index} AS _file, _row, {day} AS _status_date, {', '.join(cols)} FROM raw_{s.index}")
    empty = (
        "SELECT NULL::INTEGER AS _file, NULL::BIGINT AS _row, NULL::DATE AS _status_date, "
        + ", ".join(f"NULL::VARCHAR AS {c}" for c in aliases)
        + " WHERE false"
    )
    # a view: the parse reads the loaded tables through it (a copy of every column cost 0.8 s at 500,000 rows)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {kind}_staged AS " + (" UNION ALL ".join(selects) or empty))
    con.execute(rules.PARSE_SQL)
    # a view cannot take parameters: the estimate rules are SQL of our own (estimates.py), inlined
    con.execute(rules.ACCEPT_SQL.replace("$grant_estimate", estimates.grant_sql).replace("$lapse_estimate", estimates.lapse_sql))
    if kind == "events":
        # events for patents the warehouse will not hold are refused
        con.execute("""
            CREATE OR REPLACE TEMP TABLE events_unknown AS
            SELECT _file, _row FROM events_accepted e
            WHERE NOT EXISTS (SELECT 1 FROM patents_accepted p WHERE p.app_no = e.app_no)
              AND NOT EXISTS (SELECT 1 FROM prev_patents p WHERE p.app_no = e.app_no)
        """)
        con.execute("""
            UPDATE events_parsed SET errors = [{'field': 'app_no', 'zh': '仓库中没有此申请号的专利',
                                                'en': 'no patent with this application number in the warehouse'}]
            WHERE EXISTS (SELECT 1 FROM events_unknown u WHERE u._file = events_parsed._file AND u._row = events_parsed._row)
        """)
        con.execute("""
            DELETE FROM events_accepted
            WHERE EXISTS (SELECT 1 FROM events_unknown u WHERE u._file = events_accepted._file AND u._row = events_accepted._row)
        """)
        con.execute("""
            CREATE OR REPLACE TEMP TABLE events_unique AS
            SELECT *, CASE WHEN event_type = 'transfer' THEN coalesce(to_address, to_party) END AS to_place
            FROM events_accepted QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY _file, _row) = 1
        """)
        # the transferee becomes the patentee: place it by its address, else by its name (苏州某某有限公司)
        geocode(con, "events_unique", "to_place", into="to_geo")
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE events_final AS
            SELECT e.* EXCLUDE (to_place), g.country AS to_country, g.province_code AS to_province_code,
                   g.city_code AS to_city_code, g.district_code AS to_district_code, g.zone_id AS to_zone_id
            FROM events_unique e LEFT JOIN to_geo g ON {ADDRESS_KEY_SQL.format(col="e.to_place")} = g.address_key
        """)
    elif (register := next((r for r in REGISTERS if r.kind == kind), None)) is not None:
        geocode(con, f"{kind}_accepted", register.place, into=f"{kind}_geo")
        con.execute(f"""
            CREATE OR REPLACE TEMP VIEW {kind}_final AS
            SELECT t.*, {PLACE_SELECT} FROM {kind}_accepted t
            LEFT JOIN {kind}_geo g ON {ADDRESS_KEY_SQL.format(col=f"t.{register.place}")} = g.address_key
        """)
    else:
        geocode(con, "patents_accepted", "place_text")
        # the address text alone, where place fields were given too: a disagreement is a data-quality note
        con.execute(
            "CREATE OR REPLACE TEMP VIEW patents_two_places AS SELECT address FROM patents_accepted "
            "WHERE address IS NOT NULL AND applicant_region IS NOT NULL"
        )
        geocode(con, "patents_two_places", "address", into="geo_text")
        _match_sei(con)
        con.execute(f"""
            CREATE OR REPLACE TEMP VIEW patents_final AS
            SELECT p.*,
                   -- a foreign office's record names its country last (USPTO: "Fremont, CA, US")
                   coalesce(g.country, CASE WHEN p.office <> 'CN'
                                            THEN nullif(regexp_extract(p.address, ', *([A-Z]{{2}})$', 1), '') END) AS country,
                   g.province_code, g.city_code, g.district_code, g.district_code_old, g.zone_id,
                   {_sei_select("p")}
            FROM patents_accepted p LEFT JOIN geo g ON {ADDRESS_KEY_SQL.format(col="p.place_text")} = g.address_key
        """)
    parsed = con.execute(f"SELECT count(*), count(*) FILTER (WHERE len(errors) > 0) FROM {kind}_parsed").fetchall()[0]
    rejects = sum(len(s.loaded.rejects) for s in sources if s.loaded)
    return {"read": parsed[0] + rejects, "quarantined": parsed[1] + rejects}


# the stored SEI match of a patent row ``{alias}`` (inventions only), from the tables _match_sei made
SEI_COLUMNS = {
    column: f"CASE WHEN {{alias}}.patent_type = 'invention' THEN {{alias}}.app_no IN (SELECT app_no FROM {table}) END"
    for column, table in (("sei_match", "sei_keywords"), ("sei_ipc", "sei_ipc_only"))
}


def _sei_select(alias: str) -> str:
    return ", ".join(f"{sql.format(alias=alias)} AS {column}" for column, sql in SEI_COLUMNS.items())


def _match_sei(con: duckdb.DuckDBPyConnection) -> None:
    """Tables ``sei_keywords`` and ``sei_ipc_only``: the inventions of the new snapshot (accepted rows and the
    previous snapshot's others) in a strategic emerging industry, by the concordance's Ibis expression the
    indicators also use — re-derived on every ingest, so every stored match is made with today's concordance."""
    con.execute("""
        CREATE OR REPLACE TEMP VIEW sei_inventions AS
        SELECT app_no, ipc_all, title, abstract FROM patents_accepted WHERE patent_type = 'invention'
        UNION ALL
        SELECT app_no, ipc_all, title, abstract FROM prev_patents
        WHERE patent_type = 'invention' AND app_no NOT IN (SELECT app_no FROM patents_accepted)
    """)
    backend = ibis.duckdb.from_connection(con)
    inventions = backend.table("sei_inventions")
    for name, matching in (("sei_keywords", "keywords"), ("sei_ipc_only", "ipc-only")):
        con.execute(f"DROP TABLE IF EXISTS {name}")
        backend.create_table(name, match_table(inventions, matching), temp=True)


def _hash_sql(alias: str, schema: pa.Schema = PATENTS, columns: list[str] = CONTENT_COLUMNS) -> str:
    """A record's content hash. DuckDB's own hash is ten times faster than md5 of the row's text (measured); it is
    not promised stable across DuckDB versions, so both sides of a comparison are hashed in the same run."""
    typed = [f"CAST({alias}.{c} AS {sql_type(schema.field(c))})" for c in columns]
    return f"CAST(hash({', '.join(typed)}) AS VARCHAR)"


def _compare(con: duckdb.DuckDBPyConnection, counts: dict[str, dict]) -> None:
    """Split accepted records into new, updated and unchanged against the previous snapshot."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE patents_cmp AS
        SELECT f.*, CASE WHEN p.app_no IS NULL THEN 'new' WHEN p.record_hash = f.record_hash THEN 'unchanged'
                         ELSE 'updated' END AS change
        FROM (SELECT *, {_hash_sql("patents_final")} AS record_hash FROM patents_final) f
        LEFT JOIN (SELECT app_no, {_hash_sql("prev_patents")} AS record_hash FROM prev_patents) p ON p.app_no = f.app_no
    """)
    for r in REGISTERS:
        new_hash = _hash_sql(f"{r.kind}_final", r.schema, content_columns(r.schema))
        prev_hash = _hash_sql(f"prev_{r.kind}", r.schema, content_columns(r.schema))
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {r.kind}_cmp AS
            SELECT f.*, CASE WHEN p.{r.key} IS NULL THEN 'new' WHEN p.record_hash = f.record_hash THEN 'unchanged'
                             ELSE 'updated' END AS change
            FROM (SELECT *, {new_hash} AS record_hash FROM {r.kind}_final) f
            LEFT JOIN (SELECT {r.key}, {prev_hash} AS record_hash FROM prev_{r.kind}) p ON p.{r.key} = f.{r.key}
        """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE events_cmp AS
        SELECT f.*, CASE WHEN p.event_id IS NULL THEN 'new' ELSE 'unchanged' END AS change
        FROM events_final f LEFT JOIN prev_events p ON p.event_id = f.event_id
    """)
    for kind in KINDS:
        rows = dict(con.execute(f"SELECT change, count(*) FROM {kind}_cmp GROUP BY change").fetchall())
        c = counts[kind]
        c.update({k: rows.get(k, 0) for k in ("new", "updated", "unchanged")})
        c["accepted"] = c["new"] + c["updated"] + c["unchanged"]
        c["duplicates"] = c["read"] - c["quarantined"] - c["accepted"]


def _fill_report(
    con: duckdb.DuckDBPyConnection, report: IngestReport, sources: list[SourceFile], counts: dict[str, dict]
) -> None:
    keys = ("read", "accepted", "quarantined", "duplicates", "new", "updated", "unchanged")
    for kind, c in counts.items():
        report.by_kind[kind] = {k: c.get(k, 0) for k in keys}
        for k in keys:
            setattr(report, k, getattr(report, k) + c.get(k, 0))
    (report.region_unknown, report.status_conflicts, report.grant_dates_estimated, report.lapse_dates_estimated) = con.execute("""
        SELECT count(*) FILTER (WHERE city_code IS NULL AND coalesce(country, 'CN') = 'CN' AND office = 'CN'),
               count(*) FILTER (WHERE status_conflict),
               count(*) FILTER (WHERE grant_date_estimated), count(*) FILTER (WHERE lapse_date_estimated)
        FROM patents_cmp
    """).fetchall()[0]
    per_file = {
        (f, k): (r, q)
        for k in KINDS
        for f, r, q in con.execute(
            f"SELECT _file, count(*), count(*) FILTER (WHERE len(errors) > 0) FROM {k}_parsed GROUP BY _file"
        ).fetchall()
    }
    for s in sources:
        rows, bad = per_file.get((s.index, s.kind), (0, 0))
        rejects = len(s.loaded.rejects) if s.loaded else 0
        s.counts = {"read": rows + rejects, "quarantined": bad + rejects}
        report.files.append(
            {
                "file": str(s.path),
                "kind": s.kind,
                "format": s.loaded.format if s.loaded else None,
                "encoding": s.loaded.encoding if s.loaded else None,
                "sha256": s.sha256,
                "status_date": s.status_date.isoformat() if s.status_date else None,
                **s.counts,
            }
        )


# a patent row's first applicant's entity, from the table known_applicants or stamp_applicants made: a join (a
# scalar subquery per row held every wide row in its hash table: 2 s of a 500,000-row publish, measured)
APPLICANT_JOIN = (
    "LEFT JOIN (SELECT name AS _applicant_name, entity_id AS _applicant_id FROM applicant_ids) _ids "
    "ON _ids._applicant_name = {alias}.first_applicant"
)
APPLICANT_ID_SQL = "_ids._applicant_id AS first_applicant_id"


def _applicant_ids(con: duckdb.DuckDBPyConnection, ids: dict[str, int]) -> None:
    con.register("_applicant_ids", pa.table({"name": list(ids), "entity_id": pa.array(list(ids.values()), pa.int64())}))
    con.execute("CREATE OR REPLACE TEMP TABLE applicant_ids AS SELECT * FROM _applicant_ids")
    con.unregister("_applicant_ids")


def known_applicants(con: duckdb.DuckDBPyConnection, data_dir: Path, new_rows: str, database_url: str | None) -> int:
    """Table ``applicant_ids`` (name, entity_id) for the organisation first applicants of ``new_rows`` whose name
    the reviewed mapping already holds — read as one table, nothing written: an ingest never waits on resolution.
    Returns how many names it does not hold (resolved afterwards by ``apply_entities``)."""
    from ipstrong.ingest.entity_store import known_ids
    from ipstrong.ingest.names import name_key

    names = [
        r[0]
        for r in con.execute(f"""
            SELECT DISTINCT first_applicant FROM ({new_rows})
            WHERE first_applicant IS NOT NULL AND applicant_type IS DISTINCT FROM 'individual'
        """).fetchall()
    ]
    known = known_ids(data_dir, database_url) if names else {}
    ids = {name: known[key] for name in names if (key := name_key(name)) in known} if known else {}
    _applicant_ids(con, ids)
    return len(names) - len(ids)


def stamp_applicants(con: duckdb.DuckDBPyConnection, data_dir: Path, new_rows: str, database_url: str | None) -> None:
    """Table ``applicant_ids`` (name, entity_id): every organisation first applicant of the coming snapshot (the
    ``new_rows`` and the previous snapshot's others) given its entity in the reviewed mapping, with the cities,
    inventors and vendor groups (the standardised name of the first applicant) of its records as the evidence
    resolution weighs."""
    from ipstrong.ingest.entity_store import stamp

    rows = con.execute(f"""
        WITH coming AS (
            SELECT first_applicant, applicant_type, city_code, inventors, applicants_standard[1] AS std FROM ({new_rows})
            UNION ALL
            SELECT first_applicant, applicant_type, city_code, inventors, applicants_standard[1] FROM prev_patents
            WHERE app_no NOT IN (SELECT app_no FROM ({new_rows}))
        )
        SELECT first_applicant, count(*)::INTEGER, list(DISTINCT city_code) FILTER (WHERE city_code IS NOT NULL),
               list_distinct(flatten(list(inventors[:3])))[:30], list(DISTINCT std) FILTER (WHERE std IS NOT NULL)
        FROM coming WHERE first_applicant IS NOT NULL AND applicant_type IS DISTINCT FROM 'individual'
        GROUP BY first_applicant
    """).fetchall()
    _applicant_ids(con, stamp(data_dir, rows, database_url))


def _new_rows_select(schema: pa.Schema, snapshot_id: str, sources: list[SourceFile]) -> str:
    """Select list that turns a command's accepted rows into warehouse rows (source file, row, snapshot)."""
    names = "[" + ", ".join("'" + s.path.name.replace("'", "''") + "'" for s in sources) + "]"
    special = {
        "source": f"{names}[_file + 1] AS source",
        "source_row": "_row AS source_row",
        "snapshot_added": f"'{snapshot_id}' AS snapshot_added",
        "first_applicant_id": APPLICANT_ID_SQL,
    }
    return ", ".join(special.get(f.name, f.name) for f in schema)


def _publish(
    con: duckdb.DuckDBPyConnection, warehouse: Warehouse, previous: str | None, sources: list[SourceFile], report: IngestReport
) -> str:
    with warehouse.stage(previous) as staging:
        sid = staging.id
        folder = {table: staging.path / table for table in TABLES}
        changed = "SELECT app_no FROM patents_cmp WHERE change <> 'unchanged'"
        # kept records (their derived columns made again), then the new and updated ones; only the filing years that
        # change are written, the parent's other years linked
        kept = f"SELECT {', '.join(_kept_column(f.name) for f in PATENTS)} FROM prev_patents p WHERE app_no NOT IN ({changed})"
        added = (
            f"SELECT {_new_rows_select(PATENTS, sid, sources)} FROM patents_cmp "
            f"{APPLICANT_JOIN.format(alias='patents_cmp')} WHERE change <> 'unchanged'"
        )
        parts.write_by_year(con, warehouse, previous, folder["patents"], f"{kept} UNION ALL {added}", _stale_years(con))
        # the versions this snapshot replaces, and the new events, are added as one part each
        superseded = (
            f"SELECT {', '.join(f.name for f in PATENTS)}, '{sid}' AS superseded_by FROM prev_patents "
            "WHERE app_no IN (SELECT app_no FROM patents_cmp WHERE change = 'updated')"
        )
        parts.append(con, warehouse, previous, "patents_history", folder["patents_history"], superseded, f"s{sid}")
        new_events = f"SELECT {_new_rows_select(EVENTS, sid, sources)} FROM events_cmp WHERE change = 'new'"
        parts.append(con, warehouse, previous, "events", folder["events"], new_events, f"s{sid}")
        # a register row's latest state replaces the earlier one (the lists keep no dated history)
        for r in REGISTERS:
            changed_rows = f"SELECT {r.key} FROM {r.kind}_cmp WHERE change <> 'unchanged'"
            if con.execute(f"SELECT count(*) FROM ({changed_rows})").fetchall()[0][0]:
                columns = ", ".join(f.name for f in r.schema)
                parts.write_whole(
                    con,
                    folder[r.kind],
                    f"SELECT {columns} FROM prev_{r.kind} WHERE {r.key} NOT IN ({changed_rows}) UNION ALL "
                    f"SELECT {_new_rows_select(r.schema, sid, sources)} FROM {r.kind}_cmp WHERE change <> 'unchanged'",
                )
            else:
                link_parts(warehouse.parts(r.kind, previous) if previous else [], folder[r.kind])
        for table, schema in TABLES.items():
            parts.ensure_readable(folder[table], schema)
        totals = {table: parts.count(con, folder[table]) for table in TABLES}
        staging.manifest.update(
            {
                "sources": [
                    {
                        "file": str(s.path.resolve()),
                        "name": s.path.name,
                        "sha256": s.sha256,
                        "kind": s.kind,
                        "format": s.loaded.format if s.loaded else None,
                        "encoding": s.loaded.encoding if s.loaded else None,
                        "status_date": s.status_date.isoformat() if s.status_date else None,
                        **s.counts,
                    }
                    for s in sources
                ],
                "counts": {k: report.by_kind[k] for k in report.by_kind},
                "region_unknown": report.region_unknown,
                "status_conflicts": report.status_conflicts,
                "files_failed": report.files_failed,
                "totals": totals,
                "sei_concordance": SEI_CONCORDANCE,
                "estimates": report.estimates,
            }
        )
    return sid


def _stale_years(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Filing years whose part must be written again: those of new and updated records (before and after the
    update) and those where a derived column of a kept record comes out differently today."""
    changed = "SELECT app_no FROM patents_cmp WHERE change <> 'unchanged'"
    part = parts.YEAR_PART_SQL
    derived = " OR ".join(f"p.{name} IS DISTINCT FROM {_kept_expr(name)}" for name in SEI_COLUMNS)
    rows = con.execute(f"""
        SELECT {part.format(col="app_date")} FROM patents_cmp WHERE change <> 'unchanged'
        UNION SELECT {part.format(col="p.app_date")} FROM prev_patents p WHERE app_no IN ({changed})
        UNION SELECT {part.format(col="p.app_date")} FROM prev_patents p WHERE app_no NOT IN ({changed}) AND ({derived})
    """).fetchall()
    return {r[0] for r in rows}


def _kept_expr(name: str) -> str:
    """A previous snapshot's patent column (alias ``p``) as an ingest's new snapshot keeps it: SEI matches are
    derived again (today's concordance), the rest as it was — the applicants' entities follow the reviewed mapping
    through ``apply_entities``."""
    return f"({SEI_COLUMNS[name].format(alias='p')})" if name in SEI_COLUMNS else name


def _kept_column(name: str) -> str:
    expr = _kept_expr(name)
    return name if expr == name else f"{expr} AS {name}"


def _summary(report: IngestReport, changed: bool) -> str:
    if not changed:
        return str(
            Msg(
                f"没有新增或变更的记录，仓库未改变（快照 {report.snapshot}）",
                f"no new or changed records; the warehouse is unchanged (snapshot {report.snapshot})",
            )
        )
    return str(
        Msg(
            f"已发布快照 {report.snapshot}：新增 {report.new}，更新 {report.updated}，未变 {report.unchanged}，"
            f"隔离 {report.quarantined}，重复 {report.duplicates}",
            f"published snapshot {report.snapshot}: {report.new} new, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.quarantined} quarantined, {report.duplicates} duplicates",
        )
    )


def apply_entities(data_dir: Path, database_url: str | None = None) -> dict[str, Any]:
    """Stamp the current snapshot's patents with today's reviewed mapping: a new snapshot that writes the filing
    years whose ids change and links everything else from the parent, or none when no id changes."""
    warehouse = Warehouse(data_dir)
    with warehouse.writing():
        return _apply_entities(warehouse, data_dir, database_url)


def _apply_entities(warehouse: Warehouse, data_dir: Path, database_url: str | None) -> dict[str, Any]:
    previous = warehouse.current_id()
    if previous is None:
        raise FileUnusable(Msg("仓库中没有数据", "the warehouse holds no data yet"))
    con = new_duckdb()
    try:
        attach_snapshot(con, warehouse, previous, prefix="prev_")
        stamp_applicants(con, data_dir, "SELECT * FROM prev_patents WHERE false", database_url)
        joined = APPLICANT_JOIN.format(alias="p")
        stale = con.execute(
            f"SELECT {parts.YEAR_PART_SQL.format(col='p.app_date')}, count(*) FROM prev_patents p {joined} "
            "WHERE p.first_applicant_id IS DISTINCT FROM _ids._applicant_id GROUP BY 1"
        ).fetchall()
        changed = sum(n for _part, n in stale)
        if not changed:
            return {"snapshot": previous, "published": False, "changed": 0}
        columns = ", ".join(APPLICANT_ID_SQL if f.name == "first_applicant_id" else f"p.{f.name}" for f in PATENTS)
        with warehouse.stage(previous) as staging:
            rows = f"SELECT {columns} FROM prev_patents p {joined}"
            parts.write_by_year(con, warehouse, previous, staging.path / "patents", rows, {part for part, _n in stale})
            for table in TABLES:
                if table != "patents":
                    link_parts(warehouse.parts(table, previous), staging.path / table)
                    parts.ensure_readable(staging.path / table, TABLES[table])
            parent = warehouse.manifest(previous)
            keep = ("sources", "counts", "region_unknown", "status_conflicts", "totals", "sei_concordance", "estimates")
            staging.manifest.update({k: parent[k] for k in keep if k in parent} | {"entities_applied": changed})
        return {"snapshot": staging.id, "published": True, "changed": changed}
    finally:
        con.close()
