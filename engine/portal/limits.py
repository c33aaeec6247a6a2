"""Rate limits per client address, the login backoff's idea (engine.login_limits) applied to the portal:
failed progress look-ups and letter checks slow their address down, submissions per address are
capped per hour. A refusal records nothing, so every wait ends on its own."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from sqlmodel import Session, func, select

from ..auth import TooManyAttempts
from ..models import OnlineSubmission, PortalFailure

WINDOW = timedelta(minutes=15)
FAILURES_PER_WINDOW = 20  # unknown numbers, wrong codes, unknown letters: then wait
SUBMISSIONS_PER_HOUR = 10


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _refuse(until: datetime, what: str) -> None:
    wait = max(math.ceil((until - _now()).total_seconds()), 1)
    exc = TooManyAttempts(f"{what}过于频繁，请{wait if wait < 60 else math.ceil(wait / 60)}"
                          f"{'秒' if wait < 60 else '分钟'}后再试")
    exc.retry_after = wait
    raise exc


def check_lookups(session: Session, ip: str) -> None:
    """Refuse an address with too many failed look-ups in the window (429 with Retry-After)."""
    times = session.exec(select(PortalFailure.at).where(PortalFailure.ip == ip, PortalFailure.at >= _now() - WINDOW)
                         .order_by(PortalFailure.at.desc()).limit(FAILURES_PER_WINDOW)).all()
    if len(times) >= FAILURES_PER_WINDOW:
        _refuse(_aware(times[-1]) + WINDOW, "查询失败次数")


def record_failure(session: Session, ip: str) -> None:
    """In its own short transaction: the caller's answer is a refusal, which rolls back."""
    session.add(PortalFailure(ip=ip[:64]))
    session.commit()


def check_submissions(session: Session, ip: str) -> None:
    since = _now() - timedelta(hours=1)
    count = session.exec(select(func.count()).select_from(OnlineSubmission).where(
        OnlineSubmission.ip == ip, OnlineSubmission.submitted_at >= since)).one()
    if count >= SUBMISSIONS_PER_HOUR:
        first = session.exec(select(OnlineSubmission.submitted_at).where(
            OnlineSubmission.ip == ip, OnlineSubmission.submitted_at >= since)
            .order_by(OnlineSubmission.submitted_at)).first()
        _refuse(_aware(first) + timedelta(hours=1), "提交申请")
