"""Reading the small CSV files staff hand in — targets, statistical figures, custom zones: UTF-8 with or without a
byte-order mark (as Excel saves it), the required columns checked first, every message naming the file."""

from __future__ import annotations

import csv
from pathlib import Path

from ipstrong.messages import IpsError, Msg


def read_rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of ``path`` as dictionaries, after checking that every ``required`` column is there."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise IpsError(
                    Msg(f"缺少必需列：{'、'.join(missing)}", f"missing required columns: {', '.join(missing)}").located(
                        file=str(path)
                    )
                )
            return list(reader)
    except (OSError, UnicodeDecodeError) as exc:
        raise IpsError(Msg(f"无法读取：{exc}", f"cannot read: {exc}").located(file=str(path))) from None


def read_table(path: Path, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV or XLSX file, each with its row number (the header is row 1) and its values under the
    canonical names of ``columns`` (canonical name → the headers it may have, Chinese or English); the ``required``
    columns are checked first."""
    header, body = _cells(path)
    where = {name: next((header.index(h) for h in heads if h in header), None) for name, heads in columns.items()}
    missing = [f"{columns[c][0]} / {c}" for c in required if where[c] is None]
    if missing:
        raise IpsError(
            Msg(f"缺少必需列：{'、'.join(missing)}", f"missing required columns: {', '.join(missing)}").located(file=str(path))
        )
    return [
        (number, {name: (row[i].strip() if i is not None and i < len(row) else "") for name, i in where.items()})
        for number, row in enumerate(body, start=2)
        if any(cell.strip() for cell in row)
    ]


def _cells(path: Path) -> tuple[list[str], list[list[str]]]:
    """A file's header and rows as text: CSV in UTF-8 (with or without Excel's byte-order mark), or an XLSX sheet."""
    try:
        if path.suffix.lower() in (".xlsx", ".xls"):
            from python_calamine import CalamineWorkbook

            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
            rows = [
                ["" if c is None else str(c).removesuffix(".0") if isinstance(c, float) else str(c) for c in r] for r in sheet
            ]
        else:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh))
    except Exception as exc:  # calamine raises its own error types for a file that is not a workbook
        raise IpsError(Msg(f"无法读取：{exc}", f"cannot read: {exc}").located(file=str(path))) from None
    if not rows:
        raise IpsError(Msg("文件为空", "the file is empty").located(file=str(path)))
    return [h.strip() for h in rows[0]], rows[1:]
