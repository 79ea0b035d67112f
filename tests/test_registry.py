"""An enterprise's annual fees (OFFICIAL_RULES.md §14) on the real Patentics export of Chinese augmented-reality
applications, as of its export date 2022-05-30: Magic Leap's (奇跃公司) granted patents, each figure read by hand
from the file's 申请日 and 授权公告日."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import shared_data
from ipstrong.accounts.roles import SYSTEM, PermissionDenied
from ipstrong.ingest import ingest
from ipstrong.messages import InvalidOption
from ipstrong.registry.fees import Held, annual_fee, fees_in_year, portfolio_fees

EXPORTED = dt.date(2022, 5, 30)


@pytest.fixture(scope="module")
def magic_leap(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    from ipstrong.ingest.entity_store import entity_of_name, open_store
    from ipstrong.ingest.pipeline import apply_entities

    data = tmp_path_factory.mktemp("fees")
    ingest([shared_data("cn-patent-db-exports", "patentics_cn_title-augmented-reality_4483.csv")], data, status_date=EXPORTED)
    apply_entities(data)
    engine, factory = open_store(data)
    with factory() as s:
        entity = entity_of_name(s, "奇跃公司")
        assert entity is not None
        found = entity.id
    engine.dispose()
    return data, found


def _fees(data: Path, entity: int, year: int, reduction: float = 0.0):
    from ipstrong.ingest.entity_store import open_store

    engine, factory = open_store(data)
    try:
        with factory() as s:
            return portfolio_fees(s, SYSTEM, data, entity, year, reduction, today=EXPORTED)
    finally:
        engine.dispose()


def test_the_fees_of_a_real_portfolio_read_by_hand(magic_leap: tuple[Path, int]) -> None:
    data, entity = magic_leap
    result = _fees(data, entity, 2022)
    by_number = {f.app_no: f for f in result.fees}
    # filed 2012-11-23, granted 2017-10-27: its 11th year begins 2022-11-23 (years 10-12: 4,000 yuan)
    late = by_number["201280067730.2"]
    assert (late.patent_year, late.due_date, late.full_amount_yuan, late.state) == (11, dt.date(2022, 11, 23), 4000, "upcoming")
    # filed 2016-01-26, granted 2020-07-31: year 7 (2,000) fell due 2022-01-26; on 2022-05-30 five months have begun
    # since, so paying then costs 5 × 5 % of 2,000 more, until 2022-07-26
    grace = by_number["201680018144.7"]
    assert (grace.patent_year, grace.full_amount_yuan, grace.state, grace.late_fee_yuan) == (7, 2000, "grace", 500.0)
    assert grace.grace_until == dt.date(2022, 7, 26)
    # filed 2017-10-25, granted 2022-05-17: the fee of 2022's anniversary (year 6, 1,200) is its first annual fee
    assert (by_number["201780066366.0"].patent_year, by_number["201780066366.0"].amount_yuan) == (6, 1200)
    # a divisional filed 2016-01-26 and granted 2022-05-10: the year it was granted in was paid at registration
    assert "202010626647.0" not in by_number
    assert result.total_yuan == sum(f.amount_yuan for f in result.fees) and result.outlook[0].year == 2022
    reduced = {f.app_no: f for f in _fees(data, entity, 2022, reduction=85).fees}["201680018144.7"]
    assert (reduced.amount_yuan, reduced.late_fee_yuan) == (300.0, 500.0)  # the late fee is on the year's full fee


def test_the_rules_at_their_edges() -> None:
    """Years counted from the filing date, the statutory term, a lapse before the due date, 29 February."""
    granted = Held("201610000001.X", None, "invention", dt.date(2016, 2, 29), dt.date(2018, 1, 5), None, "in_force")
    assert fees_in_year(granted, 2017) is None  # year 2 was the year it was granted in: paid at registration
    assert fees_in_year(granted, 2018) == (3, dt.date(2018, 2, 28), 900)  # no 29 February in 2018
    assert fees_in_year(granted, 2035) == (20, dt.date(2035, 2, 28), 8000) and fees_in_year(granted, 2036) is None
    lapsed = Held(
        "201620000002.1", None, "utility_model", dt.date(2016, 3, 1), dt.date(2016, 9, 1), dt.date(2019, 3, 1), "lapsed"
    )
    assert fees_in_year(lapsed, 2018) == (3, dt.date(2018, 3, 1), 600) and fees_in_year(lapsed, 2019) is None
    old_design = Held("201830000003.2", None, "design", dt.date(2018, 6, 1), dt.date(2018, 12, 1), None, "in_force")
    assert fees_in_year(old_design, 2027) == (10, dt.date(2027, 6, 1), 2000) and fees_in_year(old_design, 2028) is None
    assert annual_fee("design", 11) == 3000  # designs filed from 2021-06-01 run 15 years


def test_who_may_read_a_portfolio(magic_leap: tuple[Path, int]) -> None:
    from dataclasses import replace

    from ipstrong.ingest.entity_store import open_store

    data, entity = magic_leap
    engine, factory = open_store(data)
    try:
        with factory() as s:
            with pytest.raises(InvalidOption):
                portfolio_fees(s, SYSTEM, data, entity, 2022, reduction_pct=90)
            with pytest.raises(InvalidOption):
                portfolio_fees(s, SYSTEM, data, None, 2022)  # staff name the entity
            stranger = replace(SYSTEM, role="enterprise_user", organisation_id=None)
            with pytest.raises(PermissionDenied):
                portfolio_fees(s, stranger, data, entity, 2022)
    finally:
        engine.dispose()


def test_enterprise_users_are_reminded_of_each_fee_once(db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Suzhou invention (filed 2017-07-21) owes its fifth year on 2021-07-21: its firm's user is told three weeks
    before, and again once the date has passed while the fee may still be paid, each once however often it runs."""
    from conftest import SUZHOU_ROW, ingest_export
    from ipstrong.accounts.service import actor_of, create_organisation, create_user
    from ipstrong.db import transaction
    from ipstrong.registry.fee_reminders import my_fee_reminders, send_fee_reminders
    from ipstrong.registry.home import enterprise_home

    data = tmp_path / "data"
    ingest_export(data, SUZHOU_ROW, database_url=db.url)
    with transaction(db.factory) as s:
        firm = create_organisation(s, SYSTEM, "enterprise", "苏州某某科技有限公司", "320506", "91320506MA1XXXXX09").id
        owner = create_user(s, SYSTEM, "owner", "a long password 1", "enterprise_user", "320506", "经理", organisation_id=firm)
        other = create_organisation(s, SYSTEM, "enterprise", "无专利的公司", "320506", "91320506MA1YYYYY0H").id
        create_user(s, SYSTEM, "idle", "a long password 1", "enterprise_user", "320506", "经理", organisation_id=other)
    for day, expected in ((dt.date(2021, 6, 1), 0), (dt.date(2021, 7, 1), 1), (dt.date(2021, 7, 2), 0)):
        with transaction(db.factory) as s:
            assert send_fee_reminders(s, data, day)["due_soon"] == expected, day
    with transaction(db.factory) as s:
        assert send_fee_reminders(s, data, dt.date(2021, 8, 1))["grace"] == 1
        actor = actor_of(s.get(type(owner), owner.id))
        assert [(r.app_no, r.due_date, r.kind, r.amount_yuan) for r in my_fee_reminders(s, actor, dt.date(2021, 7, 10))] == [
            ("201710601862.3", dt.date(2021, 7, 21), "due_soon", 1200)
        ]
        assert [r.kind for r in my_fee_reminders(s, actor, dt.date(2021, 8, 1))] == ["grace"]  # the date has passed
        assert my_fee_reminders(s, actor, dt.date(2022, 2, 1)) == []  # the grace period is over
    monkeypatch.setattr("ipstrong.registry.fee_reminders.today_shanghai", lambda: dt.date(2021, 8, 1))
    with db.factory() as s:  # the enterprise's home shows what is timely today
        home = enterprise_home(s, actor_of(s.get(type(owner), owner.id)), data)
        assert [(r.app_no, r.kind) for r in home.fee_reminders] == [("201710601862.3", "grace")]


