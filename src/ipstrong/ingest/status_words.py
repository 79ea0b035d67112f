"""The legal-status words of CNIPA, Patentics, incoPat and Qichacha exports, as data: which normalised status
(CONVENTIONS.md) each word says, tried in this order, the first that matches wins.

Sources: the words as the shared real exports print them (``../shared/data/cn-patent-db-exports``: Patentics
法律状态 有效/失效/公开/驳回/撤回/无效/权利终止/申请终止/全部撤销/未缴年费/期限届满; incoPat 当前法律状态 授权/实质审查/
公开/驳回/放弃/撤回 and the PCT stages, 专利有效性 有效/失效/审中); CNIPA's status vocabulary (有权/无权 …). A word
that none of them names is reported in the ingest's quality notes with its count, never guessed.
Order matters: the PCT stages (``…PCT有效期满``) say 有效 but name no patent in force, so they come first; an
application that ended (申请终止) was never granted, so it is withdrawn, not lapsed.
"""

from __future__ import annotations

from ipstrong.ingest.checks import lit

# (status, regular expression over the word): first match wins
STATUS_WORDS: list[tuple[str, str]] = [
    ("withdrawn", r"未进入国家阶段.*PCT有效期满|申请终止|撤回|视为撤回"),
    ("pending", r"PCT|审中|实质审查|公开|公布|受理"),
    ("expired", r"期限届满|届满"),
    ("invalidated", r"全部无效|宣告无效|无效宣告|全部撤销"),
    ("rejected", r"驳回"),
    ("lapsed", r"未缴年费|年费终止|放弃|权利终止|终止|失效|无权|^无效$"),
    ("in_force", r"^有效|有权|授权|维持|恢复|部分无效"),
]

# The words of a dated legal-event log (Patentics 法律描述: "2021.11.12 未缴年费专利权终止 …", CNIPA's event names)
# that end a patent's rights, and those that give them back; the last ending not followed by a restoration dates
# the lapse of a record that gives no lapse date.
LOG_ENDS = r"终止|届满|放弃专利权|全部无效|视为放弃"
LOG_RESTORES = r"恢复"


def log_lapse_macros() -> list[str]:
    """DuckDB macros; ``ips_logged_lapse(log)`` is the lapse date a legal-event log states, or NULL."""
    return [
        """CREATE OR REPLACE MACRO ips_log_last(d, w, pattern) AS
            list_max(list_transform(list_filter(range(1, len(w) + 1), lambda i: regexp_matches(w[i], pattern)),
                                    lambda i: d[i]))""",
        f"""CREATE OR REPLACE MACRO ips_log_lapse(d, w) AS
            CASE WHEN ips_log_last(d, w, {lit(LOG_ENDS)}) > coalesce(ips_log_last(d, w, {lit(LOG_RESTORES)}), '')
                 THEN TRY_CAST(strptime(ips_log_last(d, w, {lit(LOG_ENDS)}), '%Y.%m.%d') AS DATE) END""",
        r"""CREATE OR REPLACE MACRO ips_logged_lapse(log) AS
            ips_log_lapse(regexp_extract_all(log, '(\d{4}\.\d{2}\.\d{2})\s+\S+', 1),
                          regexp_extract_all(log, '\d{4}\.\d{2}\.\d{2}\s+(\S+)', 1))""",
    ]


def status_word_macro() -> str:
    """The DuckDB macro ``ips_status_word(s)``: the status a source's word says, or NULL for a word not known."""
    cases = "\n        ".join(f"WHEN regexp_matches(s, {lit(pattern)}) THEN {lit(status)}" for status, pattern in STATUS_WORDS)
    return f"""CREATE OR REPLACE MACRO ips_status_word(s) AS CASE
        WHEN ips_blank(s) THEN NULL
        {cases}
        ELSE NULL END"""
