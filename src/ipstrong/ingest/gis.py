"""The geographical-indication register: 地理标志产品 and 地理标志商标, one indication per row, and WIPO ST.96
``GIApplication`` documents (ingest.st96).

Documented format (CSV or XLSX), the fields a register lists for each indication, under these names or aliases
(headers.py ``GI_ALIASES``):

| column (any alias)                  | meaning                                                        | required |
|-------------------------------------|----------------------------------------------------------------|----------|
| 地理标志编号 / gi_no                 | the indication's number in its register                        | yes      |
| 地理标志名称 / name                  | its name (阳澄湖大闸蟹)                                          | yes      |
| 登记机关 / office                    | the registering office, CN when absent                         | no       |
| 地理标志类别 / category              | 地理标志产品, 地理标志商标, Geographical Indication …              | no       |
| 商品类别 / product_classes           | Nice classes of the products                                    | no       |
| 保护范围 / region_text               | the production area as registered: places the indication first | no       |
| 申请人 / applicant, 申请人地址        | the applicant and its address: places it where the area cannot | no       |
| 使用人 / authorized_users            | the producers authorised to use it                              | no       |
| 申请日 / app_date, 批准日 / reg_date  | filing and registration (approval) dates                        | no       |
| 状态 / status_raw                    | 已注册/已批准, 申请中, 撤销/注销                                  | no       |

An indication counts (``geographical_indications``) from its registration date while not cancelled; the register
gives no date for a cancellation, so a cancelled one counts on no day (a stated limitation).
"""

from __future__ import annotations

from ipstrong.ingest.checks import Check, date_checks, errors_sql, lit

STATUS_SQL = """CASE
    WHEN ips_blank(status_raw) THEN NULL
    WHEN regexp_matches(lower(status_raw), '撤销|注销|cancel|withdrawn|revoked') THEN 'cancelled'
    WHEN regexp_matches(lower(status_raw), '申请中|审查|受理|pending|examination') THEN 'pending'
    WHEN regexp_matches(lower(status_raw), '注册|批准|登记|有效|registered|protected') THEN 'registered'
    END"""

CHECKS: list[Check] = [
    Check("gi_no", "ips_blank(gi_no)", lit("地理标志编号为空"), lit("the indication's number is empty")),
    Check("name", "ips_blank(name)", lit("地理标志名称为空"), lit("the indication's name is empty")),
    *date_checks("app_date", "reg_date"),
    Check(
        "status_raw",
        f"NOT ips_blank(status_raw) AND ({STATUS_SQL}) IS NULL",
        "'无法识别的地理标志状态：' || status_raw",
        "'unknown geographical-indication status: ' || status_raw",
    ),
]

PARSE_SQL = f"""
CREATE OR REPLACE TEMP TABLE gi_parsed AS
SELECT *, regexp_replace(trim(coalesce(gi_no, '')), '\\s+', ' ', 'g') AS gi_c, {errors_sql(CHECKS)} AS errors
FROM gi_staged
"""

ACCEPT_SQL = f"""
CREATE OR REPLACE TEMP TABLE gi_accepted AS
SELECT _file, _row,
    gi_c AS gi_no,
    trim(name) AS name,
    nullif(trim(name_translation), '') AS name_translation,
    coalesce(nullif(upper(trim(office)), ''), 'CN') AS office,
    nullif(trim(category), '') AS category,
    list_transform(ips_split(product_classes, ';；,，、 '), lambda c: lpad(trim(c), 2, '0')) AS product_classes,
    nullif(trim(region_text), '') AS region_text,
    nullif(trim(applicant), '') AS applicant,
    ips_split(authorized_users, ';；|') AS authorized_users,
    -- the production area first, then the applicant's address
    nullif(concat_ws(' ', nullif(trim(region_text), ''), nullif(trim(applicant_address), '')), '') AS place_text,
    ips_date(app_date) AS app_date,
    ips_date(reg_date) AS reg_date,
    coalesce({STATUS_SQL}, CASE WHEN ips_date(reg_date) IS NOT NULL THEN 'registered' END) AS status,
    nullif(trim(status_raw), '') AS status_raw
FROM gi_parsed WHERE len(errors) = 0
QUALIFY row_number() OVER (PARTITION BY gi_c ORDER BY _file DESC, _row DESC) = 1
"""
