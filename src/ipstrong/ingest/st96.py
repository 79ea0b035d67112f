"""WIPO Standard ST.96 (version 6.0), the XML offices exchange IP data in: patent publications and design applications
become ``patents`` rows, trademark applications ``trademarks`` rows; another ST.96 document (a geographical
indication, an opposition …) is refused naming the kinds read.

Names are matched on their ST.96 namespaces (``http://www.wipo.int/standards/XMLSchema/ST96/…``), so a prefix other
than WIPO's examples' (``pat:``, ``dgn:``, ``tmk:``, ``com:``) reads the same. Documents are parsed with the hardened
parser of ``ingest.xmlsafe``; WIPO's example instances are in ../shared/data/wipo-st96-examples.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from ipstrong.ingest.xmlsafe import parse_document, text_of
from ipstrong.messages import Msg

NS = "http://www.wipo.int/standards/XMLSchema/ST96/"
COM, PAT, DGN, TMK, GIN = (f"{{{NS}{part}}}" for part in ("Common", "Patent", "Design", "Trademark", "GeographicalIndication"))
PATENT_COLUMNS = (
    "office", "app_no", "app_date", "pub_no", "pub_date", "grant_date", "patent_type", "title", "abstract", "claims",
    "claims_count", "applicants", "applicant_type", "inventors", "ipc_main", "ipc_all", "agency", "priority",
)  # fmt: skip
TRADEMARK_COLUMNS = (
    "reg_no", "mark_name", "owner", "owner_address", "nice_classes", "app_date", "reg_date", "expiry_date", "status_raw",
)  # fmt: skip
GI_COLUMNS = (
    "gi_no", "name", "name_translation", "office", "category", "product_classes", "region_text", "applicant",
    "authorized_users", "app_date", "reg_date", "status_raw",
)  # fmt: skip
# the document kinds read: root element → (the file kind it feeds, its columns)
KINDS = {
    f"{PAT}PatentPublication": ("patents", PATENT_COLUMNS),
    f"{DGN}DesignApplication": ("patents", PATENT_COLUMNS),
    f"{TMK}TrademarkApplication": ("trademarks", TRADEMARK_COLUMNS),
    f"{GIN}GIApplication": ("gi", GI_COLUMNS),
}
KINDS_READ = Msg(
    "可读的 ST.96 文档：专利公布（PatentPublication）、外观设计申请（DesignApplication）、商标申请（TrademarkApplication）、"
    "地理标志申请（GIApplication）",
    "ST.96 documents read: PatentPublication, DesignApplication, TrademarkApplication, GIApplication",
)
SUBJECT_TYPES = {"utility": "invention", "design": "design"}  # plant, reissue: not types the warehouse holds


def sniff(head: bytes) -> bool:
    """Whether the first bytes are an ST.96 document."""
    return head.lstrip(b"\xef\xbb\xbf \r\n").startswith(b"<?xml") and NS.encode() in head


def root_of(document: bytes, xml_parser: etree.XMLParser) -> tuple[etree._Element | None, Msg | None]:
    """The parsed document, or why it is refused (unsafe, malformed, or a kind not read)."""
    root, refused = parse_document(document, xml_parser)
    if root is None:
        return None, refused
    if root.tag not in KINDS:
        name = etree.QName(root).localname
        return None, Msg(
            f"不可读的 ST.96 文档（{name}）。{KINDS_READ.zh}", f"an ST.96 document not read ({name}). {KINDS_READ.en}"
        )
    return root, None


def row(root: etree._Element) -> dict[str, str | None]:
    """The canonical row of a document :func:`root_of` accepted."""
    if root.tag == f"{TMK}TrademarkApplication":
        return _trademark(root)
    if root.tag == f"{GIN}GIApplication":
        return _gi(root)
    return _design(root) if root.tag == f"{DGN}DesignApplication" else _patent(root)


def _text(node: etree._Element | None, path: str) -> str | None:
    return text_of(node.find(path)) if node is not None else None


def _name(contact: etree._Element) -> str | None:
    """A party's name: an organisation's or entity's name, else a person's (first and last names, or the full one)."""
    for path in (f".//{COM}OrganizationStandardName", f".//{COM}EntityName", f".//{COM}PersonFullName"):
        if (name := _text(contact, path)) is not None:
            return name
    person = " ".join(p for p in (_text(contact, f".//{COM}FirstName"), _text(contact, f".//{COM}LastName")) if p)
    return person or None


def _is_person(contact: etree._Element) -> bool:
    return contact.find(f".//{COM}PersonName") is not None and contact.find(f".//{COM}OrganizationName") is None


def _contacts(node: etree._Element, path: str, contact: str = f"{COM}Contact") -> list[etree._Element]:
    """The contact element (a name and address) of each party at ``path``."""
    return [c for party in node.iterfind(path) if (c := party.find(contact)) is not None]


def _texts(node: etree._Element, path: str) -> str | None:
    return " ".join(t for x in node.iterfind(path) if (t := text_of(x))) or None


def _names(contacts: Iterable[etree._Element]) -> str | None:
    return ";".join(dict.fromkeys(n for c in contacts if (n := _name(c)))) or None


def _priority(claims: Iterable[etree._Element], office: str, date: str) -> str | None:
    """``JP2007-290922 2007-11-08; …``."""
    out = [
        " ".join(p for p in ((_text(c, office) or "") + (_text(c, f".//{COM}ApplicationNumberText") or ""), _text(c, date)) if p)
        for c in claims
    ]
    return "; ".join(p for p in out if p) or None


def _number(office: str | None, number: str | None) -> str | None:
    """Another office's number carries its office code (``US13797521``); a CN number stays as printed."""
    if not number:
        return None
    return number if office in (None, "CN") else f"{office}{number.lstrip('0') if number.isdigit() else number}"


