"""Alembic environment: runs migrations against the URL ipstrong passes in (never a hard-coded one)."""

from alembic import context

from ipstrong.db import all_tables, make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=all_tables(), render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
