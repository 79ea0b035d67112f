"""The search index: one tantivy index per warehouse snapshot, under ``DATA_DIR/search/<snapshot id>``.

Traditional characters are folded to simplified ones (OpenCC ``t2s``) in a hidden twin of each text field, where
Latin and digit runs are also cut into their parts at case and digit boundaries (``WebVR`` → Web VR, ``Unity3D`` →
Unity 3 D, ``VR360`` → VR 360), filled only for records that hold such text: either form of a word finds both, a
part finds the mixed word as the vendors' searches do, and hits show the text as filed. Punctuation between two
Chinese characters is skipped in the bigram twins (``虚拟-现实`` is found by 虚拟现实). Chinese is indexed one Han
character per token and English one word per token, lower-cased and stemmed (tantivy's regex tokenizer
``\\p{Han}|[A-Za-z0-9]+``): a Chinese word or phrase is then a phrase query of its characters, which gave exact phrase
counts where jieba without a patent dictionary split 石墨烯 and bigrams miscounted
(../shared/reference/DEPENDENCY_NOTES.md). IPC symbols are indexed at every level (subclass ``H01M``, main group
``H01M10``, the symbol ``H01M10/0525``) so a hierarchical query is one term; facet fields are fast fields.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import tantivy

from ipstrong.locks import exclusive
from ipstrong.messages import IpsError, Msg
from ipstrong.reference.sei import SEI_DEFAULT, SEI_STORED, sei_branches
from ipstrong.warehouse.connection import attach_snapshot, snapshot_connection
from ipstrong.warehouse.snapshots import Warehouse

TOKENIZER = "han_words"
INDEX_VERSION = 9  # written beside each index; an index of another version is rebuilt, never read with this schema
VERSION_FILE = "ipstrong-index.json"
TOKEN_PATTERN = r"\p{Han}|[A-Za-z0-9]+"
BATCH = 50_000
# searchable text: index field ← warehouse column(s)
TEXT_FIELDS = ("title", "abstract", "claims", "applicants", "inventors", "address")
# fields that also get a hidden twin of Han bigrams (``<field>_bigrams``), where a Chinese word is found fast
BIGRAM_FIELDS = ("title", "abstract")
BIGRAM_TOKENIZER = "bigrams"
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN}]+")
# punctuation and spaces between two Han characters, skipped inside a Chinese phrase as the vendors' searches do
HAN_JOINER = re.compile(f"(?<=[{HAN}])[\\s\\-‐‑–—―·・•、，,。．./／_~～:：;；]+(?=[{HAN}])")
# where a Latin or digit run is cut into its parts: lower→upper, an acronym before a capitalised word, letter↔digit
PART_BOUNDARY = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
KEYWORD_FIELDS = (
    "app_no", "pub_no", "office", "first_applicant", "applicant_id", "city", "district", "type", "status", "ipc", "mipc",
    "ipc_sub", "sei",
)  # fmt: skip
DATE_FIELDS = ("ad", "pd", "gd")


@cache
def analyzer() -> tantivy.TextAnalyzer:
    """The analyzer of every text field, for indexing and for reading query words alike."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(TOKEN_PATTERN))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


@cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def han_bigrams(folded: str) -> list[str]:
    """The overlapping pairs of Han characters in each run of them (``锂离子电池`` → 锂离 离子 子电 电池), of text already
    folded to simplified characters. A word of two or more Han characters is then one term or a phrase of few, rarer
    terms: the same titles as the phrase of its single characters (measured on the labelled set), found faster."""
    joined = HAN_JOINER.sub("", folded)
    return [run[i : i + 2] for run in HAN_RUN.findall(joined) for i in range(len(run) - 1)]


def fold(text: str) -> str:
    """Traditional characters as simplified ones (OpenCC t2s), for indexing and for query words alike."""
    return _t2s().convert(text)


def parts(text: str) -> str:
    """Latin and digit runs cut into their parts (``WebVR`` → ``Web VR``): the text of the hidden twins."""
    return PART_BOUNDARY.sub(" ", text)


def is_current(path: Path) -> bool:
    """Whether ``path`` holds an index this version of the code can read."""
    marker = path / VERSION_FILE
    return marker.exists() and json.loads(marker.read_text(encoding="utf-8")).get("version") == INDEX_VERSION


@cache
def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name=TOKENIZER)
        builder.add_text_field(f"{name}_folded", stored=False, tokenizer_name=TOKENIZER)
    for name in BIGRAM_FIELDS:
        builder.add_text_field(f"{name}_bigrams", stored=False, tokenizer_name=BIGRAM_TOKENIZER)
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name="raw", fast=True)
    for name in DATE_FIELDS:
        builder.add_date_field(name, stored=True, indexed=True, fast=True)
    builder.add_integer_field("year", stored=True, indexed=True, fast=True)
    return builder.build()


