"""One error format everywhere: RFC 9457 problem details with a Chinese ``detail``.

No stack trace leaves the server; every problem carries the request id that is also in the logs.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from calendars import CalendarError, CalendarFileInvalid, CalendarNotAvailable, UnknownRegion
from engine.errors import DomainError
from engine.validation import MESSAGES

log = logging.getLogger("ogi.api")

PROBLEM_TYPE = "application/problem+json"
STATUS_TITLES = {
    400: "请求有误",
    401: "未登录或登录已过期",
    403: "无权操作",
    404: "未找到",
    405: "不支持的请求方法",
    409: "冲突",
    413: "请求体过大",
    415: "不支持的内容类型",
    422: "输入有误",
    429: "请求过于频繁",
    500: "服务器内部错误",
    503: "服务暂不可用",
}


def request_id(request: Request) -> str:
    return getattr(request.state, "request_id", "-")


def problem(request: Request, status: int, detail: str, *, title: str | None = None, **extra: object) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": title or STATUS_TITLES.get(status, "错误"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": request_id(request),
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_TYPE)


NOT_PAGES = ("/api/", "/docs", "/redoc", "/openapi.json", "/healthz", "/static/")


def workbench_page(request: Request) -> bool:
    """A browser asking for a workbench address (not the API's): errors answer as a Chinese page."""
    path = request.url.path
    return not path.startswith(NOT_PAGES) and "text/html" in request.headers.get("accept", "")


async def web_error(request: Request, status: int, message: str) -> Response:
    from fastapi.concurrency import run_in_threadpool

    from api.web.pages import error_page

    return await run_in_threadpool(error_page, request, status, message)


# The path parameters' names in Chinese (the routes declare the same names throughout).
PATH_LABELS = {"app_id": "申请编号", "letter_id": "文书编号", "user_id": "用户编号", "grant_id": "角色授权编号",
               "alert_id": "提醒编号", "agency_id": "机关编号", "applicant_id": "申请人编号", "year": "年度",
               "agency": "机关", "event": "操作", "code": "代码", "name": "名称"}


def _param_labels(request: Request) -> dict[str, str]:
    """The Chinese names of the route's query, path and header parameters: their title, or a short
    description (``Query(description="期限（工作日）")``)."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return {}
    labels = dict(PATH_LABELS)
    for param in (*dependant.query_params, *dependant.path_params, *dependant.header_params):
        info = param.field_info
        label = info.title or (info.description if info.description and len(info.description) <= 20 else None)
        if label:
            labels[param.alias] = label
    return labels


def _field_name(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "请求体"


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        extra: dict = {"field": exc.field} if exc.field else {}
        if exc.current is not None:
            extra["current"] = exc.current  # a conflict answers with the current state
        response = problem(request, exc.status, exc.message, title=exc.title, **extra)
        if exc.retry_after:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(CalendarError)
    async def _calendar(request: Request, exc: CalendarError) -> JSONResponse:
        if isinstance(exc, CalendarFileInvalid):
            detail = f"日历文件有 {len(exc.problems)} 处错误，未导入任何数据：" + "；".join(exc.problems[:5])
            return problem(request, 422, detail, problems=exc.problems)
        status = 422 if isinstance(exc, (CalendarNotAvailable, UnknownRegion)) else 400
        extra = {"year": exc.year} if isinstance(exc, CalendarNotAvailable) else {}
        return problem(request, status, str(exc), **extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if workbench_page(request):  # /applications/abc: no such page
            return await web_error(request, 404, "页面不存在：地址中的编号无效")
        errors, named, labels = [], [], _param_labels(request)
        for err in exc.errors():
            field = _field_name(tuple(err.get("loc", ())))
            message = MESSAGES.get(err.get("type", ""), "取值无效")
            if err.get("type") == "value_error":
                message = str((err.get("ctx") or {}).get("error") or message)
            errors.append({"field": field, "message": message})
            named.append(message if message.startswith("“") else f"“{labels.get(field, field)}”{message}")
        detail = "；".join(named[:10]) or "请求无效"
        return problem(request, 422, detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if workbench_page(request) and exc.status_code in (404, 405):
            return await web_error(request, 404, "页面不存在，请检查地址或从待办进入")
        detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else STATUS_TITLES.get(
            exc.status_code, "请求无法处理"
        )
        response = problem(request, exc.status_code, detail)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        # A connection the database dropped (a restart, a failover) or a database that does not answer:
        # the transaction did not happen, the pool renews its connections, and a retry will do.
        if exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError)):
            log.warning("database unavailable request_id=%s: %s", request_id(request), type(exc.orig).__name__)
            response = problem(request, 503, "数据库暂时无法连接，本次操作未生效，请稍后重试")
            response.headers["Retry-After"] = "1"
            return response
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error request_id=%s", request_id(request))
        return problem(request, 500, f"服务器内部错误，请联系管理员并提供请求编号 {request_id(request)}")
