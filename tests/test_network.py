"""The service network (issue 23): the agency directory, its import and each agency's activity counted on the real
Patentics export by code and by name; service points, their records and coverage; the talent registry and the
engineer titles' committee review; carrier matching; and the satisfaction survey's invitations, responses and
index worked by hand. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from pathlib import Path

import pytest

from conftest import PASSWORD, shared_data
from ipstrong.accounts.roles import SYSTEM, PermissionDenied
from ipstrong.accounts.service import actor_of, create_organisation, create_user
from ipstrong.db import transaction
from ipstrong.ids.uscc import credit_code_check_char
from ipstrong.messages import Conflict, IpsError, NotFound, validated
from ipstrong.network import agencies, needs, points, survey, talent, titles
from ipstrong.network.models import Agency, SurveyResponse

THUNDERSOFT = ("cn-patent-db-exports", "patentics_thundersoft_cn_511.xlsx")
JIJIA = "北京集佳知识产权代理有限公司"  # 11227 in some rows of the export, bare in others
LONGAN = "北京市隆安律师事务所"  # never with a code


def code(body: str) -> str:
    """A valid credit code for a 17-character body (GB 32100 check character)."""
    return body + credit_code_check_char(body)


HEADER = "机构名称,统一社会信用代码,机构代码,机构类型,所在地区代码,执业代理师人数,服务项目,所属集聚区"
ROWS = (
    f"{JIJIA},{code('91110108700000001')},11227,专利代理机构,320102,120,专利申请代理、专利无效与复审,南京知识产权服务业集聚区",
    f"{LONGAN},{code('31110000400000002')},,law_firm,320505,8,litigation;licensing,",
    f"苏州某某专利事务所,{code('91320505MA0000003')},32001,patent_agency,320505,5,patent_filing,",
)


def _file(tmp_path: Path, *rows: str, name: str = "agencies.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8-sig")
    return path


def _export_rows() -> tuple[list[str], list[list]]:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(shared_data(*THUNDERSOFT))).get_sheet_by_index(0).to_python()
    return rows[0], rows[1:]


@pytest.fixture
def thundersoft(db, tmp_path: Path) -> Path:
    """The real Patentics export (511 records of 中科创达) ingested, and the three agencies recorded."""
    from ipstrong.ingest import ingest

    data = tmp_path / "data"
    ingest([shared_data(*THUNDERSOFT)], data, status_date=dt.date(2022, 12, 19), database_url=db.url)
    with transaction(db.factory) as s:
        agencies.import_agencies(s, SYSTEM, _file(tmp_path, *ROWS))
    return data


def test_agency_activity_counted_by_code_and_by_name_on_the_real_export(db, thundersoft: Path) -> None:
    """集佳's filings are matched by its code 11227 where the export writes it and by its name where it does not;
    each figure of 2016 and 2015 is counted again here from the spreadsheet's own columns."""
    header, rows = _export_rows()
    agent, filed, granted, status = (header.index(c) for c in ("律师、代理", "申请日", "授权日", "法律状态"))
    mine = [r for r in rows if str(r[agent]).split(";")[0].strip().removesuffix("11227") == JIJIA]

    def year(value: object) -> int | None:
        return int(str(value)[:4]) if value else None

    with db.factory() as s:
        for y in (2015, 2016):
            [jijia] = [a for a in agencies.activity(s, SYSTEM, thundersoft, y).agencies if a.name == JIJIA]
            filed_y = [r for r in mine if year(r[filed]) == y]
            granted_y = [r for r in mine if year(r[granted]) == y]
            done = [r for r in filed_y if r[granted] or r[status] in ("驳回", "撤回")]
            assert jijia.filings == len(filed_y) and jijia.grants == len(granted_y)
            assert jijia.concluded_inventions == len(done)
            assert jijia.grant_rate_pct == round(100 * sum(bool(r[granted]) for r in filed_y) / len(done), 1)
            assert jijia.rejected_pct == round(100 * sum(r[status] == "驳回" for r in filed_y) / len(filed_y), 1)
            if granted_y:
                days = [(dt.date(*map(int, r[granted].split("/"))) - dt.date(*map(int, r[filed].split("/")))).days
                        for r in granted_y]  # fmt: skip
                assert jijia.median_days_to_grant == statistics.median(days)
        # by hand from the file: 2016 — 39 filings (9 granted, 29 rejected, 1 withdrawn), 6 grants after a median 988 days
        [y2016] = [a for a in agencies.activity(s, SYSTEM, thundersoft, 2016).agencies if a.name == JIJIA]
        assert (y2016.filings, y2016.grants, y2016.grant_rate_pct, y2016.median_days_to_grant) == (39, 6, 23.1, 988.0)
        assert (y2016.rejected_pct, y2016.withdrawn_pct, y2016.abnormal_pct) == (74.4, 2.6, 0.0)
        # 2014: 77 filings, 36 of them written with the code and 41 by the name alone
        [y2014] = [a for a in agencies.activity(s, SYSTEM, thundersoft, 2014).agencies if a.name == JIJIA]
        assert y2014.filings == 77 and y2014.matched_by_code >= 36 and y2014.matched_by_name >= 41
        [longan] = [a for a in agencies.activity(s, SYSTEM, thundersoft, 2019).agencies if a.name == LONGAN]
        assert longan.filings == sum(1 for r in rows if str(r[agent]).startswith(LONGAN) and year(r[filed]) == 2019) == 6
        assert longan.matched_by_code == 0
        [local] = [a for a in agencies.activity(s, SYSTEM, thundersoft, 2019).agencies if a.agency_code == "32001"]
        assert local.filings == 0 and local.grant_rate_pct is None


