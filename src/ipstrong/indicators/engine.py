"""``ipstrong indicators compute``: evaluate catalogue entries for regions and as-of dates.

Regions are division codes (province, city, county-level unit) or named zones; a record is produced for every
requested region even when it has no patents (a count of 0 is a fact), while a ratio whose denominator was never
published is ``missing`` with the reason — never zero, never estimated.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import ibis
from ibis.expr.types import Table

from ipstrong.config import settings
from ipstrong.indicators.catalogue import BY_ID, CATALOGUE, OPEN_PARAMETERS, Indicator
from ipstrong.indicators.measures import (
    DEFAULTS,
    HIGH_VALUE_CRITERIA,
    MEASURES,
    REGION_COLUMNS,
    Parameters,
    Sources,
    days_table,
    high_value_met,
    register_of,
)
from ipstrong.messages import InvalidOption, IpsError, Msg
from ipstrong.reference.regions import Region, by_code, regions
from ipstrong.reference.sei import SEI_CONCORDANCE
from ipstrong.reference.series import lookup, population
from ipstrong.reference.zones import CustomZone, custom_zones
from ipstrong.warehouse.connection import ibis_connection, time_limit
from ipstrong.warehouse.snapshots import Warehouse

LEVEL_COLUMN = {"province": "province_code", "city": "city_code", "district": "district_code", "zone": "zone_id"}
BY_LEVELS = ("city", "district", "zone")  # what ``by`` breaks a region down into


def target_regions(region: str, by: str | None, data_dir: Path | None = None) -> list[tuple[str, str, str]]:
    """(code, name, level) of the region and, with ``by`` (``city``, ``district``, ``zone`` or several joined by
    commas: ``city,district``), of its cities, county-level units and/or development zones — the named zones
    (level ``zone``) and the office's custom zones (level ``custom``) that lie in it. ``region`` may also be one
    of the custom zones, whose ``by district`` is the county-level units it lists."""
    levels = by.split(",") if by else []
    for level in levels:
        if level not in BY_LEVELS:
            raise InvalidOption(
                "by",
                by,
                Msg("city、district、zone 或以逗号连接（city,district）", "city, district, zone or several (city,district)"),
            )
    table = by_code()
    if region.startswith("custom:"):
        zone = custom_zones(data_dir).get(region)
        if zone is None:
            raise IpsError(
                Msg(
                    f"未定义的开发区 {region}（ipstrong reference zones）",
                    f"no custom zone {region} (see ipstrong reference zones)",
                )
            )
        listed = [(code, table[code].name, "district") for code in zone.districts] if "district" in levels else []
        return [(zone.zone_id, zone.name_zh, "custom"), *listed]
    if region not in table or table[region].level not in LEVEL_COLUMN or table[region].status != "current":
        raise IpsError(Msg(f"未知或已撤销的区划代码 {region}", f"unknown or abolished region code {region}"))
    root = table[region]
    out = [(root.code, root.name, root.level)]
    column = "province_code" if root.level == "province" else "city_code"
    for level in levels:
        out += [
            (r.code, r.name, r.level)
            for r in regions()
            if r.level == level and r.status == "current" and getattr(r, column) == root.code and r.code != root.code
        ]
    if "zone" in levels:
        out += [(z.zone_id, z.name_zh, "custom") for z in custom_zones(data_dir).values() if _zone_within(z, root, column, table)]
    return out


def _zone_within(zone: CustomZone, root: Region, column: str, table: dict[str, Region]) -> bool:
    """Whether a custom zone lies in ``root``: every county-level unit it lists does (one defined by address
    patterns alone lies in the province only)."""
    if not zone.districts:
        return root.level == "province"
    return all(code in table and getattr(table[code], column) == root.code for code in zone.districts)


def in_zone(t: Table, zone: CustomZone) -> ibis.Value:
    """Whether a row of ``t`` (with ``district_code`` and ``address``) lies in a custom zone."""
    inside = t.district_code.isin(list(zone.districts) or [""])
    for pattern in zone.address_patterns:
        inside |= t.address.contains(pattern)
    return inside.fill_null(False)


def _with_address(src: Sources, rows: Table) -> Table:
    """Measure rows with the applicant's address, which custom zones' address patterns test."""
    addresses = src.p.select(address_app_no=src.p.app_no, address=src.p.address)
    return rows.left_join(addresses, rows.app_no == addresses.address_app_no)


def _zone_counts(src: Sources, measure: str, zones: list[CustomZone]) -> dict[tuple[dt.date, str, str], float]:
    """Value of a measure per (as-of day, ``custom``, zone id), every zone in one query (zones may overlap)."""
    if not zones:
        return {}
    j = _with_address(src, MEASURES[measure](src))
    sums = {f"z{i}": j.value.sum(where=in_zone(j, zone)) for i, zone in enumerate(zones)}
    out: dict[tuple[dt.date, str, str], float] = {}
    for row in j.group_by("asof").aggregate(**sums).to_pyarrow().to_pylist():
        for i, zone in enumerate(zones):
            out[(row["asof"], "custom", zone.zone_id)] = float(row[f"z{i}"] or 0)
    return out


def default_asof(data_dir: Path) -> dt.date:
    """The last complete year-end in the data."""
    from ipstrong.warehouse.connection import snapshot_connection

    con = snapshot_connection(data_dir)
    latest = con.execute(
        "SELECT greatest(max(app_date), max(pub_date), max(grant_date)) FROM patents WHERE office = 'CN'"
    ).fetchall()[0][0]
    con.close()
    if latest is None:
        raise IpsError(Msg("仓库中没有数据：先运行 ipstrong ingest", "the warehouse is empty: run ipstrong ingest first"))
    return latest if (latest.month, latest.day) == (12, 31) else dt.date(latest.year - 1, 12, 31)


def _sources(backend: Any, days: list[dt.date], params: Parameters, manifest: dict[str, Any]) -> Sources:
    patents = backend.table("patents")
    return Sources(
        patents.filter(patents.office == "CN"),  # official indicators count CNIPA's records; other offices' are held apart
        backend.table("events"),
        backend.table("trademarks"),
        backend.table("gi"),
        days_table(days),
        params,
        stored_sei=manifest.get("sei_concordance") == SEI_CONCORDANCE,
    )


def _counts(src: Sources, measure: str) -> dict[tuple[dt.date, str, str], float]:
    """Value of a measure per (as-of day, level, region code), every day in one query: rows are grouped by day and
    the finest place, and the levels are added up from those groups. (One query for all measures, a union, was
    measured no faster.)"""
    rows = MEASURES[measure](src)
    grouped = rows.group_by("asof", *REGION_COLUMNS).aggregate(value=rows.value.sum())
    out: dict[tuple[dt.date, str, str], float] = defaultdict(float)
    for row in grouped.to_pyarrow().to_pylist():
        for level, column in LEVEL_COLUMN.items():
            if row[column] is not None:
                out[(row["asof"], level, row[column])] += float(row["value"] or 0)
    return out


def _current_sources(data_dir: Path, days: list[dt.date], params: Parameters) -> tuple[Any, Sources]:
    """The current snapshot on DuckDB and the sources the measures read, on ``days``."""
    warehouse = Warehouse(data_dir)
    snapshot = warehouse.current_id()
    if snapshot is None:
        raise IpsError(Msg("仓库中没有数据：先运行 ipstrong ingest", "the warehouse is empty: run ipstrong ingest first"))
    backend = _backend(data_dir, snapshot, "duckdb")
    return backend, _sources(backend, days, params, warehouse.manifest(snapshot))


def by_applicant(
    data_dir: Path,
    measures: list[str],
    days: list[dt.date],
    params: Parameters = DEFAULTS,
    timeout_s: float | None = None,
    entities: list[int] | None = None,
) -> dict[tuple[str, dt.date], dict[int, float]]:
    """The value of each patent measure per applicant entity (a patent's first applicant, ``first_applicant_id``) on
    each day: the same rows the indicators count, grouped by who holds them rather than where. One query per
    measure for every day and entity (or only ``entities``)."""
    backend, src = _current_sources(data_dir, sorted(set(days)), params)
    holders = src.p.filter(src.p.first_applicant_id.notnull()).select(holder_app_no=src.p.app_no, entity=src.p.first_applicant_id)
    if entities is not None:
        holders = holders.filter(holders.entity.isin(entities))
    out: dict[tuple[str, dt.date], dict[int, float]] = defaultdict(dict)
    with time_limit(backend.con, timeout_s):
        for measure in measures:
            rows = MEASURES[measure](src)
            j = rows.inner_join(holders, rows.app_no == holders.holder_app_no)
            for row in j.group_by("asof", "entity").aggregate(value=j.value.sum()).to_pyarrow().to_pylist():
                out[(measure, row["asof"])][row["entity"]] = float(row["value"] or 0)
    return out


def high_value_criteria(
    data_dir: Path, app_nos: list[str], day: dt.date, params: Parameters = DEFAULTS, timeout_s: float | None = None
) -> dict[str, list[str]]:
    """The high-value criteria (``measures.HIGH_VALUE_CRITERIA``) each of ``app_nos`` meets on ``day``, in the
    criteria's order; a patent that meets none is left out."""
    backend, src = _current_sources(data_dir, [day], params)
    order = list(HIGH_VALUE_CRITERIA)
    met: dict[str, list[str]] = defaultdict(list)
    with time_limit(backend.con, timeout_s):
        for row in high_value_met(src, app_nos).to_pyarrow().to_pylist():
            met[row["app_no"]].append(row["criterion"])
    return {app_no: sorted(found, key=order.index) for app_no, found in met.items()}


def den_is_population(ind: Indicator) -> bool:
    return ind.denominator is not None and ind.denominator.series == "population"


# what a reference series is called in a "not found" note
SERIES_LABELS = {
    "gdp_100m_yuan": ("地区生产总值", "GDP"),
    "market_entities_10k": (
        "年末实有市场主体数（万户，可用 ipstrong reference import 导入）",
        "market entities at year-end (10,000s; import them with ipstrong reference import)",
    ),
}


def _denominator(
    ind: Indicator,
    code: str,
    year: int,
    vintage: str,
    data_dir: Path,
    values: dict[str, dict[tuple[dt.date, str, str], float]],
    day: dt.date,
    level: str,
) -> tuple[float | None, str | None]:
    den = ind.denominator
    assert den is not None
    if den.measure:
        value = values[den.measure].get((day, level, code), 0.0)
        return (value, None) if value else (None, "分母为零 / the denominator is zero")
    if den.series == "population":
        fig = population(code, year, vintage, data_dir)
        label = (
            ("年末常住人口（首次公布）", "year-end resident population (first published)")
            if vintage == "first"
            else ("年末常住人口（修订）", "year-end resident population (revised)")
        )
    else:
        fig = lookup(code, year, den.series or "", data_dir)
        label = SERIES_LABELS.get(den.series or "", (den.series or "", den.series or ""))
    if fig is None:
        return None, f"{year} 年{label[0]}未找到 / {label[1]} for {year} not found"
    return fig.value * den.unit_factor, None


ENGINES = ("duckdb", "spark")


def _backend(data_dir: Path, snapshot: str, engine: str) -> Any:
    if engine == "spark":
        from ipstrong.warehouse.connection import spark_connection

        return spark_connection(data_dir, snapshot)
    if engine != "duckdb":
        raise IpsError(Msg(f"未知引擎 {engine}（duckdb 或 spark）", f"unknown engine {engine} (duckdb or spark)"))
    return ibis_connection(data_dir, snapshot)


def _event_types_held(backend: Any, wanted: set[str]) -> set[str]:
    """Which of the event types ``wanted`` the snapshot holds at least one event of."""
    if not wanted:
        return set()
    events = backend.table("events")
    found = events.filter(events.event_type.isin(sorted(wanted))).select("event_type").distinct().to_pyarrow()
    return {str(v) for v in found.column("event_type").to_pylist()}


def compute(
    data_dir: Path,
    indicator_ids: list[str] | None,
    asof_dates: list[dt.date],
    region: str | None = None,
    by: str | None = None,
    snapshot: str | None = None,
    engine: str = "duckdb",
    params: Parameters = DEFAULTS,
    timeout_s: float | None = None,
) -> list[dict[str, Any]]:
    """Records for every indicator × region × as-of date; on DuckDB, "timed out" after ``timeout_s`` seconds.
    ``region`` defaults to the platform's home province (the ``home_province`` setting)."""
    region = region or settings(data_dir).home_province
    unknown = [i for i in indicator_ids or [] if i not in BY_ID]
    if unknown:
        raise IpsError(
            Msg(
                f"未知指标 {'、'.join(unknown)}（ipstrong indicators list）",
                f"unknown indicator {', '.join(unknown)} (see ipstrong indicators list)",
            )
        )
    check_parameters(params)
    warehouse = Warehouse(data_dir)
    snapshot = snapshot or warehouse.current_id()
    if snapshot is None:
        raise IpsError(Msg("仓库中没有数据：先运行 ipstrong ingest", "the warehouse is empty: run ipstrong ingest first"))
    chosen = [BY_ID[i] for i in indicator_ids] if indicator_ids else CATALOGUE
    targets = target_regions(region, by, data_dir)
    zones = [custom_zones(data_dir)[code] for code, _name, level in targets if level == "custom"]
    backend = _backend(data_dir, snapshot, engine)
    # every measure on every day needed: the as-of dates and the comparison days of growth rates and multiples
    held = _event_types_held(backend, {i.needs for i in chosen if i.needs})
    evaluable = [i for i in chosen if not (i.not_evaluable and i.lacking(held))]
    measures = {i.numerator for i in evaluable} | {
        i.denominator.measure for i in evaluable if i.denominator and i.denominator.measure
    }
    days = set(asof_dates) | {_reference_day(d, i.compare[1]) for i in evaluable if i.compare for d in asof_dates}
    src = _sources(backend, sorted(days), params, warehouse.manifest(snapshot))
    try:
        with time_limit(backend.con, timeout_s) if engine == "duckdb" else nullcontext():
            values = {m: {**_counts(src, m), **_zone_counts(src, m, zones)} for m in sorted(measures)}
            # where each kind of record begins: a day before it has no figure (missing, not zero)
            begins = {
                "patents": src.p.app_date.min().to_pyarrow().as_py(),
                "trademarks": src.t.app_date.coalesce(src.t.reg_date).min().to_pyarrow().as_py(),
                "gi": src.g.app_date.coalesce(src.g.reg_date).min().to_pyarrow().as_py(),
            }
    finally:
        src.release()
    records: list[dict[str, Any]] = []

    for d in asof_dates:
        for ind in chosen:
            for code, name, level in targets:
                lacking = ind.lacking(held)
                missing = ind.not_evaluable is not None and lacking
                numerator = values[ind.numerator].get((d, level, code), 0.0) if not missing else None
                record = {
                    "indicator": ind.id,
                    "name_zh": ind.name_zh,
                    "name_en": ind.name_en,
                    "region_code": code,
                    "region_name": name,
                    "asof": d.isoformat(),
                    "kind": ind.kind,
                    "value": numerator,
                    "numerator": numerator,
                    "denominator": None,
                    "unit": ind.unit,
                    "snapshot": snapshot,
                    "status": "ok",
                    "note": None,
                }
                if missing and ind.not_evaluable:
                    record.update(status="missing", note=" / ".join(ind.not_evaluable))
                elif (first := begins[register_of(ind.numerator)]) is None or d < first:
                    record.update(
                        value=None,
                        numerator=None,
                        status="missing",
                        note=f"早于数据起点（最早申请日 {first}）/ before the data begins (first filing {first})"
                        if first
                        else "快照中没有此类记录 / the snapshot holds no such records",
                    )
                elif ind.compare is not None:
                    how, base_year = ind.compare
                    ref_day = _reference_day(d, base_year)
                    ref = values[ind.numerator].get((ref_day, level, code), 0.0)
                    if ref:
                        value = (numerator / ref - 1) * 100 if how == "growth" else numerator / ref
                        record.update(denominator=ref, value=value, note=f"与 {ref_day} 比较 / compared with {ref_day}")
                    else:
                        record.update(
                            denominator=ref,
                            value=None,
                            status="missing",
                            note=f"{ref_day} 的值为零 / the value on {ref_day} is zero",
                        )
                elif ind.denominator is not None:
                    year = d.year - 1 if params.population_year == "previous" and den_is_population(ind) else d.year
                    den, note = _denominator(ind, code, year, params.population_vintage, data_dir, values, d, level)
                    record.update(
                        denominator=den,
                        note=note,
                        value=numerator / den * ind.scale if den else None,
                        status="ok" if den else "missing",
                    )
                if ind.partial and lacking and record["status"] == "ok":
                    record.update(status="partial", note=" / ".join(ind.partial))
                records.append(record)
    return records


def check_parameters(params: Parameters) -> None:
    """Refuse parameter values the catalogue's declarations do not take, naming the parameter."""
    for parameter in OPEN_PARAMETERS.values():
        parameter.check(getattr(params, parameter.name))


def _reference_day(d: dt.date, base_year: int | None) -> dt.date:
    """The same day a year earlier, or in the base year (28 February stands for 29 February)."""
    year = base_year if base_year is not None else d.year - 1
    return d.replace(year=year, day=28) if (d.month, d.day) == (2, 29) else d.replace(year=year)


EXPLAIN_COLUMNS = (
    "app_no",
    "title",
    "first_applicant",
    "applicant_type",
    "patent_type",
    "app_date",
    "grant_date",
    "lapse_date",
    "legal_status",
    "city_code",
    "district_code",
    "value",
)


def _marks_behind(measure: str, rows: Table, t: Table) -> Table:
    """The trademarks behind a trademark figure — or, for holder counts, one row per enterprise — in the columns of
    ``EXPLAIN_COLUMNS``: registration number, mark, owner, owner type, ``trademark``, filing, registration and expiry
    dates, status."""
    if measure == "trademark_holders":
        return rows.select(
            app_no=rows.app_no,
            title=ibis.null("string"),
            first_applicant=rows.app_no,
            applicant_type=ibis.literal("enterprise"),
            patent_type=ibis.literal("trademark holder"),
            app_date=ibis.null("date"),
            grant_date=ibis.null("date"),
            lapse_date=ibis.null("date"),
            legal_status=ibis.null("string"),
            city_code=rows.city_code,
            district_code=rows.district_code,
            value=rows.value,
        )
    j = rows.inner_join(t, rows.app_no == t.reg_no)
    return j.select(
        app_no=j.reg_no,
        title=j.mark_name,
        first_applicant=j.owner,
        applicant_type=j.owner_type,
        patent_type=ibis.literal("trademark"),
        app_date=j.app_date,
        grant_date=j.reg_date,
        lapse_date=j.expiry_date,
        legal_status=j.status,
        city_code=j.city_code,
        district_code=j.district_code,
        value=j.value,
    )


def _indications_behind(rows: Table, g: Table) -> Table:
    """The geographical indications behind a figure, in the columns of ``EXPLAIN_COLUMNS``: number, name, applicant,
    ``geographical indication``, filing and registration dates, status."""
    j = rows.inner_join(g, rows.app_no == g.gi_no)
    return j.select(
        app_no=j.gi_no,
        title=j.name,
        first_applicant=j.applicant,
        applicant_type=ibis.null("string"),
        patent_type=ibis.literal("geographical indication"),
        app_date=j.app_date,
        grant_date=j.reg_date,
        lapse_date=ibis.null("date"),
        legal_status=j.status,
        city_code=j.city_code,
        district_code=j.district_code,
        value=j.value,
    )


def explain(
    data_dir: Path,
    indicator_id: str,
    region: str,
    asof: dt.date,
    snapshot: str | None = None,
    limit: int | None = None,
    params: Parameters = DEFAULTS,
    timeout_s: float | None = None,
) -> list[dict[str, Any]]:
    """The patents behind an indicator's numerator for one region and date, so a figure can be checked row by row."""
    if indicator_id not in BY_ID or BY_ID[indicator_id].never_evaluable:
        raise IpsError(Msg(f"未知或无法计算的指标 {indicator_id}", f"unknown or not evaluable indicator {indicator_id}"))
    check_parameters(params)
    code, _name, level = target_regions(region, None, data_dir)[0]
    snapshot = snapshot or Warehouse(data_dir).current_id()
    backend = ibis_connection(data_dir, snapshot)
    src = _sources(backend, [asof], params, Warehouse(data_dir).manifest(snapshot) if snapshot else {})
    measure = BY_ID[indicator_id].numerator
    try:
        # building a measure may already run queries (shared tables): all of it under the time limit
        with time_limit(backend.con, timeout_s):
            rows = MEASURES[measure](src)
            if level == "custom":
                rows = _with_address(src, rows)
                rows = rows.filter(in_zone(rows, custom_zones(data_dir)[code])).drop("address_app_no", "address")
            else:
                rows = rows.filter(rows[LEVEL_COLUMN[level]] == code)
            register = register_of(measure)
            if register == "trademarks":
                detail = _marks_behind(measure, rows, src.t)
            elif register == "gi":
                detail = _indications_behind(rows, src.g)
            else:
                detail = rows.inner_join(src.p, rows.app_no == src.p.app_no).select(*EXPLAIN_COLUMNS)
            detail = detail.order_by("app_no")
            if limit:
                detail = detail.limit(limit)
            return detail.to_pyarrow().to_pylist()
    finally:
        src.release()
