"""Every /api/v1 route documents its answers: a response model (or a declared file media type) for
success, and problem details (``application/problem+json``) for its errors."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel

from api.main import API_PREFIX, API_ROUTERS, create_app

APP = create_app()
# The routes of the routers the app mounts under /api/v1 (FastAPI keeps an included router's routes
# behind a private wrapper in ``app.routes``; the routers themselves are public).
ROUTES = [r for router in API_ROUTERS for r in router.routes if isinstance(r, APIRoute)]
NAMES = [f"{sorted(r.methods)[0]} {API_PREFIX}{r.path}" for r in ROUTES]


def _is_model(annotation) -> bool:
    """A pydantic model, or a list of one (a bare ``dict`` documents nothing)."""
    args = getattr(annotation, "__args__", None)
    target = args[0] if getattr(annotation, "__origin__", None) is list and args else annotation
    return isinstance(target, type) and issubclass(target, BaseModel)


def _declared_media_types(route: APIRoute) -> set[str]:
    success = route.responses.get(route.status_code or 200) or route.responses.get(200) or {}
    return set(success.get("content", {}))


def test_the_walk_finds_every_api_route():
    documented = {f"{method.upper()} {path}" for path, ops in APP.openapi()["paths"].items()
                  if path.startswith(API_PREFIX) for method in ops}
    assert documented == set(NAMES) and len(NAMES) > 30


@pytest.mark.parametrize("route", ROUTES, ids=NAMES)
def test_every_route_has_a_response_model_or_a_declared_media_type(route: APIRoute):
    success = route.responses.get(route.status_code or 200) or route.responses.get(200) or {}
    assert _is_model(route.response_model) or _is_model(success.get("model")) or \
        _declared_media_types(route) - {"application/json"}, f"{NAMES[ROUTES.index(route)]} 未声明响应模型"


@pytest.mark.parametrize("route", ROUTES, ids=NAMES)
def test_every_route_documents_its_errors_as_problems(route: APIRoute):
    operation = APP.openapi()["paths"][API_PREFIX + route.path][sorted(route.methods)[0].lower()]
    errors = {code: r for code, r in operation["responses"].items() if code.startswith("4")}
    assert "422" in errors  # every route takes input somewhere
    for code, response in errors.items():
        assert list(response["content"]) == ["application/problem+json"], code
        assert response["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_the_problem_schema_is_in_the_components():
    problem = APP.openapi()["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance", "request_id"} <= set(problem["required"])
