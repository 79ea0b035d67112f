"""USPTO full-text XML (the ICE DTDs v4.0–v4.5 of 2004 on: ``us-patent-grant`` and ``us-patent-application``).

A weekly file is many XML documents one after another, each with its own declaration; they are split at the
declarations and parsed one by one with a hardened lxml parser: no DTD loaded, no entity resolved, no network, no
huge trees — and a document that declares entities at all is refused, as is one whose bytes do not fit the encoding
it declares. Each good document becomes one row of canonical columns (``office`` US, ``app_no`` US + the
application number, dates, title, abstract, first claim and claims count, assignees or else applicants — typed
``individual`` where the first is a person —, inventors, the first party's address, IPC, the attorney firm (or the
correspondence addressee) and the attorneys who are persons, the priority claims); a bad one becomes a reject
that names its document number within the file and the line it starts on.

Formats of a real sample in ../shared/data/uspto-xml-samples; the 2001 pre-grant (v1.5) and 2002 SGML-era files
have other DTDs and are refused as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ipstrong.ingest.xmlsafe import documents, parse_document, parser, text_of
from ipstrong.messages import Msg

__all__ = ["COLUMNS", "documents", "parse", "parser", "sniff"]

ROOTS = (b"us-patent-grant", b"us-patent-application")
COLUMNS = (
    "office", "app_no", "app_date", "pub_no", "pub_date", "grant_date", "patent_type", "title", "abstract", "claims",
    "claims_count", "applicants", "applicant_type", "inventors", "address", "ipc_main", "ipc_all", "agency", "agents",
    "priority",
)  # fmt: skip
PATENT_TYPES = {"utility": "invention", "design": "design"}  # plant, reissue, SIR: not types the warehouse holds
_IPC = re.compile(r"([A-H]\d\d[A-Z])\s*0*(\d{1,4})\s*/\s*(\d{2,6})")


def sniff(head: bytes) -> bool:
    """Whether the first bytes are a USPTO ICE document."""
    return head.lstrip(b"\xef\xbb\xbf \r\n").startswith(b"<?xml") and any(root in head for root in ROOTS)


@dataclass
class Parsed:
    row: dict[str, str | None] | None
    reason: Msg | None


def parse(document: bytes, xml_parser: etree.XMLParser) -> Parsed:
    """One document → its row, or the reason it is refused."""
    root, refused = parse_document(document, xml_parser)
    if root is None:
        return Parsed(None, refused)
    if root.tag not in ("us-patent-grant", "us-patent-application"):
        return Parsed(None, Msg(f"不是 USPTO ICE 文档（根元素 {root.tag}）", f"not a USPTO ICE document (root {root.tag})"))
    return Parsed(_row(root), None)


def _first(root: etree._Element, path: str) -> str | None:
    found = root.find(path)
    return text_of(found)


def _party_name(book: etree._Element) -> str | None:
    org = _first(book, "orgname")
    if org:
        return org
    person = " ".join(p for p in (_first(book, "first-name"), _first(book, "last-name")) if p)
    return person or None


def _is_person(book: etree._Element) -> bool:
    return not _first(book, "orgname") and bool(_first(book, "last-name") or _first(book, "first-name"))


def _priority(bib: etree._Element) -> str | None:
    """``JP2008-148514 2008-06-05; …``: each claimed priority's office, number and date."""
    claims = []
    for claim in bib.iterfind("priority-claims/priority-claim"):
        date = _first(claim, "date") or ""
        day = f"{date[:4]}-{date[4:6]}-{date[6:8]}" if len(date) == 8 else date
        claims.append(" ".join(p for p in ((_first(claim, "country") or "") + (_first(claim, "doc-number") or ""), day) if p))
    return "; ".join(c for c in claims if c) or None


