"""Cross-site request forgery. A request that a browser sends on the session cookie's authority must
prove it comes from our own pages: it carries the CSRF token derived from the session (a hidden form
field, or the ``X-CSRF-Token`` header that app.js adds to every htmx request), and, for the API, an
``Origin`` (or, without one, a ``Referer``) of this site. Bearer tokens are never sent by a browser on its
own, so requests carrying one need neither."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from fastapi import Request

from engine.errors import Forbidden

CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def csrf_for(token: str) -> str:
    return hmac.new(token.encode(), b"ogi-csrf", hashlib.sha256).hexdigest()[:32]


def csrf_matches(token: str, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(csrf_for(token), str(submitted))


def _origin(url: str) -> tuple[str, str, int | None] | None:
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def same_origin(request: Request) -> bool:
    """Whether the request's ``Origin`` (else ``Referer``) names this site: the scheme and host the request
    arrived with (uvicorn's ``--proxy-headers`` gives the scheme behind a TLS proxy) or one of
    ``OGI_TRUSTED_ORIGINS``. Neither header: False."""
    from engine.settings import get_settings

    claimed = request.headers.get("origin") or request.headers.get("referer")
    source = _origin(claimed) if claimed else None
    if source is None:
        return False
    own = [f"{request.url.scheme}://{request.headers.get('host', '')}", *get_settings().trusted_origins]
    return source in {_origin(o) for o in own}


def check_cookie_request(request: Request, session_token: str) -> None:
    """Refuse an unsafe API request authenticated by the session cookie without the CSRF token and a
    same-origin ``Origin``/``Referer``."""
    if request.method in SAFE_METHODS:
        return
    if not csrf_matches(session_token, request.headers.get(CSRF_HEADER)):
        raise Forbidden("缺少或无效的防跨站请求令牌（X-CSRF-Token），请刷新页面后重试；脚本调用请使用 Bearer 令牌")
    if not same_origin(request):
        raise Forbidden("请求来源（Origin/Referer）不是本站，已拒绝")