@pytest.fixture(scope="module")
def pledged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import ingest_pledges

    data = tmp_path_factory.mktemp("pledges") / "data"
    ingest_pledges(data)
    return data


def test_pledge_statistics_read_by_hand(pledged: Path) -> None:
    """2024: Suzhou's firm registers two patents with 苏州银行 on one day (one project, 1,200 万元: not under 10
    million), Nanjing's firm one with 南京银行 in August (300 万元); Nanjing's 2023 pledge is another year's."""
    from dataclasses import replace

    from ipstrong.registry.pledges import pledge_stats

    year = pledge_stats(SYSTEM, pledged, 2024, "city")
    figures = lambda r: (r.name, r.amount_10k_yuan, r.projects, r.patents, r.enterprises, r.small_loan_share_pct)  # noqa: E731
    assert figures(year.total) == ("合计 / total", 1500.0, 2, 3, 2, 50.0)
    assert [figures(r) for r in year.rows] == [("苏州市", 1200.0, 1, 2, 1, 0.0), ("南京市", 300.0, 1, 1, 1, 100.0)]
    assert figures(pledge_stats(SYSTEM, pledged, 2024, "city", half=1).total)[1:] == (1200.0, 1, 2, 1, 0.0)
    assert [r.group for r in pledge_stats(SYSTEM, pledged, 2024, "bank").rows] == ["苏州银行", "南京银行"]
    assert [r.group for r in pledge_stats(SYSTEM, pledged, 2024, "month").rows] == ["2024-03", "2024-08"]
    by_industry = {r.group: r.amount_10k_yuan for r in pledge_stats(SYSTEM, pledged, 2024, "sei").rows}
    # the 2021 concordance lists H01M10/0525 under 5.2 (new-energy vehicles) and neither H01M4/583 nor weaving
    assert by_industry == {"5": 800.0, "-": 700.0}
    suzhou = replace(SYSTEM, role="city_official", region_code="320500")
    assert figures(pledge_stats(suzhou, pledged, 2024, "city").total)[1] == 1200.0  # a city sees its own
    with pytest.raises(InvalidOption):
        pledge_stats(SYSTEM, pledged, 2024, "county")
    with pytest.raises(InvalidOption):
        pledge_stats(SYSTEM, pledged, 2024, "city", half=3)


def test_pledge_statistics_agree_with_the_indicator(pledged: Path) -> None:
    """The registered amount and the patents pledged are the indicators' figures, computed by the engine apart."""
    from ipstrong.indicators.engine import compute
    from ipstrong.registry.pledges import pledge_stats

    engine = {r["indicator"]: r["value"] for r in compute(pledged, ["pledge_amount", "pledged_patents"], [dt.date(2024, 12, 31)])}
    total = pledge_stats(SYSTEM, pledged, 2024).total
    assert (total.amount_10k_yuan, total.patents) == (engine["pledge_amount"], engine["pledged_patents"])


def test_matchmaking_on_the_real_export(magic_leap: tuple[Path, int]) -> None:
    """Needs written from real titles of each IPC main group holding ten or more of the export's patents in force
    (five each, the IPC left out): the ten patents offered hold that group about three times as often as a random
    pick of patents in force would (0.17 against 0.05 when measured; benchmarks/bench_match.py). Everything offered
    is in force, a preferred holder's patents come first, and each says why."""
    import collections

    from ipstrong.ids.ipc import ipc_matches
    from ipstrong.ingest.entity_store import open_store
    from ipstrong.messages import IpsError
    from ipstrong.registry.matching import match_patents
    from ipstrong.search.index import build
    from ipstrong.warehouse import run_sql

    data, _entity = magic_leap
    build(data)
    engine, factory = open_store(data)
    s = factory()
    rows = run_sql(data, "SELECT app_no, title, ipc_main, ipc_all, legal_status FROM patents ORDER BY app_no").to_pylist()
    held = {r["app_no"]: r for r in rows}
    in_force = [r for r in rows if r["legal_status"] == "in_force"]
    groups: dict[str, list[dict]] = collections.defaultdict(list)
    for r in in_force:
        if r["ipc_main"]:
            groups[r["ipc_main"].split("/")[0]].append(r)
    hits, baseline, needs = 0.0, 0.0, 0
    for group, members in sorted(groups.items()):
        if len(members) < 10:
            continue
        share = sum(1 for r in in_force if any(ipc_matches(s, group) for s in r["ipc_all"] or [])) / len(in_force)
        for need in members[:5]:
            found = match_patents(s, SYSTEM, data, need["title"], limit=10, exclude=need["app_no"])
            assert all(held[m.app_no]["legal_status"] == "in_force" for m in found)
            assert [m.preferred for m in found] == sorted((m.preferred for m in found), reverse=True)
            hits += sum(1 for m in found if any(ipc_matches(s, group) for s in held[m.app_no]["ipc_all"] or [])) / 10
            baseline += share
            needs += 1
    assert needs == 120 and hits / needs > 2.5 * baseline / needs
    display = match_patents(s, SYSTEM, data, "头戴式增强现实显示装置的光波导镜片", ipc="G02B", limit=5)
    assert display and all(any(ipc_matches(s, "G02B") for s in held[m.app_no]["ipc_all"]) for m in display)
    assert all(m.shared_terms for m in display) and "增强现实" in display[0].shared_terms
    with pytest.raises(InvalidOption):
        match_patents(s, SYSTEM, data, "显示", ipc="not-a-class")
    with pytest.raises(IpsError):
        match_patents(s, SYSTEM, data, "   ")
    s.close()
    engine.dispose()


