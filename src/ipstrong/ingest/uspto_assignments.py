"""USPTO patent assignments as the Assignment Center search returns them (``<response><result><doc>``, one recorded
conveyance per ``doc``), read into legal-status events: one event per application the conveyance covers.

The conveyance text names the event (ASSIGNMENT OF ASSIGNORS INTEREST → transfer, SECURITY INTEREST → pledge,
TERMINATION AND RELEASE OF … SECURITY AGREEMENT → pledge release, see ``ingest.events``); the recorded date dates
it; assignors and assignees are its parties, the first assignee's city, state and country its address. A row is
an event's place in the file. The file is parsed with the hardened settings of ``ingest.xmlsafe``. Real samples:
../shared/data/uspto-assignment-xml-samples.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ipstrong.ingest.xmlsafe import parser, refusal, text_of
from ipstrong.messages import Msg

COLUMNS = ("app_no", "event_type", "event_date", "from_party", "to_party", "to_address")


def sniff(head: bytes) -> bool:
    """Whether the first bytes are an assignment search response."""
    return b"<response" in head and (b'name="reelNo"' in head or b'name="conveyanceText"' in head)


def check(document: bytes) -> Msg | None:
    """Why the file must not be parsed (entity declarations, an encoding that lies), or None."""
    return refusal(document)


def records(document: bytes) -> Iterator[tuple[int, dict[str, str | None] | None, Msg | None]]:
    """(row, event or None, why not) per application of each recorded conveyance. A conveyance covers several
    applications, so the row is the event's place in the file (from 1), and a refusal names its conveyance's line."""
    return ((row, record, why) for row, (record, why) in enumerate(_events(document), start=1))


def _events(document: bytes) -> Iterator[tuple[dict[str, str | None] | None, Msg | None]]:
    try:
        root = etree.fromstring(document, parser())
    except etree.XMLSyntaxError as exc:
        yield None, Msg(f"XML 不完整或格式错误：{exc}", f"truncated or malformed XML: {exc}")
        return
    for doc in root.iterfind("result/doc"):
        line = doc.sourceline or 0

        def values(name: str, doc: etree._Element = doc) -> list[str]:
            found = doc.find(f"*[@name='{name}']")
            if found is None:
                return []
            texts = [text_of(found)] if len(found) == 0 else [text_of(child) for child in found]
            return [t for t in texts if t and t != "NULL"]

        applications = values("applNum")
        if not applications:
            yield None, Msg(f"第 {line} 行的转让记录未列出申请号", f"the conveyance at line {line} names no application number")
            continue
        place = [next(iter(values(f)), None) for f in ("patAssigneeCity", "patAssigneeState", "patAssigneeCountryName")]
        recorded = next(iter(values("recordedDate")), None)
        for application in applications:
            yield (
                {
                    "app_no": f"US{application}",
                    "event_type": next(iter(values("conveyanceText")), None),
                    "event_date": recorded[:10] if recorded else None,
                    "from_party": ";".join(values("patAssignorName")) or None,
                    "to_party": ";".join(values("patAssigneeName")) or None,
                    "to_address": ", ".join(p for p in place if p) or None,
                },
                None,
            )
