"""Browser sessions: the login token in an HttpOnly cookie; a CSRF token derived from it on every form."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from engine.auth import TOKEN_HOURS, NotAuthenticated, authenticate
from engine.db import end_transaction

from ..csrf import CSRF_FIELD, csrf_for, csrf_matches
from ..deps import SESSION_COOKIE, Principal

__all__ = ["CSRF_FIELD", "csrf_for", "csrf_ok", "login_redirect", "principal", "set_session_cookie"]


def principal(request: Request, session: Session) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    try:
        actor, user = authenticate(session, token)
    except NotAuthenticated:
        return None
    end_transaction(session)
    return Principal(actor, user, token)


def login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def csrf_ok(p: Principal, submitted: str | None) -> bool:
    return csrf_matches(p.token, submitted)


def set_session_cookie(response, token: str, request: Request) -> None:
    """Secure when the request came over https or OGI_COOKIE_SECURE=1 (behind a TLS proxy that does not
    tell uvicorn the scheme)."""
    from engine.settings import get_settings

    secure = get_settings().cookie_secure or request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure,
                        max_age=TOKEN_HOURS * 3600, path="/")
