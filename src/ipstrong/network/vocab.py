"""The service network's words, each code with its Chinese and English names: one table the models validate
against, the pages and exports show, and the import reads (a file may give the code or either name)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from ipstrong.messages import Msg

AGENCY_KINDS = {
    "patent_agency": ("专利代理机构", "patent agency"),
    "trademark_agency": ("商标代理机构", "trademark agency"),
    "law_firm": ("律师事务所", "law firm"),
    "operation": ("知识产权运营机构", "IP operation"),
    "evaluation": ("知识产权评估机构", "IP evaluation"),
    "information": ("知识产权信息服务机构", "IP information service"),
}
AGENCY_SERVICES = {
    "patent_filing": ("专利申请代理", "patent filing"),
    "trademark_filing": ("商标注册代理", "trademark filing"),
    "invalidation": ("专利无效与复审", "invalidation and re-examination"),
    "litigation": ("诉讼与维权", "litigation and enforcement"),
    "licensing": ("许可与转让", "licensing and transfer"),
    "valuation": ("价值评估", "valuation"),
    "pledge": ("质押融资服务", "pledge financing"),
    "search": ("检索分析", "search and analysis"),
    "navigation": ("专利导航", "patent navigation"),
    "consulting": ("管理咨询与贯标", "management consulting"),
    "training": ("培训", "training"),
    "overseas": ("海外布局与维权", "overseas filing and disputes"),
}
POINT_KINDS = {
    "tisc": ("技术与创新支持中心（TISC）", "technology and innovation support centre (TISC)"),
    "info_point": ("知识产权信息公共服务网点", "IP information service point"),
    "workstation": ("知识产权工作站", "IP workstation"),
}
HOST_KINDS = {
    "park": ("园区", "park"),
    "enterprise": ("企业", "enterprise"),
    "university": ("高校", "university"),
    "institute": ("科研院所", "research institute"),
    "library": ("图书馆", "library"),
    "agency": ("服务机构", "service agency"),
    "government": ("政府部门", "government body"),
}
POINT_SERVICES = {
    "consultation": ("咨询", "consultations"),
    "search": ("检索", "searches"),
    "training": ("培训", "trainings"),
}
QUALIFICATIONS = {
    "patent_attorney": ("专利代理师", "patent attorney"),
    "trademark_attorney": ("商标代理从业人员", "trademark practitioner"),
    "lawyer": ("律师", "lawyer"),
    "evaluator": ("资产评估师", "asset evaluator"),
    "analyst": ("信息分析人员", "information analyst"),
    "manager": ("企业知识产权管理人员", "enterprise IP manager"),
}
EDUCATIONS = {
    "doctorate": ("博士研究生", "doctorate"),
    "master": ("硕士研究生", "master's degree"),
    "bachelor": ("大学本科", "bachelor's degree"),
    "college": ("大学专科", "college diploma"),
}
TITLES = {
    "none": ("无", "none"),
    "assistant": ("助理知识产权工程师", "assistant IP engineer"),
    "engineer": ("知识产权工程师", "IP engineer"),
    "senior": ("高级知识产权工程师", "senior IP engineer"),
}
CREDIT_KINDS = {
    "commendation": ("守信激励", "commendation"),
    "warning": ("警示", "warning"),
    "penalty": ("行政处罚", "penalty"),
    "abnormal_list": ("列入经营异常名录", "listed as abnormal"),
    "dishonest_list": ("列入严重违法失信名单", "listed as seriously dishonest"),
}
NEED_PARTS = {
    "field": ("技术领域", "field"),
    "record": ("业绩", "record"),
    "services": ("服务匹配", "services"),
    "city": ("同城", "same city"),
}
RESPONDENTS = {
    "enterprise": ("企业", "enterprise"),
    "institution": ("高校院所", "university or institute"),
    "agency": ("服务机构", "service agency"),
    "public": ("社会公众", "member of the public"),
}


def code_of(table: dict[str, tuple[str, str]], value: str) -> str | None:
    """The code ``value`` names in ``table``: the code itself or either of its names."""
    value = value.strip()
    if value in table:
        return value
    return next((code for code, names in table.items() if value in names), None)


def choices(table: dict[str, tuple[str, str]]) -> Msg:
    """The codes of a table, for a refusal."""
    return Msg("、".join(f"{c}（{n[0]}）" for c, n in table.items()), ", ".join(table))


def check_codes(table: dict[str, tuple[str, str]], values: list[str], what: Msg) -> list[str]:
    """``values`` as codes of ``table`` (codes or names, each once), or a ``ValueError`` naming the unknown one."""
    found = []
    for value in values:
        code = code_of(table, value)
        if code is None:
            allowed = choices(table)
            raise ValueError(f"未知{what.zh} {value}（可选：{allowed.zh}）/ unknown {what.en} {value} ({allowed.en})")
        found.append(code)
    return list(dict.fromkeys(found))


def jiangsu_division(code: str) -> str:
    """``code`` when it is a Jiangsu city or county in force, else a ``ValueError`` (for the models' validators)."""
    from ipstrong.reference.regions import JIANGSU, by_code

    region = by_code().get(code)
    if (
        region is None
        or region.province_code != JIANGSU
        or region.level not in ("city", "district")
        or region.status != "current"
    ):
        raise ValueError(f"不是江苏的地市或区县代码：{code} / not a Jiangsu city or county code: {code}")
    return code


def one_of(table: dict[str, tuple[str, str]], what: Msg) -> Any:
    """A field holding one code of ``table``: given as the code or either name, kept as the code."""
    return Annotated[str, AfterValidator(lambda value: check_codes(table, [value], what)[0])]


def some_of(table: dict[str, tuple[str, str]], what: Msg) -> Any:
    """A field holding codes of ``table``, each once."""
    return Annotated[list[str], AfterValidator(lambda values: check_codes(table, values, what))]


# the fields the service network's forms share
JiangsuDivision = Annotated[str, Field(pattern="^32[0-9]{4}$"), AfterValidator(jiangsu_division)]
AgencyKind = one_of(AGENCY_KINDS, Msg("机构类型", "agency kind"))
AgencyService = one_of(AGENCY_SERVICES, Msg("服务项目", "service"))
AgencyServices = some_of(AGENCY_SERVICES, Msg("服务项目", "service"))
PointKind = one_of(POINT_KINDS, Msg("类别", "point kind"))
HostKind = one_of(HOST_KINDS, Msg("依托单位类型", "host kind"))
PointService = one_of(POINT_SERVICES, Msg("服务类别", "service"))
PointServices = some_of(POINT_SERVICES, Msg("服务内容", "service"))
Qualification = one_of(QUALIFICATIONS, Msg("资格", "qualification"))
Education = one_of(EDUCATIONS, Msg("学历", "education"))
Title = one_of(TITLES, Msg("职称", "title"))
