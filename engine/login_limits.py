"""The login backoff. Failed logins slow down the (user name, client address) pair that failed, not the
user: nobody can lock a colleague out by typing their name with wrong passwords, nor an office behind
one NAT address by failing from it.

- **The pair.** After ``FREE_FAILURES`` failures in ``WINDOW`` the pair waits 1 s, 2 s, 4 s … after its
  last failure before its next try; with ``LOCK_FAILURES`` failures it waits until one of them leaves
  the window (up to 15 minutes). Other addresses are not affected.
- **The address.** An address with ``ADDRESS_CEILING`` failures in the window (a password spray over many
  user names) is refused for every user name it has already failed with; a user name it has not failed
  with still gets its try, so a colleague behind the same NAT logs in normally.
- **The user across addresses.** A user name failed ``USER_CEILING`` times from any addresses (a
  distributed guess) is refused from addresses it has never logged in from; the addresses its owner
  logged in from before stay open.

A refused attempt checks no password and records nothing, so every wait ends on its own.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select

from .models import ApiToken, LoginFailure, User

WINDOW = timedelta(minutes=15)
FREE_FAILURES = 3
LOCK_FAILURES = 10
ADDRESS_CEILING = 100
USER_CEILING = 50


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _recent(session: Session, limit: int, *where) -> list[datetime]:
    """The times of the latest ``limit`` failures matching ``where`` in the window, newest first."""
    rows = session.exec(select(LoginFailure.at).where(*where, LoginFailure.at >= _now() - WINDOW)
                        .order_by(LoginFailure.at.desc()).limit(limit)).all()
    return [_aware(at) for at in rows]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _until_fewer_than(times: list[datetime], ceiling: int) -> datetime | None:
    """When fewer than ``ceiling`` of these failures are left in the window (None: already fewer)."""
    return times[ceiling - 1] + WINDOW if len(times) >= ceiling else None


def wait_seconds(session: Session, username: str, ip: str) -> int:
    """How long this pair must wait before its password is checked again; 0 when it may try now."""
    pair = _recent(session, LOCK_FAILURES, LoginFailure.username == username, LoginFailure.ip == ip)
    ends = [_until_fewer_than(pair, LOCK_FAILURES)]
    if len(pair) >= FREE_FAILURES:
        ends.append(pair[0] + timedelta(seconds=2 ** (len(pair) - FREE_FAILURES)))
    if pair and ip:
        ends.append(_until_fewer_than(_recent(session, ADDRESS_CEILING, LoginFailure.ip == ip), ADDRESS_CEILING))
    spread = _recent(session, USER_CEILING, LoginFailure.username == username)
    if len(spread) >= USER_CEILING and not _known_address(session, username, ip):
        ends.append(_until_fewer_than(spread, USER_CEILING))
    until = max((end for end in ends if end), default=None)
    now = _now()
    return max(math.ceil((until - now).total_seconds()), 1) if until and until > now else 0


def _known_address(session: Session, username: str, ip: str) -> bool:
    """Whether the user has logged in successfully from this address before."""
    return bool(ip) and session.exec(select(ApiToken.id).join(User, User.id == ApiToken.user_id).where(
        User.username == username, ApiToken.ip == ip).limit(1)).first() is not None


def record_failure(session: Session, username: str, ip: str) -> None:
    session.add(LoginFailure(username=username[:64], ip=ip[:64]))


def wait_in_words(seconds: int) -> str:
    return f"{seconds}秒" if seconds < 60 else f"{math.ceil(seconds / 60)}分钟"
