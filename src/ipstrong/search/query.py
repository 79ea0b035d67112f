"""The search query language: field codes and Boolean logic as CNIPA's system and incoPat taught their users.

    TI=锂电池 AND (AP=宁德时代 OR AP="比亚迪股份有限公司") NOT STATUS=失效
    IPC=H01M10/05* AND AD=2020-01-01..2021-12-31 AND CITY=苏州
    固态电解质 或 TA=(硫化物 与 电解质)

- Fields (``FIELDS`` of fields.py): TI title, AB abstract, TA title or abstract, CL claims, AP/PA applicant, IN inventor, ADDR
  address, AN application number (any written form), PN publication number, IPC any of the patent's IPCs
  (hierarchical: ``H01M`` the subclass, ``H01M10`` main group 10 and below, ``H01M10/05*`` subgroups by prefix),
  MIPC the main IPC only, CITY / DIST (name or code), TYPE (发明/实用新型/外观设计), STATUS (有效/失效/审中…),
  AD / PD / GD filing, publication and grant dates with ``=``, ``>=``, ``<=`` and ranges ``a..b``, SEI (a
  strategic-emerging-industry industry or branch, by number or name — ``SEI=1``, ``SEI=1.5``, ``SEI=人工智能`` — or
  ``是`` for any), OFFICE the receiving office (``OFFICE=US``; AN also takes another office's number, ``US12134151``).
- ``AND`` / ``OR`` / ``NOT`` (any case) or 与 / 或 / 非; adjacent terms are joined by AND; parentheses group;
  ``FIELD=(a OR b)`` applies the field to every term inside; a quoted phrase matches as written; a bare term
  searches title and abstract (TA).
- Full-width letters, digits, brackets and quotes are read as their half-width forms, one character for one, so
  positions in messages still point into what the person typed. Every error names its position, counted from 1.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, v_args
from lark.exceptions import VisitError

from ipstrong.ids import InvalidIdentifier
from ipstrong.ids.appno import FOREIGN_APPLICATION, ApplicationNumber
from ipstrong.ids.ipc import IpcSymbol
from ipstrong.messages import IpsError, Msg
from ipstrong.search.fields import FIELDS, Field

MAX_LENGTH = 2000


class QueryError(IpsError):
    """A query that cannot be read, with the position (from 1) where reading stopped."""

    def __init__(self, position: int, zh: str, en: str):
        super().__init__(Msg(f"第 {position} 个字符{zh}", f"{en} at position {position}"))
        self.position = position


# words a person types for the enumerated fields → the warehouse's values (CONVENTIONS.md)
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "TYPE": {
        "发明": ("invention",),
        "invention": ("invention",),
        "实用新型": ("utility_model",),
        "utility_model": ("utility_model",),
        "外观设计": ("design",),
        "design": ("design",),
    },
    "STATUS": {
        "有效": ("in_force",),
        "in_force": ("in_force",),
        "失效": ("lapsed", "expired", "invalidated", "rejected", "withdrawn"),
        "审中": ("pending",),
        "pending": ("pending",),
        "未缴年费": ("lapsed",),
        "lapsed": ("lapsed",),
        "期限届满": ("expired",),
        "expired": ("expired",),
        "无效": ("invalidated",),
        "invalidated": ("invalidated",),
        "驳回": ("rejected",),
        "rejected": ("rejected",),
        "撤回": ("withdrawn",),
        "withdrawn": ("withdrawn",),
    },
}


# --- the syntax tree -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """One field condition: ``value`` as typed (normalised), ``op`` one of = >= <= .., ``phrase`` when quoted."""

    field: str
    value: str
    op: str = "="
    upper: str | None = None  # the end of a range (op "..")
    phrase: bool = False
    position: int = 1


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Term | And | Or | Not


def render(node: Node) -> str:
    """The query text of a tree, fully parenthesised: ``parse(render(t))`` gives ``t`` back (positions aside)."""
    if isinstance(node, Term):
        value = '"' + node.value.replace('"', "") + '"' if node.phrase else node.value
        if node.op == "..":
            return f"{node.field}={node.value}..{node.upper}"
        return f"{node.field}{node.op}{value}"
    if isinstance(node, Not):
        return f"NOT ({render(node.item)})"
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(render(i) for i in node.items) + ")"


# --- reading -------------------------------------------------------------------------------------------------------
GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: not_expr (_AND? not_expr)*
?not_expr: _NOT not_expr -> negation
         | atom
?atom: "(" or_expr ")"
     | field_clause
     | value -> bare
field_clause: FIELD OP value
            | FIELD OP "(" or_expr ")" -> field_group
value: PHRASE | WORD
_OR.2: /(?i:OR)(?![^\s()"])/ | /或(?![^\s()"])/
_AND.2: /(?i:AND)(?![^\s()"])/ | /与(?![^\s()"])/
_NOT.2: /(?i:NOT)(?![^\s()"])/ | /非(?![^\s()"])/
FIELD.3: /[A-Za-z]+(?=(>=|<=|=))/
OP: ">=" | "<=" | "="
PHRASE: /"[^"]*"/
WORD: /[^\s()"=<>]+/
%ignore /\s+/
"""

