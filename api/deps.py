"""FastAPI dependencies: a database session per request, the authenticated user, role requirements."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from engine.actors import Actor
from engine.auth import AuthUser, NotAuthenticated, authenticate
from engine.calendar_registry import get_registry
from engine.db import new_session
from engine.errors import Forbidden
from engine.services import local_today

bearer = HTTPBearer(auto_error=False, description="登录后获得的令牌：Authorization: Bearer <token>")
SESSION_COOKIE = "ogi_session"


def get_session() -> Iterator[Session]:
    session = new_session()
    try:
        yield session
    finally:
        session.close()


@dataclass
class Principal:
    actor: Actor
    user: AuthUser
    token: str


def current(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
            session: Session = Depends(get_session)) -> Principal:
    token = credentials.credentials if credentials else request.cookies.get(SESSION_COOKIE, "")
    if not token:
        raise NotAuthenticated("请先登录")
    actor, user = authenticate(session, token)
    session.rollback()
    request.state.user = user.username
    return Principal(actor, user, token)


def requires(*roles: str):
    """A route for holders of one of ``roles`` in at least one agency (the route then checks which)."""

    def dependency(p: Principal = Depends(current)) -> Principal:
        held = {role for _, role in p.actor.grants}
        if not held & set(roles):
            from engine.models.user import ROLE_ZH

            raise Forbidden(f"需要以下角色之一：{'、'.join(ROLE_ZH[r] for r in roles)}")
        return p

    dependency.required_roles = roles  # read by the authorisation matrix test
    return dependency


def today() -> date:
    return local_today()


def registry():
    return get_registry()
