"""The ranges of what a URL may carry, declared once for the pages and the API: an id fits the database's integer,
an offset and a year stay within what the engines compute, text has a length. A value outside is refused (422) in
the schema, before any handler runs."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import Depends, Form, Path, Query
from pydantic import BeforeValidator, Field, create_model

from ipstrong.indicators.catalogue import OPEN_PARAMETERS, OpenParameter
from ipstrong.indicators.measures import Parameters
from ipstrong.reference.regions import JIANGSU, regions

MAX_ID = 2**31 - 1  # the operational database's ids are 32-bit integers on PostgreSQL
MAX_OFFSET = 1_000_000
FIRST_YEAR, LAST_YEAR = 1985, 2100  # the patent law's first year; far enough ahead for targets

RowId = Annotated[int, Path(ge=1, le=MAX_ID)]


def typed_id(typed: str, field: str) -> int | None:
    """An id as a person typed it in a form's text box: empty is none, anything but a whole number in range is
    refused naming ``field``."""
    from ipstrong.messages import IpsError, Msg

    text = typed.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise IpsError(Msg(f"编号须为数字：{typed}", f"the id is a number: {typed}").located(field=field))
    return int(text)


RowIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
YearQuery = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)]
Text = Annotated[str, Query(max_length=2000)]
Word = Annotated[str, Query(max_length=100)]


def _blank_is_none(value: Any) -> Any:
    """A form's empty field is "not given" (a GET form sends every field, filled or not)."""
    return None if value == "" else value


def optional_count(maximum: int, minimum: int = 0, description: str | None = None) -> Any:
    """A whole number from ``minimum`` to ``maximum`` a form may leave empty."""
    bounded = Annotated[int, Field(ge=minimum, le=maximum)]
    return Annotated[bounded | None, BeforeValidator(_blank_is_none), Query(description=description or f"{minimum} … {maximum}")]


PathWord = Annotated[str, Path(max_length=100)]
FormId = Annotated[int, Form(ge=1, le=MAX_ID)]
FormYear = Annotated[int, Form(ge=FIRST_YEAR, le=LAST_YEAR)]


def _jiangsu_codes(name: str, levels: tuple[str, ...]) -> type[Enum]:
    """Today's Jiangsu region codes of the given levels, as an enum the OpenAPI description lists."""
    codes = {r.code: r.code for r in regions() if r.province_code == JIANGSU and r.status == "current" and r.level in levels}
    return Enum(name, codes, type=str)  # type: ignore[return-value]


# accounts and assessment targets belong to Jiangsu's bodies: the province, its cities and county-level units
JiangsuRegion = _jiangsu_codes("JiangsuRegion", ("province", "city", "district"))


def _annotation(parameter: OpenParameter) -> Any:
    """A parameter's type as the schema states it: its options, or a number."""
    return Literal[parameter.options] if parameter.options else float  # type: ignore[valid-type]


def _bounds(parameter: OpenParameter) -> dict[str, float]:
    return {k: v for k, v in (("ge", parameter.minimum), ("le", parameter.maximum)) if v is not None}


def open_parameters(where: Callable[..., Any]) -> Callable[..., Parameters]:
    """A dependency that reads the catalogue's open parameters (indicators/catalogue.py, OPEN_PARAMETERS) as query
    parameters (``where=Query``) or form fields (``Form``), each with its default, options or range and label, and
    gives the engine's ``Parameters``: the same names and defaults as the command line's options."""

    def read(**values: Any) -> Parameters:
        return Parameters(**values)

    read.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                p.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=p.default,
                annotation=Annotated[_annotation(p), where(description=p.label, **_bounds(p))],
            )
            for p in OPEN_PARAMETERS.values()
        ]
    )
    return read


# the open parameters as one JSON object (the assessment's body)
ParametersIn = create_model(
    "ParametersIn",
    __doc__="指标口径参数（默认值及理由见指标目录）/ the open choices of a computation (the catalogue says why each default)",
    **{
        p.name: (_annotation(p), Field(p.default, description=p.label, **_bounds(p)))  # type: ignore[call-overload]
        for p in OPEN_PARAMETERS.values()
    },
)
QueryParameters = Annotated[Parameters, Depends(open_parameters(Query))]
FormParameters = Annotated[Parameters, Depends(open_parameters(Form))]
