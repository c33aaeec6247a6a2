"""Every route × every role × own agency / other agency. The route table is read from the app: a new
route without an entry in ACCESS fails this test until someone decides who may use it."""

import pytest

PUBLIC, USER, CASE, ADMIN, REPORT = "public", "user", "case", "admin", "report"
PLATFORM, AUDIT = "platform", "audit"  # the platform administrator only; legal staff and the platform admin
INTAKE = "intake"  # clerks (the online submissions of their own agencies)
FREEZE = "freeze"  # the agency's legal staff or its administrator (freezing a published report year)
PROACTIVE, PROACTIVE_DECIDE = "proactive", "proactive_decide"  # art 44: clerks, heads, legal read; heads decide
QUERIES = {  # query strings for routes that need them (the DEMO agency's own report)
    "/api/v1/reports/annual": "?agency=DEMO&year=2026",
    "/api/v1/reports/annual/cell": "?agency=DEMO&year=2026&row=1&column=total",
    "/api/v1/reports/audit": "?agency=DEMO&from=2026-01-01&to=2026-12-31",
}

# (method, path) → access class. CASE routes belong to an application of an agency.
ACCESS = {
    ("GET", "/healthz"): PUBLIC,
    ("POST", "/api/v1/auth/login"): PUBLIC,
    ("GET", "/api/v1/calendar/deadline"): PUBLIC,
    ("GET", "/api/v1/calendar/years"): PUBLIC,
    ("GET", "/api/v1/calendar/{year}"): PUBLIC,
    ("POST", "/api/v1/auth/logout"): USER,
    ("GET", "/api/v1/auth/me"): USER,
    ("GET", "/api/v1/auth/logins"): USER,
    ("GET", "/api/v1/fees/quote"): USER,
    ("GET", "/api/v1/applications"): USER,
    ("GET", "/api/v1/alerts"): USER,
    ("POST", "/api/v1/alerts/read"): USER,
    ("GET", "/api/v1/reports/annual"): REPORT,
    ("GET", "/api/v1/reports/annual/cell"): REPORT,
    ("GET", "/api/v1/reports/audit"): REPORT,
    ("POST", "/api/v1/reports/annual/freeze"): FREEZE,
    ("POST", "/api/v1/alerts/{alert_id}/read"): CASE,
    ("POST", "/api/v1/applications"): USER,
    ("GET", "/api/v1/applications/{app_id}"): CASE,
    ("GET", "/api/v1/applications/{app_id}/actions"): CASE,
    ("POST", "/api/v1/applications/{app_id}/events/{event}"): CASE,
    ("GET", "/api/v1/applications/{app_id}/audit"): CASE,
    ("POST", "/api/v1/applicants/{applicant_id}/reveal"): CASE,
    ("POST", "/api/v1/applications/{app_id}/applicant/reveal"): CASE,
    ("GET", "/api/v1/applications/{app_id}/signals"): CASE,
    ("GET", "/api/v1/letters/{letter_id}"): CASE,
    ("PATCH", "/api/v1/letters/{letter_id}"): CASE,
    ("GET", "/api/v1/letters/{letter_id}/preview"): CASE,
    ("GET", "/api/v1/letters/{letter_id}/pdf"): CASE,
    ("GET", "/api/v1/letters/{letter_id}/archive.pdf"): CASE,
    ("POST", "/api/v1/letters/{letter_id}/issue"): CASE,
    ("POST", "/api/v1/letters/{letter_id}/void"): CASE,
    ("POST", "/api/v1/letters/{letter_id}/reissue"): CASE,
    ("POST", "/api/v1/calendar/import"): PLATFORM,
    ("GET", "/api/v1/admin/agencies"): ADMIN,
    ("POST", "/api/v1/admin/agencies"): PLATFORM,
    ("PATCH", "/api/v1/admin/agencies/{agency_id}"): ADMIN,
    ("GET", "/api/v1/admin/users"): ADMIN,
    ("POST", "/api/v1/admin/users"): ADMIN,
    ("POST", "/api/v1/admin/users/{user_id}/roles"): ADMIN,
    ("DELETE", "/api/v1/admin/users/{user_id}/roles/{grant_id}"): ADMIN,
    ("POST", "/api/v1/admin/users/{user_id}/password"): ADMIN,
    ("POST", "/api/v1/admin/users/{user_id}/deactivate"): ADMIN,
    ("POST", "/api/v1/applications/{app_id}/documents"): CASE,
    ("GET", "/api/v1/applications/{app_id}/documents"): CASE,
    ("GET", "/api/v1/applications/{app_id}/documents/{doc_id}/content"): CASE,
    ("POST", "/api/v1/applications/{app_id}/documents/{doc_id}/replace"): CASE,
    ("POST", "/api/v1/applications/{app_id}/documents/{doc_id}/redactions"): CASE,
    ("GET", "/api/v1/applications/{app_id}/redactions"): CASE,
    ("POST", "/api/v1/admin/users/{user_id}/activate"): ADMIN,
    ("GET", "/api/v1/admin/audit"): AUDIT,
    ("GET", "/api/v1/agencies/{agency_id}/proactive-candidates"): PROACTIVE,
    ("POST", "/api/v1/agencies/{agency_id}/proactive-candidates/{key}/decision"): PROACTIVE_DECIDE,
    ("GET", "/api/v1/public/agencies"): PUBLIC,
    ("GET", "/api/v1/public/agencies/{agency_code}/guide"): PUBLIC,
    ("POST", "/api/v1/public/applications"): PUBLIC,
    ("GET", "/api/v1/public/applications/{tracking_number}"): PUBLIC,
    ("GET", "/api/v1/public/letters/verify"): PUBLIC,
    ("POST", "/api/v1/public/applications/{tracking_number}/correction"): PUBLIC,
    ("POST", "/api/v1/public/applications/{tracking_number}/withdrawal"): PUBLIC,
    ("GET", "/api/v1/public/applications/{tracking_number}/letters/{letter_id}.pdf"): PUBLIC,
    ("PUT", "/api/v1/guides/{agency_code}"): ADMIN,
    ("GET", "/api/v1/online-submissions"): INTAKE,
    ("POST", "/api/v1/online-submissions/{submission_id}/confirm"): INTAKE,
    ("POST", "/api/v1/online-submissions/{submission_id}/not-application"): INTAKE,
}
ROLES = ["clerk", "head", "secrecy", "legal", "supervisor", "admin", "other_clerk", "other_head", "other_admin",
         "platform", None]
