"""Running a query: the tree of ``query.py`` compiled to a tantivy query over the snapshot's index, hits with
highlights, facets, paging under caps so that a query matching everything never loads everything."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import tantivy

from ipstrong.messages import InvalidOption, IpsError, Msg
from ipstrong.output import neutralised, write_xlsx
from ipstrong.search.fields import FACETS, FIELDS, SORTS
from ipstrong.search.index import (
    BIGRAM_FIELDS,
    DATE_FIELDS,
    HAN_JOINER,
    KEYWORD_FIELDS,
    TEXT_FIELDS,
    analyzer,
    fold,
    han_bigrams,
    open_index,
    parts,
    schema,
)
from ipstrong.search.query import ENUMS, And, Node, Not, Term, parse

MAX_LIMIT = 1000
MAX_OFFSET = 100_000
HIGHLIGHTED = ("title", "abstract", "claims")


def _words(text: str) -> list[str]:
    return [str(t) for t in analyzer().analyze(text)]


def _text(fields: tuple[str, ...], value: str, highlight: bool) -> tantivy.Query:
    """A word or phrase in text fields. A Chinese word (Han characters only) is looked up in the fields' bigram twins
    where they have them, one term or a short phrase of rarer terms; otherwise, and always for highlighting, it is the
    phrase of its characters (its words) in the field, and of its parts in the folded twin (``VR`` finds WebVR)."""
    folded = fold(value)
    pairs = han_bigrams(folded)
    if not highlight and len(pairs) == len(HAN_JOINER.sub("", folded)) - 1 and pairs and all(f in BIGRAM_FIELDS for f in fields):
        searched = [(f"{f}_bigrams", pairs) for f in fields]
    else:
        searched = [
            (f, words) for name in fields for f, words in ((name, _words(folded)), (f"{name}_folded", _words(parts(folded))))
        ]
    per_field = [
        tantivy.Query.term_query(schema(), f, words[0]) if len(words) == 1 else tantivy.Query.phrase_query(schema(), f, words)
        for f, words in searched
        if words
    ]
    if not per_field:
        return tantivy.Query.empty_query()
    return per_field[0] if len(per_field) == 1 else tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in per_field])


def _day(value: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(value), dt.time())


def _term(term: Term, highlight: bool) -> tantivy.Query:
    """The tantivy query of one field term, by the field's kind and the index fields it targets (fields.py)."""
    field = FIELDS[term.field]
    if field.kind == "text":
        return _text(field.targets, term.value, highlight)
    (target,) = field.targets
    if field.kind == "date":
        lower, upper = {
            "=": (term.value, term.value),
            ">=": (term.value, None),
            "<=": (None, term.value),
            "..": (term.value, term.upper),
        }[term.op]
        return tantivy.Query.range_query(
            schema(), target, tantivy.FieldType.Date, _day(lower) if lower else None, _day(upper) if upper else None
        )
    if field.kind == "enum":
        return tantivy.Query.term_set_query(schema(), target, list(ENUMS[term.field][term.value]))
    if term.value.endswith("*"):  # an IPC prefix
        return tantivy.Query.regex_query(schema(), target, re.escape(term.value[:-1]) + ".*")
    return tantivy.Query.term_query(schema(), target, term.value)


def _check_declarations() -> None:
    """Every search field targets index fields (a text field's targets are text fields, the others one keyword or
    date field) and every facet counts one: checked at import, so a declaration that cannot work fails at once."""
    for field in FIELDS.values():
        kinds = TEXT_FIELDS if field.kind == "text" else DATE_FIELDS if field.kind == "date" else KEYWORD_FIELDS
        if not field.targets or any(t not in kinds for t in field.targets) or (field.kind != "text" and len(field.targets) > 1):
            raise RuntimeError(f"search field {field.code}: {field.targets} are not {field.kind} index fields")
    for facet in FACETS.values():
        if facet.target not in (*KEYWORD_FIELDS, "year"):
            raise RuntimeError(f"facet {facet.name}: {facet.target} is not a keyword index field")
    for name, target in SORTS.items():
        if target is not None and target not in DATE_FIELDS:
            raise RuntimeError(f"sort {name}: {target} is not a date index field")


_check_declarations()


