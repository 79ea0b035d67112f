"""Applicant types in CNIPA's categories, measured on real names labelled by hand (tests/fixtures/applicant-types):
precision per class on the names used while writing the rules and on names held out from it."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES, shared_data
from ipstrong.ingest.applicant_types import TYPES
from ipstrong.ingest.sqlfuncs import install
from ipstrong.warehouse.connection import new_duckdb

CLASSES = ("enterprise", "university", "institute", "government", "individual")


def classify(names: list[str]) -> dict[str, str | None]:
    con = new_duckdb()
    install(con)
    try:
        return dict(con.execute("SELECT n, ips_applicant_type(n) FROM unnest(?::VARCHAR[]) t(n)", [names]).fetchall())
    finally:
        con.close()


def precision(rows: list[dict[str, str]]) -> dict[str, float]:
    predicted = classify([r["name"] for r in rows])
    right, said = Counter(), Counter()
    for r in rows:
        said[predicted[r["name"]]] += 1
        right[predicted[r["name"]]] += predicted[r["name"]] == r["type"]
    return {kind: right[kind] / said[kind] for kind in CLASSES if said[kind]}


@pytest.mark.parametrize("subset", ["tuning", "held-out"])
def test_precision_per_class_on_hand_labelled_real_names(subset: str) -> None:
    with (FIXTURES / "applicant-types" / "labelled.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["set"] == subset]
    measured = precision(rows)
    assert set(measured) == set(CLASSES)  # every class is predicted, and measured
    assert min(measured.values()) >= 0.97, measured


def test_the_cases_that_were_wrong() -> None:
    got = classify(["中国科学院大气物理研究所", "中国科学院", "中国科学院大学", "上海交通大学医学院附属仁济医院",
                    "国网河北省电力有限公司电力科学研究院", "中日友好医院(中日友好临床医学研究所)", "张三",
                    "TECHNISCHE UNIVERSITÄT MÜNCHEN", "东明县陆圈镇人民政府"])  # fmt: skip
    assert list(got.values()) == ["institute", "institute", "university", "government", "enterprise", "government",
                                  "individual", "university", "government"]  # fmt: skip
    assert set(got.values()) <= set(TYPES)


def test_every_real_name_gets_a_type(tmp_path: Path) -> None:
    """On the 4,800-record file: every first applicant is typed, and the residual `other` stays small."""
    path = shared_data("cn-patent-applicants-4800", "patent_info.csv")
    with path.open(encoding="utf-8") as fh:
        names = sorted({r["applicant"].split(";")[0].strip() for r in csv.DictReader(fh)} - {""})
    kinds = Counter(classify(names).values())
    assert sum(kinds.values()) == len(names) and kinds["other"] / len(names) < 0.03, kinds
