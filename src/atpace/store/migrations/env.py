"""Alembic environment: runs the migrations against the URL the caller configured."""

from alembic import context
from sqlalchemy import pool

from atpace.store.db import make_engine
from atpace.store.tables import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "atpace sets sqlalchemy.url before running migrations"

engine = make_engine(url, poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