def compile_query(node: Node, highlight: bool = False) -> tantivy.Query:
    """The tantivy query of a parsed tree; ``highlight`` asks for the same matches in the stored text fields (the
    ones snippets are cut from) rather than the fastest form."""
    if isinstance(node, Term):
        return _term(node, highlight)
    if isinstance(node, Not):
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, tantivy.Query.all_query()), (tantivy.Occur.MustNot, compile_query(node.item, highlight))]
        )
    occur = tantivy.Occur.Must if isinstance(node, And) else tantivy.Occur.Should
    return tantivy.Query.boolean_query([(occur, compile_query(i, highlight)) for i in node.items])


def _first(doc: tantivy.Document, field: str) -> Any:
    values = doc.get_all(field)
    return values[0] if values else None


def _brief(doc: tantivy.Document) -> dict[str, Any]:
    """What a hit shows of a patent (the keys of ``search --json`` hits)."""
    app_date = _first(doc, "ad")
    return {
        "app_no": _first(doc, "app_no"),
        "title": _first(doc, "title"),
        "applicants": [a for a in (_first(doc, "applicants") or "").split("；") if a],
        "city_code": _first(doc, "city"),
        "app_date": app_date.date().isoformat() if app_date else None,
        "ipc_main": (doc.get_all("mipc") or [None])[-1],
        "status": _first(doc, "status"),
        "abstract": _first(doc, "abstract"),
    }


def similar(data_dir: Path, text: str, limit: int = 10, exclude: str | None = None) -> list[dict[str, Any]]:
    """Patents like a paragraph (or a patent's title and abstract) in the current snapshot's index."""
    if not text.strip():
        raise IpsError(Msg("请给出一段文字", "give a paragraph of text"))
    index, _snapshot = open_index(data_dir)
    return similar_in(index, text, limit, exclude)


def similar_in(
    index: tantivy.Index, text: str, limit: int = 10, exclude: str | None = None, within: str | None = None
) -> list[dict[str, Any]]:
    """More-like-this by BM25 over the same tokens as search (one per Han character, English words), each hit with
    its ``score``; ``exclude`` leaves one patent out, ``within`` (a query of the search language) narrows the hits."""
    from ipstrong.search.index import fold, han_bigrams

    searcher = index.searcher()
    pairs = " ".join(han_bigrams(fold(text)))
    query = tantivy.Query.more_like_this_document_fields_query(
        schema(),
        {"title": [text], "abstract": [text], "title_bigrams": [pairs], "abstract_bigrams": [pairs]},
        min_doc_frequency=1, min_term_frequency=1, max_query_terms=60,
    )  # fmt: skip
    if within:
        query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, compile_query(parse(within)))])
    out = []
    for score, address in searcher.search(query, limit + 1).hits:
        brief = _brief(searcher.doc(address))
        if brief["app_no"] != exclude:
            out.append({**brief, "score": score})
    return out[:limit]


def _ordering(sort: str) -> dict[str, Any]:
    """tantivy's search options for a ``--sort`` value: by score, or by a date field newest first."""
    if sort not in SORTS:
        raise InvalidOption("sort", sort, Msg("、".join(SORTS), "one of " + ", ".join(SORTS)))
    return {"order_by_field": SORTS[sort], "order": tantivy.Order.Desc} if SORTS[sort] else {}


