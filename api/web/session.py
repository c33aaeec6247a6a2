"""Browser sessions: the login token in an HttpOnly cookie; a CSRF token derived from it on every form."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from engine.auth import NotAuthenticated, authenticate
from engine.db import end_transaction

from ..deps import SESSION_COOKIE, Principal

CSRF_FIELD = "csrf"


def csrf_for(token: str) -> str:
    return hmac.new(token.encode(), b"ogi-csrf", hashlib.sha256).hexdigest()[:32]


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
    return bool(submitted) and hmac.compare_digest(csrf_for(p.token), submitted)


def set_session_cookie(response, token: str, secure: bool) -> None:
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure, max_age=12 * 3600, path="/")
