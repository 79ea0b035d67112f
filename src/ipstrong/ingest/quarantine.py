"""Quarantine files: every refused row with the original cells, then where and why.

CSV in UTF-8 with a BOM so Excel opens it: the original columns, then ``file``, ``row``, ``field``, ``reason_zh``,
``reason_en`` and ``raw_line`` (the raw text of a row that could not even be split into fields). A fixed quarantine
file is ingested as it is: those trailing columns are not data columns and are ignored.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from ipstrong.ingest.headers import ALIASES, QUARANTINE_COLUMNS, fold_header
from ipstrong.output import neutralised_sql, sql_ident

if TYPE_CHECKING:
    from ipstrong.ingest.pipeline import SourceFile


def _field_label_sql(source: SourceFile, kind: str) -> str:
    """SQL CASE mapping a canonical field name to the header the person sees in their file."""
    whens = " ".join(
        f"WHEN '{canonical}' THEN '{source.mapping.get(canonical, names[0]).replace(chr(39), chr(39) * 2)}'"
        for canonical, names in ALIASES[kind].items()
    )
    return f"CASE e.field {whens} ELSE e.field END"


def write_quarantine(con: duckdb.DuckDBPyConnection, kind: str, sources: list[SourceFile], out: Path) -> Path:
    """Write the refused rows of ``kind`` from ``sources`` to ``out``; return the path."""
    parts = []
    for s in sources:
        assert s.loaded is not None
        keep = [h for h in s.loaded.headers if fold_header(h) not in QUARANTINE_COLUMNS]
        cols = ", ".join(f'r."{h}"' for h in keep)
        file_lit = "'" + str(s.path).replace("'", "''") + "'"
        parts.append(f"""
            SELECT {cols}{", " if cols else ""}{file_lit} AS file, r._row AS row, q.field, q.reason_zh, q.reason_en,
                   NULL::VARCHAR AS raw_line
            FROM raw_{s.index} r JOIN (
                SELECT _row, string_agg(DISTINCT {_field_label_sql(s, kind)}, '; ') AS field,
                       string_agg(e.zh, '；') AS reason_zh, string_agg(e.en, '; ') AS reason_en
                FROM (SELECT _row, unnest(errors) AS e FROM {kind}_parsed WHERE _file = {s.index} AND len(errors) > 0)
                GROUP BY _row
            ) q ON q._row = r._row
        """)
        if s.loaded.rejects:
            name = f"rejects_{kind}_{s.index}"
            con.register(
                name,
                pa.table(
                    {
                        "file": [str(s.path)] * len(s.loaded.rejects),
                        "row": pa.array([r.row for r in s.loaded.rejects], pa.int64()),
                        "field": [""] * len(s.loaded.rejects),
                        "reason_zh": [r.reason.zh for r in s.loaded.rejects],
                        "reason_en": [r.reason.en for r in s.loaded.rejects],
                        "raw_line": [r.raw_line for r in s.loaded.rejects],
                    }
                ),
            )
            parts.append(f"SELECT * FROM {name}")
    union = " UNION ALL BY NAME ".join(f"({p})" for p in parts)
    ordered = (
        f"SELECT * EXCLUDE (file, row, field, reason_zh, reason_en, raw_line), file, row, field, "
        f"reason_zh, reason_en, raw_line FROM ({union}) ORDER BY file, row"
    )
    return write_excel_csv(con, ordered, out)


def write_excel_csv(con: duckdb.DuckDBPyConnection, query: str, out: Path) -> Path:
    """Write a query's result as CSV in UTF-8 with a BOM (so Excel shows Chinese correctly), text that a spreadsheet
    would run as a formula neutralised (:func:`ipstrong.output.neutralised`)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    body = out.with_suffix(".body.csv")
    columns = con.execute(f"DESCRIBE ({query})").fetchall()
    select = ", ".join(
        f"{neutralised_sql(sql_ident(name))} AS {sql_ident(name)}" if kind == "VARCHAR" else sql_ident(name)
        for name, kind, *_ in columns
    )
    con.execute(f"COPY (SELECT {select} FROM ({query})) TO '{body}' (FORMAT csv, HEADER true)")
    with out.open("wb") as dst, body.open("rb") as src:
        dst.write(codecs.BOM_UTF8)
        while chunk := src.read(1 << 22):
            dst.write(chunk)
    body.unlink()
    return out
