"""Who an applicant is, in CNIPA's categories: 企业 enterprise, 大专院校 university, 科研单位 institute, 机关团体
government (bodies, public institutions, associations), 个人 individual — the rule, written once as data.

CNIPA's statistics count applications by these five kinds of applicant (the monthly and yearly tables "个人 / 大专院校
/ 科研单位 / 工矿企业 / 机关团体", e.g. 国内三种专利申请受理状况月报; provincial yearbooks print the same columns). A
name is classified by the **last** unit word it contains, read from the right, the longest word first where two end
together: 中国科学院大气物理研究所 is a 研究所 (not a 学院 because 科学院 contains it), 上海交通大学医学院附属仁济医院
is a 医院, 清华大学 a 大学, 某某研究院有限公司 a 公司. Parenthesised aliases are left out first (中日友好医院
(中日友好临床医学研究所) is the hospital). A name of two to four Chinese characters with no unit word is a person.

Decision (no published rule found): hospitals and other public institutions that are neither universities nor
research institutes — 医院, 卫生院, 疾病预防控制中心, 推广/服务/监测中心, 学会, 协会, 基金会 — are 机关团体, the category
CNIPA's English tables call "institutions".
"""

from __future__ import annotations

import re

from ipstrong.ingest.checks import lit

# (type, unit words): Chinese words as written, Latin words as whole words in upper case
UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "enterprise": (
        "公司", "集团", "工厂", "厂", "企业", "合作社", "株式会社", "商行", "经营部", "门市部", "工作室", "事务所",
        "科技", "有限合伙", "农场", "专业社", "银行", "주식회사", "회사", "악티에볼라그",
        "CO", "LTD", "LTDA", "LIMITED", "INC", "CORP", "CORPORATION", "COMPANY", "GMBH", "AG", "SPA", "S P A", "AB",
        "BV", "B V", "APS", "PLC", "LLC", "KG", "SA", "S A", "SL", "S L", "NV", "N V", "OY", "AS", "KAISHA", "KK",
        "SAS", "SRL", "PTY", "PTE", "ELECTRONICS", "TECHNOLOGIES", "PHARMA", "KORPORATSIYA", "OBSHCHESTVO",
    ),
    "university": ("大学", "学院", "学校", "高等专科学校", "职业技术学院", "党校", "UNIVERSIT*", "UNIVERSID*", "COLLEGE"),
    "institute": (
        "研究所", "研究院", "科学院", "研究中心", "实验室", "设计院", "研究室", "科学研究院", "工程院", "创新中心",
        "科学中心", "研究基地", "测绘院", "研究发展中心",
        "INSTITU*", "INST", "ACADEM*", "LABORATOR*", "FRAUNHOFER", "CNRS", "INSERM", "COMMISSARIAT",
        "CONSEJO SUPERIOR", "RESEARCH CENTER", "INNOVATION CENTER", "CANCER CENTER",
    ),
    "government": (
        "人民政府", "政府", "委员会", "管理局", "局", "厅", "办公室", "部队", "总队", "支队", "大队", "医院", "卫生院",
        "疾病预防控制中心", "推广中心", "服务中心", "监测中心", "检测中心", "监控中心", "咨询中心", "检测站", "监测站",
        "站", "学会", "协会", "基金会", "博物馆", "图书馆", "海关", "法院", "检察院", "公安局", "气象台", "保健院",
        "防治所", "防治院", "监测院", "总台", "癌中心",
        "HOSPITAL*", "GOVERNMENT", "MINISTRY", "FOUNDATION", "ASSOCIATION", "SOCIETY", "AGENCY",
    ),
}  # fmt: skip
# a unit of a company (国网某省电力有限公司电力科学研究院, 某某股份有限公司技术创新中心) is the company's: an enterprise
COMPANY_UNIT = "公司"
TYPES = (*UNIT_WORDS, "individual", "other")


def _alternatives() -> list[tuple[str, str, str]]:
    """(reversed word, its pattern, type), longest first: read from the right, the longer of two words that end
    together wins (科学院 over 学院)."""
    out = []
    for kind, words in UNIT_WORDS.items():
        for word in words:
            reversed_word = word.rstrip("*")[::-1]  # a stem stands for its words, cut back to it (see _stems)
            pattern = rf"\b{re.escape(reversed_word)}\b" if word.isascii() else re.escape(reversed_word)
            out.append((reversed_word, pattern, kind))
    out.sort(key=lambda item: -len(item[0]))
    return out


def _stems() -> str:
    """The SQL that cuts words back to the Latin stems of UNIT_WORDS (UNIVERSITÄT, UNIVERSITEIT → UNIVERSIT)."""
    stems = [w.rstrip("*") for words in UNIT_WORDS.values() for w in words if w.endswith("*")]
    return r"\b(" + "|".join(stems) + r")[A-Z0-9]*"


def _sql_text(values: list[str]) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]"


def applicant_type_macro() -> str:
    """The DuckDB macro ``ips_applicant_type(n)``: parenthesised aliases dropped, Latin letters folded to upper case
    and punctuation to spaces, the string reversed and searched once for the unit words (longest first), the word
    found looked up in the parallel list of types; no word: a person for two to four Chinese characters, else other."""
    alternatives = _alternatives()
    pattern = "(" + "|".join(p for _w, p, _k in alternatives) + ")"
    words = _sql_text([w for w, _p, _k in alternatives])
    kinds = _sql_text([k for _w, _p, k in alternatives])
    cleaned = (
        r"reverse(regexp_replace(regexp_replace(upper(regexp_replace(n, '[（(][^（）()]*[）)]', '', 'g')), "
        r"'[^\p{Han}\p{Hangul}A-Z0-9]+', ' ', 'g'), " + f"'{_stems()}', '\\1', 'g'))"
    )
    found = f"{kinds}[list_position({words}, regexp_extract({cleaned}, {lit(pattern)}, 1))]"
    return rf"""CREATE OR REPLACE MACRO ips_applicant_type(n) AS CASE
        WHEN n IS NULL OR trim(n) = '' THEN NULL
        WHEN contains(regexp_replace(n, '[（(][^（）()]*[）)]', '', 'g'), '{COMPANY_UNIT}') THEN 'enterprise'
        ELSE coalesce({found}, CASE WHEN regexp_full_match(trim(n), '\p{{Han}}{{2,4}}') THEN 'individual' ELSE 'other' END)
        END"""


# A source's own word for the first applicant's type (申请人类型 in CNIPA-style exports; the USPTO reader says
# ``individual`` where the first owner is a person, not an organisation): it decides where given, the name rule
# above otherwise. Words as the exports print them, compared whole, in lower case.
TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "enterprise": ("企业", "工矿企业", "enterprise", "company"),
    "university": ("大专院校", "高等院校", "院校", "university"),
    "institute": ("科研单位", "科研机构", "科研院所", "institute"),
    "government": ("机关团体", "机关", "事业单位", "government"),
    "individual": ("个人", "individual", "person"),
}


def applicant_type_word_macro() -> str:
    """The DuckDB macro ``ips_applicant_type_word(s)``: the type a source's word names, or NULL."""
    cases = " ".join(
        f"WHEN lower(trim(s)) IN ({', '.join(lit(w) for w in words)}) THEN {lit(kind)}" for kind, words in TYPE_WORDS.items()
    )
    return f"CREATE OR REPLACE MACRO ips_applicant_type_word(s) AS CASE {cases} ELSE NULL END"
