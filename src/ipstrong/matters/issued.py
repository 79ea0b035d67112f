"""Documents the office issues — acceptance and non-acceptance notices, decisions — rendered from the templates in
``matters/templates`` with the matter's data and the officer's text, numbered per body, year and kind
(``苏州市知识产权局〔2025〕受理通知书第 00003 号``), made into PDF by WeasyPrint and stored with the matter like any
other document (by SHA-256)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from sqlalchemy.orm import Session

from ipstrong import printing
from ipstrong.accounts import audit
from ipstrong.accounts.models import Organisation
from ipstrong.accounts.roles import Actor
from ipstrong.clock import today_shanghai
from ipstrong.matters import documents, service
from ipstrong.matters.models import MatterDocument
from ipstrong.messages import IpsError, Msg

TEMPLATES = Path(str(files("ipstrong") / "matters" / "templates"))


def render_pdf(template: str, values: dict) -> bytes:
    """The PDF of the matters' ``template`` filled with ``values``."""
    return printing.render_pdf(TEMPLATES, template, values)


def issue_document(session: Session, actor: Actor, matter_id: int, kind: str, text: str, data_dir: Path) -> MatterDocument:
    """Issue the document ``kind`` of the matter from its template, numbered, stored and recorded in its history."""
    detail = service.matter_detail(session, actor, matter_id)
    mtype = service.matter_type(detail.type)
    rule = mtype.document(kind)
    if rule is None or rule.template is None:
        kinds = ", ".join(d.id for d in mtype.documents if d.template)
        raise IpsError(
            Msg(f"「{mtype.name_zh}」不能出具 {kind}（可出具：{kinds}）", f"{mtype.name_en} issues no {kind} ({kinds})")
        )
    matter = service.acting_on(session, actor, matter_id, Msg("出具文书", "issue documents"))
    body = session.get(Organisation, matter.body_id)
    issued_on = today_shanghai()
    seq = service.next_in_series(session, matter.body_id, issued_on.year, kind)
    doc_number = f"{body.name}〔{issued_on.year}〕{rule.name_zh}第 {seq:05d} 号"
    roles = {p.role: p.name_zh for p in mtype.parties}
    values = {
        "m": detail,
        "body": body.name,
        "title": rule.name_zh,
        "doc_number": doc_number,
        "issued_on": f"{issued_on.year} 年 {issued_on.month} 月 {issued_on.day} 日",
        "parties": [{**p.model_dump(), "role_zh": roles.get(p.role, p.role)} for p in detail.parties],
        "rights": detail.rights,
        "text": text.strip(),
    }
    content = render_pdf(rule.template, values)
    digest = documents.store(data_dir, content)
    doc = MatterDocument(
        matter_id=matter.id, kind=kind, filename=f"{rule.name_zh}-{issued_on.year}-{seq:05d}.pdf",
        media_type="application/pdf", size=len(content), sha256=digest, uploaded_by=actor.username,
    )  # fmt: skip
    session.add(doc)
    service.record(session, actor, matter, "document", f"{rule.name_zh}：{doc_number}")
    after = {"kind": kind, "number": doc_number, "sha256": digest}
    audit.append(session, actor.username, "matter.issue", "matter", matter.id, matter.region_code, None, after)
    return doc
