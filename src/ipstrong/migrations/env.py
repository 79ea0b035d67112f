"""Alembic environment: runs migrations against the URL ipstrong passes in (never a hard-coded one)."""

from alembic import context

from ipstrong import jobs  # noqa: F401 - registers the jobs table on Base.metadata
from ipstrong.accounts import models  # noqa: F401 - registers the account and audit tables
from ipstrong.db import Base, make_engine
from ipstrong.ingest import entity_store  # noqa: F401 - registers the applicant-entity tables
from ipstrong.matters import models as matter_models  # noqa: F401 - registers the matter tables
from ipstrong.matters import workdays  # noqa: F401 - registers the holiday table

config = context.config
url = config.get_main_option("sqlalchemy.url")
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
