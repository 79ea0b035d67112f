"""The dashboard as a service: for the reader's region, one indicator by city (or county) with the headline figures
beside it, and its series of year-ends from the programme's base year. The page ``/indicators`` and
``GET /api/v1/indicators/dashboard`` render this one call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel

from ipstrong.accounts.roles import Actor
from ipstrong.indicators.catalogue import BY_ID
from ipstrong.indicators.records import FigureRecord
from ipstrong.messages import InvalidOption, Msg

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


class Dashboard(BaseModel):
    """One indicator for the reader's region: the region's own figure first, then its cities (or counties); the
    headline figures of the region; and the indicator's series of year-ends. Empty while the warehouse holds no
    snapshot (``asof`` is then None)."""

    indicator: str
    unit: str
    region: str
    by: str  # city | district
    asof: dt.date | None
    records: list[FigureRecord]
    headline: list[FigureRecord]
    series: list[SeriesPoint]
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
) -> Dashboard:
    """The dashboard of ``indicator`` as of the year-end ``year`` (the latest the data supports when None) for the
    reader's own region: by city at the province, by county below it or when ``by`` is ``district``."""
    from ipstrong.indicators.engine import compute, default_asof
    from ipstrong.warehouse.snapshots import Warehouse

    if indicator not in BY_ID:
        raise InvalidOption(
            "indicator", indicator, Msg("指标目录中的编号（indicators list）", "an id of the catalogue (indicators list)")
        )
    if by not in ("city", "district"):
        raise InvalidOption("by", by, Msg("city 或 district", "city or district"))
    region = _region_of(actor, home_province)
    level = "district" if region != home_province or by == "district" else "city"
    chosen = BY_ID[indicator]
    empty = Dashboard(
        indicator=indicator, unit=chosen.unit, region=region, by=level, asof=None, records=[], headline=[], series=[],
        evaluable=not chosen.not_evaluable,
    )  # fmt: skip
    if Warehouse(data_dir).current_id() is None:
        return empty
    asof = dt.date(year, 12, 31) if year else default_asof(data_dir)
    # one computation for the map/table and the headline cards (they share the effective base), one for the series
    wanted = [indicator, *(h for h in HEADLINE if h != indicator)]
    both = compute(data_dir, wanted, [asof], region, level, timeout_s=timeout_s)
    headline = sorted(
        (r for r in both if r["indicator"] in HEADLINE and r["region_code"] == region),
        key=lambda r: HEADLINE.index(r["indicator"]),
    )
    days = [dt.date(y, 12, 31) for y in range(min(SERIES_FROM, asof.year), asof.year + 1)]
    series = compute(data_dir, [indicator], days, region, timeout_s=timeout_s)
    return empty.model_copy(
        update={
            "asof": asof,
            "records": [FigureRecord(**r) for r in both if r["indicator"] == indicator],
            "headline": [FigureRecord(**r) for r in headline],
            "series": [SeriesPoint(year=int(r["asof"][:4]), asof=r["asof"], value=r["value"]) for r in series],
        }
    )
