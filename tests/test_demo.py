"""`make demo`: generated data ingested, the deliberate errors explained, accounts whose pages have something in
them (the enterprise's user has a portfolio)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # generates and ingests a data set: `make test` runs it, `make check` does not


def test_the_demo_gives_each_role_something_to_work_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import select

    from ipstrong.accounts.models import User
    from ipstrong.accounts.service import actor_of
    from ipstrong.config import settings
    from ipstrong.db import make_engine, session_factory
    from ipstrong.demo import DEMO_ACCOUNTS, run_demo
    from ipstrong.matters.service import list_matters
    from ipstrong.registry.home import enterprise_home

    data = tmp_path / "data"
    run_demo(data, 1500, 7)
    printed = "".join(capsys.readouterr().out.split())  # the tables wrap to the terminal's width
    assert "故意写错的行" in printed and "校验位错误" in printed  # the broken rows, explained
    engine = make_engine(settings(data).resolved_database_url(), home=data)
    try:
        with session_factory(engine)() as s:
            users = {u.username: actor_of(u) for u in s.scalars(select(User))}
            assert set(users) == {a[0] for a in DEMO_ACCOUNTS}
            home = enterprise_home(s, users["enterprise"], data)
            assert home.entity_id is not None and sum(h.patents for h in home.holdings) >= 5 and home.matters
            assert home.organisation == home.entity_name  # a real applicant of the generated data
            assert len(list_matters(s, users["officer"])) >= 2
            # the service network: agencies with activity to show, the network's points and a survey of two years
            from ipstrong.clock import today_shanghai
            from ipstrong.network import agencies, points, survey

            year = today_shanghai().year
            figures = agencies.activity(s, users["admin"], data, 2020).agencies
            assert len(figures) == 10 and sum(a.filings for a in figures) > 0
            assert points.coverage(s, users["admin"], today_shanghai()).points == 2
            found = survey.results(s, users["admin"], year)
            suzhou = next(g for g in found.groups if g.code == "320500")
            assert suzhou.responses == 20 and suzhou.previous is not None and suzhou.low is not None
            # a refused application ends with its dated refusal, on its page as on any other
            from ipstrong.search.patents import patent
            from ipstrong.warehouse import run_sql

            refused = run_sql(
                data,
                "SELECT p.app_no, p.app_date, e.event_date FROM patents p JOIN events e USING (app_no) "
                "WHERE p.legal_status = 'rejected' AND e.event_type = 'rejection' LIMIT 1",
            ).to_pylist()[0]
            assert refused["app_date"] < refused["event_date"]
            undated = run_sql(
                data,
                "SELECT count(*) AS n FROM patents p WHERE legal_status IN ('rejected', 'withdrawn') AND NOT EXISTS "
                "(SELECT 1 FROM events e WHERE e.app_no = p.app_no AND e.event_type IN ('rejection', 'withdrawal'))",
            ).to_pylist()[0]["n"]
            assert undated == 0  # every refusal and withdrawal has its date
            timeline = patent(users["admin"], refused["app_no"], data).timeline
            assert ("rejection", "驳回", refused["event_date"]) in [(e.event, e.event_zh, e.date) for e in timeline]
    finally:
        engine.dispose()