def search(
    data_dir: Path,
    query: str,
    limit: int = 20,
    offset: int = 0,
    facets: tuple[str, ...] = (),
    sort: str = "relevance",
) -> dict[str, Any]:
    """``total``, one page of ``hits`` (with ``highlights``) and the requested ``facets`` of a query; ``sort`` by
    relevance (BM25) or by filing (AD) or publication (PD) date, newest first."""
    ordered = _ordering(sort)
    if not 0 <= limit <= MAX_LIMIT:
        raise InvalidOption("limit", limit, Msg(f"0 到 {MAX_LIMIT} 之间的整数", f"a whole number from 0 to {MAX_LIMIT}"))
    if not 0 <= offset <= MAX_OFFSET:
        allowed = Msg(f"0 到 {MAX_OFFSET} 之间的整数（请细化检索式）", f"a number from 0 to {MAX_OFFSET} (narrow the query)")
        raise InvalidOption("offset", offset, allowed)
    unknown = [f for f in facets if f not in FACETS]
    if unknown:
        raise IpsError(
            Msg(f"未知分面：{'、'.join(unknown)}", f"unknown facets: {', '.join(unknown)} (one of {', '.join(FACETS)})")
        )
    tree = parse(query)
    index, snapshot = open_index(data_dir)
    compiled = compile_query(tree)
    searcher = index.searcher()
    # tantivy refuses a page of 0 hits (it panics): ask for one and keep none, the count is the same
    result = searcher.search(compiled, max(limit, 1), count=True, offset=offset, **ordered)
    marked = compile_query(tree, highlight=True)
    snippets = {f: tantivy.SnippetGenerator.create(searcher, marked, schema(), f) for f in HIGHLIGHTED}
    hits = []
    for score, address in result.hits[:limit]:
        doc = searcher.doc(address)
        hits.append(
            {
                **_brief(doc),
                "score": score if not ordered else None,
                "highlights": {
                    f: [snippet.to_html()]
                    for f, generator in snippets.items()
                    if (snippet := generator.snippet_from_doc(doc)).highlighted()
                },
            }
        )
    return {
        "query": query,
        "snapshot": snapshot,
        "total": result.count,
        "offset": offset,
        "hits": hits,
        "facets": _facets(searcher, compiled, facets),
    }


def _facets(searcher: tantivy.Searcher, compiled: tantivy.Query, names: tuple[str, ...], size: int = 20) -> dict[str, list]:
    """The top values of each facet among the hits: one aggregation request, so the query is matched once for all."""
    from ipstrong.reference.regions import region_name

    if not names:
        return {}
    requests = {name: {"terms": {"field": FACETS[name].target, "size": size}} for name in names}
    if "entity" in requests:  # each entity's commonest name among the hits is its label
        requests["entity"]["aggs"] = {"name": {"terms": {"field": "first_applicant", "size": 1}}}
    result = searcher.aggregate(compiled, requests)
    out: dict[str, list] = {}
    for name in names:
        out[name] = []
        for bucket in result[name]["buckets"]:
            value = int(bucket["key"]) if name == "year" else bucket["key"]
            label = region_name(value) if name == "city" else str(value)
            if name == "entity":
                label = next((b["key"] for b in bucket["name"]["buckets"]), label)
            out[name].append({"value": value, "label": label or str(value), "count": bucket["doc_count"]})
    return out


def refinement(name: str, value: object) -> str:
    """The query clause a facet value adds when a person picks it (``AND`` it to the query)."""
    if name == "year":
        return f"AD={value}-01-01..{value}-12-31"
    field = {"city": "CITY", "ipc": "IPC", "type": "TYPE", "status": "STATUS", "applicant": "AP", "entity": "APID"}[name]
    text = str(value)
    return f'{field}="{text}"' if name == "applicant" else f"{field}={text}"


XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row


def _stored(field: str) -> Callable[[tantivy.Document], Any]:
    def value(doc: tantivy.Document) -> Any:
        values = doc.get_all(field)
        if field == "mipc":
            return values[-1] if values else None  # the full symbol is the last of its levels
        if field in ("ad", "pd", "gd"):
            return values[0].date().isoformat() if values else None
        return values[0] if values else None

    return value


def _named(field: str, name: Callable[[str], str | None]) -> Callable[[tantivy.Document], Any]:
    def value(doc: tantivy.Document) -> Any:
        code = _stored(field)(doc)
        return name(code) if code else None

    return value


def _region_name(code: str) -> str | None:
    from ipstrong.reference.regions import region_name

    return region_name(code) or code


def _word(field: str) -> Callable[[str], str]:
    from ipstrong.vocabulary import words

    return lambda value: words(field, value)[0]


