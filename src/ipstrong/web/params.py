"""The ranges of what a URL may carry, declared once for the pages and the API: an id fits the database's integer,
an offset and a year stay within what the engines compute, text has a length. A value outside is refused (422) in
the schema, before any handler runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Path, Query

MAX_ID = 2**31 - 1  # the operational database's ids are 32-bit integers on PostgreSQL
MAX_OFFSET = 1_000_000
FIRST_YEAR, LAST_YEAR = 1985, 2100  # the patent law's first year; far enough ahead for targets

RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
RowIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
YearQuery = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)]
Text = Annotated[str, Query(max_length=2000)]
Word = Annotated[str, Query(max_length=100)]
PathWord = Annotated[str, Path(max_length=100)]
FormId = Annotated[int, Form(ge=1, le=MAX_ID)]
FormYear = Annotated[int, Form(ge=FIRST_YEAR, le=LAST_YEAR)]
