"""Simulated tampering by a privileged database user: the append-only triggers (and foreign keys) are
out of the way only inside ``tampering``.

PostgreSQL: ``SET LOCAL session_replication_role = replica`` — a superuser's switch (the test server's
``postgres`` role) that skips row triggers, foreign keys included, for this transaction only; the
application's role cannot do it (docs/deployment.md). SQLite has no such switch: the triggers are
dropped and re-created from their stored SQL inside the same transaction, with foreign keys off for
this connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine


@contextmanager
def tampering(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            with conn.begin():
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
                yield conn
            return
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")  # autocommit here: a PRAGMA inside a transaction is ignored
        try:
            with conn.begin():
                triggers = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
                for name, _ in triggers:
                    conn.exec_driver_sql(f"DROP TRIGGER {name}")
                yield conn
                for _, sql in triggers:
                    conn.exec_driver_sql(sql)
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
