"""Checks and normalisation of patent rows, as one SQL statement over all rows of a command.

Each check is one entry of ``CHECKS``: the canonical field it blames, a SQL condition that is true when the row is
wrong, and the reason in Chinese and English (SQL string expressions, so a reason can quote the value). Adding a
check touches only that list.
"""

from __future__ import annotations

from ipstrong.ids.pubno import GRANT_KINDS, KINDS
from ipstrong.ingest.checks import APP_NO_CHECKS, Check, errors_sql, lit, office_columns
from ipstrong.ingest.geocode import ADDRESS_KEY_SQL

CPC_TAG = r"Y\d{2}[A-Z].*"  # CPC's section Y (Y02 climate, Y10 …), which exports list beside the IPC codes

# Records of another office (USPTO and EPO XML, incoPat's global sets) keep their office's numbers and types.
CHECKS: list[Check] = [
    *APP_NO_CHECKS,
    Check("patent_type", "fo AND type_word IS NULL", lit("境外记录缺少专利类型"), lit("a foreign record has no patent type")),
    Check("app_date", "ips_blank(app_date)", lit("申请日为空"), lit("the filing date is empty")),
    Check("app_date", "NOT ips_blank(app_date) AND d_app IS NULL", "'日期无效：' || app_date", "'invalid date: ' || app_date"),
    Check("pub_date", "NOT ips_blank(pub_date) AND d_pub IS NULL", "'日期无效：' || pub_date", "'invalid date: ' || pub_date"),
    Check(
        "grant_date",
        "NOT ips_blank(grant_date) AND d_grant IS NULL",
        "'日期无效：' || grant_date",
        "'invalid date: ' || grant_date",
    ),
    Check(
        "lapse_date",
        "NOT ips_blank(lapse_date) AND d_lapse IS NULL",
        "'日期无效：' || lapse_date",
        "'invalid date: ' || lapse_date",
    ),
    Check("app_date", "d_app > _status_date", lit("申请日晚于法律状态日"), lit("the filing date is after the status date")),
    Check("pub_date", "d_pub < d_app", lit("公开日早于申请日"), lit("published before it was filed")),
    Check("grant_date", "d_grant < d_app", lit("授权日早于申请日"), lit("granted before it was filed")),
    Check("grant_date", "d_grant < d_pub", lit("授权公告日早于公开日"), lit("granted before it was published")),
    Check(
        "lapse_date",
        "d_lapse < coalesce(d_grant, d_app)",
        lit("失效日早于授权日或申请日"),
        lit("lapsed before it was granted or filed"),
    ),
    Check("title", "ips_blank(title)", lit("名称为空"), lit("the title is empty")),
    Check("applicants", "len(l_applicants) = 0", lit("申请（专利权）人为空"), lit("no applicant")),
    Check(
        "patent_type", "type_word = 'unknown'", "'专利类型无法识别：' || patent_type", "'unknown patent type: ' || patent_type"
    ),
    Check(
        "patent_type",
        "NOT fo AND type_word IS NOT NULL AND type_word <> 'unknown' AND ptype IS NOT NULL AND type_word <> ptype",
        "'专利类型「' || patent_type || '」与申请号的种类号不符'",
        "'patent type ''' || patent_type || ''' does not match the application number''s type digit'",
    ),
    Check(
        "pub_no",
        f"NOT fo AND NOT ips_blank(pub_no) AND NOT regexp_full_match(pub_c, 'CN\\d{{7,9}}[{KINDS}]\\d?')",
        "'公开（公告）号格式无效：' || pub_no",
        "'not a CN publication number: ' || pub_no",
    ),
    Check(
        "pub_no",
        "fo AND NOT ips_blank(pub_no) AND NOT regexp_full_match(pub_f, '[A-Z]{2}[0-9A-Z]{3,16}[A-Z][0-9]?')",
        "'公开（公告）号格式无效：' || pub_no",
        "'not a publication number: ' || pub_no",
    ),
    Check(
        "ipc_main",
        "ipc_m IS NOT NULL AND NOT ips_ipc_ok(ipc_m) AND NOT ips_ipc_subclass_ok(ipc_m)",
        "'主分类号无效：' || ipc_main",
        "'invalid main IPC: ' || ipc_main",
    ),
    Check("ipc_all", "len(ipc_bad) > 0", "'分类号无效：' || ipc_bad[1]", "'invalid IPC: ' || ipc_bad[1]"),
    Check(
        "claims_count",
        "NOT ips_blank(claims_count) AND TRY_CAST(trim(claims_count) AS INTEGER) IS NULL",
        "'权利要求数不是整数：' || claims_count",
        "'claims count is not an integer: ' || claims_count",
    ),
]


