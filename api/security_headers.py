"""Security headers on every response. The workbench runs no inline script (htmx and app.js are files under
/static), so the Content-Security-Policy allows scripts from this site only; inline styles stay allowed
(the printable reports and letters carry theirs). No page may be framed (clickjacking). The interactive
API documentation (Swagger UI, ReDoc) loads its scripts from a CDN and keeps only the framing rule."""

from __future__ import annotations

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = "frame-ancestors 'none'"
# The applicants' portal runs no script at all (it works without JavaScript): the largest attack surface
# gets the strictest policy.
PORTAL_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
              "frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")

_COMMON = [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"same-origin")]


def security_headers(path: str, present: set[bytes]) -> list[tuple[bytes, bytes]]:
    """The headers to add to a response to ``path`` that has the (lower-case) header names ``present``."""
    csp = DOCS_CSP if path.startswith(DOCS_PATHS) else PORTAL_CSP if path.startswith("/portal") else CSP
    added = [(k, v) for k, v in _COMMON if k not in present]
    if b"content-security-policy" not in present:  # a route may set a stricter one (letter previews)
        added.append((b"content-security-policy", csp.encode()))
    return added