def test_an_agency_file_is_taken_whole_or_refused_naming_file_row_and_field(db, tmp_path: Path) -> None:
    with transaction(db.factory) as s:
        report = agencies.import_agencies(s, SYSTEM, _file(tmp_path, *ROWS))
    assert (report.read, report.added) == (3, 3)
    good_code = code("91320583MA0000009")
    bad_code = good_code[:-1] + ("1" if good_code[-1] != "1" else "2")  # a wrong check character
    cases = [
        (ROWS[0].replace("11227", "11228"), "credit_code", "3", Conflict),  # the credit code already recorded
        (f"新机构,{bad_code},,patent_agency,320583,1,,", "credit_code", "3", IpsError),
        (f"新机构,{code('91320583MA0000010')},,旅行社,320583,1,,", "kind", "3", IpsError),
        (f"新机构,{code('91320583MA0000011')},,patent_agency,330100,1,,", "region_code", "3", IpsError),
        (f"新机构,{code('91320583MA0000012')},11227,patent_agency,320583,1,,", "agency_code", "3", Conflict),
    ]
    for i, (row, field, line, kind) in enumerate(cases):
        rows = (f"好机构{i},{code(f'9132058{i}MA000002{i}')},,patent_agency,320583,1,,", row)
        path = _file(tmp_path, *rows, name=f"bad{i}.csv")
        with pytest.raises(kind) as refused, transaction(db.factory) as s:
            agencies.import_agencies(s, SYSTEM, path)
        text = str(refused.value.msg)
        assert f"bad{i}.csv" in text and f"第 {line} 行" in text and f"row {line}" in text and field in text, text
    fresh = f"无锡某专利事务所,{good_code},32009,patent_agency,320211,2,,"
    twice = _file(tmp_path, fresh, fresh.replace("无锡某", "无锡另一").replace("32009", "32010"), name="twice.csv")
    with pytest.raises(Conflict, match="repeats row 2"), transaction(db.factory) as s:
        agencies.import_agencies(s, SYSTEM, twice)
    with db.factory() as s:
        assert s.query(Agency).count() == 3  # nothing of a refused file was kept


