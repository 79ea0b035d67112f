"""The case file (卷宗) as one PDF: a cover with the matter's particulars, a table of its documents and its history,
then every document in the order it was filed — PDFs as they are, images on a page of their own, anything else
named with its SHA-256 where it would have stood. For staff (``records.read``) of matters they may see."""

from __future__ import annotations

import io
from pathlib import Path
from typing import NamedTuple

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.roles import Actor, require
from ipstrong.clock import today_shanghai
from ipstrong.matters import documents, service
from ipstrong.matters.issued import render_pdf


def _appended(book: PdfWriter, content: bytes) -> bool:
    """Append a filed PDF's pages; False when it cannot be read as one (its place then says so)."""
    try:
        pages = PdfReader(io.BytesIO(content))
        if not pages.pages:
            return False
        book.append(pages)
    except PyPdfError:
        return False
    return True


class CaseFile(NamedTuple):
    """A printed case file: the name to save it under and its PDF."""

    filename: str
    content: bytes


def case_file_pdf(session: Session, actor: Actor, matter_id: int, data_dir: Path) -> CaseFile:
    """The matter's case file; its printing is recorded in the audit log."""
    require(actor, "records.read")
    detail = service.matter_detail(session, actor, matter_id)
    entries = []
    for number, d in enumerate(detail.documents, start=1):
        path = documents.stored_path(data_dir, d.sha256)
        entries.append((number, d, path))
    cover = render_pdf(
        "case_file",
        {"m": detail, "entries": [(n, d) for n, d, _c in entries], "printed_on": today_shanghai(), "printed_by": actor.username},
    )
    book = PdfWriter()
    book.append(PdfReader(io.BytesIO(cover)))
    for number, d, path in entries:
        if d.media_type == "application/pdf" and _appended(book, path.read_bytes()):
            continue
        page = {"number": number, "d": d, "image": d.media_type.startswith("image/"), "m": detail}
        if page["image"]:
            page["src"] = path.as_uri()
        book.append(PdfReader(io.BytesIO(render_pdf("case_file_item", page))))
    out = io.BytesIO()
    book.write(out)
    audit.append(session, actor.username, "matter.case_file", "matter", matter_id, actor.region_code, None,
                 {"documents": len(entries)})  # fmt: skip
    return CaseFile(f"case-file-{detail.number}.pdf", out.getvalue())
