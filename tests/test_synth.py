"""The generator: deterministic per seed, readable in every format, realistic in shape."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from ipstrong.ingest import ingest
from ipstrong.messages import IpsError
from ipstrong.synth.generator import SynthConfig, generate
from ipstrong.warehouse import run_sql


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_files(tmp_path: Path) -> None:
    for name, seed in (("a", 9), ("b", 9), ("c", 10)):
        generate(SynthConfig(patents=1200, seed=seed, chunk_size=500), tmp_path / name)
    assert digest(tmp_path / "a" / "patents.csv") == digest(tmp_path / "b" / "patents.csv")
    assert digest(tmp_path / "a" / "events" / "events.csv") == digest(tmp_path / "b" / "events" / "events.csv")
    assert digest(tmp_path / "a" / "patents.csv") != digest(tmp_path / "c" / "patents.csv")


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_other_formats_ingest(tmp_path: Path, fmt: str) -> None:
    generate(SynthConfig(patents=800, seed=4, fmt=fmt, broken_share=0), tmp_path / "s")
    r = ingest([tmp_path / "s" / f"patents.{fmt}"], tmp_path / "d", status_date=dt.date(2024, 12, 31))
    assert r.new == 800 and r.quarantined == 0


def test_xlsx_row_limit_is_refused() -> None:
    with pytest.raises(IpsError, match="1,048,575"):
        generate(SynthConfig(patents=2_000_000, fmt="xlsx"), Path("/nonexistent"))


def test_shape_resembles_jiangsu(synth_clean: Path, tmp_path: Path) -> None:
    ingest([synth_clean / "patents.csv"], tmp_path, status_date=dt.date(2024, 12, 31))
    rows = run_sql(
        tmp_path,
        """
        SELECT min(app_date) AS first, max(app_date) AS last,
               count(*) FILTER (WHERE length(app_no) = 10) AS old_numbers,
               count(DISTINCT city_code) FILTER (WHERE province_code = '320000') AS cities,
               count(*) FILTER (WHERE country <> 'CN') AS foreign_rows,
               count(*) FILTER (WHERE district_code_old IS NOT NULL) AS old_districts
        FROM patents""",
    ).to_pylist()[0]
    assert rows["first"].year < 2000 and rows["last"] <= dt.date(2024, 12, 31)
    assert rows["old_numbers"] > 0 and rows["cities"] == 13 and rows["foreign_rows"] > 0
    assert rows["old_districts"] > 0
    mix = {r["legal_status"] for r in run_sql(tmp_path, "SELECT DISTINCT legal_status FROM patents").to_pylist()}
    assert {"in_force", "lapsed", "pending", "expired"} <= mix


def test_publication_numbers_run_with_their_years_as_real_ones_do(synth_clean: Path) -> None:
    """Each generated publication number's first three digits are among those real publications of the same type
    and year carry (the 4,483 Chinese augmented-reality publications exported from Patentics), and no number is
    given twice."""
    import collections
    import csv
    import re

    from conftest import shared_data

    real: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    source = shared_data("cn-patent-db-exports", "patentics_cn_title-augmented-reality_4483.csv")
    with source.open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            if (m := re.fullmatch(r"CN(\d{3})\d{6}([AU])\d?", r["公开号"].strip())) and r["公开日"]:
                real[(m.group(2), r["公开日"][:4])].add(m.group(1))
    with (synth_clean / "patents.csv").open(encoding="utf-8-sig", newline="") as fh:
        made = [(r["公开（公告）号"], r["公开（公告）日"]) for r in csv.DictReader(fh) if r["公开（公告）号"]]
    assert len({number for number, _day in made}) == len(made)
    checked = 0
    for number, day in made:
        kind, year = number[-1], day[:4]
        if (kind, year) in real and len(number) == 12:
            assert number[2:5] in real[(kind, year)], (number, day, sorted(real[(kind, year)]))
            checked += 1
    assert checked > 500
