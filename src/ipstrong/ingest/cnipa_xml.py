"""CNIPA's own XML: the current ``business:PatentDocumentAndRelated`` format (XSD V2.2.1, namespaces
``http://www.sipo.gov.cn/XMLSchema/base`` and ``…/business``) and the older ``cn-patent-document`` format.

One document is one publication. Each becomes one row of canonical columns: the application number as printed
(the new format also gives CNIPA's 15-digit standard form, used only where the printed one is missing), dates, the
title, abstract, first claim and claims count, applicants and inventors, the first applicant's address text and —
new format — its structured province, city and county (``0`` means empty), the IPC codes, the agency with its
five-digit code, the agents, the priority claims and the PCT filing and publication. Documents are parsed with the
hardened parser of ``ingest.xmlsafe``; real samples in ../shared/data/cnipa-xml-samples.
"""

from __future__ import annotations

import re

from lxml import etree

from ipstrong.ingest.xmlsafe import parse_document, text_of
from ipstrong.messages import Msg

BASE = "{http://www.sipo.gov.cn/XMLSchema/base}"
BUSINESS = "{http://www.sipo.gov.cn/XMLSchema/business}"
NEW_ROOT, OLD_ROOT = f"{BUSINESS}PatentDocumentAndRelated", "cn-patent-document"
ROOTS = (b"PatentDocumentAndRelated", b"cn-patent-document")
COLUMNS = (
    "office", "app_no", "app_date", "pub_no", "pub_date", "grant_date", "patent_type", "title", "abstract", "claims",
    "claims_count", "applicants", "inventors", "address", "applicant_region", "ipc_main", "ipc_all", "agency", "agents",
    "priority", "pct_application", "pct_publication",
)  # fmt: skip
# the publication's kind decides the type and whether the publication is the grant (ZC 0008-2004)
KIND_TYPES = {"A": "发明", "B": "发明", "C": "发明", "U": "实用新型", "Y": "实用新型", "S": "外观设计", "D": "外观设计"}
GRANT_KINDS = ("B", "C", "U", "Y", "S")
_IPC = re.compile(r"([A-H]\d\d[A-Z])\s*0*(\d{1,4})\s*/\s*(\d{2,6})")
_POSTCODE = re.compile(r"^\s*\d{6}\s*")
NEW_TAGS = (f"{BASE}WIPOST3Code", f"{BASE}DocNumber", f"{BASE}Date")
OLD_TAGS = ("country", "doc-number", "date")


def sniff(head: bytes) -> bool:
    """Whether the first bytes are a CNIPA XML document (either format)."""
    return head.lstrip(b"\xef\xbb\xbf \r\n").startswith(b"<?xml") and any(b"<" + r in head or b":" + r in head for r in ROOTS)


def parse(document: bytes, xml_parser: etree.XMLParser) -> tuple[dict[str, str | None] | None, Msg | None]:
    """One document → (its row, None) or (None, the reason it is refused)."""
    root, refused = parse_document(document, xml_parser)
    if root is None:
        return None, refused
    if root.tag == NEW_ROOT:
        return _new_row(root), None
    if root.tag == OLD_ROOT:
        return _old_row(root), None
    return None, Msg(f"不是 CNIPA 专利文献 XML（根元素 {root.tag}）", f"not a CNIPA patent document (root {root.tag})")


def _date(value: str | None) -> str | None:
    value = (value or "").strip()
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if re.fullmatch(r"\d{8}", value) and value != "00000000" else None


def _joined(values: list[str | None], sep: str = ";") -> str | None:
    return sep.join(dict.fromkeys(v for v in values if v)) or None


def _ipc_codes(texts: list[str | None]) -> list[str]:
    codes = []
    for text in texts:
        match = _IPC.search(text or "")
        if match:
            codes.append(f"{match.group(1)}{int(match.group(2))}/{match.group(3)}")
    return list(dict.fromkeys(codes))


def _claims(claims: list[etree._Element]) -> tuple[str | None, str | None]:
    """(the first claim's text, how many claims)."""
    return (text_of(claims[0]) if claims else None), (str(len(claims)) if claims else None)


