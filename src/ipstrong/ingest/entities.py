"""Applicant entity resolution: which names are one enterprise.

Names are linked in rounds, each a rule an officer can read back from the method it leaves on a name:

1. ``credit_code`` — names that carry one unified social credit code; two different codes are never one enterprise.
2. ``form`` — one core in one script: 苏州某某科技有限公司 and 苏州某某科技股份有限公司 (a company that changed its form
   keeps its name's core, and two live companies cannot share one), HUAWEI TECHNOLOGIES CO LTD and HUAWEI TECH CO LTD.
3. ``translation`` — a Chinese name and a Latin-script name with the same tokens (苏州 → SUZHOU, 科技 → TECH, the trade
   name in pinyin): SUZHOU MOUMOU TECHNOLOGY CO LTD. Two Chinese names are never linked by their pinyin, and an
   English name whose tokens fit two Chinese enterprises (华中 and 化中 are both HUAZHONG) waits for review.
4. ``standard`` — a Chinese name and a foreign-script name that a vendor's standardised applicant (incoPat
   标准化申请人, Patentics 标准申请人) puts in one group, where within that group each is the other's single best
   match by what the names say the enterprise is (亚马逊技术 and AMAZON TECHNOLOGIES both say TECH; 苹果公司 and
   APPLE INC say nothing more), their company kinds can be one (``names.forms_disagree``: 有限责任公司 is an LLC) and
   their places agree (``names.places_agree``). A vendor group is a corporate group (通用汽车-C holds GM's subsidiaries), never an
   entity by itself: the other cross-script pairs of a group become ``candidates``.
5. ``similar`` — names in one block (the first characters after a leading region name) whose cores are close
   (rapidfuzz), that agree in their numerals and region names, linked when the records corroborate it (a shared
   inventor or vendor group; or the same city for very close names); close names without that evidence become
   ``candidates``.

Names already in the reviewed mapping come with their entity: rounds attach new names to them but never join two
known entities (that pair becomes a candidate instead) — staff decisions stand.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ipstrong.ingest.names import NameForms, company_form, descriptors, forms_disagree, name_forms, places_agree

AUTO_SCORE = 92.0  # similar names that share an inventor are linked from this score on
CITY_SCORE = 96.0  # … and names of one city (a weaker sign: a city holds many similar names) from this one
SPELLING_SCORE = 95.0  # … and foreign names of three words or more with nothing else, a misspelling (OPRATIONS)
SUGGEST_SCORE = 85.0  # … and offered for review from this one
STANDARD_SCORE = 0.5  # least agreement of what two names say (shared words + 1 over all words + 1) in one vendor group
_INNER_FORM = re.compile(r"(?:集团)?(?:股份)?(?:有限)?(?:责任)?公司(?=.)")
_LATIN_LETTER = re.compile("[A-Z]")
MAX_BLOCK = 2000  # larger blocks are compared in overlapping windows of sorted names


@dataclass
class Applicant:
    """One applicant name with what the records say about it."""

    name: str
    count: int = 1
    cities: frozenset[str] = frozenset()
    inventors: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()  # the vendor's standardised names for it (a corporate group)
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
    """Union–find over name keys that refuses to join two credit codes, two known entities, or foreign names of two
    company kinds that cannot be one enterprise (``names.forms_disagree``: SONY INTERACTIVE ENTERTAINMENT INC and
    its LLC namesake are two companies, though GOOGLE INC became GOOGLE LLC — such pairs wait for review)."""

    def __init__(self, applicants: dict[str, Applicant]):
        self.parent = {key: key for key in applicants}
        self.codes = {key: {a.credit_code} - {None} for key, a in applicants.items()}
        self.entities = {key: {a.entity} - {None} for key, a in applicants.items()}
        self.forms = {key: {company_form(key)} - {None} if a.forms.script == "latin" else set() for key, a in applicants.items()}  # type: ignore[union-attr]
        self.method = {key: "exact" for key in applicants}
        self.score = {key: 100.0 for key in applicants}
        self.refused: list[Candidate] = []

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
            self.refused.append(Candidate(a, b, score, "known"))
            return False
        if any(forms_disagree(x, y) for x in self.forms[ra] for y in self.forms[rb]):
            self.refused.append(Candidate(a, b, score, "form"))
            return False
        if self.entities[rb] and not self.entities[ra]:
            ra, rb, a, b = rb, ra, b, a  # the known entity's side stays the root
        self.parent[rb] = ra
        self.codes[ra] |= self.codes.pop(rb)
        self.entities[ra] |= self.entities.pop(rb)
        self.forms[ra] |= self.forms.pop(rb)
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
            seen.groups |= applicant.groups
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
    ambiguous += _standard(by_key, groups)
    candidates: dict[frozenset[str], Candidate] = {}
    for c in [*groups.refused, *ambiguous, *_similar(by_key, groups)]:
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
    if forms.script == "han":  # a parent company's form inside the name changes with it: 国网江苏省电力(有限)公司电力科学研究院
        return ("han", _INNER_FORM.sub("", forms.core)) if len(forms.core) >= 2 else None
    if len(forms.core.replace(" ", "")) < 3:
        return None
    # an organisation's words in any order (BOSCH GMBH ROBERT is ROBERT BOSCH GMBH; institutions keep theirs, see
    # ``names``) and spacing; a person's name keeps its order (a name with no company form and no trade word)
    organisation = company_form(forms.key) is not None or bool(descriptors(forms))
    return ("latin", forms.latin.replace(" ", "") if organisation else forms.core)  # BALANCE CXI is BALANCECXI


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


def _standard(by_key: dict[str, Applicant], groups: _Groups) -> list[Candidate]:
    """Link the Chinese and foreign-script enterprises of one vendor group that are each other's single best match
    (the ``standard`` round of the module docstring); the group's other cross-script pairs are left for review."""
    members: dict[str, set[str]] = defaultdict(set)
    for key, applicant in by_key.items():
        for group in applicant.groups:
            members[group].add(key)
    out: list[Candidate] = []
    for keys in members.values():
        sides: dict[str, dict[str, str]] = {"han": {}, "latin": {}}  # script → enterprise → its most frequent name
        for key in sorted(keys, key=lambda k: -by_key[k].count):
            if by_key[key].forms.script == "han" or _LATIN_LETTER.search(key):  # not a name in kana or Cyrillic
                sides[by_key[key].forms.script].setdefault(groups.find(key), key)  # type: ignore[union-attr]
        han, latin = list(sides["han"].values()), list(sides["latin"].values())
        scores = {(h, x): _agreement(by_key[h].forms, by_key[x].forms) for h in han for x in latin}  # type: ignore[arg-type]
        top_of: dict[str, list[float]] = defaultdict(list)  # each name's two best scores
        for (h, x), score in scores.items():
            for side in (h, x):
                top_of[side] = sorted([*top_of[side], score], reverse=True)[:2]
        for (h, x), score in scores.items():
            if score < STANDARD_SCORE:
                continue
            if all(top_of[side][0] == score and top_of[side][1:2] < [score] for side in (h, x)):  # the single best
                groups.union(h, x, "standard", round(100 * score, 1))
            else:
                out.append(Candidate(h, x, round(100 * score, 1), "standard"))
    return out