def test_enterprise_tiers_by_rules_as_data(tmp_path: Path) -> None:
    """conftest's pledged patents: the Suzhou firm holds two inventions granted in December 2023 and pledged for
    1,200 万元 in 2024, the Nanjing firm one granted in June 2023 and pledged for 300. With a gold tier at two
    effective inventions and a silver at one, Suzhou is gold and Nanjing silver at the end of 2024, as a year
    before."""
    from dataclasses import replace

    from conftest import ingest_pledges
    from ipstrong.messages import IpsError
    from ipstrong.registry.tiers import enterprise_tiers, load_rules

    data = tmp_path / "data"
    ingest_pledges(data)
    rules = tmp_path / "rules.csv"
    rules.write_text(
        "tier,rank,name_zh,name_en,measure,minimum,basis\n"
        "gold,1,金,gold,effective_inventions,2,test\n"
        "silver,2,银,silver,effective_inventions,1,test\n",
        encoding="utf-8",
    )
    directory = enterprise_tiers(SYSTEM, data, 2024, rules)
    seen = {r.name: (r.tier, r.previous_tier, r.change, r.figures["effective_inventions"], r.figures["pledge_amount"])
            for r in directory.rows}  # fmt: skip
    assert seen == {
        "苏州甲科技有限公司": ("gold", "gold", "same", 2.0, 1200.0),
        "南京乙有限公司": ("silver", "silver", "same", 1.0, 300.0),
    }
    assert directory.counts == {"gold": 1, "silver": 1, "none": 0} and [r.tier for r in directory.rows] == ["gold", "silver"]
    earlier = {r.name: r.change for r in enterprise_tiers(SYSTEM, data, 2023, rules).rows}
    assert earlier == {"苏州甲科技有限公司": "new", "南京乙有限公司": "new"}  # nothing was granted before 2023
    assert [r.name for r in enterprise_tiers(SYSTEM, data, 2024, rules, tier="silver").rows] == ["南京乙有限公司"]
    suzhou = replace(SYSTEM, role="city_official", region_code="320500")
    assert [r.name for r in enterprise_tiers(suzhou, data, 2024, rules).rows] == ["苏州甲科技有限公司"]
    assert [t.tier for t in load_rules()][:2] == ["national_demonstration", "national_advantage"]  # the shipped rules
    rules.write_text("tier,rank,name_zh,name_en,measure,minimum,basis\ngold,1,金,gold,patents_held,2,test\n", encoding="utf-8")
    with pytest.raises(IpsError) as refused:
        load_rules(rules)
    assert "rules.csv" in str(refused.value.msg) and "row 2" in refused.value.msg.en and "measure" in refused.value.msg.en


OPEN_LICENCE_PATENTS = (
    "申请号,申请日,授权公告日,名称,申请（专利权）人,地址,专利类型,失效日\n"
    "201710601862.3,2017-07-21,2019-01-02,一种锂电池,苏州某某科技有限公司,江苏省苏州市吴中区星湖街1号,发明,\n"
    "201820000005.8,2018-03-01,2018-09-01,一种电池盒,苏州某某科技有限公司,江苏省苏州市吴中区星湖街1号,实用新型,\n"
    "201710000009.6,2017-01-05,2018-06-01,一种电极片,苏州某某科技有限公司,江苏省苏州市吴中区星湖街1号,发明,2021-01-05\n"
    "201810000004.8,2018-01-01,2020-01-01,一种电极,南京某某有限公司,江苏省南京市鼓楼区汉口路22号,发明,\n"
)
LICENCES = (
    "申请号,事件类型,事件日期,转出方,转入方,金额（万元）\n"
    "201710601862.3,许可,2023-03-01,苏州某某科技有限公司,甲公司,\n"
    "201710601862.3,许可,2025-01-15,苏州某某科技有限公司,乙公司,\n"
)


def _registry_office(db, tmp_path: Path, events: str):
    """The warehouse of ``OPEN_LICENCE_PATENTS`` and ``events`` with the applicant entities stamped, the Suzhou office
    and its case officer: (data directory, office id, officer)."""
    from ipstrong.accounts.service import actor_of, create_organisation, create_user
    from ipstrong.db import transaction
    from ipstrong.ingest.pipeline import apply_entities

    data = tmp_path / "data"
    (tmp_path / "p.csv").write_text(OPEN_LICENCE_PATENTS, encoding="utf-8")
    (tmp_path / "e.csv").write_text(events, encoding="utf-8")
    for name in ("p.csv", "e.csv"):
        ingest([tmp_path / name], data, status_date=dt.date(2024, 12, 31), database_url=db.url)
    apply_entities(data, db.url)
    with transaction(db.factory) as s:
        office = create_organisation(s, SYSTEM, "office", "苏州市知识产权局", "320500").id
        officer = actor_of(create_user(s, SYSTEM, "officer", "a long password 1", "case_officer", "320500", "承办人",
                                       organisation_id=office))  # fmt: skip
    return data, office, officer


def test_an_open_licence_declared_checked_published_and_withdrawn(db, tmp_path: Path) -> None:
    """The Suzhou firm declares its lithium battery patent (in force) on open licence: refused for Nanjing's patent, for
    its own lapsed one, for its utility model without the evaluation report and for a number the warehouse does not
    hold; published, the patent is on the public list with its terms and the one licence taken since; a licence taken
    under it is recorded and counted among them; withdrawn, it leaves the list."""
    from ipstrong.db import transaction
    from ipstrong.matters import service
    from ipstrong.messages import IpsError
    from ipstrong.registry.open_licences import open_licence_numbers, open_licences
    from ipstrong.registry.warehouse_events import publish_events

    data, office, officer = _registry_office(db, tmp_path, LICENCES)
    form = {"patentee": "苏州某某科技有限公司", "patents": ["ZL201710601862.3"], "payment_method": "royalty",
            "rate": "按销售额 3%", "term_years": 5, "contact": "张经理 0512-00000000"}  # fmt: skip
    day = dt.date(2025, 1, 10)
    for patents, extra, reason in (
        (["201810000004.8"], {}, "does not hold 201810000004.8"),
        (["201710000009.6"], {}, "201710000009.6 is not in force"),
        (["201820000005.8"], {}, "evaluation report"),
        (["201910000007.6"], {}, "not a Chinese patent the warehouse holds"),
    ):
        with pytest.raises(IpsError) as refused, transaction(db.factory) as s:
            service.file_matter(s, officer, "open_licence", office, {**form, "patents": patents, **extra}, data, day, today=day)
        assert reason in refused.value.msg.en, refused.value.msg.en
    with pytest.raises(IpsError), transaction(db.factory) as s:  # a declaration states its fee
        service.file_matter(s, officer, "open_licence", office, {**form, "rate": ""}, data, day, today=day)
    with transaction(db.factory) as s:
        both = {**form, "patents": ["201710601862.3", "201820000005.8"], "evaluation_report": True}
        mid = service.file_matter(s, officer, "open_licence", office, both, data, day, today=day).id
        service.attach_document(s, officer, mid, "declaration", "声明.pdf", b"%PDF-1.4\n%%EOF\n", data, max_mb=1)
        service.take_step(s, officer, mid, "publish", on=day, today=day)
        listed = {
            r.app_no: (r.payment_method, r.rate, r.term_years, r.published_on, r.licences_since) for r in open_licences(s, data)
        }
        assert listed == {
            "201710601862.3": ("royalty", "按销售额 3%", 5, day, 1),
            "201820000005.8": ("royalty", "按销售额 3%", 5, day, 0),
        }
        entries = {e.name: e.value for e in service.matter_detail(s, officer, mid, today=day).form_entries}
        assert entries["payment_method"] == "按销售额提成 / royalty"  # in words on the matter's page
        number = service.matter_detail(s, officer, mid, today=day).number
    # a licence taken under the declaration is recorded (refused for a declaration that is not one, and for a patent
    # it does not name), and counts among the licences since publication once in the warehouse
    grant = {"declaration": number, "licensee": "丙公司", "patents": ["201710601862.3"], "starts": "2025-02-01",
             "fee_paid": "首年按销售额 3% 支付"}  # fmt: skip
    taken = dt.date(2025, 2, 3)
    for wrong, why in (({"declaration": number[:-1] + "9"}, "not a published open-licence declaration"),
                       ({"patents": ["201810000004.8"]}, "not in the declaration: 201810000004.8")):  # fmt: skip
        with pytest.raises(IpsError) as refused, transaction(db.factory) as s:
            service.file_matter(s, officer, "open_licence_grant", office, {**grant, **wrong}, data, taken, today=taken)
        assert why in refused.value.msg.en, refused.value.msg.en
    with transaction(db.factory) as s:
        gid = service.file_matter(s, officer, "open_licence_grant", office, grant, data, taken, today=taken).id
        service.attach_document(s, officer, gid, "notice", "通知.pdf", b"%PDF-1.4\n%%EOF\n", data, max_mb=1)
        service.take_step(s, officer, gid, "record", on=taken, today=taken)
    with db.factory() as s:
        assert publish_events(s, data, ("licences",), db.url).new == 1
        assert {r.app_no: r.licences_since for r in open_licences(s, data)}["201710601862.3"] == 2
    with transaction(db.factory) as s:
        service.attach_document(s, officer, mid, "withdrawal", "撤回.pdf", b"%PDF-1.4\n%%EOF\n", data, max_mb=1)
        service.take_step(s, officer, mid, "withdraw", on=taken, today=taken)
        assert open_licences(s, data) == [] and open_licence_numbers(s) == set()


