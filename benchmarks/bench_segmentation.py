"""Benchmark: how Chinese text is cut into index tokens, measured on the labelled set of real titles (issue 6).

Three ways, each indexing the same 14,212 real titles (9,740 IPC-labelled, 4,483 of Patentics' 增强现实 export) and
answering the same labelled queries (``ipstrong.search.evaluation``):

* ``per-character`` — one token per Han character, a word is a phrase of its characters (what ipstrong indexes);
  run through the production index and query path.
* ``jieba+dictionary`` — jieba's precise mode with every labelled word added to its dictionary (the best case a
  patent-term dictionary could give it), a word is a phrase of the words jieba cuts it into.
* ``bigrams`` — overlapping pairs of Han characters (a lone character is its own token), a word is a phrase of its
  bigrams.

Printed per way: the index build time, the vendor answer (precision and recall of ``TI=增强现实`` against Patentics'
export), the mean precision and recall of the word queries, the precision of the first 20 hits of 40 IPC topic
queries and of the 10 more-like-this neighbours of 500 titles, as ratios against per-character in the same run.

Usage: python benchmarks/bench_segmentation.py [--shared-data ../shared/data]
"""

from __future__ import annotations

import argparse
import logging
import platform
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import tantivy

from ipstrong.search import evaluation
from ipstrong.search.index import HAN_RUN, fold

TOKENS = re.compile(HAN_RUN.pattern + r"|[A-Za-z0-9]+")  # runs of Han characters (as the index reads them), English words


def _han_runs(text: str) -> list[str]:
    return TOKENS.findall(fold(text).lower())


def jieba_words() -> Callable[[str], list[str]]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    for word in evaluation.WORDS:
        jieba.add_word(word)
    return lambda text: [w for run in _han_runs(text) for w in jieba.lcut(run)]


def bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in _han_runs(text):
        if len(run) == 1 or run.isascii():
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


class SegmentedRetriever:
    """An index of titles cut by ``cut`` into words joined by spaces (tantivy's whitespace tokenizer keeps them)."""

    def __init__(self, corpus: evaluation.Corpus, cut: Callable[[str], list[str]], path: Path) -> None:
        self.cut = cut
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("key", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", stored=False, tokenizer_name="words")
        self.schema = builder.build()
        path.mkdir(parents=True)
        self.index = tantivy.Index(self.schema, path=str(path))
        self.index.register_tokenizer("words", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        writer = self.index.writer(heap_size=128_000_000)
        for record in corpus.records:
            writer.add_document(tantivy.Document(key=record.pub_no, title=" ".join(cut(record.title))))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()

    def phrase(self, text: str) -> set[str]:
        words = self.cut(text)
        if len(words) == 1:
            query = tantivy.Query.term_query(self.schema, "title", words[0])
        else:
            query = tantivy.Query.phrase_query(self.schema, "title", words)
        searcher = self.index.searcher()
        total = searcher.search(query, 1, count=True).count
        return {searcher.doc(a)["key"][0] for _s, a in searcher.search(query, max(total, 1)).hits}

    def like(self, text: str, limit: int) -> list[str]:
        query = tantivy.Query.more_like_this_document_fields_query(
            self.schema, {"title": [" ".join(self.cut(text))]}, min_doc_frequency=1, min_term_frequency=1, max_query_terms=40
        )
        searcher = self.index.searcher()
        return [searcher.doc(a)["key"][0] for _s, a in searcher.search(query, limit).hits]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    corpus = evaluation.load(args.shared_data)
    print(f"machine: {platform.machine()} {platform.system()} · python {platform.python_version()} · {tantivy.__version__}")
    print(f"corpus: {len(corpus.records):,} titles, {len(corpus.labelled()):,} with true IPC subclasses")
    reports = {}
    with tempfile.TemporaryDirectory() as tmp:
        ways: dict[str, Callable[[Path], evaluation.Retriever]] = {
            "per-character": lambda p: evaluation.build_index(corpus, p),
            "jieba+dictionary": lambda p: SegmentedRetriever(corpus, jieba_words(), p),
            "bigrams": lambda p: SegmentedRetriever(corpus, bigrams, p),
        }
        for name, make in ways.items():
            start = time.perf_counter()
            retriever = make(Path(tmp) / name)
            built = time.perf_counter() - start
            reports[name] = (built, evaluation.evaluate(corpus, retriever))
    base = reports["per-character"][1]
    print(f"{'way':18} {'build s':>8} {'vendor P/R':>13} {'words P/R':>13} {'topic P@20':>11} {'similar P@10':>13}  ratios")
    for name, (built, report) in reports.items():
        words = report.words_mean()
        print(
            f"{name:18} {built:8.2f} {report.vendor.precision:6.3f}/{report.vendor.recall:.3f} "
            f"{words.precision:6.3f}/{words.recall:.3f} {report.topics:11.3f} {report.similar:13.3f}  "
            f"words R ×{words.recall / base.words_mean().recall:.2f}, topic ×{report.topics / base.topics:.2f}, "
            f"similar ×{report.similar / base.similar:.2f}"
        )
    for name, (_built, report) in reports.items():
        missed = {w: s for w, s in report.words.items() if s.recall < 1 or s.precision < 1}
        print(f"{name}: words not answered exactly: " + ", ".join(f"{w} {s}" for w, s in missed.items()) or "none")


if __name__ == "__main__":
    main()
