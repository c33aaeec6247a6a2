"""``GET /api/v1/calendar/deadline`` and ``/calendar/{year}``: same answers and refusals as the CLI."""

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def client(isolated_settings):
    from api.main import create_app

    return TestClient(create_app())


def test_healthz_and_docs(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/docs").status_code == 200
    assert "/api/v1/calendar/deadline" in client.get("/openapi.json").json()["paths"]


def test_deadline_with_explanation(client):
    r = client.get("/api/v1/calendar/deadline", params={"received": "2026-02-13", "today": "2026-03-19"})
    assert r.status_code == 200
    data = r.json()
    assert data["due"] == "2026-03-19" and data["days_left"] == 0 and data["light"] == "red"
    assert data["explanation"][0]["date"] == "2026-02-13"
    assert r.headers["x-request-id"]


def test_deadline_with_pauses_extension_restart(client):
    r = client.get("/api/v1/calendar/deadline", params=[
        ("received", "2026-02-13"), ("pause", "2026-02-26:2026-03-05"), ("extend", "20"), ("today", "2026-03-01"),
    ])
    assert r.json()["due"] == "2026-04-27"  # 40 WD → 4/17, plus the 6 paused
    r = client.get("/api/v1/calendar/deadline", params={"received": "2026-02-13", "restart": "2026-03-02"})
    assert r.json()["due"] == "2026-03-30"


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"received": "2026-02-30"}, "received", "不是有效日期"),
        ({"received": "2026-02-13", "working_days": "-1"}, "working_days", "应在 1 到 366 之间"),
        ({"received": "2026-02-13", "pause": "2026-03-05:2026-02-26"}, "pause", "结束日期早于开始日期"),
        ({"received": "2026-02-13", "extend": "25"}, "extend", "延长期限最长不超过20个工作日"),
        ({"received": "2026-02-13", "region": "atlantis"}, "region", "未知的地区"),
    ],
)
def test_bad_input_is_422_problem_in_chinese(client, params, field, message):
    r = client.get("/api/v1/calendar/deadline", params=params)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert message in body["detail"] and body["field"] == field and body["status"] == 422


def test_missing_parameter_names_the_field(client):
    r = client.get("/api/v1/calendar/deadline")
    assert r.status_code == 422 and r.json()["detail"] == "“收到申请之日”缺少必填项" and r.json()["errors"][0]["field"] == "received"


def test_unknown_year_is_422_unless_provisional(client):
    r = client.get("/api/v1/calendar/deadline", params={"received": "2026-12-10"})
    assert r.status_code == 422 and r.json()["year"] == 2027
    r = client.get("/api/v1/calendar/deadline", params={"received": "2026-12-10", "provisional": "true"})
    assert r.status_code == 200 and r.json()["provisional"] is True


def test_year_view(client):
    r = client.get("/api/v1/calendar/2026")
    assert r.status_code == 200
    data = r.json()
    assert data["source"] == "国办发明电〔2025〕7号"
    assert {"name": "春节", "from": "2026-02-15", "to": "2026-02-23", "days": 9}.items() <= data["holiday_periods"][1].items()
    assert [w["date"] for w in data["workdays"]] == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                                                    "2026-09-20", "2026-10-10"]
    assert client.get("/api/v1/calendar/2027").status_code == 404
    assert client.get("/api/v1/calendar/years").status_code == 200


YEAR_2027 = "year: 2027\nsource: 国办发明电〔2026〕测试号\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n"


def test_import_over_http_is_stored_in_the_database_with_who_imported_it(api):
    """Calendar data belongs in the database: what an admin imports over HTTP is a row (text, SHA-256,
    importer), visible to every host; nothing is written under the data directory."""
    from sqlmodel import Session, select

    from engine.db import get_engine
    from engine.models import CalendarSchedule
    from engine.settings import get_settings

    for refused in ("clerk", "other_clerk", "admin"):  # the national calendar is the platform admin's
        r = api.client.post("/api/v1/calendar/import", content=YEAR_2027.encode(),
                            headers=api.headers(refused, **{"Content-Type": "application/yaml"}))
        assert r.status_code == 403
    r = api.client.post("/api/v1/calendar/import", content=YEAR_2027.encode(),
                        headers=api.headers("platform", **{"Content-Type": "application/yaml"},
                                            **{"User-Agent": "test-browser/1.0"}))
    assert r.status_code == 200, r.text
    with Session(get_engine()) as s:
        (row,) = s.exec(select(CalendarSchedule)).all()
    assert row.id == r.json()["schedule_id"] and row.content == YEAR_2027
    assert row.imported_by_id == api.world.users["platform"]
    with Session(get_engine()) as s:  # logged with the import, in its transaction
        from engine.models import AdminEvent

        (logged,) = s.exec(select(AdminEvent).where(AdminEvent.action == "calendar_import")).all()
    assert logged.details["schedule_id"] == row.id and logged.actor_id == api.world.users["platform"]
    assert logged.user_agent == "test-browser/1.0"
    assert not get_settings().legacy_calendar_dir.exists()
    years = api.get("clerk", "/api/v1/calendar/years").json()
    assert any(y["year"] == 2027 and y["origin"].startswith(f"数据库导入 #{row.id}") for y in years)
    again = api.client.post("/api/v1/calendar/import", content=YEAR_2027.encode(),
                            headers=api.headers("platform", **{"Content-Type": "application/yaml"}))
    assert again.json()["unchanged"] is True