def test_a_pledge_registered_refused_with_its_codes_published_and_cancelled(db, tmp_path: Path) -> None:
    """The Suzhou firm pledges its lithium-battery invention (filed 2017-07-21, in force) to 苏州银行 for 500 万元:
    refused with R1 for Nanjing's patent, R2 for its own lapsed one, R11 for a number the warehouse does not hold, R6
    for a debt falling due after 2037-07-21, R9 for a utility model already pledged (a pledge in the warehouse never
    released); registered, published into the warehouse as a dated pledge the statistics count; cancelled, released."""
    from ipstrong.db import transaction
    from ipstrong.matters import service
    from ipstrong.messages import IpsError
    from ipstrong.registry.pledges import pledge_stats
    from ipstrong.registry.warehouse_events import publish_events
    from ipstrong.warehouse import run_sql

    pledged = (
        "申请号,事件类型,事件日期,转出方,转入方,金额（万元）\n201820000005.8,质押,2024-06-01,苏州某某科技有限公司,江苏银行,100\n"
    )
    data, office, officer = _registry_office(db, tmp_path, pledged)
    form = {"pledgor": "苏州某某科技有限公司", "pledgee": "苏州银行", "patents": ["201710601862.3"],
            "secured_amount_10k_yuan": 500, "debt_start": "2025-01-10", "debt_end": "2027-01-09"}  # fmt: skip
    day = dt.date(2025, 1, 10)
    for change, code in (
        ({"patents": ["201810000004.8"]}, "[R1]"),
        ({"patents": ["201710000009.6"]}, "[R2]"),
        ({"patents": ["201910000007.6"]}, "[R11]"),
        ({"debt_end": "2038-01-01"}, "[R6]"),
        ({"patents": ["201820000005.8"]}, "[R9]"),
    ):
        with pytest.raises(IpsError) as refused, transaction(db.factory) as s:
            service.file_matter(s, officer, "pledge", office, {**form, **change}, data, day, today=day)
        assert code in refused.value.msg.en, (code, refused.value.msg.en)
    for wrong in ({"secured_amount_10k_yuan": 0}, {"debt_end": "2025-01-01"}):  # nothing secured; a term ending first
        with pytest.raises(IpsError), transaction(db.factory) as s:
            service.file_matter(s, officer, "pledge", office, {**form, **wrong}, data, day, today=day)
    with transaction(db.factory) as s:
        mid = service.file_matter(s, officer, "pledge", office, form, data, day, today=day).id
        for kind in ("application", "contract", "identity"):
            service.attach_document(s, officer, mid, kind, f"{kind}.pdf", b"%PDF-1.4\n%%EOF\n", data, max_mb=1)
        service.take_step(s, officer, mid, "register", on=day, today=day)
    with transaction(db.factory) as s:
        with pytest.raises(IpsError) as twice:  # registered here: the same patent cannot be pledged again
            service.file_matter(s, officer, "pledge", office, form, data, day, today=day)
        assert "[R9]" in twice.value.msg.en
    with db.factory() as s:
        assert publish_events(s, data, ("pledges",), db.url).new == 1
        assert publish_events(s, data, ("pledges",), db.url).new == 0  # published again: nothing added
    stored = run_sql(data, "SELECT event_type, event_date, to_party, amount_10k_yuan FROM events WHERE app_no = '201710601862.3'")
    assert stored.to_pylist() == [{"event_type": "pledge", "event_date": day, "to_party": "苏州银行", "amount_10k_yuan": 500.0}]
    assert pledge_stats(SYSTEM, data, 2025).total.amount_10k_yuan == 500.0
    # the bank reports lending 450 万元 on the 500 secured: shown beside the statistics, never in them
    from ipstrong.registry.pledge_registry import record_loan

    with transaction(db.factory) as s:
        with pytest.raises(IpsError, match="above 0"):
            record_loan(s, officer, mid, 0, day)
        record_loan(s, officer, mid, 450, day)
    with db.factory() as s:
        stats = pledge_stats(officer, data, 2025, session=s)
        assert (stats.total.amount_10k_yuan, stats.registry.secured_10k_yuan, stats.registry.lent_10k_yuan) == (500, 500, 450)
        assert pledge_stats(officer, data, 2024, session=s).registry.registrations == 0
    # a change of pledgee and term: refused for a registration that is not one, a term past the patent's (R6) and a
    # change of nothing; registered, it is a pledge-change event that adds nothing to the financing figures
    with db.factory() as s:
        number, changed_on = service.matter_detail(s, officer, mid, today=day).number, dt.date(2025, 3, 3)
    change = {"registration": number, "new_pledgee": "江苏银行", "new_debt_end": "2027-06-30", "reason": "债权转让"}
    for wrong, why in (({"registration": number[:-1] + "9"}, "is not a pledge in force"),
                       ({"new_debt_end": "2038-01-01"}, "[R6]"),
                       ({"new_pledgee": None, "new_debt_end": None}, "change at least one")):  # fmt: skip
        with pytest.raises(IpsError) as refused, transaction(db.factory) as s:
            service.file_matter(s, officer, "pledge_change", office, {**change, **wrong}, data, changed_on, today=changed_on)
        assert why in refused.value.msg.en, refused.value.msg.en
    with transaction(db.factory) as s:
        cid = service.file_matter(s, officer, "pledge_change", office, change, data, changed_on, today=changed_on).id
        for kind in ("application", "agreement"):
            service.attach_document(s, officer, cid, kind, f"{kind}.pdf", b"%PDF-1.4\n%%EOF\n", data, max_mb=1)
        service.take_step(s, officer, cid, "register_change", on=changed_on, today=changed_on)
    with db.factory() as s:
        assert publish_events(s, data, ("pledges",), db.url).new == 1
    changed = run_sql(
        data, "SELECT event_date, to_party FROM events WHERE app_no = '201710601862.3' AND event_type = 'pledge_change'"
    )
    assert changed.to_pylist() == [{"event_date": changed_on, "to_party": "江苏银行"}]
    assert pledge_stats(SYSTEM, data, 2025).total.amount_10k_yuan == 500.0
    later = dt.date(2026, 1, 9)
    with transaction(db.factory) as s:
        service.attach_document(s, officer, mid, "cancellation", "注销.pdf", b"%PDF-1.4\n%%EOF\n", data, max_mb=1)
        service.take_step(s, officer, mid, "cancel", on=later, today=later)
    with db.factory() as s:
        assert publish_events(s, data, ("pledges",), db.url).new == 1
    kinds = run_sql(data, "SELECT list(event_type ORDER BY event_date) AS k FROM events WHERE app_no = '201710601862.3'")
    assert kinds.to_pylist()[0]["k"] == ["pledge", "pledge_change", "pledge_release"]


