"""Over HTTP: the head's good cause for a late correction (art 30) or payment (109号); the one
correction across split parts (art 30, 一事一申请); the extension notice (art 33) held near year end
until the schedule is imported."""

from datetime import date

from api import deps

from ..workflow.test_calendar_change import YEAR_2027


def test_art30_head_accepts_late_correction_with_good_cause_over_http(api):
    w = api.world
    app_id = api.register()["id"]
    w.fire("clerk", app_id, "start_review", today="2026-03-02")
    w.fire("clerk", app_id, "request_correction", {"items": ["请写明年份"], "period_days": 1,
                                                   "notice_served_on": "2026-03-02"}, today="2026-03-02")
    w.fire("clerk", app_id, "correction_lapsed", today="2026-03-04")  # the period ended 3/3
    assert w.app(app_id).outcome == "no_correction"
    body = {"channel": "email", "channel_facts": {"mail_received": "2026-03-09"}, "reason": "申请人住院，有医院证明"}
    late = api.event("clerk", app_id, "receive_correction", {k: v for k, v in body.items() if k != "reason"})
    assert late.status_code == 409
    assert api.event("clerk", app_id, "excuse_late_correction", body).status_code == 403
    assert api.event("other_head", app_id, "excuse_late_correction", body).status_code == 404
    no_reason = api.event("head", app_id, "excuse_late_correction", {**body, "reason": ""})
    assert no_reason.status_code == 422 and "不能为空" in no_reason.json()["detail"]
    actions = {a["event"]: a for a in api.get("head", f"/api/v1/applications/{app_id}/actions").json()}
    assert actions["excuse_late_correction"]["allowed"] and actions["excuse_late_correction"]["label"] == "准予逾期补正"
    r = api.event("head", app_id, "excuse_late_correction", body)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "reviewing" and r.json()["outcome"] is None
    detail = api.get("clerk", f"/api/v1/applications/{app_id}").json()
    termination = next(x for x in detail["letters"] if x["type"] == "termination_notice")
    assert termination["status"] == "void"


def test_art30_one_correction_across_split_parts_over_http(api):
    w = api.world
    app_id = api.register()["id"]
    w.fire("clerk", app_id, "start_review", today="2026-03-02")
    w.fire("clerk", app_id, "request_correction", {"items": ["请写明年份"], "notice_served_on": "2026-03-03"},
           today="2026-03-03")
    w.fire("clerk", app_id, "receive_correction", {"channel": "email", "channel_facts": {"mail_received": "2026-03-05"}},
           today="2026-03-05")
    r = api.event("clerk", app_id, "split", {"parts": ["2025年许可统计", "2025年处罚统计"]})
    assert r.status_code == 200, r.text
    sibling = next(a for a in api.get("clerk", "/api/v1/applications").json()["items"] if a["id"] != app_id)
    assert sibling["due_date"] == r.json()["due_date"]  # the restart kept
    again = api.event("clerk", sibling["id"], "request_correction", {"items": ["再补"]})
    assert again.status_code == 409 and "一次性告知" in again.json()["detail"]
    assert api.event("other_clerk", sibling["id"], "request_correction", {"items": ["再补"]}).status_code == 404


def test_art33_extension_notice_held_until_next_year_is_imported_over_http(api):
    w = api.world
    app_id = w.register(today="2026-12-15", channel_facts={"mail_received": "2026-12-15"})
    w.fire("clerk", app_id, "start_review", today="2026-12-15")
    w.fire("clerk", app_id, "accept", today="2026-12-15")
    w.fire("clerk", app_id, "request_extension", {"days": 20, "reason": "需调取档案"}, today="2026-12-16")
    api.client.app.dependency_overrides[deps.today] = lambda: date(2026, 12, 17)
    r = api.event("head", app_id, "extend")
    assert r.status_code == 200, r.text
    notice = next(x for x in r.json()["letters"] if x["type"] == "extension_notice")
    held = api.post("clerk", f"/api/v1/letters/{notice['id']}/issue")
    assert held.status_code == 409 and "2027年放假安排尚未载入" in held.json()["detail"]
    assert api.post("other_clerk", f"/api/v1/letters/{notice['id']}/issue").status_code == 404
    imported = api.client.post("/api/v1/calendar/import", content=YEAR_2027.encode(),
                               headers=api.headers("platform", **{"Content-Type": "application/yaml"}))
    assert imported.status_code == 200, imported.text
    issued = api.post("clerk", f"/api/v1/letters/{notice['id']}/issue")
    assert issued.status_code == 200, issued.text
    due = api.get("clerk", f"/api/v1/applications/{app_id}").json()["due_date"]
    html = api.get("clerk", f"/api/v1/letters/{notice['id']}/preview").text
    y, m, d = (int(x) for x in due.split("-"))
    assert y == 2027 and f"{y}年{m}月{d}日前作出答复" in html