OWN = {"clerk", "head", "secrecy", "legal", "supervisor", "admin"}
ADMINS = {"admin", "platform"}
# Another agency's admin passes the role check of the admin routes; on the DEMO agency's agency, users and
# grants (the ids in ``case``) only lists of its own and bodies failing validation answer other than 403.
OTHER_ADMIN_NOT_403 = {("GET", "/api/v1/admin/agencies"), ("GET", "/api/v1/admin/users"), ("POST", "/api/v1/admin/users"),
                       ("POST", "/api/v1/admin/users/{user_id}/roles"), ("POST", "/api/v1/admin/users/{user_id}/password")}


def routes(app):
    out = set()
    for path, item in app.openapi()["paths"].items():
        for method in item:
            out.add((method.upper(), path))
    return out


def test_every_route_is_classified(api):
    assert routes(api.client.app) == set(ACCESS)


@pytest.fixture
def case(api):
    app = api.register()
    for e in ("start_review", "accept"):
        api.event("clerk", app["id"], e)
    api.event("clerk", app["id"], "decide", {"outcome": "needs_creation", "details": {"reasons": "需加工"}})
    detail = api.get("clerk", f"/api/v1/applications/{app['id']}").json()
    doc = api.client.post(f"/api/v1/applications/{app['id']}/documents", files={"file": ("a.png", _png())},
                          data={"kind": "other"}, headers=api.headers("clerk")).json()
    return {"app_id": app["id"], "doc_id": doc["id"], "applicant_id": detail["applicant"]["id"], "letter_id": detail["letters"][0]["id"],
            "event": "legal_review", "year": 2026, "alert_id": _alert(api, app["id"]), "agency_id": api.world.agency_id, "user_id": api.world.users["clerk"],
            "grant_id": 1, "key": app["id"], "agency_code": "DEMO", "tracking_number": "W20260310000000",
            "submission_id": _submission(api)}


