"""Freezing a published annual report year over HTTP and the CLI (legal issue, item 19): only the
agency's legal staff or administrator, audited; the report then shows the frozen figures and lists
later changes as corrections beside them, in JSON, CSV and HTML."""

from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli import app as cli

FREEZE = "/api/v1/reports/annual/freeze"


def test_freeze_published_year_legal_or_admin_only_audited_and_corrections_shown(api):
    body = {"agency": "DEMO", "year": 2025}
    for refused in ("clerk", "head", "other_admin", "other_clerk"):  # incl. another agency's administrator
        r = api.post(refused, FREEZE, body)
        assert r.status_code == 403, (refused, r.text)
        assert "法制审核人员或机关管理员" in r.json()["detail"] or "无权" in r.json()["detail"]
    assert api.post("legal", FREEZE, {"agency": "DEMO", "year": 2026}).status_code == 422  # not over yet
    r = api.post("legal", FREEZE, body)
    assert r.status_code == 200, r.text
    again = api.post("admin", FREEZE, body)
    assert again.status_code == 409 and "已冻结" in again.json()["detail"]
    from engine.db import get_engine
    from engine.models import AdminEvent

    with Session(get_engine()) as s:
        (event,) = s.exec(select(AdminEvent).where(AdminEvent.action == "report_freeze")).all()
        assert event.actor_id == api.world.users["legal"] and event.details["year"] == 2025

    # a late-keyed application received in the frozen year: shown as a correction, not in the frozen table
    api.register(channel_facts={"mail_received": "2025-12-30"})
    report = api.get("legal", "/api/v1/reports/annual?agency=DEMO&year=2025").json()
    rows = {r["row"]: r["values"] for r in report["table3"]}
    assert rows["1"]["natural"] == 0 and rows["4"]["natural"] == 0
    assert report["frozen"][0]["agency"] == "DEMO"
    fixes = {(c["row"], c["column"]): c["difference"] for c in report["corrections"] if c["table"] == "table3"}
    assert fixes[("1", "natural")] == 1 and fixes[("4", "natural")] == 1
    csv = api.get("legal", "/api/v1/reports/annual?agency=DEMO&year=2025&format=csv").content.decode("utf-8-sig")
    assert "已冻结" in csv and "冻结后的更正" in csv
    import io

    import openpyxl

    xlsx = api.get("legal", "/api/v1/reports/annual?agency=DEMO&year=2025&format=xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["冻结后更正"]
    assert ("示例市交通运输局", "表三", "一、本年新收政府信息公开申请数量", "自然人", 0, 1, 1) in list(sheet.values)
    html = api.get("legal", "/api/v1/reports/annual?agency=DEMO&year=2025&format=html").text
    assert "冻结后的更正" in html and "本年新收" in html


def test_freeze_from_the_command_line(api):
    out = CliRunner().invoke(cli, ["report", "freeze", "--year", "2025", "--agency", "DEMO"])
    assert out.exit_code == 0, out.output
    assert "已冻结" in out.stdout
    again = CliRunner().invoke(cli, ["report", "freeze", "--year", "2025", "--agency", "DEMO"])
    assert again.exit_code != 0 and "已冻结" in again.output
    shown = CliRunner().invoke(cli, ["report", "annual", "--year", "2025", "--agency", "DEMO"])
    assert shown.exit_code == 0 and '"frozen_by": "命令行' in shown.stdout
