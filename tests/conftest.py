"""Shared fixtures: temporary data directories, a small generated data set, the shared real data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from db_fixtures import db  # noqa: F401 - the operational-database fixture, on SQLite and PostgreSQL

from ipstrong.synth.generator import SynthConfig, generate

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).parent / "fixtures"

# rows of a small CNIPA-style export that the web, API and browser tests ingest
EXPORT_HEADER = "申请号,申请日,授权公告日,名称,申请（专利权）人,地址,专利类型"
SUZHOU_ROW = "201710601862.3,2017-07-21,2019-01-02,一种锂电池,苏州某某科技有限公司,江苏省苏州市吴中区星湖街1号,发明"
NANJING_ROW = "201810000004.8,2018-01-01,2020-01-01,一种电极,南京某某有限公司,江苏省南京市鼓楼区汉口路22号,发明"


def ingest_export(data: Path, *rows: str, status_date: str = "2024-12-31", database_url: str | None = None) -> Path:
    """Write the rows as an export beside ``data`` and ingest it (legal status as of ``status_date``), resolving its
    applicants into the entity store of ``database_url`` (the data directory's own database by default); return
    ``data``."""
    import datetime as dt

    from ipstrong.ingest import ingest
    from ipstrong.ingest.follow import follow_ingest

    data.mkdir(parents=True, exist_ok=True)
    export = data / "export.csv"
    export.write_text("\n".join((EXPORT_HEADER, *rows)) + "\n", encoding="utf-8")
    report = ingest([export], data, status_date=dt.date.fromisoformat(status_date), database_url=database_url)
    follow_ingest(report, data, database_url)  # as the platform does
    return data


def post_login(client, username: str, password: str, next: str = "/"):
    """Sign in as a person does: open the sign-in page (its form carries the login token), then submit it."""
    import re

    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text).group(1)
    form = {"username": username, "password": password, "next": next, "login_token": token}
    return client.post("/login", data=form, follow_redirects=False)


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data; skip when it is absent, except in CI where it must be there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing in CI")
        pytest.skip(f"{path} not present (shared data sets live beside the checkout)")
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture(scope="session")
def synth_dirty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 patents with 5 % spoiled rows and some duplicates, plus events and trademarks."""
    out = tmp_path_factory.mktemp("synth_dirty")
    generate(SynthConfig(patents=3000, seed=11, broken_share=0.05, chunk_size=1000), out)
    return out


@pytest.fixture(scope="session")
def synth_clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth_clean")
    generate(SynthConfig(patents=2000, seed=5, broken_share=0.0), out)
    return out


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db", default="both", choices=("both", "sqlite", "postgresql"), help="which operational database the db tests run on"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Spark tests start a JVM: they are slow too (``make check`` leaves them to ``make test``)."""
    for item in items:
        if item.get_closest_marker("spark"):
            item.add_marker(pytest.mark.slow)


# two Suzhou patents pledged together and a Nanjing one, in 2024, and the Nanjing one a year before
PLEDGED_PATENTS = (
    "申请号,申请日,授权公告日,名称,申请（专利权）人,地址,专利类型,主分类号,分类号\n"
    "202310000011.9,2023-01-05,2023-12-01,一种锂电池,苏州甲科技有限公司,江苏省苏州市吴中区星湖街1号,发明,H01M10/0525,H01M10/0525\n"
    "202310000022.7,2023-01-06,2023-12-02,一种电极,苏州甲科技有限公司,江苏省苏州市吴中区星湖街1号,发明,H01M4/583,H01M4/583\n"
    "202310000033.5,2023-01-07,2023-06-01,一种织物,南京乙有限公司,江苏省南京市鼓楼区汉口路22号,发明,D03D15/00,D03D15/00\n"
)
PLEDGE_EVENTS = (
    "申请号,事件类型,事件日期,转出方,转入方,金额（万元）\n"
    "202310000011.9,质押,2024-03-01,苏州甲科技有限公司,苏州银行,800\n"
    "202310000022.7,质押,2024-03-01,苏州甲科技有限公司,苏州银行,400\n"
    "202310000033.5,质押,2024-08-01,南京乙有限公司,南京银行,300\n"
    "202310000033.5,质押,2023-09-01,南京乙有限公司,南京银行,900\n"
)


def ingest_pledges(data: Path, database_url: str | None = None) -> None:
    """Ingest ``PLEDGED_PATENTS`` and then ``PLEDGE_EVENTS`` into ``data`` (status date 2024-12-31), with the
    applicant entities stamped."""
    import datetime as dt

    from ipstrong.ingest import ingest

    folder = data.parent / "pledge-files"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "patents.csv").write_text(PLEDGED_PATENTS, encoding="utf-8")
    (folder / "events.csv").write_text(PLEDGE_EVENTS, encoding="utf-8")
    from ipstrong.ingest.pipeline import apply_entities

    for name in ("patents.csv", "events.csv"):
        ingest([folder / name], data, status_date=dt.date(2024, 12, 31), database_url=database_url)
    apply_entities(data, database_url)  # each firm's applicant entity on its patents


AWARD_DAY = "2025-07-01"
PASSWORD = "a long password 1"  # the tests' users' password


def award_in_review(data: Path, factory, database_url: str, experts: int = 1) -> int:
    """A Jiangsu Patent Award application of the Suzhou firm's invention (``SUZHOU_ROW``, already ingested into
    ``data``) admitted to review at the province's office (whose administrator is ``award_admin``), and ``experts``
    experts of other organisations (``expert0`` …) to score it; the application's matter id."""
    import datetime as dt

    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import actor_of, create_organisation, create_user
    from ipstrong.db import transaction
    from ipstrong.ingest.pipeline import apply_entities
    from ipstrong.matters import service

    apply_entities(data, database_url)
    day = dt.date.fromisoformat(AWARD_DAY)
    with transaction(factory) as s:
        office = create_organisation(s, SYSTEM, "office", "江苏省知识产权局", "320000").id
        staff = actor_of(
            create_user(s, SYSTEM, "award_admin", PASSWORD, "province_admin", "320000", "省局", organisation_id=office)
        )
        form = {"applicant": "苏州某某科技有限公司", "cycle": 2, "category": "patent", "patents": [SUZHOU_ROW.split(",")[0]],
                "summary": "锂电池的电极结构，已在三家企业实施。"}  # fmt: skip
        mid = service.file_matter(s, staff, "patent_award", office, form, data, day, today=day).id
        service.attach_document(s, staff, mid, "application", "申报书.pdf", b"%PDF-1.4\n%%EOF\n", data, max_mb=1)
        service.take_step(s, staff, mid, "admit", on=day, today=day)
        for n in range(experts):
            agency = create_organisation(s, SYSTEM, "agency", f"江苏第{n}专利代理事务所", "320000").id
            create_user(s, SYSTEM, f"expert{n}", PASSWORD, "award_expert", "320000", "评审专家", organisation_id=agency)
    return mid
