"""Database engines and sessions. SQLite by default, PostgreSQL through ``DATABASE_URL``.

SQLite: WAL, foreign keys on; a writing transaction opens with ``BEGIN IMMEDIATE`` (see
``begin_write``) so two writers queue on the busy timeout instead of failing half-way. PostgreSQL: row locks (``FOR UPDATE``) in the
services plus the version compare-and-set.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` and ``postgres://`` URLs and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str, **kwargs) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):  # noqa: ANN001
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # noqa: ANN001
            # Writers take the write lock up front (no lock upgrade half-way); readers never block them.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def begin_write(session: Session):
    """Open the session's transaction for writing: ``with begin_write(session): …``."""
    if session.in_transaction():
        session.commit()
    tx = session.begin()
    session.connection(execution_options={"write": True})
    return tx


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for a URL (default: the configured one), created on first use."""
    from .settings import get_settings

    return _engine_for(normalise_url(url or get_settings().database_url))


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def new_session(engine: Engine | None = None) -> Session:
    return Session(engine or get_engine(), expire_on_commit=False)
