"""What the indicator services return, typed once: a figure and a row of the city assessment.

``engine.compute`` yields ``FigureRecord`` rows and ``assess.assess`` yields ``AssessmentRow`` rows (as plain dicts
with exactly these fields, the shape the dashboard, the exports and the Spark path read). The API declares these
models as its responses, the command line's table takes its columns from ``TABLE``, and a test holds the services
to the fields, so no field list is written a second time.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel


class FigureRecord(BaseModel):
    """One indicator for one region and as-of date, with its parts and why it may be missing."""

    indicator: str
    name_zh: str
    name_en: str
    region_code: str
    region_name: str
    asof: str
    kind: str  # stock | flow
    value: float | None
    numerator: float | None
    denominator: float | None
    unit: str
    snapshot: str
    status: str  # ok | partial | missing
    note: str | None

    # the columns of the command line's table (the JSON, CSV and XLSX outputs carry every field)
    TABLE: ClassVar[tuple[str, ...]] = ("indicator", "region_name", "asof", "value", "unit", "status", "note")
    WORDS: ClassVar[dict[str, str]] = {"status": "figure_status"}  # the table shows these columns in words


class AssessmentRow(BaseModel):
    """One target of the city assessment: the figure reached, the completion, the change, the rank and the
    published value it is checked against."""

    region_code: str
    region_name: str
    indicator: str
    name_zh: str
    name_en: str
    year: int
    unit: str
    value: float | None
    target: float
    direction: str  # higher | lower
    completion_pct: float | None
    previous: float | None
    change: float | None
    published: float | None
    difference: float | None
    status: str
    note: str | None
    rank: int | None

    TABLE: ClassVar[tuple[str, ...]] = (
        "region_name",
        "indicator",
        "value",
        "target",
        "completion_pct",
        "change",
        "rank",
        "published",
        "difference",
        "status",
    )
