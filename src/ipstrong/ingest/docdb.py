"""EPO exchange-format XML (DOCDB): the bibliographic records of EPO OPS ``published-data`` responses and of DOCDB
files, one ``exchange-document`` per publication, in the namespace http://www.epo.org/exchange.

The file is streamed (``iterparse`` with the hardened settings of ``ingest.xmlsafe``) after its head is checked for
entity declarations and its bytes against the declared encoding. A CN publication seen through DOCDB becomes a CN
record (its original application number carries the check digit, so the CN rules apply to it); any other office's
becomes a record of that office (``app_no`` = office + DOCDB application number, ``EP13844704``; a US one its
original number, USPTO's series form ``US15044813``, the number ICE XML gives). Documents without
bibliographic data (claims, description, images) are not records. A file cut off part-way keeps the records read
before the break; the break itself is a reject naming its line.

Real samples: ../shared/data/epo-ops-docdb-xml-samples (OPS 3.2 responses recorded by patent_client).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from lxml import etree

from ipstrong.ingest.xmlsafe import declared_encoding, encoding_refusal, entity_refusal, lie_refusal, text_of
from ipstrong.messages import Msg

NS = "{http://www.epo.org/exchange}"
COLUMNS = (
    "office", "app_no", "app_date", "pub_no", "pub_date", "grant_date", "patent_type", "title", "abstract",
    "applicants", "inventors", "ipc_main", "ipc_all", "priority",
)  # fmt: skip
_IPC = re.compile(r"([A-H]\d\d[A-Z])\s*0*(\d{1,4})\s*/\s*(\d{1,6})")
_TITLE_LANGS = ("zh", "en", "de", "fr")


def sniff(head: bytes) -> bool:
    """Whether the first bytes are EPO exchange-format XML."""
    return head.lstrip(b"\xef\xbb\xbf \r\n").startswith(b"<?xml") and b"http://www.epo.org/exchange" in head


def check(path: Path) -> Msg | None:
    """Entity declarations in the head, bytes that do not fit the declared encoding (streamed, whole file)."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
        encoding = declared_encoding(head)
        whole = head[: head.rfind(b">") + 1]  # whole characters for the lie test: ">" never ends inside one
        return (
            entity_refusal(head)
            or encoding_refusal(chain([head], iter(lambda: fh.read(1 << 22), b"")), encoding)
            or lie_refusal(whole, encoding)
        )


def records(path: Path) -> Iterator[tuple[int, dict[str, str | None] | None, Msg | None]]:
    """(line, row, None) per bibliographic record, or (line, None, reason) where the file breaks off."""
    events = etree.iterparse(
        str(path), events=("end",), tag=f"{NS}exchange-document", resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
    )  # fmt: skip
    try:
        for _event, element in events:
            line = element.sourceline or 0
            if element.find(f"{NS}bibliographic-data") is not None:
                yield line, _row(element), None
            element.clear(keep_tail=True)
    except etree.XMLSyntaxError as exc:
        yield exc.lineno or 0, None, Msg(f"XML 在此中断或格式错误：{exc}", f"the XML breaks off or is malformed here: {exc}")


def _doc_id(parent: etree._Element | None, kind: str, field: str) -> str | None:
    if parent is None:
        return None
    return text_of(parent.find(f"{NS}document-id[@document-id-type='{kind}']/{NS}{field}"))


def _names(bib: etree._Element, role: str) -> list[str]:
    """Names in their original form where given (Chinese for a CN record), else as DOCDB writes them."""
    for fmt in ("original", "docdb"):
        found = [
            text_of(n) for n in bib.iterfind(f"{NS}parties/{NS}{role}s/{NS}{role}[@data-format='{fmt}']/{NS}{role}-name/{NS}name")
        ]
        names = [n.strip(" ,") for n in found if n]
        if names:
            return names
    return []


def _by_language(bib: etree._Element, path: str) -> str | None:
    nodes = list(bib.iterfind(path))
    for lang in _TITLE_LANGS:
        for node in nodes:
            if node.get("lang") == lang and text_of(node):
                return text_of(node)
    return text_of(nodes[0]) if nodes else None


def _row(document: etree._Element) -> dict[str, str | None]:
    bib = document.find(f"{NS}bibliographic-data")
    assert bib is not None
    office = (document.get("country") or "").upper()
    kind = (document.get("kind") or "").upper()
    publication = bib.find(f"{NS}publication-reference")
    application = bib.find(f"{NS}application-reference")
    docdb_app = _doc_id(application, "docdb", "doc-number")
    if office == "CN":  # the original number carries the check digit; the CN rules check it
        app_no = _doc_id(application, "original", "doc-number") or docdb_app
        patent_type = None
    else:
        # a US application's original number is USPTO's series form (15044813, as ICE XML gives it), DOCDB's is not
        # (201615044813): the original lets the two sources meet on one record
        original = _doc_id(application, "original", "doc-number") if office == "US" else None
        number = re.sub(r"[^0-9A-Z]", "", original.upper()) if original else docdb_app
        app_no = f"{office}{number}" if number else None
        patent_type = "utility_model" if kind.startswith("U") else "design" if kind.startswith("S") else "invention"
    ipc = []
    for node in bib.iterfind(f"{NS}classifications-ipcr/{NS}classification-ipcr/{NS}text"):
        match = _IPC.search(text_of(node) or "")
        if match:
            ipc.append(f"{match.group(1)}{int(match.group(2))}/{match.group(3)}")
    ipc = list(dict.fromkeys(ipc))
    pub_date = _doc_id(publication, "docdb", "date") or _doc_id(publication, "epodoc", "date")
    priority = bib.find(f"{NS}priority-claims/{NS}priority-claim")
    return {
        "office": office,
        "app_no": app_no,
        "app_date": _doc_id(application, "docdb", "date") or _doc_id(application, "epodoc", "date"),
        "pub_no": f"{office}{document.get('doc-number')}{kind}",
        "pub_date": pub_date,
        # a grant publication (EP B, US B, CA C, RU C …) dates the grant; CN kinds are read by the CN rules
        "grant_date": pub_date if office != "CN" and kind[:1] in ("B", "C") else None,
        "patent_type": patent_type,
        "title": _by_language(bib, f"{NS}invention-title"),
        "abstract": _by_language(document, f"{NS}abstract"),
        "applicants": ";".join(_names(bib, "applicant")) or None,
        "inventors": ";".join(_names(bib, "inventor")) or None,
        "ipc_main": ipc[0] if ipc else None,
        "ipc_all": ";".join(ipc) or None,
        "priority": _doc_id(priority, "epodoc", "doc-number") if priority is not None else None,
    }
