"""Reading XML that comes from outside: the hardened parser and the checks made before a document is parsed.

Nothing outside a document is ever read (no DTD, no network) and no entity is ever expanded; a document that
declares entities is refused outright, and so is one whose bytes do not fit the encoding it declares (or that
declares a single-byte encoding over UTF-8 text — a declaration that lies).
"""

from __future__ import annotations

import codecs
import re

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
    """Why ``document`` must not be parsed, or None."""
    head = document[:4096]
    if b"<!DOCTYPE" in head and b"<!ENTITY" in document.split(b"]>", 1)[0]:
        return Msg(
            "文档含实体声明，出于安全不予解析（专利数据文档不需要实体声明）",
            "the document declares entities and is not parsed, for safety (patent data documents need none)",
        )
    declared = _DECLARED.search(head)
    encoding = declared.group(1).decode().lower() if declared else "utf-8"
    try:
        text = document.decode(codecs.lookup(encoding).name)
    except LookupError:
        return Msg(f"未知的编码声明 {encoding}", f"unknown declared encoding {encoding}")
    except UnicodeDecodeError as exc:
        return Msg(
            f"内容与声明的编码 {encoding} 不符（第 {exc.start} 字节）",
            f"the bytes do not match the declared encoding {encoding} (byte {exc.start})",
        )
    if codecs.lookup(encoding).name != "utf-8" and not text.isascii():
        try:
            if document.decode("utf-8") != text:
                return Msg(
                    f"声明为 {encoding}，实为 UTF-8 文本", f"declares {encoding} but the text is UTF-8: the declaration lies"
                )
        except UnicodeDecodeError:
            pass
    return None


def text_of(node: etree._Element | None) -> str | None:
    """The element's text with its children's, spaces collapsed; None when empty."""
    if node is None:
        return None
    text = " ".join("".join(node.itertext()).split())
    return text or None