# every column an export can carry: key (the JSONL key, the --fields name) -> (header, value of an index document);
# the default columns name places, types and statuses in words, the *_code ones carry what is stored
EXPORT_FIELDS: dict[str, tuple[str, Callable[[tantivy.Document], Any]]] = {
    "app_no": ("申请号 app_no", _stored("app_no")),
    "pub_no": ("公开号 pub_no", _stored("pub_no")),
    "title": ("名称 title", _stored("title")),
    "applicants": ("申请人 applicants", _stored("applicants")),
    "first_applicant": ("第一申请人 first_applicant", _stored("first_applicant")),
    "city": ("地市 city", _named("city", _region_name)),
    "district": ("区县 district", _named("district", _region_name)),
    "app_date": ("申请日 app_date", _stored("ad")),
    "pub_date": ("公开日 pub_date", _stored("pd")),
    "grant_date": ("授权日 grant_date", _stored("gd")),
    "ipc_main": ("主分类号 ipc_main", _stored("mipc")),
    "patent_type": ("类型 patent_type", _named("type", _word("patent_type"))),
    "legal_status": ("法律状态 legal_status", _named("status", _word("legal_status"))),
    "abstract": ("摘要 abstract", _stored("abstract")),
    "city_code": ("地市代码 city_code", _stored("city")),
    "district_code": ("区县代码 district_code", _stored("district")),
    "patent_type_code": ("类型代码 patent_type_code", _stored("type")),
    "legal_status_code": ("法律状态代码 legal_status_code", _stored("status")),
}
EXPORT_DEFAULT = ("app_no", "pub_no", "title", "applicants", "first_applicant", "city", "district", "app_date", "pub_date",
                  "grant_date", "ipc_main", "patent_type", "legal_status")  # fmt: skip


def export_fields(chosen: Sequence[str] | None) -> list[str]:
    """The export's columns: ``chosen`` in its order, checked, or the default ones."""
    fields = list(chosen or EXPORT_DEFAULT)
    unknown = [f for f in fields if f not in EXPORT_FIELDS]
    if unknown or not fields:
        raise InvalidOption("fields", ",".join(unknown), Msg("、".join(EXPORT_FIELDS), ", ".join(EXPORT_FIELDS)))
    return fields


EXPORT_PAGE = 50_000  # hits held at once while exporting
EXPORT_RANKED = 100_000  # an export by relevance ranks this many hits, then goes on newest filing first


def _key(address: tantivy.DocAddress) -> tuple[int, int]:
    return (address.segment_ord, address.doc)


def _by_date(
    searcher: tantivy.Searcher, query: tantivy.Query, field: str, skip: set[tuple[int, int]]
) -> Iterator[list[tantivy.DocAddress]]:
    """Every hit of ``query`` that has ``field``, newest first, a page at a time: each page asks for the hits on or
    before the last date written, leaving out those already written on that date, so memory holds one page."""
    query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, tantivy.Query.exists_query(field))])
    cursor: int | None = None
    written_on_cursor: set[tuple[int, int]] = set()
    while True:
        bounded = query
        if cursor is not None:
            upper = dt.datetime.fromtimestamp(cursor / 1e9, tz=dt.UTC)
            before = tantivy.Query.range_query(schema(), field, tantivy.FieldType.Date, None, upper)
            bounded = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, before)])
        limit = EXPORT_PAGE + len(written_on_cursor)
        hits = searcher.search(bounded, limit, order_by_field=field, order=tantivy.Order.Desc).hits
        page = [(value, address) for value, address in hits if _key(address) not in written_on_cursor]
        yield [address for _value, address in page if _key(address) not in skip]
        if len(hits) < limit:
            return
        last = hits[-1][0]
        if last != cursor:
            written_on_cursor = set()
        written_on_cursor |= {_key(address) for value, address in page if value == last}
        cursor = last


def _export_pages(searcher: tantivy.Searcher, query: tantivy.Query, sort: str) -> Iterator[list[tantivy.DocAddress]]:
    """Every hit, in pages, in the export's order: by relevance the first ``EXPORT_RANKED`` (ranking further means
    little and would hold them all), then by filing date; by a date, newest first, hits without that date after
    them by filing date, and any without a filing date last."""
    written: set[tuple[int, int]] = set()
    if sort == "relevance":
        ranked = [address for _score, address in searcher.search(query, EXPORT_RANKED).hits]
        yield ranked
        if len(ranked) < EXPORT_RANKED:
            return
        written = {_key(address) for address in ranked}
    field = SORTS[sort] or "ad"
    yield from _by_date(searcher, query, field, written)
    undated = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, query), (tantivy.Occur.MustNot, tantivy.Query.exists_query(field))]
    )
    if field != "ad":
        yield from _by_date(searcher, undated, "ad", written)
        undated = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, undated), (tantivy.Occur.MustNot, tantivy.Query.exists_query("ad"))]
        )
    rest = searcher.search(undated, 1, count=True).count
    if rest:
        yield [address for _score, address in searcher.search(undated, rest).hits if _key(address) not in written]


