"""The trademark register list: registered marks with their owner, Nice classes, dates and status.

Documented format (CSV or XLSX, UTF-8 or GBK), one mark per row — the fields the CNIPA trademark register publishes
for each mark (商标查询 / 商标注册证), under the column names below or their aliases:

| column (any alias)                   | meaning                                                   | required |
|--------------------------------------|-----------------------------------------------------------|----------|
| 注册号 / reg_no                       | registration (application) number, digits                 | yes      |
| 商标名称 / mark_name                  | the mark's words (图形 for a figurative mark)              | yes      |
| 注册人 / owner                        | the registrant (申请人/注册人名义)                          | yes      |
| 注册人地址 / owner_address            | the registrant's address: places the mark in a region     | no       |
| 国际分类 / nice_classes               | Nice classes 1–45, several separated by ; , 、 or spaces  | no       |
| 申请日 / app_date                     | filing date                                               | no       |
| 注册日 / reg_date                     | registration date (注册公告日)                              | no       |
| 专用权期限至 / expiry_date             | end of the exclusive right (after renewals)               | no       |
| 商标状态 / status_raw                  | the register's words: 已注册, 申请中, 已失效, 无效, 注销…     | no       |

A mark is effective (有效注册商标) on day D when it was registered on or before D, its exclusive right has not
ended (D on or before ``expiry_date``), and the register does not say it was cancelled or invalidated (those carry
no date in the list, so they count as ended for every day: a stated limitation).
"""

from __future__ import annotations

from ipstrong.ingest.checks import Check, date_checks, errors_sql, lit

STATUS_SQL = """CASE
    WHEN ips_blank(status_raw) THEN NULL
    WHEN regexp_matches(lower(status_raw), '无效|撤销|注销|cancel|invalid') THEN 'invalidated'
    WHEN regexp_matches(lower(status_raw), '失效|届满|expired|lapse') THEN 'expired'
    -- 企查查's flow steps of an application (受理通知书发文, 注册公告排版完成) are still before registration
    WHEN regexp_matches(lower(status_raw), '申请中|审查|初审|公告中|驳回复审|受理|排版|pending|examination') THEN 'pending'
    WHEN regexp_matches(lower(status_raw), '已注册|注册|有效|registered') THEN 'registered'
    END"""

CHECKS: list[Check] = [
    Check("reg_no", "ips_blank(reg_no)", lit("注册号为空"), lit("the registration number is empty")),
    Check(
        "reg_no",
        "NOT ips_blank(reg_no) AND NOT regexp_full_match(reg_c, '[0-9]{1,10}[A-Z]?')",
        "'注册号格式无效：' || reg_no",
        "'not a registration number: ' || reg_no",
    ),
    Check("mark_name", "ips_blank(mark_name)", lit("商标名称为空"), lit("the mark name is empty")),
    Check("owner", "ips_blank(owner)", lit("注册人为空"), lit("the owner is empty")),
    *date_checks("app_date", "reg_date", "expiry_date"),
    Check(
        "nice_classes",
        "len(list_filter(classes, lambda c: coalesce(NOT TRY_CAST(c AS INTEGER) BETWEEN 1 AND 45, true))) > 0",
        "'尼斯分类须为 1–45：' || nice_classes",
        "'Nice classes are 1 to 45: ' || nice_classes",
    ),
    Check(
        "status_raw",
        f"NOT ips_blank(status_raw) AND ({STATUS_SQL}) IS NULL",
        "'无法识别的商标状态：' || status_raw",
        "'unknown trademark status: ' || status_raw",
    ),
]

PARSE_SQL = r"""
CREATE OR REPLACE TEMP TABLE trademarks_parsed AS
WITH a AS (
    SELECT *, upper(regexp_replace(coalesce(reg_no, ''), '[\s　]', '', 'g')) AS reg_c,
           list_filter(regexp_split_to_array(trim(coalesce(nice_classes, '')), '[;；,，、\s]+'), lambda c: c <> '')
               AS classes
    FROM trademarks_staged
)
SELECT *, {errors} AS errors FROM a
""".replace("{errors}", errors_sql(CHECKS))

ACCEPT_SQL = f"""
CREATE OR REPLACE TEMP TABLE trademarks_accepted AS
SELECT _file, _row,
    reg_c AS reg_no,
    trim(mark_name) AS mark_name,
    list_transform(classes, lambda c: lpad(CAST(CAST(c AS INTEGER) AS VARCHAR), 2, '0')) AS nice_classes,
    trim(owner) AS owner,
    ips_applicant_type(trim(owner)) AS owner_type,
    nullif(trim(owner_address), '') AS owner_address,
    ips_date(app_date) AS app_date,
    ips_date(reg_date) AS reg_date,
    ips_date(expiry_date) AS expiry_date,
    {STATUS_SQL} AS status,
    nullif(trim(status_raw), '') AS status_raw
FROM trademarks_parsed WHERE len(errors) = 0
QUALIFY row_number() OVER (PARTITION BY reg_c ORDER BY _file DESC, _row DESC) = 1
"""
