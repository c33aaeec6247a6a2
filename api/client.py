"""What the application knows of the client. The address is the one uvicorn gives: behind a reverse
proxy, run uvicorn with ``--proxy-headers`` (and ``--forwarded-allow-ips`` naming the proxy) so that it is
the address in ``X-Forwarded-For`` rather than the proxy's (docs/deployment.md)."""

from __future__ import annotations

from fastapi import Request


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def user_agent(request: Request) -> str:
    return request.headers.get("user-agent", "")
