"""Alembic environment: runs the migrations against the URL the caller configured."""

from alembic import context
from sqlalchemy import pool

from atpace.store.db import make_engine
from atpace.store.tables import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "atpace sets sqlalchemy.url before running migrations"



def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Autogenerate leaves procrastinate's tables alone: migration 0014 creates them from its schema.sql."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


engine = make_engine(url, poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