def test_award_ranks_give_grades_by_quota_and_pass_score() -> None:
    """The best-ranked take the first grade's places, then the next grade's; below the pass score, nothing; ties go
    to the application received first."""
    from dataclasses import replace

    from ipstrong.registry.awards import AwardEntry, Grade, _rank, award_rules

    rules = replace(
        award_rules(),
        grades=(Grade("gold", "金奖", "gold", "patent", 1), Grade("silver", "银奖", "silver", "patent", 2),
                Grade("inventor", "发明人奖", "inventor", "inventor", 1)),
    )  # fmt: skip

    def entry(number: str, score: float | None, category: str = "patent", state: str = "review") -> AwardEntry:
        return AwardEntry(matter_id=0, number=number, applicant="甲", category=category, patent="x", title=None, state=state,
                          experts=3, score=score, rank=None, grade=None, grade_zh=None)  # fmt: skip

    entries = [entry("3", 80), entry("1", 95), entry("2", 80), entry("4", 70), entry("5", 59), entry("6", None),
               entry("7", 99, "inventor"), entry("8", 90, "inventor"), entry("9", 100, state="received")]  # fmt: skip
    _rank(entries, rules)
    got = {e.number: (e.rank, e.grade) for e in entries}
    assert got == {"1": (1, "gold"), "2": (2, "silver"), "3": (3, "silver"), "4": (4, None), "5": (5, None),
                   "6": (None, None), "7": (1, "inventor"), "8": (2, None), "9": (None, None)}  # fmt: skip
    # a gold already published leaves no gold place for a later application, however it scores
    later = [entry("10", 99, state="gold"), entry("11", 98), entry("12", 90)]
    _rank(later, rules)
    assert [(e.number, e.grade) for e in later] == [("10", None), ("11", "silver"), ("12", "silver")]


def test_the_patent_award_applied_for_scored_without_conflicts_ranked_and_published(db, tmp_path: Path) -> None:
    """Round 2 (granted by 2024-12-31): the Suzhou firm applies with its invention and its utility model, the Nanjing
    firm with its invention. Refused: a patent not the applicant's, a lapsed one, one granted after the cut-off, an
    unknown round, an inventor award without its inventor. Three experts score each admitted application; the expert
    from the Suzhou firm is excluded from its applications; results wait for the third sheet, then the invention and
    the utility model (90, 70) take gold places and Nanjing's (50, below the pass score of 60) is not awarded. The
    awards become provincial-award events of the warehouse and the public results list them."""
    from conftest import ingest_export
    from ipstrong.accounts.service import actor_of, create_organisation, create_user
    from ipstrong.db import transaction
    from ipstrong.matters import service
    from ipstrong.messages import IpsError
    from ipstrong.registry import awards
    from ipstrong.registry.warehouse_events import publish_events
    from ipstrong.warehouse import run_sql

    data, city_office, city_officer = _registry_office(db, tmp_path, LICENCES)
    with transaction(db.factory) as s:
        office = create_organisation(s, SYSTEM, "office", "江苏省知识产权局", "320000").id
        officer = actor_of(create_user(s, SYSTEM, "province", "a long password 1", "province_admin", "320000", "管理员",
                                       organisation_id=office))  # fmt: skip
    late = "202310000001.5,2023-01-05,2025-03-01,一种正极,苏州某某科技有限公司,江苏省苏州市吴中区星湖街1号,发明"
    ingest_export(data, late, status_date="2025-06-30", database_url=db.url)
    from ipstrong.ingest.pipeline import apply_entities

    apply_entities(data, db.url)
    day = dt.date(2025, 7, 1)
    suzhou = {"applicant": "苏州某某科技有限公司", "cycle": 2, "category": "patent", "patents": ["201710601862.3"],
              "summary": "锂电池的电极结构，已在三家企业实施。"}  # fmt: skip
    for change, reason in (
        ({"patents": ["201810000004.8"]}, "does not hold 201810000004.8"),
        ({"patents": ["201710000009.6"]}, "not in force"),
        ({"patents": ["202310000001.5"]}, "granted after the cut-off 2024-12-31"),
        ({"cycle": 9}, "no round 9"),
        ({"category": "inventor"}, "needs the inventor's name"),
        ({"_city": True}, "received by the province's office"),
    ):
        by, body = (city_officer, city_office) if change.pop("_city", False) else (officer, office)
        with pytest.raises(IpsError) as refused, transaction(db.factory) as s:
            service.file_matter(s, by, "patent_award", body, {**suzhou, **change}, data, day, today=day)
        assert reason in refused.value.msg.en, refused.value.msg.en
    forms = (suzhou, {**suzhou, "patents": ["201820000005.8"]},
             {**suzhou, "applicant": "南京某某有限公司", "patents": ["201810000004.8"]})  # fmt: skip
    with transaction(db.factory) as s:
        ids = [service.file_matter(s, officer, "patent_award", office, f, data, day, today=day).id for f in forms]
        with pytest.raises(IpsError, match="not under expert review"):
            awards.score(s, actor_of(create_user(s, SYSTEM, "early", "a long password 1", "award_expert", "320000", "专家",
                                                 organisation_id=office)), ids[0], {})  # fmt: skip
        for mid in ids:
            service.attach_document(s, officer, mid, "application", "申报书.pdf", b"%PDF-1.4\n%%EOF\n", data, max_mb=1)
            service.take_step(s, officer, mid, "admit", on=day, today=day)
        experts = []
        for name, kind, code in (("江苏甲专利代理事务所", "agency", None), ("江苏乙知识产权服务中心", "agency", None),
                                 ("苏州某某科技有限公司", "enterprise", "91320506MA1XXXXX09")):  # fmt: skip
            org = create_organisation(s, SYSTEM, kind, name, "320000", code).id
            user = create_user(s, SYSTEM, f"expert{len(experts)}", "a long password 1", "award_expert", "320000", "专家",
                               organisation_id=org)  # fmt: skip
            experts.append(actor_of(user))
    first, second, conflicted = experts

    def every(mark: float) -> dict[str, float]:
        return dict.fromkeys(("quality", "advance", "use", "benefit"), mark)

    marks = {ids[0]: 90.0, ids[1]: 70.0, ids[2]: 50.0}
    with transaction(db.factory) as s:
        assert [x.matter_id for x in awards.expert_sheets(s, conflicted, 2)] == [ids[2]]  # never shown their own
        with pytest.raises(PermissionDenied, match=r"own organisation|same applicant entity"):
            awards.score(s, conflicted, ids[0], every(99.0))
        for wrong, why in (({"quality": 90.0}, "no score for technical advance"),
                           ({**every(90.0), "luck": 5.0}, "unknown criterion luck"),
                           (every(120.0), "0–100, not 120")):  # fmt: skip
            with pytest.raises(IpsError) as refused:
                awards.score(s, first, ids[0], wrong)
            assert why in refused.value.msg.en, refused.value.msg.en
        for expert in (first, second):
            for mid, mark in marks.items():
                sheet = awards.score(s, expert, mid, every(mark))
                assert sheet.weighted == mark
        awards.score(s, conflicted, ids[2], every(50.0))
    with transaction(db.factory) as s, pytest.raises(IpsError, match="fewer than 3 score sheets"):
        awards.publish(s, officer, 2, today=day)
    with transaction(db.factory) as s:
        org = create_organisation(s, SYSTEM, "agency", "江苏丙事务所", "320000").id
        third = actor_of(
            create_user(s, SYSTEM, "expert3", "a long password 1", "award_expert", "320000", "专家", organisation_id=org)
        )
        for mid in ids[:2]:
            awards.score(s, third, mid, every(marks[mid]))
        ranked = {e.patent: (e.rank, e.score, e.grade) for e in awards.ranking(s, officer, 2).entries}
        assert ranked == {"201710601862.3": (1, 90.0, "gold"), "201820000005.8": (2, 70.0, "gold"),
                          "201810000004.8": (3, 50.0, None)}  # fmt: skip
        published = awards.publish(s, officer, 2, today=day)
        assert published.published and {e.patent: e.state for e in published.entries} == {
            "201710601862.3": "gold", "201820000005.8": "gold", "201810000004.8": "not_awarded"}  # fmt: skip
        assert [(r.patent, r.grade_zh) for r in awards.results(s, 2)] == [
            ("201710601862.3", "江苏专利金奖"), ("201820000005.8", "江苏专利金奖")]  # fmt: skip
    with db.factory() as s:
        assert publish_events(s, data, ("awards",), db.url).new == 2
    stored = run_sql(data, "SELECT app_no, event_type, event_date FROM events WHERE event_type LIKE '%award' ORDER BY app_no")
    assert stored.to_pylist() == [
        {"app_no": "201710601862.3", "event_type": "provincial_award", "event_date": day},
        {"app_no": "201820000005.8", "event_type": "provincial_award", "event_date": day},
    ]


