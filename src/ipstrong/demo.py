"""``ipstrong demo``: generate a Jiangsu data set, ingest it and show what is there and how to query it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from ipstrong.accounts.roles import SYSTEM
from ipstrong.ingest.follow import publish
from ipstrong.output import emit_records, stderr
from ipstrong.reference.regions import JIANGSU
from ipstrong.search.index import build as build_index
from ipstrong.search.index import index_path, is_current
from ipstrong.synth.generator import SynthConfig, generate
from ipstrong.warehouse import Warehouse, run_sql
from ipstrong.warehouse.info import info

EXAMPLES = [
    (
        "各市 2021 年末有效发明专利 / effective inventions by city at the end of 2021",
        "SELECT city_code, count(*) AS effective_inventions FROM effective_on('2021-12-31') "
        "WHERE patent_type = 'invention' AND country = 'CN' GROUP BY city_code ORDER BY 2 DESC",
    ),
    ("申请人类型 / applicant types", "SELECT applicant_type, count(*) AS patents FROM patents GROUP BY 1 ORDER BY 2 DESC"),
    (
        "2024 年质押登记 / pledges registered in 2024",
        "SELECT count(*) AS pledges, round(sum(amount_10k_yuan), 1) AS amount_10k_yuan FROM events "
        "WHERE event_type = 'pledge' AND year(event_date) = 2024",
    ),
]


DEMO_BODIES = [  # key, kind, name, region, credit code
    ("province", "office", "江苏省知识产权局", JIANGSU, None),
    ("suzhou", "office", "苏州市知识产权局", "320500", None),
    ("nanjing", "office", "南京市知识产权局", "320100", None),
    ("centre", "centre", "中国（苏州）知识产权保护中心", "320500", None),
    ("firm", "enterprise", "苏州示例新材料有限公司", "320505", "91320505MA1DEMO00X"),
]
DEMO_ACCOUNTS = [  # username, role, region, display name, body
    ("admin", "province_admin", JIANGSU, "省局管理员", "province"),
    ("suzhou", "city_official", "320500", "苏州市局", "suzhou"),
    ("officer", "case_officer", "320500", "苏州市局承办人", "suzhou"),
    ("nanjing", "city_official", "320100", "南京市局", "nanjing"),
    ("examiner", "centre_examiner", "320500", "苏州保护中心审查员", "centre"),
    ("enterprise", "enterprise_user", "320505", "企业知识产权经理", "firm"),
]
DEMO_PASSWORD = "ipstrong-demo-2024"


def demo_accounts(data_dir: Path) -> list[str]:
    """Migrate the operational database and create the demo accounts when it has no user yet."""
    from sqlalchemy import func, select

    from ipstrong.accounts.models import User
    from ipstrong.accounts.service import actor_of, create_organisation, create_user
    from ipstrong.config import settings
    from ipstrong.db import make_engine, session_factory, transaction, upgrade

    url = settings(data_dir).resolved_database_url()
    upgrade(url)
    engine = make_engine(url, home=data_dir)
    try:
        with transaction(session_factory(engine)) as s:
            if s.scalar(select(func.count()).select_from(User)):
                return []
            bodies = {}
            firm = demo_firm(data_dir)
            for key, kind, name, region, code in DEMO_BODIES:
                name, region = firm if key == "firm" else (name, region)
                bodies[key] = create_organisation(s, SYSTEM, kind, name, region, code and demo_credit_code(code)).id
            actors = {}
            for username, role, region, name, body in DEMO_ACCOUNTS:
                region = firm[1] if body == "firm" else region
                actors[username] = actor_of(create_user(s, SYSTEM, username, DEMO_PASSWORD, role, region, name, bodies[body]))
            demo_matters(s, bodies, actors, data_dir, firm[0])
            demo_network(s, data_dir)
    finally:
        engine.dispose()
    return [a[0] for a in DEMO_ACCOUNTS]


def demo_firm(data_dir: Path) -> tuple[str, str]:
    """The demo enterprise: the Suzhou enterprise with the most filings in the generated data (so its user's home
    page has a portfolio to show), with its county; the invented name of ``DEMO_BODIES`` when there is none."""
    rows = run_sql(
        data_dir,
        "SELECT first_applicant, district_code FROM patents WHERE city_code = '320500' AND applicant_type = 'enterprise' "
        "AND district_code IS NOT NULL GROUP BY ALL ORDER BY count(*) DESC, first_applicant LIMIT 1",
    ).to_pylist()
    _key, _kind, name, region, _code = DEMO_BODIES[-1]
    return (rows[0]["first_applicant"], rows[0]["district_code"]) if rows else (name, region)


def demo_credit_code(body: str) -> str:
    """A valid credit code from the first 17 characters of ``body`` (the demo's enterprise is invented)."""
    from ipstrong.ids import credit_code_check_char

    head = "".join(c if c in "0123456789ABCDEFGHJKLMNPQRTUWXY" else "0" for c in body[:17])
    return head + credit_code_check_char(head)


def demo_matters(session: Any, bodies: dict[str, int], actors: dict[str, Any], data_dir: Path, firm: str) -> None:
    """The centre's fields and register, and a few matters to open: one adjudication just received, one past its
    acceptance limit, one fast pre-examination filed by the enterprise."""
    import datetime as dt

    from ipstrong.clock import today_shanghai
    from ipstrong.matters.centres import declare_field, register_enterprise
    from ipstrong.matters.service import file_matter

    today = today_shanghai()
    firm_code = demo_credit_code(DEMO_BODIES[-1][4] or "")
    for prefix, name in (("C08", "新材料"), ("C12N", "生物制品"), ("G06F", "数字智能制造"), ("H01L", "电子信息")):
        declare_field(session, SYSTEM, bodies["centre"], prefix, name)
    register_enterprise(session, SYSTEM, bodies["centre"], firm_code, firm, today)
    dispute = {"subject": f"{firm}诉苏州某科技有限公司侵犯发明专利权纠纷", "requester": firm,
               "requester_credit_code": firm_code, "respondent": "苏州某科技有限公司", "patents": ["201410123456.7"],
               "claims": "请求责令停止制造、销售侵权产品"}  # fmt: skip
    file_matter(session, actors["officer"], "adjudication", bodies["suzhou"], dispute, data_dir, today, today=today)
    late = {**dispute, "subject": "某公司诉某商行侵犯实用新型专利权纠纷", "respondent": "苏州某商行"}
    file_matter(
        session, actors["officer"], "adjudication", bodies["suzhou"], late, data_dir, today - dt.timedelta(days=14), today=today
    )
    prescreen = {"applicant": firm, "applicant_credit_code": firm_code,
                 "title": "一种高强度复合膜材料及其制备方法", "patent_type": "invention", "ipc": ["C08J 5/18"]}  # fmt: skip
    file_matter(session, actors["enterprise"], "prescreen", bodies["centre"], prescreen, data_dir, today=today)


def demo_network(session: Any, data_dir: Path) -> None:
    """The service network to look at: the ten agencies that represented most of the generated patents (so
    ``/agencies`` has activity to show) in the directory, Suzhou's information points, two practitioners, and a
    satisfaction survey of this year and the last answered by 40 invitees (answers drawn with a fixed seed)."""
    import datetime as dt
    import random

    from ipstrong.clock import today_shanghai
    from ipstrong.network import agencies, points, survey, talent

    rows = run_sql(
        data_dir,
        "SELECT agency, mode(city_code) AS city FROM patents WHERE agency IS NOT NULL AND city_code LIKE '32%' "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 10",
    ).to_pylist()
    for n, row in enumerate(rows):
        agency = agencies.AgencyIn(name=row["agency"], credit_code=demo_credit_code(f"9132{n:04d}MA1DEMOAG"),
                                   kind="patent_agency", region_code=row["city"], agents=5 + n,
                                   services=["patent_filing", "search"] if n % 2 else ["patent_filing"])  # fmt: skip
        agencies.add_agency(session, SYSTEM, agency)
    demo_points = (
        ("苏州市知识产权信息服务中心（TISC）", "tisc", "苏州大学", "university", "320508"),
        ("昆山高新区知识产权信息服务网点", "info_point", "昆山高新区", "park", "320583"),
        ("苏州示例新材料知识产权工作站", "workstation", "苏州示例新材料有限公司", "enterprise", "320505"),
    )
    for name, kind, host, host_kind, region in demo_points:
        point = points.PointIn(name=name, kind=kind, host=host, host_kind=host_kind, region_code=region,
                               services=["consultation", "search"], opened=dt.date(2024, 1, 1))  # fmt: skip
        points.add_point(session, SYSTEM, point)
    for name, fields, title in (("王工", ["H01M"], "engineer"), ("李工", ["G06F", "H04L"], "assistant")):
        talent.add_practitioner(session, SYSTEM, talent.PractitionerIn(
            name=name, employer=rows[0]["agency"] if rows else "苏州示例专利事务所", region_code="320500",
            qualification="patent_attorney", education="master", years=6, fields=fields, title=title))  # fmt: skip
    rng = random.Random(1)
    year = today_shanghai().year
    for y in (year - 1, year):
        for respondent in ("enterprise", "public"):
            for token in survey.invite(session, SYSTEM, y, "320500", respondent, 10).tokens:
                answers = {
                    q: rng.choice((3, 4, 4, 5) if y == year else (3, 3, 4, 5)) for q in survey.questionnaire().question_ids()
                }
                survey.submit(session, token, answers)


def deliberate_errors(quarantine: Path) -> list[dict[str, object]]:
    """What the generator broke on purpose, as the ingest found it: each kind of reason (the words before its
    colon) with its field, how many rows and the first of them as an example."""
    import csv

    kinds: dict[tuple[str, str, str], dict[str, object]] = {}
    with quarantine.open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            key = (r["field"], r["reason_zh"].split("：")[0], r["reason_en"].split(":")[0])
            kind = kinds.setdefault(key, {"rows": 0, "example": f"第 {r['row']} 行 / row {r['row']}: {r['reason_zh']}"})
            kind["rows"] = int(kind["rows"]) + 1  # type: ignore[call-overload]
    return [
        {"字段 / field": field, "原因 / reason": f"{zh} / {en}", "行数 / rows": kind["rows"], "例 / example": kind["example"]}
        for (field, zh, en), kind in sorted(kinds.items(), key=lambda k: -int(k[1]["rows"]))  # type: ignore[call-overload]
    ]


def run_demo(data_dir: Path, patents: int, seed: int) -> None:
    """Generate, ingest (patents, then events), create demo accounts, print the summary and example queries."""
    console = Console()
    source = data_dir / "demo-source"
    if Warehouse(data_dir).current_id() is None or not (source / "patents.csv").exists():
        stderr.print(f"生成 {patents} 条演示专利 / generating {patents} demo patents …")
        generate(SynthConfig(patents=patents, seed=seed, broken_share=0.02), source)
        sources = [source / "patents.csv", source / "events" / "events.csv", source / "trademarks" / "trademarks.csv"]
        report = publish(sources, data_dir, step=stderr.print)
        console.print(report.message)
        for file in report.quarantine_files:
            emit_records(
                deliberate_errors(Path(file)),
                title=f"演示数据中故意写错的行，已隔离未入库 / rows broken on purpose in the demo data, quarantined: {file}",
            )
    data = info(data_dir)
    if not is_current(index_path(data_dir, data["snapshot"])):
        stderr.print("建立检索索引 / building the search index …")
        build_index(data_dir)
    console.print(f"\n数据目录 / data directory: {data_dir}\n快照 / snapshot: {data['snapshot']}")
    emit_records(data["by_city"], title="江苏各市专利 / patents by Jiangsu city")
    for title, query in EXAMPLES:
        console.print(f'\n[bold]{title}[/bold]\n  ipstrong --data-dir {data_dir} sql "{query}"')
        emit_records(run_sql(data_dir, query).to_pylist()[:13])
    console.print(
        f"\n[bold]检索 / search[/bold]\n  ipstrong --data-dir {data_dir} search 'TI=电池 AND CITY=苏州' --facets city,year"
    )
    console.print("\n更多 / more: ipstrong --help · ipstrong warehouse snapshots · ipstrong id check 201710601862.3")
    created = demo_accounts(data_dir)
    if created:
        console.print(f"\n演示账号 / demo accounts: {', '.join(created)} — 密码 / password: {DEMO_PASSWORD}")
    console.print("平台 / platform: ipstrong serve → http://127.0.0.1:8000")