_FULL_WIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20, 0x201C: 0x22, 0x201D: 0x22}


@cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def normalise(text: str) -> str:
    """Full-width ASCII, the ideographic space and curly double quotes as their plain forms, one for one."""
    return text.translate(_FULL_WIDTH)


def parse(text: str) -> Node:
    """The tree of a query, or a ``QueryError`` naming the position where it cannot be read."""
    if len(text) > MAX_LENGTH:
        raise QueryError(MAX_LENGTH + 1, "起检索式过长", f"the query is longer than {MAX_LENGTH} characters")
    for index, char in enumerate(text):
        if (ord(char) < 0x20 and char not in "\t\n\r") or 0x7F <= ord(char) < 0xA0:
            raise QueryError(index + 1, "是控制字符", "control character")
    plain = normalise(text)
    if not plain.strip():
        raise IpsError(Msg("检索式为空", "the query is empty"))
    _check_parentheses(plain)
    try:
        tree = _parser().parse(plain)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, plain) from None
    try:
        return _Build().transform(tree)
    except VisitError as exc:  # a value the builder refused: its own positioned error
        raise exc.orig_exc from None


def _check_parentheses(text: str) -> None:
    """Unbalanced parentheses, outside quotes, named at the parenthesis that has no partner."""
    opened: list[int] = []
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            opened.append(index)
        elif not quoted and char == ")":
            if not opened:
                raise QueryError(index + 1, "处的右括号没有对应的左括号", "unbalanced closing parenthesis")
            opened.pop()
    if quoted:
        raise QueryError(text.rindex('"') + 1, "处的引号没有闭合", "unclosed quotation mark")
    if opened:
        raise QueryError(opened[-1] + 1, "处的左括号没有闭合", "unclosed parenthesis")


def _syntax_error(exc: UnexpectedInput, text: str) -> QueryError:
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        return QueryError(len(text) + 1, "处检索式不完整", "the query ends too early")
    position = (exc.pos_in_stream or 0) + 1
    if text[position - 1 : position] in ("=", "<", ">"):
        return QueryError(position, "处缺少字段代码", "a field code is missing before the operator")
    if isinstance(exc, UnexpectedCharacters | UnexpectedToken):
        return QueryError(position, "处无法理解", "cannot read the query")
    return QueryError(position, "处无法理解", "cannot read the query")


DATE = re.compile(r"^(\d{4})-?(\d{1,2})-?(\d{1,2})$")


def _date(value: str, position: int) -> str:
    match = DATE.match(value)
    try:
        if not match:
            raise ValueError(value)
        return dt.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        raise QueryError(position, "起的日期无效", "invalid date") from None


