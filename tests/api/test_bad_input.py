"""Malformed JSON, wrong types, huge bodies, unknown fields, out-of-range dates, control characters,
SQL and script fragments: a 4xx with a Chinese detail, never a 500, nothing changed."""

import pytest


@pytest.fixture
def app_id(api):
    return api.register()["id"]


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_refused(r, status=None):
    assert 400 <= r.status_code < 500, r.text
    if status:
        assert r.status_code == status, r.text
    body = r.json()
    assert is_chinese(body["detail"]) and body["status"] == r.status_code and body["request_id"]
    assert "Traceback" not in r.text


def test_malformed_json(api, app_id):
    r = api.client.post(f"/api/v1/applications/{app_id}/events/start_review", content=b"{not json",
                        headers=api.headers("clerk", **{"Content-Type": "application/json"}))
    assert_refused(r, 422)


def test_wrong_types_and_unknown_fields_name_the_field(api, app_id):
    r = api.event("clerk", app_id, "start_review", {"handling_clerk_id": "abc"})
    assert_refused(r, 422)
    assert r.json()["detail"] == "“承办人”应为整数" and r.json()["field"] == "handling_clerk_id"  # the title; the key for machines
    r = api.event("clerk", app_id, "start_review", {"colour": "red"})
    assert_refused(r, 422)
    assert "colour" in r.json()["detail"] and "不允许的字段" in r.json()["detail"]
    r = api.post("clerk", "/api/v1/applications", {"agency_code": "DEMO", "applicant": "张三"})
    assert_refused(r, 422)


def test_huge_body(api, app_id):
    r = api.client.post(f"/api/v1/applications/{app_id}/events/start_review", content=b"x" * (3 * 1024 * 1024),
                        headers=api.headers("clerk", **{"Content-Type": "application/json"}))
    assert r.status_code == 413 and is_chinese(r.json()["detail"])


@pytest.mark.parametrize("value", ["2026-02-30", "99999-01-01", "0000-00-00", "2026-13-01", "yesterday"])
def test_out_of_range_dates(api, app_id, value):
    api.event("clerk", app_id, "start_review")
    r = api.event("clerk", app_id, "withdraw", {"withdrawn_on": value})
    assert_refused(r, 422)
    assert api.get("clerk", f"/api/v1/applications/{app_id}").json()["status"] == "reviewing"


@pytest.mark.parametrize("text", ["申请\x00内容", "a\x1bb", "零宽\u200b字符", "\ufeffBOM"])
def test_control_characters(api, text):
    from tests.workflow.world import register_inputs

    r = api.post("clerk", "/api/v1/applications", {"agency_code": "DEMO", **register_inputs(request_text=text)})
    assert_refused(r, 422)
    assert "控制字符" in r.json()["detail"]
    assert api.get("clerk", "/api/v1/applications").json()["total"] == 0


@pytest.mark.parametrize("text", ["'; DROP TABLE applications; --", "<script>alert(1)</script>", "{{ 7*7 }}",
                                  "1 OR 1=1", "${jndi:ldap://x}"])
def test_sql_and_script_fragments_are_just_text(api, text):
    from tests.workflow.world import register_inputs

    r = api.post("clerk", "/api/v1/applications", {"agency_code": "DEMO", **register_inputs(request_text=text)})
    assert r.status_code == 201
    assert r.json()["request_text"] == text
    found = api.get("clerk", "/api/v1/applications", params={"text": text}).json()
    assert found["total"] == 1
    letters_html = api.get("clerk", "/api/v1/calendar/deadline", params={"received": text})
    assert_refused(letters_html, 422)


def test_unknown_event_and_ids(api, app_id):
    assert_refused(api.event("clerk", app_id, "teleport"), 404)
    assert_refused(api.event("clerk", app_id, "DROP TABLE"), 422)
    assert_refused(api.get("clerk", "/api/v1/applications/999999"), 404)
    assert_refused(api.get("clerk", "/api/v1/applications/-1"), 422)
    assert_refused(api.get("clerk", "/api/v1/applications/99999999999999999999"), 422)
    assert_refused(api.get("clerk", "/api/v1/letters/424242/pdf"), 404)


def test_calendar_import_over_http(api):
    bad = "year: 2027\nsource: x\nworkdays:\n  - {date: 2027-02-16, name: 调休}\n"
    r = api.client.post("/api/v1/calendar/import", content=bad.encode(), headers=api.headers("platform", **{"Content-Type": "application/yaml"}))
    assert_refused(r, 422)
    assert "第4行" in r.json()["problems"][0]
    assert api.client.post("/api/v1/calendar/import", content=bad.encode(), headers=api.headers("clerk")).status_code == 403
    good = "year: 2027\nsource: 国办发明电〔2026〕测试号\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n"
    r = api.client.post("/api/v1/calendar/import", content=good.encode(), headers=api.headers("platform", **{"Content-Type": "application/yaml"}))
    assert r.status_code == 200 and r.json()["year"] == 2027
    assert api.client.get("/api/v1/calendar/2027").status_code == 200


def test_admin_agencies_and_users(api):
    r = api.post("admin", "/api/v1/admin/users", {"username": "clerk9", "name": "新经办", "password": "long-password-9",
                                                  "roles": [{"agency_id": api.world.agency_id, "role": "clerk"}]})
    assert r.status_code == 201 and r.json()["roles"][0]["role_label"] == "经办人"
    r = api.post("admin", "/api/v1/admin/users", {"username": "x9", "name": "外", "password": "long-password-9",
                                                  "roles": [{"agency_id": api.world.other_agency_id, "role": "clerk"}]})
    assert_refused(r, 403)
    r = api.client.patch(f"/api/v1/admin/agencies/{api.world.agency_id}", json={"settings": {"legal_review_required": True}},
                         headers=api.headers("admin"))
    assert r.status_code == 200 and r.json()["settings"]["legal_review_required"] is True
    r = api.client.patch(f"/api/v1/admin/agencies/{api.world.agency_id}", json={"settings": {"traffic_yellow": "many"}},
                         headers=api.headers("admin"))
    assert_refused(r, 422)
    r = api.client.patch(f"/api/v1/admin/agencies/{api.world.other_agency_id}", json={"name": "x"}, headers=api.headers("admin"))
    assert_refused(r, 403)


def test_parameters_named_in_chinese(api, app_id):
    """Query and path parameters are named by their Chinese labels in the detail (the key stays in
    ``errors[].field`` for machines)."""
    r = api.get("clerk", "/api/v1/applications/abc")
    assert_refused(r, 422)
    assert r.json()["detail"] == "“申请 ID”应为整数" and r.json()["errors"][0]["field"] == "app_id"
    r = api.get("clerk", "/api/v1/calendar/deadline")
    assert r.json()["detail"] == "“收到申请之日”缺少必填项"
