"""Browser tests: Debian's chromium driven by Playwright against a real server on 127.0.0.1.

They skip with a reason when chromium is absent, except under CI=true, where .ci/run installs it and they must run.
No tool here downloads a browser.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from conftest import SUZHOU_ROW, award_in_review, ingest_export
from ipstrong.accounts.roles import SYSTEM
from ipstrong.accounts.service import create_organisation, create_user
from ipstrong.config import Settings
from ipstrong.db import make_engine, session_factory, transaction, upgrade
from ipstrong.search.index import build as build_index
from ipstrong.web.app import create_app

pytestmark = pytest.mark.slow  # a real Chromium clicks through the pages: `make test` runs it, `make check` does not

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PW = "a long password 1"

if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is missing in CI (.ci/run installs it)", pytrace=False)
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser-data")
    url = f"sqlite:///{data / 'ops.db'}"
    upgrade(url)
    engine = make_engine(url)
    with transaction(session_factory(engine)) as s:
        create_user(s, SYSTEM, "suzhou", PW, "city_official", "320500", "苏州市局")
        create_user(s, SYSTEM, "ent", PW, "enterprise_user", "320505", "企业用户甲")
        create_user(s, SYSTEM, "guessed", PW, "enterprise_user", "320505", "被猜密码的用户")  # the throttling test's
        create_user(s, SYSTEM, "admin", PW, "province_admin", "320000", "省局管理员")
        office = create_organisation(s, SYSTEM, "office", "苏州市知识产权局", "320500").id
        create_user(s, SYSTEM, "officer", PW, "case_officer", "320500", "承办人", organisation_id=office)
        firm = create_organisation(s, SYSTEM, "enterprise", "苏州某某科技有限公司", "320506", "91320506MA1XXXXX09").id
        create_user(s, SYSTEM, "owner", PW, "enterprise_user", "320506", "知识产权经理", organisation_id=firm)
        create_user(s, SYSTEM, "officer2", PW, "case_officer", "320500", "承办人乙", organisation_id=office)
    engine.dispose()
    ingest_export(data, SUZHOU_ROW, database_url=url)
    build_index(data)
    engine = make_engine(url)
    award_in_review(data, session_factory(engine), url)
    _kept_navigation_report(data, session_factory(engine))
    engine.dispose()
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(Settings(data_dir=data, database_url=url)), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _kept_navigation_report(data: Path, factory) -> None:
    """A saved industry (lithium batteries) and one report kept of it, for the viewer."""
    from ipstrong.navigation.industry import Industry
    from ipstrong.navigation.library import make_report, save_industry

    with transaction(factory) as s:
        saved = save_industry(s, SYSTEM, Industry(name="锂电池", ipc=["H01M"], keywords=["锂电池"]))
        make_report(s, SYSTEM, data, saved.id, "320000")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server: str) -> Iterator[object]:
    context = browser.new_context(base_url=server)
    pg = context.new_page()
    pg.outside: list[str] = []
    pg.on("request", lambda r: None if r.url.startswith(server) or r.url.startswith("data:") else pg.outside.append(r.url))
    yield pg
    context.close()


def sign_in(page, username: str) -> None:
    page.goto("/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PW)
    page.click("#sign-in")
    page.wait_for_selector("#role")


def test_sign_in_and_role_navigation(page) -> None:
    sign_in(page, "suzhou")
    assert page.inner_text("#role") == "市级工作人员"
    assert page.locator("nav a[href='/admin/users']").count() == 1
    page.click("nav a[href='/admin/users']")
    page.wait_for_selector("#users")
    assert "suzhou" in page.inner_text("#users") and page.outside == []


def test_language_switch(page) -> None:
    sign_in(page, "suzhou")
    page.click("#lang-switch")
    page.wait_for_selector("text=city official")
    assert page.inner_text("#sign-out") == "Sign out"
    page.click("#lang-switch")
    page.wait_for_selector("text=市级工作人员")


def test_permission_refusal(page) -> None:
    sign_in(page, "ent")
    assert page.locator("nav a[href='/admin/users']").count() == 0
    response = page.goto("/admin/users")
    assert response.status == 403 and "无权" in page.inner_text("#error-title")


def test_api_docs_load_from_this_server(page) -> None:
    page.goto("/docs")
    page.get_by_text("/api/v1/users/{user_id}", exact=True).first.wait_for(timeout=15000)
    assert page.outside == []


def test_dashboard_map_series_and_click_through(page) -> None:
    problems = _watch_console(page)
    sign_in(page, "admin")
    page.click("nav a[href='/indicators']")  # htmx swaps the page in: its scripts run as they arrive
    page.wait_for_selector("#map[data-ready=true] canvas")
    page.wait_for_selector("#series[data-ready=true] canvas")
    drawn = page.evaluate(
        "() => ['map', 'series'].map(id => { const n = document.getElementById(id); "
        "return [n.clientWidth, n.querySelector('canvas').getBoundingClientRect().width]; })"
    )
    assert all(abs(box - canvas) <= 2 for box, canvas in drawn), drawn  # each chart fills its box
    page.select_option("select[name=indicator]", "effective_inventions")
    page.fill("input[name=year]", "2021")
    page.click("form[action='/indicators'] button[type=submit]")
    page.wait_for_function("() => document.querySelector('#dashboard-title').innerText.includes('2021-12-31')")
    page.wait_for_selector("#map[data-ready=true] canvas")
    page.wait_for_selector("#series[data-ready=true] canvas")
    assert "苏州市" in page.inner_text("#figures")
    page.click("#headline a.card >> nth=0")  # the province's effective inventions → the patents behind them
    page.wait_for_selector("#patents")
    assert "201710601862.3" in page.inner_text("#patents") and page.outside == [] and problems == []


def test_dashboard_opens_a_city_on_its_county_map_with_its_zones(page) -> None:
    """Province staff open a city from the ranking: its counties on the city's own map (today's names on older
    shapes), its development zones as marks and in a table, and a way back to the province."""
    problems = _watch_console(page)
    sign_in(page, "admin")
    _click_nav(page, "/indicators")
    page.select_option("select[name=indicator]", "effective_inventions")  # a count: counties have no population here
    page.click("form[action='/indicators'] button[type=submit]")
    page.wait_for_function("() => location.search.includes('effective_inventions')", polling=100)
    page.wait_for_selector("#map[data-ready=true] canvas")
    page.click("#figures a:text-is('苏州市')")
    page.wait_for_function("() => document.querySelector('#dashboard-title').innerText.startsWith('苏州市')", polling=100)
    page.wait_for_selector("#map[data-ready=true] canvas")
    drawn = page.evaluate(
        "() => { const o = echarts.getInstanceByDom(document.getElementById('map')).getOption(); "
        "return [o.geo[0].map, o.series[0].data.filter(d => d.value !== null).map(d => d.name), "
        "o.series[1].data.map(d => d.name)]; }"
    )
    assert drawn[0] == "苏州" and "吴中区" in drawn[1] and "苏州工业园区" in drawn[2], drawn
    assert "苏州工业园区" in page.inner_text("#zones") and "吴中区" in page.inner_text("#figures")
    for link, kind in (("#briefing-pdf", ".pdf"), ("#briefing", ".xlsx")):  # the briefing of what is on screen
        with page.expect_download() as download:
            page.click(link)
        assert download.value.suggested_filename.endswith(f"-320500-{page.url.split('year=')[1][:4]}{kind}")
    page.click("#up-level")
    page.wait_for_function("() => document.querySelector('#dashboard-title').innerText.startsWith('江苏省')", polling=100)
    assert page.outside == [] and problems == []


def test_a_city_official_sees_the_county_map_and_may_not_open_another_city(page) -> None:
    problems = _watch_console(page)
    sign_in(page, "suzhou")
    _click_nav(page, "/indicators")
    page.select_option("select[name=indicator]", "effective_inventions")
    page.click("form[action='/indicators'] button[type=submit]")
    page.wait_for_function("() => location.search.includes('effective_inventions')", polling=100)
    page.wait_for_selector("#map[data-ready=true] canvas")
    assert page.locator("#up-level").count() == 0 and page.locator("#figures a:text-is('吴中区')").count() == 0
    response = page.request.get("/api/v1/indicators/dashboard?region=320100")
    assert response.status == 403 and "320100" in response.json()["error"]["en"]
    assert problems == []


def test_a_later_click_wins_over_a_slow_page(page) -> None:
    """A person clicks 指标, and before its answer comes clicks 检索: the search page stays, and the dashboard's late
    answer does not replace it (htmx's request synchronisation aborts the one still in flight)."""
    problems = _watch_console(page)
    sign_in(page, "admin")
    held: list = []
    dashboard = re.compile(r".*/indicators(\?.*)?$")
    page.route(dashboard, lambda route: held.append(route))  # the dashboard's answer is held back until released below
    page.click("header nav a[href='/indicators']")
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert held, "the dashboard was never asked for"
    _click_nav(page, "/search")
    page.unroute(dashboard)
    for route in held:
        with contextlib.suppress(Exception):  # a request the browser has given up may not be continued
            route.continue_()
    page.wait_for_timeout(1500)  # long enough for a released answer to arrive and be swapped in
    assert page.evaluate("location.pathname") == "/search" and page.locator("#search-form").count() == 1
    assert page.locator("#dashboard-title").count() == 0 and problems == []


def test_search_field_picker_adds_a_clause(page) -> None:
    sign_in(page, "suzhou")
    page.click("nav a[href='/search']")  # htmx swaps the page in: its script runs after the document has loaded
    box = page.locator("#search-form input[name=q]")
    box.fill("TI=电池")
    page.select_option("#field-picker", "AD=2020-01-01..2021-12-31")
    assert box.input_value() == "TI=电池 AND AD=2020-01-01..2021-12-31"
    page.keyboard.type("2022-01-01")  # the example's value was selected: typing replaces it
    assert box.input_value() == "TI=电池 AND AD=2022-01-01"
    page.click("#syntax summary")
    assert "SEI=人工智能" in page.inner_text("#syntax") and page.outside == []


def test_a_matter_filed_documented_and_accepted_in_the_browser(page, tmp_path: Path) -> None:
    sign_in(page, "officer")
    _open_filing_form(page)
    for name, value in (("subject", "甲公司诉乙公司侵犯发明专利权纠纷"), ("requester", "甲公司"), ("respondent", "乙公司"),
                        ("claims", "停止侵权")):  # fmt: skip
        page.fill(f"[name={name}]", value)
    page.fill("textarea[name=patents]", "201410123456.7\nUS12134151")
    page.click("#matter-form button")
    page.wait_for_selector("#matter-number")
    assert page.inner_text("#matter-number").startswith("CJ-320500-")
    assert _visible_words_ok(page) == []  # parties and form values in words, not stored keys
    assert page.locator("button[data-step=accept]").is_disabled()
    pdf = tmp_path / "证据.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    for done, kind in enumerate(("request", "patent_certificate", "identity"), start=1):
        page.select_option("#matter-upload select[name=kind]", kind)
        page.set_input_files("#matter-upload input[type=file]", str(pdf))
        page.click("#matter-upload button")
        page.wait_for_function("n => document.querySelectorAll('#matter-documents tr').length >= n", arg=done)
    page.click("button[data-step=accept]")
    page.wait_for_function("() => document.querySelector('#matter-state').innerText.includes('已立案')")
    assert "已立案" in page.inner_text("#matter-state") and page.locator("#matter-documents tr").count() == 3
    assert page.outside == []


def _click_nav(page, href: str) -> None:
    """Click a navigation entry and wait for the page htmx swaps in (the old ``main`` gone, the address pushed),
    polling on a timer rather than animation frames, which a busy machine's headless browser may hold back."""
    page.evaluate("() => document.querySelector('main') && document.querySelector('main').setAttribute('data-old', 'yes')")
    page.click(f"header nav a[href='{href}']")
    page.wait_for_selector("main:not([data-old])")
    page.wait_for_function("h => location.pathname === h", arg=href, polling=100)


def _watch_console(page) -> list[str]:
    """Console errors and page errors, CSP violations, and responses of 404 (a refused form's own 4xx is the answer,
    not a fault: Chromium's "Failed to load resource" line for it is left out, the statuses are checked here)."""
    problems: list[str] = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective"
        " + ' ' + e.blockedURI))"
    )

    def console(m) -> None:
        if m.type == "error" and "Failed to load resource" not in m.text:
            problems.append(f"{page.url}: {m.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status == 404 else None)
    return problems


def test_a_refused_filing_is_shown_on_the_page(page) -> None:
    """A boosted form the server refuses (400) shows the refusal: htmx would otherwise leave the page unchanged."""
    problems = _watch_console(page)
    sign_in(page, "officer")
    _open_filing_form(page)
    for name, value in (("subject", "甲公司诉乙公司侵犯发明专利权纠纷"), ("requester", "甲公司"), ("respondent", "乙公司"),
                        ("claims", "停止侵权"), ("requester_credit_code", "91320500ABCDEFGH12")):  # fmt: skip
        page.fill(f"[name={name}]", value)
    page.fill("textarea[name=patents]", "201410123456.7")
    with page.expect_response(lambda r: r.url.endswith("/matters/new") and r.request.method == "POST") as answer:
        page.click("#matter-form button")
    assert answer.value.status == 400
    page.wait_for_selector("#matter-error")
    assert "requester_credit_code" in page.inner_text("#matter-error") or "信用代码" in page.inner_text("#matter-error")
    assert problems == [] and page.outside == []


def test_assessment_with_the_indicator_parameters_and_its_refusal(page, tmp_path: Path) -> None:
    """From the navigation: the assessment form offers the parameters of indicators compute; a targets file the
    server refuses shows why on the page."""
    problems = _watch_console(page)
    sign_in(page, "suzhou")
    page.click("nav a[href='/assess']")
    page.wait_for_selector("#param-population_year")
    assert page.input_value("#param-population_year") == "previous"
    targets = tmp_path / "targets.csv"
    targets.write_text(
        "region_code,indicator,year,target,direction\n320500,effective_inventions,2021,2,higher\n", encoding="utf-8"
    )
    page.fill("input[name=year]", "2021")
    page.set_input_files("input[name=targets]", str(targets))
    page.select_option("#param-population_year", "same")
    page.click("form[action='/assess'] button[type=submit]")
    page.wait_for_selector("#assessment")
    assert "苏州市" in page.inner_text("#assessment") and page.input_value("#param-population_year") == "same"
    page.click("nav a[href='/assess']")
    page.wait_for_selector("#assessment", state="detached")  # the fresh form has replaced the table (htmx navigation)
    bad = tmp_path / "bad.csv"
    bad.write_text("region_code,indicator,year,target,direction\n320500,effective_inventions,2021,2,up\n", encoding="utf-8")
    page.fill("input[name=year]", "2021")
    page.set_input_files("input[name=targets]", str(bad))
    page.click("form[action='/assess'] button[type=submit]")
    page.wait_for_selector("#error-title")
    assert "direction" in page.content() and problems == [] and page.outside == []


def test_a_forged_or_throttled_sign_in_is_told_on_the_page(page) -> None:
    problems = _watch_console(page)
    page.goto("/")
    for _ in range(5):  # the server's default: five failures from one address lock that address out of the account
        page.fill("input[name=username]", "guessed")
        page.fill("input[name=password]", "wrong password")
        page.click("#sign-in")
        page.wait_for_selector("p.error")
    assert "wrong username or password" in page.inner_text("p.error")
    page.fill("input[name=username]", "guessed")
    page.fill("input[name=password]", PW)
    page.click("#sign-in")
    page.wait_for_selector("p.error")
    assert "try again in" in page.inner_text("p.error") and problems == []


# stored identifiers, and what a template prints for a missing or boolean value: none of these is a word for people
INTERNAL_WORDS = re.compile(
    r"\b(?:in_force|utility_model|relevance|None|False|True|null|undefined|NaN|done|queued|exact)\b|\b(?:requester|respondent)[:：]"
)


def _visible_words_ok(page) -> list[str]:
    """The internal words in the page's text (each text node apart; code samples, scripts and what a person typed
    left out)."""
    text = page.evaluate(
        """() => {
          const skip = 'code, pre, textarea, script, style, #syntax, #field-picker';
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          const parts = [];
          for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement.closest(skip)) parts.push(n.data);
          return parts.join(' | ');
        }"""
    )
    return sorted(set(INTERNAL_WORDS.findall(text)))


@pytest.mark.parametrize("username", ["admin", "suzhou", "officer", "ent", "expert0"])
def test_every_page_in_the_navigation_opens_clean(page, username: str) -> None:
    """Each role clicks through every entry of its navigation: no console error, CSP violation or missing resource
    on any page, and no stored identifier or template placeholder shown to people."""
    problems = _watch_console(page)
    sign_in(page, username)
    entries = page.eval_on_selector_all("header nav a", "links => links.map(a => a.getAttribute('href'))")
    assert len(entries) >= 6
    for href in entries:
        if href == "/docs":
            continue  # the API docs are the vendored Swagger UI (test_api_docs_load_from_this_server)
        _click_nav(page, href)
        page.wait_for_load_state("networkidle")
        shown = _visible_words_ok(page)
        assert shown == [], f"{username} {href}: {shown}"
    assert problems == [] and page.outside == []


def test_a_search_from_the_navigation_to_the_patent_page_in_words(page) -> None:
    """Search as a person does, refine by a facet, open the patent: statuses, types and orders in words."""
    problems = _watch_console(page)
    sign_in(page, "suzhou")
    page.click("nav a[href='/search']")
    page.fill("#search-form input[name=q]", "TI=锂电池")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#hits li")
    assert "201710601862.3" in page.inner_text("#hits") and _visible_words_ok(page) == []
    page.wait_for_selector("#chart-year[data-ready=true] canvas")  # the analysis of the hits, drawn
    page.wait_for_selector("#chart-city[data-ready=true] canvas")
    _click_nav(page, "/indicators")
    _click_nav(page, "/search")  # the query is remembered in this browser, one click to run again
    page.click("#search-history a >> text=TI=锂电池")
    page.wait_for_selector("#hits li")
    page.click("#search-history button")
    assert page.locator("#search-history").is_hidden()
    page.click("#hits li a >> nth=0")
    page.wait_for_selector("#biblio")
    assert "发明" in page.inner_text("#biblio") and _visible_words_ok(page) == []
    assert problems == [] and page.outside == []


def test_the_working_day_calculator_with_one_field_left_empty_and_with_both(page) -> None:
    """The calculator's form sends its empty field too: one number is enough; none at all is refused, visibly."""
    problems = _watch_console(page)
    sign_in(page, "officer")
    page.click("nav a[href='/calendar']")
    form = "form[action='/calendar'][method=get]"
    page.fill(f"{form} input[name=start]", "2024-09-30")
    page.fill(f"{form} input[name=n]", "1")
    page.click(f"{form} button")
    page.wait_for_selector("#calendar-result")
    assert "2024-10-08" in page.inner_text("#calendar-result")  # over the National Day week
    page.fill(f"{form} input[name=n]", "")
    with page.expect_response(lambda r: "/calendar?" in r.url) as answer:
        page.click(f"{form} button")
    assert answer.value.status == 400
    page.wait_for_selector("#error-title")
    assert "工作日数或月数" in page.inner_text("main") and page.locator("header nav a").count() > 3
    assert problems == [] and page.outside == []


def _open_filing_form(page, via: tuple[str, ...] = ("nav a[href='/matters']", "#matter-new")) -> None:
    """Through the links ``via`` (from the navigation by default) to the adjudication request's form, as a person
    does (a button opens it: the page's CSP blocks inline handlers)."""
    for link in via:
        page.click(link)
    page.select_option("#matter-type select[name=type]", "adjudication")
    page.click("#matter-open")
    page.wait_for_selector("#matter-form")


def _file_adjudication(page, subject: str) -> str:
    """File an adjudication request from the navigation; the matter's number."""
    _open_filing_form(page)
    for name, value in (("subject", subject), ("requester", "甲公司"), ("respondent", "乙公司"), ("claims", "停止侵权")):
        page.fill(f"[name={name}]", value)
    page.fill("textarea[name=patents]", "201410123456.7")
    page.click("#matter-form button")
    page.wait_for_selector("#matter-number")
    return page.inner_text("#matter-number")


def test_two_officers_acting_at_once_the_second_is_told(browser, server: str) -> None:
    """Both open the same matter; the first refuses it (不予受理), the second, on the page as it was, withdraws it:
    the server answers 409 and the second officer sees why, with the matter as it now stands one click away."""
    first, second = (browser.new_context(base_url=server).new_page() for _ in range(2))
    watched = [_watch_console(first), _watch_console(second)]
    sign_in(first, "officer")
    number = _file_adjudication(first, "丙公司诉丁公司侵犯发明专利权纠纷")
    sign_in(second, "officer2")
    second.click("nav a[href='/matters']")
    second.click(f"text={number}")
    second.wait_for_selector("button[data-step=withdraw]")
    first.click("button[data-step=refuse]")
    first.wait_for_function("() => document.querySelector('#matter-state').innerText.includes('不予受理')")
    with second.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/step")) as answer:
        second.click("button[data-step=withdraw]")
    assert answer.value.status == 409
    second.wait_for_selector("#matter-error")
    assert "不予受理" in second.inner_text("#matter-state")  # the page now shows the matter as the first officer left it
    assert second.inner_text("#matter-error").strip() != "" and watched == [[], []]
    for p in (first, second):
        p.context.close()


def test_an_enterprise_starts_at_its_own_patents_and_files_with_its_name_filled_in(page) -> None:
    problems = _watch_console(page)
    sign_in(page, "owner")
    assert "有效" in page.inner_text("#holdings") and "201710601862.3" in page.inner_text("#latest")
    _open_filing_form(page, via=("#home-matter-new",))
    assert page.input_value("[name=requester]") == "苏州某某科技有限公司"
    assert page.input_value("[name=requester_credit_code]") == "91320506MA1XXXXX09"
    assert _visible_words_ok(page) == [] and problems == [] and page.outside == []


def test_an_enterprise_looks_up_its_annual_fees_for_a_year(page) -> None:
    """From the navigation to the portfolio page, a year chosen and a reduction: the Suzhou invention (filed
    2017-07-21) owes its fifth year's 1,200 yuan on 2021-07-21, 180 after an 85 % reduction."""
    problems = _watch_console(page)
    sign_in(page, "owner")
    _click_nav(page, "/portfolio")
    page.fill("#portfolio-form input[name=year]", "2021")
    page.select_option("#portfolio-form select[name=reduction]", "85")
    page.click("#portfolio-form button[type=submit]")
    page.wait_for_function("() => location.search.includes('year=2021')", polling=100)
    row = page.inner_text("#fees tbody tr")
    assert "201710601862.3" in row and "2021-07-21" in row and "180" in row
    assert _visible_words_ok(page) == [] and problems == [] and page.outside == []


def test_an_enterprise_finds_a_patent_for_its_need_and_a_bad_class_is_refused(page) -> None:
    problems = _watch_console(page)
    sign_in(page, "owner")
    _click_nav(page, "/match")
    page.fill("#match-form textarea[name=text]", "需要锂电池方面的技术")
    page.select_option("#match-form select[name=region]", "320500")
    page.click("#match-form button[type=submit]")
    page.wait_for_selector("#matches")
    assert "201710601862.3" in page.inner_text("#matches") and "锂电池" in page.inner_text("#matches")
    page.fill("#match-form input[name=ipc]", "电池")  # not an IPC class: the server refuses it, and says why
    page.click("#match-form button[type=submit]")
    page.wait_for_selector("#error-title")
    assert "ipc" in page.inner_text("main").lower()
    assert _visible_words_ok(page) == [] and problems == [] and page.outside == []


def test_province_staff_filter_the_enterprise_directory(page) -> None:
    problems = _watch_console(page)
    sign_in(page, "admin")
    _click_nav(page, "/enterprises")
    page.fill("#tiers-form input[name=year]", "2024")
    page.select_option("#tiers-form select[name=tier]", "none")
    page.select_option("#tiers-form select[name=city]", "320500")
    page.click("#tiers-form button[type=submit]")
    page.wait_for_function("() => location.search.includes('city=320500')", polling=100)
    assert "苏州某某科技有限公司" in page.inner_text("#tiers") and "未达层级" in page.inner_text("#tiers")
    with page.expect_download() as download:
        page.click("#tiers-export")
    assert download.value.suggested_filename == "enterprise-tiers-2024.xlsx"
    assert _visible_words_ok(page) == [] and problems == [] and page.outside == []


def test_the_public_portal_from_the_sign_in_page(page) -> None:
    """A stranger arrives at the sign-in page and clicks into the public portal: figures on the map, a search with
    its hits, typical cases and where to file, all without signing in and without a console error."""
    problems = _watch_console(page)
    page.goto("/")
    page.wait_for_selector("#sign-in")
    page.click("nav a[href='/public']")
    page.wait_for_selector("#map[data-ready=true] canvas")
    assert "苏州市" in page.inner_text("#figures") and page.locator("#figures a").count() == 0
    page.click("nav a[href='/public/search']")
    page.fill("#public-search-form input[name=q]", "TI=锂电池")
    page.click("#public-search-form button[type=submit]")
    page.wait_for_selector("#hits li")
    assert "201710601862.3" in page.inner_text("#hits") and _visible_words_ok(page) == []
    for href in ("/public/cases", "/public/services"):
        _click_nav(page, href)
        assert _visible_words_ok(page) == []
    assert problems == [] and page.outside == []


def test_batch_lookup_and_the_ipc_browser_from_the_search_page(page) -> None:
    problems = _watch_console(page)
    sign_in(page, "suzhou")
    page.click("nav a[href='/search']")
    page.click("#to-batch")
    page.fill("#batch-form textarea[name=numbers]", "CN2017106018623\n201710601862.4")
    page.click("#batch-form button[type=submit]")
    page.wait_for_selector("#batch-rows")
    rows = page.locator("#batch-rows tbody tr")
    assert rows.count() == 2 and "一种锂电池" in rows.nth(0).inner_text() and "校验位" in rows.nth(1).inner_text()
    page.click("nav a[href='/search']")
    page.click("#to-ipc")
    page.wait_for_selector("#ipc-children")
    page.click("#ipc-children a >> text=H")
    page.wait_for_selector("#ipc-title")
    assert "电学" in page.inner_text("#ipc-title") and _visible_words_ok(page) == []
    assert problems == [] and page.outside == []


REFUSAL = "#error-title, .error, [role=alert]"  # how a page shows the server's refusal


@pytest.mark.parametrize("username", ["admin", "suzhou", "officer", "owner"])
def test_every_form_refuses_empty_values_visibly(page, username: str) -> None:
    """On every page of the navigation, each form that takes input is sent once with its fields emptied (the
    browser's own checks removed, as a script or an old browser would send it): the server refuses it and the page
    says so — never a silent success, an unchanged page or a server error."""
    problems = _watch_console(page)
    sign_in(page, username)
    entries = page.eval_on_selector_all("header nav a", "links => links.map(a => a.getAttribute('href'))")
    tried = []
    for href in entries:
        if href in ("/docs", "/account/password"):
            continue  # the vendored API docs; the password form is a test of its own (test_web: password rules)
        _click_nav(page, href)
        count = page.eval_on_selector_all(
            "main form[method=post]",
            "forms => forms.filter(f => f.querySelector('input:not([type=hidden]), textarea, select')).length",
        )
        for index in range(count):
            if index:  # back to a fresh page for the next form (the refusal's page may sit at the same path)
                _click_nav(page, href)
            action = page.evaluate(
                """i => {
                  const form = [...document.querySelectorAll('main form[method=post]')]
                    .filter(f => f.querySelector('input:not([type=hidden]), textarea, select'))[i];
                  form.noValidate = true;
                  form.querySelectorAll('input:not([type=hidden]):not([type=checkbox]), textarea').forEach(e => e.value = '');
                  form.setAttribute('data-tried', 'yes');
                  return form.getAttribute('action');
                }""",
                index,
            )
            with page.expect_response(
                lambda r, a=action: r.request.method == "POST" and r.url.split("?")[0].endswith(a)
            ) as answer:
                page.locator("form[data-tried=yes] button:not([type=button])").first.click()
            status = answer.value.status
            tried.append((href, action, status))
            assert 400 <= status < 500, (href, action, status)
            page.wait_for_selector(REFUSAL, timeout=5000)  # the reason is swapped in where the person is looking
    assert len(tried) >= (1 if username == "owner" else 3), tried  # an enterprise's forms: its API tokens
    assert problems == [] and page.outside == []


def test_an_expert_scores_an_award_application_and_staff_see_the_ranking(page) -> None:
    """The expert opens their score sheets from the navigation; a score of 120 is refused on the page, a full sheet
    is kept with its weighted score; the province's staff then see the application ranked with that score."""
    problems = _watch_console(page)
    sign_in(page, "expert0")
    _click_nav(page, "/awards/review")
    sheet = page.locator("section[id^=sheet-]").first
    assert "锂电池的电极结构" in sheet.inner_text()
    for name, value in (("quality", "120"), ("advance", "80"), ("use", "80"), ("benefit", "80")):
        sheet.locator(f"input[name={name}]").fill(value)
    sheet.evaluate("s => s.querySelector('form').noValidate = true")  # the server's own check, not the browser's
    with page.expect_response(lambda r: "/awards/review/" in r.url and r.request.method == "POST") as answer:
        sheet.locator("button[type=submit]").click()
    assert answer.value.status == 400
    page.wait_for_selector(REFUSAL)
    assert "0–100" in page.inner_text("main")
    _click_nav(page, "/awards/review")
    sheet = page.locator("section[id^=sheet-]").first
    for name in ("quality", "advance", "use", "benefit"):
        sheet.locator(f"input[name={name}]").fill("80")
    sheet.locator("button[type=submit]").click()
    page.wait_for_selector(".sheet-score")
    assert "80.0" in page.inner_text(".sheet-score")
    page.context.clear_cookies()
    sign_in(page, "award_admin")
    _click_nav(page, "/awards")
    ranking = page.inner_text("#award-ranking")
    assert "苏州某某科技有限公司" in ranking and "80.0" in ranking
    assert "评分不足" in page.inner_text("#award-waiting")  # one sheet of the three the rules ask for
    assert _visible_words_ok(page) == [] and problems == [] and page.outside == []


def test_staff_define_an_industry_and_read_a_report_with_its_charts(page) -> None:
    """From the navigation: an industry saved and previewed (what it catches, with a sample), then the kept report
    opened from the list, its charts drawn under the platform's content policy, and a text of the analyst's kept."""
    problems = _watch_console(page)
    sign_in(page, "admin")
    _click_nav(page, "/navigation")
    page.fill("#industry-form input[name=name]", "电池")
    page.fill("#industry-form input[name=keywords]", "锂电池")
    page.click("#industry-form button[type=submit]")
    page.wait_for_selector("#preview-count")
    assert page.inner_text("#preview-count") == "1" and "201710601862.3" in page.inner_text("#preview")
    page.select_option("#report-form select[name=kind]", "enterprise")  # an enterprise report without its enterprise
    with page.expect_response(lambda r: r.url.endswith("/navigation/reports") and r.request.method == "POST") as answer:
        page.click("#report-form button[type=submit]")
    assert answer.value.status == 400
    page.wait_for_selector("#error-title")
    assert "names an enterprise" in page.inner_text("main") or "企业编号" in page.inner_text("main")
    _click_nav(page, "/navigation")
    page.click("#navigation-reports a")
    page.wait_for_selector("#chart-trend canvas")
    page.wait_for_selector("#chart-home_map canvas")  # Jiangsu's cities on the map layer the platform serves
    assert "锂电池" in page.inner_text("h1") and page.locator("#section-gap").count() == 1
    page.fill("#section-gap textarea[name=text]", "重点发展固态电池。")
    page.click("#section-gap button[type=submit]")
    page.wait_for_selector("#section-gap .note small")  # marked as the analyst's once the page comes back
    assert "重点发展固态电池。" in page.inner_text("#section-gap .note")
    assert _visible_words_ok(page) == [] and problems == [] and page.outside == []


def test_a_watch_saved_from_the_navigation_with_its_refusal(page) -> None:
    """From the navigation: a watch whose query does not read is refused with the position; a good one is listed with
    its channel and mode, and stopped with one click."""
    problems = _watch_console(page)
    sign_in(page, "admin")
    _click_nav(page, "/alerts")
    page.fill("#watch-form input[name=name]", "锂电池动态")
    page.fill("#watch-form input[name=target]", "TI=(锂电池")
    with page.expect_response(lambda r: r.url.endswith("/alerts/watches") and r.request.method == "POST") as answer:
        page.click("#watch-form button[type=submit]")
    assert answer.value.status == 400
    page.wait_for_selector("#error-title")
    assert "position" in page.inner_text("main") or "第" in page.inner_text("main")
    _click_nav(page, "/alerts")
    page.fill("#watch-form input[name=name]", "锂电池动态")
    page.fill("#watch-form input[name=target]", "TI=锂电池")
    page.select_option("#watch-form select[name=mode]", "digest")
    page.click("#watch-form button[type=submit]")
    page.wait_for_selector("#watch-list")
    listed = page.inner_text("#watch-list")
    assert "锂电池动态" in listed and "汇总" in listed and "站内" in listed
    page.click("#watch-list button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('#watch-list') && document.querySelector('#watch-list').innerText.includes('已停止')"
    )
    assert _visible_words_ok(page) == [] and problems == [] and page.outside == []


def test_the_service_network_from_the_navigation_with_its_refusals(page) -> None:
    """Staff record an agency from the navigation (a wrong credit code refused on the page), issue a survey
    invitation and see its link once; the invitee follows the link without signing in, an answer out of range is
    refused on the page, the response is taken once; a stranger finds the agency in the public directory, on its map."""
    problems = _watch_console(page)
    sign_in(page, "admin")
    _click_nav(page, "/agencies")
    page.fill("#agency-add input[name=name]", "苏州浏览器专利事务所")
    page.fill("#agency-add input[name=credit_code]", "91320500MA00000000")
    page.select_option("#agency-add select[name=region_code]", "320500")
    page.check("#agency-add input[value=search]")
    with page.expect_response(lambda r: r.url.endswith("/agencies") and r.request.method == "POST") as answer:
        page.click("#agency-add button[type=submit]")
    assert answer.value.status == 400
    page.wait_for_selector(REFUSAL)
    assert "校验位" in page.inner_text("main") or "check character" in page.inner_text("main")
    _click_nav(page, "/agencies")
    page.fill("#agency-add input[name=name]", "苏州浏览器专利事务所")
    page.fill("#agency-add input[name=credit_code]", "91320500MA0000000W")
    page.select_option("#agency-add select[name=region_code]", "320500")
    page.click("#agency-add button[type=submit]")
    page.wait_for_selector("#agency-list")
    assert "苏州浏览器专利事务所" in page.inner_text("#agency-list") and _visible_words_ok(page) == []
    _click_nav(page, "/survey")
    page.select_option("#invite-form select[name=city_code]", "320500")
    page.fill("#invite-form input[name=count]", "1")
    page.click("#invite-form button[type=submit]")
    page.wait_for_selector("#issued a")
    page.context.clear_cookies()
    page.click("#issued a")  # the invitee follows the link the office sent
    page.wait_for_selector("#survey-response")
    for box in page.locator("#survey-response .choices").all():
        box.locator("input[value='4']").check()
    tamper = "f => { f.noValidate = true; const i = f.querySelector('.choices input'); i.value = '9'; i.checked = true; }"
    page.eval_on_selector("#survey-response", tamper)
    with page.expect_response(lambda r: "/survey/respond/" in r.url and r.request.method == "POST") as answer:
        page.click("#survey-response button[type=submit]")
    assert answer.value.status == 400
    page.wait_for_selector(REFUSAL)
    assert "1–5" in page.inner_text("main")
    page.reload()  # the invitee opens the link again
    page.wait_for_selector("#survey-response")
    for box in page.locator("#survey-response .choices").all():
        box.locator("input[value='5']").check()
    page.click("#survey-response button[type=submit]")
    page.wait_for_selector("#survey-thanks")
    page.goto("/")
    page.wait_for_selector("#sign-in")
    page.click("nav a[href='/public/agencies']")
    page.wait_for_selector("#directory-form")
    page.select_option("#directory-form select[name=city]", "320500")
    page.click("#directory-form button[type=submit]")
    page.wait_for_selector("#chart-agencies canvas")
    assert "苏州浏览器专利事务所" in page.inner_text("#agencies") and _visible_words_ok(page) == []
    assert problems == [] and page.outside == []
