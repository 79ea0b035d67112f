"""SQL macros that ingest uses to normalise and check whole columns at once in DuckDB.

One definition per rule, shared by the patent and the event files. The check-digit arithmetic is the same as
``ipstrong.ids.appno`` (which checks single values); tests compare the two on generated numbers.
"""

from __future__ import annotations

from ipstrong.ids.appno import WEIGHTS_8, WEIGHTS_12
from ipstrong.ingest.applicant_types import applicant_type_macro, applicant_type_word_macro
from ipstrong.ingest.status_words import log_lapse_macros, status_word_macro


def _weighted(weights: tuple[int, ...]) -> str:
    """Sum of digit × weight over the integer ``n`` (most significant digit first), mod 11, in integer arithmetic."""
    width = len(weights)
    terms = [f"((n // {10 ** (width - 1 - i)}) % 10) * {w}" for i, w in enumerate(weights)]
    return f"(({' + '.join(terms)}) % 11)"


MACROS = [
    # application numbers: fold width, drop CN/ZL prefix, spaces and middle dots
    """CREATE OR REPLACE MACRO ips_an_fold(s) AS
        replace(replace(translate(upper(trim(s)), '０１２３４５６７８９．Ｘ　', '0123456789.X '), ' ', ''), '·', '')""",
    # (macros are expanded in place, so a value used three times would be computed three times: one regex)
    # fast paths for the two forms exports use most (201710601862.3 and CN201710601862.3); the digits are checked
    # by ips_an_parts either way
    """CREATE OR REPLACE MACRO ips_an_clean(s) AS CASE
        WHEN length(s) = 14 AND substr(s, 13, 1) = '.' THEN s
        WHEN length(s) = 16 AND substr(s, 15, 1) = '.' AND starts_with(s, 'CN') THEN substr(s, 3)
        ELSE regexp_replace(ips_an_fold(s), '^(CN|ZL)', '') END""",
    # body and given check digit in one match: {'b': '201710601862', 'g': '3'}
    r"CREATE OR REPLACE MACRO ips_an_parts(c) AS regexp_extract(c, '^(\d{12}|\d{8})\.?([0-9X])?$', ['b', 'g'])",
    f"""CREATE OR REPLACE MACRO ips_an_mod(n, width) AS CASE
        WHEN width = 12 THEN {_weighted(WEIGHTS_12)} WHEN width = 8 THEN {_weighted(WEIGHTS_8)} END""",
    "CREATE OR REPLACE MACRO ips_an_check_char(m) AS ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'][m + 1]",
    "CREATE OR REPLACE MACRO ips_an_check(b) AS ips_an_check_char(ips_an_mod(TRY_CAST(b AS BIGINT), length(b)))",
    """CREATE OR REPLACE MACRO ips_an_type(b) AS CASE WHEN length(b) = 12 THEN substr(b, 5, 1)
        WHEN length(b) = 8 THEN substr(b, 3, 1) END""",
    """CREATE OR REPLACE MACRO ips_an_year(b) AS CASE WHEN length(b) = 12 THEN CAST(substr(b, 1, 4) AS INTEGER)
        WHEN length(b) = 8 THEN (CASE WHEN CAST(substr(b, 1, 2) AS INTEGER) >= 85
            THEN 1900 ELSE 2000 END) + CAST(substr(b, 1, 2) AS INTEGER) END""",
    # dates: 2021-03-04, 2021.03.04, 20210304, 2021/3/4 (and a time part); '0' and '' are empty
    """CREATE OR REPLACE MACRO ips_blank(s) AS CASE WHEN s IS NULL THEN true WHEN length(s) > 3 THEN false
        ELSE trim(s) IN ('', '0', '-', '—') END""",
    # the ISO form is tried first with a plain cast (the common case, and the fastest)
    """CREATE OR REPLACE MACRO ips_date(s) AS CASE WHEN ips_blank(s) THEN NULL ELSE coalesce(
        TRY_CAST(s AS DATE), TRY_CAST(trim(s) AS DATE), CAST(TRY_CAST(trim(s) AS TIMESTAMP) AS DATE),
        CAST(coalesce(try_strptime(trim(s), '%Y.%m.%d'), try_strptime(trim(s), '%Y%m%d'),
                      try_strptime(trim(s), '%Y/%m/%d'), try_strptime(trim(s), '%Y-%m-%d %H:%M:%S'),
                      try_strptime(trim(s), '%Y/%m/%d %H:%M:%S')) AS DATE)) END""",
    # multi-valued cells: every character of ``seps`` separates values (plain string functions, no regex)
    """CREATE OR REPLACE MACRO ips_split(s, seps) AS CASE WHEN ips_blank(s) THEN [] ELSE
        list_filter(list_transform(string_split(translate(s, seps, repeat(chr(31), length(seps))), chr(31)),
                                   lambda x: trim(x)), lambda x: x <> '') END""",
    # IPC symbols: edition suffix, spaces, WIPO 14-character form, leading zeros of the group
    r"""CREATE OR REPLACE MACRO ips_ipc_fold(s) AS CASE
        WHEN contains(s, '(') THEN regexp_replace(regexp_replace(upper(translate(s, '／', '/')), '\(\d{4}\.\d{2}\)\S*', ''),
                                                  '\s', '', 'g')
        ELSE replace(upper(translate(s, '／', '/')), ' ', '') END""",
    r"""CREATE OR REPLACE MACRO ips_ipc_sub(v) AS CASE length(rtrim(substr(v, 9, 6), '0')) WHEN 0 THEN '00'
        WHEN 1 THEN rtrim(substr(v, 9, 6), '0') || '0' ELSE rtrim(substr(v, 9, 6), '0') END""",
    r"""CREATE OR REPLACE MACRO ips_ipc_norm(v) AS CASE
        WHEN length(v) = 14 AND regexp_full_match(v, '[A-H]\d{2}[A-Z]\d{10}')
            THEN substr(v, 1, 4) || CAST(CAST(substr(v, 5, 4) AS INTEGER) AS VARCHAR) || '/' || ips_ipc_sub(v)
        WHEN substr(v, 5, 1) = '0' THEN regexp_replace(v, '^([A-H]\d{2}[A-Z])0+(\d)', '\1\2')
        ELSE v END""",
    # one symbol, any written form -> canonical; lists go through ips_ipc_list, which folds each element once
    "CREATE OR REPLACE MACRO ips_ipc(s) AS ips_ipc_norm(ips_ipc_fold(s))",
    """CREATE OR REPLACE MACRO ips_ipc_list(l) AS
        list_transform(list_transform(l, lambda x: ips_ipc_fold(x)), lambda v: ips_ipc_norm(v))""",
    r"CREATE OR REPLACE MACRO ips_ipc_ok(v) AS regexp_full_match(v, '[A-H]\d{2}[A-Z]\d{1,4}/\d{2,6}')",
    r"CREATE OR REPLACE MACRO ips_ipc_subclass_ok(v) AS regexp_full_match(v, '[A-H]\d{2}[A-Z]')",
    # patent type words
    """CREATE OR REPLACE MACRO ips_type_word(s) AS CASE
        WHEN ips_blank(s) THEN NULL
        WHEN contains(s, '实用新型') OR contains(upper(s), 'UTILITY') THEN 'utility_model'
        WHEN contains(s, '外观') OR contains(upper(s), 'DESIGN') THEN 'design'
        WHEN contains(s, '发明') OR contains(upper(s), 'INVENTION') THEN 'invention'
        ELSE 'unknown' END""",
    # legal status words of CNIPA, Patentics, incoPat and Qichacha exports: the table in status_words.py
    status_word_macro(),
    *log_lapse_macros(),
    # who the first applicant is (CNIPA's categories): the rule and its words in applicant_types.py
    applicant_type_macro(),
    applicant_type_word_macro(),
]


def install(con) -> None:
    """Create the ingest macros on a connection."""
    for macro in MACROS:
        con.execute(macro)
