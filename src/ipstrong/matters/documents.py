"""Files attached to matters: what may be stored, where, and how it is served back.

A file is accepted when its bytes (not its name) are one of the allowed kinds — PDF, OFD, images, Word and Excel
documents, plain UTF-8 text — and it is within the size limit. It is stored once under DATA_DIR/documents by its
SHA-256, written to a temporary name and renamed, never executed or opened by the server; it is served as an
attachment with the type it was recognised as, ``nosniff`` and a sandboxing content policy.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

import filetype

from ipstrong.messages import IpsError, Msg

# recognised kind (filetype's extension) -> the media type it is served as
ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "tif": "image/tiff",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OFD = "application/ofd"  # China's fixed-layout format (GB/T 33190): a ZIP whose root holds OFD.xml
TEXT = "text/plain; charset=utf-8"
SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
}


def media_type(content: bytes, name: str) -> str:
    """The media type ``content`` is recognised as, or a refusal naming the file."""
    kind = filetype.guess(content)
    if kind is not None and kind.extension in ALLOWED:
        return ALLOWED[kind.extension]
    if kind is not None and kind.extension == "zip" and b"OFD.xml" in content[:4096]:
        return OFD
    if kind is None and b"\x00" not in content:
        try:
            content.decode("utf-8")
            return TEXT
        except UnicodeDecodeError:
            pass
    found = kind.mime if kind is not None else "未知 / unknown"
    raise IpsError(
        Msg(
            f"文件 {name}：不接受此类文件（{found}）；可上传 PDF、OFD、JPEG/PNG/TIFF 图片、Word、Excel 或 UTF-8 文本",
            f"file {name}: this kind of file is not accepted ({found}); PDF, OFD, JPEG/PNG/TIFF, Word, Excel or UTF-8 text",
        )
    )


def clean_filename(name: str) -> str:
    """The uploaded name without folders, control characters or characters that break a header; never empty."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C" and c not in '"<>|:*?')
    return base.strip(" .")[:200] or "document"


def check_size(content: bytes, name: str, max_mb: int) -> None:
    if not content:
        raise IpsError(Msg(f"文件 {name} 为空", f"file {name} is empty"))
    if len(content) > max_mb * 1024 * 1024:
        raise IpsError(Msg(f"文件 {name} 超过 {max_mb} MB 的上限", f"file {name} is larger than the {max_mb} MB limit"))


def stored_path(data_dir: Path, sha256: str) -> Path:
    return data_dir / "documents" / sha256[:2] / sha256


def store(data_dir: Path, content: bytes) -> str:
    """Keep ``content`` under its SHA-256 (once, however often it is uploaded); return the hash."""
    digest = hashlib.sha256(content).hexdigest()
    path = stored_path(data_dir, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{digest}.{os.getpid()}.tmp")
        tmp.write_bytes(content)
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)
    return digest
