"""Printing results: one JSON document on stdout for ``--json``, else a table, CSV or XLSX (CONVENTIONS.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rich import box
from rich.console import Console
from rich.table import Table

from ipstrong.messages import IpsError, Msg

FORMATS = ("table", "csv", "json", "xlsx")
stderr = Console(stderr=True)
# A spreadsheet reads a cell beginning with one of these as a formula (OWASP, "CSV Injection"): every CSV and XLSX
# the platform writes prefixes such text with a single quote, which spreadsheets show as text and hide; readers of
# our own files (a quarantine file re-ingested) take the quote off again (:func:`unneutralised_sql`).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, prefixed with a single quote; anything else as it is."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) else value


def _sql_triggers() -> str:
    return ", ".join(f"chr({ord(c)})" for c in FORMULA_TRIGGERS)


def sql_ident(name: str) -> str:
    """A column name quoted for SQL (DuckDB and PostgreSQL alike)."""
    return '"' + name.replace('"', '""') + '"'


def neutralised_sql(column: str) -> str:
    """The SQL (DuckDB) of :func:`neutralised` for a text column."""
    return f"CASE WHEN left({column}, 1) IN ({_sql_triggers()}) THEN chr(39) || {column} ELSE {column} END"


def unneutralised_sql(column: str) -> str:
    """The SQL that takes the quote of :func:`neutralised` off again (for files the platform wrote)."""
    return (
        f"CASE WHEN left({column}, 1) = chr(39) AND substr({column}, 2, 1) IN ({_sql_triggers()}) "
        f"THEN substr({column}, 2) ELSE {column} END"
    )


@dataclass(frozen=True)
class PrintLayout:
    """How a sheet meant for paper is laid out: its name, column widths, landscape A4, one page wide, the header
    repeated on every page."""

    sheet: str
    widths: tuple[int, ...]


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: a header row and its rows, laid out for paper when ``layout`` is given."""

    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    layout: PrintLayout | None = None


def write_xlsx(out: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], layout: PrintLayout | None = None) -> int:
    """One sheet to ``out`` (see :func:`write_workbook`); returns the number of rows written."""
    return write_workbook(out, [Sheet(header, rows, layout)])[0]


def write_workbook(out: Path, sheets: Sequence[Sheet]) -> list[int]:
    """The one XLSX writer: each sheet a header row, then its rows streamed (constant memory, any length up to
    Excel's limit). Numbers are number cells, dates ISO text, lists and dicts JSON, and text a spreadsheet would run
    as a formula is neutralised. Returns the number of rows written to each sheet."""
    import xlsxwriter

    # text never becomes a formula or a link, whatever it holds
    book = xlsxwriter.Workbook(str(out), {"strings_to_formulas": False, "strings_to_urls": False, "constant_memory": True})
    counts = []
    for one in sheets:
        layout = one.layout
        sheet = book.add_worksheet(layout.sheet if layout else None)
        head = cell = number = None
        if layout is not None:
            head = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True, "valign": "top"})
            cell = book.add_format({"border": 1})
            number = book.add_format({"border": 1, "num_format": "#,##0.00"})
            sheet.set_landscape()
            sheet.set_paper(9)  # A4
            sheet.fit_to_pages(1, 0)
            sheet.repeat_rows(0)
            for col, width in enumerate(layout.widths):
                sheet.set_column(col, col, width)
        sheet.write_row(0, 0, list(one.header), head)
        written = 0
        for written, row in enumerate(one.rows, start=1):
            for col, value in enumerate(row):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    sheet.write_number(written, col, value, number if isinstance(value, float) else cell)
                elif value is None:
                    sheet.write_blank(written, col, None, cell)
                else:
                    sheet.write_string(written, col, _cell(neutralised(value)), cell)
        counts.append(written)
    book.close()
    return counts


