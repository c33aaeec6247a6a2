"""Property-based API testing against the app's own OpenAPI schema: no 5xx, and every answer conforms
to the schema — a documented status code, a documented content type (``application/problem+json`` for
errors) and a body that validates against the documented schema.

A few hundred generated requests with a fixed seed (derandomised), as a logged-in clerk.
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
    STATE["app_id"] = app["id"]
    schema.app = api.client.app  # the same app instance as the database-bound client
    return STATE["headers"]


@schema.parametrize()
@settings(max_examples=12, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_schema_conformance(case, clerk_headers):
    if case.path.endswith("/logout"):
        return  # would end the session the other cases use
    response = case.call(headers=clerk_headers)
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                             response_schema_conformance])
