"""Search over a hand-made snapshot: every expected hit list can be checked by reading the rows below."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipstrong.ids import application_check_digit
from ipstrong.ingest import ingest
from ipstrong.messages import InvalidOption, IpsError
from ipstrong.search.engine import search
from ipstrong.search.index import build

SZ, NJ = "江苏省苏州市吴中区星湖街1号", "江苏省南京市鼓楼区汉口路22号"
ROWS = {
    # key: (number body, type, filed, granted, title, applicant, address, main IPC, all IPCs)
    "A": (
        "201710000001",
        "发明",
        "2017-03-01",
        "2019-05-01",
        "一种锂离子电池的石墨烯负极",
        "苏州甲科技有限公司",
        SZ,
        "H01M10/0525",
        "H01M10/0525;H01M4/583",
    ),
    "B": ("201810000002", "发明", "2018-04-01", "", "石墨电极材料及其制备方法", "南京乙有限公司", NJ, "H01M4/583", "H01M4/583"),
    "C": (
        "201920000003",
        "实用新型",
        "2019-06-01",
        "2019-12-01",
        "一种电池包装置",
        "苏州甲科技有限公司",
        SZ,
        "H01M50/20",
        "H01M50/20",
    ),
    "D": (
        "202010000004",
        "发明",
        "2020-02-01",
        "",
        "Lithium batteries with solid electrolytes",
        "南京丙有限公司",
        NJ,
        "H01M10/056",
        "H01M10/056",
    ),
    "E": ("202130000005", "外观设计", "2021-07-01", "2021-10-01", "电池盒", "南京乙有限公司", NJ, "", ""),
    "F": (
        "202220000006",
        "实用新型",
        "2022-03-01",
        "",
        "鋰離子電池隔膜",
        "臺灣丁股份有限公司",
        "台湾省台北市",
        "H01M50/40",
        "H01M50/40",
    ),
    # G06F40 is in SEI branch 1.5 人工智能 (industry 1) by its IPC alone
    "G": ("201610000007", "发明", "2016-05-01", "", "一种中文语义分析方法", "苏州戊科技有限公司", SZ, "G06F40/30", "G06F40/30"),
}


def number(body: str) -> str:
    return f"{body}.{application_check_digit(body)}"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search")
    export = root / "export.csv"
    lines = ["申请号,申请日,授权公告日,名称,申请（专利权）人,地址,专利类型,主分类号,分类号"]
    lines += [
        f"{number(b)},{ad},{gd},{ti},{ap},{addr},{kind},{mipc},{ipcs}"
        for b, kind, ad, gd, ti, ap, addr, mipc, ipcs in ROWS.values()
    ]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ingest([export], root / "data", status_date=dt.date(2024, 12, 31)).quarantined == 0
    assert build(root / "data")["documents"] == len(ROWS)
    return root / "data"


def hits(data: Path, query: str, **options: object) -> set[str]:
    found = search(data, query, limit=100, **options)
    keys = {number(v[0]): k for k, v in ROWS.items()}
    assert found["total"] == len(found["hits"])
    return {keys[h["app_no"]] for h in found["hits"]}


def test_text_phrases_and_english(data: Path) -> None:
    assert hits(data, "TI=电池") == {"A", "C", "E", "F"}  # 电 and 池 together, not 电极 (B); F is filed in 繁体
    assert hits(data, "石墨") == {"A", "B"}
    assert hits(data, '"锂离子电池"') == hits(data, '"鋰離子電池"') == {"A", "F"}  # either form finds both
    assert search(data, "AP=台湾丁")["hits"][0]["applicants"] == ["臺灣丁股份有限公司"]  # shown as filed
    assert hits(data, "TI=batteries") == hits(data, "TI=battery") == {"D"}  # English is stemmed
    assert hits(data, "AP=苏州甲科技有限公司") == {"A", "C"}


def test_ipc_is_hierarchical(data: Path) -> None:
    assert hits(data, "IPC=H01M") == {"A", "B", "C", "D", "F"}
    assert hits(data, "IPC=H01M10") == {"A", "D"}  # main group 10 and its subgroups, not H01M4 or H01M50
    assert hits(data, "IPC=H01M10/05*") == {"A", "D"}
    assert hits(data, "IPC=H01M4") == {"A", "B"}  # A's second symbol
    assert hits(data, "MIPC=H01M4") == {"B"}  # the main symbol only


def test_dates_types_places_and_boolean_logic(data: Path) -> None:
    assert hits(data, "AD=2018-01-01..2020-12-31") == {"B", "C", "D"}
    assert hits(data, "AD>=2020-02-01") == {"D", "E", "F"}
    assert hits(data, "GD<=2019-06-30") == {"A"}
    assert hits(data, "TYPE=发明") == {"A", "B", "D", "G"}
    assert hits(data, "CITY=南京 AND NOT TYPE=外观设计") == {"B", "D"}
    assert hits(data, "(TI=电池 OR TI=电极) AND CITY=320500") == {"A", "C"}
    assert hits(data, f"AN={ROWS['B'][0]}") == {"B"}  # without the check digit


def test_strategic_emerging_industries_by_branch_industry_or_name(data: Path) -> None:
    assert hits(data, "SEI=1.5") == hits(data, "SEI=1") == hits(data, "SEI=人工智能") == {"G"}
    assert hits(data, "SEI=新一代信息技术产业") == {"G"}
    # by the IPC alone, the default matching (the indicators' too): lithium-ion cells (H01M10/0525) are 5.2, solid
    # electrolytes (H01M10/056) 3.3
    assert hits(data, "SEI=是") == {"A", "D", "G"}
    assert hits(data, "SEI=5.2") == hits(data, "SEI=新能源汽车产业") == {"A"} and hits(data, "SEI=3.3") == {"D"}
    assert hits(data, "SEI=3.4") == set()  # a branch nothing here is in
    with pytest.raises(IpsError, match=r"unknown strategic emerging industry.* at position 5"):
        search(data, "SEI=芯片")


def test_facets_highlights_sorting_and_paging(data: Path) -> None:
    result = search(data, "IPC=H01M AND CITY=南京 OR IPC=H01M AND CITY=苏州", facets=("city", "type", "year"), limit=2, sort="AD")
    assert result["total"] == 4 and len(result["hits"]) == 2
    assert [h["app_date"] for h in result["hits"]] == ["2020-02-01", "2019-06-01"]  # newest filing first
    assert {(v["value"], v["label"], v["count"]) for v in result["facets"]["city"]} == {
        ("320500", "苏州市", 2),
        ("320100", "南京市", 2),
    }
    assert {v["value"]: v["count"] for v in result["facets"]["type"]} == {"invention": 3, "utility_model": 1}
    found = search(data, "TI=石墨烯")["hits"][0]
    assert found["highlights"]["title"] == ["一种锂离子电池的<b>石</b><b>墨</b><b>烯</b>负极"]
    assert set(found) >= {"app_no", "title", "applicants", "city_code", "app_date", "ipc_main", "status", "highlights"}
    with pytest.raises(InvalidOption, match=r"^offset 只能是 .* / offset is a number from 0 to") as refused:
        search(data, "电池", offset=10**9)
    assert refused.value.flag == "--offset"  # the command line says --offset, the API offset
    with pytest.raises(IpsError, match="unknown facets"):
        search(data, "电池", facets=("colour",))


def test_a_snapshot_without_index_says_so(tmp_path: Path) -> None:
    export = tmp_path / "e.csv"
    export.write_text(f"申请号,申请日,名称,申请（专利权）人\n{number('201710000001')},2017-03-01,电池,甲\n", encoding="utf-8")
    ingest([export], tmp_path / "d", status_date=dt.date(2024, 12, 31))
    with pytest.raises(IpsError, match="run ipstrong index build"):
        search(tmp_path / "d", "电池")


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(st.sampled_from(list('TIABPDGNCLSEXYM=<>.()"* -01259/电池锂与或非ANDORNOT')), max_size=30),
    st.integers(0, 1000),
    st.sampled_from(["relevance", "AD", "PD"]),
)
def test_any_query_answers_or_refuses_never_crashes(data: Path, query: str, limit: int, sort: str) -> None:
    """Whatever is typed: a result, or a refusal a person can read (tantivy panics on some inputs: none reach it)."""
    try:
        result = search(data, query, limit=limit, sort=sort, facets=("city", "applicant"))
    except IpsError:
        return
    assert len(result["hits"]) <= limit and result["total"] >= len(result["hits"])


def test_export_writes_every_hit(data: Path, tmp_path: Path) -> None:
    import csv
    import json

    from python_calamine import CalamineWorkbook

    from ipstrong.search.engine import export

    assert export(data, "IPC=H01M NOT TI=隔膜", tmp_path / "h.csv", sort="AD")["exported"] == 4
    with (tmp_path / "h.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["申请日 app_date"] for r in rows] == ["2020-02-01", "2019-06-01", "2018-04-01", "2017-03-01"]
    export(data, "TYPE=发明", tmp_path / "h.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "h.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["app_no"] for r in lines} == {number(ROWS[k][0]) for k in "ABDG"} and lines[0]["patent_type"] == "发明"
    # chosen fields, in the order chosen: places in words beside the codes they stand for
    export(data, "AN=" + number(ROWS["A"][0]), tmp_path / "a.jsonl", fields=["app_no", "city", "city_code", "legal_status_code"])
    chosen = json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8"))
    assert list(chosen) == ["app_no", "city", "city_code", "legal_status_code"] and chosen["city"] == "苏州市"
    assert chosen["city_code"] == "320500"
    with pytest.raises(InvalidOption, match="fields"):
        export(data, "电池", tmp_path / "x.csv", fields=["nonsense"])
    export(data, "电池", tmp_path / "h.xlsx")
    sheet = CalamineWorkbook.from_path(str(tmp_path / "h.xlsx")).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "申请号 app_no" and len(sheet) == 1 + 4
    with pytest.raises(IpsError, match=r"\.csv, \.jsonl or \.xlsx"):
        export(data, "电池", tmp_path / "h.txt")


def test_the_index_follows_each_ingest_incrementally(tmp_path: Path) -> None:
    from ipstrong.search.index import refresh_after_ingest

    def export(name: str, *rows: tuple[str, str]) -> Path:
        path = tmp_path / name
        lines = ["申请号,申请日,名称,申请（专利权）人"] + [f"{number(body)},2020-01-01,{title},甲公司" for body, title in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    data = tmp_path / "data"
    ingest([export("a.csv", ("202010000001", "旧的电池"), ("202010000002", "电极"))], data, status_date=dt.date(2024, 12, 31))
    assert refresh_after_ingest(data) is None  # no index yet: nothing to follow
    assert build(data)["mode"] == "full"
    ingest([export("b.csv", ("202010000001", "新的隔膜"), ("202010000003", "电池包"))], data, status_date=dt.date(2024, 12, 31))
    summary = refresh_after_ingest(data)
    assert summary is not None and (summary["mode"], summary["indexed"], summary["documents"]) == ("incremental", 2, 3)
    assert [h["title"] for h in search(data, "TI=隔膜")["hits"]] == ["新的隔膜"]
    assert {h["title"] for h in search(data, "TI=电池")["hits"]} == {"电池包"}  # the old title is gone
    assert search(data, "电", limit=10)["total"] == 2  # 电极 and 电池包, each once


@pytest.mark.parametrize("sort", ["relevance", "AD", "PD"])
def test_exports_page_through_every_hit_once(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sort: str) -> None:
    """Pages of two hits (ranking only three): every hit once, in the order asked for; no PD here, so PD order
    falls back to filing dates."""
    import csv

    from ipstrong.search import engine

    monkeypatch.setattr(engine, "EXPORT_PAGE", 2)
    monkeypatch.setattr(engine, "EXPORT_RANKED", 3)
    assert engine.export(data, "AD>=1900-01-01", tmp_path / "all.csv", sort=sort)["exported"] == len(ROWS)
    with (tmp_path / "all.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["申请号 app_no"] for r in rows) == sorted(number(v[0]) for v in ROWS.values())
    dates = [r["申请日 app_date"] for r in rows]
    assert dates == sorted(dates, reverse=True) if sort != "relevance" else dates[3:] == sorted(dates[3:], reverse=True)


def test_exports_page_through_hits_on_one_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ipstrong.search import engine

    rows = [f"{number(f'2020100000{i:02d}')},2020-01-01,电池{i},甲公司" for i in range(7)]
    lines = ["申请号,申请日,名称,申请（专利权）人", *rows]
    (tmp_path / "e.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest([tmp_path / "e.csv"], tmp_path / "d", status_date=dt.date(2024, 12, 31))
    build(tmp_path / "d")
    monkeypatch.setattr(engine, "EXPORT_PAGE", 2)
    engine.export(tmp_path / "d", "电池", tmp_path / "x.jsonl", sort="AD")
    written = (tmp_path / "x.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(written) == len(set(written)) == 7


def test_punctuation_inside_a_chinese_phrase_is_skipped(tmp_path: Path) -> None:
    from ipstrong.search import evaluation

    corpus = evaluation.Corpus([evaluation.Record("CN1", "一种虚拟-现实交互装置"), evaluation.Record("CN2", "一种WebVR播放器"),
                                evaluation.Record("CN3", "虚拟现实眼镜"), evaluation.Record("CN4", "一种虚拟机")])  # fmt: skip
    retriever = evaluation.build_index(corpus, tmp_path / "index")
    assert retriever.phrase("虚拟现实") == {"CN1", "CN3"}
    assert retriever.phrase("VR") == {"CN2"} and retriever.phrase("WebVR") == {"CN2"}


def test_the_ipc_browser_counts_each_branch_by_hand(data: Path) -> None:
    """H: A, B, C, D, F (E has no IPC, G is G06F); under H01M: main groups 4/00 (A, B), 10/00 (A, D) and 50/00 (C,
    F), in the scheme's order; each count agrees with the search its link runs."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.search.ipc_browser import browse_ipc

    top = {n.code: n.patents for n in browse_ipc(SYSTEM, data).children}
    assert (top["H"], top["G"], top["A"], len(top)) == (5, 1, 0, 8)
    branch = browse_ipc(SYSTEM, data, "h01m")
    assert [n.code for n in branch.path] == ["H", "H01", "H01M"] and branch.title_zh.startswith("用于直接转变化学能为电能")
    counted = [(n.code, n.patents) for n in branch.children if n.patents]
    assert counted == [("H01M4/00", 2), ("H01M10/00", 2), ("H01M50/00", 2)]
    for n in branch.children:
        if n.patents:
            assert search(data, n.query, limit=10)["total"] == n.patents
    with pytest.raises(IpsError, match="no H01Z"):
        browse_ipc(SYSTEM, data, "H01Z")


def test_batch_lookup_answers_each_number_in_order(data: Path) -> None:
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.search.batch import look_up

    a, b = ROWS["A"][0], ROWS["B"][0]
    wrong = b + str((int(application_check_digit(b)) + 1) % 10)
    text = f"CN{a}{application_check_digit(a)}\n\n{b}.{wrong[-1]}；202399999999.{application_check_digit('202399999999')}\n"
    rows = look_up(SYSTEM, data, text)
    assert [r.line for r in rows] == [1, 2, 3]
    assert rows[0].found and rows[0].app_no == number(a) and rows[0].title == ROWS["A"][4]
    assert not rows[1].found and "check digit" in rows[1].reason.en
    assert not rows[2].found and rows[2].reason.en == "not in the current snapshot"
