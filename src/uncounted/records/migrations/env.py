"""Alembic environment: runs migrations on the engine the workspace hands over."""

from __future__ import annotations

from alembic import context

from uncounted.records import auth_models  # noqa: F401  (its tables belong to the metadata)
from uncounted.records.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=engine.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
