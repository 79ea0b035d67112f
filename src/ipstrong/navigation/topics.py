"""Topic clusters for a navigation report: the words of each patent's title, abstract and first claim (jieba, with
the words every patent uses left out), weighted by TF-IDF and factorised by NMF (scikit-learn) into topics named by
their heaviest words. Each patent joins the topic it weighs most in; one that shares no counted word with the others
joins none. The same texts always give the same topics (a deterministic start)."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

SAMPLE = 5_000  # above this many patents, topics are found in a sample of this size
TEXT_CHARS = 400  # of each patent's text: the title first, then the abstract and the claim
MIN_PATENTS = 20  # fewer than this give no topics worth naming
MAX_TOPICS = 8
TERMS = 6  # words shown per topic; the first three name it
WORD = re.compile(r"^(?:[\u4e00-\u9fff]{2,}|[a-z][a-z0-9\-]{2,})$")  # two Han characters or more, or a Latin word


@dataclass(frozen=True)
class Topic:
    terms: list[str]  # heaviest first
    members: list[int]  # positions of its patents among the texts, the most typical first


@cache
def _stopwords() -> frozenset[str]:
    text = (files("ipstrong") / "navigation" / "data" / "stopwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@cache
def _tokenizer(cache_dir: Path | None) -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    if cache_dir is not None:  # its prefix dictionary is cached here rather than in /tmp
        cache_dir.mkdir(parents=True, exist_ok=True)
        tokenizer.tmp_dir = str(cache_dir)
    return tokenizer


def words_of(text: str, cache_dir: Path | None = None) -> list[str]:
    """The counted words of ``text``: jieba's words of two characters or more, lower-cased, without stop words."""
    stop = _stopwords()
    cut = _tokenizer(cache_dir).lcut(text[:TEXT_CHARS], HMM=False)
    return [w for w in (w.strip().lower() for w in cut) if WORD.match(w) and w not in stop]


def topic_count(patents: int) -> int:
    """How many topics ``patents`` patents are split into: two, growing with the square root, at most eight."""
    return max(2, min(MAX_TOPICS, round(math.sqrt(patents / 20))))


def find_topics(texts: list[str], cache_dir: Path | None = None) -> list[Topic]:
    """The topics of ``texts``, largest first; none when there are too few texts or too few shared words."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < MIN_PATENTS:
        return []
    vectoriser = TfidfVectorizer(analyzer=lambda words: words, min_df=2, max_df=0.5, sublinear_tf=True, max_features=20_000)
    try:
        weights = vectoriser.fit_transform([words_of(t, cache_dir) for t in texts])
    except ValueError:  # no word occurs in two texts
        return []
    k = min(topic_count(len(texts)), weights.shape[1])
    if k < 2:
        return []
    model = NMF(n_components=k, init="nndsvd", random_state=0, max_iter=400)
    share = model.fit_transform(weights)
    vocabulary = vectoriser.get_feature_names_out()
    chosen, strength = share.argmax(axis=1), share.max(axis=1)
    topics = []
    for t in range(k):
        members = [i for i in range(len(texts)) if chosen[i] == t and strength[i] > 0]
        if members:
            heaviest = model.components_[t].argsort()[::-1][:TERMS]
            topics.append(
                Topic(terms=[str(vocabulary[j]) for j in heaviest], members=sorted(members, key=lambda i: -share[i, t]))
            )
    return sorted(topics, key=lambda topic: (-len(topic.members), topic.terms))
