"""The error answers in /openapi.json: every 4xx (and the 503 of a database outage) is an RFC 9457
problem (``api/problems.py``), sent as ``application/problem+json``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from ..problems import PROBLEM_TYPE, STATUS_TITLES


class FieldProblem(BaseModel):
    field: str = Field(description="字段")
    message: str = Field(description="错误说明")


class Problem(BaseModel):
    """问题详情（RFC 9457）。"""

    type: str = Field(description="问题类型，固定为 about:blank")
    title: str = Field(description="标题（中文）")
    status: int = Field(description="HTTP 状态码")
    detail: str = Field(description="说明（中文）")
    instance: str = Field(description="请求路径")
    request_id: str = Field(description="请求编号，与日志一致")
    field: str | None = Field(default=None, description="出错的字段")
    errors: list[FieldProblem] | None = Field(default=None, description="输入校验：每个字段的错误")
    problems: list[str] | None = Field(default=None, description="日历文件：每处错误及行号")
    year: int | None = Field(default=None, description="未载入的年份")
    current: Any = Field(default=None, description="冲突时的当前状态")


PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def errors(*codes: int, **described: str) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entries of these statuses, each a problem; ``described`` gives a route's own
    wording of a status (``s409="版本冲突"``)."""
    wording = {int(k.removeprefix("s")): v for k, v in described.items()}
    return {code: {"description": wording.get(code, STATUS_TITLES[code]),
                   "content": {PROBLEM_TYPE: {"schema": PROBLEM_REF}}}
            for code in (*codes, *wording)}


# What every API route can answer: a body that is not JSON (400), not logged in, a body too large (413,
# api/middleware.py), bad input, the database unreachable.
COMMON = errors(400, 401, 413, 422, 503)


def document(app: FastAPI) -> None:
    """The app's OpenAPI with the Problem schema the error answers refer to (FastAPI puts a ``model``
    under the route's own media type, so the problem responses name the schema by reference)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(problem.pop("$defs", {}))
            components["Problem"] = problem
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
