"""A throw-away PostgreSQL schema for a benchmark (TEST_DATABASE_URL, default the local server)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from engine.db import normalise_url
from engine.migrate import upgrade


@contextmanager
def pg_schema(name: str) -> Iterator[str]:
    """Create schema ``name``, migrate it, yield a URL whose search_path is that schema, drop it after."""
    base = normalise_url(os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    url = base + ("&" if "?" in base else "?") + f"options=-csearch_path%3D{name}"
    upgrade(url)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        admin.dispose()
