"""Interface words in Chinese and English; Chinese is the default, English one click away."""

from __future__ import annotations

LANGUAGES = ("zh", "en")

WORDS: dict[str, tuple[str, str]] = {
    "app_name": ("知识产权强省平台", "IP-Strong Province Platform"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "home": ("首页", "Home"),
    "users": ("用户管理", "Users"),
    "audit": ("审计日志", "Audit log"),
    "warehouse": ("数据仓库", "Warehouse"),
    "api_docs": ("接口文档", "API docs"),
    "my_account": ("我的账号", "My account"),
    "change_password": ("修改密码", "Change password"),
    "current_password": ("原密码", "Current password"),
    "new_password": ("新密码", "New password"),
    "save": ("保存", "Save"),
    "create_user": ("新建用户", "Create user"),
    "role": ("角色", "Role"),
    "region": ("地区", "Region"),
    "display_name": ("显示名", "Display name"),
    "welcome": ("欢迎", "Welcome"),
    "your_role": ("您的角色", "Your role"),
    "your_region": ("您的地区", "Your region"),
    "snapshot": ("当前快照", "Current snapshot"),
    "patents": ("专利", "Patents"),
    "no_data": ("仓库中还没有数据", "The warehouse holds no data yet"),
    "not_found": ("页面不存在", "Page not found"),
    "forbidden": ("无权访问", "Not allowed"),
    "server_error": ("服务器出错，已记录", "Server error; it has been logged"),
    "bad_request": ("请求无效", "Bad request"),
    "too_large": ("请求体过大", "Request body too large"),
    "saved": ("已保存", "Saved"),
    "audit_intact": ("审计链完好", "Audit chain intact"),
    "audit_broken": ("审计链断开", "Audit chain broken"),
    "must_change_password": ("请先修改初始密码", "Please change your initial password first"),
    "language_switch": ("English", "中文"),
    "jobs": ("后台任务", "Jobs"),
    "entities": ("申请人实体", "Applicant entities"),
    "calendar": ("工作日", "Working days"),
    "calendar_help": (
        "期限按工作日计算（起算日不计，法定节假日不计，调休上班日计入）；节假日表由 chinesecalendar 预置，"
        "每年国务院办公厅通知发布后由省级管理员补录并注明来源。",
        "Deadlines count working days (not the start day, not public holidays, make-up working days included); the "
        "table is seeded from chinesecalendar and the province administrator adds each year's State Council notice "
        "with its source.",
    ),
    "calendar_compute": ("推算期限", "Compute a deadline"),
    "calendar_start": ("起算日", "Start day"),
    "calendar_n": ("工作日数", "Working days"),
    "calendar_months": ("月数", "Months"),
    "calendar_result": ("届满日", "Ends on"),
    "calendar_provisional": ("（暂定：节假日表未覆盖该年）", " (provisional: the table does not cover that year)"),
    "calendar_kind": ("类型", "Kind"),
    "calendar_holiday": ("放假", "holiday"),
    "calendar_workday": ("调休上班", "make-up working day"),
    "calendar_remove": ("删除", "remove"),
    "calendar_source": ("来源", "Source"),
    "entities_help": (
        "同一企业的不同写法（有限公司/股份有限公司、中英文名称、全半角）归为一个实体；人工合并、移出或驳回的结论在重新导入后保留，"
        "点击“更新仓库”后写入专利的 first_applicant_id。",
        "Names of one enterprise (company forms, Chinese and English, full/half width) are one entity; merges, moves "
        "and rejections made here survive re-ingests and reach patents.first_applicant_id with “update warehouse”.",
    ),
    "entity_names": ("名称", "Names"),
    "entity_method": ("归入方式", "How it joined"),
    "entity_merge_into": ("并入本实体（实体编号）", "Merge into this entity (entity id)"),
    "entity_move": ("移出为新实体", "Split out as a new entity"),
    "entity_pairs": ("待审名称对", "Pairs to review"),
    "entity_same": ("是同一企业", "Same enterprise"),
    "entity_different": ("不是同一企业", "Different"),
    "entity_apply": ("更新仓库", "Update warehouse"),
    "entity_stats": (
        "实体 {entities} 个，名称 {names} 个，待审 {open_pairs} 对",
        "{entities} entities, {names} names, {open_pairs} pairs open",
    ),
    "indicators": ("指标", "Indicators"),
    "search": ("检索", "Search"),
    "insert_field": ("插入字段…", "Insert a field…"),
    "query_syntax": ("检索语法", "Query syntax"),
    "field_code": ("代码", "Code"),
    "example": ("示例", "Example"),
    "syntax_rules": (
        "与/或/非（AND/OR/NOT）组合检索项，括号分组，相邻检索项视为“与”；FIELD=(a OR b) 对括号内每项使用同一字段；"
        "引号内为短语；不写字段时检索名称和摘要；中文逐字匹配，繁简体、全半角均可；英文词干匹配（battery 与 batteries）；"
        "IPC=H01M 为小类，IPC=H01M10 为大组及其下各组，IPC=H01M10/05* 为前缀；日期可用 =、>=、<= 与 a..b 范围。",
        "Combine terms with AND/OR/NOT (与/或/非) and parentheses; adjacent terms are ANDed; FIELD=(a OR b) applies the "
        "field to each term inside; quotes make a phrase; a term without a field searches title and abstract; Chinese "
        "matches character by character in traditional or simplified, full- or half-width; English is stemmed (battery "
        "finds batteries); IPC=H01M is the subclass, IPC=H01M10 main group 10 and below, IPC=H01M10/05* a prefix; dates "
        "take =, >=, <= and ranges a..b.",
    ),
    "first_claim": ("主权项", "First claim"),
    "hits": ("命中", "Hits"),
    "refine": ("细化", "Refine"),
    "similar_to": ("粘贴一段技术描述，查找相似专利", "Paste a technical description to find similar patents"),
    "find_similar": ("查找相似", "Find similar"),
    "assessment": ("考核", "Assessment"),
    "targets_file": (
        "目标文件（CSV：region_code, indicator, year, target, direction）",
        "Targets file (CSV: region_code, indicator, year, target, direction)",
    ),
    "as_xlsx": ("下载 XLSX", "Download XLSX"),
    "target": ("目标", "Target"),
    "completion": ("完成率", "Completion"),
    "change": ("同比变化", "Change"),
    "rank": ("排名", "Rank"),
    "published": ("公布值", "Published"),
    "indicator": ("指标", "Indicator"),
    "year_end": ("年末", "Year-end"),
    "value": ("数值", "Value"),
    "num_den": ("分子 / 分母", "Numerator / denominator"),
    "show": ("显示", "Show"),
    "dashboard_headline": ("全省概览", "Headline figures"),
    "map": ("地图", "Map"),
    "series": ("历年变化", "Time series"),
    "patents_behind": ("明细", "Patents"),
    "explain_title": ("指标明细：构成该数值的专利", "The patents behind a figure"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "first_rows": ("仅显示前 {n} 件，完整清单请下载 CSV", "showing the first {n}; download the CSV for all"),
    "source": ("依据", "Source"),
    "api_tokens": ("API 令牌", "API tokens"),
    "token_name": ("用途", "Used for"),
    "allow_write": ("允许写入", "Allow writes"),
    "create_token": ("签发令牌", "Issue token"),
    "token_once": ("请立即复制，此令牌只显示这一次：", "Copy it now; this token is shown only once:"),
    "revoke": ("撤销", "Revoke"),
    "revoked": ("已撤销", "revoked"),
    "reset_password": ("重置密码", "Reset password"),
    "deactivate": ("停用", "Deactivate"),
    "activate": ("启用", "Activate"),
    "upload_ingest": ("上传并导入", "Upload and ingest"),
    "status": ("状态", "Status"),
    "progress": ("进度", "Progress"),
    "message": ("说明", "Message"),
    "matters": ("事项办理", "Matters"),
    "matters_new": ("受理新事项", "New matter"),
    "matters_board": ("时限看板", "SLA board"),
    "matter_type": ("事项类型", "Type"),
    "matter_state": ("状态", "State"),
    "matter_number": ("编号", "Number"),
    "matter_title": ("案由/名称", "Title"),
    "matter_body": ("承办机构", "Body"),
    "matter_received": ("收件日期", "Received"),
    "matter_due": ("期限届满", "Due"),
    "matter_days_left": ("剩余天数", "Days left"),
    "matter_overdue": ("已超期", "Overdue"),
    "matter_soon": ("即将到期", "Due soon"),
    "matter_open": ("未办结", "Open"),
    "matter_all": ("全部", "All"),
    "matter_paused": ("暂停计时", "paused"),
    "matter_provisional": ("（暂定：节假日表未覆盖）", " (provisional: beyond the holiday table)"),
    "matter_limits": ("期限", "Time limits"),
    "matter_parties": ("当事人", "Parties"),
    "matter_rights": ("涉及的专利/商标", "Patents and marks"),
    "matter_documents": ("材料", "Documents"),
    "matter_history": ("办理记录", "History"),
    "matter_steps": ("可办理的步骤", "Steps you can take"),
    "matter_comment": ("留言", "Comment"),
    "matter_assign": ("分派承办人", "Assign"),
    "matter_assignees": ("承办人", "Assignees"),
    "matter_join": ("邀请协办机构", "Invite a body"),
    "matter_joined": ("协办机构", "Joined bodies"),
    "matter_extend": ("批准延长期限", "Approve an extension"),
    "matter_upload": ("上传", "Upload"),
    "matter_kind": ("材料类型", "Kind"),
    "matter_note": ("说明", "Note"),
    "matter_on": ("办理日期（默认今天）", "Day (today by default)"),
    "matter_checked": ("已核对", "checked"),
    "matter_unchecked": ("未核对", "unchecked"),
    "matter_file": ("提交", "Submit"),
    "matter_filter": ("筛选", "Filter"),
    "matter_avg_days": ("近一年平均办理天数", "Avg. days to close (last year)"),
    "matter_met": ("已完成", "met"),
    "matter_missing": ("尚缺材料", "still missing"),
    "matter_source": ("依据", "Rule"),
    "matter_search": ("编号、案由或当事人", "Number, title or party"),
    "matter_role_hint": ("每行一项", "one per line"),
    "matter_by_state": ("未办结事项（按状态）", "Open matters by state"),
    "matter_count": ("件数", "Count"),
    "matter_none": ("没有事项", "No matters"),
    "matter_routed_from": ("转办自", "Routed from"),
    "matter_routed_to": ("已转办为", "Routed into"),
    "matter_route": ("转办为", "Route into"),
    "matter_issue": ("出具文书（PDF）", "Issue a document (PDF)"),
    "matter_transfer": ("移交与移送", "Hand over or transfer"),
    "matter_handover": ("移交本平台其他机构", "Hand over on the platform"),
    "matter_export_to": ("接收机构（外省市）", "Partner body (another region)"),
    "matter_export": ("导出签名移送包", "Export the signed package"),
    "matter_import": ("导入外地移送包（.zip）", "Receive a transfer package (.zip)"),
    "matter_issue_text": ("正文或理由", "Text or reasons"),
}


def _search_help() -> tuple[str, str]:
    """The field list of the search page, from the query language's own table (one list, never a copy)."""
    from ipstrong.search.query import FIELDS

    fields = list({f.code: f for f in FIELDS.values()}.values())
    zh = "字段：" + "、".join(f"{f.code} {f.name_zh}" for f in fields)
    en = "Fields: " + ", ".join(f"{f.code} {f.name_en}" for f in fields)
    syntax_zh = '；与 或 非（AND OR NOT）、括号、"短语"；日期可用 =、>=、<=、a..b'
    syntax_en = '; AND OR NOT, ( ), "phrase"; dates take =, >=, <=, a..b'
    return zh + syntax_zh, en + syntax_en


WORDS["search_help"] = _search_help()


def t(key: str, lang: str) -> str:
    """The word for ``key`` in ``lang`` (Chinese when unknown)."""
    zh, en = WORDS[key]
    return en if lang == "en" else zh