def test_the_directory_filters_by_kind_city_service_and_cluster(db, tmp_path: Path) -> None:
    import xlsxwriter

    book_path = tmp_path / "agencies.xlsx"
    book = xlsxwriter.Workbook(str(book_path))
    sheet = book.add_worksheet()
    for r, line in enumerate((HEADER, *ROWS)):
        sheet.write_row(r, 0, [int(v) if v.isdigit() and len(v) < 5 else v for v in line.split(",")])
    book.close()
    with transaction(db.factory) as s:
        assert agencies.import_agencies(s, SYSTEM, book_path).added == 3
    with db.factory() as s:
        every = agencies.directory(s, agencies.DirectoryQuery())
        assert every.total == 3 and [f.count for f in every.cities] == [1, 2]  # 南京 1, 苏州 2
        assert every.map is not None and every.map.kind == "map" and every.map.codes == ["320100", "320500"]
        suzhou = agencies.directory(s, agencies.DirectoryQuery(city="320500", kind="专利代理机构"))
        assert [a.agency_code for a in suzhou.agencies] == ["32001"]
        assert [a.name for a in agencies.directory(s, agencies.DirectoryQuery(service="litigation")).agencies] == [LONGAN]
        clustered = agencies.directory(s, agencies.DirectoryQuery(cluster="南京知识产权服务业集聚区"))
        assert [a.agents for a in clustered.agencies] == [120]
        out = tmp_path / "out.xlsx"
        agencies.write_directory_xlsx(every, out)
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "机构名称 / name" and len(rows) == 4 and {r[3] for r in rows[1:]} == {"专利代理机构", "律师事务所"}


def _office(s) -> tuple[int, object]:
    office = create_organisation(s, SYSTEM, "office", "江苏省知识产权局", "320000").id
    admin = actor_of(create_user(s, SYSTEM, "province", PASSWORD, "province_admin", "320000", "省局", organisation_id=office))
    return office, admin


def test_points_records_output_and_coverage_against_the_targets(db) -> None:
    from ipstrong.reference.regions import JIANGSU, regions

    day = dt.date(2026, 6, 1)
    with transaction(db.factory) as s:
        park = create_organisation(s, SYSTEM, "enterprise", "昆山高新区管委会", "320583", code("11320583MB0000001")).id
        host = actor_of(create_user(s, SYSTEM, "park", PASSWORD, "enterprise_user", "320583", "园区", organisation_id=park))
        other = actor_of(create_user(s, SYSTEM, "other", PASSWORD, "enterprise_user", "320583", "别人"))
        kunshan = points.add_point(s, SYSTEM, points.PointIn(name="昆山高新区网点", kind="info_point", host="昆山高新区",
                                   host_kind="park", region_code="320583", services=["consultation", "search"], staff=3,
                                   organisation_id=park, opened=dt.date(2024, 3, 1)))  # fmt: skip
        points.add_point(s, SYSTEM, points.PointIn(name="南京 TISC", kind="tisc", host="南京理工大学", host_kind="university",
                         region_code="320102", opened=dt.date(2019, 1, 1)))  # fmt: skip
        points.add_point(s, SYSTEM, points.PointIn(name="某企业工作站", kind="workstation", host="某企业", host_kind="enterprise",
                         region_code="320583", opened=dt.date(2025, 1, 1)))  # fmt: skip
        for when, kind, n in ((dt.date(2026, 3, 2), "consultation", 12), (dt.date(2026, 5, 6), "consultation", 3),
                              (dt.date(2026, 5, 7), "search", 40), (dt.date(2025, 9, 1), "consultation", 7)):  # fmt: skip
            points.record_service(s, host, kunshan.id, points.RecordIn(day=when, kind=kind, count=n, served="园区企业"), day)
        with pytest.raises(NotFound):
            points.record_service(s, other, kunshan.id, points.RecordIn(day=day, kind="search", count=1, served="x"), day)
        with pytest.raises(IpsError, match="day"):
            points.record_service(s, host, kunshan.id, points.RecordIn(day=dt.date(2026, 7, 1), kind="search", count=1,
                                                                       served="x"), day)  # fmt: skip
        with pytest.raises(NotFound, match="organisation_id"):
            points.add_point(s, SYSTEM, points.PointIn(name="无主网点", kind="info_point", host="某园区", host_kind="park",
                             region_code="320102", organisation_id=99999, opened=day))  # fmt: skip
        with pytest.raises(Conflict):
            points.add_point(s, SYSTEM, points.PointIn(name="南京 TISC", kind="tisc", host="某园区", host_kind="park",
                             region_code="320102", opened=day))  # fmt: skip
    with db.factory() as s:
        [mine] = points.point_output(s, host, 2026).points  # the host sees its own point only
        assert (mine.consultation, mine.search, mine.training, mine.records) == (15, 40, 0, 3)
        assert mine.previous == {"consultation": 7, "search": 0, "training": 0}
        cover = points.coverage(s, SYSTEM, day)
    counties = [r for r in regions() if r.level == "district" and r.province_code == JIANGSU and r.status == "current"]
    with (Path(__file__).parents[1] / "src/ipstrong/reference/data/regions.csv").open(encoding="utf-8") as fh:
        by_file = [r for r in csv.DictReader(fh) if r["level"] == "district" and r["province_code"] == "320000"
                   and r["status"] == "current"]  # fmt: skip
    assert cover.counties == len(counties) == len(by_file)
    assert (cover.points, cover.workstations, cover.counties_covered, cover.points_met) == (2, 1, 2, False)
    assert cover.county_share == round(2 / len(by_file), 4) and not cover.counties_met
    suzhou = next(c for c in cover.cities if c.city_code == "320500")
    assert (suzhou.points, suzhou.workstations, suzhou.counties_covered) == (1, 1, 1)


