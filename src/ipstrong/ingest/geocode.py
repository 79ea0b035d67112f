"""Place addresses in regions, in bulk.

Every known region name (full names, short names, old names, zone names, countries) is found in each distinct
address; the distinct name sequences — far fewer than addresses — are resolved once each; the result joins back
in SQL. Addresses are read big-to-small: the first city named
wins, a district must belong to the province and city named, an ambiguous district name (鼓楼区 is in Nanjing
and Xuzhou) without a city is left unplaced, and a place named after the city and district written before it —
a street such as 香港路 or 台湾路 — never moves the address there. An address written from the township or
subdistrict down (悦来镇常久路南) is placed by that name (``reference/data/jiangsu_townships.csv``) where no district is
written and the name is unique among Jiangsu's townships in the province or city the address (or the file's
province and city columns) gives; the list covers Jiangsu only, so a township name with no Jiangsu context is not
read. An address that cannot be placed keeps empty codes (never guessed).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

import ahocorasick
import duckdb
import pyarrow as pa

from ipstrong.reference import data_path
from ipstrong.reference.regions import Region, regions


@dataclass(frozen=True)
class Place:
    country: str | None
    province_code: str | None
    city_code: str | None
    district_code: str | None
    district_code_old: str | None
    zone_id: str | None


UNPLACED = Place(None, None, None, None, None, None)


@cache
def _aliases() -> dict[str, tuple[Region, ...]]:
    table: dict[str, list[Region]] = {}
    for region in regions():
        for alias in region.aliases:
            table.setdefault(alias.upper(), []).append(region)
    return {k: tuple(v) for k, v in table.items()}


@dataclass(frozen=True)
class Township:
    province_code: str
    city_code: str
    district_code: str


@cache
def _townships() -> dict[str, tuple[Township, ...]]:
    """Township and subdistrict names (written as extraction sees them: 街道 marked) → the units so named."""
    table: dict[str, list[Township]] = {}
    with data_path("jiangsu_townships.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name = row["name"].replace(SUBDISTRICT, SUBDISTRICT_MARKED)
            table.setdefault(name, []).append(Township(row["province_code"], row["city_code"], row["district_code"]))
    return {k: tuple(v) for k, v in table.items()}


@cache
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for alias in (*_aliases(), *_townships()):
        automaton.add_word(alias, alias)
    automaton.make_automaton()
    return automaton


def extract_tokens(text: str) -> tuple[str, ...]:
    """Region names in ``text``, leftmost first, the longest at each position, never overlapping
    (苏州工业园区 wins over 苏州; 南京市 over 南京)."""
    matches = sorted((end - len(alias) + 1, -len(alias), alias) for end, alias in _automaton().iter(text))
    tokens: list[str] = []
    next_free = 0
    for start, neg_len, alias in matches:
        if start >= next_free:
            tokens.append(alias)
            next_free = start - neg_len
    return tuple(tokens)


@cache
def street_pattern() -> str:
    """Short region names used as street names (中山路, 南京东路, 北京西路), blanked before extraction."""
    shorts = sorted(
        {
            a
            for a, rs in _aliases().items()
            if not a.endswith(("省", "市", "区", "县"))
            and len(a) <= 3
            and any(r.level in ("province", "city", "district", "country") for r in rs)
        },
        key=lambda a: (-len(a), a),
    )
    return "(?:" + "|".join(re.escape(n) for n in shorts) + ")(?:东|西|南|北|中)?(?:路|街|大街|大道|巷)"


# a subdistrict (海门街道) is not a street called 海门街: its 街道 is marked before streets are blanked
SUBDISTRICT, SUBDISTRICT_MARKED = "街道", "·街道"


def blank_streets(address: str) -> str:
    """The address with street names that are region names blanked (what :func:`geocode` does in SQL)."""
    return re.sub(street_pattern(), " ", address.upper().replace(SUBDISTRICT, SUBDISTRICT_MARKED))


def resolve(tokens: tuple[str, ...]) -> Place:
    """Resolve the region names found in one address, in the order they appear."""
    aliases = _aliases()
    found = [r for t in tokens for r in aliases.get(t, ())]
    provinces = [r for r in found if r.level == "province"]
    countries = [r for r in found if r.level == "country"]
    province = provinces[0].province_code if provinces else None
    if countries and not provinces:
        first_country = next(i for i, t in enumerate(tokens) if any(r.level == "country" for r in aliases.get(t, ())))
        domestic_before = any(r.level in ("city", "district", "zone") for t in tokens[:first_country] for r in aliases.get(t, ()))
        domestic = [r for r in found if r.level in ("city", "district", "zone")]
        if not domestic_before and (not domestic or countries[0].code in ("HK", "MO", "TW")):
            return Place(countries[0].country, None, None, None, None, None)
    cities = [r for r in found if r.level == "city" and (province is None or r.province_code == province)]
    city = cities[0].city_code if cities else None
    if city and province is None:
        province = cities[0].province_code
    districts = [
        r
        for r in found
        if r.level in ("district", "zone")
        and (city is None or r.city_code == city)
        and (province is None or r.province_code == province)
    ]
    chosen = {r.district_code for r in districts}
    if not chosen and (town := _township(tokens, province, city)) is not None:
        return Place("CN", town.province_code, town.city_code, town.district_code, None, None)
    if len(chosen) != 1:
        if city or province:
            return Place("CN", province, city, None, None, None)
        return UNPLACED
    # several aliases can name one district (a zone and its district, an old and a new name): prefer the zone
    # for zone_id, and an abolished name for the old code
    district = districts[0]
    zone = next((r.code for r in districts if r.level == "zone"), None)
    # (an old name only where the address writes one: 海门 is also the short name of today's 海门区)
    only_old = {t for t in tokens if all(r.status == "abolished" for r in aliases.get(t, ()))}
    old = next(
        (r.code.removesuffix("-old") for r in districts if r.status == "abolished" and only_old & {a.upper() for a in r.aliases}),
        None,
    )
    return Place("CN", district.province_code, district.city_code, district.district_code, old, zone)


def _township(tokens: tuple[str, ...], province: str | None, city: str | None) -> Township | None:
    """The unit the first township name of the address names, where it is the only one of that name in the
    province or city given (the list is Jiangsu's: without a Jiangsu province or city, none is read)."""
    if province is None:
        return None
    for token in tokens:
        named = [t for t in _townships().get(token, ()) if t.province_code == province and city in (None, t.city_code)]
        if named:
            return named[0] if len(named) == 1 else None
    return None


# Digits never name a region: addresses that differ only in numbers (street numbers, postcodes) share a key,
# so a file with a million addresses has far fewer keys to resolve.
ADDRESS_KEY_SQL = "regexp_replace(upper({col}), '[0-9０-９]+', '#', 'g')"


def geocode(con: duckdb.DuckDBPyConnection, source: str, address_column: str = "address", into: str = "geo") -> str:
    """Create table ``into`` (address key -> Place columns) for the addresses of ``source``; return its name.

    Join it on ``address_key(address)``. DuckDB blanks street names and de-duplicates the keys; an Aho-Corasick
    automaton finds the region names (ten times faster than one regular expression of every name, measured on
    150,000 addresses); each distinct sequence of names is resolved once.
    """
    key = ADDRESS_KEY_SQL.format(col=address_column)
    rows = con.execute(
        f"""
        SELECT address_key, regexp_replace(replace(address_key, ?, ?), ?, ' ', 'g') AS folded
        FROM (SELECT DISTINCT {key} AS address_key FROM {source} WHERE {address_column} IS NOT NULL)
    """,
        [SUBDISTRICT, SUBDISTRICT_MARKED, street_pattern()],
    ).fetchall()
    cache: dict[tuple[str, ...], Place] = {}
    places = []
    for _key, folded in rows:
        tokens = extract_tokens(folded)
        place = cache.get(tokens)
        if place is None:
            place = cache[tokens] = resolve(tokens)
        places.append(place)
    resolved = pa.table(
        {
            "address_key": pa.array([r[0] for r in rows], pa.string()),
            **{name: pa.array([getattr(p, name) for p in places], pa.string()) for name in Place.__dataclass_fields__},
        }
    )
    con.register("geo_resolved", resolved)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {into} AS SELECT * FROM geo_resolved")
    con.unregister("geo_resolved")
    return into
