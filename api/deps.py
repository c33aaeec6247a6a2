"""FastAPI dependencies: a database session per request, the authenticated user, role requirements.

All of them are ``async`` and run on the event loop, including their short database work (the token
lookup, ending the session's transaction): FastAPI would run a plain ``def`` dependency in the thread
pool, where a one-row read queues for a thread and then for the GIL behind the requests running there
— a token lookup sent there took 1.9 s at the median on a busy worker (benchmarks/README.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from engine.actors import Actor
from engine.auth import AuthUser, NotAuthenticated, cached_authentication, check_token, touch_token
from engine.calendar_registry import get_registry
from engine.db import new_session
from engine.errors import Forbidden
from engine.case import local_today

from .csrf import check_cookie_request

bearer = HTTPBearer(auto_error=False, description="登录后获得的令牌：Authorization: Bearer <token>")
SESSION_COOKIE = "ogi_session"


async def get_session() -> AsyncIterator[Session]:
    session = new_session()  # no connection until first used
    try:
        yield session
    finally:
        session.close()  # ends a transaction still open (one round trip) and gives the connection back


@dataclass
class Principal:
    actor: Actor
    user: AuthUser
    token: str


async def current(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
    token = credentials.credentials if credentials else request.cookies.get(SESSION_COOKIE, "")
    if not token:
        raise NotAuthenticated("请先登录")
    if credentials is None:
        check_cookie_request(request, token)  # a browser may send the cookie on another site's behalf
    # A cache miss (once per token every few seconds) is one indexed read, done right here.
    known = cached_authentication(token)
    if known:
        actor, user = known
    else:
        actor, user, touch_due = _check(token)
        if touch_due:  # a workbench session's last use, at most once a minute: a write, so in a thread
            await run_in_threadpool(_touch, token)
    request.state.user = user.username
    return Principal(actor, user, token)


def _check(token: str) -> tuple[Actor, AuthUser, bool]:
    with new_session() as session:  # its own short read transaction (closing ends it), not the route's
        return check_token(session, token)


def _touch(token: str) -> None:
    with new_session() as session:
        touch_token(session, token)


def requires(*roles: str):
    """A route for holders of one of ``roles`` in at least one agency, or of ``platform_admin`` (the
    deployment-wide flag) when listed (the route then checks which agency)."""

    async def dependency(p: Principal = Depends(current)) -> Principal:
        if not any(p.actor.holds(role) for role in roles):
            from engine.models.user import ROLE_ZH

            raise Forbidden(f"需要以下角色之一：{'、'.join(ROLE_ZH[r] for r in roles)}")
        return p

    dependency.required_roles = roles  # read by the authorisation matrix test
    return dependency


def request_origin(request: Request):
    """Where a request came from, for the admin audit log."""
    from engine.admin_audit import Origin

    from .client import client_address, user_agent

    return Origin(ip=client_address(request), user_agent=user_agent(request))


async def today() -> date:
    return local_today()


async def registry():
    return get_registry()  # built at start-up (lifespan), so never on the event loop's time
