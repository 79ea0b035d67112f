"""How well the SEI tagging reproduces labels someone else made: incoPat's 新兴产业分类 column in the shared exports.

incoPat writes each record's strategic-emerging-industry branches as ``1.1 (下一代信息网络产业),8.4 (数字创意与融合服务)``
(the 2018 catalogue's numbering, which the concordance follows). The records are ingested as any export is, and
each invention's branches by ipstrong's matching are set beside incoPat's: at the yes/no level (agreement,
precision, recall, Cohen's κ), the industry level and the branch level (micro precision and recall over
record–label pairs, and the share of records whose whole set agrees).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ipstrong.reference.sei import SEI_MATCHINGS, SEI_STORED, sei_branches

LABEL_COLUMN = "新兴产业分类"
PUB_COLUMN = "公开（公告）号"
_BRANCH = re.compile(r"\b(\d\.\d)\b")


def incopat_labels(path: Path) -> dict[str, set[str]]:
    """Publication number → the SEI branches incoPat gives it (an empty set: none), for a workbook with the column."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = [str(h) for h in rows[0]]
    pub, label = header.index(PUB_COLUMN), header.index(LABEL_COLUMN)
    return {str(r[pub]).strip(): set(_BRANCH.findall(str(r[label] or ""))) for r in rows[1:] if r[pub]}


@dataclass(frozen=True)
class Agreement:
    """One level's comparison: ``agreement`` (share of records that agree), and for yes/no the confusion counts,
    precision, recall and κ; for industries and branches micro precision and recall over record–label pairs."""

    level: str
    records: int
    agreement: float
    precision: float
    recall: float
    kappa: float | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def yes_no(pairs: list[tuple[bool, bool]]) -> Agreement:
    """(label says SEI, ipstrong says SEI) for each record → agreement, precision, recall, Cohen's κ."""
    n = len(pairs)
    tp = sum(1 for t, p in pairs if t and p)
    fp = sum(1 for t, p in pairs if p and not t)
    fn = sum(1 for t, p in pairs if t and not p)
    tn = n - tp - fp - fn
    observed = _ratio(tp + tn, n)
    expected = _ratio((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn), n * n)
    kappa = (observed - expected) / (1 - expected) if expected < 1 else 1.0
    return Agreement("yes/no", n, observed, _ratio(tp, tp + fp), _ratio(tp, tp + fn), kappa)


def sets(level: str, pairs: list[tuple[set[str], set[str]]]) -> Agreement:
    """(labelled set, predicted set) per record → whole-set agreement and micro precision and recall."""
    hit = sum(len(t & p) for t, p in pairs)
    return Agreement(
        level,
        len(pairs),
        _ratio(sum(1 for t, p in pairs if t == p), len(pairs)),
        _ratio(hit, sum(len(p) for _t, p in pairs)),
        _ratio(hit, sum(len(t) for t, _p in pairs)),
    )


def compare(data_dir: Path, labels: dict[str, set[str]], matching: str) -> list[Agreement]:
    """The inventions of the warehouse at ``data_dir`` that carry a label, tagged by ``matching`` (its stored
    column decides yes/no, as indicators and search read it; the branches come from the same concordance)."""
    from ipstrong.warehouse import run_sql

    if matching not in SEI_MATCHINGS:
        raise ValueError(matching)
    rows = run_sql(
        data_dir,
        f"SELECT pub_no, ipc_all, title, abstract, {SEI_STORED[matching]} AS tagged FROM patents WHERE patent_type = 'invention'",
    ).to_pylist()
    truth, found = [], []
    for row in rows:
        if row["pub_no"] not in labels:
            continue
        text = f"{row['title'] or ''} {row['abstract'] or ''}"
        branches = set(sei_branches(row["ipc_all"] or [], text, matching)) if row["tagged"] else set()
        truth.append(labels[row["pub_no"]])
        found.append(branches)
    industries = [({b[0] for b in t}, {b[0] for b in p}) for t, p in zip(truth, found, strict=True)]
    return [
        yes_no([(bool(t), bool(p)) for t, p in zip(truth, found, strict=True)]),
        sets("industry", industries),
        sets("branch", list(zip(truth, found, strict=True))),
    ]