# the columns that carry a source's status words (the first that the table of status_words.py knows decides)
STATUS_COLUMNS = ("legal_status", "validity")


def _unknown_status(column: str) -> str:
    """True where ``column`` holds a word the table of status_words.py does not know (not guessed: dates decide)."""
    return f"NOT ips_blank({column}) AND ips_status_word({column}) IS NULL"


# What is odd but costs no record: the row is kept and the note goes to the data-quality report (NOTES_SQL).
NOTES: list[Check] = [
    *(
        Check(
            column,
            _unknown_status(column),
            f"'未知的法律状态词（不据以计算）：' || trim({column})",
            f"'unknown legal-status word (not used): ' || trim({column})",
        )
        for column in STATUS_COLUMNS
    ),
    Check(
        "app_no",
        "NOT fo AND an_y IS NOT NULL AND d_app IS NOT NULL AND an_y < year(d_app)",
        lit("申请号中的年份早于申请日（号码与校验位有效，保留）"),
        lit("the year in the application number is before the filing date (number and check digit valid: kept)"),
    ),
]

PARSE_SQL = rf"""
CREATE OR REPLACE TEMP TABLE patents_parsed AS
WITH a AS (
    SELECT *, ips_an_clean(app_no) AS an_c,
           'CN' || regexp_replace(upper(regexp_replace(coalesce(pub_no, ''), '\s', '', 'g')), '^CN', '') AS pub_c,
           {office_columns("office")},
           regexp_replace(upper(coalesce(pub_no, '')), '\s', '', 'g') AS pub_f
    FROM patents_staged
), b AS (
    SELECT * EXCLUDE (an_p), an_p.b AS an_b, nullif(an_p.g, '') AS an_g
    FROM (SELECT *, ips_an_parts(an_c) AS an_p FROM a)
), c AS (
    SELECT *,
        ips_an_check(an_b) AS an_k, ips_an_type(an_b) AS an_t, ips_an_year(an_b) AS an_y,
        ips_date(app_date) AS d_app, ips_date(pub_date) AS d_pub,
        -- a grant publication (kind B, C, U, Y or S, ZC 0008-2004) is dated by its announcement when an export (incoPat)
        -- gives no grant date of its own
        coalesce(ips_date(grant_date),
                 CASE WHEN NOT fo AND regexp_full_match(pub_c, 'CN\d{{7,9}}[{GRANT_KINDS}]\d?') THEN ips_date(pub_date)
                      -- another office's grant publication (EP, US, JP, KR B; RU, CA C)
                      WHEN fo AND regexp_full_match(pub_f, '[A-Z]{{2}}\d+[BC]\d?') THEN ips_date(pub_date) END)
            AS d_grant,
        ips_date(lapse_date) AS d_lapse,
        ips_type_word(patent_type) AS type_word,
        ips_split(applicants, ';；|') AS l_applicants,
        ips_split(trim(applicants_standard, '[] '), ';；|') AS l_standard,
        -- a Locarno class of a design (12-03) and a CPC tag beside the IPC codes (Y02P90/02, section Y is not IPC's)
        -- are no IPC symbols: left out, never a reason to refuse the record
        ips_ipc_list(list_filter(ips_split(ipc_all, ';；|,，'),
                                 lambda x: NOT (length(x) = 5 AND regexp_full_match(x, '\d{{2}}[-－.]\d{{2}}'))
                                           AND NOT regexp_full_match(upper(trim(x)), '{CPC_TAG}'))) AS l_ipc,
        CASE WHEN ips_blank(ipc_main) OR regexp_full_match(trim(ipc_main), '\d{{2}}[-－.]\d{{2}}')
                  OR regexp_full_match(upper(trim(ipc_main)), '{CPC_TAG}') THEN NULL
             ELSE ips_ipc(ipc_main) END AS ipc_m,
        CASE WHEN regexp_full_match(trim(ipc_main), '\d{{2}}[-－.]\d{{2}}')
             THEN substr(trim(ipc_main), 1, 2) || '-' || substr(trim(ipc_main), 4, 2) END AS locarno_c
    FROM b
), d AS (
    SELECT *,
        CASE WHEN fo THEN nullif(type_word, 'unknown')
             ELSE CASE an_t WHEN '1' THEN 'invention' WHEN '8' THEN 'invention' WHEN '2' THEN 'utility_model'
                            WHEN '9' THEN 'utility_model' WHEN '3' THEN 'design' END END AS ptype,
        list_filter(l_ipc, lambda x: NOT ips_ipc_ok(x)) AS ipc_bad
    FROM c
)
-- the raw text of checked columns is needed only for the reasons: it is not kept
SELECT * EXCLUDE (app_no, app_date, pub_date, grant_date, lapse_date, patent_type, ipc_all, ipc_main, applicants,
                  an_c, an_g, an_y, type_word, ipc_bad),
       {errors_sql(CHECKS)} AS errors,
       {errors_sql(NOTES)} AS notes
FROM d
"""

