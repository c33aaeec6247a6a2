"""Alerts are listed, marked read one by one or all at once, and stay within their addressees; the list
API takes the queue's new sorts, the closed-only scope and the light filter."""

from __future__ import annotations

from sqlmodel import Session

from engine.db import get_engine
from engine.models import Alert


def add_alert(agency_id, app_id=None, user_id=None, key="k") -> int:
    with Session(get_engine()) as s:
        alert = Alert(key=key, agency_id=agency_id, user_id=user_id, application_id=app_id, kind="due_soon",
                      message="答复期限将至")
        s.add(alert)
        s.commit()
        return alert.id


def test_alerts_read_one_and_all_and_another_agency_sees_none(api):
    app_id = api.register()["id"]
    first = add_alert(api.world.agency_id, app_id, key="a")
    add_alert(api.world.agency_id, key="b")
    theirs = add_alert(api.world.other_agency_id, key="c")
    listed = api.get("clerk", "/api/v1/alerts").json()
    assert (listed["total"], listed["unread"]) == (2, 2) and listed["items"][-1]["application_id"] == app_id
    assert api.post("clerk", f"/api/v1/alerts/{first}/read").json() == {"id": first, "read": True}
    assert api.get("clerk", "/api/v1/alerts", params={"unread": True}).json()["total"] == 1
    r = api.post("clerk", f"/api/v1/alerts/{theirs}/read")
    assert r.status_code == 404 and r.json()["detail"] == "提醒不存在"
    assert api.post("clerk", "/api/v1/alerts/read").json() == {"marked": 1}
    assert api.get("clerk", "/api/v1/alerts").json()["unread"] == 0
    assert api.get("other_clerk", "/api/v1/alerts").json()["unread"] == 1  # theirs is still unread


def test_list_api_sorts_scopes_and_lights(api):
    a = api.register(applicant={**api_applicant(), "name": "乙"})["id"]
    b = api.register(applicant={**api_applicant(), "name": "甲"})["id"]
    names = [x["id"] for x in api.get("clerk", "/api/v1/applications", params={"sort": "applicant"}).json()["items"]]
    assert names == sorted([a, b], key=lambda i: {a: "乙", b: "甲"}[i])
    desc = api.get("clerk", "/api/v1/applications", params={"sort": "applicant", "descending": True}).json()
    assert [x["id"] for x in desc["items"]] == list(reversed(names)) and desc["pages"] == 1
    assert api.get("clerk", "/api/v1/applications", params={"closed_only": True}).json()["total"] == 0
    bad = api.get("clerk", "/api/v1/applications", params={"light": "blue"})
    assert bad.status_code == 422 and "交通灯应为" in bad.json()["detail"]


def api_applicant():
    from tests.workflow.world import APPLICANT

    return dict(APPLICANT)
