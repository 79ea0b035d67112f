"""Moving a matter between bodies: inside the platform by handing it over (``hand_over``); to another region's
platform as a package (``export_package`` / ``import_package``).

A package is a ZIP holding ``manifest.json`` (the matter, its parties, rights, history and a list of its documents
with their SHA-256), ``manifest.sig`` (the sending body's Ed25519 signature of the manifest's exact bytes) and the
documents under ``documents/<sha256>``. Each body's key pair is made on first export (the private key stays in
DATA_DIR/keys, readable by the server only); a partner's public key is registered by an administrator from the key
file it sends. An import is refused, and the refusal audited by the caller, when the package is malformed, its
signer is not registered, the signature does not match, or a document does not match its hash. The format is
described for partners in docs/transfer-package.md.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.models import Organisation, utcnow
from ipstrong.accounts.roles import Actor, require
from ipstrong.matters import documents, service
from ipstrong.matters.bodies import body_of, require_staff_of
from ipstrong.matters.models import BodyKey, Matter, MatterDocument
from ipstrong.messages import Conflict, IpsError, Msg, NotFound

FORMAT = "ipstrong-transfer/1"
MAX_PACKAGE = 500 * 1024 * 1024  # what an import reads at most, documents included
MAX_MANIFEST = 5 * 1024 * 1024


def _fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def _pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _key_path(data_dir: Path, body: Organisation) -> Path:
    return data_dir / "keys" / f"body-{body.id}.pem"


def _private_key(session: Session, data_dir: Path, body: Organisation) -> Ed25519PrivateKey:
    """The body's signing key, made (and its public half registered) on first use."""
    path = _key_path(data_dir, body)
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)  # type: ignore[return-value]
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        out.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    os.replace(tmp, path)
    public = key.public_key()
    session.add(BodyKey(fingerprint=_fingerprint(public), body_id=body.id, public_key=_pem(public), registered_by="system"))
    session.flush()
    return key


def public_key_file(session: Session, actor: Actor, body_id: int, data_dir: Path, create: bool = False) -> str:
    """The PEM of the body's public key, to send to partners. Reading never makes a key: ``create`` does, when the
    body has none yet (audited); without it a body with no key is NotFound."""
    body = body_of(session, body_id)
    if actor.organisation_id != body.id:  # the body's own staff, or whoever manages its organisations
        require(actor, "orgs.manage", body.region_code)
    if not _key_path(data_dir, body).exists():
        if not create:
            raise NotFound(
                Msg(
                    f"{body.name} 尚无签名密钥（首次导出移送包时生成）",
                    f"{body.name} has no signing key yet (made at its first export)",
                )
            )
        audit.append(session, actor.username, "key.create", "organisation", body.id, body.region_code)
    return _pem(_private_key(session, data_dir, body).public_key())


def register_key(session: Session, actor: Actor, body_id: int, pem: str) -> dict[str, Any]:
    """Register a partner body's public key from the key file it sent: a province administrator's act (a key speaks
    for a body, whichever region it is in), audited."""
    body = body_of(session, body_id)
    require(actor, "keys.manage")
    try:
        public = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError):
        raise IpsError(Msg("密钥文件不是 PEM 格式的公钥", "the key file is not a PEM public key")) from None
    if not isinstance(public, Ed25519PublicKey):
        raise IpsError(Msg("只接受 Ed25519 公钥", "only Ed25519 public keys are accepted"))
    fingerprint = _fingerprint(public)
    known = session.get(BodyKey, fingerprint)
    if known is not None and known.body_id != body.id:
        raise Conflict(Msg(f"此公钥已登记给机构 {known.body_id}", f"this key is registered to body {known.body_id}"))
    if known is None:
        session.add(BodyKey(fingerprint=fingerprint, body_id=body.id, public_key=_pem(public), registered_by=actor.username))
    after = {"body": body.id, "fingerprint": fingerprint}
    audit.append(session, actor.username, "key.register", "organisation", body.id, body.region_code, None, after)
    return after


def hand_over(session: Session, actor: Actor, matter_id: int, body_id: int) -> Matter:
    """Hand a matter to another body on the platform (city → province, one city to another): it keeps its number
    and history; the new body must receive matters of its type."""
    matter = service.acting_on(session, actor, matter_id, Msg("移交", "hand over"))
    mtype = service.matter_type(matter.type_id)
    body = body_of(session, body_id)
    if body.kind not in mtype.bodies or body.id == matter.body_id:
        raise IpsError(Msg(f"不能移交给 {body.name}", f"cannot hand over to {body.name}"))
    before = {"body": matter.body_id}
    matter.body_id, matter.region_code = body.id, body.region_code
    service.record(session, actor, matter, "transfer", f"移交 {body.name}")
    service.saved(session, matter)
    audit.append(session, actor.username, "matter.hand_over", "matter", matter.id, body.region_code, before, {"body": body.id})
    return matter