def index_path(data_dir: Path, snapshot: str) -> Path:
    return data_dir / "search" / snapshot


def open_index(data_dir: Path, snapshot: str | None = None) -> tuple[tantivy.Index, str]:
    """The index of ``snapshot`` (default the current one), or a message saying to build it."""
    snapshot = snapshot or Warehouse(data_dir).current_id()
    if snapshot is None:
        raise IpsError(Msg("仓库中没有数据：先运行 ipstrong ingest", "the warehouse is empty: run ipstrong ingest first"))
    path = index_path(data_dir, snapshot)
    if not is_current(path):
        raise IpsError(
            Msg(
                f"快照 {snapshot} 还没有检索索引：先运行 ipstrong index build",
                f"snapshot {snapshot} has no search index yet: run ipstrong index build",
            )
        )
    return open_at(path), snapshot


def open_at(path: Path) -> tantivy.Index:
    """The index in directory ``path``, ready to search."""
    return _registered(tantivy.Index.open(str(path)))


@cache
def _bigram_analyzer() -> tantivy.TextAnalyzer:
    """The bigram twins' analyzer: their text is already the bigrams, separated by spaces."""
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


def _registered(index: tantivy.Index) -> tantivy.Index:
    """The index with this module's analyzers (registered on every open: tantivy does not store them)."""
    index.register_tokenizer(TOKENIZER, analyzer())
    index.register_tokenizer(BIGRAM_TOKENIZER, _bigram_analyzer())
    return index


def ipc_levels(symbols: list[str] | None) -> list[str]:
    """Every level of each canonical symbol: ``H01M10/0525`` → ``H01M``, ``H01M10``, ``H01M10/0525``."""
    out: list[str] = []
    for symbol in symbols or []:
        if not symbol:
            continue
        group = symbol.split("/", 1)[0]
        for level in (symbol[:4], group, symbol):
            if level not in out:
                out.append(level)
    return out


# the stored SEI match search reads: the indicators' default matching, so SEI= finds what they count
SEI_COLUMN = SEI_STORED[SEI_DEFAULT]


def sei_values(row: dict[str, Any]) -> list[str]:
    """What ``SEI=`` finds a patent by: ``yes`` when the stored match (the indicators' default matching) says it is
    in a strategic emerging industry, and each branch (``1.5``) and industry (``1``) the concordance puts it in."""
    if not row[SEI_COLUMN]:
        return []
    text = f"{row['title'] or ''} {row['abstract'] or ''}"
    branches = sei_branches(row["ipc_all"] or [], text, SEI_DEFAULT)
    return ["yes", *branches, *dict.fromkeys(b.split(".", 1)[0] for b in branches)]


COLUMNS = (
    "app_no", "pub_no", "title", "abstract", "claims", "applicants", "inventors", "address", "first_applicant", "city_code",
    "district_code", "patent_type", "legal_status", "ipc_all", "ipc_main", SEI_COLUMN, "app_date", "pub_date",
    "grant_date", "office", "first_applicant_id",
)  # fmt: skip
SOURCE_SQL = f"SELECT {', '.join(COLUMNS)} FROM patents"


def _document(row: dict[str, Any]) -> tantivy.Document:
    row = {column: row.get(column) for column in COLUMNS}  # a row may leave out what it does not hold
    doc = tantivy.Document()
    texts = {
        "title": row["title"],
        "abstract": row["abstract"],
        "claims": row["claims"],
        "applicants": "；".join(row["applicants"] or []),
        "inventors": "；".join(row["inventors"] or []),
        "address": row["address"],
    }
    for name, value in texts.items():
        if value:
            doc.add_text(name, value)
            folded = fold(value)
            twin = parts(folded)
            if twin != value:
                doc.add_text(f"{name}_folded", twin)
            if name in BIGRAM_FIELDS:
                doc.add_text(f"{name}_bigrams", " ".join(han_bigrams(folded)))
    keywords = {
        "app_no": row["app_no"],
        "pub_no": row["pub_no"],
        "office": row["office"],
        "first_applicant": row["first_applicant"],
        "applicant_id": str(row["first_applicant_id"]) if row["first_applicant_id"] is not None else None,
        "city": row["city_code"],
        "district": row["district_code"],
        "type": row["patent_type"],
        "status": row["legal_status"],
        "ipc_sub": (row["ipc_main"] or "")[:4] or None,
    }
    for name, value in keywords.items():
        if value:
            doc.add_text(name, value)
    for value in sei_values(row):
        doc.add_text("sei", value)
    for symbol in ipc_levels(row["ipc_all"]):
        doc.add_text("ipc", symbol)
    for symbol in ipc_levels([row["ipc_main"]] if row["ipc_main"] else []):
        doc.add_text("mipc", symbol)
    for name, column in (("ad", "app_date"), ("pd", "pub_date"), ("gd", "grant_date")):
        if row[column] is not None:
            doc.add_date(name, dt.datetime.combine(row[column], dt.time()))
    if row["app_date"] is not None:
        doc.add_integer("year", row["app_date"].year)
    return doc


