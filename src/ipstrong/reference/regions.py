"""Regions: provinces, cities and county-level units with current and abolished codes, named zones, countries.

The table (data/regions.csv) is built by scripts/build_reference.py from the 2023 statistical division list
and the historical GB/T 2260 codes; each row carries its aliases (短名、旧名) used by the geocoder.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from ipstrong.reference import data_path

JIANGSU = "320000"


@dataclass(frozen=True)
class Region:
    """One row of the region table."""

    code: str
    name: str
    level: str  # province | city | district | zone | country
    province_code: str
    city_code: str
    district_code: str
    country: str
    status: str  # current | abolished
    successor: str
    aliases: tuple[str, ...]
    basis: str
    source: str


@cache
def regions() -> tuple[Region, ...]:
    """Every region row, in file order."""
    with data_path("regions.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(Region(**{**row, "aliases": tuple(a for a in row["aliases"].split("|") if a)}) for row in csv.DictReader(fh))


@cache
def by_code() -> dict[str, Region]:
    """Regions by code (current codes, abolished codes, zone ids, country codes)."""
    return {r.code: r for r in regions()}


def region_name(code: str) -> str | None:
    """The name of a division, zone or country code, or None when unknown."""
    region = by_code().get(code)
    return region.name if region else None


def is_zone(code: str) -> bool:
    """Whether a region code names a development zone (a named one or the office's own) rather than a division."""
    return code.startswith(("zone:", "custom:"))


def abolished_within(city_code: str) -> dict[str, str]:
    """The abolished county-level codes of a city with the code in force today of each (港闸区 320611 -> 320613):
    what an older map's shapes are to be read as."""
    return {
        r.code: r.successor
        for r in regions()
        if r.level == "district" and r.status == "abolished" and r.city_code == city_code and r.successor
    }


def jiangsu_cities() -> list[Region]:
    """Jiangsu's 13 prefecture-level cities, in code order."""
    return [r for r in regions() if r.level == "city" and r.province_code == JIANGSU and r.status == "current"]


def current_code(code: str) -> str:
    """Map an abolished division code to the one in force today (白下区 320103 -> 秦淮区 320104)."""
    region = by_code().get(code)
    return region.successor if region and region.status == "abolished" and region.successor else code


def describe_code(code: str) -> tuple[str, str] | None:
    """(name, code in force today) of a division code, or None when the table does not know it."""
    region = by_code().get(code)
    return (region.name, current_code(code)) if region else None
