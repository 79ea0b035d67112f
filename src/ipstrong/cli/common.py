"""What every command shares: the root command and its ``--data-dir``, the output options, the operational
database and its session helper, dates, background jobs, and the bilingual error exit."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ipstrong import config
from ipstrong.messages import InvalidOption, IpsError, Msg
from ipstrong.output import emit_document, stderr, to_json

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


app = typer.Typer(
    help="ipstrong 知识产权强省平台 / the IP-strong province platform",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="输出一个 JSON 文档 / print one JSON document")]
FormatOpt = Annotated[str | None, typer.Option("--format", help="table|csv|json|xlsx")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="写入文件 / write to FILE")]


def data_dir_of(ctx: typer.Context) -> Path:
    return config.data_dir(ctx.obj.get("data_dir") if ctx.obj else None)


def settings_of(ctx: typer.Context) -> config.Settings:
    """The settings of the data directory the command line chose."""
    return config.settings(ctx.obj.get("data_dir") if ctx.obj else None)


def chosen_format(as_json: bool, fmt: str | None) -> str:
    return "json" if as_json else (fmt or "table")


@app.callback()
def _root(
    ctx: typer.Context,
    data_dir: Annotated[
        str | None,
        typer.Option("--data-dir", envvar="IPSTRONG_DATA_DIR", help="数据目录 / where all state lives (default ./data)"),
    ] = None,
) -> None:
    ctx.obj = {"data_dir": data_dir}


def parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise IpsError(Msg(f"{option} 应为 YYYY-MM-DD：{text}", f"{option} must be YYYY-MM-DD: {text}")) from None


def queue_job(ctx: typer.Context, kind: str, params: dict, as_json: bool) -> None:
    """``--background``: record and queue a job of ``kind`` for ``ipstrong worker``, and say so."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.jobs import enqueue

    cfg, _engine, _factory = operational_db(ctx)
    job_id = enqueue(cfg, SYSTEM, kind, params)
    emit_document(
        {"job": job_id, "status": "queued"},
        as_json,
        str(Msg(f"已排入任务 {job_id}（由 ipstrong worker 执行）", f"queued as job {job_id} (run by ipstrong worker)")),
    )


# --- operational database ----------------------------------------------------------------------------------------
def operational_db(ctx: typer.Context, migrate: bool = True):
    """The operational database of this data directory, migrated first when it reports an older schema revision
    than the installed one (``db upgrade`` always runs the migrations)."""
    from ipstrong.db import ensure_current, platform_engine, session_factory

    cfg = settings_of(ctx)
    if migrate:
        ensure_current(cfg.resolved_database_url())
    engine = platform_engine(cfg)
    return cfg, engine, session_factory(engine)


def read_password(option: str | None, prompt: str) -> str:
    if option == "-":
        return sys.stdin.readline().rstrip("\n")
    if option:
        return option
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=True)


@contextmanager
def db_session(ctx: typer.Context, write: bool = False) -> Iterator[Session]:
    """A session of the operational database (migrated first when it reports an older revision): read-only, or
    with ``write`` one transaction that commits at the end of the block or not at all."""
    from ipstrong.db import transaction

    _cfg, _engine, factory = operational_db(ctx)
    if write:
        with transaction(factory) as session:
            yield session
    else:
        with factory() as session:
            yield session


def main() -> None:
    """Entry point: bilingual errors on stderr with the exit codes of CONVENTIONS.md; never a traceback (an
    unexpected error is named, and its traceback goes to the log file of the data directory)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        app()
    except (SystemExit, KeyboardInterrupt):
        raise
    except SQLAlchemyError as exc:
        _fail(
            IpsError(
                Msg(
                    f"数据库错误：{exc.__class__.__name__}：{str(exc.orig if hasattr(exc, 'orig') else exc)[:300]}",
                    f"database error: {exc.__class__.__name__}: {str(exc.orig if hasattr(exc, 'orig') else exc)[:300]}",
                )
            )
        )
    except IpsError as exc:
        _fail(exc)
    except OverflowError as exc:  # a value beyond what a date or number can hold
        _fail(IpsError(Msg(f"输入值超出范围：{exc}", f"a value is out of range: {exc}")))
    except Exception as exc:  # a defect: said plainly, the details kept for whoever fixes it
        log = _crash_log(exc)
        name = type(exc).__name__
        _fail(IpsError(Msg(f"内部错误（{name}），详情见 {log}", f"internal error ({name}); details in {log}")))


def _crash_log(exc: Exception) -> str:
    """Write the traceback to a file in the system's temporary folder; return its path."""
    import tempfile
    import traceback

    with tempfile.NamedTemporaryFile("w", prefix="ipstrong-crash-", suffix=".log", delete=False) as fh:
        fh.write("".join(traceback.format_exception(exc)))
    return fh.name


def _fail(exc: IpsError) -> None:
    msg = exc.worded(exc.flag) if isinstance(exc, InvalidOption) else exc.msg  # the option as typed: --pledge-threshold
    stderr.print(f"[red]{msg}[/red]", highlight=False)
    if "--json" in sys.argv:
        sys.stdout.write(to_json({"error": {"zh": msg.zh, "en": msg.en}}) + "\n")
    sys.exit(exc.exit_code)