def _title_form(**changes) -> dict:
    form = {"applicant": "王某", "employer": "南京某知识产权代理有限公司", "level": "engineer", "education": "bachelor",
            "years": 6, "current_title": "assistant", "year": 2026,
            "achievements": "代理发明专利申请 300 余件，主持专利导航项目 2 项。"}  # fmt: skip
    return {**form, **changes}


def test_engineer_titles_from_intake_to_the_published_results(db, tmp_path: Path) -> None:
    """Eligibility by education and years at intake, evidence required to admit, a committee of three scores
    (one member excluded as the applicant's employer's), results by the pass score, and the registry updated."""
    from ipstrong.matters import service

    data = tmp_path / "data"
    day = dt.date(2026, 9, 1)
    with transaction(db.factory) as s:
        office, admin = _office(s)
        person = talent.add_practitioner(s, SYSTEM, talent.PractitionerIn(
            name="王某", employer="南京某知识产权代理有限公司", region_code="320102", qualification="patent_attorney",
            education="bachelor", years=6, fields=["G06F"], title="assistant"))  # fmt: skip
        for form, field in ((_title_form(years=3), "years"), (_title_form(level="senior", education="college"), "education"),
                            (_title_form(current_title="none"), "current_title"),
                            (_title_form(practitioner_id=person.id + 100), "practitioner_id")):  # fmt: skip
            with pytest.raises(IpsError) as refused:
                service.file_matter(s, admin, "engineer_title", office, form, data, day, today=day)
            assert field in str(refused.value.msg)
        good = service.file_matter(s, admin, "engineer_title", office, _title_form(practitioner_id=person.id), data, day,
                                   today=day).id  # fmt: skip
        weak = service.file_matter(s, admin, "engineer_title", office, _title_form(applicant="李某", level="assistant",
                                   current_title="none", years=1), data, day, today=day).id  # fmt: skip
        with pytest.raises(IpsError, match=r"diploma|学历"):
            service.take_step(s, admin, good, "admit", today=day)
        for mid in (good, weak):
            for kind in ("diploma", "experience", "evidence"):
                service.attach_document(s, admin, mid, kind, f"{kind}.pdf", b"%PDF-1.4\n%%EOF\n", data, max_mb=1)
            service.take_step(s, admin, mid, "admit", today=day)
        members = []
        for n in range(3):
            org = create_organisation(s, SYSTEM, "agency", f"评审单位{n}", "320000").id
            members.append(actor_of(create_user(s, SYSTEM, f"member{n}", PASSWORD, "title_assessor", "320000", "评委",
                                                organisation_id=org)))  # fmt: skip
        own = create_organisation(s, SYSTEM, "agency", "南京某知识产权代理有限公司", "320102").id
        insider = actor_of(create_user(s, SYSTEM, "insider", PASSWORD, "title_assessor", "320000", "评委", organisation_id=own))
    every = lambda v: {c.id: v for c in titles.title_panel().criteria}  # noqa: E731
    with transaction(db.factory) as s:
        assert titles.sheets(s, insider, 2026) == []  # the employer's own member sees nothing to score
        with pytest.raises(PermissionDenied):
            titles.score(s, insider, good, every(90.0))
        with pytest.raises(IpsError, match="0–100"):
            titles.score(s, members[0], good, every(101.0))
        with pytest.raises(PermissionDenied):
            titles.score(s, admin, good, every(80.0))
        sheet = titles.score(s, members[0], good, {"ability": 80, "achievements": 90, "contribution": 70, "writing": 60})
        assert sheet.weighted == (30 * 80 + 40 * 90 + 20 * 70 + 10 * 60) / 100 == 80.0
    with transaction(db.factory) as s, pytest.raises(IpsError, match="fewer than 3 score sheets"):
        titles.publish(s, admin, 2026, day)
    with transaction(db.factory) as s:
        for m, (g, w) in zip(members[1:], ((70.0, 50.0), (75.0, 40.0)), strict=True):
            titles.score(s, m, good, every(g))
            titles.score(s, m, weak, every(w))
        titles.score(s, members[0], weak, every(60.0))
    with db.factory() as s:
        review = titles.review(s, admin, 2026)
        by = {e.matter_id: e for e in review.entries}
        assert by[good].score == 75.0 and by[good].passes  # (80 + 70 + 75) / 3
        assert by[weak].score == 50.0 and by[weak].passes is False
    with transaction(db.factory) as s:
        done = titles.publish(s, admin, 2026, day)
        assert {e.state for e in done.entries} == {"qualified", "not_qualified"} and done.published
    with db.factory() as s:
        [result] = titles.results(s, 2026)
        assert (result.applicant, result.level, result.day) == ("王某", "engineer", day)
        assert talent.practitioners(s, SYSTEM, day)[0].title == "engineer"


