"""Authentication: passwords (argon2), opaque bearer tokens stored hashed, expiry, revocation, an idle
timeout for workbench sessions, and the login backoff (``login_limits``).

SQLite: the password check (~0.3 s of argon2) runs outside any transaction, and the write that follows
takes the write lock up front (``begin_write``): a read transaction upgraded to a write after another
client committed fails at once with SQLITE_BUSY, which the client would see as a 503."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select, update

from . import login_limits
from .actors import Actor, load_actor
from .db import begin_write, end_transaction
from .errors import DomainError, InputError
from .models import ApiToken, LoginFailure, User
from .passwords import hash_password, verify_password

TOKEN_HOURS = 12
TOUCH_EVERY = timedelta(minutes=1)  # a session's last use is written at most this often
_DUMMY_HASH = hash_password("timing-equaliser-not-a-password")


class NotAuthenticated(DomainError):
    status = 401
    title = "未登录或登录已过期"


class TooManyAttempts(DomainError):
    status = 429
    title = "请求过于频繁"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def login(session: Session, username: str, password: str, ip: str = "", user_agent: str = "",
          web: bool = False) -> tuple[str, User, datetime]:
    """Return (token, user, expiry). Refuses with one message for any bad credential; ``web``: a workbench
    session (the idle timeout applies)."""
    if not username or not password:
        raise InputError("请输入用户名和密码")
    wait = login_limits.wait_seconds(session, username, ip)
    if wait:
        exc = TooManyAttempts(f"登录失败次数过多，请{login_limits.wait_in_words(wait)}后再试")
        exc.retry_after = wait
        raise exc
    user = session.exec(select(User).where(User.username == username)).first()
    end_transaction(session)  # no transaction (nor lock) held across the password check
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password) and bool(user and user.active)
    token = secrets.token_urlsafe(32)
    expires = _now() + timedelta(hours=TOKEN_HOURS)
    with begin_write(session):
        if ok:
            session.add(ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=expires,
                                 user_agent=user_agent[:200], ip=ip[:64], web=web))
        else:
            login_limits.record_failure(session, username, ip)
    if not ok:
        raise NotAuthenticated("用户名或密码不正确")
    return token, user, expires


def recent_logins(session: Session, user: AuthUser, limit: int = 10) -> dict:
    """The user's latest logins (when, from where, with what) and failed attempts under their name."""
    tokens = session.exec(select(ApiToken).where(ApiToken.user_id == user.id)
                          .order_by(ApiToken.created_at.desc()).limit(limit)).all()
    failures = session.exec(select(LoginFailure).where(LoginFailure.username == user.username)
                            .order_by(LoginFailure.at.desc()).limit(limit)).all()
    now = _now()
    return {
        "logins": [{"at": _aware(t.created_at).isoformat(), "ip": t.ip, "user_agent": t.user_agent,
                    "kind": "工作台" if t.web else "API",
                    "last_used_at": _aware(t.last_used_at).isoformat() if t.last_used_at else None,
                    "active": t.revoked_at is None and _aware(t.expires_at) > now} for t in tokens],
        "failures": [{"at": _aware(f.at).isoformat(), "ip": f.ip} for f in failures],
    }


@dataclass(frozen=True)
class AuthUser:
    """A plain snapshot of the authenticated user (safe to cache across sessions)."""

    id: int
    username: str
    display_name: str


_CACHE: dict[str, tuple[float, Actor, AuthUser]] = {}
CACHE_SECONDS = 5.0  # a token revoked in another process is refused here at most this much later


def cached_authentication(token: str) -> tuple[Actor, AuthUser] | None:
    """The answer ``authenticate`` gave for this token less than CACHE_SECONDS ago, without the database."""
    hit = _CACHE.get(_digest(token)) if token else None
    return (hit[1], hit[2]) if hit and hit[0] > time.monotonic() else None


def authenticate(session: Session, token: str) -> tuple[Actor, AuthUser]:
    """The token's user; records a workbench session's use when due (a short write of its own)."""
    actor, user, touch_due = check_token(session, token)
    if touch_due:
        touch_token(session, token)
    return actor, user


def check_token(session: Session, token: str) -> tuple[Actor, AuthUser, bool]:
    """``authenticate`` without writing: the bool says the session's last use is due to be recorded
    (``touch_token``, at most every TOUCH_EVERY)."""
    known = cached_authentication(token)
    if known:
        return *known, False
    digest = _digest(token) if token else ""
    actor, user, touch_due = _authenticate(session, digest)
    if len(_CACHE) > 10_000:
        _CACHE.clear()
    _CACHE[digest] = (time.monotonic() + CACHE_SECONDS, actor, user)
    return actor, user, touch_due


def _idle_minutes() -> int:
    from .settings import get_settings

    return get_settings().idle_timeout_minutes


def _authenticate(session: Session, digest: str) -> tuple[Actor, AuthUser, bool]:
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest)).first() if digest else None
    now = _now()
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= now:
        raise NotAuthenticated("登录已失效，请重新登录")
    last_use = _aware(row.last_used_at or row.created_at)
    if row.web and now - last_use > timedelta(minutes=_idle_minutes()):
        raise NotAuthenticated(f"超过{_idle_minutes()}分钟未操作，请重新登录")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise NotAuthenticated("账号已停用")
    touch_due = row.web and now - last_use >= TOUCH_EVERY
    return load_actor(session, user.id), AuthUser(user.id, user.username, user.display_name), touch_due


def touch_token(session: Session, token: str) -> None:
    """Record that a workbench session was used now (its idle timeout starts again)."""
    with begin_write(session):
        session.exec(update(ApiToken).where(ApiToken.token_hash == _digest(token)).values(last_used_at=_now()))


def logout(session: Session, token: str) -> None:
    _CACHE.pop(_digest(token), None)
    session.exec(update(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None))
                 .values(revoked_at=_now()))
    session.commit()


def revoke_all_tokens(session: Session, user_id: int) -> None:
    for key in [k for k, v in _CACHE.items() if v[2].id == user_id]:
        _CACHE.pop(key, None)
    session.exec(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                 .values(revoked_at=_now()))


def revoke_every_token(session: Session) -> int:
    """After a restore: end every login (a backup holds tokens that were valid when it was taken, and
    whoever held one could use it again). Clears this process's token cache; other processes' caches
    forget a token within CACHE_SECONDS. The caller commits. Returns how many tokens were ended."""
    _CACHE.clear()
    result = session.exec(update(ApiToken).where(ApiToken.revoked_at.is_(None)).values(revoked_at=_now()))
    return result.rowcount
