"""``ipstrong demo``: generate a Jiangsu data set, ingest it and show what is there and how to query it."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from ipstrong.ingest import ingest
from ipstrong.output import emit_records, stderr
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


DEMO_ACCOUNTS = [  # username, role, region, display name
    ("admin", "province_admin", "320000", "省局管理员"),
    ("suzhou", "city_official", "320500", "苏州市局"),
    ("nanjing", "city_official", "320100", "南京市局"),
    ("examiner", "centre_examiner", "320500", "苏州保护中心审查员"),
    ("enterprise", "enterprise_user", "320505", "企业知识产权经理"),
]
DEMO_PASSWORD = "ipstrong-demo-2024"


def demo_accounts(data_dir: Path) -> list[str]:
    """Migrate the operational database and create the demo accounts when it has no user yet."""
    from sqlalchemy import func, select

    from ipstrong.accounts.models import User
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import create_user
    from ipstrong.config import settings
    from ipstrong.db import make_engine, session_factory, transaction, upgrade

    url = settings(data_dir).resolved_database_url()
    upgrade(url)
    engine = make_engine(url)
    try:
        with transaction(session_factory(engine)) as s:
            if s.scalar(select(func.count()).select_from(User)):
                return []
            for username, role, region, name in DEMO_ACCOUNTS:
                create_user(s, SYSTEM, username, DEMO_PASSWORD, role, region, name)
    finally:
        engine.dispose()
    return [a[0] for a in DEMO_ACCOUNTS]


def run_demo(data_dir: Path, patents: int, seed: int) -> None:
    """Generate, ingest (patents, then events), create demo accounts, print the summary and example queries."""
    console = Console()
    source = data_dir / "demo-source"
    if Warehouse(data_dir).current_id() is None or not (source / "patents.csv").exists():
        stderr.print(f"生成 {patents} 条演示专利 / generating {patents} demo patents …")
        generate(SynthConfig(patents=patents, seed=seed, broken_share=0.02), source)
        report = ingest(
            [source / "patents.csv", source / "events" / "events.csv", source / "trademarks" / "trademarks.csv"], data_dir
        )
        console.print(report.message)
        if report.quarantine_file:
            console.print(f"隔离文件 / quarantine file: {report.quarantine_file}")
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
