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
