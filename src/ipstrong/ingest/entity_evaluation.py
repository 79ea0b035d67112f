"""Precision and recall of entity resolution on real applicant names.

The names are every organisation applicant of ../shared/data's CNKI list (cn-patent-applicants-4800) and vendor
exports (cn-patent-db-exports); the truth is ``tests/fixtures/applicant_entities/labelled.csv``: the groups judged
one enterprise by reading every pair that the resolver, its candidates or the vendors' own 标准化申请人 grouping put
together (pooled judgement). Any two names not in one labelled group count as different enterprises.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections import defaultdict
from pathlib import Path

from ipstrong.ingest.entities import Applicant, resolve
from ipstrong.ingest.names import name_key
from ipstrong.ingest.sqlfuncs import install
from ipstrong.warehouse.connection import new_duckdb

VENDOR_FILES = (
    "incopat_chatbot_global_2798.xlsx",
    "incopat_gm_autodriving_global_10000.xlsx",
    "patentics_thundersoft_cn_511.xlsx",
    "patentics_cambricon_358.xlsx",
    "patentics_cn_title-augmented-reality_4483.csv",
)


def real_names(shared_data: Path) -> list[str]:
    """Distinct organisation applicant names of the real samples (individuals left out, as resolution does)."""
    from python_calamine import CalamineWorkbook

    names: dict[str, None] = {}
    with (shared_data / "cn-patent-applicants-4800" / "patent_info.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names.update(dict.fromkeys(a.strip() for a in row["applicant"].split(";") if a.strip()))
    for file in VENDOR_FILES:
        path = shared_data / "cn-patent-db-exports" / file
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig") as fh:
                cells = [row["申请人"] for row in csv.DictReader(fh)]
        else:
            rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
            header = next(i for i, row in enumerate(rows[:5]) if "申请人" in row)
            column = rows[header].index("申请人")
            cells = [str(row[column] or "") for row in rows[header + 1 :]]
        for cell in cells:
            names.update(dict.fromkeys(x.strip() for x in re.split(r"[;|]", cell) if x.strip()))
    con = new_duckdb()
    install(con)
    kinds = con.execute("SELECT n, ips_applicant_type(n) FROM unnest(?::VARCHAR[]) t(n)", [list(names)]).fetchall()
    return [n for n, kind in kinds if kind != "individual"]


def read_labels(path: Path) -> dict[str, str]:
    """Name key → labelled group."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {name_key(row["name"]): row["entity"] for row in csv.DictReader(fh)}


def _pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {pair for g in groups for pair in itertools.combinations(sorted(g), 2)}


def evaluate(names: list[str], labels: dict[str, str]) -> dict[str, float | int]:
    """Pairwise precision and recall of ``resolve`` on ``names`` against ``labels``."""
    resolution = resolve(Applicant(n) for n in names)
    predicted = _pairs(resolution.groups)
    truth_groups: dict[str, list[str]] = defaultdict(list)
    present = {name_key(n) for n in names}
    for key, label in labels.items():
        if key in present:
            truth_groups[label].append(key)
    truth = _pairs(list(truth_groups.values()))
    correct = len(predicted & truth)
    return {
        "names": len(present),
        "true_pairs": len(truth),
        "predicted_pairs": len(predicted),
        "correct_pairs": correct,
        "precision": correct / len(predicted) if predicted else 1.0,
        "recall": correct / len(truth) if truth else 1.0,
        "candidates": len(resolution.candidates),
    }