def _agreement(han: NameForms, latin: NameForms) -> float:
    """How far a Chinese name and a foreign one say the same: the words both say (+1) over the words either says (+1),
    times the ratio of their other words (a transliterated trade name is one run of pinyin: 剑桥 is not CAMBRIDGE
    ENTERPRISE); 0 where their company kinds or places disagree."""
    if forms_disagree(company_form(han.key), company_form(latin.key)) or not places_agree(han, latin):
        return 0.0
    a, b = descriptors(han), descriptors(latin)
    rest_h, rest_l = (len(set(f.latin.split()) - d) or 1 for f, d in ((han, a), (latin, b)))
    return (len(a & b) + 1) / (len(a | b) + 1) * min(rest_h, rest_l) / max(rest_h, rest_l)


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
        evidence = (
            bool(a.inventors & b.inventors or a.groups & b.groups)
            or (score >= CITY_SCORE and bool(a.cities & b.cities))
            or (score >= SPELLING_SCORE and a.forms.script == "latin" and min(cores[i].count(" "), cores[j].count(" ")) >= 2)  # type: ignore[union-attr]
        )  # fmt: skip
        if score >= AUTO_SCORE and evidence:
            groups.union(keys[i], keys[j], "similar", score)  # a refusal comes back as a "known" or "form" candidate
        else:
            out.append(Candidate(keys[i], keys[j], score, "similar"))
    return out
