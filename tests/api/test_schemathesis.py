"""Property-based API testing against the app's own OpenAPI schema: no 5xx, and every answer conforms
to the schema — a documented status code, a documented content type (``application/problem+json`` for
errors) and a body that validates against the documented schema.

A few hundred generated requests with a fixed seed (derandomised), as a logged-in clerk. Half the
generated application and letter ids are those of a registered application and of a letter, half the
agency codes are the clerk's agency, and half the events are ``start_review`` (no input), so the success
answers are checked too, not only the 404s — the event's answer among them, which the server sends
without validating it (api/responses.py).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())
STATE: dict = {}


@pytest.fixture
def clerk_headers(api):
    app = api.register()
    STATE["headers"] = api.headers("clerk")
    noticed = api.register()  # a second application, with a letter: a correction notice draft
    api.event("clerk", noticed["id"], "start_review")
    letters = api.event("clerk", noticed["id"], "request_correction", {"items": ["请写明文件名称"]}).json()["letters"]
    STATE["ids"] = {"app_id": app["id"], "letter_id": letters[0]["id"]}
    schema.app = api.client.app  # the same app instance as the database-bound client
    return STATE["headers"]


@schema.parametrize()
@settings(max_examples=12, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_schema_conformance(case, clerk_headers):
    if case.path.endswith("/logout"):
        return  # would end the session the other cases use
    for name, value in (case.path_parameters or {}).items():
        if name in STATE["ids"] and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = STATE["ids"][name]
        if name == "event" and isinstance(value, str) and len(value) % 2 == 0:
            case.path_parameters[name], case.body = "start_review", {}
    if isinstance(case.query, dict) and isinstance(case.query.get("agency"), str) and len(case.query["agency"]) % 2 == 0:
        case.query["agency"] = "DEMO"
    response = case.call(headers=clerk_headers)
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                             response_schema_conformance])
