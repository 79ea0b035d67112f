"""Reading XML that comes from outside: the hardened parser and the checks made before a document is parsed.

Nothing outside a document is ever read (no DTD, no network) and no entity is ever expanded; a document that
declares entities is refused outright, and so is one whose bytes do not fit the encoding it declares (or that
declares a single-byte encoding over UTF-8 text — a declaration that lies).
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from lxml import etree

from ipstrong.messages import Msg

_DECLARED = re.compile(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")


def parser() -> etree.XMLParser:
    """The hardened parser: nothing outside the document is ever read, no entity is ever expanded."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )  # fmt: skip


def refusal(document: bytes) -> Msg | None:
    """Why ``document`` (a whole document in memory) must not be parsed, or None."""
    encoding = declared_encoding(document[:4096])
    return entity_refusal(document) or encoding_refusal([document], encoding) or lie_refusal(document, encoding)


def parse_document(document: bytes, xml_parser: etree.XMLParser) -> tuple[etree._Element | None, Msg | None]:
    """(the document's root, None), or (None, why it is not parsed): refused for safety, or malformed."""
    refused = refusal(document)
    if refused is not None:
        return None, refused
    try:
        return etree.fromstring(document, xml_parser), None
    except etree.XMLSyntaxError as exc:
        return None, Msg(f"XML 不完整或格式错误：{exc}", f"truncated or malformed XML: {exc}")


def declared_encoding(head: bytes) -> str:
    """The encoding the XML declaration names (UTF-8 when it names none)."""
    declared = _DECLARED.search(head)
    return declared.group(1).decode().lower() if declared else "utf-8"


def entity_refusal(head: bytes) -> Msg | None:
    """A document type declaration that declares entities, or one that does not end within ``head`` (the start of
    the document). Its end is found by reading it as the parser would — quoted strings and comments skipped — so a
    ``"]>"`` inside an attribute default cannot end it early."""
    start = head.find(b"<!DOCTYPE", 0, 4096)
    if start < 0:
        return None
    end = _doctype_end(head, start)
    if end is None or b"<!ENTITY" in head[start:end]:
        return Msg(
            "文档含实体声明，出于安全不予解析（专利数据文档不需要实体声明）",
            "the document declares entities and is not parsed, for safety (patent data documents need none)",
        )
    return None


def _doctype_end(data: bytes, start: int) -> int | None:
    """The index just past the ``>`` that closes the document type declaration at ``start``, or None."""
    depth, quote, i = 0, None, start + len(b"<!DOCTYPE")
    while i < len(data):
        c = data[i : i + 1]
        if quote:
            quote = None if c == quote else quote
        elif data.startswith(b"<!--", i):
            close = data.find(b"-->", i + 4)
            if close < 0:
                return None
            i = close + 2
        elif c in (b'"', b"'"):
            quote = c
        elif c == b"[":
            depth += 1
        elif c == b"]":
            depth -= 1
        elif c == b">" and depth <= 0:
            return i + 1
        i += 1
    return None


def encoding_refusal(chunks: Iterable[bytes], encoding: str) -> Msg | None:
    """Bytes that do not decode in the declared encoding, read chunk by chunk (a file need not fit in memory)."""
    try:
        decoder = codecs.getincrementaldecoder(codecs.lookup(encoding).name)()
    except LookupError:
        return Msg(f"未知的编码声明 {encoding}", f"unknown declared encoding {encoding}")
    done = 0
    try:
        for chunk in chunks:
            decoder.decode(chunk)
            done += len(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return Msg(
            f"内容与声明的编码 {encoding} 不符（第 {done + exc.start} 字节）",
            f"the bytes do not match the declared encoding {encoding} (byte {done + exc.start})",
        )
    return None


def lie_refusal(sample: bytes, encoding: str) -> Msg | None:
    """A single-byte encoding declared over UTF-8 text: the declaration lies (``sample`` whole characters)."""
    if codecs.lookup(encoding).name == "utf-8":
        return None
    try:
        text = sample.decode(encoding)
        if not text.isascii() and sample.decode("utf-8") != text:
            return Msg(f"声明为 {encoding}，实为 UTF-8 文本", f"declares {encoding} but the text is UTF-8: the declaration lies")
    except UnicodeDecodeError:
        pass
    return None


def text_of(node: etree._Element | None) -> str | None:
    """The element's text with its children's, spaces collapsed; None when empty."""
    if node is None:
        return None
    text = " ".join("".join(node.itertext()).split())
    return text or None


def documents(source: Path | bytes) -> Iterator[tuple[int, int, bytes]]:
    """(document number from 1, line it starts on, its bytes) for each XML document of a file or of bytes that hold
    one or several documents one after another, each with its own declaration (a USPTO weekly file)."""
    number, start, buffer = 0, 1, bytearray()
    with source.open("rb") if isinstance(source, Path) else io.BytesIO(source) as fh:
        for line_no, line in enumerate(fh, start=1):
            # a declaration starts a document; a processing instruction (<?xml-stylesheet …?>) does not
            if line.startswith(b"<?xml") and line[5:6].isspace() and buffer.strip():
                number += 1
                yield number, start, bytes(buffer)
                buffer.clear()
                start = line_no
            if not buffer and not line.strip():
                start = line_no + 1
                continue
            buffer += line
    if buffer.strip():
        yield number + 1, start, bytes(buffer)
