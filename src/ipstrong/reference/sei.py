"""The 2021 strategic-emerging-industry (SEI) to IPC concordance (CNIPA, 试行), 40 branches, 303 rules.

``*`` means the symbol and everything below it, matched on the hierarchy, never as a string prefix. A rule with
keywords also needs one of its keywords in the title or abstract; exclusions apply within the same rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from ipstrong.ids.ipc import ipc_matches
from ipstrong.reference import data_path


@dataclass(frozen=True)
class SeiRule:
    branch_no: str
    branch_name: str
    patterns: tuple[str, ...]
    exclusions: tuple[str, ...]
    keywords: tuple[str, ...]


@cache
def sei_rules() -> tuple[SeiRule, ...]:
    data = json.loads(data_path("sei_ipc_2021.json").read_text(encoding="utf-8"))
    return tuple(
        SeiRule(
            b["branch_no"],
            b["branch_name"],
            tuple(r["ipc_patterns"]),
            tuple(r["ipc_exclusions"]),
            tuple(k for k in r["keywords"] if k),
        )
        for b in data
        for r in b["rules"]
    )


@cache
def _rules_by_class() -> dict[str, tuple[SeiRule, ...]]:
    """Rules indexed by the IPC classes (first three characters) of their patterns: every pattern is at least a
    class, so a symbol need only be tried against the rules of its own class (about 1,700 patterns otherwise)."""
    index: dict[str, list[SeiRule]] = {}
    for rule in sei_rules():
        for cls in {p[:3] for p in rule.patterns}:
            index.setdefault(cls, []).append(rule)
    return {cls: tuple(rules) for cls, rules in index.items()}


@cache
def rules_covering(symbol: str) -> tuple[SeiRule, ...]:
    """The rules whose patterns cover the canonical IPC ``symbol`` and whose exclusions do not (in table order)."""
    return tuple(
        r
        for r in _rules_by_class().get(symbol[:3], ())
        if any(ipc_matches(symbol, x) for x in r.patterns) and not any(ipc_matches(symbol, x) for x in r.exclusions)
    )


def sei_branches(ipcs: Iterable[str], text: str = "", use_keywords: bool = True) -> list[str]:
    """SEI branch numbers matched by any of the patent's canonical IPC symbols."""
    covering = {id(r) for ipc in ipcs for r in rules_covering(ipc)}
    found: list[str] = []
    for rule in sei_rules():
        if rule.branch_no in found:
            continue
        hit = id(rule) in covering
        if hit and use_keywords and rule.keywords:
            hit = any(k in text for k in keyword_terms(rule.keywords))
        if hit:
            found.append(rule.branch_no)
    return found


def keyword_terms(keywords: tuple[str, ...]) -> list[str]:
    """Split the table's keyword summaries (；、，-separated phrases) into terms."""
    terms: list[str] = []
    for k in keywords:
        for part in k.replace("；", "、").replace("，", "、").replace("等", "、").split("、"):
            part = part.strip()
            if len(part) >= 2:
                terms.append(part)
    return terms
