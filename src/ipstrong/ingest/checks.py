"""A row check as data: the field it blames, a SQL condition true when the row is wrong, a bilingual reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    field: str
    condition: str
    zh: str  # SQL string expression, so a reason can quote the value
    en: str


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def date_checks(*columns: str) -> list[Check]:
    """A check per date column: a value that is not a date is refused, quoting it."""
    return [
        Check(c, f"NOT ips_blank({c}) AND ips_date({c}) IS NULL", f"'日期无效：' || {c}", f"'invalid date: ' || {c}")
        for c in columns
    ]


def errors_sql(checks: list[Check]) -> str:
    """A SQL expression giving the list of ``{field, zh, en}`` structs of the checks a row fails.

    The reasons are built only for rows that fail something (DuckDB evaluates a CASE branch only for the rows
    that take it), so clean rows cost one pass over the conditions.
    """
    items = ",\n        ".join(
        f"CASE WHEN {c.condition} THEN {{'field': {lit(c.field)}, 'zh': {c.zh}, 'en': {c.en}}} END" for c in checks
    )
    failing = " OR ".join(f"coalesce({c.condition}, false)" for c in checks)
    return f"CASE WHEN {failing} THEN list_filter([\n        {items}\n    ], lambda x: x IS NOT NULL) ELSE [] END"


# An application of another office: an office code, then digits (DE2020…, US17/…), WIPO's with the receiving office
# (WOCN22…) or in PCT form (PCT/CN2020/…); vendors' global exports mix them with CN ones
FOREIGN_SQL = (
    "regexp_matches(upper(trim(app_no)), '^([A-Z]{2}([A-Z]{2})?\\d|PCT/)') "
    "AND NOT regexp_matches(upper(trim(app_no)), '^(CN|ZL)')"
)
OFFICE_SQL = "CASE WHEN starts_with(upper(trim(app_no)), 'PCT/') THEN 'WO' ELSE upper(substr(trim(app_no), 1, 2)) END"


def office_columns(explicit: str | None = None) -> str:
    """Select items every file kind uses to tell other offices' applications from CNIPA's: ``office_c`` (the file's
    own office column when it has one, else the number's prefix, else CN), ``fo`` (another office) and ``fo_app``
    (that office's number as the warehouse keeps it: US15950587, WOCN2020123456 for PCT/CN2020/123456)."""
    guess = f"CASE WHEN {FOREIGN_SQL} THEN {OFFICE_SQL} ELSE 'CN' END"
    office = f"upper(coalesce(nullif(trim({explicit}), ''), {guess}))" if explicit else guess
    return f"""{office} AS office_c, {office} <> 'CN' AS fo,
           CASE WHEN starts_with(upper(trim(app_no)), 'PCT/')
                THEN 'WO' || regexp_replace(upper(substr(trim(app_no), 5)), '[^A-Z0-9]', '', 'g')
                ELSE regexp_replace(upper(coalesce(app_no, '')), '[^A-Z0-9]', '', 'g') END AS fo_app"""


# The application number is checked the same way in every file kind (columns an_b, an_g, an_k, an_t, an_y, and fo,
# fo_app, office_c of ``office_columns``): CN numbers by CNIPA's rules, other offices' by their form.
APP_NO_CHECKS: list[Check] = [
    Check("app_no", "ips_blank(app_no)", lit("申请号为空"), lit("the application number is empty")),
    Check(
        "app_no",
        "fo AND NOT (regexp_full_match(fo_app, '[A-Z]{2}[0-9A-Z]{4,16}') AND starts_with(fo_app, office_c))",
        "'境外申请号无效（' || office_c || '）：' || coalesce(app_no, '')",
        "'not an application number of office ' || office_c || ': ' || coalesce(app_no, '')",
    ),
    Check(
        "app_no",
        "NOT fo AND NOT ips_blank(app_no) AND an_b = ''",
        "'申请号格式无效：' || app_no",
        "'not an application number: ' || app_no",
    ),
    Check(
        "app_no",
        "NOT fo AND an_b <> '' AND an_t NOT IN ('1', '2', '3', '8', '9')",
        "'申请种类号 ' || an_t || ' 无效（应为 1、2、3、8、9）'",
        "'invalid application type digit ' || an_t || ' (expected 1, 2, 3, 8 or 9)'",
    ),
    Check(
        "app_no",
        "NOT fo AND length(an_b) = 12 AND an_y < 2003",
        lit("12 位申请号的年号早于 2003 年"),
        lit("a 12-digit application number with a year before 2003"),
    ),
    Check(
        "app_no",
        "NOT fo AND an_g IS NOT NULL AND an_g <> an_k",
        "'校验位错误：' || app_no || ' 的校验位应为 ' || an_k",
        "'wrong check digit: ' || app_no || ' should end in ' || an_k",
    ),
]
