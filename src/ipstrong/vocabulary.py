"""The words people read for the values the data stores: ``in_force`` is 有效 / in force, ``utility_model`` 实用新型.

One table for every interface (pages, exports, the CLI's tables): a value is stored in English identifiers
(CONVENTIONS.md) and shown in the reader's language. A value the table does not know is shown as stored.
"""

from __future__ import annotations

VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "patent_type": {
        "invention": ("发明", "invention"),
        "utility_model": ("实用新型", "utility model"),
        "design": ("外观设计", "design"),
        "trademark": ("商标", "trademark"),
        "trademark holder": ("商标权利人", "trademark holder"),
        "geographical indication": ("地理标志", "geographical indication"),
    },
    "legal_status": {
        "pending": ("审中", "pending"),
        "in_force": ("有效", "in force"),
        "lapsed": ("失效", "lapsed"),
        "expired": ("届满", "expired"),
        "invalidated": ("无效", "invalidated"),
        "rejected": ("驳回", "rejected"),
        "withdrawn": ("撤回", "withdrawn"),
        "registered": ("已注册", "registered"),
        "cancelled": ("已撤销", "cancelled"),
    },
    "applicant_type": {
        "enterprise": ("企业", "enterprise"),
        "university": ("大专院校", "university"),
        "institute": ("科研单位", "research institute"),
        "government": ("机关团体", "government body"),
        "individual": ("个人", "individual"),
        "other": ("其他", "other"),
    },
    # how a name joined its enterprise (ingest.entities' rounds) and why a pair waits for review
    "entity_method": {
        "exact": ("同名", "same name"),
        "reviewed": ("人工审核", "reviewed"),
        "credit_code": ("统一社会信用代码", "credit code"),
        "form": ("企业形式不同", "company form"),
        "translation": ("中外文对译", "translation"),
        "standard": ("数据商标准化申请人", "vendor's standardised applicant"),
        "similar": ("名称相近", "similar name"),
        "known": ("已审核为不同实体", "two reviewed entities"),
    },
    # the entries of a matter's history other than steps (matters.service.record)
    "matter_action": {
        "created": ("收件", "received"),
        "document": ("提交材料", "document filed"),
        "comment": ("备注", "note"),
        "assign": ("分派承办人", "assigned"),
        "extend": ("延长期限", "limit extended"),
        "join": ("并案", "joined"),
        "publish": ("发布典型案例", "published as a typical case"),
        "transfer": ("移交", "transferred"),
    },
    # the kinds of organisation (accounts.service.ORG_KINDS)
    "org_kind": {
        "office": ("知识产权局", "IP office"),
        "centre": ("知识产权保护中心", "IP protection centre"),
        "agency": ("服务机构", "service agency"),
        "enterprise": ("企业", "enterprise"),
    },
    # the units of a time limit (matters.definitions.UNITS)
    "time_unit": {
        "working_days": ("个工作日", "working days"),
        "days": ("日", "days"),
        "months": ("个月", "months"),
    },
    # the orders of a search's hits (search.fields.SORTS)
    "search_sort": {
        "relevance": ("按相关度", "most relevant first"),
        "AD": ("按申请日（新在前）", "newest filing first"),
        "PD": ("按公开日（新在前）", "newest publication first"),
    },
    "event_type": {
        "grant": ("授权", "granted"),
        "lapse": ("失效", "lapsed"),
        "restoration": ("恢复", "restored"),
        "invalidation": ("宣告无效", "invalidated"),
        "transfer": ("转让", "transferred"),
        "licence": ("许可", "licensed"),
        "pledge": ("质押", "pledged"),
        "pledge_release": ("质押解除", "pledge released"),
        "pledge_change": ("质押变更", "pledge changed"),
        "rejection": ("驳回", "rejected"),
        "withdrawal": ("撤回", "withdrawn"),
        "national_award": ("获国家级专利奖项", "national award"),
        "provincial_award": ("获省级专利奖项", "provincial award"),
    },
    # where a mark's renewal stands (registry/fees.py)
    "mark_state": {
        "early": ("未到续展期", "not yet renewable"),
        "open": ("可续展", "renewable now"),
        "grace": ("宽展期内", "in the grace period"),
        "lapsed": ("已过宽展期", "past the grace period"),
    },
    # the self-assessment's scale (registry/compliance.py)
    "compliance_score": {
        "0": ("未建立", "not in place"),
        "1": ("部分建立", "partly"),
        "2": ("基本建立并有记录", "largely, with records"),
        "3": ("完全符合", "fully"),
    },
    # the Jiangsu Patent Award's categories (matters/types/patent_award.py)
    "award_category": {
        "patent": ("专利奖（金奖、银奖、优秀奖）", "patent award (gold, silver, excellence)"),
        "inventor": ("发明人奖", "inventor award"),
    },
    # what pledge statistics are grouped by (registry/pledges.py)
    "pledge_by": {
        "city": ("地市", "city"),
        "bank": ("质权人（银行）", "pledgee (bank)"),
        "sei": ("战略性新兴产业", "strategic emerging industry"),
        "month": ("月份", "month"),
        "zone": ("开发区（园区）", "development zone (park)"),
    },
    # how an open licence is paid for (matters/types/open_licence.py)
    "payment_method": {
        "lump_sum": ("一次性支付", "lump sum"),
        "royalty": ("按销售额提成", "royalty"),
        "lump_sum_and_royalty": ("入门费加提成", "initial fee and royalty"),
    },
    # how an enterprise's tier moved on the year before (registry/tiers.py)
    "tier_change": {
        "up": ("升级", "up"),
        "down": ("降级", "down"),
        "same": ("不变", "same"),
        "new": ("新进", "new"),
        "left": ("退出", "left"),
    },
    # a reminder of an annual fee (registry/fee_reminders.py)
    "fee_reminder": {
        "due_soon": ("即将到期", "due soon"),
        "grace": ("已进入滞纳期，请尽快缴纳", "in its grace period: pay soon"),
    },
    # an annual fee against today (registry/fees.py)
    "fee_state": {
        "upcoming": ("未到期", "upcoming"),
        "grace": ("滞纳期", "in grace"),
        "past": ("滞纳期过", "grace over"),
    },
    "figure_status": {
        "ok": ("正常", "ok"),
        "missing": ("缺失", "missing"),
        "partial": ("部分", "partial"),
    },
    "job_status": {
        "queued": ("排队中", "queued"),
        "running": ("运行中", "running"),
        "done": ("完成", "done"),
        "failed": ("失败", "failed"),
    },
}


def words(field: str, value: str | None) -> tuple[str, str]:
    """(Chinese, English) for a stored value of ``field``; the value itself where the table does not know it."""
    if value is None:
        return "", ""
    return VALUES.get(field, {}).get(value, (value, value))


def word(field: str, value: str | None, lang: str) -> str:
    """The word for a stored value in ``lang`` (``zh`` or ``en``)."""
    zh, en = words(field, value)
    return en if lang == "en" else zh