def _patent(root: etree._Element) -> dict[str, str | None]:
    bib = root.find(f"{PAT}BibliographicData")
    bib = bib if bib is not None else root
    pub = bib.find(f"{PAT}PatentPublicationIdentification")
    app = bib.find(f"{PAT}ApplicationIdentification")
    office = _text(pub, f"{COM}IPOfficeCode") or _text(root, f"{COM}IPOfficeCode")
    kind = _text(pub, f"{COM}PatentDocumentKindCode") or ""
    pub_date = _text(pub, f"{COM}PublicationDate")
    published = f"{COM}PublicationContact"
    owners = _contacts(bib, f".//{PAT}AssigneeBag/{PAT}Assignee", published) or _contacts(
        bib, f".//{PAT}ApplicantBag/{PAT}Applicant", published
    )
    ipc = [
        "".join(_text(c, f"{PAT}{f}") or "" for f in ("Section", "Class", "Subclass"))
        + f"{int(_text(c, f'{PAT}MainGroup') or 0)}/{_text(c, f'{PAT}Subgroup') or '00'}"
        for c in bib.iterfind(f".//{PAT}IPCRClassificationBag/{PAT}IPCRClassification")
    ]
    claims = root.findall(f".//{PAT}Claims/{PAT}Claim")
    subject = (_text(app, f"{PAT}InventionSubjectMatterCategory") or "").lower()
    number = (_text(pub, f"{PAT}PublicationNumber") or "").lstrip("0")
    return {
        "office": office,
        "app_no": _number(office, _text(app, f".//{COM}ApplicationNumberText")),
        "app_date": _text(app, f"{PAT}FilingDate"),
        "pub_no": f"{office or ''}{number}{kind}" if number else None,
        "pub_date": pub_date,
        "grant_date": pub_date if kind.startswith(("B", "C", "S")) else None,
        "patent_type": SUBJECT_TYPES.get(subject, subject or None),
        "title": _text(bib, f".//{PAT}InventionTitle"),
        "abstract": _text(root, f".//{PAT}Abstract"),
        "claims": _texts(claims[0], f".//{PAT}ClaimText") if claims else None,
        "claims_count": _text(bib, f"{PAT}ClaimTotalQuantity") or (str(len(claims)) if claims else None),
        "applicants": _names(owners),
        "applicant_type": "individual" if owners and _is_person(owners[0]) else None,
        "inventors": _names(_contacts(bib, f".//{PAT}InventorBag/{PAT}Inventor", published)),
        "ipc_main": ipc[0] if ipc else None,
        "ipc_all": ";".join(dict.fromkeys(ipc)) or None,
        "agency": _names(bib.iterfind(f".//{PAT}RegisteredPractitionerBag/{PAT}RegisteredPractitioner")),
        "priority": _priority(
            bib.iterfind(f".//{PAT}PriorityClaimBag/{PAT}PriorityClaim"), f"{COM}IPOfficeCode", f"{PAT}FilingDate"
        ),
    }


