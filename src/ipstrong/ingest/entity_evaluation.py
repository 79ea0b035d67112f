"""Precision and recall of entity resolution on real applicant names.

The names are every organisation applicant of ../shared/data's CNKI list (cn-patent-applicants-4800) and vendor
exports (cn-patent-db-exports), each with the evidence its records carry (inventors, the vendor's standardised
applicant); the truth is ``tests/fixtures/applicant_entities/labelled.csv``: the groups judged
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
from ipstrong.ingest.headers import PATENT_ALIASES, map_headers
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


def real_applicants(shared_data: Path) -> list[Applicant]:
    """The organisation applicants of the real samples (individuals left out, as resolution does), one per record and
    name, with the evidence those records carry as ingest keeps it: the inventors and the vendor's standardised name
    (read where the source lists one per applicant)."""
    from python_calamine import CalamineWorkbook

    records: list[dict[str, str]] = []
    with (shared_data / "cn-patent-applicants-4800" / "patent_info.csv").open(encoding="utf-8") as fh:
        records += [{"applicants": row["applicant"], "inventors": row["inventors"]} for row in csv.DictReader(fh)]
    for file in VENDOR_FILES:
        path = shared_data / "cn-patent-db-exports" / file
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig") as fh:
                table = [list(row) for row in csv.reader(fh)]
        else:
            table = [
                [str(c or "") for c in row] for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
            ]
        header = next(i for i, row in enumerate(table[:5]) if "申请人" in row)
        columns = map_headers(table[header], PATENT_ALIASES)
        index = {
            name: table[header].index(columns[name])
            for name in ("applicants", "inventors", "applicants_standard")
            if name in columns
        }
        records += [{name: row[i] for name, i in index.items()} for row in table[header + 1 :]]
    applicants: list[Applicant] = []
    for record in records:
        names = _split(record.get("applicants", ""))
        standard = _split(record.get("applicants_standard", "").strip("[] "))
        inventors = frozenset(_split(record.get("inventors", "")))
        for i, name in enumerate(names):
            group = frozenset(standard[i : i + 1]) if len(standard) == len(names) else frozenset()
            applicants.append(Applicant(name, inventors=inventors, groups=group))
    con = new_duckdb()
    install(con)
    distinct = list(dict.fromkeys(a.name for a in applicants))
    kinds = dict(con.execute("SELECT n, ips_applicant_type(n) FROM unnest(?::VARCHAR[]) t(n)", [distinct]).fetchall())
    return [a for a in applicants if kinds[a.name] != "individual"]


def _split(cell: str) -> list[str]:
    """The parts of a list cell as ingest splits applicants (``;`` ``；`` ``|``), blanks dropped."""
    return [x.strip() for x in re.split(r"[;；|]", cell or "") if x.strip()]


def read_labels(path: Path) -> dict[str, str]:
    """Name key → labelled group."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {name_key(row["name"]): row["entity"] for row in csv.DictReader(fh)}


def _pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {pair for g in groups for pair in itertools.combinations(sorted(g), 2)}


def evaluate(applicants: list[Applicant], labels: dict[str, str]) -> dict[str, float | int]:
    """Pairwise precision and recall of ``resolve`` on ``applicants`` against ``labels``."""
    resolution = resolve(applicants)
    predicted = _pairs(resolution.groups)
    truth_groups: dict[str, list[str]] = defaultdict(list)
    present = {name_key(a.name) for a in applicants}
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
