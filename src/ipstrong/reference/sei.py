"""The 2021 strategic-emerging-industry (SEI) to IPC concordance (CNIPA, 试行), 40 branches, 303 rules.

How the table is read (each decision measured against incoPat's own labels, BENCHMARKS.md "SEI tagging"):

* ``*`` means the symbol and everything below it, matched on the hierarchy, never as a string prefix.
* A symbol without ``*`` is that symbol only, a main group ``/00`` included: its subgroups are not covered (the
  table's convention as transcribed; reading ``G10L15/00`` as the whole group makes 17 chatbot records SEI that
  incoPat does not, and cuts agreement from 0.997 to 0.975).
* Exclusions (不含) apply within the same rule, to its ``*`` entries: a symbol the rule lists itself is covered.
  The transcription merged the table's sub-rows into their parent rule, so ``H04L12/24`` is both listed and
  excluded in 1.1's first rule; incoPat tags it 1.1.
* A rule with keywords also needs one of them in the title or abstract under the ``keywords`` matching; the
  default, ``ipc-only``, lets the IPC decide alone (the keyword texts describe industries and rarely occur in a
  patent: keyword matching tags 9.7 % of a real company's inventions, incoPat 76 %).
* Symbols introduced after the 2021 table are read through their predecessor (``ipc_successors.csv``: G06V → G06K9/00,
  G06F18 → G06K9/62, H04L41 → H04L12/24, each with its source).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ipstrong.ids.ipc import ipc_matches
from ipstrong.reference import data_path

if TYPE_CHECKING:
    from ibis.expr.types import Table


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
def _successors() -> tuple[tuple[str, str], ...]:
    """(successor, predecessor) of ``ipc_successors.csv``: a subclass or main group created after the table."""
    with data_path("ipc_successors.csv").open(encoding="utf-8", newline="") as fh:
        return tuple((row["successor"], row["predecessor"]) for row in csv.DictReader(fh))


def table_symbol(symbol: str) -> str:
    """The symbol the 2021 table knows for canonical ``symbol``: its predecessor where it was created later."""
    for successor, predecessor in _successors():
        if ipc_matches(symbol, successor):
            return predecessor
    return symbol


def _covers(rule: SeiRule, symbol: str) -> bool:
    if symbol in rule.patterns:  # listed by the rule itself: no exclusion of the same rule removes it
        return True
    return any(ipc_matches(symbol, x) for x in rule.patterns) and not any(ipc_matches(symbol, x) for x in rule.exclusions)


@cache
def rules_covering(symbol: str) -> tuple[SeiRule, ...]:
    """The rules that cover the canonical IPC ``symbol`` (read as the table's symbol), in table order."""
    known = table_symbol(symbol)
    return tuple(r for r in _rules_by_class().get(known[:3], ()) if _covers(r, known))


def sei_branches(ipcs: Iterable[str], text: str = "", matching: str = "ipc-only") -> list[str]:
    """SEI branch numbers matched by any of the patent's canonical IPC symbols (``keywords``: a keyword rule also
    needs one of its terms in ``text``)."""
    covering = {id(r) for ipc in ipcs for r in rules_covering(ipc)}
    found: list[str] = []
    for rule in sei_rules():
        if rule.branch_no in found:
            continue
        hit = id(rule) in covering
        if hit and matching == "keywords" and rule.keywords:
            hit = any(k in text for k in keyword_terms(rule.keywords))
        if hit:
            found.append(rule.branch_no)
    return found


def sei_industries(symbol: str) -> tuple[str, ...]:
    """The strategic emerging industries (``1`` … ``9``) the concordance puts canonical ``symbol`` in, IPC only."""
    return tuple(sorted({b.split(".", 1)[0] for b in sei_branches([symbol])}))


def industry_table(con: Any, name: str, symbols: Iterable[str]) -> None:
    """A temporary table ``name`` (symbol, industry) on the DuckDB connection ``con``: each of ``symbols`` with each
    industry it is in (none for a symbol in no industry)."""
    import pyarrow as pa

    pairs = [(s, i) for s in symbols for i in sei_industries(s)]
    found = pa.table({"symbol": [p[0] for p in pairs], "industry": [p[1] for p in pairs]},
                     schema=pa.schema([("symbol", pa.string()), ("industry", pa.string())]))  # fmt: skip
    con.register(f"{name}_found", found)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_found")
    con.unregister(f"{name}_found")


def keyword_terms(keywords: tuple[str, ...]) -> list[str]:
    """Split the table's keyword summaries (；、，-separated phrases) into terms."""
    terms: list[str] = []
    for k in keywords:
        for part in k.replace("；", "、").replace("，", "、").replace("等", "、").split("、"):
            part = part.strip()
            if len(part) >= 2:
                terms.append(part)
    return terms


# the nine industries the branches belong to (the first part of a branch number), as named in 战略性新兴产业分类（2018）
# (国家统计局令第 23 号), whose numbering the concordance follows
SEI_INDUSTRIES = {
    "1": "新一代信息技术产业",
    "2": "高端装备制造产业",
    "3": "新材料产业",
    "4": "生物产业",
    "5": "新能源汽车产业",
    "6": "新能源产业",
    "7": "节能环保产业",
    "8": "数字创意产业",
    "9": "相关服务业",
}


@cache
def sei_names() -> dict[str, str]:
    """Industry and branch numbers → their names (``1`` 新一代信息技术产业, ``1.5`` 人工智能)."""
    return {**SEI_INDUSTRIES, **{r.branch_no: r.branch_name for r in sei_rules()}}


SEI_MATCHINGS = ("ipc-only", "keywords")
SEI_DEFAULT = "ipc-only"  # reproduces incoPat's labels best (BENCHMARKS.md "SEI tagging")
# the stored column each matching is kept in (ingest writes both)
SEI_STORED = {"ipc-only": "sei_ipc", "keywords": "sei_match"}
# the concordance the stored matches were made with (a snapshot's manifest names it; another means recompute)
SEI_CONCORDANCE = "CNIPA SEI-IPC 2021 (trial), 303 rules; listed symbols over exclusions; IPC 2022 successors"


@cache
def sei_terms(symbol: str) -> tuple[str | None, ...]:
    """For one IPC symbol, what the concordance asks beyond the IPC: ``None`` for a rule that needs nothing more
    (IPC only), else each keyword term one of its keyword rules needs in the title or abstract; empty when no rule
    covers the symbol. Cached: the concordance never changes in a run."""
    hit = rules_covering(symbol)
    ipc_only = (None,) if any(not r.keywords for r in hit) else ()
    return ipc_only + tuple(sorted({t for r in hit if r.keywords for t in keyword_terms(r.keywords)}))


def match_table(inventions: Table, matching: str) -> Table:
    """The ``app_no`` of the patents of ``inventions`` (with ``ipc_all``, ``title``, ``abstract``) in a strategic
    emerging industry: ``keywords`` — an IPC-only rule covers one of its symbols, or a keyword rule does and the
    title or abstract holds one of its terms; ``ipc-only`` — any rule covers one of its symbols.

    One Ibis expression for every backend, used at ingest (stored as ``sei_match`` / ``sei_ipc``) and by the
    indicators on snapshots written before those columns. The concordance is applied to the few thousand distinct
    symbols in Python; patents are then filtered by constant lists and one constant regular expression of every
    term, and only those that mention a term are tested term by term (10 million patents: 68 s with one regular
    expression per row, about 2 s this way)."""
    import ibis

    symbols = inventions.select(symbol=inventions.ipc_all.unnest()).distinct().to_pyarrow().column("symbol")
    rules = [(symbol, term) for symbol in symbols.to_pylist() if symbol for term in sei_terms(symbol)]
    covered = sorted({symbol for symbol, _term in rules})
    alone = covered if matching == "ipc-only" else sorted({symbol for symbol, term in rules if term is None})
    terms = sorted({term for _symbol, term in rules if term}) if matching == "keywords" else []
    pairs = inventions.select(app_no=inventions.app_no, symbol=inventions.ipc_all.unnest())
    hits = pairs.filter(pairs.symbol.isin(alone or [""])).select("app_no")
    if terms:
        mentioning = inventions.select(
            app_no=inventions.app_no,
            ipc_all=inventions.ipc_all,
            text=inventions.title.concat(" ", inventions.abstract.coalesce("")),
        ).filter(lambda t: t.text.re_search("|".join(re.escape(term) for term in terms)))
        asked = ibis.memtable(
            {"sei_symbol": [r[0] for r in rules if r[1]], "term": [r[1] for r in rules if r[1]]},
            schema={"sei_symbol": "string", "term": "string"},
        )
        said = mentioning.select("app_no", "text", symbol=mentioning.ipc_all.unnest())
        said = said.inner_join(asked, said.symbol == asked.sei_symbol)
        hits = hits.union(said.filter(said.text.contains(said.term)).select("app_no"))
    return hits.distinct()