def _publication(country: str | None, number: str | None, kind: str | None, date: str | None) -> str | None:
    """``WO2021/173713 2021-09-02`` — a reference as the office writes it, with its date."""
    if not number:
        return None
    return " ".join(p for p in ((country or "") + number + (kind or ""), _date(date)) if p)


def _place_word(value: str | None) -> str | None:
    value = (value or "").strip()
    return None if value in ("", "0") else value


def _row(
    *,
    app_no: str | None,
    app_date: str | None,
    pub: tuple[str | None, str | None, str | None],
    **fields: str | None,
) -> dict[str, str | None]:
    number, kind, date = pub
    kind = (kind or "").strip().upper()[:1]
    return {
        "office": "CN",
        "app_no": app_no,
        "app_date": _date(app_date),
        "pub_no": f"CN{number}{kind}" if number else None,
        "pub_date": _date(date),
        "grant_date": _date(date) if kind in GRANT_KINDS else None,
        "patent_type": KIND_TYPES.get(kind),
        **fields,
    }


def _new_row(root: etree._Element) -> dict[str, str | None]:
    b, s = BASE, BUSINESS
    bib = root.find(f"{s}BibliographicData")
    bib = bib if bib is not None else root

    def ref(tag: str, fmt: str) -> etree._Element | None:
        return next((r for r in bib.iterfind(f"{s}{tag}") if r.get("dataFormat") == fmt), None)

    app = ref("ApplicationReference", "original")
    standard = ref("ApplicationReference", "standard")
    filed = app if app is not None else standard  # either reference carries the filing date
    pub = ref("PublicationReference", "original")
    pub = pub if pub is not None else ref("PublicationReference", "standard")
    applicants = bib.findall(f"{s}Parties/{s}ApplicantDetails/{s}Applicant/{b}AddressBook")
    first_address = applicants[0].find(f"{b}Address") if applicants else None
    region = (
        "".join(w for f in ("Province", "City", "County") if (w := _place_word(first_address.findtext(f"{b}{f}"))))
        if first_address is not None
        else ""
    )
    agents = bib.findall(f"{s}Parties/{s}AgentDetails/{s}Agent")
    first_claim, claims_count = _claims(root.findall(f"{s}Claims/{s}Claim"))
    ipc = _ipc_codes([text_of(c.find(f"{b}Text")) for c in bib.iterfind(f"{s}ClassificationIPCRDetails/{s}ClassificationIPCR")])
    pct_app = bib.find(f"{s}PCTOrRegionalApplicationData/{b}DocumentID")
    pct_pub = bib.find(f"{s}PCTOrRegionalPublishingData/{b}DocumentID")
    return _row(
        app_no=app.findtext(f"{b}DocumentID/{b}DocNumber") if app is not None else _standard_number(standard),
        app_date=filed.findtext(f"{b}DocumentID/{b}Date") if filed is not None else None,
        pub=(
            (
                pub.findtext(f"{b}DocumentID/{b}DocNumber"),
                pub.findtext(f"{b}DocumentID/{b}Kind"),
                pub.findtext(f"{b}DocumentID/{b}Date"),
            )
            if pub is not None
            else (root.get("docNumber"), root.get("kind"), root.get("datePublication"))
        ),
        title=text_of(bib.find(f"{s}InventionTitle")),
        abstract=text_of(root.find(f"{s}Abstract")),
        claims=first_claim,
        claims_count=claims_count,
        applicants=_joined([a.findtext(f"{b}Name") for a in applicants]),
        inventors=_joined(
            [i.findtext(f"{b}Name") for i in bib.iterfind(f"{s}Parties/{s}InventorDetails/{s}Inventor/{b}AddressBook")]
        ),
        address=_address_text(first_address.findtext(f"{b}Text") if first_address is not None else None),
        applicant_region=region or None,
        ipc_main=ipc[0] if ipc else None,
        ipc_all=";".join(ipc) or None,
        agency=next((text_of(a.find(f"{s}Agency/{b}AddressBook/{b}OrganizationName")) for a in agents), None),
        agents=_joined([a.findtext(f"{b}AddressBook/{b}Name") for a in agents]),
        priority=_joined(
            [
                _publication(
                    p.findtext(f"{b}WIPOST3Code"), (p.findtext(f"{b}DocNumber") or "").strip(), None, p.findtext(f"{b}Date")
                )
                for p in bib.iterfind(f"{s}PriorityDetails/{s}Priority")
                if p.get("dataFormat", "original") == "original"
            ],
            "; ",
        ),
        pct_application=_document(pct_app, NEW_TAGS),
        pct_publication=_document(pct_pub, NEW_TAGS, wipo=True),
    )


