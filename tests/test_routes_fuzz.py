"""Every route — pages and API alike, found from the application, not listed by hand — answers any value of its path
and query parameters without a server error and with the security headers: ids far beyond the database's integers,
negative offsets, years and dates at the ends of the calendar, long and odd text."""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute, APIRouter
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_api_schema import PW, app_and_token

from conftest import post_login

pytestmark = pytest.mark.slow  # property tests over every route: `make test` runs it, `make check` does not

HEADERS = ("x-content-type-options", "content-security-policy", "x-frame-options")
HUGE = st.sampled_from([0, -1, 2**31, 2**31 - 1, 2**53, 2**63, 10**20, -(10**20)])
INTS = st.one_of(HUGE, st.integers(-10, 5000), st.integers(-(10**25), 10**25)).map(str)
DATES = st.one_of(
    st.sampled_from(["9999-12-31", "0001-01-01", "2024-02-30", "99999-01-01", "1899-12-31"]),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
)
TEXT = st.one_of(st.text(max_size=50), st.text(min_size=2000, max_size=2100), st.sampled_from(["", "%", "'", "\x00"]))


def _routes() -> list[APIRoute]:
    """Every route of the web package's routers, one module per domain, found by walking the package (so a new
    domain is covered as soon as it exists; the app's own few routes — health, docs — take no parameters)."""
    import importlib
    import pkgutil

    import ipstrong.web

    modules = [importlib.import_module(f"ipstrong.web.{m.name}") for m in pkgutil.iter_modules(ipstrong.web.__path__)]
    routers = [m.router for m in modules if isinstance(getattr(m, "router", None), APIRouter)]
    assert len(routers) >= 6  # pages, API, matters (two), patents, search
    return [r for router in routers for r in router.routes if isinstance(r, APIRoute)]


def _params(dependant) -> typing.Iterator:
    yield from dependant.path_params
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from _params(sub)


def _strategy(annotation) -> st.SearchStrategy[str]:
    options = typing.get_args(annotation) if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) else ()
    kinds = {a for a in (options or (annotation,)) if a is not type(None)}
    if int in kinds:
        return INTS
    if dt.date in kinds:
        return DATES
    if any(isinstance(k, type) and issubclass(k, enum.Enum) for k in kinds):
        enum_type = next(k for k in kinds if isinstance(k, type) and issubclass(k, enum.Enum))
        return st.one_of(st.sampled_from([m.value for m in enum_type]), TEXT)
    return st.one_of(INTS, DATES, TEXT)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    """The platform of the API schema test (a snapshot, its index, an administrator), signed in by cookie."""
    app, _token = app_and_token(tmp_path_factory)
    with TestClient(app, raise_server_exceptions=False) as c:
        assert post_login(c, "admin", PW).status_code == 303
        page = c.get("/account/password").text
        c.headers["X-CSRF-Token"] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        yield c


def _cases() -> list[tuple[str, str, dict]]:
    cases = []
    for route in _routes():
        params = {p.name: p for p in _params(route.dependant)}
        for method in sorted(route.methods - {"HEAD"}):
            if params and (method == "GET" or any(p in route.path for p in params)):
                cases.append((method, route.path, params))
    return cases


def test_the_cases_cover_the_routes_that_broke(client: TestClient) -> None:
    paths = {(m, p) for m, p, _params in _cases()}
    for expected in [("GET", "/api/v1/workdays/add"), ("GET", "/indicators"), ("GET", "/matters/{matter_id}"),
                     ("POST", "/matters/{matter_id}/step"), ("GET", "/search"), ("GET", "/entities"),
                     ("GET", "/patents/{number}"), ("GET", "/api/v1/patents/{number}")]:  # fmt: skip
        assert expected in paths


@pytest.mark.parametrize("method,path", [(m, p) for m, p, _ in _cases()])
def test_any_parameter_value_answers_without_a_server_error(client: TestClient, method: str, path: str) -> None:
    params = next(p for m, route_path, p in _cases() if (m, route_path) == (method, path))
    in_path = {n for n in params if "{" + n + "}" in path}
    values = st.fixed_dictionaries(
        {n: _strategy(p.field_info.annotation) for n, p in params.items() if n in in_path},
        optional={n: _strategy(p.field_info.annotation) for n, p in params.items() if n not in in_path},
    )

    @given(values=values)
    @settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def check(values: dict[str, str]) -> None:
        url = path
        for name in in_path:
            url = url.replace("{" + name + "}", quote(values[name], safe="") or "x")
        query = {k: v for k, v in values.items() if k not in in_path}
        response = client.request(method, url, params=query, follow_redirects=False)
        assert response.status_code < 500, (method, url, query, response.text[:300])
        assert all(h in response.headers for h in HEADERS), (method, url, response.status_code)

    check()
