"""SEI tagging against incoPat's own labels on real exports (../shared/data/cn-patent-db-exports, read there).

The chatbot set was held out when the readings of the concordance were chosen (BENCHMARKS.md "SEI tagging"): the
default matching must agree with incoPat on at least 95 % of its inventions with κ ≥ 0.85; the former default
(keywords) agreed on a quarter. ``SEI=`` search finds what the indicators count.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import shared_data
from ipstrong.ingest import ingest
from ipstrong.reference.sei import SEI_DEFAULT
from ipstrong.reference.sei_evaluation import compare, incopat_labels
from ipstrong.warehouse import run_sql

CHATBOT = ("cn-patent-db-exports", "incopat_chatbot_global_2798.xlsx")


@pytest.fixture(scope="module")
def chatbot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, set[str]]]:
    path = shared_data(*CHATBOT)
    data = tmp_path_factory.mktemp("sei") / "data"
    ingest([path], data)
    return data, incopat_labels(path)


def test_labels_are_read_as_incopat_writes_them(chatbot) -> None:
    _data, labels = chatbot
    # counted with openpyxl apart from this reader: 2,572 of 2,798 cells say something; row 2 (DE202023000397U1)
    # says 1.1 (下一代信息网络产业),8.4 (数字创意与融合服务)
    assert len(labels) == 2798 and sum(1 for v in labels.values() if v) == 2572
    assert labels["DE202023000397U1"] == {"1.1", "8.4"}
    assert all(len(b) == 3 and b[1] == "." for v in labels.values() for b in v)


def test_default_matching_reproduces_incopat_on_held_out_data(chatbot) -> None:
    data, labels = chatbot
    yes_no, industry, branch = compare(data, labels, SEI_DEFAULT)
    assert yes_no.records == 2717  # the inventions (the set's 81 utility models and designs are not tagged)
    assert yes_no.agreement >= 0.95 and yes_no.kappa >= 0.85
    assert industry.agreement >= 0.95 and branch.agreement >= 0.95
    keywords = compare(data, labels, "keywords")[0]
    assert keywords.agreement < 0.5  # the former default, for the record


def test_sei_search_finds_what_the_indicators_count(chatbot) -> None:
    from ipstrong.search.engine import search
    from ipstrong.search.index import build

    data, _labels = chatbot
    build(data)
    counted = run_sql(data, "SELECT count(*) AS n FROM patents WHERE patent_type = 'invention' AND sei_ipc").to_pylist()
    assert search(data, "SEI=yes", limit=1)["total"] == counted[0]["n"] > 2000