def test_a_need_is_matched_by_field_and_record_with_reasons(db, thundersoft: Path) -> None:
    """Practitioners rank by field, record and services; agencies by the patents they represented in the field in
    five years — counted again here from the export for 集佳 in G06F, 2015–2019."""
    header, rows = _export_rows()
    agent, filed, ipc = (header.index(c) for c in ("律师、代理", "申请日", "国际主分类"))
    jijia_g06f = sum(
        1 for r in rows
        if str(r[agent]).split(";")[0].strip().removesuffix("11227") == JIJIA and str(r[ipc]).startswith("G06F")
        and 2015 <= int(str(r[filed])[:4]) <= 2019
    )  # fmt: skip
    today = dt.date(2019, 12, 31)
    with transaction(db.factory) as s:
        people = [("张某", ["G06F"], "patent_attorney", "engineer", 8), ("李某", ["G06"], "lawyer", "none", 2),
                  ("赵某", ["G"], "analyst", "assistant", 3), ("钱某", ["A61K"], "patent_attorney", "senior", 20)]  # fmt: skip
        for name, fields, qualification, title, years in people:
            talent.add_practitioner(s, SYSTEM, talent.PractitionerIn(
                name=name, employer="某机构", region_code="320505", qualification=qualification, education="master",
                years=years, fields=fields, title=title))  # fmt: skip
        ask = needs.NeedIn(carrier="苏州某科技公司", region_code="320506", fields=["G06F"], services=["patent_filing"],
                           text="需要图像处理方向的专利布局")  # fmt: skip
        need = needs.post_need(s, SYSTEM, ask)
        with pytest.raises(IpsError, match="IPC"):
            validated(needs.NeedIn, {"carrier": "x公司", "region_code": "320506", "fields": ["软件"], "text": "随便看看"})
    with db.factory() as s:
        found = needs.match_need(s, SYSTEM, thundersoft, need.id, today)
    ranked = [c.name for c in found.practitioners]
    assert ranked[:3] == ["张某", "李某", "赵某"] and "钱某" not in ranked  # A61K is not the field
    top = found.practitioners[0]
    assert top.parts["field"] == 40 and top.parts["services"] == 15 and top.parts["city"] == 10
    assert any("G06F" in r for r in top.reasons) and any("专利代理师" in r for r in top.reasons)
    assert found.practitioners[2].parts["field"] == 20  # the same section only
    [jijia] = [c for c in found.agencies if c.name == JIJIA]
    assert jijia_g06f > 0 and f"代理申请 {jijia_g06f} 件" in jijia.reasons[0]