def _document(node: etree._Element | None, tags: tuple[str, str, str], wipo: bool = False) -> str | None:
    """A PCT filing (``PCT/US2021/019468 2021-02-24``) or publication (``WO2021/173713 2021-09-02``): ``tags`` are
    the format's (country, number, date) element names."""
    if node is None:
        return None
    country, number, date = (node.findtext(t) for t in tags)
    return _publication(country if wipo else None, number, None, date)


def _standard_number(ref: etree._Element | None) -> str | None:
    """CNIPA's 15-digit standard application number (``102021000991218``: type digit, 0, year, nine-digit serial)
    as the printed number's body (``202110991218``): the pipeline adds and checks the check digit."""
    number = ref.findtext(f"{BASE}DocumentID/{BASE}DocNumber") if ref is not None else None
    if not number or not re.fullmatch(r"\d{15}", number):
        return number
    return number[2:6] + number[0] + number[-7:]


def _address_text(text: str | None) -> str | None:
    """The address as written, without the postcode CNIPA prints before it."""
    text = _POSTCODE.sub("", text or "").strip()
    return text or None


def _old_row(root: etree._Element) -> dict[str, str | None]:
    bib = root.find("cn-bibliographic-data")
    bib = bib if bib is not None else root
    applicants = bib.findall("cn-parties/cn-applicants/cn-applicant/addressbook")
    agents = bib.findall("cn-parties/cn-agents/cn-agent")
    first_claim, claims_count = _claims(root.findall(".//claims/claim"))
    ipc = _ipc_codes([text_of(c.find("text")) for c in bib.iterfind("classifications-ipcr/classification-ipcr")])
    pct_app = bib.find("pct-or-regional-filing-data/document-id")
    pct_pub = bib.find("pct-or-regional-publishing-data/document-id")
    return _row(
        app_no=bib.findtext("application-reference/document-id/doc-number"),
        app_date=bib.findtext("application-reference/document-id/date"),
        pub=(
            bib.findtext("cn-publication-reference/document-id/doc-number"),
            bib.findtext("cn-publication-reference/document-id/kind"),
            bib.findtext("cn-publication-reference/document-id/date"),
        ),
        title=text_of(bib.find("invention-title")),
        abstract=text_of(bib.find("abstract")),
        claims=first_claim,
        claims_count=claims_count,
        applicants=_joined([a.findtext("name") for a in applicants]),
        inventors=_joined([text_of(i.find("name")) for i in bib.iterfind("cn-parties/cn-inventors/cn-inventor")]),
        address=_address_text(applicants[0].findtext("address/text")) if applicants else None,
        applicant_region=None,
        ipc_main=ipc[0] if ipc else None,
        ipc_all=";".join(ipc) or None,
        agency=next((text_of(a.find("cn-agency/name")) for a in agents), None),
        agents=_joined([a.findtext("name") for a in agents]),
        priority=_joined(
            [
                _publication(p.findtext("country"), (p.findtext("doc-number") or "").strip(), None, p.findtext("date"))
                for p in bib.iterfind("priority-claims/priority-claim")
            ],
            "; ",
        ),
        pct_application=_document(pct_app, OLD_TAGS),
        pct_publication=_document(pct_pub, OLD_TAGS, wipo=True),
    )
