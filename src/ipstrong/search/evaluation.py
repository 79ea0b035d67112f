"""The labelled set that measures retrieval: real patent titles with known answers, and the precision and recall of
a way of searching them.

Three kinds of labelled query, all built from real records in ``../shared/data``:

* **vendor answer** — Patentics exported every CN application whose title holds 增强现实
  (``cn-patent-db-exports/patentics_cn_title-augmented-reality_4483.csv``); mixed into 9,740 other titles, the query
  ``TI=增强现实`` must find those 4,483 and only titles that hold the phrase.
* **word queries** — patent terms (``WORDS``) whose answer is every title holding the term, less the titles where a
  reader sees the characters straddle two words (``NOT_THE_WORD``, judged by hand: 电机 in 发电机组 is a generator).
* **topics and similar patents** — the true IPC subclasses of ``cn-patent-title-ipc-9740``: a subclass's Chinese
  title as a query should rank titles of that subclass first, and a title's more-like-this neighbours should share a
  subclass with it.

``evaluate`` scores any way of searching given as a ``Retriever``; the production index is one
(``IndexRetriever``), and ``benchmarks/bench_segmentation.py`` builds the alternatives (jieba with a patent-term
dictionary, character bigrams) to compare against it.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Protocol

from ipstrong.search.index import fold

TITLE_IPC = Path("cn-patent-title-ipc-9740/oof_predictions.csv")
VENDOR_AR = Path("cn-patent-db-exports/patentics_cn_title-augmented-reality_4483.csv")
VENDOR_PHRASE = "增强现实"
# patent terms of many fields; each is found in at least five of the labelled titles
WORDS = (
    "石墨烯", "锂离子电池", "电池", "无人机", "传感器", "轴承", "齿轮", "芯片", "神经网络", "机器人", "光伏", "混凝土",
    "催化剂", "涂料", "电机", "图像", "区块链", "深度学习", "虚拟现实", "激光", "焊接", "注塑", "污水", "水泥",
    "服务器", "电路板", "充电桩", "储能", "光纤", "半导体", "阀门", "冷却", "过滤", "消毒", "中药", "抗体", "基因",
    "土壤", "灌溉", "养殖", "茶叶", "显示", "电极", "模具", "风机", "净化", "手机", "车床", "机器", "电动汽车",
)  # fmt: skip
# (word, title) pairs where the characters of the word are there but the word is not, judged by reading each title
# whose characters jieba (with WORDS in its dictionary) split across two words; the other 14 such titles do hold the
# word (贴标机器人, 集成电路板, 注塑模具, 无线电极, 新风机 …)
_NOT_ELECTRIC_MACHINE = (  # 风电/火电 + 机组 (a generating unit), 充电机 (a charger)
    "提高双馈式风电机组低电压穿越能力的控制方法及系统",
    "一种电压不平衡下风电机组并网能力的提升方法及系统",
    "一种风电机组一体式吊装装置及其安装方法",
    "一种基于通讯技术的火电机组运行状态远程监视系统",
    "一种火电机组送风机整体健康状态评价方法、计算机及存储介质",
    "一种带有预警功能的基于大数据火电机组DCS报警装置",
    "一种联合视频监控的直流充电机枪线保护装置及方法",
)
NOT_THE_WORD = frozenset(("电机", title) for title in _NOT_ELECTRIC_MACHINE)
TOPIC_SUBCLASSES = 40  # the most frequent subclasses of the labelled titles are the topic queries
TOPIC_DEPTH = 20  # precision among the first 20 hits of a topic
SIMILAR_SAMPLE = 500  # titles whose neighbours are judged
SIMILAR_DEPTH = 10


@dataclass(frozen=True)
class Record:
    """A labelled title: its publication number, the title, its true IPC subclasses (empty when not labelled)."""

    pub_no: str
    title: str
    subclasses: frozenset[str] = frozenset()


@dataclass
class Corpus:
    records: list[Record]
    vendor_answer: set[str] = field(default_factory=set)  # publication numbers Patentics returned for 增强现实

    def labelled(self) -> list[Record]:
        return [r for r in self.records if r.subclasses]

    @cached_property
    def folded_titles(self) -> dict[str, str]:
        """Each title folded as search folds it (simplified, lower case), once for every word query."""
        return {r.pub_no: fold(r.title).lower() for r in self.records}


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def load(shared_data: Path) -> Corpus:
    """The 9,740 IPC-labelled titles and Patentics' 增强现实 export, one record per publication number."""
    records: dict[str, Record] = {}
    for row in _rows(shared_data / TITLE_IPC):
        subclasses = frozenset(s for s in row["true_subclasses_all"].split("|") if s)
        records[row["publication_numbers"]] = Record(row["publication_numbers"], row["patent_title"], subclasses)
    answer = set()
    for row in _rows(shared_data / VENDOR_AR):
        answer.add(row["公开号"])
        records.setdefault(row["公开号"], Record(row["公开号"], row["标题"]))
    return Corpus(list(records.values()), answer)


