"""Identifiers: check digits (property-based), forms people type, real numbers from vendor exports."""

from __future__ import annotations

import csv

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import shared_data
from ipstrong.ids import ApplicationNumber, CreditCode, InvalidIdentifier, IpcSymbol, PublicationNumber, RegionCode
from ipstrong.ids.appno import application_check_digit
from ipstrong.ids.check import check_identifier
from ipstrong.ids.ipc import ipc_matches
from ipstrong.ids.uscc import CHARSET, credit_code_check_char
from ipstrong.ingest.sqlfuncs import install

years12 = st.integers(2003, 2026).map(str)
type_digit = st.sampled_from("12389")
serial7 = st.integers(0, 9_999_999).map(lambda n: f"{n:07d}")
body12 = st.builds(lambda y, t, s: y + t + s, years12, type_digit, serial7)
body8 = st.builds(
    lambda y, t, s: f"{y:02d}{t}{s:05d}", st.sampled_from([*range(85, 100), 0, 1, 2, 3]), type_digit, st.integers(0, 99_999)
)


@pytest.mark.parametrize("number,check", [("201710601862", "3"), ("95115608", "X"), ("201220687633", "0"), ("201310699744", "2")])
def test_published_check_digits(number: str, check: str) -> None:
    assert application_check_digit(number) == check


@given(st.one_of(body12, body8))
def test_valid_numbers_round_trip(body: str) -> None:
    canonical = f"{body}.{application_check_digit(body)}"
    parsed = ApplicationNumber.parse(canonical)
    assert parsed.canonical == canonical
    assert ApplicationNumber.parse("CN" + canonical.replace(".", "")).canonical == canonical
    assert ApplicationNumber.parse(" ZL " + body).completed


@given(st.one_of(body12, body8), st.data())
def test_any_single_digit_change_is_caught(body: str, data: st.DataObject) -> None:
    check = application_check_digit(body)
    pos = data.draw(st.integers(0, len(body) - 1))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != body[pos]]))
    changed = body[:pos] + new + body[pos + 1 :]
    try:
        parsed = ApplicationNumber.parse(f"{changed}.{check}")
    except InvalidIdentifier:
        return
    pytest.fail(f"{changed}.{check} accepted as {parsed.canonical}")


@given(st.lists(st.one_of(body12, body8), min_size=1, max_size=50))
def test_sql_check_digit_equals_python(bodies: list[str]) -> None:
    con = duckdb.connect()
    install(con)
    got = con.execute("SELECT ips_an_check(b) FROM unnest(?) t(b)", [bodies]).fetchall()
    assert [g[0] for g in got] == [application_check_digit(b) for b in bodies]


def test_forms_and_decoding() -> None:
    a = ApplicationNumber.parse("ＣＮ２０１７１０６０１８６２．３")
    assert (a.canonical, a.year, a.patent_type, a.pct) == ("201710601862.3", 2017, "invention", False)
    assert ApplicationNumber.parse("201790000001").pct
    old = ApplicationNumber.parse("95115608X")
    assert (old.canonical, old.year, old.patent_type) == ("95115608.X", 1995, "invention")
    with pytest.raises(InvalidIdentifier, match="校验位"):
        ApplicationNumber.parse("201710601862.4")
    with pytest.raises(InvalidIdentifier):
        ApplicationNumber.parse("201750601862")  # type digit 5


@given(st.text(alphabet=CHARSET, min_size=17, max_size=17), st.data())
def test_credit_code_round_trip_and_single_change(body: str, data: st.DataObject) -> None:
    code = body + credit_code_check_char(body)
    assert CreditCode.parse(code.lower()).canonical == code
    pos = data.draw(st.integers(0, 16))
    new = data.draw(st.sampled_from([c for c in CHARSET if c != code[pos]]))
    with pytest.raises(InvalidIdentifier):
        CreditCode.parse(code[:pos] + new + code[pos + 1 :])


def test_credit_code_published_example() -> None:
    assert CreditCode.parse("91350100M000100Y43").region_code == "350100"


def test_ipc_forms_and_hierarchy() -> None:
    for text in ("H01M 10/0525", "H01M10/0525", "H01M0010052500", "h01m 10/0525 (2010.01)"):
        assert IpcSymbol.parse(text).canonical == "H01M10/0525"
    assert IpcSymbol.parse("G06F  3/01").display == "G06F 3/01"
    assert IpcSymbol.parse("H01M").level == "subclass"
    assert ipc_matches("H01M10/0525", "H01M10")
    assert not ipc_matches("H01M100/00", "H01M10")
    assert not ipc_matches("G06F11/30", "G06F1*")
    assert ipc_matches("H01M10/0525", "H01M10/05*")
    assert not ipc_matches("H01M10/44", "H01M10/05*")


def test_publication_numbers() -> None:
    assert PublicationNumber.parse("cn 114399933 a").canonical == "CN114399933A"
    assert PublicationNumber.parse("CN1015003A").kind == "A"
    with pytest.raises(InvalidIdentifier):
        PublicationNumber.parse("CN11439X")


def test_region_codes() -> None:
    assert RegionCode.parse("320500").level == "city"
    assert RegionCode.parse("320583000000").canonical == "320583"
    with pytest.raises(InvalidIdentifier):
        RegionCode.parse("991234")


def test_check_identifier_json_shape() -> None:
    result = check_identifier("201710601862.3")
    assert {"kind", "valid", "canonical", "reason", "year", "patent_type", "pct"} <= result.keys()
    assert result["valid"] and result["reason"] is None
    bad = check_identifier("201710601862.4", kind="application_number")
    assert not bad["valid"] and "/" in bad["reason"]
    assert check_identifier("H01M 10/0525")["kind"] == "ipc"


def _vendor_app_numbers() -> list[str]:
    path = shared_data("cn-patent-db-exports", "patentics_cn_title-augmented-reality_4483.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [row["申请号"] for row in csv.DictReader(fh)]


def test_real_application_numbers_validate() -> None:
    numbers = _vendor_app_numbers()
    assert len(numbers) > 4000
    for number in numbers:
        assert ApplicationNumber.parse(number).canonical.replace(".", "") in number.replace(".", "")


def test_real_incopat_numbers_validate() -> None:
    """Every CN application number of the incoPat global export validates (the exports hold no pre-2003 numbers;
    the pre-2003 form is covered by the published example 95115608.X and the property tests)."""
    from python_calamine import CalamineWorkbook

    path = shared_data("cn-patent-db-exports", "incopat_gm_autodriving_global_10000.xlsx")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = [str(h) for h in rows[0]]
    col = header.index("申请号")
    cn = [str(r[col]) for r in rows[1:] if str(r[col]).startswith("CN")]
    assert len(cn) > 5000
    for number in cn:
        ApplicationNumber.parse(number)


def test_region_code_reports_todays_code() -> None:
    from ipstrong.reference.regions import describe_code

    old = check_identifier("320103", kind="region_code", region_lookup=describe_code)
    assert old["valid"] and old["name"] == "白下区" and old["current_code"] == "320104"
    assert not check_identifier("329999", kind="region_code", region_lookup=describe_code)["valid"]
