"""The search query language: examples, positioned bilingual errors, and properties over generated queries."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipstrong.messages import IpsError
from ipstrong.search.query import FIELDS, And, Node, Not, Or, QueryError, Term, parse, render


@pytest.mark.parametrize(
    "query,expected",
    [
        (
            'TI=锂电池 AND (AP=宁德时代 OR AP="比亚迪股份有限公司") NOT STATUS=失效',
            '(TI=锂电池 AND (AP=宁德时代 OR AP="比亚迪股份有限公司") AND NOT (STATUS=失效))',
        ),
        (
            "IPC=H01M10/05* AND AD=2020-01-01..2021-12-31 AND CITY=苏州",
            "(IPC=H01M10/05* AND AD=2020-01-01..2021-12-31 AND CITY=320500)",
        ),
        ("固态电解质 或 TA=(硫化物 与 电解质)", "(TA=固态电解质 OR (TA=硫化物 AND TA=电解质))"),
        ("ＴＩ＝电池　ａｎｄ　ｉｐｃ＝ｈ０１ｍ", "(TI=电池 AND IPC=H01M)"),  # full-width, any case
        ("电池 电极 非 隔膜", "(TA=电池 AND TA=电极 AND NOT (TA=隔膜))"),  # adjacent terms are ANDed
        ('AN="CN 2017 1 0601862.3" OR AN=ZL201710601862', "(AN=201710601862.3 OR AN=201710601862.3)"),
        ("AD>=20210101 AND GD<=2022-6-30", "(AD>=2021-01-01 AND GD<=2022-06-30)"),
        ("TI=(电池 OR 电极) AND TYPE=发明", "((TI=电池 OR TI=电极) AND TYPE=发明)"),
        ('"锂离子 电池"', 'TA="锂离子 电池"'),
        ("电池与电极", "TA=电池与电极"),  # 与 inside a word is part of the word
        ("DIST=吴中区 AND MIPC=H01M 10/0525", "(DIST=320506 AND MIPC=H01M AND TA=10/0525)"),
    ],
)
def test_examples(query: str, expected: str) -> None:
    assert render(parse(query)) == expected


@pytest.mark.parametrize(
    "query,position,words",
    [
        ("AD>=2021-13-01", 5, "第 5 个字符起的日期无效 / invalid date at position 5"),
        ("TI=(电池 OR 电极", 4, "unclosed parenthesis at position 4"),
        ("电池) AND 电极", 3, "unbalanced closing parenthesis at position 3"),
        ("XX=电池", 1, "unknown field XX at position 1"),
        ("TI=电池 AND", 10, "the query ends too early at position 10"),
        ('TI="电池', 4, "unclosed quotation mark at position 4"),
        ("AD=2021-01-01..2020-01-01", 4, "the date range ends before it starts"),
        ("AD=2021-01-01..2021-02-30", 16, "invalid date at position 16"),
        ("TYPE=专利", 6, "unknown value"),
        ("TI>=电池", 3, ">= applies to date fields only"),
        ("CITY=火星", 6, "unknown city"),
        ("IPC=H1M", 5, "invalid IPC symbol"),
        ("AN=201710601862.4", 4, "invalid application number"),
        ("电池\x00", 3, "control character at position 3"),
        ("=电池", 1, "a field code is missing"),
    ],
)
def test_errors_name_the_position(query: str, position: int, words: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert caught.value.position == position and words in str(caught.value.msg)
    assert "第" in caught.value.msg.zh  # Chinese first, English beside it


def test_empty_and_overlong_queries() -> None:
    for blank in ("", "   ", "\u3000"):
        with pytest.raises(IpsError, match="empty"):
            parse(blank)
    with pytest.raises(QueryError, match="longer than"):
        parse("电池 " * 1000)


ALPHABET = st.sampled_from(list('TIABPDGNCLSEXY=<>.()"* -01259/电池锂与或非ANDORNOT\u3000（）＝\t'))


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(ALPHABET, max_size=40))
def test_any_text_parses_or_fails_with_a_position(text: str) -> None:
    try:
        tree = parse(text)
    except QueryError as exc:
        assert 1 <= exc.position <= len(text) + 1
    except IpsError as exc:
        assert "empty" in str(exc.msg)  # the only unpositioned refusal
    else:
        assert isinstance(tree, Term | And | Or | Not)


WORDS = st.sampled_from(["电池", "锂离子", "隔膜", "battery", "电极材料"])
TERMS = st.one_of(
    st.builds(lambda f, w: Term(f, w), st.sampled_from(["TI", "AB", "TA", "AP", "IN", "ADDR"]), WORDS),
    st.builds(lambda w: Term("TI", w, phrase=True), st.sampled_from(["锂离子 电池", "solid state"])),
    st.builds(lambda v: Term("TYPE", v), st.sampled_from(["发明", "实用新型", "外观设计"])),
    st.builds(lambda op, d: Term("AD", d, op), st.sampled_from(["=", ">=", "<="]), st.sampled_from(["2020-01-01", "2021-12-31"])),
    st.just(Term("GD", "2019-01-01", "..", "2020-06-30")),
    st.just(Term("IPC", "H01M10/05*")),
)
TREES = st.recursive(
    TERMS,
    lambda inner: st.one_of(
        st.builds(lambda items: And(tuple(items)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda items: Or(tuple(items)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(Not, inner),
    ),
    max_leaves=8,
)


def _flat(node: Node) -> Node:
    """A tree without positions, and with nested And/Or of the same kind merged (the reading is the same)."""
    if isinstance(node, Term):
        return dataclasses.replace(node, position=1)
    if isinstance(node, Not):
        return Not(_flat(node.item))
    items: list[Node] = []
    for item in (_flat(i) for i in node.items):
        items.extend(item.items if type(item) is type(node) else (item,))
    return type(node)(tuple(items))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(TREES)
def test_rendered_trees_read_back(tree: Node) -> None:
    assert _flat(parse(render(tree))) == _flat(tree)


@pytest.mark.parametrize("field", FIELDS.values(), ids=list(FIELDS))
def test_each_fields_example_reads_as_that_field(field) -> None:
    """The examples the help and the field picker show are queries that parse, on the field they illustrate."""
    tree = parse(field.example)
    assert isinstance(tree, Term) and tree.field == field.code


def test_every_field_is_in_the_command_help() -> None:
    """The command's help lists the fields by hand; it must not fall behind the query language's table."""
    from typer.testing import CliRunner

    from ipstrong.cli import app

    text = CliRunner().invoke(app, ["search", "--help"], terminal_width=200).output
    missing = [code for code in FIELDS if code not in text]
    assert not missing, missing


def test_each_field_and_facet_is_one_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    from ipstrong.cli import SEARCH_HELP
    from ipstrong.search import engine
    from ipstrong.search.fields import FACET_LIST_PATTERN, FACETS, SORTS, Field

    # the command line's help names every field with its example, and every facet
    assert all(f"{f.code} {f.name_zh}" in SEARCH_HELP and f.example in SEARCH_HELP for f in FIELDS.values())
    assert all(f"{name} {f.name_zh}" in SEARCH_HELP for name, f in FACETS.items())
    assert re.fullmatch(FACET_LIST_PATTERN, "city,applicant") and not re.fullmatch(FACET_LIST_PATTERN, "city,colour")
    # a declaration the index cannot serve fails at import (checked here by running the same check)
    monkeypatch.setitem(FIELDS, "XX", Field("XX", ("nowhere",), "text", "无", "nothing", "XX=1"))
    with pytest.raises(RuntimeError, match="search field XX"):
        engine._check_declarations()
    monkeypatch.delitem(FIELDS, "XX")
    monkeypatch.setitem(FIELDS, "YY", Field("YY", ("ad", "pd"), "date", "两日", "two dates", "YY=2020-01-01"))
    with pytest.raises(RuntimeError, match="search field YY"):
        engine._check_declarations()
    monkeypatch.delitem(FIELDS, "YY")
    monkeypatch.setitem(SORTS, "TI", "title")  # a sort must order by a date
    with pytest.raises(RuntimeError, match="sort TI"):
        engine._check_declarations()
