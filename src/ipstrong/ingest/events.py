"""The legal-status event file: dated grants, lapses, restorations, invalidations, transfers, licences, pledges, and
the refusals and withdrawals that end an application.

Documented format (CSV or XLSX, UTF-8 or GBK), one event per row:

| column (any alias)            | meaning                                                      | required |
|-------------------------------|--------------------------------------------------------------|----------|
| 申请号 / app_no               | application number, any written form                         | yes      |
| 事件类型 / event_type         | one of the words below (or English)                          | yes      |
| 事件日期 / event_date         | the date the event took effect                               | yes      |
| 转出方 / from_party           | transferor, licensor, pledgor (出质人)                        | no       |
| 转入方 / to_party             | transferee, licensee, pledgee (质权人)                        | no       |
| 转入方地址 / to_address        | the transferee's address (else its name is geocoded)          | no       |
| 金额（万元） / amount_10k_yuan | registered amount of a pledge, transfer or licence, 10,000 yuan | no    |

Event words: 授权, 失效/终止/未缴年费/放弃, 恢复, 无效宣告, 转让, 许可, 质押, 质押变更, 质押解除, 驳回, 撤回/视为撤回; awards:
中国专利奖…/国家科学技术奖… (national_award), 江苏专利奖… and other patent awards (provincial_award).

Events for patents the warehouse does not hold are quarantined; an event already stored is unchanged.
"""

from __future__ import annotations

from ipstrong.ingest.checks import APP_NO_CHECKS, Check, errors_sql, lit, office_columns

EVENT_TYPE_SQL = """CASE
    WHEN regexp_matches(lower(event_type), '质押.*(解除|注销)|解除质押|pledge.?release|release.*secur') THEN 'pledge_release'
    WHEN regexp_matches(lower(event_type), '质押.*变更|变更质押|pledge.?change') THEN 'pledge_change'
    WHEN regexp_matches(lower(event_type), '质押|pledge|security (interest|agreement)') THEN 'pledge'
    -- awards: the national ones (中国专利奖, 国家科学技术奖 and its 技术发明奖/科技进步奖) count for the high-value criterion
    WHEN regexp_matches(lower(event_type),
                        '中国(专利|外观设计)(金|银|优秀)?奖|国家(科学技术|技术发明|科技)(进步)?奖|china patent award')
        THEN 'national_award'
    WHEN regexp_matches(lower(event_type), '专利(金|银|优秀)?奖|发明人奖|patent award') THEN 'provincial_award'
    WHEN regexp_matches(lower(event_type), '许可|licen') THEN 'licence'
    -- USPTO's conveyances: ASSIGNMENT OF ASSIGNORS INTEREST, NUNC PRO TUNC ASSIGNMENT, CHANGE OF NAME, MERGER
    WHEN regexp_matches(lower(event_type), '转让|转移|权利人变更|transfer|assign|change of name|merger') THEN 'transfer'
    WHEN regexp_matches(lower(event_type), '恢复|restor') THEN 'restoration'
    WHEN regexp_matches(lower(event_type), '驳回|reject|refus') THEN 'rejection'
    WHEN regexp_matches(lower(event_type), '撤回|withdr') THEN 'withdrawal'
    WHEN regexp_matches(lower(event_type), '无效|invalid') THEN 'invalidation'
    WHEN regexp_matches(lower(event_type), '终止|失效|未缴年费|放弃|届满|lapse|surrender') THEN 'lapse'
    WHEN regexp_matches(lower(event_type), '授权|grant') THEN 'grant'
    END"""

CHECKS: list[Check] = [
    *APP_NO_CHECKS,
    Check(
        "event_type",
        "etype IS NULL",
        "'无法识别的事件类型：' || coalesce(event_type, '')",
        "'unknown event type: ' || coalesce(event_type, '')",
    ),
    Check("event_date", "ips_blank(event_date)", lit("事件日期为空"), lit("the event date is empty")),
    Check(
        "event_date",
        "NOT ips_blank(event_date) AND d_event IS NULL",
        "'日期无效：' || event_date",
        "'invalid date: ' || event_date",
    ),
    Check(
        "amount_10k_yuan",
        "NOT ips_blank(amount_10k_yuan) AND amount IS NULL",
        "'金额不是数字：' || amount_10k_yuan",
        "'amount is not a number: ' || amount_10k_yuan",
    ),
]


PARSE_SQL = rf"""
CREATE OR REPLACE TEMP TABLE events_parsed AS
WITH a AS (
    SELECT *, ips_an_clean(app_no) AS an_c, {office_columns()} FROM events_staged
), b AS (
    SELECT * EXCLUDE (an_p), an_p.b AS an_b, nullif(an_p.g, '') AS an_g,
           {EVENT_TYPE_SQL} AS etype,
           TRY_CAST(replace(replace(trim(amount_10k_yuan), ',', ''), '，', '') AS DOUBLE) AS amount
    FROM (SELECT *, ips_an_parts(an_c) AS an_p FROM a)
), c AS (
    SELECT *, ips_an_check(an_b) AS an_k, ips_an_type(an_b) AS an_t, ips_an_year(an_b) AS an_y,
           ips_date(event_date) AS d_event FROM b
)
SELECT *, {errors_sql(CHECKS)} AS errors FROM c
"""

ACCEPT_SQL = """
CREATE OR REPLACE TEMP TABLE events_accepted AS
SELECT _file, _row,
    md5(concat_ws('|', app_no_c, etype, CAST(d_event AS VARCHAR), coalesce(trim(from_party), ''),
                  coalesce(trim(to_party), ''), coalesce(CAST(amount AS VARCHAR), ''))) AS event_id,
    app_no_c AS app_no,
    etype AS event_type,
    d_event AS event_date,
    nullif(trim(from_party), '') AS from_party,
    nullif(trim(to_party), '') AS to_party,
    nullif(trim(to_address), '') AS to_address,
    amount AS amount_10k_yuan,
    trim(event_type) AS event_raw
FROM (SELECT *, CASE WHEN fo THEN fo_app ELSE an_b || '.' || an_k END AS app_no_c FROM events_parsed WHERE len(errors) = 0)
"""