def export_package(session: Session, actor: Actor, matter_id: int, to: str, data_dir: Path) -> bytes:
    """The signed package of the matter for the partner ``to`` (its name); the export is in the history."""
    matter = service.acting_on(session, actor, matter_id, Msg("导出移送包", "export a transfer package"))
    detail = service.matter_detail(session, actor, matter_id)
    body = session.get(Organisation, matter.body_id)
    key = _private_key(session, data_dir, body)
    docs = session.scalars(select(MatterDocument).where(MatterDocument.matter_id == matter.id).order_by(MatterDocument.id)).all()
    manifest = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(),
        "from": {"body": body.name, "region_code": body.region_code, "key": _fingerprint(key.public_key())},
        "to": to,
        "matter": detail.model_dump(
            mode="json", include={"type", "number", "title", "received_on", "state", "form", "parties", "rights", "history"}
        ),
        "documents": [
            {"sha256": d.sha256, "kind": d.kind, "filename": d.filename, "media_type": d.media_type, "size": d.size} for d in docs
        ],
    }
    body_bytes = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", body_bytes)
        package.writestr("manifest.sig", base64.b64encode(key.sign(body_bytes)))
        for sha256 in dict.fromkeys(d.sha256 for d in docs):  # a file attached twice travels once
            package.write(documents.stored_path(data_dir, sha256), f"documents/{sha256}")
    content = out.getvalue()
    digest = hashlib.sha256(content).hexdigest()
    service.record(session, actor, matter, "transfer", f"导出移送包至 {to}（SHA-256 {digest[:16]}…）")
    audit.append(
        session, actor.username, "matter.export", "matter", matter.id, matter.region_code, None, {"to": to, "sha256": digest}
    )
    return content


def _refused(zh: str, en: str) -> IpsError:
    return IpsError(Msg(f"移送包无效：{zh}", f"transfer package refused: {en}"))


def _read_package(session: Session, content: bytes) -> tuple[dict[str, Any], zipfile.ZipFile, BodyKey]:
    """The verified manifest, the open archive and the key that signed it; a refusal naming what is wrong."""
    if len(content) > MAX_PACKAGE:
        raise _refused("超过大小上限", "larger than the limit")
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
        info = package.getinfo("manifest.json")
        if info.file_size > MAX_MANIFEST:
            raise _refused("manifest.json 过大", "manifest.json is too large")
        raw, signature = package.read("manifest.json"), base64.b64decode(package.read("manifest.sig"), validate=True)
        manifest = json.loads(raw)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _refused(f"不是有效的移送包（{exc}）", f"not a valid package ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refused(f"格式应为 {FORMAT}", f"the format must be {FORMAT}")
    fingerprint = str((manifest.get("from") or {}).get("key", ""))
    key = session.get(BodyKey, fingerprint)
    if key is None or key.revoked_at is not None:
        raise _refused(
            f"发送机构的公钥（{fingerprint[:16]}…）未登记或已撤销", f"the sender's key ({fingerprint[:16]}…) is not registered"
        )
    public = serialization.load_pem_public_key(key.public_key.encode())
    try:
        public.verify(signature, raw)  # type: ignore[union-attr]
    except InvalidSignature:
        raise _refused("签名与内容不符", "the signature does not match its content") from None
    signer = session.get(Organisation, key.body_id)
    sender = manifest.get("from") or {}
    if signer is None or (sender.get("body"), sender.get("region_code")) != (signer.name, signer.region_code):
        claimed = f"{sender.get('body')}（{sender.get('region_code')}）"
        raise _refused(
            f"包自称来自 {claimed}，但签名密钥登记给 {signer.name if signer else key.body_id}",
            f"the package says it comes from {claimed} but its key is registered to {signer.name if signer else key.body_id}",
        )
    return manifest, package, key


def import_package(session: Session, actor: Actor, body_id: int, content: bytes, data_dir: Path) -> Matter:
    """Receive a partner's signed package at ``body_id`` as a new matter with its documents and the partner's
    history in a note; nothing is stored unless the whole package verifies."""
    require_staff_of(actor, {body_of(session, body_id).id}, Msg("以该机构名义接收移送", "receive transfers for that body"))
    manifest, package, key = _read_package(session, content)
    sent = manifest.get("matter") or {}
    files: list[tuple[dict[str, Any], bytes]] = []
    unpacked = 0
    for entry in manifest.get("documents") or []:
        name = f"documents/{entry.get('sha256', '')}"
        try:
            unpacked += package.getinfo(name).file_size  # declared sizes checked before anything is inflated
            if unpacked > MAX_PACKAGE:
                raise _refused("解压后超过大小上限", "larger than the limit once unpacked")
            data = package.read(name)
        except KeyError:
            raise _refused(f"缺少 {name}", f"{name} is missing") from None
        except zipfile.BadZipFile as exc:  # a size or CRC that does not match what the archive declares
            raise _refused(f"{name} 已损坏（{exc}）", f"{name} is damaged ({exc})") from None
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            raise _refused(f"{entry.get('filename')} 与其 SHA-256 不符", f"{entry.get('filename')} does not match its SHA-256")
        files.append((entry, data))
    matter = service.file_matter(session, actor, str(sent.get("type", "")), body_id, dict(sent.get("form") or {}), data_dir)
    sender = manifest.get("from") or {}
    for entry, data in files:
        service.attach_document(session, actor, matter.id, str(entry.get("kind", "other")), str(entry.get("filename", "")), data,
                                data_dir, max_mb=MAX_PACKAGE // (1024 * 1024))  # fmt: skip
    steps = "；".join(f"{h.get('day')} {h.get('step') or h.get('action')}" for h in sent.get("history") or [])
    note = f"移送自 {sender.get('body')}（原编号 {sent.get('number')}，原状态 {sent.get('state')}）：{steps}"
    service.record(session, actor, matter, "transfer", note[:5000])
    after = {"from": sender.get("body"), "number": sent.get("number"), "key": key.fingerprint}
    audit.append(session, actor.username, "matter.import", "matter", matter.id, matter.region_code, None, after)
    return matter