def create(path: Path) -> tantivy.Index:
    """A new, empty index at ``path`` (an existing directory) with this module's schema and analyzer."""
    return _registered(tantivy.Index(schema(), path=str(path)))


def add(writer: tantivy.IndexWriter, rows: Iterable[dict[str, Any]]) -> None:
    """Index rows holding (some of) the warehouse columns of ``COLUMNS``."""
    for row in rows:
        writer.add_document(_document(row))


def build(data_dir: Path, step: Callable[[int, int], None] = lambda _done, _total: None) -> dict[str, Any]:
    """Index the current snapshot. When its parent snapshot has an index, that index is copied and only the patents
    added, changed or removed since are rewritten (``mode`` incremental); otherwise every patent is indexed. The
    index appears whole or not at all: it is built beside and renamed. Builds take turns on the index's lock, so
    two at once never write into one folder."""
    with exclusive(data_dir / "search" / ".build.lock", Msg("检索索引", "the search index")):
        return _build(data_dir, step)


def _build(data_dir: Path, step: Callable[[int, int], None]) -> dict[str, Any]:
    warehouse = Warehouse(data_dir)
    snapshot = warehouse.current_id()
    if snapshot is None:
        raise IpsError(Msg("仓库中没有数据：先运行 ipstrong ingest", "the warehouse is empty: run ipstrong ingest first"))
    parent = warehouse.manifest(snapshot).get("parent")
    base = index_path(data_dir, parent) if parent else None
    incremental = base is not None and is_current(base)
    target = index_path(data_dir, snapshot)
    work = target.with_name(target.name + ".building")
    shutil.rmtree(work, ignore_errors=True)
    work.parent.mkdir(parents=True, exist_ok=True)
    if incremental:
        shutil.copytree(base, work)
        index = open_at(work)
    else:
        work.mkdir()
        index = create(work)
    writer = index.writer(heap_size=256_000_000)
    con = snapshot_connection(data_dir, snapshot)
    try:
        source = SOURCE_SQL
        if incremental:
            attach_snapshot(con, warehouse, parent, prefix="prev_")
            con.execute(CHANGED_SQL)
            for (app_no,) in con.execute("SELECT app_no FROM changed UNION ALL SELECT app_no FROM removed").fetchall():
                writer.delete_documents_by_term("app_no", app_no)
            source += " WHERE app_no IN (SELECT app_no FROM changed)"
        total = con.execute(f"SELECT count(*) FROM ({source})").fetchall()[0][0]
        done = 0
        for batch in con.sql(source).to_arrow_reader(BATCH):
            add(writer, batch.to_pylist())
            done += batch.num_rows
            step(done, total)
        writer.commit()
        writer.wait_merging_threads()
        documents = con.execute("SELECT count(*) FROM patents").fetchall()[0][0]
    finally:
        con.close()
    (work / VERSION_FILE).write_text(json.dumps({"version": INDEX_VERSION, "snapshot": snapshot}), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    work.rename(target)
    return {
        "snapshot": snapshot,
        "mode": "incremental" if incremental else "full",
        "indexed": total,
        "documents": documents,
        "path": str(target),
    }


# patents of the snapshot that are new or differ from the parent's (content, or the stored SEI match), and the
# parent's patents the snapshot no longer holds
CHANGED_SQL = f"""
CREATE OR REPLACE TEMP TABLE changed AS
SELECT p.app_no FROM patents p LEFT JOIN prev_patents q ON q.app_no = p.app_no
WHERE q.app_no IS NULL OR q.record_hash IS DISTINCT FROM p.record_hash OR q.{SEI_COLUMN} IS DISTINCT FROM p.{SEI_COLUMN};
CREATE OR REPLACE TEMP TABLE removed AS
SELECT q.app_no FROM prev_patents q WHERE NOT EXISTS (SELECT 1 FROM patents p WHERE p.app_no = q.app_no);
"""


def refresh_after_ingest(data_dir: Path) -> dict[str, Any] | None:
    """After an ingest: bring the index up to the new snapshot when the previous one had an index (incrementally)."""
    warehouse = Warehouse(data_dir)
    snapshot = warehouse.current_id()
    parent = warehouse.manifest(snapshot).get("parent") if snapshot else None
    if parent is None or not is_current(index_path(data_dir, parent)):
        return None
    return build(data_dir)
