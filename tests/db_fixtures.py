"""Operational-database fixtures: every test that takes ``db`` runs on SQLite and on PostgreSQL.

PostgreSQL is 127.0.0.1:5432, database ``test`` (or ``IPSTRONG_TEST_PG``), one fresh schema per test. Without a
server the PostgreSQL runs skip with the reason, except in CI (``CI=true``), where they must run.
`--db sqlite` or `--db postgresql` narrows a local run to one engine.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from ipstrong.db import make_engine, session_factory, upgrade

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/" + os.environ.get("IPSTRONG_TEST_PG", "test")


@dataclass
class Db:
    url: str
    engine: Engine
    factory: sessionmaker[Session]
    dialect: str


def _pg_available() -> bool:
    try:
        with create_engine(PG_BASE, connect_args={"connect_timeout": 3}).connect():
            return True
    except Exception:  # any failure to connect means "no server here"
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path) -> Iterator[Db]:
    chosen = request.config.getoption("--db")
    if chosen not in ("both", request.param):
        pytest.skip(f"--db {chosen}")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ops.db'}"
        upgrade(url)
        engine = make_engine(url)
        yield Db(url, engine, session_factory(engine), "sqlite")
        engine.dispose()
        return
    if not _pg_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL at 127.0.0.1:5432 is not reachable in CI")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    with pg_schema() as url:
        upgrade(url)
        engine = make_engine(url, home=tmp_path)  # the audit key of a server database lives in a data directory
        try:
            yield Db(url, engine, session_factory(engine), "postgresql")
        finally:
            engine.dispose()


@contextmanager
def pg_schema() -> Iterator[str]:
    """The URL of a fresh, empty schema on the test server, dropped afterwards."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
