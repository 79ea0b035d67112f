"""Estimated grant and lapse dates, where a source's status word says what no date of the record says.

CONVENTIONS.md ("Legal status"): a granted patent whose word says it is no longer in force (失效, 无效, 终止 …) and
whose record gives no lapse date lapses on an estimated date, flagged ``lapse_date_estimated``; the rule is a
parameter. A record whose word says it is granted and in force (incoPat 授权 / 有效 on a row listed by its A
publication) but that gives no grant date is granted on an estimated date, flagged ``grant_date_estimated``:
CONVENTIONS.md names no rule for it, so the default is the one that never counts a patent before it is known to be
granted (the status date), and the other is a parameter.

Each rule is one entry: a name (the ``--lapse-estimate`` / ``--grant-estimate`` value), what it means in Chinese
and English, and a SQL expression over the row's ``d_app``, ``d_pub``, ``d_grant`` and ``sd`` (the status date).
"""

from __future__ import annotations

from dataclasses import dataclass

from ipstrong.messages import IpsError, Msg


@dataclass(frozen=True)
class Rule:
    name: str
    zh: str
    en: str
    sql: str


# the last anniversary of the filing date on or before the status date less the six-month fee grace period
_LAST_ANNIVERSARY = """CASE WHEN d_app + to_years(year(sd - INTERVAL 6 MONTH) - year(d_app)) <= sd - INTERVAL 6 MONTH
         THEN d_app + to_years(year(sd - INTERVAL 6 MONTH) - year(d_app))
         ELSE d_app + to_years(year(sd - INTERVAL 6 MONTH) - year(d_app) - 1) END"""

LAPSE_RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule(
            "anniversary",
            "授权后、且早于状态日至少六个月（年费宽限期）的最后一个申请日周年日，否则授权日",
            "the last anniversary of the filing date after the grant and at least six months (the fee grace period) "
            "before the status date, else the grant date",
            f"CAST(greatest(d_grant, {_LAST_ANNIVERSARY}) AS DATE)",
        ),
        Rule("grant", "授权日", "the grant date", "d_grant"),
    )
}

GRANT_RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule("status-date", "状态日（已知最晚的授权日）", "the status date (the latest the grant can be)", "sd"),
        Rule(
            "publication",
            "公开日（最早可能的授权日）",
            "the publication date (the earliest the grant can be)",
            "coalesce(d_pub, sd)",
        ),
    )
}


@dataclass(frozen=True)
class Estimates:
    """The rules one ingest applies (the defaults are CONVENTIONS.md's and the conservative one)."""

    lapse: str = "anniversary"
    grant: str = "status-date"

    def __post_init__(self) -> None:
        for rules, name, option in ((LAPSE_RULES, self.lapse, "lapse"), (GRANT_RULES, self.grant, "grant")):
            if name not in rules:
                raise IpsError(
                    Msg(
                        f"未知的{'失效日' if option == 'lapse' else '授权日'}估计规则：{name}（可选：{'、'.join(rules)}）",
                        f"unknown {option}-date estimate rule: {name} (choose from {', '.join(rules)})",
                    )
                )

    @property
    def lapse_sql(self) -> str:
        return LAPSE_RULES[self.lapse].sql

    @property
    def grant_sql(self) -> str:
        return GRANT_RULES[self.grant].sql

    def described(self) -> dict[str, dict[str, str]]:
        """The rules as the ingest report and the snapshot's manifest state them."""
        return {
            kind: {"rule": rule.name, "zh": rule.zh, "en": rule.en}
            for kind, rule in (("lapse", LAPSE_RULES[self.lapse]), ("grant", GRANT_RULES[self.grant]))
        }