def app_nos_matching(data_dir: Path, query: str, snapshot: str | None = None) -> list[str]:
    """The application number of every hit of ``query`` in the index of ``snapshot`` (the current one by default),
    read a page at a time as the export reads them."""
    index, _snapshot = open_index(data_dir, snapshot)
    searcher = index.searcher()
    return _app_nos(searcher, compile_query(parse(query)))


def app_nos_matching_each(data_dir: Path, queries: dict[int, str], snapshot: str, within: list[str]) -> dict[int, list[str]]:
    """For each of ``queries`` (by key), its hits among the application numbers ``within``: one searcher and one
    restriction for all (watches read what a snapshot changed this way)."""
    index, _snapshot = open_index(data_dir, snapshot)
    searcher = index.searcher()
    among = tantivy.Query.term_set_query(schema(), "app_no", within)
    return {key: _app_nos(searcher, tantivy.Query.boolean_query([(tantivy.Occur.Must, compile_query(parse(text))),
                                                                 (tantivy.Occur.Must, among)]))
            for key, text in queries.items()}  # fmt: skip


def _app_nos(searcher: tantivy.Searcher, compiled: tantivy.Query) -> list[str]:
    found: list[str] = []
    for page in _export_pages(searcher, compiled, "AD"):
        found.extend(str(_first(searcher.doc(address), "app_no")) for address in page)
    return found


def export(data_dir: Path, query: str, out: Path, sort: str = "relevance", fields: Sequence[str] | None = None) -> dict[str, Any]:
    """Write every hit of a query to ``out`` (.csv with a byte-order mark for Excel, .jsonl, or .xlsx up to Excel's
    row limit) with the chosen ``fields`` (``EXPORT_FIELDS``; places, types and statuses in words by default), row
    by row in the search's order (``_export_pages``): the whole result set at any size, never more than a page of it
    in memory."""
    import csv
    import json

    suffix = out.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".xlsx"):
        raise IpsError(Msg("导出文件须为 .csv、.jsonl 或 .xlsx", "the export file is .csv, .jsonl or .xlsx"))
    _ordering(sort)  # refuses an unknown --sort or field before any work
    columns = export_fields(fields)
    headers = [EXPORT_FIELDS[f][0] for f in columns]
    getters = [EXPORT_FIELDS[f][1] for f in columns]
    compiled = compile_query(parse(query))
    index, snapshot = open_index(data_dir)
    searcher = index.searcher()
    total = searcher.search(compiled, 1, count=True).count
    if suffix == ".xlsx" and total > XLSX_MAX_ROWS:
        raise IpsError(
            Msg(
                f"命中 {total:,} 件，超过 Excel 单表 {XLSX_MAX_ROWS:,} 行的上限：请导出为 .csv 或 .jsonl，或细化检索式",
                f"{total:,} hits exceed Excel's {XLSX_MAX_ROWS:,} rows: export .csv or .jsonl, or narrow the query",
            )
        )
    rows = (
        [get(doc) for get in getters]
        for page in _export_pages(searcher, compiled, sort)
        for doc in (searcher.doc(address) for address in page)
    )
    if suffix == ".xlsx":
        exported = write_xlsx(out, headers, rows)
    else:
        with out.open("w", encoding="utf-8-sig" if suffix == ".csv" else "utf-8", newline="") as fh:
            if suffix == ".csv":
                writer = csv.writer(fh)
                writer.writerow(headers)

                def emit(row: list[Any]) -> object:
                    return writer.writerow([neutralised(v) for v in row])
            else:

                def emit(row: list[Any]) -> object:
                    return fh.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False) + "\n")

            exported = 0
            for row in rows:
                emit(row)
                exported += 1
    return {"query": query, "snapshot": snapshot, "exported": exported, "file": str(out)}
