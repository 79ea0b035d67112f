"""Schemathesis against the API's own OpenAPI description: no server errors, answers as documented."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from conftest import SUZHOU_ROW, ingest_export
from ipstrong.accounts.roles import SYSTEM
from ipstrong.accounts.service import actor_of, create_token, create_user
from ipstrong.config import Settings
from ipstrong.db import make_engine, session_factory, transaction, upgrade
from ipstrong.search.index import build
from ipstrong.web.app import create_app
from ipstrong.web.guard import SECURITY_HEADERS

pytestmark = pytest.mark.slow  # schemathesis explores every API operation (about 100 s); `make check` leaves it out

PW = "a long password 1"


def app_and_token(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("schema")
    url = f"sqlite:///{data / 'ops.db'}"
    upgrade(url)
    engine = make_engine(url)
    with transaction(session_factory(engine)) as s:
        admin = create_user(s, SYSTEM, "admin", PW, "province_admin", "320000")
        create_user(s, SYSTEM, "nanjing", PW, "city_official", "320100")
        _token, plain = create_token(s, actor_of(admin), "schemathesis", ["read", "write"])
    engine.dispose()
    ingest_export(data, SUZHOU_ROW)  # figures are computed over a real snapshot
    build(data)  # and searched through its index
    return create_app(Settings(data_dir=data, database_url=url)), plain


def test_api_conforms(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every operation, with generated inputs, as the token's owner (a province administrator)."""
    app, token = app_and_token(tmp_path_factory)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            # any text is a schema-valid query, and most random text is not a query: a 400 with its position is the
            # right answer there, so "schema-valid request rejected" does not apply to search
            # a campaign ending before it starts (a rule across two fields) or over a region code that does not exist
            # (a table, not a pattern) is refused with 400 too
            # a date's range (1900 … 2199 for working days) cannot be said in OpenAPI's format: date
            # an application number in any written form (full-width digits, CN/ZL prefixes) with its check digit is
            # arithmetic, not a pattern: a wrong one is refused with 400, naming the field
            # province staff name the entity whose fees they want (an enterprise's user has its own: who asks decides);
            # a need must say something (blank text) and name a class the IPC has; a tier must be one the rules name
            # the award's rounds are data (a round the rules do not hold is 404); results are published once and
            # while applications wait; only an expert scores, and only an application in review; a centre's name is
            # unique and its region one the table holds; staff name the enterprise whose assessment they want, which
            # must exist, and an assessment names items the checklist holds; a project is funded once, while in review;
            # a valuation needs a patent the warehouse holds; an industry needs an IPC symbol or a keyword; a report
            # needs a saved industry, and an enterprise id exactly when it is an enterprise report; a watch needs a
            # target that reads and a channel that can reach it, and one stops only one's own; staff name the
            # enterprise a warning is of, which must exist
            refusable = (
                "/api/v1/alerts/warnings",
                "/api/v1/public/agencies",
                "/api/v1/agencies",
                "/api/v1/points",
                "/api/v1/points/{point_id}/records",
                "/api/v1/practitioners",
                "/api/v1/practitioners/{practitioner_id}/trainings",
                "/api/v1/titles/sheets",
                "/api/v1/titles/{matter_id}/scores",
                "/api/v1/titles/publish",
                "/api/v1/needs",
                "/api/v1/needs/{need_id}/matches",
                "/api/v1/survey/invitations",
                "/api/v1/survey/responses/{token}",
                "/api/v1/alerts/watches",
                "/api/v1/alerts/info",
                "/api/v1/alerts/experts",
                "/api/v1/alerts/experts/{expert_id}/assignments",
                "/api/v1/alerts/watches/{watch_id}/stop",
                "/api/v1/navigation/reports",
                "/api/v1/cultivation/centres",
                "/api/v1/compliance/gaps",
                "/api/v1/valuation",
                "/api/v1/navigation/industries",
                "/api/v1/pledges/{matter_id}/loan",
                "/api/v1/projects/{matter_id}/funding",
                "/api/v1/projects/{matter_id}/spending",
                "/api/v1/compliance/assessment",
                "/api/v1/awards/ranking",
                "/api/v1/awards/publish",
                "/api/v1/awards/sheets",
                "/api/v1/awards/{matter_id}/scores",
                "/api/v1/public/patent-award",
                "/api/v1/portfolio/fees",
                "/api/v1/match",
                "/api/v1/enterprises/tiers",
                "/api/v1/search",
                "/api/v1/public/search",
                "/api/v1/campaigns",
                "/api/v1/workdays/add",
                "/api/v1/workdays/months",
                "/api/v1/patents/{number}",
            )
            excluded = [positive_data_acceptance] if case.operation.path in refusable else []
            # POST /assess computes the catalogue (a few seconds on a busy machine): a generous read timeout
            response = case.call_and_validate(headers=headers, excluded_checks=excluded, timeout=60)
            present = {name.lower() for name in response.headers}
            missing = [h for h in SECURITY_HEADERS if h.lower() not in present]
            assert not missing, f"{case.operation.path} answered {response.status_code} without {missing}"

        check()
