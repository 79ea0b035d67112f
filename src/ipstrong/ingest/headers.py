"""Column headers of CNIPA-style exports and the project's event file, mapped to canonical names.

Headers are compared after folding: full-width to half-width, spaces and every kind of bracket removed, lower
case — so 公开（公告）号, 公开(公告)号 and 公开 公告号 are one header. Adding a variant means adding one alias here.
企查查 (Qichacha) API records use their own keys (RegNo, IntCls, ApplicantCn, FlowStatusDesc; ApplicationNumber,
AssigneestringList, KindCodeDesc …), folded the same way.
"""

from __future__ import annotations

import re
import unicodedata

PATENT_ALIASES: dict[str, tuple[str, ...]] = {
    # the office that received the application (USPTO XML: US); CN when absent
    "office": ("受理局", "office"),
    "app_no": ("申请号", "专利申请号", "申请号码", "application_number", "app_no", "an", "applicationnumber"),
    "app_date": ("申请日", "申请日期", "application_date", "app_date", "ad", "applicationdate"),
    "pub_no": (
        "公开公告号",
        "公开号",
        "公告号",
        "公布号",
        "公开公布号",
        "publication_number",
        "pub_no",
        "pn",
        "publicationnumber",
    ),
    "pub_date": (
        "公开公告日",
        "公开日",
        "公告日",
        "公开日期",
        "公布日",
        "公开公布日",
        "publication_date",
        "pub_date",
        "pd",
        "publicationdate",
    ),
    "grant_date": ("授权公告日", "授权日", "授权日期", "授权公告日期", "grant_date", "gd"),
    "title": ("名称", "专利名称", "发明名称", "标题", "题名", "标题中文", "中文标题", "title", "ti"),
    "abstract": ("摘要", "申请摘要", "摘要中文", "中文摘要", "abstract", "ab"),
    "applicants": ("申请专利权人", "申请人", "专利权人", "申请人专利权人", "applicants", "applicant", "pa", "assigneestringlist"),
    # the vendor's standardised name of each applicant (incoPat 标准化申请人 "[通用汽车-C; …]", Patentics 标准申请人): a
    # corporate group, so evidence for resolution only, kept where it lists one name per applicant
    "applicants_standard": ("标准化申请人", "标准申请人", "applicants_standard"),
    # the source's own word for the applicant's type (企业, 个人, 科研机构 …): it decides over the name rule
    "applicant_type": ("申请人类型", "applicant_type"),
    "inventors": ("发明设计人", "发明人", "设计人", "inventors", "inventor", "inventorstringlist"),
    "address": ("地址", "申请人地址", "专利权人地址", "申请专利权人地址", "address"),
    # the applicant's province or city as a vendor gives it apart from any address (Patentics 省市): it places a record
    # that has no address, never the correspondence address (通信地址, usually the patent agency's)
    "applicant_region": ("省市", "申请人省市", "申请人所在省市", "申请人省份", "applicant_region"),
    "ipc_main": ("主分类号", "主分类", "ipc主分类号", "ipc主分类", "主ipc", "国际主分类", "国际主分类号", "ipc_main"),
    "ipc_all": ("分类号", "ipc分类号", "国际分类号", "国际分类", "ipc", "ipc_all"),
    "patent_type": ("专利类型", "专利种类", "类型", "patent_type", "kindcodedesc"),
    # the status word; where an export has both, incoPat's current status (当前法律状态) over its 法律状态
    "legal_status": ("当前法律状态", "法律状态", "legal_status", "legalstatusdesc"),
    # a second status word of the same record: incoPat's 专利有效性 (有效/失效/审中), read where the first says nothing
    "validity": ("专利有效性", "有效性", "validity"),
    # a dated log of the legal events (Patentics 法律描述: "2021.11.12 未缴年费专利权终止 …"): it dates a lapse
    "legal_events": ("法律描述", "legal_events"),
    "lapse_date": ("失效日", "失效日期", "终止日", "权利终止日", "lapse_date"),
    "family_countries": ("同族国家", "同族国家地区", "family_countries"),
    # publication numbers of the family (incoPat 简单同族): their country prefixes fill family_countries when absent
    "family_members": ("简单同族", "简单同族专利", "同族专利", "同族公开号", "family_members"),
    # the agency, with its five-digit code where the source writes it (CNIPA XML "杭州求是专利事务所有限公司 33200";
    # Patentics 律师、代理 "北京集佳知识产权代理有限公司11227; 王宝筠": the agency is the part before the first ;)
    "agency": ("代理机构", "专利代理机构", "律师、代理", "agency"),
    "agents": ("代理人", "专利代理人", "agents"),
    "priority": ("优先权", "priority"),
    # the PCT filing and publication of a national-phase application ("PCT/US2021/019468 2021-02-24")
    "pct_application": ("PCT申请数据", "国际申请", "pct_application"),
    "pct_publication": ("PCT公布数据", "国际公布", "pct_publication"),
    "claims_count": ("权利要求数", "权利要求项数", "claims_count"),
    "claims": ("主权项", "首项权利要求", "独立权利要求", "权利要求", "权利要求书", "claims"),
}
PATENT_REQUIRED = ("app_no", "app_date", "title", "applicants")

EVENT_ALIASES: dict[str, tuple[str, ...]] = {
    "app_no": ("申请号", "专利申请号", "专利号", "application_number", "app_no"),
    "event_type": ("事件类型", "法律事件", "event_type"),
    "event_date": ("事件日期", "日期", "生效日", "质押登记日", "质押登记日期", "event_date"),
    "from_party": ("转出方", "出质人", "让与人", "许可人", "from_party"),
    "to_party": ("转入方", "质权人", "受让人", "被许可人", "to_party"),
    "to_address": ("转入方地址", "受让人地址", "to_address"),
    "amount_10k_yuan": ("金额万元", "金额", "质押金额万元", "担保金额万元", "担保债权数额万元", "amount_10k_yuan"),
}
EVENT_REQUIRED = ("app_no", "event_type", "event_date")
# a pledge register (the gazette's list of 出质人, 质权人, 专利号, 质押登记日 …) is an event file whose every row is a pledge
PLEDGE_REGISTER_DATES = ("质押登记日", "质押登记日期")

