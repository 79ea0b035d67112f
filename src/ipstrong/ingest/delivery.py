"""Deliveries of many XML documents: a folder of them, or the ZIP archive CNIPA's data service ships them in.

Entries are read one at a time (never the whole delivery in memory), in name order. An entry whose path leaves the
delivery (absolute, or with ``..``), or that unpacks to more than it declares, or to more than ``MAX_ENTRY_BYTES``,
is refused with its name; the rest of the delivery is read. Files that are not XML (the drawings CNIPA ships beside
each document) are skipped.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ipstrong.messages import Msg

MAX_ENTRY_BYTES = 256 << 20  # one patent document with its full text is a few MB
SPREADSHEET_PARTS = ("[Content_Types].xml", "_rels/", "docProps/", "xl/")

Entry = tuple[str, bytes | None, Msg | None]  # (name within the delivery, its bytes or None, why not)


def is_delivery_zip(head: bytes) -> bool:
    """A ZIP whose first entry is not a part of an Office document (an XLSX is a ZIP too)."""
    if not head.startswith(b"PK\x03\x04") or len(head) < 30:
        return False
    name_length = int.from_bytes(head[26:28], "little")
    first = head[30 : 30 + name_length].decode("utf-8", "replace")
    return not first.startswith(SPREADSHEET_PARTS)


def entries(path: Path) -> Iterator[Entry]:
    """Each XML entry of the folder or ZIP at ``path``."""
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".xml"):
            name = file.relative_to(path).as_posix()
            if file.stat().st_size > MAX_ENTRY_BYTES:
                yield name, None, _too_large()
            else:
                yield name, file.read_bytes(), None
        return
    with zipfile.ZipFile(path) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or not info.filename.lower().endswith(".xml"):
                continue
            yield info.filename, *_read_entry(archive, info)


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[bytes | None, Msg | None]:
    name = PurePosixPath(info.filename.replace("\\", "/"))
    if name.is_absolute() or ".." in name.parts or ":" in info.filename:
        return None, Msg("压缩包条目的路径超出交付包，不予读取", "the entry's path leaves the delivery: not read")
    if info.file_size > MAX_ENTRY_BYTES:
        return None, _too_large()
    try:
        with archive.open(info) as fh:
            data = fh.read(info.file_size + 1)  # zipfile stops at the declared size and checks the CRC there
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return None, Msg(
            f"压缩包条目损坏或解压后大于声明的大小：{exc}", f"the entry is damaged or unpacks to more than it declares: {exc}"
        )
    if len(data) > info.file_size:
        return None, Msg("压缩包条目解压后大于声明的大小", "the entry unpacks to more than it declares")
    return data, None


def _too_large() -> Msg:
    return Msg(f"条目大于 {MAX_ENTRY_BYTES >> 20} MB，不予读取", f"the entry is larger than {MAX_ENTRY_BYTES >> 20} MB: not read")
