"""The admin page's letter settings and the calendar page over HTTP: another agency's administrator is
refused (and nothing stored), bad values come back in Chinese, the API carries the same settings."""

from __future__ import annotations

from urllib.parse import unquote

from .conftest import api  # noqa: F401
from tests.engine.test_agency_letter_settings import png


def post(api, who, url, data=None, files=None):
    from api.web.session import csrf_for

    api.client.cookies.set("ogi_session", api.tokens[who])
    return api.client.post(url, data={"csrf": csrf_for(api.tokens[who]), **(data or {})}, files=files,
                           follow_redirects=False)


def test_seal_upload_refused_to_another_agencys_admin_and_nothing_stored(api, isolated_settings):  # noqa: F811
    r = post(api, "other_admin", f"/admin/seal-{api.world.agency_id}", files={"seal": ("seal.png", png(), "image/png")})
    assert r.status_code == 303 and "bad=" in r.headers["location"]
    assert not any(p.is_file() for p in isolated_settings.local_blob_dir.rglob("*"))  # nothing stored
    r = post(api, "admin", f"/admin/seal-{api.world.agency_id}", files={"seal": ("seal.png", b"GIF89a", "image/png")})
    assert "印章图片应为PNG格式" in unquote(r.headers["location"])
    r = post(api, "admin", f"/admin/seal-{api.world.agency_id}", files={"seal": ("seal.png", png(), "image/png")})
    assert "msg=" in r.headers["location"]
    agencies = api.get("admin", "/api/v1/admin/agencies").json()
    settings = next(a for a in agencies if a["id"] == api.world.agency_id)["settings"]
    assert len(settings["seal_sha256"]) == 64


def test_doc_code_and_thresholds_in_chinese_over_form_and_api(api):  # noqa: F811
    r = post(api, "admin", f"/admin/agency-{api.world.agency_id}", {"doc_code": "DEMO", "correction_period_days": "15"})
    assert "“机关代字”应为汉字" in unquote(r.headers["location"])
    r = post(api, "admin", f"/admin/agency-{api.world.agency_id}", {"alert_thresholds": "5,x", "correction_period_days": "15"})
    assert "“提醒阈值”应为用逗号分隔的工作日数" in unquote(r.headers["location"])
    r = post(api, "admin", f"/admin/agency-{api.world.agency_id}", {"letterhead": "局" * 61, "correction_period_days": "15"})
    assert "“发文机关标志”过长" in unquote(r.headers["location"])
    r = api.client.patch(f"/api/v1/admin/agencies/{api.world.agency_id}", headers=api.headers("admin"),
                         json={"settings": {"doc_code": "示交", "alert_thresholds": [3, 7]}})
    assert r.status_code == 200 and r.json()["settings"]["doc_code"] == "示交"
    assert r.json()["settings"]["alert_thresholds"] == [7, 3]
    r = api.client.patch(f"/api/v1/admin/agencies/{api.world.agency_id}", headers=api.headers("other_admin"),
                         json={"settings": {"doc_code": "他局"}})
    assert r.status_code == 403


def test_calendar_import_page_is_the_platform_admins(api):  # noqa: F811
    yaml_text = "year: 2027\nregion: national\nsource: 国办发明电〔2026〕8号\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n"
    r = post(api, "admin", "/admin/calendar/upload", files={"file": ("2027.yaml", yaml_text.encode(), "text/yaml")})
    assert r.status_code == 403 and "平台管理员" in r.text
    r = post(api, "platform", "/admin/calendar/form", {"year": "二〇二七", "source": "x", "holidays": ""})
    assert r.status_code == 422 and "“年度”应为2000至2100之间的年份" in r.text
    r = post(api, "platform", "/admin/calendar/upload", files={"file": ("2027.yaml", yaml_text.encode(), "text/yaml")})
    assert r.status_code == 303 and "已导入2027年放假安排" in unquote(r.headers["location"])