def test_a_cultivation_centres_output_read_by_hand(magic_leap: tuple[Path, int]) -> None:
    """A centre led by OPPO, filing under two names (OPPO广东移动通信有限公司, 广东欧珀移动通信有限公司), and a member the
    export never names: counted by hand from the file's 申请人 (first named), 申请日, 授权公告日 and the type digit of
    申请号 (1 invention, 8 PCT invention) — 2020: 19 invention filings (one PCT), 10 grants; 2019: 30 and 15. A
    centre is refused in a region that does not exist, under a name already used, and by a reader of another city."""
    from dataclasses import replace

    from ipstrong.db import transaction
    from ipstrong.ingest.entity_store import open_store
    from ipstrong.messages import IpsError
    from ipstrong.registry.cultivation import CentreIn, add_centre, centre_output

    data, _entity = magic_leap
    engine, factory = open_store(data)
    centre = CentreIn(
        name="移动终端增强现实高价值专利培育中心", region_code="320500", lead="OPPO广东移动通信有限公司",
        members=["广东欧珀移动通信有限公司", "从未申请的公司"], industry="增强现实显示", approved_year=2019,
    )  # fmt: skip
    try:
        with transaction(factory) as s:
            add_centre(s, SYSTEM, centre)
        for wrong, why in (({"region_code": "329999"}, "unknown region"), ({}, "exists")):
            with pytest.raises(IpsError) as refused, transaction(factory) as s:
                add_centre(s, SYSTEM, centre.model_copy(update=wrong))
            assert why in refused.value.msg.en
        with factory() as s:
            got = centre_output(s, SYSTEM, data, 2020).centres
            assert [(m.name, m.lead, m.entity_id is not None) for m in got[0].members] == [
                ("OPPO广东移动通信有限公司", True, True),
                ("广东欧珀移动通信有限公司", False, True),
                ("从未申请的公司", False, False),
            ]
            f, p = got[0].figures, got[0].previous
            assert (f["applications_invention"], f["applications_pct"], f["grants_invention"]) == (19, 1, 10)
            assert (p["applications_invention"], p["grants_invention"]) == (30, 15)
            nanjing = replace(SYSTEM, role="city_official", region_code="320100")
            assert centre_output(s, nanjing, data, 2020).centres == []  # Suzhou's centre is not Nanjing's to read
        with pytest.raises(PermissionDenied), transaction(factory) as s:
            add_centre(
                s, replace(SYSTEM, role="city_official", region_code="320100"), centre.model_copy(update={"name": "另一中心"})
            )
    finally:
        engine.dispose()


def test_a_gbt29490_self_assessment_its_gaps_and_the_province_view(db) -> None:
    """A Suzhou firm rates itself 3 on every item but R&D (8.6, rated 1) and leaves Annex B's trade secrets (B.4)
    unanswered: two gaps, clause 8 at (9 × 3 + 1) / 30 = 93.3 %, overall 100 / 102 = 98.0 %; once both are rated 2
    it conforms. Another Suzhou firm rates two items (1 and 0): 16.7 %. The province sees Suzhou with two firms, both
    assessed, one complete and conforming, mean (103 / 105 + 1 / 6) / 2 = 57.4 %, and Nanjing's firm not assessed."""
    from dataclasses import replace

    from ipstrong.accounts.service import actor_of, create_organisation, create_user
    from ipstrong.db import transaction
    from ipstrong.messages import IpsError, validated
    from ipstrong.registry.compliance import AssessmentIn, adoption, checklist, gap_report, save_assessment

    with transaction(db.factory) as s:
        a = create_organisation(s, SYSTEM, "enterprise", "苏州甲科技有限公司", "320506", "91320506MA1XXXXX09").id
        b = create_organisation(s, SYSTEM, "enterprise", "苏州乙科技有限公司", "320505", "91320505MA1YYYYY03").id
        create_organisation(s, SYSTEM, "enterprise", "南京丙科技有限公司", "320102", "91320102MA1WWWWW4Y")
        owner = actor_of(create_user(s, SYSTEM, "firm_a", "a long password 1", "enterprise_user", "320506", "经理",
                                     organisation_id=a))  # fmt: skip
    items = [i.item for i in checklist()]
    assert (len(items), items[0], items[-1]) == (35, "4.1", "B.4")
    answers = {i: {"score": 3, "evidence": "制度文件"} for i in items if i != "B.4"} | {"8.6": {"score": 1}}
    with transaction(db.factory) as s:
        report = save_assessment(s, owner, validated(AssessmentIn, {"year": 2025, "answers": answers}))
    assert [(g.item, g.score) for g in report.gaps] == [("8.6", 1), ("B.4", None)] and not report.conforming
    assert {c.clause: c.score_pct for c in report.clauses}["8"] == 93.3 and report.score_pct == 98.0
    with pytest.raises(IpsError, match=r"answers\.8\.6\.score"):  # the scale is 0–3
        validated(AssessmentIn, {"year": 2025, "answers": {"8.6": {"score": 4}}})
    with pytest.raises(IpsError, match=r"no item 11\.1"), transaction(db.factory) as s:
        save_assessment(s, owner, validated(AssessmentIn, {"year": 2025, "answers": {"11.1": {"score": 3}}}))
    with pytest.raises(PermissionDenied), db.factory() as s:
        gap_report(s, owner, 2025, b)  # another firm's
    with transaction(db.factory) as s:
        more = {"8.6": {"score": 2}, "B.4": {"score": 2}}
        assert save_assessment(s, owner, validated(AssessmentIn, {"year": 2025, "answers": more})).conforming
        partial = {"4.1": {"score": 1}, "5.3": {"score": 0}}
        assert save_assessment(s, SYSTEM, validated(AssessmentIn, {"year": 2025, "answers": partial}), b).score_pct == 16.7
    with db.factory() as s:
        view = adoption(s, SYSTEM, 2025)
        rows = {r.city_name: (r.enterprises, r.assessed, r.complete, r.conforming, r.mean_score_pct) for r in view.rows}
        assert rows == {"南京市": (1, 0, 0, 0, None), "苏州市": (2, 2, 1, 1, 57.4)}
        assert [(x.name, x.score_pct, x.conforming) for x in view.assessed] == [
            ("苏州甲科技有限公司", 98.1, True),
            ("苏州乙科技有限公司", 16.7, False),
        ]
        suzhou = replace(SYSTEM, role="city_official", region_code="320500")
        assert [r.city_name for r in adoption(s, suzhou, 2025).rows] == ["苏州市"]