# Each unknown status word with how many kept rows carry it (the ingest report's status_words_unknown).
UNKNOWN_STATUS_SQL = " UNION ALL ".join(
    f"SELECT trim({c}) AS word, count(*) AS n FROM patents_parsed WHERE len(errors) = 0 AND {_unknown_status(c)} GROUP BY 1"
    for c in STATUS_COLUMNS
)

# The data-quality notes of the rows kept, one line per note with the file and row it came from: the NOTES, each
# grant or lapse date that was estimated (estimates.py), and each record whose place fields and address text name
# different places (tables ``geo`` and ``geo_text`` of the pipeline's geocoding).
NOTES_SQL = """
    SELECT app_no, app_date, field, reason_zh, reason_en, file_number, row FROM (
        SELECT CASE WHEN fo THEN fo_app ELSE an_b || '.' || an_k END AS app_no, d_app AS app_date,
               n.field AS field, n.zh AS reason_zh, n.en AS reason_en, _file + 1 AS file_number, _row AS row
        FROM (SELECT *, unnest(notes) AS n FROM patents_parsed WHERE len(errors) = 0 AND len(notes) > 0)
        {estimated}
        UNION ALL
        SELECT p.app_no, p.app_date, 'address',
               '结构化地址字段「' || p.applicant_region || '」与地址文本「' || p.address || '」所在地不一致（按结构化字段定位）',
               'the place fields (' || p.applicant_region || ') and the address text (' || p.address
                   || ') name different places (placed by the place fields)',
               p._file + 1, p._row
        FROM patents_accepted p
        JOIN geo g ON g.address_key = {place_key}
        JOIN geo_text t ON t.address_key = {address_key}
        WHERE t.city_code IS NOT NULL
          AND (g.city_code IS DISTINCT FROM t.city_code OR g.district_code <> t.district_code)
    ) ORDER BY file_number, row, field
""".format(
    estimated=" ".join(
        f"""UNION ALL
        SELECT app_no, app_date, '{column}',
               '{zh}日为估计值 ' || {column} || '：状态词「' || legal_status_raw || '」{says_zh}，记录未给{zh}日',
               'estimated {en} date ' || {column} || ': the status word "' || legal_status_raw || '" {says_en}',
               _file + 1, _row
        FROM patents_accepted WHERE {column}_estimated"""
        for column, zh, says_zh, en, says_en in (
            ("grant_date", "授权", "称已授权", "grant", "says granted, the record gives no grant date"),
            ("lapse_date", "失效", "称已不在有效期", "lapse", "says no longer in force, the record gives no lapse date"),
        )
    ),
    place_key=ADDRESS_KEY_SQL.format(col="p.place_text"),
    address_key=ADDRESS_KEY_SQL.format(col="p.address"),
)

