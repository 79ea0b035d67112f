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
