"""Custom zones the office defines — the protection demonstration zones, an industrial park — as sets of county-level
units and/or address patterns, for indicators over areas that are not administrative divisions.

They live in ``DATA_DIR/reference/zones.csv`` (``ipstrong reference zones-import FILE`` replaces the whole set,
all rows or none). Columns: ``zone_id`` (``custom:`` and lower-case letters, digits, hyphens), ``name_zh``,
``name_en``, ``districts`` (county-level codes separated by ``|``), ``address_patterns`` (words an applicant's
address contains, separated by ``|``), ``source`` (the document that defines the zone). A patent is in the zone
when its (attributed) county-level unit is listed or its applicant's address contains one of the patterns. Zones may
overlap: a patent counts in every zone it belongs to.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ipstrong.csvin import read_rows
from ipstrong.messages import IpsError, Msg
from ipstrong.reference.regions import by_code

ZONES_FILE = "reference/zones.csv"
COLUMNS = ("zone_id", "name_zh", "name_en", "districts", "address_patterns", "source")
ZONE_ID = re.compile(r"^custom:[a-z0-9][a-z0-9-]{0,40}$")


@dataclass(frozen=True)
class CustomZone:
    zone_id: str
    name_zh: str
    name_en: str
    districts: tuple[str, ...]
    address_patterns: tuple[str, ...]
    source: str

    def to_dict(self) -> dict[str, object]:
        return {
            "zone_id": self.zone_id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "districts": list(self.districts),
            "address_patterns": list(self.address_patterns),
            "source": self.source,
        }


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split("|") if part.strip())


def _parse(path: Path) -> list[CustomZone]:
    """Read and check a zones file; the first bad cell stops it with file, row and field named."""
    rows = read_rows(path, COLUMNS)
    known = by_code()
    zones: list[CustomZone] = []
    for number, row in enumerate(rows, start=2):
        where = (str(path), number)
        zone_id = (row.get("zone_id") or "").strip()
        if not ZONE_ID.match(zone_id):
            raise IpsError(
                Msg(
                    f"开发区编号须形如 custom:suzhou-demo：{zone_id}", f"a zone id looks like custom:suzhou-demo, not {zone_id!r}"
                ).located(*where, "zone_id")
            )
        if any(z.zone_id == zone_id for z in zones):
            raise IpsError(Msg(f"编号重复：{zone_id}", f"duplicate zone id {zone_id}").located(*where, "zone_id"))
        if not (row.get("name_zh") or "").strip():
            raise IpsError(Msg("不能为空", "must not be empty").located(*where, "name_zh"))
        districts, patterns = _split(row.get("districts")), _split(row.get("address_patterns"))
        if not districts and not patterns:
            raise IpsError(
                Msg("须列出县级区划或地址关键词", "list county-level units or address patterns").located(*where, "districts")
            )
        for code in districts:
            region = known.get(code)
            if region is None or region.level != "district" or region.status != "current":
                raise IpsError(
                    Msg(f"不是现行县级区划代码：{code}", f"not a current county-level code: {code}").located(*where, "districts")
                )
        zones.append(
            CustomZone(
                zone_id,
                row["name_zh"].strip(),
                (row.get("name_en") or "").strip(),
                districts,
                patterns,
                (row.get("source") or "").strip(),
            )
        )
    return zones


def custom_zones(data_dir: Path | None) -> dict[str, CustomZone]:
    """The office's zones by id (none until a file is imported)."""
    if data_dir is None or not (data_dir / ZONES_FILE).exists():
        return {}
    return {z.zone_id: z for z in _parse(data_dir / ZONES_FILE)}


def import_zones(path: Path, data_dir: Path) -> int:
    """Check a zones file and make it the office's set of zones (replacing the previous set atomically)."""
    zones = _parse(path)
    target = data_dir / ZONES_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for z in zones:
            writer.writerow([z.zone_id, z.name_zh, z.name_en, "|".join(z.districts), "|".join(z.address_patterns), z.source])
    tmp.replace(target)
    return len(zones)
