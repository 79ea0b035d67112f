"""What people read in a terminal: tables that fit 80 columns, figures rounded as they are published."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console

from ipstrong.output import people_table, rounded


def test_figures_are_rounded_for_people_only() -> None:
    assert [rounded(v) for v in (0.30321913137536155, 18.4117, 146859.0, 1284.78, 0.000234601)] == [
        "0.3032", "18.41", "146,859", "1,284.8", "0.0002346",
    ]  # fmt: skip


def test_a_table_fits_80_columns_and_leaves_nested_values_to_the_json() -> None:
    rows = [
        {"indicator": "trademark_enterprises_per_10k_market_entities", "region_name": "连云港市", "asof": "2023-12-31",
         "value": 0.30321913137536155, "parameters": {"scope": {"default": "domestic"}},
         "note": "2022 年年末常住人口（首次公布）未找到 / year-end resident population (first published) for 2022 not found"},
    ]  # fmt: skip
    console = Console(width=80, record=True, color_system=None)
    console.print(people_table(rows))
    text = console.export_text()
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "0.3032" in text and "0.30321913" not in text and "domestic" not in text and "2023-12-31" in text


def test_stored_values_are_shown_in_words() -> None:
    console = Console(width=80, record=True, color_system=None)
    rows = [{"app_no": "201710601862.3", "legal_status": "in_force", "status": "missing"}]
    console.print(people_table(rows, words={"status": "figure_status"}))
    text = console.export_text()
    assert "有效 in force" in text and "缺失 missing" in text and "in_force" not in text