# The accepted rows in the warehouse schema (before region codes are joined), materialised once: geocoding, SEI
# matching, the final view and the quality notes all read it (as a view it was computed again for each: 2 × slower
# at 500,000 rows, measured). ``_status_date`` is the day the source's statuses describe (per file); dates win over
# the source's words (CONVENTIONS.md). A word that says granted, or no longer in force, where no date says so gives
# an estimated date ($grant_estimate, $lapse_estimate: the rules of estimates.py), flagged; a dated legal-event log
# (Patentics 法律描述) dates a lapse the columns do not.
ACCEPT_SQL = r"""
CREATE OR REPLACE TEMP TABLE patents_accepted AS
WITH rows AS NOT MATERIALIZED (
    SELECT *, CASE WHEN fo THEN fo_app ELSE an_b || '.' || an_k END AS app_no_c,
           CASE WHEN ips_blank(pub_no) THEN NULL WHEN fo THEN pub_f ELSE pub_c END AS pub_n
    FROM patents_parsed WHERE len(errors) = 0
), repeated AS (
    -- the numbers listed more than once, found on the key alone: only their rows go through the windows below (a
    -- window holds and sorts whole rows; over every row it cost 3 s at 500,000 rows, measured)
    SELECT app_no_c FROM rows GROUP BY app_no_c HAVING count(*) > 1
), merged AS (
    -- vendors and offices list an application once per publication (the A and the B row of one invention, in one
    -- file or in two — EPO OPS gives each publication its own file): when its rows are different publications, the
    -- kept row takes the grant of any of them and the first publication, whichever file came last; rows of one
    -- publication are corrections, and the later one stands as it is; the last row of the last file wins
    SELECT * EXCLUDE (d_grant, d_pub, pub_n, publications),
        CASE WHEN publications THEN max(d_grant) OVER w ELSE d_grant END AS d_grant,
        CASE WHEN publications THEN coalesce(min(d_pub) OVER w, d_pub) ELSE d_pub END AS d_pub,
        CASE WHEN publications THEN coalesce(arg_min(pub_n, d_pub) OVER w, pub_n) ELSE pub_n END AS pub_n
    FROM (SELECT *, min(pub_n) OVER w <> max(pub_n) OVER w AS publications
          FROM rows SEMI JOIN repeated USING (app_no_c) WINDOW w AS (PARTITION BY app_no_c))
    WINDOW w AS (PARTITION BY app_no_c)
    QUALIFY row_number() OVER (PARTITION BY app_no_c ORDER BY _file DESC, _row DESC) = 1
), once AS (
    SELECT * FROM rows ANTI JOIN repeated USING (app_no_c)
    UNION ALL BY NAME
    SELECT * FROM merged
), kinds AS (
    -- the name rule once per distinct first applicant (a name recurs on many rows; per row it cost 0.6 s at 500,000)
    SELECT name, ips_applicant_type(name) AS name_kind FROM (SELECT DISTINCT trim(l_applicants[1]) AS name FROM rows)
), base AS (
    SELECT once.*, kinds.name_kind,
        CASE WHEN ips_ipc_subclass_ok(ipc_m) THEN coalesce(list_filter(l_ipc, lambda x: starts_with(x, ipc_m))[1], ipc_m)
             ELSE coalesce(ipc_m, l_ipc[1]) END AS ipc_main_c,
        coalesce(ips_status_word(legal_status), ips_status_word(validity)) AS status_word,
        term_end(ptype, d_app) AS term_end_d,
        trim(l_applicants[1]) AS first_app,
        trim(split_part(replace(agency, '；', ';'), ';', 1)) AS agency_part,
        _status_date AS sd
    FROM once LEFT JOIN kinds ON kinds.name = trim(once.l_applicants[1])
), granted AS (
    SELECT * EXCLUDE (d_grant), d_grant IS NULL AND coalesce(status_word = 'in_force', false) AS grant_est,
           CASE WHEN d_grant IS NULL AND status_word = 'in_force' THEN $grant_estimate ELSE d_grant END AS d_grant
    FROM base
), lapsing AS (
    -- the lapse a dated event log states (once per row), then where no date says it, whether the word asks for one
    SELECT *,
           d_lapse IS NULL AND status_word IN ('lapsed', 'expired', 'invalidated')
               AND d_grant <= sd AND sd < term_end_d AS lapse_est
    FROM (SELECT * EXCLUDE (d_lapse), coalesce(d_lapse, ips_logged_lapse(legal_events)) AS d_lapse FROM granted)
), dated AS (
    SELECT * EXCLUDE (d_lapse, lapse_est), coalesce(lapse_est, false) AS lapse_est,
           CASE WHEN lapse_est THEN $lapse_estimate ELSE d_lapse END AS d_lapse
    FROM lapsing
), derived AS (
    SELECT *, CASE
        WHEN d_lapse IS NOT NULL AND d_lapse <= sd THEN
            CASE WHEN status_word = 'invalidated' THEN 'invalidated'
                 WHEN status_word = 'expired' AND d_lapse >= term_end_d THEN 'expired'
                 ELSE 'lapsed' END
        WHEN d_grant IS NOT NULL AND d_grant <= sd THEN
            CASE WHEN sd >= term_end_d THEN 'expired' ELSE 'in_force' END
        -- where no date says anything the word says how it ended (a lapse with no known grant is never effective)
        WHEN status_word IN ('rejected', 'withdrawn', 'lapsed', 'expired', 'invalidated') THEN status_word
        ELSE 'pending' END AS status_c
    FROM dated
)
SELECT
    _file, _row,
    app_no_c AS app_no,
    office_c AS office,
    pub_n AS pub_no,
    d_app AS app_date, d_pub AS pub_date, d_grant AS grant_date, d_lapse AS lapse_date,
    grant_est AS grant_date_estimated, lapse_est AS lapse_date_estimated,
    ptype AS patent_type,
    NOT fo AND an_t IN ('8', '9') AS pct,
    trim(title) AS title,
    nullif(trim(abstract), '') AS abstract,
    nullif(trim(claims), '') AS claims,
    l_applicants AS applicants,
    CASE WHEN len(l_standard) = len(l_applicants) THEN l_standard END AS applicants_standard,
    first_app AS first_applicant,
    coalesce(ips_applicant_type_word(applicant_type), name_kind) AS applicant_type,
    ips_split(inventors, ';；|,，') AS inventors,
    nullif(trim(address), '') AS address,
    nullif(trim(applicant_region), '') AS applicant_region,
    -- what places the record: the place fields the source gives apart from the address (CNIPA XML's structured
    -- province, city and county; Patentics 省市) first, then the address (the context a township name needs)
    nullif(concat_ws(' ', nullif(trim(applicant_region), ''), nullif(trim(address), '')), '') AS place_text,
    ipc_main_c AS ipc_main,
    CASE WHEN ipc_main_c IS NULL OR list_contains(l_ipc, ipc_main_c) THEN l_ipc
         ELSE list_prepend(ipc_main_c, l_ipc) END AS ipc_all,
    locarno_c AS locarno,
    status_c AS legal_status,
    nullif(concat_ws('；', nullif(trim(legal_status), ''), nullif(trim(validity), '')), '') AS legal_status_raw,
    status_word IS NOT NULL AND status_word <> status_c AS status_conflict,
    CASE WHEN ips_blank(family_countries) AND NOT ips_blank(family_members)
         THEN list_sort(list_distinct(list_transform(ips_split(family_members, ';；|,， '), lambda x: upper(substr(x, 1, 2)))))
         ELSE list_transform(ips_split(family_countries, ';；|,， '), lambda x: upper(x)) END AS family_countries,
    nullif(trim(regexp_replace(agency_part, '\s*\d{5}$', '')), '') AS agency,
    nullif(regexp_extract(agency_part, '(\d{5})$', 1), '') AS agency_code,
    ips_split(agents, ';；|,，') AS agents,
    nullif(trim(priority), '') AS priority,
    nullif(trim(pct_application), '') AS pct_application,
    nullif(trim(pct_publication), '') AS pct_publication,
    TRY_CAST(trim(claims_count) AS INTEGER) AS claims_count
FROM derived
"""