def test_the_survey_takes_one_response_per_invitation_and_scores_it_by_hand(db) -> None:
    with transaction(db.factory) as s:
        ent = survey.invite(s, SYSTEM, 2026, "320500", "enterprise", 2).tokens
        pub = survey.invite(s, SYSTEM, 2026, "320500", "public", 2).tokens
        old = survey.invite(s, SYSTEM, 2025, "320500", "enterprise", 2).tokens
        with pytest.raises(Conflict, match="quota"):
            survey.invite(s, SYSTEM, 2026, "320500", "public", 199)
        with pytest.raises(IpsError):
            survey.invite(s, SYSTEM, 2026, "330100", "public", 1)
    ids = survey.questionnaire().question_ids()
    every = lambda v: dict.fromkeys(ids, v)  # noqa: E731
    with transaction(db.factory) as s:
        for token, value in zip((*ent, *pub, *old), (5, 4, 1, 2, 4, 3), strict=True):
            survey.submit(s, token, every(value))
    for token, answers, refusal in (
        (ent[0], every(5), "answered"), ("no-such-invitation", every(5), "not valid"),
        (survey.invite.__name__ * 3, every(5), "not valid"),
    ):  # fmt: skip
        with pytest.raises(IpsError, match=refusal), transaction(db.factory) as s:
            survey.submit(s, token, answers)
    with transaction(db.factory) as s:
        [spare] = survey.invite(s, SYSTEM, 2026, "320100", "agency", 1).tokens
    for answers, refusal in ((every(6), "1–5"), ({**every(3), "law1": True}, "1–5"), ({k: 3 for k in ids[1:]}, "law1"),
                             ({**every(3), "extra": 3}, "extra")):  # fmt: skip
        with pytest.raises(IpsError, match=refusal), transaction(db.factory) as s:
            survey.submit(s, spare, answers)
    with db.factory() as s:
        assert s.query(SurveyResponse).count() == 6
        found = survey.results(s, SYSTEM, 2026, "city")
        by_type = survey.results(s, SYSTEM, 2026, "respondent")
    # by hand: enterprises answered all 5 and all 4 → 100 and 75; the public all 1 and all 2 → 0 and 25. Each type
    # weighs its quota's share (200 : 200), so the index is ½·87.5 + ½·12.5 = 50 (the plain mean would be 50 too, so
    # the 2025 cell checks the weights below); variance ¼·(312.5/2) + ¼·(312.5/2) = 78.125
    suzhou = next(g for g in found.groups if g.code == "320500")
    half = 1.959964 * 78.125**0.5
    assert suzhou.responses == 4 and suzhou.index == 50.0
    assert suzhou.low == pytest.approx(50 - half, abs=0.01) and suzhou.high == pytest.approx(50 + half, abs=0.01)
    assert suzhou.previous == 62.5 and suzhou.change == -12.5 and suzhou.significant is False  # 2025: 75 and 50
    assert all(d.value == 50.0 for d in suzhou.dimensions.values())
    assert found.province.index == 50.0 and next(g for g in found.groups if g.code == "320100").index is None
    ent_row = next(g for g in by_type.groups if g.code == "enterprise")
    assert (ent_row.index, ent_row.previous) == (87.5, 62.5)
    cell = next(q for q in found.quotas if q.city_code == "320500" and q.respondent == "public")
    assert (cell.quota, cell.invited, cell.answered) == (200, 2, 2)
    with db.factory() as s, pytest.raises(IpsError, match="by"):
        survey.results(s, SYSTEM, 2026, "county")


