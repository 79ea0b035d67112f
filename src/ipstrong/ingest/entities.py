"""Applicant entity resolution: which names are one enterprise.

Names are linked in rounds, each a rule an officer can read back from the method it leaves on a name:

1. ``credit_code`` — names that carry one unified social credit code; two different codes are never one enterprise.
2. ``form`` — one core in one script: 苏州某某科技有限公司 and 苏州某某科技股份有限公司 (a company that changed its form
   keeps its name's core, and two live companies cannot share one), HUAWEI TECHNOLOGIES CO LTD and HUAWEI TECH CO LTD.
3. ``translation`` — a Chinese name and a Latin-script name with the same tokens (苏州 → SUZHOU, 科技 → TECH, the trade
   name in pinyin): SUZHOU MOUMOU TECHNOLOGY CO LTD. Two Chinese names are never linked by their pinyin, and an
   English name whose tokens fit two Chinese enterprises (华中 and 化中 are both HUAZHONG) waits for review.
4. ``similar`` — names in one block (the first characters after a leading region name) whose cores are close
   (rapidfuzz), that agree in their numerals and region names, linked when the records corroborate it (a shared
   inventor; or the same city for very close names); close names without that evidence become ``candidates``.

Names already in the reviewed mapping come with their entity: rounds attach new names to them but never join two
known entities (that pair becomes a candidate instead) — staff decisions stand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ipstrong.ingest.names import NameForms, name_forms

AUTO_SCORE = 92.0  # similar names that share an inventor are linked from this score on
CITY_SCORE = 96.0  # … and names of one city (a weaker sign: a city holds many similar names) from this one
SUGGEST_SCORE = 85.0  # … and offered for review from this one
MAX_BLOCK = 2000  # larger blocks are compared in overlapping windows of sorted names


@dataclass
class Applicant:
    """One applicant name with what the records say about it."""

    name: str
    count: int = 1
    cities: frozenset[str] = frozenset()
    inventors: frozenset[str] = frozenset()
    credit_code: str | None = None
    entity: int | None = None  # its entity in the reviewed mapping, when it has one
    forms: NameForms | None = None  # computed when not given (the store keeps them for known names)


@dataclass
class Candidate:
    """Two names that may be one enterprise, for review."""

    a: str
    b: str
    score: float
    reason: str


@dataclass
class Resolution:
    """Groups of name keys (each one enterprise), how each key joined its group, and pairs to review."""

    groups: list[list[str]]
    method: dict[str, str]
    score: dict[str, float]
    candidates: list[Candidate] = field(default_factory=list)


class _Groups:
    """Union–find over name keys that refuses to join two credit codes or two known entities."""

    def __init__(self, applicants: dict[str, Applicant]):
        self.parent = {key: key for key in applicants}
        self.codes = {key: {a.credit_code} - {None} for key, a in applicants.items()}
        self.entities = {key: {a.entity} - {None} for key, a in applicants.items()}
        self.method = {key: "exact" for key in applicants}
        self.score = {key: 100.0 for key in applicants}
        self.refused: list[tuple[str, str]] = []

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str, method: str, score: float = 100.0) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if len(self.codes[ra] | self.codes[rb]) > 1 or len(self.entities[ra] | self.entities[rb]) > 1:
            self.refused.append((a, b))
            return False
        if self.entities[rb] and not self.entities[ra]:
            ra, rb, a, b = rb, ra, b, a  # the known entity's side stays the root
        self.parent[rb] = ra
        self.codes[ra] |= self.codes.pop(rb)
        self.entities[ra] |= self.entities.pop(rb)
        if self.method[b] == "exact":
            self.method[b], self.score[b] = method, score
        return True


def resolve(applicants: Iterable[Applicant]) -> Resolution:
    """Group ``applicants`` into enterprises by the rounds in the module docstring."""
    by_key: dict[str, Applicant] = {}
    for applicant in applicants:
        forms = applicant.forms or name_forms(applicant.name)
        if forms is None:
            continue
        seen = by_key.get(forms.key)
        if seen is None:
            by_key[forms.key] = Applicant(**{**applicant.__dict__, "forms": forms})
        else:
            seen.count += applicant.count
            seen.cities |= applicant.cities
            seen.inventors |= applicant.inventors
            seen.credit_code = seen.credit_code or applicant.credit_code
            seen.entity = seen.entity if seen.entity is not None else applicant.entity
    groups = _Groups(by_key)
    for known in _buckets(by_key, lambda a: a.entity).values():
        for key in known[1:]:
            groups.union(known[0], key, "reviewed")
    for keys in _buckets(by_key, lambda a: a.credit_code).values():
        for key in keys[1:]:
            groups.union(keys[0], key, "credit_code")
    for keys in _buckets(by_key, _core_key).values():
        for key in keys[1:]:
            groups.union(keys[0], key, "form")
    ambiguous = _translate(by_key, groups)
    candidates: dict[frozenset[str], Candidate] = {}
    for c in [*(Candidate(a, b, 100.0, "known") for a, b in groups.refused), *ambiguous, *_similar(by_key, groups)]:
        candidates.setdefault(frozenset((groups.find(c.a), groups.find(c.b))), c)  # one pair per two groups
    members: dict[str, list[str]] = defaultdict(list)
    for key in by_key:
        members[groups.find(key)].append(key)
    return Resolution(list(members.values()), groups.method, groups.score, list(candidates.values()))


def _buckets(by_key: dict[str, Applicant], key_of) -> dict[object, list[str]]:
    out: dict[object, list[str]] = defaultdict(list)
    for key, applicant in by_key.items():
        value = key_of(applicant)
        if value is not None:
            out[value].append(key)
    return {k: v for k, v in out.items() if len(v) > 1}


def _core_key(applicant: Applicant) -> tuple[str, str] | None:
    forms = applicant.forms
    assert forms is not None
    long_enough = len(forms.core) >= 2 if forms.script == "han" else len(forms.core.replace(" ", "")) >= 3
    return (forms.script, forms.core) if long_enough else None


def _translate(by_key: dict[str, Applicant], groups: _Groups) -> list[Candidate]:
    """Link a Latin-script name to the Chinese enterprise with its tokens — only when one enterprise has them:
    南京华中科技 and 南京化中科技 are both NANJING HUAZHONG TECH, so their English form is left for review."""
    latin_names: dict[str, str] = {}
    han_by_latin: dict[str, list[str]] = defaultdict(list)
    for key, applicant in by_key.items():
        forms = applicant.forms
        assert forms is not None
        if forms.script == "latin" and len(forms.latin.split()) >= 2:
            latin_names.setdefault(forms.latin, key)
        elif forms.script == "han":
            han_by_latin[forms.latin].append(key)
    out: list[Candidate] = []
    for latin, han_keys in han_by_latin.items():
        if latin not in latin_names:
            continue
        if len({groups.find(k) for k in han_keys}) == 1:
            for key in han_keys:
                groups.union(latin_names[latin], key, "translation")
        else:
            out += [Candidate(latin_names[latin], key, 100.0, "translation") for key in han_keys]
    return out


def _similar(by_key: dict[str, Applicant], groups: _Groups) -> list[Candidate]:
    blocks: dict[str, list[str]] = defaultdict(list)
    for key, applicant in by_key.items():
        assert applicant.forms is not None
        blocks[applicant.forms.block].append(key)
    candidates: list[Candidate] = []
    for keys in blocks.values():
        if len(keys) < 2 or all(by_key[k].entity is not None for k in keys):
            continue  # a block of known names only was compared when they were new
        keys.sort(key=lambda k: by_key[k].forms.core)  # type: ignore[union-attr]
        step = MAX_BLOCK // 2
        for start in range(0, max(len(keys) - step, 1), step):
            candidates += _compare_window(keys[start : start + MAX_BLOCK], by_key, groups)
    return candidates


def _compare_window(keys: list[str], by_key: dict[str, Applicant], groups: _Groups) -> list[Candidate]:
    forms = [by_key[k].forms for k in keys]
    cores = [f.core for f in forms]  # type: ignore[union-attr]
    scorer = fuzz.ratio if forms[0].script == "han" else fuzz.token_sort_ratio  # type: ignore[union-attr]
    scores = process.cdist(cores, cores, scorer=scorer, score_cutoff=SUGGEST_SCORE, workers=-1)
    out: list[Candidate] = []
    for i, j in zip(*scores.nonzero(), strict=True):
        if i >= j:
            continue
        a, b = by_key[keys[i]], by_key[keys[j]]
        if a.forms.marks != b.forms.marks or groups.find(keys[i]) == groups.find(keys[j]):  # type: ignore[union-attr]
            continue
        score = float(scores[i, j])
        evidence = bool(a.inventors & b.inventors) or (score >= CITY_SCORE and bool(a.cities & b.cities))
        if score >= AUTO_SCORE and evidence:
            groups.union(keys[i], keys[j], "similar", score)  # a refusal comes back as a "known" candidate
        else:
            out.append(Candidate(keys[i], keys[j], score, "similar"))
    return out