def _design(root: etree._Element) -> dict[str, str | None]:
    design = root.find(f".//{DGN}Design")
    design = design if design is not None else root
    office = _text(root, f"{COM}RegistrationOfficeCode") or _text(root, f"{COM}ApplicationNumber/{COM}IPOfficeCode")
    publication = design.find(f".//{DGN}Publication")
    applicants = _contacts(root, f".//{DGN}ApplicantBag/{DGN}Applicant")
    identifier = _number(office, _text(publication, f"{COM}PublicationIdentifier"))
    return {
        "office": office,
        "app_no": _number(office, _text(root, f"{COM}ApplicationNumber/{COM}ApplicationNumberText")),
        "app_date": _text(root, f".//{COM}ApplicationDate") or _text(design, f"{COM}RegistrationDate"),
        # an identifier with a kind code (ST.16) is a publication number; ``D0123456`` alone is not
        "pub_no": identifier if re.fullmatch(r"[A-Z]{2}[0-9A-Z]{3,16}[A-Z][0-9]?", identifier or "") else None,
        "pub_date": _text(publication, f"{COM}PublicationDate"),
        # the right takes effect on publication (RightEffectiveDate), after the registration (RegistrationDate)
        "grant_date": _text(design, f"{COM}RightEffectiveDate") or _text(design, f"{COM}RegistrationDate"),
        "patent_type": "design",
        "title": _text(design, f"{DGN}DesignTitleText"),
        "abstract": _texts(design, f"{DGN}DesignDescriptionText"),
        "claims": _text(design, f".//{DGN}DesignClaimText"),
        "claims_count": None,
        "applicants": _names(applicants),
        "applicant_type": "individual" if applicants and _is_person(applicants[0]) else None,
        "inventors": _names(_contacts(root, f".//{DGN}DesignerBag/{DGN}Designer")),
        "ipc_main": _text(design, f".//{COM}LocarnoClassificationText"),  # the Locarno class (06-01) of a design
        "ipc_all": None,
        "agency": _names(_contacts(root, f".//{COM}RepresentativeBag/{COM}Representative")),
        "priority": _priority(
            design.iterfind(f".//{DGN}PriorityBag/{DGN}Priority"),
            f"{COM}PriorityCountryCode",
            f"{COM}PriorityApplicationFilingDate",
        ),
    }


def _trademark(root: etree._Element) -> dict[str, str | None]:
    mark = root.find(f".//{TMK}Trademark")
    mark = mark if mark is not None else root
    owners = _contacts(mark, f".//{TMK}ApplicantBag/{TMK}Applicant")
    classes = [
        _text(c, f"{TMK}ClassNumber")
        for c in mark.iterfind(f".//{TMK}GoodsServicesClassification")
        if _text(c, f"{TMK}ClassificationKindCode") == "Nice"
    ]
    country = _text(mark, f".//{TMK}Applicant/{COM}IncorporationCountryCode")
    return {
        "reg_no": _text(mark, f"{COM}RegistrationNumber") or _text(mark, f".//{COM}ApplicationNumberText"),
        "mark_name": _text(mark, f".//{TMK}MarkVerbalElementText"),
        "owner": _name(owners[-1]) if owners else None,  # the last listed: the current owner (ST.96 lists the history)
        "owner_address": (_text(owners[-1], f".//{COM}AddressLineText") if owners else None) or country,
        "nice_classes": ";".join(str(int(c)) for c in dict.fromkeys(classes) if c and c.isdigit()) or None,
        "app_date": _text(mark, f"{COM}ApplicationDate"),
        "reg_date": _text(mark, f"{COM}RegistrationDate"),
        "expiry_date": _text(mark, f".//{COM}ExpiryDate"),
        "status_raw": _text(mark, f"{TMK}MarkCurrentStatusCode"),
    }


def _gi(root: etree._Element) -> dict[str, str | None]:
    data = root.find(f"{GIN}GIData")
    data = data if data is not None else root
    classes = [_text(c, f"{TMK}ClassNumber") for c in data.iterfind(f".//{TMK}GoodsServicesClassification")]
    publication = data.find(f".//{GIN}GIPublication")
    return {
        "gi_no": _text(data, f"{COM}ApplicationNumber/{COM}ApplicationNumberText"),
        "name": _text(data, f".//{GIN}GINameText"),
        "name_translation": _text(data, f".//{GIN}GINameTranslationText"),
        "office": data.get(f"{COM}officeCode"),
        "category": _text(data, f"{GIN}GICategory"),
        "product_classes": ";".join(str(int(c)) for c in dict.fromkeys(classes) if c and c.isdigit()) or None,
        "region_text": _texts(data, f".//{GIN}GeographicRegionDescriptionText"),
        "applicant": _names(_contacts(root, f".//{GIN}Applicant")),
        "authorized_users": _names(_contacts(root, f".//{GIN}AuthorizedUser")),
        "app_date": _text(data, f"{COM}ApplicationDate"),
        # registered (protected) from its registration date, else from the publication of its registration
        "reg_date": _text(data, f".//{COM}RegistrationDate") or _text(publication, f"{COM}PublicationDate"),
        "status_raw": "registered" if (_text(data, f".//{COM}RegistrationDate") or publication is not None) else None,
    }
