"""Placing addresses: zones, old district names, missing province, ambiguity, streets named after cities."""

from __future__ import annotations

import pytest

from ipstrong.ingest.geocode import blank_streets, extract_tokens, resolve

CASES = [
    ("江苏省苏州市工业园区星湖街328号", ("320500", "320506", None, "zone:suzhou-sip")),
    ("215000 江苏省南京市白下区中山东路1号", ("320100", "320104", "320103", None)),
    ("江苏江阴澄江街道", ("320200", "320281", None, None)),
    ("昆山市玉山镇", ("320500", "320583", None, None)),
    ("江苏省徐州市鼓楼区", ("320300", "320302", None, None)),
    ("江苏省南通市港闸区", ("320600", "320613", "320611", None)),
    ("无锡市新区长江路", ("320200", "320214", None, "zone:wuxi-new")),
    ("鼓楼区中山路", (None, None, None, None)),  # ambiguous: Nanjing or Xuzhou (or elsewhere)
    ("苏州市中山路5号", ("320500", None, None, None)),  # 中山路 is a street, not 中山市
    ("上海市黄浦区南京东路", ("310100", "310101", None, None)),
    ("开发区创新路18号", (None, None, None, None)),
    # a street named after a place never overrides the city and district written before it
    ("南通市海门区香港路1号", ("320600", "320614", None, None)),
    ("无锡市新吴区台湾路", ("320200", "320214", None, None)),
    ("江苏省南通市海门区海门街道北京东路", ("320600", "320614", None, None)),  # 海门街道 is no street 海门街
    # written from the township down: placed by the township where it is the only one of its name in the context
    ("南通市悦来镇常久路南", ("320600", "320614", None, None)),
    ("悦来镇常久路南 江苏", (None, None, None, None)),  # 悦来镇 is in 海门区 and in 泗阳县: not guessed
    ("江苏省梅园新村街道1号", ("320100", "320102", None, None)),
    ("梅园新村街道1号", (None, None, None, None)),  # no Jiangsu context: the list is Jiangsu's only
    ("江苏省南京市城南街道", ("320100", None, None, None)),  # no 城南街道 in Nanjing: the city stands
]


def place(address: str):
    return resolve(extract_tokens(blank_streets(address)))


@pytest.mark.parametrize("address,expected", CASES)
def test_addresses(address: str, expected: tuple) -> None:
    p = place(address)
    assert (p.city_code, p.district_code, p.district_code_old, p.zone_id) == expected


def test_abroad_and_hk_mo_tw_are_not_domestic() -> None:
    assert place("美国加利福尼亚州圣何塞市").country == "US"
    assert place("台湾新竹市科学园区").country == "TW"
    assert place("中国江苏").province_code == "320000" and place("中国江苏").city_code is None


@pytest.mark.parametrize("context", ["province", "city"])
def test_every_jiangsu_township_is_placed_right_or_not_at_all(context: str) -> None:
    """Every township and subdistrict of the 2023 statistical division list (1,165 names of 乡、镇、街道), written as
    an address from the township down with only the province, or the province and city, before it: the rates are
    BENCHMARKS.md's; a wrong county is worse than none, so there must be none."""
    import csv

    from ipstrong.reference import data_path
    from ipstrong.reference.regions import regions

    cities = {r.code: r.name for r in regions() if r.level == "city"}
    with data_path("jiangsu_townships.csv").open(encoding="utf-8", newline="") as fh:
        towns = list(csv.DictReader(fh))
    outcome = {"right": 0, "unplaced": 0, "wrong": 0}
    for town in towns:
        before = "江苏省" + (cities[town["city_code"]] if context == "city" else "")
        got = place(f"{before}{town['name']}人民路1号").district_code
        outcome["right" if got == town["district_code"] else "unplaced" if got is None else "wrong"] += 1
    assert len(towns) == 1165 and outcome["wrong"] == 0
    # names shared by several Jiangsu townships (城南街道 ×3, 悦来镇 ×2 …) need the city
    assert outcome["right"] == {"province": 1082, "city": 1163}[context]