TRADEMARK_ALIASES: dict[str, tuple[str, ...]] = {
    "reg_no": ("注册号", "商标注册号", "注册号/申请号", "申请/注册号", "registration_number", "reg_no", "regno"),
    "mark_name": ("商标名称", "商标", "商标文字", "mark_name", "trademark", "name"),
    "owner": ("注册人", "申请人名称", "注册人名义", "商标注册人", "owner", "registrant", "applicantcn"),
    "owner_address": ("注册人地址", "申请人地址", "注册人地址中文", "owner_address"),
    "nice_classes": ("国际分类", "国际分类号", "类别", "尼斯分类", "nice_classes", "class", "intcls"),
    "app_date": ("申请日", "申请日期", "app_date", "appdate"),
    "reg_date": ("注册日", "注册日期", "注册公告日期", "reg_date"),
    "expiry_date": ("专用权期限至", "专用权期限", "有效期至", "专用期限至", "expiry_date"),
    "status_raw": ("商标状态", "状态", "法律状态", "flowstatusdesc", "status", "status_raw"),
}
TRADEMARK_REQUIRED = ("reg_no", "mark_name", "owner")

GI_ALIASES: dict[str, tuple[str, ...]] = {
    "gi_no": ("地理标志编号", "保护产品编号", "地理标志登记号", "gi_no"),
    "name": ("地理标志名称", "产品名称", "地理标志产品名称", "gi_name", "name"),
    "name_translation": ("英文名称", "译名", "name_translation"),
    "office": ("登记机关", "受理局", "office"),
    "category": ("地理标志类别", "类别名称", "category"),
    "product_classes": ("商品类别", "尼斯分类", "product_classes"),
    "region_text": ("保护范围", "产地范围", "地域范围", "region_text"),
    "applicant": ("申请人", "申请单位", "注册人", "applicant"),
    "applicant_address": ("申请人地址", "申请单位地址", "applicant_address"),
    "authorized_users": ("使用人", "核准使用企业", "authorized_users"),
    "app_date": ("申请日", "受理日", "app_date"),
    "reg_date": ("批准日", "公告日", "登记日", "reg_date"),
    "status_raw": ("状态", "status_raw"),
}
GI_REQUIRED = ("gi_no", "name")

# every file kind's columns, by the kind's name (ingest stages them, quarantine names them back)
ALIASES = {"patents": PATENT_ALIASES, "events": EVENT_ALIASES, "trademarks": TRADEMARK_ALIASES, "gi": GI_ALIASES}

# Columns a quarantine file adds after the original row; ignored when a fixed quarantine file is ingested.
QUARANTINE_COLUMNS = ("file", "row", "field", "reason_zh", "reason_en", "raw_line")

_BRACKETS = re.compile(r"[\s()\[\]{}（）【】〔〕<>《》]")


def fold_header(header: str) -> str:
    """Fold a header for comparison (width, spaces, brackets, case)."""
    return _BRACKETS.sub("", unicodedata.normalize("NFKC", header or "")).lower()


def map_headers(headers: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Canonical name -> original header. When several headers fit one name, the one whose alias comes first in the
    alias list wins (企查查's FlowStatusDesc words over its numeric Status), then the first in the file."""
    lookup = {fold_header(a): (canonical, rank) for canonical, names in aliases.items() for rank, a in enumerate(names)}
    best: dict[str, tuple[int, str]] = {}
    for header in headers:
        found = lookup.get(fold_header(header))
        if found and (found[0] not in best or found[1] < best[found[0]][0]):
            best[found[0]] = (found[1], header)
    return {canonical: header for canonical, (_rank, header) in best.items()}


def implied_columns(kind: str, mapping: dict[str, str]) -> dict[str, str]:
    """Columns a file of ``kind`` states by what it is rather than in a column: a pledge register's event type."""
    pledge_register = fold_header(mapping.get("event_date", "")) in {fold_header(h) for h in PLEDGE_REGISTER_DATES}
    return {"event_type": "质押"} if kind == "events" and "event_type" not in mapping and pledge_register else {}


def file_kind(headers: list[str]) -> str | None:
    """``patents``, ``events``, ``trademarks`` or ``gi`` by the columns present, or None when none fits."""
    if "gi_no" in map_headers(headers, GI_ALIASES):
        return "gi"
    trademark = map_headers(headers, TRADEMARK_ALIASES)
    if "reg_no" in trademark and ("mark_name" in trademark or "nice_classes" in trademark):
        return "trademarks"
    patent = map_headers(headers, PATENT_ALIASES)
    if all(c in patent for c in PATENT_REQUIRED):  # a patent list, even with a 法律事件 (legal events) column
        return "patents"
    event = map_headers(headers, EVENT_ALIASES)
    if "app_no" in event and ("event_type" in event or implied_columns("events", event)):
        return "events"
    if len(patent) >= 3 and "app_no" in patent:
        return "patents"
    return None


def known_header_count(headers: list[str]) -> int:
    """How many cells of a row are known headers (finds the header row under banner rows)."""
    every = [names for aliases in ALIASES.values() for names in aliases.values()]
    folded = {fold_header(a) for names in every for a in names}
    return sum(1 for h in headers if fold_header(str(h)) in folded)
