"""Alembic environment: the URL comes from the caller (``ogi db upgrade``) or DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import engine.models  # noqa: F401  (registers every table on the metadata)
from engine.db import make_engine, normalise_url
from engine.settings import get_settings

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    return normalise_url(config.attributes.get("url") or get_settings().database_url)


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # noqa: ANN001
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite changes a table's constraints only by rebuilding it, and dropping a table that others
        # reference fails while foreign keys are enforced (Alembic docs, "batch" mode). The pragma works
        # only outside a transaction, hence on the driver's connection before ours begins; the check at
        # the end refuses to commit a migration that left a dangling reference.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise RuntimeError("migration left rows referring to missing rows (PRAGMA foreign_key_check)")
    finally:
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