def _representatives(bib: etree._Element) -> tuple[str | None, str | None]:
    """(the agency: the first attorney firm, else the correspondence addressee; the agents who are persons)."""
    books = [b for b in bib.iterfind(".//agents/agent/addressbook")]
    firm = next((_first(b, "orgname") for b in books if _first(b, "orgname")), None)
    persons = [n for b in books if _is_person(b) and (n := _party_name(b))]
    correspondence = _first(bib, ".//correspondence-address/addressbook/name") or _first(
        bib, ".//correspondence-address/addressbook/orgname"
    )
    return firm or correspondence, ";".join(persons) or None


def _address(book: etree._Element) -> str | None:
    parts = [_first(book, f"address/{f}") for f in ("city", "state", "country")]
    return ", ".join(p for p in parts if p) or None


def _ipc(root: etree._Element) -> list[str]:
    codes: list[str] = []
    for c in root.iterfind(".//classifications-ipcr/classification-ipcr"):
        sub = "".join(_first(c, f) or "" for f in ("section", "class", "subclass"))
        codes.append(f"{sub}{_first(c, 'main-group')}/{_first(c, 'subgroup')}")
    for node in root.iterfind(".//classification-ipc/*"):  # v4.0–4.1: G06F015/00 in main- and further-classification
        match = _IPC.search(text_of(node) or "")
        if match:
            codes.append(f"{match.group(1)}{int(match.group(2))}/{match.group(3)}")
    return list(dict.fromkeys(codes))


def _row(root: etree._Element) -> dict[str, str | None]:
    bib = root.find("us-bibliographic-data-grant")
    if bib is None:
        bib = root.find("us-bibliographic-data-application")
    bib = bib if bib is not None else root
    grant = root.tag == "us-patent-grant"
    app = bib.find("application-reference")
    appl_type = app.get("appl-type", "") if app is not None else ""
    books = {
        kind: [b for b in bib.iterfind(f".//{path}/addressbook")]
        for kind, path in (
            ("assignees", "assignees/assignee"),
            ("applicants", "us-applicants/us-applicant"),
            ("old_applicants", "applicants/applicant"),
            ("inventors", "inventors/inventor"),
        )
    }
    owners = books["assignees"] or books["applicants"] or books["old_applicants"]
    inventors = books["inventors"] or [b for b in books["old_applicants"]]
    ipc = _ipc(bib)
    pub_kind = _first(bib, "publication-reference/document-id/kind") or ""
    pub_date = _first(bib, "publication-reference/document-id/date")
    claims = root.findall(".//claims/claim")
    app_number = _first(bib, "application-reference/document-id/doc-number") or ""
    agency, agents = _representatives(bib)
    return {
        "office": "US",
        "app_no": "US" + re.sub(r"[^0-9A-Z]", "", app_number.upper()) if app_number else None,
        "app_date": _first(bib, "application-reference/document-id/date"),
        "pub_no": "US" + (_first(bib, "publication-reference/document-id/doc-number") or "").lstrip("0") + pub_kind,
        "pub_date": pub_date,
        "grant_date": pub_date if grant else None,
        "patent_type": PATENT_TYPES.get(appl_type, appl_type or None),
        "title": _first(bib, "invention-title"),
        "abstract": _first(root, "abstract"),
        "claims": text_of(claims[0]) if claims else None,
        "claims_count": _first(bib, "number-of-claims") or (str(len(claims)) if claims else None),
        "applicants": ";".join(n for b in owners if (n := _party_name(b))) or None,
        # a person, not an organisation: the name rule (made for Chinese names) cannot tell "SMITH JOHN" from a firm
        "applicant_type": "individual" if owners and _is_person(owners[0]) else None,
        "inventors": ";".join(n for b in inventors if (n := _party_name(b))) or None,
        "address": _address(owners[0]) if owners else None,
        "ipc_main": ipc[0] if ipc else None,
        "ipc_all": ";".join(ipc) or None,
        "agency": agency,
        "agents": agents,
        "priority": _priority(bib),
    }
