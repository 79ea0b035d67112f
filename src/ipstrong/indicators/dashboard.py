"""The dashboard as a service: for the reader's region, one indicator by city (or county) with the headline figures
beside it, and its series of year-ends from the programme's base year. The page ``/indicators`` and
``GET /api/v1/indicators/dashboard`` render this one call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel

from ipstrong.accounts.roles import Actor
from ipstrong.accounts.visibility import require_figures
from ipstrong.indicators.catalogue import BY_ID
from ipstrong.indicators.records import FigureRecord
from ipstrong.messages import InvalidOption, Msg
from ipstrong.reference.regions import by_code, is_zone

CHINA = "100000"  # the code the reference series give the nation

HEADLINE = (
    "effective_inventions",
    "inventions_per_10k_pop",
    "high_value_per_10k_pop",
    "inventions_per_billion_gdp",
    "grants_invention",
    "enterprise_share_invention_grants",
    "pct_applications",
    "pledge_amount",
)
SERIES_FROM = 2012  # the programme's base year


class SeriesPoint(BaseModel):
    year: int
    asof: dt.date
    value: float | None
    note: str | None = None  # why there is no figure (e.g. no population figure for that year)


class Rank(BaseModel):
    """A region's place among its peers at the year-end shown (1 = highest), and its change on the year before."""

    rank: int | None  # None without a figure
    previous: float | None
    change: float | None


class LaterYear(BaseModel):
    """A year-end after the one shown whose figures are incomplete: which regions lack a figure, and why."""

    year: int
    missing: list[str]  # region names
    note: str | None  # the first missing figure's reason (e.g. no population figure for that year)


class PublishedFigure(BaseModel):
    """The figure as CNIPA publishes it for China or a province at the year-end shown, with its source: what other
    provinces and the nation are compared by (on CNIPA's own population base, so beside the computed figure, not
    in its place)."""

    region_code: str
    region_name: str
    value: float
    rank: int | None  # among the provinces (None for China)
    source_title: str
    source_url: str


class Comparison(BaseModel):
    """The published figures of the year-end shown (empty when CNIPA published none for it), and the year-ends it
    did publish them for."""

    figures: list[PublishedFigure]
    published_years: list[int]


class Dashboard(BaseModel):
    """One indicator for a region: the region's own figure first, then its cities (or counties), and the
    development zones that lie in it; the headline figures of the region; and the indicator's series of
    year-ends. Without a chosen year it opens on the latest year-end whose figures are complete, and names the
    later ones that are not (``later``). Empty while the warehouse holds no snapshot (``asof`` is then None)."""

    indicator: str
    unit: str
    region: str
    by: str  # city | district
    asof: dt.date | None
    records: list[FigureRecord]
    headline: list[FigureRecord]
    series: list[SeriesPoint]
    ranks: dict[str, Rank]  # by region code, the cities (or counties) of ``records`` after the region's own
    zones: list[FigureRecord]  # the development zones in the region (named and the office's own), at ``asof``
    comparison: Comparison | None  # China and the provinces as published, for the province's own dashboard
    later: list[LaterYear]  # year-ends after ``asof`` up to the data's last, with the regions missing a figure
    data_until: dt.date | None  # the last complete year-end of the warehouse's records
    evaluable: bool  # whether the patents behind a figure can be listed (explain)


def _region_of(actor: Actor, home_province: str) -> str:
    """The region a reader's dashboard shows: the province for those who see everywhere, else their own region."""
    return home_province if actor.role_info.everywhere else actor.region_code


