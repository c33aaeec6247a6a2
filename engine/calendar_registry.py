"""The process's calendar registry: the shipped schedules plus the years imported into the database.

Every process (API workers on any host, the scheduler, the CLI) builds its registry from the same
``calendar_schedules`` rows, so they compute the same deadlines. After an import elsewhere, a process
notices on its next version check: ``SELECT count(*), max(id)`` over the current rows' table — rows
are only ever added (a re-import inserts a row and supersedes the old one), and imports are
serialised, so the pair changes exactly when an import committed. The check runs at most once a
second (``CHECK_SECONDS``) when the registry is asked for, and before every scheduler sweep; it costs
one indexed query on a table of a few dozen rows, and the registry is rebuilt only when it changed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from calendars import CalendarRegistry, ImportedYear

from .db import get_engine, new_session
from .models import CalendarSchedule

CHECK_SECONDS = 1.0  # how stale a process's calendars may be after an import in another process
log = logging.getLogger("ogi.calendar")

Stamp = tuple[int, int]  # (number of rows, highest id)


def imported_origin(row: CalendarSchedule) -> str:
    """How ``ogi calendar years`` names a stored year: the import, its date and who made it."""
    return f"数据库导入 #{row.id}（{row.imported_at:%Y-%m-%d}，{row.imported_by_name}）"


def stored_stamp(session: Session) -> Stamp:
    count, top = session.exec(select(func.count(), func.max(CalendarSchedule.id))).one()
    return int(count), int(top or 0)


def stored_years(session: Session) -> list[ImportedYear]:
    """The current imported years, as the calendars package takes them."""
    rows = session.exec(select(CalendarSchedule).where(CalendarSchedule.superseded_at.is_(None))
                        .order_by(CalendarSchedule.id)).all()
    return [ImportedYear(row.content, imported_origin(row)) for row in rows]


def build_registry(years: Sequence[ImportedYear]) -> CalendarRegistry:
    return CalendarRegistry(imported=years)


class SharedCalendars:
    """One database's calendars for this process: rebuilt when the stored years changed."""

    def __init__(self, engine: Engine | None) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._registry = build_registry(())
        self._stamp: Stamp | None = None  # None: not read from the database yet
        self._checked = float("-inf")
        self._warned = False

    def current(self, max_age: float = CHECK_SECONDS) -> CalendarRegistry:
        """The registry, after checking the database's version if the last check is older than
        ``max_age`` seconds (0: check now)."""
        if self.engine is not None and time.monotonic() - self._checked >= max_age:
            with self._lock:
                if time.monotonic() - self._checked >= max_age:
                    self._checked = time.monotonic()
                    self._reload_if_changed()
        return self._registry

    def _reload_if_changed(self) -> None:
        try:
            with new_session(self.engine) as session:
                stamp = stored_stamp(session)
                if stamp != self._stamp:
                    self._registry, self._stamp = build_registry(stored_years(session)), stamp
            self._warned = False
        except SQLAlchemyError as exc:
            # Not migrated yet, or unreachable: keep what we have and look again at the next check.
            if not self._warned:
                log.warning("无法读取数据库中的工作日安排（%s），暂用已有数据", type(exc).__name__)
                self._warned = True

    @property
    def stamp(self) -> Stamp | None:
        """The version of the stored years the current registry was built from (None: not read yet)."""
        return self._stamp

    def adopt(self, registry: CalendarRegistry, stamp: Stamp) -> None:
        """This process just committed an import: use the registry it built, no reload needed."""
        with self._lock:
            if self._stamp is None or stamp > self._stamp:
                self._registry, self._stamp, self._checked = registry, stamp, time.monotonic()


@lru_cache(maxsize=8)
def calendars_for(engine: Engine | None) -> SharedCalendars:
    return SharedCalendars(engine)


def configured_engine() -> Engine | None:
    """The configured database, or None for a SQLite file that does not exist yet (``ogi deadline`` in
    a fresh checkout computes from the shipped schedules without creating a database)."""
    from .settings import get_settings

    url = make_url(get_settings().database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
            and not Path(url.database).exists():
        return None
    return get_engine()


_configured: list[SharedCalendars] = []  # the configured database's, once it exists (asked per request)


def get_registry(max_age: float = CHECK_SECONDS) -> CalendarRegistry:
    """The registry of the configured database, re-read when a year was imported since."""
    shared = _configured[0] if _configured else _configure()
    return shared.current(max_age)


def _configure() -> SharedCalendars:
    engine = configured_engine()
    shared = calendars_for(engine)
    if engine is not None:  # a SQLite file not there yet is looked for again next time
        _configured[:] = [shared]
    return shared


def _cache_clear() -> None:
    _configured.clear()
    calendars_for.cache_clear()


get_registry.cache_clear = _cache_clear  # type: ignore[attr-defined]  (tests: a fresh registry)
