"""Readers: turn one input file into a DuckDB table of text columns with its original headers.

Each reader is a small class with a name, ``sniff`` (does this content look like mine?) and ``load``; the format
is decided by content, not by extension. Every loaded table has ``_row``: the row number a person sees (header =
row 1, as a spreadsheet shows it; for Parquet, the record number). Rows the parser could not split (too many
fields, broken quoting, bad bytes) come back in ``rejects`` with their raw text.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import charset_normalizer
import duckdb
import numpy as np
import pyarrow as pa

from ipstrong.clock import SHANGHAI
from ipstrong.ingest import cnipa_xml, delivery, docdb, st96, uspto, uspto_assignments, xmlsafe
from ipstrong.ingest.headers import QUARANTINE_COLUMNS, known_header_count
from ipstrong.messages import IpsError, Msg
from ipstrong.output import sql_ident, unneutralised_sql

SAMPLE_BYTES = 1 << 20
SNIFF_BYTES = 4096  # enough for an XML declaration, its DOCTYPE and root element


class FileUnusable(IpsError):
    """The file as a whole cannot be used (format, encoding, emptiness, required columns)."""


@dataclass
class Reject:
    row: int
    raw_line: str
    reason: Msg


@dataclass
class Loaded:
    """What a reader produced: the table name, original headers, row count, rejects, detected encoding, and the
    date the file states it was made (its statuses describe that day), where it states one."""

    table: str
    headers: list[str]
    rows: int
    format: str
    encoding: str | None = None
    rejects: list[Reject] = field(default_factory=list)
    stated_date: dt.date | None = None


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers):
        name = (str(h).strip() if h is not None else "") or f"column{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def detect_encoding(path: Path) -> str:
    """UTF-8 when the sample decodes as UTF-8, else GB18030 (a superset of GBK), else the detector's guess."""
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileUnusable(Msg("文件为空", "the file is empty"))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise FileUnusable(Msg("不是文本文件，也不是可识别的表格格式", "neither a text file nor a known spreadsheet format"))
    body = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(body, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(body).best()
    if best is None:
        raise FileUnusable(Msg("无法识别文件编码", "cannot tell the file's text encoding"))
    return best.encoding


def transcode(path: Path, encoding: str, workdir: Path) -> Path:
    """Stream a non-UTF-8 text file into a UTF-8 copy; undecodable bytes make the file unusable.

    A UTF-8 byte-order mark in front of a GBK body (a file that lies about its encoding) is dropped as bytes,
    before decoding, so it cannot merge with the first header's characters.
    """
    target = workdir / (path.name + ".utf8.csv")
    decoder = codecs.getincrementaldecoder(encoding)()
    consumed = 0  # bytes decoded before the current chunk, for the error message
    try:
        with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
            chunk = src.read(1 << 22)
            if encoding != "utf-16" and chunk.startswith(codecs.BOM_UTF8):
                chunk, consumed = chunk[3:], 3
            dst.write(decoder.decode(chunk).lstrip("\ufeff"))
            consumed += len(chunk)
            while chunk := src.read(1 << 22):
                dst.write(decoder.decode(chunk))
                consumed += len(chunk)
            dst.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        where = consumed + exc.start
        raise FileUnusable(
            Msg(
                f"文件编码不一致：按 {encoding} 解码在第 {where} 字节附近失败",
                f"inconsistent encoding: decoding as {encoding} failed near byte {where}",
            )
        ) from None
    return target


QUARANTINE_SIGNATURE = set(QUARANTINE_COLUMNS)


class CsvReader:
    """Comma- or tab-separated text in UTF-8, GBK/GB18030 or UTF-16, parsed by DuckDB in parallel."""

    name = "csv"

    def sniff(self, head: bytes) -> bool:
        return not head.startswith((b"PK\x03\x04", b"PAR1", b"\xd0\xcf\x11\xe0", b"<?xml", b"[", b"{"))

    def load(self, con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path) -> Loaded:
        encoding = detect_encoding(path)
        source = path if encoding == "utf-8" else transcode(path, encoding, workdir)
        with source.open("r", encoding="utf-8-sig", errors="replace") as fh:
            first = fh.readline()
        delim = "\\t" if first.count("\t") > first.count(",") else ","
        try:
            con.execute(
                f"CREATE TABLE {table} AS SELECT row_number() OVER () AS _ord, row_number() OVER () + 1 AS _row, * "
                f"FROM read_csv({_quote(source)}, "
                f"all_varchar = true, header = true, delim = '{delim}', quote = '\"', escape = '\"', "
                f"store_rejects = true, rejects_table = '{table}_rej', rejects_scan = '{table}_scan', "
                f"max_line_size = 10000000, sample_size = 20480)"
            )
        except duckdb.Error as exc:
            raise FileUnusable(Msg(f"无法按 CSV 解析：{exc}", f"cannot parse as CSV: {exc}")) from None
        headers = [c for c in con.table(table).columns if c not in ("_ord", "_row")]
        rej = con.execute(
            f"SELECT line, any_value(csv_line), any_value(error_type) FROM {table}_rej GROUP BY line ORDER BY line"
        ).fetchall()
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        rejects = [
            Reject(int(line), raw or "", Msg(f"无法拆分为字段（{kind}）", f"cannot be split into fields ({kind})"))
            for line, raw, kind in rej
        ]
        _number_rows(con, table, rows, [r.row for r in rejects])
        if set(headers) >= QUARANTINE_SIGNATURE:  # a quarantine file of ours: its cells were neutralised for Excel
            undo = ", ".join(f"{sql_ident(h)} = {unneutralised_sql(sql_ident(h))}" for h in headers)
            con.execute(f"UPDATE {table} SET {undo}")
        return Loaded(table, headers, rows, self.name, encoding, rejects)


def _number_rows(con: duckdb.DuckDBPyConnection, table: str, rows: int, reject_rows: list[int]) -> None:
    """Give each parsed record the spreadsheet row it sits on, skipping the rows the parser rejected.

    Exact when no quoted field spans lines before a rejected row (DuckDB reports rejects by line).
    """
    if not reject_rows:
        return  # the table's own _row (ordinal + 1) is right
    all_rows = np.arange(2, rows + len(reject_rows) + 2, dtype=np.int64)
    kept = np.setdiff1d(all_rows, np.asarray(reject_rows, dtype=np.int64))[:rows]
    con.register(f"{table}_rowmap", pa.table({"_ord": np.arange(1, rows + 1, dtype=np.int64), "_row": kept}))
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS SELECT t.* EXCLUDE (_row), m._row FROM {table} t JOIN {table}_rowmap m USING (_ord)"
    )
    con.unregister(f"{table}_rowmap")