def dashboard(
    actor: Actor,
    data_dir: Path,
    indicator: str,
    year: int | None,
    by: str,
    home_province: str,
    timeout_s: float | None = None,
    region: str | None = None,
) -> Dashboard:
    """The dashboard of ``indicator`` as of the year-end ``year`` (the latest the data supports when None) for
    ``region`` (default the reader's own): by city at the province, by county below it or when ``by`` is
    ``district``. Below the province, figures are working figures: a region outside the reader's scope is refused
    (:func:`ipstrong.accounts.visibility.require_figures`)."""
    from ipstrong.indicators.engine import compute, default_asof
    from ipstrong.warehouse.snapshots import Warehouse

    if indicator not in BY_ID:
        raise InvalidOption(
            "indicator", indicator, Msg("指标目录中的编号（indicators list）", "an id of the catalogue (indicators list)")
        )
    if by not in ("city", "district"):
        raise InvalidOption("by", by, Msg("city 或 district", "city or district"))
    region = region or _region_of(actor, home_province)
    level = "district" if region != home_province or by == "district" else "city"
    require_figures(actor, region, level if region == home_province else "district", zone_in_scope=False)
    chosen = BY_ID[indicator]
    empty = Dashboard(
        indicator=indicator, unit=chosen.unit, region=region, by=level, asof=None, records=[], headline=[], series=[],
        ranks={}, zones=[], comparison=None, later=[], data_until=None, evaluable=not chosen.never_evaluable,
    )  # fmt: skip
    if Warehouse(data_dir).current_id() is None:
        return empty
    until = default_asof(data_dir)
    last = max(until.year, year or until.year)
    days = [dt.date(y, 12, 31) for y in range(min(SERIES_FROM, (year or last) - 1), last + 1)]
    # one computation of the indicator for every year-end and region (series, map and the choice of year), one for
    # the headline cards of the year shown
    # zones have no population or GDP of their own: they are shown for counts and shares only
    zones_too = ",zone" if not (chosen.denominator and chosen.denominator.series) else ""
    rows = compute(data_dir, [indicator], days, region, level + zones_too, timeout_s=timeout_s)
    by_day: dict[str, list[dict]] = {}
    zones: dict[str, list[dict]] = {}
    for r in rows:
        (zones if is_zone(r["region_code"]) else by_day).setdefault(r["asof"], []).append(r)
    asof = dt.date(year, 12, 31) if year else _latest_complete(by_day, until)
    headline = compute(data_dir, list(HEADLINE), [asof], region, timeout_s=timeout_s)
    return empty.model_copy(
        update={
            "asof": asof,
            "records": [FigureRecord(**r) for r in _region_first(by_day.get(asof.isoformat(), []), region)],
            "headline": [FigureRecord(**r) for r in sorted(headline, key=lambda r: HEADLINE.index(r["indicator"]))],
            "series": [_point(day, found, region) for day, found in sorted(by_day.items())],
            "ranks": _ranks(by_day, asof, region),
            "zones": [FigureRecord(**r) for r in zones.get(asof.isoformat(), [])],
            "comparison": compared(chosen.published, asof.year, data_dir) if region == home_province else None,
            "later": [
                gap for day, found in sorted(by_day.items()) if day > asof.isoformat() and (gap := _gaps(day, found)).missing
            ],
            "data_until": until,
        }
    )


def compared(series: str | None, year: int, data_dir: Path) -> Comparison | None:
    """China and the provinces as CNIPA published ``series`` for ``year``, China first, the provinces by rank; None
    for an indicator CNIPA publishes nothing of."""
    from ipstrong.reference.series import figures

    if series is None:
        return None
    published = [f for f in figures(data_dir) if f.indicator == series]
    names = by_code()
    found = sorted((f for f in published if f.year == year), key=lambda f: (f.region_code != CHINA, -f.value))
    provinces = [f.value for f in found if f.region_code != CHINA]
    return Comparison(
        figures=[
            PublishedFigure(
                region_code=f.region_code, region_name=names[f.region_code].name if f.region_code in names else "全国",
                value=f.value, rank=provinces.index(f.value) + 1 if f.region_code != CHINA else None,
                source_title=f.source_title, source_url=f.source_url,
            )
            for f in found
        ],
        published_years=sorted({f.year for f in published}),
    )  # fmt: skip


def _point(day: str, rows: list[dict], region: str) -> SeriesPoint:
    own = next((r for r in rows if r["region_code"] == region), None)
    value = own["value"] if own else None
    return SeriesPoint(year=int(day[:4]), asof=day, value=value, note=own["note"] if own and value is None else None)


def _ranks(by_day: dict[str, list[dict]], asof: dt.date, region: str) -> dict[str, Rank]:
    """Each part's rank by value at ``asof`` (ties share a rank) and its change on the year-end before."""
    now = [r for r in by_day.get(asof.isoformat(), []) if r["region_code"] != region]
    before = {r["region_code"]: r["value"] for r in by_day.get(dt.date(asof.year - 1, 12, 31).isoformat(), [])}
    values = sorted((r["value"] for r in now if r["value"] is not None), reverse=True)
    ranks = {}
    for r in now:
        previous = before.get(r["region_code"])
        change = r["value"] - previous if r["value"] is not None and previous is not None else None
        rank = values.index(r["value"]) + 1 if r["value"] is not None else None
        ranks[r["region_code"]] = Rank(rank=rank, previous=previous, change=change)
    return ranks


def _region_first(rows: list[dict], region: str) -> list[dict]:
    """The region's own figure, then its parts in the order computed."""
    return sorted(rows, key=lambda r: r["region_code"] != region)


def _gaps(day: str, rows: list[dict]) -> LaterYear:
    missing = [r for r in rows if r["value"] is None]
    return LaterYear(year=int(day[:4]), missing=[r["region_name"] for r in missing], note=missing[0]["note"] if missing else None)


def _latest_complete(by_day: dict[str, list[dict]], until: dt.date) -> dt.date:
    """The latest year-end up to ``until`` at which every region shown has a figure; else the latest at which the
    region itself has one; else ``until``."""
    days = sorted((d for d in by_day if d <= until.isoformat()), reverse=True)
    for complete in (lambda rows: all(r["value"] is not None for r in rows), lambda rows: rows[0]["value"] is not None):
        for day in days:
            if by_day[day] and complete(by_day[day]):
                return dt.date.fromisoformat(day)
    return until