def test_a_programme_project_called_applied_funded_and_measured(magic_leap: tuple[Path, int], tmp_path: Path) -> None:
    """The office publishes a call (open 2018-11-01 to 2018-12-31, at most 50 万元); OPPO applies for a 2019–2020
    project. Refused: an unknown call, a day outside the window, asking for 80 万元, a six-year term, and at the
    decision a grant above the 40 asked. Funded with 30, its output is counted by hand from the real export's
    first-named 申请人, 申请日, 授权公告日 and type digit: 30 + 19 = 49 invention filings in 2019–2020 (target 40:
    122.5 %), all under OPPO广东移动通信有限公司 — while the 15 + 10 = 25 grants of those years carry the firm's former
    name 广东欧珀移动通信有限公司, a separate entity until staff merge the two and stamp the warehouse (target 50:
    50.0 %)."""
    import shutil

    from ipstrong.accounts.service import actor_of, create_organisation, create_user
    from ipstrong.db import transaction
    from ipstrong.ingest.entity_store import entity_of_name, merge, open_store
    from ipstrong.ingest.pipeline import apply_entities
    from ipstrong.matters import service
    from ipstrong.messages import IpsError
    from ipstrong.registry.projects import decide, project_output, record_spending

    data = tmp_path / "data"
    shutil.copytree(magic_leap[0], data)  # the merge below is this test's own
    engine, factory = open_store(data)
    pdf = b"%PDF-1.4\n%%EOF\n"
    opened = dt.date(2018, 11, 1)
    try:
        with transaction(factory) as s:
            office = create_organisation(s, SYSTEM, "office", "江苏省知识产权局（计划处）", "320000").id
            staff = actor_of(create_user(s, SYSTEM, "programme", "a long password 1", "province_admin", "320000", "计划处",
                                         organisation_id=office))  # fmt: skip
            call_form = {"title": "2019 年度江苏省知识产权战略推进计划项目申报", "year": 2019, "category": "企业知识产权战略推进",
                         "opens": "2018-11-01", "closes": "2018-12-31", "max_grant_10k_yuan": 50,
                         "total_budget_10k_yuan": 2000}  # fmt: skip
            call = service.file_matter(s, staff, "programme_call", office, call_form, data, opened, today=opened)
            service.attach_document(s, staff, call.id, "notice", "通知.pdf", pdf, data, max_mb=1)
            service.take_step(s, staff, call.id, "publish", on=opened, today=opened)
            number = call.number
        project = {"call": number, "applicant": "OPPO广东移动通信有限公司", "title": "增强现实显示专利布局与运营",
                   "requested_10k_yuan": 40, "self_funded_10k_yuan": 100, "start": "2019-01-01", "end": "2020-12-31",
                   "target_invention_filings": 40, "target_invention_grants": 50,
                   "plan": "围绕光波导显示开展专利导航与布局。"}  # fmt: skip
        day = dt.date(2018, 12, 10)
        for change, on, why in (
            ({"call": number.replace("-00001", "-00009")}, day, "not an open call"),
            ({}, dt.date(2019, 1, 5), "outside the call's window"),
            ({"requested_10k_yuan": 80}, day, "more than the call's 50"),
            ({"end": "2025-01-02"}, day, "at most five years"),
        ):
            with pytest.raises(IpsError) as refused, transaction(factory) as s:
                service.file_matter(s, staff, "programme_project", office, {**project, **change}, data, on, today=max(on, day))
            assert why in refused.value.msg.en, refused.value.msg.en
        with transaction(factory) as s:
            mid = service.file_matter(s, staff, "programme_project", office, project, data, day, today=day).id
            for kind in ("application", "review", "decision"):
                service.attach_document(s, staff, mid, kind, f"{kind}.pdf", pdf, data, max_mb=1)
            service.take_step(s, staff, mid, "admit", on=day, today=day)
            with pytest.raises(IpsError, match="at most the 40 asked for"):
                decide(s, staff, mid, 45, today=day)
            decide(s, staff, mid, 30, today=day)
            record_spending(s, staff, mid, 28.5)
        with factory() as s:
            [out] = project_output(s, staff, data, number, today=dt.date(2022, 5, 30))
        assert (out.state, out.granted_10k_yuan, out.spent_10k_yuan, out.measured_until) == (
            "funded",
            30,
            28.5,
            dt.date(2020, 12, 31),
        )
        assert (out.invention_filings, out.filings_pct, out.invention_grants, out.grants_pct) == (49, 122.5, 0, 0.0)
        with transaction(factory) as s:
            new, old = (entity_of_name(s, n) for n in ("OPPO广东移动通信有限公司", "广东欧珀移动通信有限公司"))
            assert new is not None and old is not None and new.id != old.id
            merge(s, SYSTEM, new.id, old.id)
        apply_entities(data)
        with factory() as s:
            [out] = project_output(s, staff, data, number, today=dt.date(2022, 5, 30))
        assert (out.invention_filings, out.invention_grants, out.grants_pct) == (49, 25, 50.0)
    finally:
        engine.dispose()


