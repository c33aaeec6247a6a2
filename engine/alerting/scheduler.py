"""APScheduler 3 wiring: jobs defined in code, in-memory job store (the database is the state), and
leader election so exactly one scheduler runs however many processes start one.

PostgreSQL: a session-level advisory lock held on a dedicated connection for as long as the process
leads; a follower retries every 30 seconds and takes over when the leader's connection goes away.
SQLite (one host): an exclusive ``flock`` on a file next to the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..unit_of_work import LetterPort

import fcntl
import logging
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from ..calendar_change import ImportCatchUp
from ..calendar_registry import calendars_for, get_registry
from ..db import get_engine, is_postgres, new_session
from ..settings import Settings, get_settings

log = logging.getLogger("ogi.scheduler")
ADVISORY_KEY = 0x0617_0E11  # "OGI" scheduler
SHANGHAI = ZoneInfo("Asia/Shanghai")


class LeaderLock:
    def __init__(self, engine: Engine, data_dir: Path) -> None:
        self.engine, self.data_dir = engine, data_dir
        self._conn = None
        self._file = None

    def try_acquire(self) -> bool:
        if is_postgres(self.engine):
            conn = self.engine.connect()
            got = conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({ADVISORY_KEY})").scalar()
            conn.commit()
            if got:
                self._conn = conn
                return True
            conn.close()
            return False
        self.data_dir.mkdir(parents=True, exist_ok=True)
        f = open(self.data_dir / "scheduler.lock", "w")  # noqa: SIM115 - held while leading
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            return False
        self._file = f
        return True

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.exec_driver_sql(f"SELECT pg_advisory_unlock({ADVISORY_KEY})")
            finally:
                self._conn.close()
                self._conn = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def sweep_job(letters: LetterPort | None, catch_up: ImportCatchUp | None = None) -> None:
    from ..case import local_today
    from .delivery import deliver_pending
    from .sweep import run_sweep

    # The newest calendars, read now rather than up to a second old (an import may just have committed).
    with new_session() as s:
        registry = (catch_up or ImportCatchUp()).registry(s, calendars_for(get_engine()), local_today())
    report = run_sweep(new_session, registry, local_today(), letters)
    with new_session() as s:
        result = deliver_pending(s, get_settings())
    log.info("sweep: %s; deliveries %s", report, result)


def digest_job() -> None:
    from ..case import local_today
    from .delivery import build_digests, deliver_pending

    with new_session() as s:
        n = build_digests(s, local_today(), get_registry())
        deliver_pending(s, get_settings())
    log.info("digest: %d e-mails queued", n)


def deliver_job() -> None:
    from .delivery import deliver_pending

    with new_session() as s:
        deliver_pending(s, get_settings())


def build_scheduler(letters: LetterPort | None = None) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=SHANGHAI, job_defaults={"coalesce": True, "max_instances": 1,
                                                                     "misfire_grace_time": 600})
    scheduler.add_job(sweep_job, IntervalTrigger(minutes=15, timezone=SHANGHAI), id="sweep", name="期限扫描",
                      args=[letters, ImportCatchUp()], next_run_time=None)
    scheduler.add_job(digest_job, CronTrigger(hour=8, minute=30, timezone=SHANGHAI), id="digest", name="每日摘要")
    scheduler.add_job(deliver_job, IntervalTrigger(minutes=1, timezone=SHANGHAI), id="deliver", name="投递重试")
    return scheduler


class SchedulerService:
    """Starts the scheduler only while holding the leader lock; otherwise waits to take over."""

    def __init__(self, settings: Settings | None = None, retry_seconds: float = 30.0, letters: LetterPort | None = None) -> None:
        """``letters``: the letter-side steps (the front end passes them; the engine never imports letters/)."""
        self.settings = settings or get_settings()
        self.letters = letters
        self.retry_seconds = retry_seconds
        self.lock = LeaderLock(get_engine(self.settings.database_url), self.settings.data_dir)
        self.scheduler: BackgroundScheduler | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.leading = threading.Event()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.lock.try_acquire():
                log.info("scheduler: leader")
                self.leading.set()
                self.scheduler = build_scheduler(self.letters)
                self.scheduler.start()
                self.scheduler.modify_job("sweep", next_run_time=datetime.now(SHANGHAI))  # sweep on taking the lead
                self._stop.wait()
                self.scheduler.shutdown(wait=True)
                self.lock.release()
                self.leading.clear()
                return
            self._stop.wait(self.retry_seconds)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ogi-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=30)
