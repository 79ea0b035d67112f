"""Commands that run the platform: background jobs and their worker, the web server, the demo."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from ipstrong.cli.common import FormatOpt, JsonOpt, OutOpt, app, chosen_format, data_dir_of, db_session, operational_db
from ipstrong.messages import Msg
from ipstrong.output import emit_records, stderr

jobs_app = typer.Typer(help="后台任务 / background jobs", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("list")
def jobs_list(ctx: typer.Context, as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None) -> None:
    """最近的后台任务及进度 / recent background jobs and their progress."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.jobs import visible_jobs

    with db_session(ctx) as session:
        rows = visible_jobs(session, SYSTEM)
    emit_records(rows, chosen_format(as_json, fmt), out, words={"status": "job_status"})


@app.command("worker")
def worker_cmd(ctx: typer.Context, workers: Annotated[int, typer.Option("--workers", help="并发数 / workers")] = 1) -> None:
    """运行后台任务（SQLite 队列，或配置的 Redis）/ run background jobs (SQLite queue or the configured Redis)."""
    from ipstrong.jobs import make_queue

    cfg, _engine, _factory = operational_db(ctx)
    queue, _task = make_queue(cfg)
    stderr.print(str(Msg("任务执行器已启动", "worker started")))
    queue.create_consumer(workers=workers).run()


@app.command("serve")
def serve_cmd(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="监听地址 / address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口 / port")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="进程数 / worker processes")] = 2,
    jobs: Annotated[
        bool,
        typer.Option(
            "--jobs/--no-jobs",
            help="同时运行后台任务执行器（上传导入、提醒）；另行运行 ipstrong worker 时关闭 / also run the background job "
            "worker (uploads, reminders); turn off when ipstrong worker runs on its own",
        ),
    ] = True,
) -> None:
    """启动平台（先升级数据库）/ start the platform (migrating the database first)."""
    import subprocess
    import sys

    import uvicorn

    cfg, _engine, _factory = operational_db(ctx)
    os.environ["IPSTRONG_DATA_DIR"] = str(cfg.data_dir)  # each worker process builds its app from it
    worker = [sys.executable, "-m", "ipstrong.cli", "--data-dir", str(cfg.data_dir), "worker"]
    runner = subprocess.Popen(worker) if jobs else None
    stderr.print(f"http://{host}:{port}  ·  {cfg.data_dir}")
    try:
        uvicorn.run(
            "ipstrong.web.app:app_from_environment", factory=True, host=host, port=port, workers=workers, log_level="warning"
        )
    finally:
        if runner is not None:
            runner.terminate()
            runner.wait(timeout=30)


# --- demo --------------------------------------------------------------------------------------------------------
@app.command("demo")
def demo_cmd(
    ctx: typer.Context,
    patents: Annotated[int, typer.Option("--patents", help="专利条数 / number of patents")] = 50_000,
    seed: Annotated[int, typer.Option("--seed")] = 42,
) -> None:
    """生成江苏演示数据、导入并展示如何查询 / generate Jiangsu demo data, ingest it, show how to query it."""
    from ipstrong.demo import run_demo

    run_demo(data_dir_of(ctx), patents, seed)