def test_a_patent_valued_from_the_warehouse_and_an_evaluator(magic_leap: tuple[Path, int], tmp_path: Path) -> None:
    """Magic Leap's 201280067730.2 on 2022-05-30, read by hand from the export: in force (100), filed 2012-11-23 so
    10.49 of 20 years left (52.4), 20 claims (100), no invalidation (100), an invention (100): legal value 90.5; one
    IPC subclass, G06T (20); no transfer, licence, pledge or award (0). The export gives no family countries, so
    that indicator waits for the evaluator with the technical ones; once entered, the index weighs the three levels
    for financing 0.4 / 0.2 / 0.4. Refused: an indicator the warehouse computes, a score of 120, an amount without its
    method, a purpose the weights do not name, a public visitor."""
    import shutil
    from dataclasses import replace

    from ipstrong.accounts.roles import PUBLIC
    from ipstrong.db import transaction
    from ipstrong.ingest.entity_store import open_store
    from ipstrong.messages import IpsError
    from ipstrong.registry.valuation import EvaluationIn, record_evaluation, valuation
    from ipstrong.warehouse import run_sql

    data = tmp_path / "data"
    shutil.copytree(magic_leap[0], data)
    engine, factory = open_store(data)
    day = EXPORTED
    try:
        with factory() as s:
            v = valuation(s, SYSTEM, data, "CN201280067730.2", "financing", day)
        got = {x.indicator: x.score for x in v.scores}
        assert (got["legal_status"], got["remaining_term"], got["claims"], got["stability"], got["patent_type"]) == (
            100.0, 52.4, 100.0, 100.0, 100.0)  # fmt: skip
        assert (got["ipc_breadth"], got["transactions"], got["pledge"], got["award"], got["family"]) == (
            20.0,
            0.0,
            0.0,
            0.0,
            None,
        )
        levels = {lv.level: lv.score for lv in v.levels}
        assert levels["legal"] == 90.5 and levels["economic"] == 0.0
        assert set(v.missing) == {"family", "advancement", "maturity", "market", "contribution"}
        strategic = run_sql(data, "SELECT coalesce(sei_match, sei_ipc, false) AS s FROM patents WHERE app_no = '201280067730.2'")
        sei = 100.0 if strategic.to_pylist()[0]["s"] else 0.0
        evaluator = replace(SYSTEM, role="agency_user", username="估值所")
        entry = {"purpose": "financing", "scores": {"advancement": 80, "maturity": 60, "family": 100, "market": 70,
                 "contribution": 50}, "amount_10k_yuan": 300, "method": "income"}  # fmt: skip
        for wrong, why in (({"scores": {"claims": 50}}, "computed from the warehouse"),
                           ({"scores": {"market": 120}}, "0-100, not 120"),
                           ({"scores": {}, "method": None}, "an amount needs its method")):  # fmt: skip
            with pytest.raises(IpsError) as refused, transaction(factory) as s:
                record_evaluation(s, evaluator, data, "201280067730.2", EvaluationIn(**{**entry, **wrong}), day)
            assert why in refused.value.msg.en, refused.value.msg.en
        with transaction(factory) as s:
            v = record_evaluation(s, evaluator, data, "201280067730.2", EvaluationIn(**entry), day)
        technical = round((20 + sei + 100 + 80 + 60) / 5, 1)
        economic = round((0 + 0 + 0 + 70 + 50) / 5, 1)
        assert {lv.level: lv.score for lv in v.levels} == {"legal": 90.5, "technical": technical, "economic": economic}
        assert v.index == round(0.4 * 90.5 + 0.2 * technical + 0.4 * economic, 1) and v.missing == []
        assert (v.amount_10k_yuan, v.method, v.evaluator) == (300, "income", "估值所")
        with factory() as s:
            with pytest.raises(InvalidOption):
                valuation(s, SYSTEM, data, "201280067730.2", "decoration", day)
            with pytest.raises(PermissionDenied):
                valuation(s, PUBLIC, data, "201280067730.2", "financing", day)
    finally:
        engine.dispose()


def test_pledges_by_park_against_the_growth_target(tmp_path: Path) -> None:
    """Two patents in 苏州工业园区 and one in 苏州高新区, pledged in 2023 and 2024: the industrial park goes from one
    project of 100 万元 to two of 80 + 70 = 150 (growth 50 % in amount, 100 % in projects: the 百园万企 target of
    20 % is met); the high-tech zone from 200 to 210 in one project each (5 %, 0 %: not met)."""
    from ipstrong.registry.pledges import pledge_stats

    patents = tmp_path / "p.csv"
    patents.write_text(
        "申请号,申请日,授权公告日,名称,申请（专利权）人,地址,专利类型\n"
        "202310000044.3,2023-01-05,2023-04-01,一种芯片,苏州园甲有限公司,江苏省苏州市苏州工业园区星湖街328号,发明\n"
        "202310000055.1,2023-01-06,2023-04-02,一种封装,苏州园乙有限公司,江苏省苏州市苏州工业园区金鸡湖大道88号,发明\n"
        "202310000066.X,2023-01-07,2023-04-03,一种透镜,苏州新丙有限公司,江苏省苏州市苏州高新区狮山路1号,发明\n",
        encoding="utf-8",
    )
    events = tmp_path / "e.csv"
    events.write_text(
        "申请号,事件类型,事件日期,转出方,转入方,金额（万元）\n"
        "202310000044.3,质押,2023-05-01,苏州园甲有限公司,苏州银行,100\n"
        "202310000066.X,质押,2023-06-01,苏州新丙有限公司,江苏银行,200\n"
        "202310000044.3,质押,2024-04-01,苏州园甲有限公司,苏州银行,80\n"
        "202310000055.1,质押,2024-04-02,苏州园乙有限公司,苏州银行,70\n"
        "202310000066.X,质押,2024-06-01,苏州新丙有限公司,江苏银行,210\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    for f in (patents, events):
        ingest([f], data, status_date=dt.date(2024, 12, 31))
    stats = pledge_stats(SYSTEM, data, 2024, "zone")
    got = {r.name: (r.amount_10k_yuan, r.projects, r.amount_growth_pct, r.projects_growth_pct, r.target_met) for r in stats.rows}
    assert got == {"苏州工业园区": (150.0, 2, 50.0, 100.0, True), "苏州高新区": (210.0, 1, 5.0, 0.0, False)}
    assert stats.target_source and "20%" in stats.target_source
    assert pledge_stats(SYSTEM, data, 2024, "month").rows[0].amount_growth_pct is None  # months are not compared


def test_an_enterprise_portfolio_holds_its_marks_and_their_renewal(tmp_path: Path) -> None:
    """The Suzhou firm's marks on 2025-01-10 (Trademark Law art. 40: renewable in the 12 months before expiry, 6
    months' grace after): one expiring 2025-02-28 is renewable now; one that expired 2024-10-01 is in its grace until
    2025-04-01; one that expired 2024-01-01 is past it; one expiring 2030 is not yet renewable; another firm's mark
    and a cancelled one are not listed."""
    from conftest import SUZHOU_ROW, ingest_export
    from ipstrong.ingest.entity_store import entity_of_name, open_store

    data = tmp_path / "data"
    ingest_export(data, SUZHOU_ROW)
    marks = tmp_path / "marks.csv"
    where = "江苏省苏州市吴中区星湖街1号"
    marks.write_text(
        "注册号,商标名称,国际分类,注册人,注册人地址,申请日,注册日,专用权期限至,商标状态\n"
        f"2001,锂星,9,苏州某某科技有限公司,{where},2014-01-01,2015-03-01,2025-02-28,已注册\n"
        f"2002,锂月,9;42,苏州某某科技有限公司,{where},2013-06-01,2014-10-02,2024-10-01,已注册\n"
        f"2003,锂日,9,苏州某某科技有限公司,{where},2012-06-01,2014-01-02,2024-01-01,已注册\n"
        f"2004,锂云,35,苏州某某科技有限公司,{where},2019-06-01,2020-01-01,2030-01-01,已注册\n"
        f"2005,锂风,35,苏州某某科技有限公司,{where},2019-06-01,2020-01-01,2030-01-01,无效宣告\n"
        f"2006,他标,9,南京某某有限公司,{where},2019-06-01,2020-01-01,2025-03-01,已注册\n",
        encoding="utf-8",
    )
    ingest([marks], data, status_date=dt.date(2024, 12, 31))
    engine, factory = open_store(data)
    try:
        with factory() as s:
            entity = entity_of_name(s, "苏州某某科技有限公司")
            assert entity is not None
            got = portfolio_fees(s, SYSTEM, data, entity.id, 2025, today=dt.date(2025, 1, 10))
    finally:
        engine.dispose()
    assert [(m.reg_no, m.state, m.in_year) for m in got.marks] == [
        ("2003", "lapsed", False), ("2002", "grace", False), ("2001", "open", True), ("2004", "early", False)]  # fmt: skip
    assert got.marks[1].grace_until == dt.date(2025, 4, 1) and got.marks[2].window_opens == dt.date(2024, 2, 28)
