"""``ipstrong assess``: the city assessment table — each region's indicator against its target.

The targets file is CSV: ``region_code, indicator, year, target, direction`` (``higher`` or ``lower`` is better).
Each row gives the computed value at the year-end, the completion rate, the change on the year before, the rank
among the regions assessed on the same indicator, and — where the office loaded the published figure with
``ipstrong reference import`` under the indicator's id — the published value and the difference.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ipstrong.config import settings
from ipstrong.csvin import read_rows
from ipstrong.indicators.catalogue import BY_ID
from ipstrong.indicators.engine import compute
from ipstrong.indicators.measures import DEFAULTS, Parameters
from ipstrong.messages import IpsError, Msg
from ipstrong.output import PrintLayout, write_xlsx
from ipstrong.reference.regions import by_code
from ipstrong.reference.series import lookup

COLUMNS = ("region_code", "indicator", "year", "target", "direction")


def read_targets(path: Path, year: int) -> list[dict[str, Any]]:
    """The targets of ``year``, each row checked (file, row and field named in every message)."""
    rows = read_rows(path, COLUMNS)
    regions = by_code()
    out = []
    for number, row in enumerate(rows, start=2):

        def bad(field: str, zh: str, en: str, number: int = number) -> IpsError:
            return IpsError(Msg(zh, en).located(str(path), number, field))

        if row["region_code"] not in regions or regions[row["region_code"]].status != "current":
            raise bad("region_code", f"未知区划代码 {row['region_code']}", f"unknown region code {row['region_code']}")
        if row["indicator"] not in BY_ID:
            raise bad("indicator", f"未知指标 {row['indicator']}", f"unknown indicator {row['indicator']}")
        if row["direction"] not in ("higher", "lower"):
            raise bad("direction", "应为 higher 或 lower", "must be higher or lower")
        try:
            row_year, target = int(row["year"]), float(row["target"])
        except ValueError:
            raise bad("year/target", "年份或目标值不是数字", "year or target is not a number") from None
        if row_year == year:
            out.append({**row, "year": row_year, "target": target})
    if not out:
        raise IpsError(Msg(f"没有 {year} 年的目标", f"no targets for {year}").located(file=str(path)))
    return out


def assess(data_dir: Path, year: int, targets_file: Path, params: Parameters = DEFAULTS) -> list[dict[str, Any]]:
    """One record per target row, the figures computed with ``params`` (those of ``indicators compute``)."""
    targets = read_targets(targets_file, year)
    day, before = dt.date(year, 12, 31), dt.date(year - 1, 12, 31)
    figures: dict[tuple[str, str, dt.date], dict[str, Any]] = {}
    regions = by_code()
    indicators = sorted({t["indicator"] for t in targets})
    codes = {t["region_code"] for t in targets}
    # the home province and its cities come from one computation of every indicator; other regions one by one
    home = settings(data_dir).home_province
    provincial = {c for c in codes if c == home or (regions[c].level == "city" and regions[c].province_code == home)}
    batches = [(home, "city")] if provincial else []
    batches += [(c, None) for c in sorted(codes - provincial)]
    for region, by in batches:
        for record in compute(data_dir, indicators, [day, before], region, by, params=params):
            figures[(record["indicator"], record["region_code"], dt.date.fromisoformat(record["asof"]))] = record
    rows = []
    for t in targets:
        now, prev = figures[(t["indicator"], t["region_code"], day)], figures[(t["indicator"], t["region_code"], before)]
        value = now["value"]
        higher = t["direction"] == "higher"
        completion = None
        if value is not None and t["target"]:
            completion = value / t["target"] * 100 if higher else (t["target"] / value * 100 if value else None)
        published = lookup(t["region_code"], year, t["indicator"], data_dir)
        rows.append(
            {
                "region_code": t["region_code"],
                "region_name": now["region_name"],
                "indicator": t["indicator"],
                "name_zh": now["name_zh"],
                "name_en": now["name_en"],
                "year": year,
                "unit": now["unit"],
                "value": value,
                "target": t["target"],
                "direction": t["direction"],
                "completion_pct": completion,
                "previous": prev["value"],
                "change": value - prev["value"] if value is not None and prev["value"] is not None else None,
                "published": published.value if published else None,
                "difference": value - published.value if published and value is not None else None,
                "status": now["status"],
                "note": now["note"],
                "rank": None,
            }
        )
    level = {code: region.level for code, region in regions.items()}
    for indicator, peers in {(r["indicator"], level[r["region_code"]]) for r in rows}:
        # ranked among regions of the same level (cities with cities, counties with counties); equal values share
        # a rank and the next rank is skipped (1, 1, 3)
        group = [r for r in rows if r["indicator"] == indicator and level[r["region_code"]] == peers and r["value"] is not None]
        group.sort(key=lambda r: r["value"], reverse=group[0]["direction"] == "higher" if group else True)
        for position, r in enumerate(group, start=1):
            ahead = group[position - 2] if position > 1 else None
            r["rank"] = ahead["rank"] if ahead is not None and ahead["value"] == r["value"] else position
    return rows


ASSESSMENT_SHEET = (
    ("region_name", "地区 Region", 14),
    ("name_zh", "指标 Indicator", 26),
    ("unit", "单位 Unit", 9),
    ("value", "完成值 Value", 12),
    ("target", "目标 Target", 12),
    ("completion_pct", "完成率% Completion", 14),
    ("change", "同比变化 Change", 14),
    ("rank", "排名 Rank", 8),
    ("published", "公布值 Published", 14),
    ("difference", "差异 Difference", 14),
    ("status", "状态 Status", 10),
)


def write_assessment_xlsx(rows: list[dict[str, Any]], out: Path) -> None:
    """The assessment table formatted for printing: landscape, one page wide, header repeated on every page."""
    layout = PrintLayout("考核 Assessment", tuple(width for _key, _label, width in ASSESSMENT_SHEET))
    header = [label for _key, label, _width in ASSESSMENT_SHEET]
    write_xlsx(out, header, ([row[key] for key, _label, _width in ASSESSMENT_SHEET] for row in rows), layout)