def test_the_stratified_index_weighs_each_respondent_type_by_its_quota(db) -> None:
    """Three enterprises at 100 and one member of the public at 0: the plain mean is 75, the quota-weighted index
    (enterprise 200 : public 200) is 50; with agencies (quota 60) at 50 as well, (200·100 + 200·0 + 60·50) ÷ 460."""
    ids = survey.questionnaire().question_ids()
    with transaction(db.factory) as s:
        cells = [("enterprise", 5, 3), ("public", 1, 1), ("agency", 3, 1)]
        for respondent, value, n in cells:
            for token in survey.invite(s, SYSTEM, 2026, "320200", respondent, n).tokens:
                survey.submit(s, token, dict.fromkeys(ids, value))
    with db.factory() as s:
        wuxi = next(g for g in survey.results(s, SYSTEM, 2026).groups if g.code == "320200")
    assert wuxi.responses == 5 and wuxi.index == round((200 * 100 + 200 * 0 + 60 * 50) / 460, 2)
    assert wuxi.low is None  # one answer from the public gives no variance to build an interval from
    # a year answered on an earlier questionnaire without the effect questions: the other dimensions count
    with transaction(db.factory) as s:
        older = {q: 4 for q in ids if not q.startswith("eff")}
        s.add(SurveyResponse(year=2025, city_code="320200", respondent="enterprise", answers=older,
                             submitted_on=dt.date(2025, 11, 1)))  # fmt: skip
    with db.factory() as s:
        wuxi = next(g for g in survey.results(s, SYSTEM, 2026).groups if g.code == "320200")
        before = next(g for g in survey.results(s, SYSTEM, 2025).groups if g.code == "320200")
    assert wuxi.previous == 75.0 and before.dimensions["effect"].value is None and before.dimensions["law"].value == 75.0


def test_the_network_on_the_web_and_its_json_twins(db, thundersoft: Path) -> None:
    """Staff reach each page from the navigation; a form's refusal is shown; the public directory filters, maps and
    exports without signing in; an invitation's link opens the questionnaire to a stranger, once."""
    import re

    from fastapi.testclient import TestClient
    from python_calamine import CalamineWorkbook

    from conftest import post_login
    from ipstrong.config import Settings
    from ipstrong.web.app import create_app

    cfg = Settings(data_dir=thundersoft, database_url=db.url)
    with transaction(db.factory) as s:
        create_user(s, SYSTEM, "chief", PASSWORD, "province_admin", "320000")
    with TestClient(create_app(cfg), raise_server_exceptions=False) as client:
        assert post_login(client, "chief", PASSWORD).status_code == 303
        home = client.get("/").text
        for link in ("/agencies", "/points", "/talent", "/talent/titles", "/needs", "/survey"):
            assert f'href="{link}"' in home, link
        page = client.get("/agencies?year=2016").text
        assert JIJIA in page and "按代码 0 件，按名称 45 件" in page  # 39 filed and 6 granted in 2016, all by name
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = {"csrf_token": csrf, "name": "常州某专利事务所", "credit_code": "91320400MA00000000", "kind": "patent_agency",
                "region_code": "320400", "agents": "3", "services": ["patent_filing", "search"]}  # fmt: skip
        refused = client.post("/agencies", data=form)
        assert refused.status_code == 400 and "credit_code" in refused.text and "校验位" in refused.text
        form["credit_code"] = code("91320400MA0000000")
        assert client.post("/agencies", data=form, follow_redirects=False).status_code == 303
        activity = client.get("/api/v1/agencies/activity", params={"year": 2016}).json()
        assert {a["name"] for a in activity["agencies"]} >= {JIJIA, "常州某专利事务所"}
        for path in ("/points", "/talent", "/talent/titles", "/needs"):
            assert client.get(path).status_code == 200, path
        posted = client.post("/needs", data={"csrf_token": csrf, "carrier": "常州某公司", "region_code": "320400",
                                             "fields": "G06F", "text": "图像识别专利布局"}, follow_redirects=False)  # fmt: skip
        assert posted.status_code == 303 and 'id="matches"' in client.get(posted.headers["location"]).text
        issued = client.post("/survey/invitations", data={"csrf_token": csrf, "year": "2026", "city_code": "320400",
                                                          "respondent": "enterprise", "count": "1"})  # fmt: skip
        assert issued.status_code == 200
        [link] = re.findall(r'href="(http[^"]+/survey/respond/[^"]+)"', issued.text)
        over = client.post("/survey/invitations", data={"csrf_token": csrf, "year": "2026", "city_code": "320400",
                                                        "respondent": "enterprise", "count": "500"})  # fmt: skip
        assert over.status_code == 409 and "quota" in over.text
        export = client.get("/survey/results.xlsx", params={"year": 2026})
        assert export.status_code == 200 and export.content[:2] == b"PK"
        client.cookies.clear()
        path = "/" + link.split("/", 3)[3]
        assert 'id="survey-response"' in client.get(path).text
        ids = survey.questionnaire().question_ids()
        bad = client.post(path, data={**dict.fromkeys(ids, "4"), "law1": "9"})
        assert bad.status_code == 400 and "law1" in bad.text
        assert 'id="survey-thanks"' in client.post(path, data=dict.fromkeys(ids, "4")).text
        assert client.post(path, data=dict.fromkeys(ids, "4")).status_code == 409
        assert client.get(path).status_code == 409
        public = client.get("/public/agencies", params={"kind": "patent_agency", "city": "320400"}).text
        assert "常州某专利事务所" in public and JIJIA not in public and 'id="chart-agencies"' in public
        assert client.get("/public/agencies", params={"kind": "旅行社"}).status_code == 400
        sheet = client.get("/public/agencies.xlsx", params={"service": "search"})
        with (thundersoft / "dir.xlsx").open("wb") as fh:
            fh.write(sheet.content)
        rows = CalamineWorkbook.from_path(str(thundersoft / "dir.xlsx")).get_sheet_by_index(0).to_python()
        assert [r[0] for r in rows] == ["机构名称 / name", "常州某专利事务所"]
        assert client.get("/api/v1/public/agencies").json()["total"] == 4
        assert client.get("/agencies").status_code in (303, 401, 403) or "login" in client.get("/agencies").url.path
    with db.factory() as s:
        assert s.query(SurveyResponse).count() == 1


