"""Applicant names in the forms entity resolution compares.

One raw name gives a ``NameForms``: its ``key`` (the name with width, case, brackets, spacing and punctuation folded —
two strings with one key are one name), its ``core`` (the key without the company form: 有限公司 and 股份有限公司, CO
LTD and CORPORATION), a ``latin`` key where a Chinese name and its English form meet (科技 → TECH, 苏州 → SUZHOU,
a trade name in pinyin), a ``block`` for fuzzy comparison and the ``marks`` (numerals, region names) in which two
similar names must agree. The words come from ``reference/data/name_vocabulary.csv``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from pypinyin import lazy_pinyin

from ipstrong.reference import data_path
from ipstrong.reference.regions import regions

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACE_BY_HAN = re.compile(r"\s+(?=[\u3400-\u9fff(])|(?<=[\u3400-\u9fff)])\s+")
_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")", "{": "(", "}": ")"})
_DROP = re.compile(r"[\"'“”‘’《》「」·・.,;:，；：、。]")
_NUMERALS = re.compile(r"[0-9]+|[一二三四五六七八九十百零〇两]+")
_SINGLE_LETTERS = re.compile(r"\b[A-Z](?: [A-Z]\b)+")  # N V, B V, L P: one form written letter by letter
_ORDERED = frozenset({"UNIV", "COLLEGE", "INST"})  # 青岛科技大学 is not QINGDAO UNIVERSITY OF TECHNOLOGY (青岛理工大学)
_STOPWORDS = frozenset({"AND", "OF", "THE", "FOR", "ZUR", "DER", "DES", "DE", "LA", "DU"})
_MAX_WORD = 8


@dataclass(frozen=True)
class NameForms:
    """The forms of one applicant name (see the module docstring)."""

    key: str
    script: str  # han | latin
    core: str
    latin: str
    block: str
    marks: str


@dataclass(frozen=True)
class _Vocabulary:
    han_forms: tuple[str, ...]  # longest first
    latin_forms: frozenset[str]
    jurisdiction: frozenset[str]
    han_words: dict[str, str]  # 科技 → TECH; region names → their pinyin
    latin_phrases: dict[tuple[str, ...], str]  # (SCIENCE, TECHNOLOGY) → TECH
    region_words: frozenset[str]  # Han region names and their pinyin
    region_short: dict[str, str]  # 江苏省, 江苏 → 江苏
    descriptor_words: frozenset[str]  # the tokens the trade words stand for (TECH, AUTO, UNIV …)


@cache
def vocabulary() -> _Vocabulary:
    """The name vocabulary, read once."""
    han_forms: list[str] = []
    latin_forms: set[str] = set()
    jurisdiction: set[str] = set()
    han_words: dict[str, str] = {}
    latin_phrases: dict[tuple[str, ...], str] = {}
    with data_path("name_vocabulary.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kind, zh, token, en = row["kind"], row["zh"], row["token"], row["en"]
            variants = [v.split() for v in en.split("|") if v]
            if kind == "legal_form":
                if zh:
                    han_forms.append(zh)
                latin_forms.update(w for v in variants for w in v)
            elif kind == "jurisdiction":
                jurisdiction.update(w for v in variants for w in v)
            elif kind == "abbreviation":  # DOCDB's short forms of Latin words (GENERAL → GEN): no Chinese side
                for v in [*variants, token.split()]:
                    latin_phrases[tuple(v)] = token
            else:
                han_words[zh] = token
                for v in [*variants, token.split()]:
                    latin_phrases[tuple(v)] = token
    region_words: set[str] = set()
    region_short: dict[str, str] = {}
    for region in regions():
        if region.level not in ("province", "city", "district"):
            continue
        for name in (region.name, *region.aliases):
            if HAN.search(name) and len(name) >= 2:
                short = re.sub(r"(维吾尔|壮族|回族)?自治区$|特别行政区$|[省市区县]$", "", name)
                short = short if len(short) >= 2 else name
                pinyin = "".join(lazy_pinyin(short)).upper()  # 江苏省 and 江苏 are both JIANGSU
                for word in (name, short):
                    han_words.setdefault(word, pinyin)
                    region_short.setdefault(word, short)
                    region_words.update((word, pinyin))
    return _Vocabulary(
        tuple(sorted(han_forms, key=len, reverse=True)),
        frozenset(latin_forms),
        frozenset(jurisdiction),
        han_words,
        latin_phrases,
        frozenset(region_words),
        region_short,
        frozenset(t for token in latin_phrases.values() for t in token.split()),
    )


def name_key(raw: str) -> str:
    """The name with full/half width, case, bracket shapes, spacing and punctuation folded."""
    text = unicodedata.normalize("NFKC", raw).translate(_BRACKETS).upper()
    if not HAN.search(text):  # UNIVERSITÉ and UNIVERSITE are one spelling; Han names keep every mark
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _DROP.sub(" ", text).replace("&", " AND ")
    text = " ".join(text.split())
    return _SPACE_BY_HAN.sub("", text).replace("( ", "(").replace(" )", ")").strip()


def name_forms(raw: str | None) -> NameForms | None:
    """All forms of ``raw``; None for a blank name."""
    key = name_key(raw or "")
    if not key:
        return None
    return _han_forms(key) if HAN.search(key) else _latin_forms(key)


def _han_forms(key: str) -> NameForms:
    vocab = vocabulary()
    core = key
    for form in vocab.han_forms:
        if core.endswith(form) and len(core) > len(form):
            core = core[: -len(form)]
            break
    leads: list[str] = []
    rest = core
    while True:  # leading region names: 珠海市一微 is 珠海一微, and they do not tell enterprises apart (block after them)
        lead = next((w for w in _prefixes(rest) if w in vocab.region_short), None)
        if lead is None:
            break
        leads.append(vocab.region_short[lead])
        rest = rest[len(lead) :]
    core = "".join(leads) + rest
    tokens = _segment(core.replace("(", "").replace(")", ""), vocab)
    regions_found = sorted({t for t in tokens if t in vocab.region_words})
    marks = "|".join([*_NUMERALS.findall(core), *regions_found])
    block = rest.replace("(", "").replace(")", "") or core
    return NameForms(key, "han", core, _latin_key(tokens), "H:" + block[:2], marks)


def _latin_key(tokens: list[str]) -> str:
    """Tokens in any order (腾讯科技(深圳) = TENCENT TECHNOLOGY (SHENZHEN)), except for institutions."""
    return " ".join(tokens if _ORDERED & set(tokens) else sorted(tokens))


def _prefixes(text: str) -> list[str]:
    return [text[:n] for n in range(min(_MAX_WORD, len(text)), 1, -1)]


def _segment(text: str, vocab: _Vocabulary) -> list[str]:
    """Known words (trade words, region names) by longest match, Latin runs as they are, the rest in pinyin."""
    tokens: list[str] = []
    pending = ""
    i = 0
    while i < len(text):
        if not HAN.match(text[i]):
            run = re.match(r"[A-Z0-9]+|.", text[i:]).group(0)
            if pending:
                tokens.append("".join(lazy_pinyin(pending)).upper())
                pending = ""
            if run.strip() and run[0].isalnum():
                tokens.append(run)
            i += len(run)
            continue
        word = next((w for w in _prefixes(text[i:]) if w in vocab.han_words), None)
        if word is None:
            pending += text[i]
            i += 1
            continue
        if pending:
            tokens.append("".join(lazy_pinyin(pending)).upper())
            pending = ""
        tokens.extend(vocab.han_words[word].split())
        i += len(word)
    if pending:
        tokens.append("".join(lazy_pinyin(pending)).upper())
    return tokens


def _latin_forms(key: str) -> NameForms:
    vocab = vocabulary()
    # a bracketed legal qualifier ("(N D GES D STAATES DELAWARE)", "(PUBL)") is not part of the name
    text = re.sub(r"\(([^)]*)\)?", lambda m: " " if set(m.group(1).split()) & vocab.jurisdiction else f" {m.group(1)} ", key)
    words = _words(text) or [key]
    kept = [w for w in words if w not in vocab.latin_forms] or words
    kept = [w for w in kept if w not in _STOPWORDS] or kept  # INSTITUTE OF SCIENCE AND TECHNOLOGY = INST SCI TECH
    # an acronym beside the words it stands for says nothing more: CENTRE NATIONAL DE LA RECHERCHE SCIENTIFIQUE (CNRS)
    kept = [w for w in kept if len(w) < 3 or w != "".join(x[0] for x in kept if x != w)] or kept
    if kept[0] == "UNIV" and len(kept) > 1:
        kept = [kept[1], "UNIV", *kept[2:]]  # DOCDB writes the abbreviation first: UNIV QINGHUA is QINGHUA UNIVERSITY
    tokens: list[str] = []
    i = 0
    while i < len(kept):
        for size in (3, 2, 1):
            phrase = tuple(kept[i : i + size])
            if len(phrase) == size and phrase in vocab.latin_phrases:
                tokens.extend(vocab.latin_phrases[phrase].split())
                i += size
                break
        else:
            word = kept[i]
            tokens.append(word[:-1] if len(word) > 4 and word.endswith("S") and not word.endswith("SS") else word)
            i += 1
    tokens = tokens or kept
    regions_found = sorted({t for t in tokens if t in vocab.region_words})
    lead = next((t for t in tokens if t not in vocab.region_words), tokens[0])
    marks = "|".join([*(t for t in tokens if t.isdigit()), *regions_found])
    return NameForms(key, "latin", " ".join(tokens), _latin_key(tokens), "L:" + lead[:4], marks)


def _words(text: str) -> list[str]:
    """The Latin words of a name, a form written letter by letter joined (N V → NV, L L C → LLC)."""
    return re.findall(r"[A-Z0-9]+", _SINGLE_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), text))


def descriptors(forms: NameForms) -> frozenset[str]:
    """What a name says the enterprise is or does, in either script (亚马逊技术 and AMAZON TECHNOLOGIES both say TECH):
    the part of a Chinese name and its foreign form that can be compared when their trade names cannot (亚马逊 is
    no transliteration of AMAZON that pinyin would find)."""
    words = vocabulary().descriptor_words
    return frozenset(t for t in forms.latin.split() if t in words)


def company_form(key: str) -> str | None:
    """The kind of company a name's form says, where kinds are told apart: ``llc`` (有限责任公司, LLC), ``gmbh``,
    ``pty``, ``stock`` (股份有限公司, 股份公司), ``ltd`` (有限公司, 株式会社) or ``other`` (INC, CORP, LTD, AG …);
    None where the name has no form."""
    if HAN.search(key):
        for suffix, kind in (
            ("有限责任公司", "llc"),
            ("股份有限公司", "stock"),
            ("股份公司", "stock"),
            ("有限公司", "ltd"),
            ("株式会社", "ltd"),
        ):
            if key.endswith(suffix):
                return kind
        return None
    words = set(_words(key))
    for word, kind in (("LLC", "llc"), ("GMBH", "gmbh"), ("PTY", "pty")):
        if word in words:
            return kind
    return "other" if words & vocabulary().latin_forms else None


# kinds one enterprise may be written in (a German GmbH is a 有限公司 in Chinese; an INC a 股份有限公司)
_FORMS_AGREE = {frozenset(p) for p in (("other", "ltd"), ("other", "stock"), ("ltd", "stock"), ("gmbh", "ltd"), ("pty", "ltd"))}


def forms_disagree(a: str | None, b: str | None) -> bool:
    """Whether two company kinds (``company_form``) cannot be one enterprise: GE AVIATION SYSTEMS LLC is not GE
    AVIATION SYSTEMS LIMITED, nor SONY INTERACTIVE ENTERTAINMENT INC its LLC namesake."""
    return a is not None and b is not None and a != b and frozenset((a, b)) not in _FORMS_AGREE


def places_agree(han: NameForms, latin: NameForms) -> bool:
    """Whether a Chinese name and a foreign one can be one enterprise by the places they name: where both name
    places, the same ones (腾讯科技(北京) is not TENCENT TECHNOLOGY (SHENZHEN)); a Chinese name that begins with one
    (常州豪爵铃木摩托车) is a domestic company that its foreign form names too. A Chinese name's other marks are
    left aside: its numerals are trade names (三星 is SAMSUNG), and a run of pinyin may spell a place by chance
    (苹果 reads PINGGUO, as 平果 does)."""
    words = vocabulary().region_words
    here, there = ({m for m in f.marks.split("|") if m in words} for f in (han, latin))
    leading = not han.core.startswith(han.block[2:])  # the block starts after the leading region names
    return here == there if (here and there) or leading else True