class SpreadsheetReader:
    """XLSX (and legacy XLS) through calamine; the header row may sit under banner rows."""

    name = "xlsx"

    def sniff(self, head: bytes) -> bool:
        return head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))

    def load(self, con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path) -> Loaded:
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
            cells = sheet.to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own error types for corrupt or non-spreadsheet zips
            raise FileUnusable(Msg(f"无法读取电子表格：{exc}", f"cannot read the spreadsheet: {exc}")) from None
        if not cells:
            raise FileUnusable(Msg("电子表格为空", "the spreadsheet is empty"))
        header_idx = max(range(min(10, len(cells))), key=lambda i: known_header_count(cells[i]))
        width = max((i + 1 for i, v in enumerate(cells[header_idx]) if v not in (None, "")), default=0)
        headers = _unique(list(cells[header_idx][:width]))
        columns: list[list[str | None]] = [[] for _ in headers]
        rows_out: list[int] = []
        rejects: list[Reject] = []
        for index in range(header_idx + 1, len(cells)):
            values = [_cell_text(v) for v in cells[index]]
            if not any(values):
                continue
            if any(values[width:]):
                rejects.append(
                    Reject(
                        index + 1, "\t".join(v or "" for v in values), Msg("字段数多于表头", "more fields than the header has")
                    )
                )
                continue
            values += [None] * (width - len(values))
            for col, value in zip(columns, values[:width], strict=True):
                col.append(value)
            rows_out.append(index + 1)
        _create_text_table(con, table, headers, columns, rows_out)
        return Loaded(table, headers, len(rows_out), self.name, None, rejects, workbook_created(path))


