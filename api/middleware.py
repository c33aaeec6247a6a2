"""Request ids in every log line and response; a cap on request body size; security headers; no query
values in the access logs (searches carry applicants' names, phone and ID numbers)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .security_headers import security_headers

log = logging.getLogger("ogi.access")
MAX_BODY_BYTES = 2 * 1024 * 1024
# File uploads (the case file): the agency's own limit is checked while the file is stored
# (engine/documents/intake.py); here only the largest limit an agency may set, plus the form around it.
UPLOAD_PATH = re.compile(r"^(/api/v1)?/applications/\d+/documents(/\d+/replace)?$")
MAX_UPLOAD_BYTES = 2049 * 1024 * 1024


class RequestContext:
    """Pure ASGI middleware: assigns ``request.state.request_id``, refuses oversize bodies, logs."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES, max_upload: int = MAX_UPLOAD_BYTES) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")[:64]
        rid = rid if rid and rid.replace("-", "").isalnum() else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status_holder = {"status": 500}

        limit = self.max_upload if UPLOAD_PATH.match(scope.get("path", "")) else self.max_body
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            await _too_large(scope, send, rid, limit)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode()))
                headers += security_headers(scope.get("path", ""), {k.lower() for k, _ in headers})
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_id)
        except _BodyTooLarge:
            await _too_large(scope, send, rid, limit)
            status_holder["status"] = 413
        finally:
            log.info(
                "request_id=%s %s %s%s %s %.1fms",
                rid, scope.get("method"), scope.get("path"), redacted_query(scope.get("query_string", b"")),
                status_holder["status"], (time.perf_counter() - started) * 1000,
            )


def redacted_query(query: bytes | str) -> str:
    """``?q=*&page=*``: which parameters a request had, never their values."""
    text = query.decode("latin-1") if isinstance(query, bytes) else query
    names = [name for name, _ in parse_qsl(text, keep_blank_values=True)]
    return "?" + "&".join(f"{name}=*" for name in names) if names else ""


class RedactAccessLog(logging.Filter):
    """For uvicorn's access log (``uvicorn.access``, whose third argument is the path with its query
    string): the same line with the query values replaced by ``*``."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            path, query = args[2].split("?", 1)
            record.args = (*args[:2], path + redacted_query(query), *args[3:])
        return True


def redact_uvicorn_access_log() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactAccessLog) for f in logger.filters):
        logger.addFilter(RedactAccessLog())


class _BodyTooLarge(Exception):
    pass


async def _too_large(scope: Scope, send: Send, rid: str, limit: int = MAX_BODY_BYTES) -> None:
    import json

    body = json.dumps(
        {"type": "about:blank", "title": "请求体过大", "status": 413,
         "detail": f"请求体超过 {limit // 1024 // 1024} MB 上限", "instance": scope["path"], "request_id": rid},
        ensure_ascii=False,
    ).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/problem+json"), (b"x-request-id", rid.encode())]})
    await send({"type": "http.response.body", "body": body})