def _default(value: Any) -> Any:
    if isinstance(value, BaseModel):  # what a service returns prints as the API sends it
        return value.model_dump(mode="json")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=_default)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return to_json(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def csv_lines(records: Sequence[dict[str, Any]]) -> Iterator[str]:
    """Rows as CSV text, the header first, one line at a time (for files, standard output and web downloads)."""
    columns = list(records[0]) if records else []
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in (columns, *([_cell(neutralised(r[c])) for c in columns] for r in records)):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def emit_records(
    records: Sequence[dict[str, Any] | BaseModel],
    fmt: str = "table",
    out: Path | None = None,
    title: str | None = None,
    table_columns: Sequence[str] | None = None,
    words: Mapping[str, str] | None = None,
) -> None:
    """Print or write rows (dicts, or the models a service returns, dumped as the API sends them): a table for
    people, or CSV, JSON (one list) or XLSX for programs. ``table_columns`` narrows the table to what fits a
    terminal (a model's ``TABLE``), and shows stored values in words (``words``: column → vocabulary field, beside
    the columns named after a vocabulary field); the other formats carry every field as stored."""
    if fmt not in FORMATS:
        raise IpsError(Msg(f"未知格式 {fmt}（可选 {'、'.join(FORMATS)}）", f"unknown format {fmt} (one of {', '.join(FORMATS)})"))
    records = [r.model_dump(mode="json") if isinstance(r, BaseModel) else r for r in records]
    if fmt == "table" and table_columns is not None:
        records = [{c: r[c] for c in table_columns} for r in records]
    columns = list(records[0]) if records else []
    if fmt == "json":
        text = to_json(list(records))
        if out:
            out.write_text(text + "\n", encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")
        return
    if fmt == "csv":
        fh = out.open("w", encoding="utf-8-sig", newline="") if out else sys.stdout
        fh.writelines(csv_lines(records))
        if out:
            fh.close()
        return
    if fmt == "xlsx":
        if out is None:
            raise IpsError(Msg("xlsx 格式需要 --out 文件", "xlsx needs --out FILE"))
        write_xlsx(out, columns, ([r[c] for c in columns] for r in records))
        return
    Console(file=out.open("w", encoding="utf-8") if out else None).print(people_table(records, title, words))


# identifiers and dates a table keeps on one line; other text wraps within the terminal's width
ONE_LINE = {
    "app_no", "pub_no", "number", "written", "region_code", "asof", "day", "date", "year", "received_on", "due_on", "due_date",
    "lapse_date", "restore_until",
}  # fmt: skip


def people_table(records: Sequence[dict[str, Any]], title: str | None = None, words: Mapping[str, str] | None = None) -> Table:
    """Rows as a table a person reads in a terminal of 80 columns: nested values (lists, mappings: the JSON and CSV
    outputs carry them) left out, numbers rounded and grouped, stored values in words (中文 English), codes and
    dates on one line, long text wrapped."""
    from ipstrong.vocabulary import VALUES
    from ipstrong.vocabulary import words as stored_words

    shown_by = {**{c: c for c in VALUES}, **(words or {})}

    def cell(column: str, value: Any) -> str:
        if isinstance(value, float):
            return rounded(value)
        if column in shown_by and isinstance(value, str):
            zh, en = stored_words(shown_by[column], value)
            return zh if zh == en else f"{zh} {en}"
        return _cell(value)

    columns = [c for c in (records[0] if records else {}) if not any(isinstance(r[c], list | dict) for r in records)]
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for c in columns:
        numeric = any(isinstance(r[c], int | float) and not isinstance(r[c], bool) for r in records)
        table.add_column(c, justify="right" if numeric else "left", no_wrap=c in ONE_LINE or c in shown_by, overflow="fold")
    for r in records:
        table.add_row(*[cell(c, r[c]) for c in columns])
    return table


def rounded(value: float) -> str:
    """A figure as people read it: whole numbers grouped (146,859), others to four significant digits (0.3032,
    18.41, 1,284.8); the exact value stays in the JSON, CSV and XLSX outputs."""
    if not math.isfinite(value):
        return str(value)
    if value.is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 1000:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def emit_document(document: dict[str, Any], as_json: bool, human: str | None = None) -> None:
    """A single result: JSON on stdout, or a short text for people."""
    if as_json:
        sys.stdout.write(to_json(document) + "\n")
    else:
        Console().print(human if human is not None else document)
