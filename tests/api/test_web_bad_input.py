"""The workbench answers bad numbers, dates and stale forms in its query strings and forms without a 500."""

import pytest

from .conftest import api  # noqa: F401  (the API client fixture; its world and tokens serve the workbench too)


@pytest.fixture
def web(api):  # noqa: F811
    api.client.cookies.set("ogi_session", api.tokens["clerk"])
    return api


@pytest.mark.parametrize("url", [
    "/?clerk=abc&due_within=999999999&page=x",
    "/?clerk=99999999999999999999&page=99999999999",
    "/?status=flying&q=" + "长" * 500,
    "/reports?year=99999",
    "/reports?year=abc",
    "/reports?kind=audit&from=2026-02-30",
    "/reports?kind=audit&from=2026-01-01&to=yesterday",
    "/reports?row=9&column=x&year=2026",
    "/applications/999999",
])
def test_no_server_error(web, url):
    r = web.client.get(url)
    assert r.status_code < 500, (url, r.text[:200])


def test_stale_version_and_forged_forms(web):
    from api.web.session import csrf_for

    app = web.register()
    token = web.tokens["clerk"]
    r = web.client.post(f"/applications/{app['id']}/events/start_review", data={"csrf": csrf_for(token), "version": "abc"},
                        follow_redirects=False)
    assert r.status_code == 303 and "msg=" in r.headers["location"]
    r = web.client.post(f"/applications/{app['id']}/events/accept", data={"csrf": csrf_for(token), "version": "1"},
                        follow_redirects=False)
    # stale version: refused in Chinese on the page, the form kept open, not a 500
    assert r.status_code == 409 and "受理办理未完成" in r.text
    r = web.client.post("/admin/grant", data={"csrf": csrf_for(token), "agency_id": "abc"})
    assert r.status_code == 403
    r = web.client.post(f"/applications/{app['id']}/events/accept", data={"csrf": "forged"})
    assert r.status_code == 403 and "表单已过期" in r.text
