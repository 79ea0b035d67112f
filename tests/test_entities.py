"""Applicant entity resolution: name forms, the rounds of linking, and precision/recall on real names."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import shared_data
from ipstrong.ingest.entities import Applicant, resolve
from ipstrong.ingest.entity_evaluation import evaluate, read_labels, real_applicants
from ipstrong.ingest.names import name_forms, name_key

LABELS = Path(__file__).parent / "fixtures" / "applicant_entities" / "labelled.csv"


def _group_of(resolution, name: str) -> set[str]:
    key = name_key(name)
    return next(set(g) for g in resolution.groups if key in g)


def test_the_issue_example_is_one_enterprise():
    names = ["苏州某某科技有限公司", "苏州某某科技股份有限公司", "SUZHOU MOUMOU TECHNOLOGY CO LTD", "苏州某某电子有限公司"]
    r = resolve(Applicant(n) for n in names)
    assert _group_of(r, names[0]) == {name_key(n) for n in names[:3]}
    assert r.method[name_key(names[2])] in ("translation", "exact")


def test_name_key_folds_width_brackets_spacing_and_accents():
    assert name_key("本源量子计算科技（合肥）股份有限公司") == name_key("本源量子计算科技(合肥)股份有限公司")
    assert name_key("LG 电子株式会社") == "LG电子株式会社"
    assert name_key("Université de Caen") == name_key("UNIVERSITE DE CAEN")
    assert name_forms("KONINKLIJKE PHILIPS N V").core == name_forms("Koninklijke Philips NV").core


def test_two_chinese_names_are_not_linked_by_pinyin_and_institutions_keep_word_order():
    names = ["苏州华为科技有限公司", "苏州华伟科技有限公司", "青岛科技大学", "QINGDAO UNIVERSITY OF TECHNOLOGY"]
    r = resolve(Applicant(n) for n in names)
    assert all(len(g) == 1 for g in r.groups)


def test_an_english_name_that_fits_two_chinese_enterprises_waits_for_review():
    names = ["南京华中科技有限公司", "南京化中科技有限公司", "NANJING HUAZHONG TECHNOLOGY CO LTD"]
    r = resolve(Applicant(n) for n in names)
    assert len(r.groups) == 3 and {c.reason for c in r.candidates} == {"translation"}


def test_similar_names_need_evidence_numerals_and_regions_must_agree():
    a = Applicant("南京某某精密机械制造科技发展有限公司", cities=frozenset({"320100"}), inventors=frozenset({"王强"}))
    typo = Applicant("南京某某精蜜机械制造科技发展有限公司", cities=frozenset({"320100"}), inventors=frozenset({"王强"}))
    r = resolve([a, typo])
    assert len(_group_of(r, a.name)) == 2 and r.method[name_key(typo.name)] == "similar"
    for other in (Applicant(typo.name), Applicant(typo.name, cities=a.cities)):  # no inventor; one city is not enough
        alone = resolve([a, other])
        assert len(alone.groups) == 2 and alone.candidates[0].reason == "similar"
    numbered = ["中国电子科技集团公司第三十八研究所", "中国电子科技集团公司第二十八研究所"]
    institutes = resolve(Applicant(n, cities=frozenset({"340100"})) for n in numbered)
    assert len(institutes.groups) == 2


def test_credit_codes_link_and_separate_and_known_entities_are_never_joined():
    code = "91320000000000000A"
    r = resolve([Applicant("甲公司", credit_code=code), Applicant("乙科技有限公司", credit_code=code)])
    assert len(r.groups) == 1 and r.method[name_key("乙科技有限公司")] == "credit_code"
    apart = resolve([Applicant("某某科技有限公司", credit_code="1"), Applicant("某某科技股份有限公司", credit_code="2")])
    assert len(apart.groups) == 2
    known = resolve([Applicant("某某科技有限公司", entity=1), Applicant("某某科技股份有限公司", entity=2), Applicant("某某科技")])
    assert len(known.groups) == 2 and {c.reason for c in known.candidates} == {"known"}


def test_precision_and_recall_on_real_names():
    result = evaluate(real_applicants(shared_data()), read_labels(LABELS))
    assert result["names"] > 11_000
    # measured 0.963 / 0.791 (issue 7: 0.94 / 0.41); the misses left (BENCHMARKS.md, by kind) are Chinese names of
    # foreign companies with no vendor group or a tie in it, renames, company-form conversions held for review
    assert result["precision"] >= 0.95, result
    assert result["recall"] >= 0.77, result


def test_a_vendor_group_links_a_chinese_name_to_its_single_best_foreign_match():
    amazon = [
        Applicant("亚马逊技术有限公司", groups=frozenset({"亚马逊司-C"})),
        Applicant("AMAZON TECHNOLOGIES INC", groups=frozenset({"亚马逊司-C"})),
    ]
    r = resolve(amazon)
    assert len(r.groups) == 1 and "standard" in {r.method[name_key(a.name)] for a in amazon}
    assert len(resolve(Applicant(a.name) for a in amazon).groups) == 2  # the names alone say nothing
    hyundai = ["现代自动车株式会社", "HYUNDAI MOTOR CO LTD", "KIA MOTORS CORPORATION"]  # two foreign names fit as well
    tie = resolve(Applicant(n, groups=frozenset({"现代公司-C"})) for n in hyundai)
    assert len(tie.groups) == 3 and {c.reason for c in tie.candidates} == {"standard"}
    domestic = ["常州豪爵铃木摩托车有限公司", "SUZUKI MOTOR CORP"]  # a Chinese name that begins with a place is domestic
    assert len(resolve(Applicant(n, groups=frozenset({"铃木汽车-c"})) for n in domestic).groups) == 2
    llc = ["通用电气航空系统有限责任公司", "GE AVIATION SYSTEMS LIMITED", "GE AVIATION SYSTEMS LLC"]
    ge = resolve(Applicant(n, groups=frozenset({"通用电气-C"})) for n in llc)
    assert _group_of(ge, llc[0]) == {name_key(llc[0]), name_key(llc[2])}


def test_foreign_company_kinds_that_differ_wait_for_review():
    r = resolve(
        Applicant(n)
        for n in ["SONY INTERACTIVE ENTERTAINMENT INC", "SONY INTERACTIVE ENTERTAINMENT LLC", "GOOGLE INC", "GOOGLE LLC"]
    )
    assert len(r.groups) == 4 and {c.reason for c in r.candidates} == {"form"}
    assert (
        len(
            resolve(Applicant(n) for n in ["ROBERT BOSCH GMBH", "BOSCH GMBH ROBERT", "AUDI AG", "AUDI AKTIENGESELLSCHAFT"]).groups
        )
        == 2
    )


@pytest.mark.parametrize(
    "names",
    [
        ["GEN ELECTRIC", "GENERAL ELECTRIC COMPANY"],  # DOCDB's abbreviations
        ["SEMICONDUCTOR ENERGY LAB CO LTD", "SEMICONDUCTOR ENERGY LABORATORY CO LTD"],
        ["UNIV QINGHUA", "清华大学"],  # DOCDB writes UNIV first
        ["KOREA INST SCI TECH", "KOREA INSTITUTE OF SCIENCE AND TECHNOLOGY"],
        ["CENTRE NATIONAL DE LA RECHERCHE SCIENTIFIQUE", "CENTRE NATIONAL DE LA RECHERCHE SCIENTIFIQUE(CNRS)"],
        ["TOYOTA JIDOSHA KABUSHIKI KAISHA", "TOYOTA MOTOR CORP"],  # romanised Japanese
        [
            "FRAUNHOFER GESELLSCHAFT ZUR FOERDERUNG DER ANGEWANDTEN FORSCHUNG E V",
            "FRAUNHOFER-GESELLSCHAFT ZUR FORDERUNG DER ANGEWANDTEN FORSCHUNG EINGETRAGENER VEREIN",
        ],
        ["GM GLOBAL TECHNOLOGY OPRATIONS LLC", "GM GLOBAL TECHNOLOGY OPERATIONS LLC"],  # a misspelling of three words or more
        ["BALANCE CXI INC", "BALANCECXI INC"],
        ["国网湖北省电力公司检修公司", "国网湖北省电力有限公司检修公司"],  # the parent's form inside the name
    ],
)
def test_forms_of_one_name_are_one_enterprise(names):
    assert len(resolve(Applicant(n) for n in names).groups) == 1


def test_a_persons_name_in_another_order_is_not_linked():
    assert len(resolve(Applicant(n) for n in ["ALAN RODRIGUEZ", "RODRIGUEZ ALAN", "KIM TAE HUN", "KIM TAEHUN"]).groups) == 4


@pytest.mark.parametrize("name", ["", "   ", "（）"])
def test_blank_names_are_skipped(name):
    assert resolve([Applicant(name)]).groups in ([], [[name_key(name)]])