def workbook_created(path: Path) -> dt.date | None:
    """The day (Asia/Shanghai) an XLSX workbook says it was created (``docProps/core.xml`` ``dcterms:created``):
    incoPat and Patentics write it when they export, so it is the day the export's statuses describe. None for a
    legacy XLS, a workbook without it, or one whose properties cannot be read safely."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/core.xml")
            if info.file_size > SNIFF_BYTES * 16:
                return None
            document = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    root, _refused = xmlsafe.parse_document(document, xmlsafe.parser())
    if root is None:
        return None
    created = root.findtext("{http://purl.org/dc/terms/}created")
    try:
        stamp = dt.datetime.fromisoformat((created or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)).astimezone(SHANGHAI).date()


def _create_text_table(
    con: duckdb.DuckDBPyConnection, table: str, headers: list[str], columns: list[list[str | None]], rows: list[int]
) -> None:
    """A table of text columns built in Python, with ``_ord`` and the row numbers a person sees."""
    arrow = pa.table(
        {
            "_ord": pa.array(range(1, len(rows) + 1), pa.int64()),
            **{h: pa.array(c, pa.string()) for h, c in zip(headers, columns, strict=True)},
            "_row": pa.array(rows, pa.int64()),
        }
    )
    con.register(f"{table}_arrow", arrow)
    con.execute(f"CREATE TABLE {table} AS SELECT * FROM {table}_arrow")
    con.unregister(f"{table}_arrow")


def _cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ParquetReader:
    """Parquet files with the export's column names (what ``ipstrong synth --format parquet`` writes)."""

    name = "parquet"

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"PAR1")

    def load(self, con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path) -> Loaded:
        try:
            con.execute(
                f"CREATE TABLE {table} AS SELECT row_number() OVER () AS _ord, row_number() OVER () AS _row, "
                f"COLUMNS(*)::VARCHAR FROM read_parquet({_quote(path)})"
            )
        except duckdb.Error as exc:
            raise FileUnusable(Msg(f"无法读取 Parquet：{exc}", f"cannot read Parquet: {exc}")) from None
        headers = [c for c in con.table(table).columns if c not in ("_ord", "_row")]
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        return Loaded(table, headers, rows, self.name)


class JsonReader:
    """A JSON array of records (or an API response holding one, as 企查查 / Qichacha's ``Result``): each object is a
    row, its keys the headers; lists become ``;``-joined cells, nested objects their JSON text. A record's row
    number is its position in the array, from 1."""

    name = "json"

    def sniff(self, head: bytes) -> bool:
        return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")

    def load(self, con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path) -> Loaded:
        try:
            document = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FileUnusable(Msg(f"不是有效的 JSON：{exc}", f"not valid JSON: {exc}")) from None
        if isinstance(document, dict):  # an API response: the first list of records it holds
            document = next((v for v in document.values() if isinstance(v, list)), [document])
        items = document if isinstance(document, list) else []
        records = [(row, item) for row, item in enumerate(items, start=1) if isinstance(item, dict)]
        rejects = [
            Reject(row, json.dumps(item, ensure_ascii=False)[:200], Msg("不是对象（记录）", "not an object (a record)"))
            for row, item in enumerate(items, start=1)
            if not isinstance(item, dict)
        ]
        if not records:
            raise FileUnusable(Msg("JSON 中没有记录（应为对象数组）", "no records in the JSON (an array of objects is expected)"))
        keys = list(dict.fromkeys(k for _row, r in records for k in r))
        columns = [[_json_cell(r.get(k)) for _row, r in records] for k in keys]
        headers = _unique(keys)
        _create_text_table(con, table, headers, columns, [row for row, _r in records])
        return Loaded(table, headers, len(records), self.name, "utf-8", rejects)