BODIES = {  # valid bodies, so that authorisation — not validation — decides the answer
    "/api/v1/applicants/{applicant_id}/reveal": {"reason": "核对身份"},
    "/api/v1/applications/{app_id}/applicant/reveal": {"reason": "核对身份"},
    "/api/v1/letters/{letter_id}/void": {"reason": "测试"},
    "/api/v1/applications/{app_id}/events/{event}": {"approve": True},
    "/api/v1/reports/annual/freeze": {"agency": "DEMO", "year": 2025},
    "/api/v1/agencies/{agency_id}/proactive-candidates/{key}/decision": {"decision": "decline", "reasons": "测试"},
    "/api/v1/applications/{app_id}/documents/{doc_id}/redactions": {
        "marks": [{"page": 1, "rect": [0, 0, 10, 10], "ground": "personal_privacy"}]},
}


def _png() -> bytes:
    from tests.documents.builders import image_bytes

    return image_bytes("PNG")


# multipart routes: a valid file and form, so that authorisation decides the answer
FILES = {"/api/v1/applications/{app_id}/documents": {"kind": "other"},
         "/api/v1/applications/{app_id}/documents/{doc_id}/replace": {"reason": "测试"}}


def _alert(api, app_id):
    from sqlmodel import Session

    from engine.db import get_engine
    from engine.models import Alert

    with Session(get_engine()) as s:
        alert = Alert(key=f"test:{app_id}", agency_id=api.world.agency_id, application_id=app_id, kind="due_soon",
                      message="测试提醒")
        s.add(alert)
        s.commit()
        return alert.id


def _submission(api):
    from tests.api.test_portal_api import apply

    apply(api)
    return api.get("clerk", "/api/v1/online-submissions").json()[0]["id"]


def call(api, who, method, path, ids):
    url = path.format(**ids) + QUERIES.get(path, "")
    kwargs = {}
    if path in FILES:
        kwargs["files"], kwargs["data"] = {"file": ("a.png", _png())}, FILES[path]
    elif method in ("POST", "PATCH", "PUT"):
        kwargs["json"] = BODIES.get(path, {})
    return api.client.request(method, url, headers=api.headers(who), **kwargs)


@pytest.mark.parametrize("who", ROLES)
def test_matrix(api, case, who):
    for (method, path), access in sorted(ACCESS.items()):
        if path.endswith("/logout"):
            continue  # would end this persona's session for the rest of the loop
        r = call(api, who, method, path, case)
        where = f"{who} {method} {path} → {r.status_code} {r.text[:120]}"
        assert r.status_code < 500, where
        if access == PUBLIC:
            assert r.status_code not in (401, 403), where
        elif who is None:
            assert r.status_code == 401, where
        elif access == USER:
            assert r.status_code not in (401, 403, 404), where
        elif access == REPORT:
            assert (r.status_code == 403) == (who not in OWN), where
        elif access == CASE:
            if who in OWN:
                assert r.status_code != 404 and r.status_code != 401, where
            else:
                assert r.status_code in (403, 404), where
        elif access == ADMIN and who == "other_admin":
            assert (r.status_code != 403) == ((method, path) in OTHER_ADMIN_NOT_403), where
        elif access == ADMIN:
            assert (r.status_code != 403) == (who in ADMINS), where
        elif access == PLATFORM:
            assert (r.status_code != 403) == (who == "platform"), where
        elif access == AUDIT:
            assert (r.status_code != 403) == (who in ("legal", "platform")), where
        elif access == INTAKE:
            assert (r.status_code == 403) == (who not in ("clerk", "other_clerk")), where
        elif access == FREEZE:
            assert (r.status_code != 403) == (who in ("legal", "admin")), where
        elif access in (PROACTIVE, PROACTIVE_DECIDE):  # "admin" is head2, a head of the agency too
            allowed = {"clerk", "head", "legal", "admin"} if access == PROACTIVE else {"head", "admin"}
            assert (r.status_code not in (403, 404)) == (who in allowed) or \
                (access == PROACTIVE_DECIDE and who in allowed and "候选事项" in r.text), where


def test_case_events_enforce_roles(api, case):
    """The same route answers differently by role: legal review is the legal reviewer's."""
    url_event = "legal_review"
    assert api.event("clerk", case["app_id"], url_event, {"approve": True}).status_code == 403
    assert api.event("supervisor", case["app_id"], url_event, {"approve": True}).status_code == 403
    assert api.event("legal", case["app_id"], url_event, {"approve": True}).status_code == 200
