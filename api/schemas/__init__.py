"""Response bodies of the API, a module per concept: what /openapi.json documents and what a route's
answer is validated against (a field the server sends but no model declares fails the tests)."""
