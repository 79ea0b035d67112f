"""``ipstrong demo``: generate a Jiangsu data set, ingest it and show what is there and how to query it."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from ipstrong.ingest import ingest
from ipstrong.output import emit_records, stderr
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


def run_demo(data_dir: Path, patents: int, seed: int) -> None:
    """Generate, ingest (patents, then events), print the summary and three example queries."""
    console = Console()
    source = data_dir / "demo-source"
    if Warehouse(data_dir).current_id() is None or not (source / "patents.csv").exists():
        stderr.print(f"生成 {patents} 条演示专利 / generating {patents} demo patents …")
        generate(SynthConfig(patents=patents, seed=seed, broken_share=0.02), source)
        report = ingest([source / "patents.csv", source / "events" / "events.csv"], data_dir)
        console.print(report.message)
        if report.quarantine_file:
            console.print(f"隔离文件 / quarantine file: {report.quarantine_file}")
    data = info(data_dir)
    console.print(f"\n数据目录 / data directory: {data_dir}\n快照 / snapshot: {data['snapshot']}")
    emit_records(data["by_city"], title="江苏各市专利 / patents by Jiangsu city")
    for title, query in EXAMPLES:
        console.print(f'\n[bold]{title}[/bold]\n  ipstrong --data-dir {data_dir} sql "{query}"')
        emit_records(run_sql(data_dir, query).to_pylist()[:13])
    console.print("\n更多 / more: ipstrong --help · ipstrong warehouse snapshots · ipstrong id check 201710601862.3")