def _json_cell(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return ";".join(str(v) for v in value if v not in (None, "")) or None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


Record = tuple[int, dict[str, str | None] | None, Msg | None]  # (row a person sees, the record or None, why not)


def _records_table(
    con: duckdb.DuckDBPyConnection, table: str, headers: tuple[str, ...], records: Iterator[Record], fmt: str
) -> Loaded:
    """A text table of canonical columns from records read out of a structured file; refused records as rejects."""
    columns: list[list[str | None]] = [[] for _ in headers]
    rows: list[int] = []
    rejects: list[Reject] = []
    for row_no, record, reason in records:
        if record is None:
            rejects.append(Reject(row_no, "", reason or Msg("无法解析", "cannot parse")))
            continue
        for column, header in zip(columns, headers, strict=True):
            column.append(record[header])
        rows.append(row_no)
    if not rows and not rejects:
        raise FileUnusable(Msg("文件中没有专利著录记录", "no bibliographic record in the file"))
    _create_text_table(con, table, list(headers), columns, rows)
    return Loaded(table, list(headers), len(rows), fmt, "utf-8", rejects)


class UsptoXmlReader:
    """USPTO full-text XML (ICE grant and application documents, one file or a concatenated weekly file), parsed
    with the hardened parser of ``ingest.uspto``; a document's row number is the line it starts on."""

    name = "uspto-xml"

    def sniff(self, head: bytes) -> bool:
        return uspto.sniff(head)

    def load(self, con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path) -> Loaded:
        def records() -> Iterator[Record]:
            xml_parser = uspto.parser()
            for number, line, document in uspto.documents(path):
                parsed = uspto.parse(document, xml_parser)
                yield line, parsed.row, parsed.reason and _in_document(number, parsed.reason)

        return _records_table(con, table, uspto.COLUMNS, records(), self.name)


class CnipaXmlReader:
    """CNIPA's XML, either format (``ingest.cnipa_xml``): one document per file as CNIPA ships them, or several one
    after another; a document's row number is the line it starts on."""

    name = "cnipa-xml"

    def sniff(self, head: bytes) -> bool:
        return cnipa_xml.sniff(head)

    def load(self, con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path) -> Loaded:
        def records() -> Iterator[Record]:
            xml_parser = xmlsafe.parser()
            for number, line, document in xmlsafe.documents(path):
                row, reason = cnipa_xml.parse(document, xml_parser)
                yield line, row, reason and _in_document(number, reason)

        return _records_table(con, table, cnipa_xml.COLUMNS, records(), self.name)


class DeliveryReader:
    """A delivery of CNIPA XML documents: a folder of them or a ZIP (``ingest.delivery``), read entry by entry; a
    document's row number is its place in the delivery, and a refusal names the entry."""

    name = "cnipa-xml-delivery"

    def sniff(self, head: bytes) -> bool:
        return delivery.is_delivery_zip(head)

    def load(self, con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path) -> Loaded:
        def records() -> Iterator[Record]:
            xml_parser, number = xmlsafe.parser(), 0
            for name, data, refused in delivery.entries(path):
                if data is None:
                    number += 1
                    yield number, None, _in_entry(name, None, refused)
                    continue
                for _n, line, document in xmlsafe.documents(data):
                    number += 1
                    if not cnipa_xml.sniff(document[:SNIFF_BYTES]):
                        refusal = ST96_ALONE if st96.sniff(document[:SNIFF_BYTES]) else NOT_CNIPA
                        yield number, None, _in_entry(name, line, refusal)
                        continue
                    row, reason = cnipa_xml.parse(document, xml_parser)
                    yield number, row, reason and _in_entry(name, line, reason)

        try:
            return _records_table(con, table, cnipa_xml.COLUMNS, records(), self.name)
        except (zipfile.BadZipFile, OSError) as exc:
            raise FileUnusable(Msg(f"无法读取压缩包：{exc}", f"cannot read the ZIP archive: {exc}")) from None


class St96Reader:
    """WIPO ST.96 documents (``ingest.st96``): patent publications and design applications as patents, trademark
    applications as trademarks; the file's first document decides which, and a document of the other kind, or of a
    kind not read, is refused by its number. A document's row number is the line it starts on."""

    name = "st96-xml"

    def sniff(self, head: bytes) -> bool:
        return st96.sniff(head)

    def load(self, con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path) -> Loaded:
        xml_parser = xmlsafe.parser()
        parsed = [(n, line, *st96.root_of(doc, xml_parser)) for n, line, doc in xmlsafe.documents(path)]
        first = next((root for _n, _line, root, _why in parsed if root is not None), None)
        if first is None:
            reason = next((why for *_rest, why in parsed if why is not None), None) or st96.KINDS_READ
            raise FileUnusable(reason)
        kind, columns = st96.KINDS[first.tag]

        def records() -> Iterator[Record]:
            for number, line, root, why in parsed:
                if root is not None and st96.KINDS[root.tag][0] != kind:
                    why, root = Msg("与文件中第一篇文档的种类不同", "not the same kind as the file's first document"), None
                yield line, st96.row(root) if root is not None else None, why and _in_document(number, why)

        return _records_table(con, table, columns, records(), self.name)


NOT_CNIPA = Msg(
    "不是可读的 XML 格式（交付包中可读 CNIPA 专利文献 XML 新旧两种格式）",
    "an XML format not read (a delivery may hold CNIPA patent documents, either format)",
)


ST96_ALONE = Msg(
    "ST.96 文档请逐个文件导入，不在交付包中读取", "an ST.96 document is ingested as a file of its own, not read in a delivery"
)


def _in_document(number: int, reason: Msg) -> Msg:
    """A refusal of one document of a file of several, naming its number."""
    return Msg(f"第 {number} 篇文档：{reason.zh}", f"document {number}: {reason.en}")


def _in_entry(name: str, line: int | None, reason: Msg | None) -> Msg:
    where_zh, where_en = (f"{name} 第 {line} 行", f"{name} line {line}") if line else (name, name)
    reason = reason or Msg("无法解析", "cannot parse")
    return Msg(f"{where_zh}：{reason.zh}", f"{where_en}: {reason.en}")


class UsptoAssignmentReader:
    """USPTO assignment search responses (``ingest.uspto_assignments``): recorded conveyances as legal-status events
    of the US applications they cover; a row number is the event's place in the file."""

    name = "uspto-assignment-xml"

    def sniff(self, head: bytes) -> bool:
        return uspto_assignments.sniff(head)

    def load(self, con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path) -> Loaded:
        document = path.read_bytes()
        refused = uspto_assignments.check(document)
        if refused is not None:
            raise FileUnusable(refused)
        return _records_table(con, table, uspto_assignments.COLUMNS, uspto_assignments.records(document), self.name)


class EpoXmlReader:
    """EPO exchange-format XML (DOCDB; EPO OPS biblio responses), streamed by ``ingest.docdb``; a record's row
    number is the line its ``exchange-document`` ends on."""

    name = "epo-docdb-xml"

    def sniff(self, head: bytes) -> bool:
        return docdb.sniff(head)

    def load(self, con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path) -> Loaded:
        refused = docdb.check(path)
        if refused is not None:
            raise FileUnusable(refused)
        return _records_table(con, table, docdb.COLUMNS, docdb.records(path), self.name)


READERS = (
    ParquetReader(), DeliveryReader(), SpreadsheetReader(), St96Reader(), UsptoXmlReader(), UsptoAssignmentReader(),
    EpoXmlReader(), CnipaXmlReader(), JsonReader(), CsvReader(),
)  # fmt: skip


class Reader(Protocol):
    """One kind of input file: a name, a test on its first bytes, and a loader into a DuckDB table."""

    name: str

    def sniff(self, head: bytes) -> bool: ...

    def load(self, con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path) -> Loaded: ...


def _reader_for(path: Path) -> Reader:
    """The first reader whose ``sniff`` accepts the file's first bytes; refused (FileUnusable) when none does."""
    if not path.exists():
        raise FileUnusable(Msg("文件不存在", "no such file"))
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head:
        raise FileUnusable(Msg("文件为空", "the file is empty"))
    for reader in READERS:
        if reader.sniff(head):
            return reader
    if head.lstrip(b"\xef\xbb\xbf \r\n").startswith(b"<?xml"):
        raise FileUnusable(
            Msg(
                "不支持的 XML 格式（可读 CNIPA 专利文献 XML、WIPO ST.96、USPTO ICE 全文、USPTO 转让记录与 EPO DOCDB 著录）",
                "an XML format not read (CNIPA patent documents, WIPO ST.96, USPTO ICE full text, USPTO assignments and "
                "EPO DOCDB bibliographic XML are)",
            )
        )
    raise FileUnusable(Msg("无法识别的文件格式", "unknown file format"))


def probe(path: Path) -> str:
    """The name of the reader that would load ``path``, from its first bytes alone (and, for text, its encoding):
    what an upload is checked with before it is queued. Refused (FileUnusable) when no reader would take it."""
    reader = _reader_for(path)
    if isinstance(reader, CsvReader):
        detect_encoding(path)  # a binary file (an image, an archive) is refused here, not after a wait in the queue
    return reader.name


def load_file(con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path) -> Loaded:
    """Load ``path`` with the first reader whose ``sniff`` accepts its first bytes."""
    if path.is_dir():  # a delivery of documents, one per file
        return DeliveryReader().load(con, path, table, workdir)
    return _reader_for(path).load(con, path, table, workdir)
