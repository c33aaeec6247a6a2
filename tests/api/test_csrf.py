"""CSRF on the API: a write authenticated by the session cookie needs the CSRF token and an Origin (or
Referer) of this site; a bearer token needs neither. The workbench's preview needs the form's token."""

import pytest
from fastapi.testclient import TestClient

from api.web.session import csrf_for

from .conftest import api  # noqa: F401

SITE = "http://testserver"


@pytest.fixture
def browser(api):  # noqa: F811
    """A client that, like a browser, carries only the clerk's session cookie."""
    client = TestClient(api.client.app, raise_server_exceptions=False)
    client.cookies.set("ogi_session", api.tokens["clerk"])
    return client


def start_review(client, app_id, **headers):
    return client.post(f"/api/v1/applications/{app_id}/events/start_review", json={}, headers=headers)


def status_of(api, app_id):  # noqa: F811
    return api.get("clerk", f"/api/v1/applications/{app_id}").json()["status"]


def test_cookie_write_from_a_foreign_origin_is_refused(api, browser):  # noqa: F811
    app = api.register()
    token = csrf_for(api.tokens["clerk"])
    r = start_review(browser, app["id"], **{"Origin": "https://evil.example", "X-CSRF-Token": token})
    assert r.status_code == 403 and "不是本站" in r.json()["detail"]
    r = start_review(browser, app["id"], Origin="https://evil.example")
    assert r.status_code == 403 and "防跨站请求令牌" in r.json()["detail"]
    assert status_of(api, app["id"]) == "registered"  # nothing applied


def test_cookie_write_without_csrf_token_is_refused_even_from_our_origin(api, browser):  # noqa: F811
    app = api.register()
    assert start_review(browser, app["id"], Origin=SITE).status_code == 403
    assert start_review(browser, app["id"], **{"Origin": SITE, "X-CSRF-Token": "forged"}).status_code == 403
    assert status_of(api, app["id"]) == "registered"


def test_cookie_write_without_origin_or_referer_is_refused(api, browser):  # noqa: F811
    app = api.register()
    r = start_review(browser, app["id"], **{"X-CSRF-Token": csrf_for(api.tokens["clerk"])})
    assert r.status_code == 403 and "Origin" in r.json()["detail"]
    r = start_review(browser, app["id"], **{"X-CSRF-Token": csrf_for(api.tokens["clerk"]), "Referer": "https://evil.example/x"})
    assert r.status_code == 403


@pytest.mark.parametrize("source", [{"Origin": SITE}, {"Referer": f"{SITE}/applications/1"}, {"Origin": "http://TESTSERVER:80"}])
def test_cookie_write_with_token_and_same_origin_is_applied(api, browser, source):  # noqa: F811
    app = api.register()
    r = start_review(browser, app["id"], **{"X-CSRF-Token": csrf_for(api.tokens["clerk"]), **source})
    assert r.status_code == 200, r.text
    assert status_of(api, app["id"]) == "reviewing"


def test_configured_trusted_origin_is_accepted(api, browser, monkeypatch):  # noqa: F811
    from engine.settings import get_settings

    monkeypatch.setattr(get_settings(), "trusted_origins", ["https://ogi.example.gov.cn"])
    app = api.register()
    r = start_review(browser, app["id"], **{"X-CSRF-Token": csrf_for(api.tokens["clerk"]),
                                            "Origin": "https://ogi.example.gov.cn"})
    assert r.status_code == 200


def test_bearer_requests_are_unaffected_by_origin(api):  # noqa: F811
    app = api.register()
    r = api.event("clerk", app["id"], "start_review", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200


def test_cookie_reads_need_no_csrf_token(api, browser):  # noqa: F811
    app = api.register()
    assert browser.get(f"/api/v1/applications/{app['id']}", headers={"Origin": "https://evil.example"}).status_code == 200


def test_other_agency_cookie_cannot_write_either(api):  # noqa: F811
    """Another agency's clerk with a valid CSRF token and our origin still meets the authorisation rules."""
    app = api.register()
    other = TestClient(api.client.app, raise_server_exceptions=False)
    other.cookies.set("ogi_session", api.tokens["other_clerk"])
    r = start_review(other, app["id"], **{"X-CSRF-Token": csrf_for(api.tokens["other_clerk"]), "Origin": SITE})
    assert r.status_code == 404
    r = start_review(other, app["id"], **{"X-CSRF-Token": csrf_for(api.tokens["clerk"]), "Origin": SITE})
    assert r.status_code == 403  # the clerk's token is not the other clerk's


PREVIEW = {"channel": "<img src=x onerror=alert(9)>", "a_id_type": "resident_id", "a_id_number": "1"}


def test_registration_preview_escapes_the_error_message(api, browser):  # noqa: F811
    r = browser.post("/applications/preview", data={**PREVIEW, "csrf": csrf_for(api.tokens["clerk"])})
    assert r.status_code == 200
    assert "<img" not in r.text and "&lt;img src=x onerror=alert(9)&gt;" in r.text


def test_registration_preview_checks_csrf(api, browser):  # noqa: F811
    assert browser.post("/applications/preview", data=PREVIEW).status_code == 403
    assert browser.post("/applications/preview", data={**PREVIEW, "csrf": "forged"}).status_code == 403
    r = browser.post("/applications/preview", data={"channel": "email", "fact_date": "2026-03-09", "a_id_type": "resident_id",
                                                    "a_id_number": "1"}, headers={"X-CSRF-Token": csrf_for(api.tokens["clerk"])})
    assert r.status_code == 200 and "答复期限" in r.text


def test_web_letter_operation_on_another_agencys_letter_names_nothing(api):  # noqa: F811
    """The workbench's letter form on another agency's letter: 404 like a letter that does not exist, and
    no redirect that names the other agency's case."""
    from sqlmodel import Session, select

    from engine.db import get_engine
    from engine.models import Letter

    app = api.register()
    for event in ("start_review", "accept"):
        api.event("clerk", app["id"], event)
    api.event("clerk", app["id"], "request_extension", {"days": 5, "reason": "需调取档案"})
    api.event("head", app["id"], "extend")
    with Session(get_engine()) as s:
        letter = s.exec(select(Letter).where(Letter.application_id == app["id"])).first()
    other = TestClient(api.client.app, raise_server_exceptions=False)
    other.cookies.set("ogi_session", api.tokens["other_clerk"])
    r = other.post(f"/letters/{letter.id}/issue", data={"csrf": csrf_for(api.tokens["other_clerk"])},
                   follow_redirects=False)
    assert r.status_code == 404 and f"/applications/{app['id']}" not in r.headers.get("location", "")
    assert "文书不存在" in r.text