def test_complaints_and_credit_records_are_matters_shown_on_the_agency(db, tmp_path: Path) -> None:
    """A complaint or a credit record must name an agency of the directory; an upheld complaint and a published credit
    record in force show on the agency in the public directory, an expired one does not."""
    from ipstrong.matters import service

    data = tmp_path / "data"
    day = dt.date(2026, 3, 2)
    with transaction(db.factory) as s:
        agencies.import_agencies(s, SYSTEM, _file(tmp_path, *ROWS))
        office, admin = _office(s)
        suzhou = code("91320505MA0000003")
        complaint = {"complainant": "某发明人", "contact": "138 0000 0000", "agency": "苏州某某专利事务所",
                     "agency_credit_code": suzhou, "conduct": "negligence",
                     "facts": "代理人未按期答复审查意见，致申请视为撤回。"}  # fmt: skip
        stranger = {**complaint, "agency_credit_code": code("91320505MA0000099")}
        with pytest.raises(IpsError, match="no agency with credit code"):
            service.file_matter(s, admin, "agency_complaint", office, stranger, data, day, today=day)
        mid = service.file_matter(s, admin, "agency_complaint", office, complaint, data, day, today=day).id
        with pytest.raises(IpsError):  # the complaint's own papers first
            service.take_step(s, admin, mid, "investigate", today=day)
        service.attach_document(s, admin, mid, "complaint", "投诉.pdf", b"%PDF-1.4\n%%EOF\n", data, max_mb=1)
        service.take_step(s, admin, mid, "investigate", today=day)
        service.attach_document(s, admin, mid, "findings", "意见.pdf", b"%PDF-1.4\n%%EOF\n", data, max_mb=1)
        service.take_step(s, admin, mid, "uphold", today=day)
        for kind, until in (("warning", dt.date(2027, 3, 1)), ("penalty", dt.date(2025, 1, 1))):
            record = {"agency": "苏州某某专利事务所", "agency_credit_code": suzhou, "kind": kind,
                      "basis": "专利代理条例第二十五条", "valid_until": until.isoformat()}  # fmt: skip
            rid = service.file_matter(s, admin, "agency_credit", office, record, data, day, today=day).id
            service.attach_document(s, admin, rid, "decision", "决定书.pdf", b"%PDF-1.4\n%%EOF\n", data, max_mb=1)
            service.take_step(s, admin, rid, "publish", today=day)
    with db.factory() as s:
        [shown] = agencies.directory(s, agencies.DirectoryQuery(q="苏州某某")).agencies
        others = [a for a in agencies.directory(s, agencies.DirectoryQuery()).agencies if a.credit_code != suzhou]
    assert (shown.complaints_upheld, shown.credit) == (1, ["warning"])  # the penalty's showing ended in 2025
    assert all(a.complaints_upheld == 0 and a.credit == [] for a in others)
