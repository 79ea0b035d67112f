"""Statistical series by region and year: resident population, GDP, market entities.

Shipped figures come from ../shared/data/jiangsu-series and jiangsu-city-stats, each row with its quoted text and
source; staff add or correct figures with ``ipstrong reference import FILE`` (stored under the data directory,
later rows win). A figure that was not found stays missing: lookups return None, never an estimate.

Population vintages: ``resident_pop_10k`` is the current series (revised after the 2020 census);
``resident_pop_10k_orig`` is the figure as first published before that revision. For years from 2020 on the two
coincide, so the ``first`` vintage falls back to the current series there and only there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ipstrong.csvin import read_rows
from ipstrong.messages import IpsError, Msg
from ipstrong.reference import data_path
from ipstrong.reference.regions import by_code

COLUMNS = [
    "year",
    "region_code",
    "region_name",
    "indicator",
    "value",
    "unit",
    "status",
    "quoted_text",
    "source_title",
    "source_url",
]
REQUIRED = ["year", "region_code", "indicator", "value", "unit", "source_title"]
OVERRIDES = "reference/series_overrides.csv"
CENSUS_REVISION_YEAR = 2020


@dataclass(frozen=True)
class Figure:
    """One statistical figure with where it comes from."""

    year: int
    region_code: str
    indicator: str
    value: float
    unit: str
    status: str
    source_title: str
    source_url: str
    origin: str  # shipped | imported


def _read(path: Path, origin: str) -> tuple[Figure, ...]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return tuple(
            Figure(
                int(r["year"]),
                r["region_code"],
                r["indicator"],
                float(r["value"]),
                r["unit"],
                r.get("status") or "final",
                r["source_title"],
                r.get("source_url") or "",
                origin,
            )
            for r in csv.DictReader(fh)
        )


def _merged(data_dir: Path | None) -> dict[tuple[int, str, str], Figure]:
    """Shipped figures, then the office's imported ones (which win on the same year, region and indicator); read
    again only when a file changes (size or modification time), since the engine looks figures up per record."""
    sources = [(data_path("series.csv"), "shipped")]
    if data_dir is not None and (data_dir / OVERRIDES).exists():
        sources.append((data_dir / OVERRIDES, "imported"))
    return _merged_versions(tuple((path, origin, path.stat().st_mtime_ns, path.stat().st_size) for path, origin in sources))


@lru_cache(maxsize=16)
def _merged_versions(sources: tuple[tuple[Path, str, int, int], ...]) -> dict[tuple[int, str, str], Figure]:
    merged: dict[tuple[int, str, str], Figure] = {}
    for path, origin, _mtime, _size in sources:
        for f in _read(path, origin):
            merged[(f.year, f.region_code, f.indicator)] = f
    return merged


def figures(data_dir: Path | None = None) -> list[Figure]:
    """Every figure, shipped and imported, sorted by indicator, region and year."""
    return sorted(_merged(data_dir).values(), key=lambda f: (f.indicator, f.region_code, f.year))


def lookup(region_code: str, year: int, indicator: str, data_dir: Path | None = None) -> Figure | None:
    """One figure or None when it was never found."""
    return _merged(data_dir).get((year, region_code, indicator))


def population(region_code: str, year: int, vintage: str = "first", data_dir: Path | None = None) -> Figure | None:
    """Year-end resident population (万人) in the ``first`` published or ``revised`` vintage."""
    if vintage not in ("first", "revised"):
        raise ValueError("vintage is 'first' or 'revised'")
    if vintage == "first" and year < CENSUS_REVISION_YEAR:
        return lookup(region_code, year, "resident_pop_10k_orig", data_dir)
    return lookup(region_code, year, "resident_pop_10k", data_dir)


def import_figures(path: Path, data_dir: Path) -> int:
    """Validate a CSV of figures and append it to the office's overrides; all rows or none are stored."""
    rows = read_rows(path, REQUIRED)
    known = by_code()
    for number, row in enumerate(rows, start=2):
        for field in REQUIRED:
            if not (row.get(field) or "").strip():
                raise IpsError(Msg("不能为空", "must not be empty").located(str(path), number, field))
        if row["region_code"] not in known:
            raise IpsError(
                Msg(f"未知区划代码 {row['region_code']}", f"unknown region code {row['region_code']}").located(
                    str(path), number, "region_code"
                )
            )
        try:
            int(row["year"])
            float(row["value"])
        except ValueError:
            raise IpsError(
                Msg("年份或数值不是数字", "year or value is not a number").located(str(path), number, "year/value")
            ) from None
    target = data_dir / OVERRIDES
    target.parent.mkdir(parents=True, exist_ok=True)
    new_file = not target.exists()
    tmp = target.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        if not new_file:
            out.write(target.read_text(encoding="utf-8"))
        writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
        if new_file:
            writer.writeheader()
        for row in rows:
            row.setdefault("region_name", known[row["region_code"]].name)
            row["status"] = row.get("status") or "final"
            writer.writerow(row)
    tmp.replace(target)
    return len(rows)
