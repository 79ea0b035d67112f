"""The migrations build exactly the tables the models declare, and step down again."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from ipstrong.db import alembic_config, all_tables, upgrade


def test_migrations_match_the_models_and_downgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), all_tables()) == []
    engine.dispose()
    command.downgrade(alembic_config(url), "base")


def test_commands_migrate_only_an_older_database(tmp_path: Path, monkeypatch) -> None:
    """A command checks the revision the database reports and runs the migrations only when it is older (or
    none): a fresh database is brought to the head, a current one is left alone."""
    from ipstrong import db

    url = f"sqlite:///{tmp_path / 'c.db'}"
    head = db.head_revision(url)
    assert head and db.ensure_current(url) == head == db.current_revision(url)
    monkeypatch.setattr(db, "upgrade", lambda *_: (_ for _ in ()).throw(AssertionError("migrated a current database")))
    assert db.ensure_current(url) == head
    command.downgrade(alembic_config(url), "-1")
    monkeypatch.undo()
    assert db.current_revision(url) != head and db.ensure_current(url) == head
