"""Security headers, the workbench session (idle timeout, Secure cookie), download file names in UTF-8,
and no applicant data from query strings in the access logs."""

import logging
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select, update

from engine import auth
from engine.db import get_engine
from engine.models import ApiToken, User
from engine.passwords import hash_password

from .conftest import api  # noqa: F401

PASSWORD = "correct-horse-1"


def test_workbench_and_api_answers_carry_security_headers(api):  # noqa: F811
    for url in ("/login", "/api/v1/applications", "/static/app.js"):
        r = api.client.get(url)
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp, url
        assert r.headers["X-Frame-Options"] == "DENY" and r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "same-origin"
    docs = api.client.get("/docs")
    assert docs.headers["Content-Security-Policy"] == "frame-ancestors 'none'" and docs.headers["X-Frame-Options"] == "DENY"


def test_workbench_pages_have_no_inline_script(api):  # noqa: F811
    api.client.cookies.set("ogi_session", api.tokens["clerk"])
    for url in ("/login", "/", "/applications/new"):
        html = api.client.get(url).text
        assert "<script>" not in html and " on" + "click=" not in html
        assert all('src="/static/' in tag for tag in html.split("<script")[1:]), url


@pytest.fixture
def web_login(api):  # noqa: F811
    with Session(get_engine()) as s:
        user = s.get(User, api.world.users["clerk"])
        user.password_hash = hash_password(PASSWORD)
        s.add(user)
        s.commit()

    def go(client: TestClient | None = None):
        client = client or TestClient(api.client.app, raise_server_exceptions=False)
        r = client.post("/login", data={"username": "clerk", "password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 303
        return client, r

    return go


def set_last_use(minutes_ago: float) -> None:
    auth._CACHE.clear()  # the 5-second token cache would answer without looking at the row
    with Session(get_engine()) as s:
        s.exec(update(ApiToken).where(ApiToken.web).values(last_used_at=datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)))
        s.commit()


def last_use() -> datetime:
    with Session(get_engine()) as s:
        return s.exec(select(ApiToken.last_used_at).where(ApiToken.web)).one()


def test_idle_workbench_session_must_log_in_again(web_login):
    client, _ = web_login()
    assert client.get("/", follow_redirects=False).status_code == 200
    set_last_use(31)
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")
    r = client.get("/api/v1/auth/me")
    assert r.status_code == 401 and "30分钟未操作" in r.json()["detail"]


def test_idle_timeout_is_configurable(web_login, monkeypatch):
    from engine.settings import get_settings

    monkeypatch.setattr(get_settings(), "idle_timeout_minutes", 120)
    client, _ = web_login()
    set_last_use(90)
    assert client.get("/", follow_redirects=False).status_code == 200


def test_last_use_is_recorded_at_most_once_a_minute(web_login):
    client, _ = web_login()
    set_last_use(5)
    assert client.get("/api/v1/auth/me").status_code == 200
    touched = last_use()
    assert datetime.now(timezone.utc) - touched.replace(tzinfo=timezone.utc) < timedelta(seconds=10)
    set_last_use(0.5)
    before = last_use()
    assert client.get("/").status_code == 200
    assert last_use() == before  # less than a minute ago: no write


def test_session_cookie_is_secure_when_configured(web_login, monkeypatch):
    from engine.settings import get_settings

    _, r = web_login()
    assert "secure" not in r.headers["set-cookie"].lower()
    monkeypatch.setattr(get_settings(), "cookie_secure", True)
    _, r = web_login()
    cookie = r.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_report_download_with_a_chinese_agency_code_names_the_file_in_utf8(api):  # noqa: F811
    from engine import admin
    from engine.models import Agency

    with Session(get_engine()) as s:
        agency = admin.create_agency(s, code="教育局", name="示例市教育局")
        admin.grant(s, s.get(User, api.world.users["clerk"]), s.get(Agency, agency.id), "clerk")
        s.commit()
    auth._CACHE.clear()
    for fmt in ("csv", "xlsx"):
        r = api.get("clerk", f"/api/v1/reports/annual?agency=教育局&year=2026&format={fmt}")
        assert r.status_code == 200, r.text
        disposition = r.headers["Content-Disposition"]
        assert f"filename*=UTF-8''{quote(f'annual-教育局-2026.{fmt}')}" in disposition
        assert f'filename="annual-___-2026.{fmt}"' in disposition
    r = api.get("other_clerk", "/api/v1/reports/annual?agency=教育局&year=2026&format=csv")
    assert r.status_code == 403  # another agency's user still may not download it


def test_download_helper_is_one_rule_for_every_download():
    from api.responses import attachment

    header = attachment('年报 "2026";.pdf')["Content-Disposition"]
    assert header.isascii() and header.startswith('attachment; filename="__ _2026__.pdf"; filename*=UTF-8\'\'')


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def records():
    handler = Records()
    loggers = [logging.getLogger("ogi.access"), logging.getLogger("uvicorn.access")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
    yield handler.lines
    for lg, level in zip(loggers, levels):
        lg.removeHandler(handler)
        lg.setLevel(level)


def test_access_log_has_no_search_terms_and_keeps_the_request_id(api, records):  # noqa: F811
    """Applicants' names, phones and ID numbers typed into searches stay out of the logs."""
    api.client.cookies.set("ogi_session", api.tokens["clerk"])
    secrets_ = ("王小明", "13900001111", "110101199201071234")
    r = api.get("clerk", "/api/v1/applications", params={"text": secrets_[0], "applicant": secrets_[2]})
    page = api.client.get("/", params={"q": secrets_[1]})
    assert r.status_code == 200 and page.status_code == 200
    joined = "\n".join(records)
    for value in (*secrets_, quote(secrets_[0])):
        assert value not in joined
    assert f"request_id={r.headers['X-Request-Id']} GET /api/v1/applications?text=*&applicant=* 200" in joined
    assert f"request_id={page.headers['X-Request-Id']} GET /?q=* 200" in joined


def test_uvicorn_access_log_lines_are_redacted(api, records):  # noqa: F811
    """uvicorn's own access line (client, method, path with query, version, status) loses the values."""
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "10.0.0.7:5000", "GET",
                                             "/?q=%E7%8E%8B%E5%B0%8F%E6%98%8E&page=2", "1.1", 200)
    assert records[-1] == '10.0.0.7:5000 - "GET /?q=*&page=* HTTP/1.1" 200'