def _value(field: Field, op: str, raw: str, phrase: bool, position: int) -> Term:
    """Check and normalise one field value (the position is where the value starts)."""
    if op != "=" and field.kind != "date":
        raise QueryError(position - len(op), f"处的 {op} 只能用于日期字段", f"{op} applies to date fields only")
    if field.kind == "date":
        if ".." in raw and op == "=":
            lower, _, upper = raw.partition("..")
            start, end = _date(lower, position), _date(upper, position + len(lower) + 2)
            if end < start:
                raise QueryError(position, "起的日期范围首尾颠倒", "the date range ends before it starts")
            return Term(field.code, start, "..", end, position=position)
        return Term(field.code, _date(raw, position), op, position=position)
    if field.kind == "entity":
        if not raw.isdigit():
            raise QueryError(position, "起的申请人实体编号无效（数字）", "invalid applicant entity id (digits)")
        return Term(field.code, raw, position=position)
    if field.kind == "code":
        if not re.fullmatch(r"[A-Za-z]{2}", raw):
            raise QueryError(position, "起的受理局代码无效（两个字母，如 CN、US）", "invalid office code (two letters: CN, US)")
        return Term(field.code, raw.upper(), position=position)
    if field.kind == "number" and field.code == "AN" and FOREIGN_APPLICATION.fullmatch(raw.upper()):
        return Term(field.code, raw.upper(), position=position)  # another office's number, kept as the warehouse keeps it
    if field.kind == "number" and field.code == "AN":
        try:
            return Term(field.code, ApplicationNumber.parse(raw).canonical, position=position)
        except InvalidIdentifier:
            raise QueryError(position, "起的申请号无效", "invalid application number") from None
    if field.kind == "number":
        return Term(field.code, raw.upper(), position=position)  # publication numbers are kept in capitals
    if field.kind == "ipc":
        try:
            symbol = IpcSymbol.parse(raw.rstrip("*")).canonical
        except InvalidIdentifier:
            raise QueryError(position, "起的分类号无效", "invalid IPC symbol") from None
        return Term(field.code, symbol + ("*" if raw.endswith("*") else ""), position=position)
    if field.kind == "enum":
        if raw not in ENUMS[field.code]:
            words = "、".join(ENUMS[field.code])
            raise QueryError(position, f"起的取值无效（可用：{words}）", f"unknown value (one of: {words})")
        return Term(field.code, raw, position=position)
    if field.kind == "sei":
        return Term(field.code, _sei(raw, position), position=position)
    if field.kind == "region":
        from ipstrong.reference.regions import by_code, regions

        level = "city" if field.code == "CITY" else "district"
        known = by_code().get(raw)
        if known is None or known.level != level:
            names = [r for r in regions() if r.level == level and r.status == "current" and raw in r.aliases]
            if not names:
                raise QueryError(position, "起的地区名称或代码未知", f"unknown {field.name_en}")
            known = names[0]
        return Term(field.code, known.code, position=position)
    return Term(field.code, raw, phrase=phrase, position=position)


SEI_ANY = ("是", "yes", "any")


def _sei(raw: str, position: int) -> str:
    """``yes`` for any SEI patent, else the industry or branch number a number or name stands for."""
    from ipstrong.reference.sei import sei_names

    if raw.lower() in SEI_ANY:
        return "yes"
    names = sei_names()
    if raw in names:
        return raw
    numbers = [number for number, name in names.items() if name == raw]
    if not numbers:
        raise QueryError(
            position,
            "起的战略性新兴产业未知：写 是、产业号（1–9）、分支号（如 1.5）或其名称",
            "unknown strategic emerging industry: write 是 (any), an industry (1–9) or branch number (1.5) or its name",
        )
    return numbers[0]


@v_args(meta=True)
class _Build(Transformer):
    """Parse tree → ``Node``; field values are checked here, each error at the value's own position."""

    def or_expr(self, _meta, items):
        return Or(tuple(items))

    def and_expr(self, _meta, items):
        return And(tuple(items))

    def negation(self, _meta, items):
        return Not(items[0])

    def value(self, _meta, items):
        token: Token = items[0]
        phrase = token.type == "PHRASE"
        return (token.value[1:-1] if phrase else token.value, phrase, token.start_pos + 1)

    def bare(self, _meta, items):
        raw, phrase, position = items[0]
        if not raw.strip():
            raise QueryError(position, "处的引号内为空", "empty quotation")
        return Term("TA", raw, phrase=phrase, position=position)

    def field_clause(self, _meta, items):
        field_token, op_token, (raw, phrase, position) = items
        return _value(_field(field_token), op_token.value, raw, phrase, position)

    def field_group(self, _meta, items):
        field_token, op_token, inner = items
        field = _field(field_token)
        if op_token.value != "=":
            raise QueryError(op_token.start_pos + 1, "处的括号组只能用 =", "a bracketed group takes = only")
        return _apply_field(inner, field)


def _field(token: Token) -> Field:
    field = FIELDS.get(token.value.upper())
    if field is None:
        raise QueryError(token.start_pos + 1, f"起的字段 {token.value} 未知", f"unknown field {token.value}")
    return field


def _apply_field(node: Node, field: Field) -> Node:
    """``TI=(a OR b)``: the field given to every bare term inside (those that name their own field keep it)."""
    if isinstance(node, Term):
        if node.field != "TA" or node.op != "=":
            return node
        return _value(field, "=", node.value, node.phrase, node.position)
    if isinstance(node, Not):
        return Not(_apply_field(node.item, field))
    return type(node)(tuple(_apply_field(i, field) for i in node.items))
