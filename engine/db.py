"""Database engines and sessions. SQLite by default, PostgreSQL through ``DATABASE_URL``.

SQLite: WAL, foreign keys on; a writing transaction opens with ``BEGIN IMMEDIATE`` (see
``begin_write``) so two writers queue on the busy timeout instead of failing half-way. PostgreSQL: row locks (``FOR UPDATE``) in the
services plus the version compare-and-set.

A transaction that wrote nothing ends with COMMIT, not ROLLBACK (``end_transaction``): for the
database the two are the same then, but psycopg forgets every prepared statement of the connection
on a ROLLBACK, and PostgreSQL then parses and plans each statement again — about twice the
server's CPU per event when 6 % of requests are refused (measured, benchmarks/README.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
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
    # A database error is logged with its statement; its parameters (names, phones, identity numbers
    # searched for or registered) stay out of the log.
    kwargs.setdefault("hide_parameters", True)
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

        _track_writes(engine)
        return engine
    from .pg_cursor import DescribedOnceCursor

    kwargs.setdefault("pool_pre_ping", True)
    kwargs["connect_args"] = {"cursor_factory": DescribedOnceCursor, **kwargs.get("connect_args", {})}
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    _track_writes(engine)
    return engine


# -- knowing whether a transaction wrote anything -----------------------------------------------------

WROTE = "ogi_wrote"  # in Connection.info (it follows the DBAPI connection; cleared at each transaction's end)
_READS = ("SELECT", "BEGIN")  # everything else — DML, DDL, SAVEPOINT, raw SQL — counts as a write


def _track_writes(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _statement(conn, _cursor, statement, _params, _context, _many):  # noqa: ANN001
        if not statement.lstrip()[:6].upper().startswith(_READS):
            conn.info[WROTE] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ended(conn):  # noqa: ANN001
        if not conn.invalidated:  # a lost connection has no info to clear; the pool discards it
            conn.info.pop(WROTE, None)

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn, record):  # noqa: ANN001  (ended by the pool's reset)
        record.info.pop(WROTE, None)

    engine.ogi_tracks_writes = True  # type: ignore[attr-defined]


def _wrote(session: Session) -> bool:
    """Whether this transaction wrote; a connection lost mid-transaction counts as written (the
    only safe ending is a rollback, which also discards the dead connection)."""
    try:
        return bool(session.connection().info.get(WROTE))
    except SQLAlchemyError:
        return True


def end_transaction(session: Session) -> None:
    """End the session's transaction without keeping anything it did: ROLLBACK when it wrote, has
    unflushed changes or failed; otherwise COMMIT — the same for the database, cheaper for psycopg."""
    if not session.in_transaction():
        return
    clean = session.is_active and not (session.new or session.dirty or session.deleted)
    tracked = getattr(session.get_bind(), "ogi_tracks_writes", False)
    if not clean or not tracked or _wrote(session):
        session.rollback()
        return
    try:
        session.commit()
    except SQLAlchemyError:
        session.rollback()


@contextmanager
def begin_write(session: Session) -> Iterator[None]:
    """``with begin_write(session): …`` — one writing transaction: committed at the end, and on any
    error nothing of it is kept (``end_transaction``)."""
    if session.in_transaction():
        session.commit()
    session.begin()
    try:
        session.connection(execution_options={"write": True})
        yield
    except BaseException:
        end_transaction(session)
        raise
    session.commit()


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for a URL (default: the configured one), created on first use."""
    from .settings import get_settings

    return _engine_for(normalise_url(url or get_settings().database_url))


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    from .settings import get_settings

    return make_engine(url, pool_pre_ping=get_settings().db_pre_ping)


class ReadEndingSession(Session):
    """A session whose ``close()`` ends an open transaction with ``end_transaction`` (uncommitted work
    is discarded exactly as before; a read-only transaction ends with COMMIT)."""

    def close(self) -> None:
        end_transaction(self)
        super().close()


def new_session(engine: Engine | None = None) -> Session:
    return ReadEndingSession(engine or get_engine(), expire_on_commit=False)
