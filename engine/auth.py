"""Authentication: passwords (argon2), opaque bearer tokens stored hashed, expiry, revocation, and
a limit on failed logins (per user name and per client address)."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlmodel import Session, func, select, update

from .actors import Actor, load_actor
from .errors import DomainError, InputError
from .models import ApiToken, LoginFailure, User
from .passwords import hash_password, verify_password

TOKEN_HOURS = 12
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_IP = 30
FAILURE_WINDOW = timedelta(minutes=15)
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


def login(session: Session, username: str, password: str, ip: str = "", user_agent: str = "") -> tuple[str, User, datetime]:
    """Return (token, user, expiry). Refuses with one message for any bad credential."""
    if not username or not password:
        raise InputError("请输入用户名和密码")
    since = _now() - FAILURE_WINDOW
    by_user = session.exec(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.username == username, LoginFailure.at >= since)).one()
    by_ip = session.exec(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.ip == ip, LoginFailure.at >= since)).one() if ip else 0
    if by_user >= MAX_FAILURES_PER_USER or by_ip >= MAX_FAILURES_PER_IP:
        raise TooManyAttempts("登录失败次数过多，请15分钟后再试")
    user = session.exec(select(User).where(User.username == username)).first()
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password) and bool(user and user.active)
    if not ok:
        session.add(LoginFailure(username=username[:64], ip=ip[:64]))
        session.commit()
        raise NotAuthenticated("用户名或密码不正确")
    token = secrets.token_urlsafe(32)
    expires = _now() + timedelta(hours=TOKEN_HOURS)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=expires, user_agent=user_agent[:200]))
    session.commit()
    return token, user, expires


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
    known = cached_authentication(token)
    if known:
        return known
    digest = _digest(token) if token else ""
    actor, user = _authenticate(session, digest)
    if len(_CACHE) > 10_000:
        _CACHE.clear()
    _CACHE[digest] = (time.monotonic() + CACHE_SECONDS, actor, user)
    return actor, user


def _authenticate(session: Session, digest: str) -> tuple[Actor, AuthUser]:
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest)).first() if digest else None
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= _now():
        raise NotAuthenticated("登录已失效，请重新登录")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise NotAuthenticated("账号已停用")
    return load_actor(session, user.id), AuthUser(user.id, user.username, user.display_name)


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
