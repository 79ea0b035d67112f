"""The steps and limits shared by cases handled under the market-regulation administrative penalty procedure
(市场监管行政处罚程序规定, which 国知办函保字〔2021〕701号 applies to 假冒专利 too): a lead checked and a case filed
or not, investigation, notice of the intended penalty (with a hearing when asked), a decision within ninety days of
filing, extendable once by thirty with approval; suspension, hearing, public notice and testing/appraisal time not
counted. The fifteen working days to decide on filing (+15) were not read in the rule itself: unverified.

``penalty_case`` builds one such type from its form, parties and documents, so 假冒专利 and 商标侵权 keep one
procedure (../shared/reference/OFFICIAL_RULES.md §6).
"""

from __future__ import annotations

from pydantic import BaseModel

from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, Party, State, Transition

PROCEDURE = "市场监督管理行政处罚程序规定（国家市场监督管理总局令）"
APPLIED = "国知办函保字〔2021〕701号（查处假冒专利等适用市场监管行政处罚程序）"
STAFF = ("case_officer", "city_official", "province_admin")

STATES = (
    State("lead", "线索登记", "lead recorded"),
    State("not_filed", "不予立案", "not filed", final=True),
    State("filed", "已立案", "case filed"),
    State("investigating", "调查取证", "investigating"),
    State("suspended", "中止", "suspended", pauses="suspension"),
    State("appraisal", "检测鉴定中", "testing or appraisal", pauses="appraisal"),
    State("notified", "已告知拟处罚", "intended penalty notified"),
    State("hearing", "听证", "hearing", pauses="hearing"),
    State("public_notice", "公告送达中", "served by public notice", pauses="public_notice"),
    State("decided", "已作出处罚决定", "penalty decided", final=True),
    State("no_penalty", "不予处罚/撤销立案", "no penalty or case withdrawn", final=True),
    State("transferred", "移送", "transferred", final=True),
)
ACTIVE = ("filed", "investigating", "notified")
TRANSITIONS = (
    Transition("file", "立案", "file the case", ("lead",), "filed", STAFF, ("lead_material", "filing_approval")),
    Transition("not_file", "不予立案", "do not file", ("lead",), "not_filed", STAFF),
    Transition("investigate", "调查取证", "investigate", ("filed",), "investigating", STAFF),
    Transition("suspend", "中止", "suspend", ACTIVE, "suspended", STAFF),
    Transition("resume", "恢复", "resume", ("suspended", "appraisal", "public_notice"), "investigating", STAFF),
    Transition("appraise", "送检测鉴定", "send for testing or appraisal", ("investigating",), "appraisal", STAFF),
    Transition("notify", "告知拟处罚", "notify the intended penalty", ("investigating",), "notified", STAFF, ("penalty_notice",)),
    Transition("hold_hearing", "举行听证", "hold a hearing", ("notified",), "hearing", STAFF),
    Transition("hearing_done", "听证结束", "hearing done", ("hearing",), "notified", STAFF),
    Transition("serve_by_notice", "公告送达", "serve by public notice", ("notified", "investigating"), "public_notice", STAFF),
    Transition("decide", "作出处罚决定", "decide the penalty", ("notified",), "decided", STAFF, ("decision",)),
    Transition(
        "no_penalty", "不予处罚或撤销立案", "no penalty / withdraw", ("filed", "investigating", "notified"), "no_penalty", STAFF
    ),
    Transition("transfer", "移送", "transfer (to police or another authority)", ("lead", *ACTIVE), "transferred", STAFF),
)
DOCUMENTS = (
    DocumentRule("lead_material", "线索材料（投诉举报、检查记录）", "lead material", ("file",)),
    DocumentRule("filing_approval", "立案审批表", "filing approval form", ("file",)),
    DocumentRule("evidence", "证据材料", "evidence"),
    DocumentRule("penalty_notice", "行政处罚告知书", "notice of the intended penalty", ("notify",)),
    DocumentRule("decision", "行政处罚决定书", "penalty decision", ("decide",), "decision"),
)
DEADLINES = (
    DeadlineRule(
        "filing", "核查决定是否立案", "decide whether to file", "lead", ("file", "not_file", "transfer"), 15, "working_days",
        f"{PROCEDURE}：自发现线索或收到材料之日起十五个工作日内核查并决定是否立案，特殊情况可延长十五个工作日（原文未核）",
        verified=False, extension=(15, "working_days"),
    ),
    DeadlineRule(
        "decision", "作出处理决定", "decide", "filed", ("decide", "no_penalty", "transfer"), 90, "days",
        f"{APPLIED}；{PROCEDURE}：自立案之日起九十日内作出处理决定，经负责人批准可延长三十日；"
        "中止、听证、公告和检测、检验、检疫、鉴定等时间不计入",
        extension=(30, "days"), excludes=("suspension", "hearing", "public_notice", "appraisal"),
    ),
)  # fmt: skip


def penalty_case(
    id: str,
    code: str,
    name_zh: str,
    name_en: str,
    form: type[BaseModel],
    parties: tuple[Party, ...],
    **rights: str,
) -> MatterType:
    """A matter type on the administrative penalty procedure; ``rights`` names the form's patents/trademarks field."""
    return MatterType(
        id=id, code=code, name_zh=name_zh, name_en=name_en, source=f"{PROCEDURE}；{APPLIED}", form=form,
        title_field="subject", bodies=("office",), states=STATES, initial="lead", transitions=TRANSITIONS,
        deadlines=DEADLINES, documents=DOCUMENTS, parties=parties, **rights,  # type: ignore[arg-type]
    )  # fmt: skip
