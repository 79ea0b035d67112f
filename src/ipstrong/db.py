"""The operational database: engine, sessions and migrations (SQLite file by default, PostgreSQL by URL).

On SQLite the sessions of :func:`session_factory` begin with ``BEGIN IMMEDIATE``, so writers queue on the database
lock at the start of a transaction instead of failing half-way (the audit chain relies on serialised appends);
plain connections (reads, backups, migrations' checks) begin deferred. Foreign keys are on and the journal is WAL,
so readers never block the writer.

:class:`Timeouts` bound how long anything waits on the database: on PostgreSQL a statement and a lock wait (the audit
chain's advisory lock included) each have a limit, and taking a connection from a full pool does too; on SQLite the
write lock is waited for at most the lock limit. The web answers each of these with 503 (:func:`is_busy`), so one
stuck transaction cannot hang every request.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, Engine, MetaData, create_engine, event, make_url
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from ipstrong.config import Settings, data_dir
from ipstrong.messages import IpsError, Msg

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every operational table."""

    metadata = MetaData(naming_convention=NAMING)


def all_tables() -> MetaData:
    """Every operational table, their modules imported (what migrations are generated and checked against)."""
    from ipstrong import jobs  # noqa: F401 - each import registers its tables on Base.metadata
    from ipstrong.accounts import models  # noqa: F401
    from ipstrong.alerts import models as alert_models  # noqa: F401
    from ipstrong.ingest import entity_store  # noqa: F401
    from ipstrong.matters import models as matter_models  # noqa: F401
    from ipstrong.matters import workdays  # noqa: F401
    from ipstrong.navigation import models as navigation_models  # noqa: F401
    from ipstrong.network import models as network_models  # noqa: F401
    from ipstrong.registry import models as registry_models  # noqa: F401

    return Base.metadata


@dataclass(frozen=True)
class Timeouts:
    """How long the database may make us wait (None: no limit). The CLI's long commands use the defaults; the web
    sets all three from its settings."""

    statement_s: float | None = None
    lock_s: float | None = 30.0
    pool_s: float = 30.0


_homes: dict[str, Path] = {}  # database URL -> the data directory of its platform (audit key and anchor live there)


def home_of(url: URL) -> Path:
    """The data directory of the database at ``url``: the folder of a SQLite file, else the one the first
    :func:`make_engine` of this process was given (one platform, one data directory)."""
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent
    registered = _homes.get(url.render_as_string(hide_password=False))
    if registered is not None:
        return registered
    raise IpsError(
        Msg(
            "不知道此数据库所属的数据目录（审计密钥所在）",
            "the data directory of this database (where its audit key is) is not known",
        )
    )


def make_engine(url: str, timeouts: Timeouts = Timeouts(), home: Path | None = None) -> Engine:
    """An engine for ``url`` with the SQLite settings and the limits described above; ``home`` is the data
    directory it belongs to (needed for a server database: the audit chain's key lives there, not in it)."""
    parsed = make_url(url)
    if home is not None:
        _homes.setdefault(parsed.render_as_string(hide_password=False), home)
    if url.startswith("sqlite"):
        database = parsed.database
        if database and database != ":memory:" and not Path(database).exists():
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))  # owner-only; SQLite's -wal and -shm follow it
        engine = create_engine(url, connect_args={"timeout": timeouts.lock_s or 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event below start transactions
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:
            writer = conn.get_execution_options().get("ips_writer", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

        return engine
    # the web server runs requests on up to 40 threads: let most of them hold a connection
    settings = [f"-c {name}={int(seconds * 1000)}" for name, seconds in
                (("statement_timeout", timeouts.statement_s), ("lock_timeout", timeouts.lock_s)) if seconds]  # fmt: skip
    options = " ".join([*([str(parsed.query["options"])] if "options" in parsed.query else []), *settings])
    connect_args = {"connect_timeout": 10, **({"options": options} if options else {})}
    return create_engine(
        url, pool_pre_ping=True, pool_size=20, max_overflow=20, pool_timeout=timeouts.pool_s, connect_args=connect_args
    )


def platform_engine(cfg: Settings, timeouts: Timeouts = Timeouts()) -> Engine:
    """The engine of a platform's operational database, its data directory registered as its home."""
    return make_engine(cfg.resolved_database_url(), timeouts, home=data_dir(cfg.data_dir))


BUSY_SQLSTATES = {"55P03", "57014"}  # lock_not_available, query_canceled (statement timeout)


def is_busy(error: BaseException) -> bool:
    """Whether a database error means "busy now, try again": no free connection, a lock or statement limit reached,
    SQLite's write lock not had in time."""
    if isinstance(error, sa_exc.TimeoutError):
        return True
    if isinstance(error, sa_exc.OperationalError):
        orig = error.orig
        return getattr(orig, "sqlstate", None) in BUSY_SQLSTATES or "database is locked" in str(orig)
    return False


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for work that writes (on SQLite they take the write lock when they begin)."""
    return sessionmaker(engine.execution_options(ips_writer=True), expire_on_commit=False)


def reader_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that only read: on SQLite they never wait for the write lock."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits together at the end of the block, or not at all."""
    with factory() as session, session.begin():
        yield session


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(str(files("ipstrong") / "migrations"))))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> str:
    """Apply migrations up to ``revision``; return the revision the database is at."""
    cfg = alembic_config(url)
    command.upgrade(cfg, revision)
    return current_revision(url) or ""


def head_revision(url: str) -> str | None:
    """The newest revision the installed migrations reach."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def ensure_current(url: str) -> str:
    """Migrate only when the database reports an older revision than the installed migrations (or none): the
    check reads one row, where running the migrations loads the whole Alembic environment. Returns the revision."""
    found, head = current_revision(url), head_revision(url)
    return found if found is not None and found == head else upgrade(url)


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