class Retriever(Protocol):
    """A way of searching the corpus: a phrase in titles (every hit), and titles like a text (best first)."""

    def phrase(self, text: str) -> set[str]: ...

    def like(self, text: str, limit: int) -> list[str]: ...


@dataclass
class Score:
    precision: float
    recall: float

    def __str__(self) -> str:
        return f"P={self.precision:.3f} R={self.recall:.3f}"


def _score(found: set[str], truth: set[str]) -> Score:
    right = len(found & truth)
    return Score(right / len(found) if found else 1.0, right / len(truth) if truth else 1.0)


def word_truth(corpus: Corpus, word: str) -> set[str]:
    """The titles that hold ``word`` as a word."""
    folded = fold(word).lower()
    titles = corpus.folded_titles
    return {r.pub_no for r in corpus.records if folded in titles[r.pub_no] and (word, r.title) not in NOT_THE_WORD}


def topic_text(subclass: str) -> str:
    """A subclass's Chinese IPC title without its references to other places (``（…入A01C5/00）``)."""
    from ipstrong.reference.ipc_titles import ipc_title

    zh = (ipc_title(subclass) or ("", ""))[0]
    return re.sub(r"（[^）]*）|\([^)]*\)|〔[^〕]*〕", "", zh).replace(" ", "")


@dataclass
class Report:
    vendor: Score
    words: dict[str, Score]
    topics: float  # mean precision of the first TOPIC_DEPTH hits
    similar: float  # mean share of SIMILAR_DEPTH neighbours sharing a subclass

    def words_mean(self) -> Score:
        n = len(self.words)
        return Score(sum(s.precision for s in self.words.values()) / n, sum(s.recall for s in self.words.values()) / n)


def evaluate(corpus: Corpus, retriever: Retriever) -> Report:
    """Precision and recall of ``retriever`` on every labelled query."""
    labelled = corpus.labelled()
    by_no = {r.pub_no: r for r in labelled}
    vendor_truth = corpus.vendor_answer | word_truth(corpus, VENDOR_PHRASE)
    words = {w: _score(retriever.phrase(w), word_truth(corpus, w)) for w in WORDS}
    counts: dict[str, int] = {}
    for record in labelled:
        for subclass in record.subclasses:
            counts[subclass] = counts.get(subclass, 0) + 1
    topics = []
    for subclass in sorted(counts, key=lambda s: (-counts[s], s))[:TOPIC_SUBCLASSES]:
        hits = [h for h in retriever.like(topic_text(subclass), TOPIC_DEPTH * 3) if h in by_no][:TOPIC_DEPTH]
        topics.append(sum(subclass in by_no[h].subclasses for h in hits) / TOPIC_DEPTH)
    shares = []
    for record in random.Random(6).sample(labelled, min(SIMILAR_SAMPLE, len(labelled))):
        hits = [h for h in retriever.like(record.title, SIMILAR_DEPTH * 3) if h in by_no and h != record.pub_no]
        hits = hits[:SIMILAR_DEPTH]
        shares.append(sum(bool(by_no[h].subclasses & record.subclasses) for h in hits) / SIMILAR_DEPTH)
    return Report(
        vendor=_score(retriever.phrase(VENDOR_PHRASE), vendor_truth),
        words=words,
        topics=sum(topics) / len(topics),
        similar=sum(shares) / len(shares),
    )


class IndexRetriever:
    """The production search over an index of the corpus (``build_index``): ``TI="…"`` and ``similar_in``."""

    def __init__(self, path: Path) -> None:
        from ipstrong.search.index import open_at

        self.index = open_at(path)

    def phrase(self, text: str) -> set[str]:
        from ipstrong.search.engine import compile_query
        from ipstrong.search.query import parse

        searcher = self.index.searcher()
        query = compile_query(parse(f'TI="{text}"'))
        total = searcher.search(query, 1, count=True).count
        return {searcher.doc(a)["app_no"][0] for _s, a in searcher.search(query, max(total, 1)).hits}

    def like(self, text: str, limit: int) -> list[str]:
        from ipstrong.search.engine import similar_in

        return [h["app_no"] for h in similar_in(self.index, text, limit)]


def build_index(corpus: Corpus, path: Path) -> IndexRetriever:
    """The production index of the corpus's titles at ``path`` (a new directory), publication numbers as keys."""
    from ipstrong.search import index as search_index

    path.mkdir(parents=True)
    index = search_index.create(path)
    writer = index.writer(heap_size=128_000_000)
    search_index.add(writer, ({"app_no": r.pub_no, "pub_no": r.pub_no, "title": r.title} for r in corpus.records))
    writer.commit()
    writer.wait_merging_threads()
    return IndexRetriever(path)
