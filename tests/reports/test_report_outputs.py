"""Report outputs: CLI (json, csv, xlsx, html; --agency optional with one agency), API formats, drill-down,
the audit report; a failing check refuses the export and names the applications."""

import json

from openpyxl import load_workbook
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app as cli

from ..api.conftest import api  # noqa: F401  (the API client fixture)
from ..workflow.world import build_world

runner = CliRunner()


def _world(isolated_settings, registry):
    from engine.db import get_engine
    from engine.migrate import upgrade

    upgrade(isolated_settings.database_url)
    w = build_world(get_engine(), registry)
    for outcome, details in (("needs_creation", {"reasons": "需加工"}), ("withhold", {"ground": "third_party", "reasons": "商业秘密"})):
        app_id = w.register(today="2026-03-02")
        w.fire("clerk", app_id, "start_review")
        w.fire("clerk", app_id, "accept")
        w.fire("clerk", app_id, "decide", {"outcome": outcome, "details": details})
        w.fire("head", app_id, "sign_off", today="2026-04-15")  # late: after the 3/30 due date
    w.register(today="2026-03-02")
    return w


def test_cli_annual_formats(isolated_settings, registry, tmp_path, monkeypatch):
    _world(isolated_settings, registry)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["report", "annual", "--agency", "DEMO", "--year", "2026"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = {r["row"]: r["values"] for r in data["table3"]}
    assert rows["1"]["natural"] == 3 and rows["3.4.2"]["total"] == 1 and rows["3.3.4"]["total"] == 1 and rows["4"]["total"] == 1
    assert data["check_ok"] and "结转下年度" in data["definitions"][3]
    assert runner.invoke(cli, ["report", "annual", "--agency", "DEMO", "--year", "2026", "--format", "xlsx"]).exit_code == 0
    wb = load_workbook(tmp_path / "annual-DEMO-2026.xlsx")
    ws = wb["表三"]
    labels = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    assert "一、本年新收政府信息公开申请数量" in labels and ws["B4"].value == "自然人" and ws["C5"].value == "商业企业"
    assert "表四" in wb.sheetnames
    assert runner.invoke(cli, ["report", "annual", "--agency", "DEMO", "--year", "2026", "--format", "csv"]).exit_code == 0
    text = (tmp_path / "annual-DEMO-2026.csv").read_text(encoding="utf-8-sig")
    assert "（七）总计" in text and "法律服务机构" in text
    assert runner.invoke(cli, ["report", "annual", "--year", "2026", "--format", "html"]).exit_code == 2  # 3 agencies
    bad = runner.invoke(cli, ["report", "annual", "--agency", "NOPE", "--year", "2026"])
    assert bad.exit_code == 2 and "不存在" in bad.stderr


def test_cli_audit_report(isolated_settings, registry):
    _world(isolated_settings, registry)
    result = runner.invoke(cli, ["report", "audit", "--agency", "DEMO", "--from", "2026-01-01", "--to", "2026-12-31",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["replies"] == 2 and len(report["late_replies"]) == 2
    assert report["late_replies"][0]["late_by_working_days"] == 11
    on_time = next(c for c in report["checks"] if c["check"] == "on_time")
    assert on_time["failed"] == 2 and "逾期11个工作日" in on_time["failures"][0]["message"]
    assert report["withholding_by_ground"][0]["ground"] == "third_party"
    text = runner.invoke(cli, ["report", "audit", "--agency", "DEMO", "--from", "2026-01-01", "--to", "2026-12-31"]).stdout
    assert "法制审核报告" in text and "逾期答复 2 件" in text
    html = runner.invoke(cli, ["report", "audit", "--agency", "DEMO", "--from", "2026-01-01", "--to", "2026-12-31",
                               "--format", "html"]).stdout
    assert "<h1>法制审核报告</h1>" in html and "逾期答复（2件）" in html
    csv_out = runner.invoke(cli, ["report", "audit", "--agency", "DEMO", "--from", "2026-01-01", "--to", "2026-12-31",
                                  "--format", "csv"]).stdout
    assert "审核项,严重程度" in csv_out


def test_api_reports_drill_down_and_refusal(api):
    from engine.db import get_engine
    from engine.models import Application
    from sqlmodel import select

    app = api.register()
    r = api.get("legal", "/api/v1/reports/annual?agency=DEMO&year=2026")
    assert r.status_code == 200 and r.json()["check_ok"]
    html = api.get("legal", "/api/v1/reports/annual?agency=DEMO&year=2026&format=html").text
    assert "三、收到和处理政府信息公开申请情况" in html and "row=1&amp;column=natural" in html
    cell = api.get("legal", "/api/v1/reports/annual/cell?agency=DEMO&year=2026&row=1&column=natural").json()
    assert cell["count"] == 1 and cell["items"][0]["id"] == app["id"]
    xlsx = api.get("head", "/api/v1/reports/annual?agency=DEMO&year=2026&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    sup = api.get("supervisor", "/api/v1/reports/annual?agency=GOV&year=2026&supervised=true")
    assert sup.status_code == 200 and len(sup.json()["agencies"]) == 3
    assert api.get("clerk", "/api/v1/reports/annual?agency=GOV&year=2026&supervised=true").status_code == 403
    with Session(get_engine()) as s:
        row = s.get(Application, app["id"])
        row.concluded_on, row.status = row.received_date, "closed"  # concluded without an outcome
        s.add(row)
        s.commit()
    refused = api.get("legal", "/api/v1/reports/annual?agency=DEMO&year=2026&format=csv")
    assert refused.status_code == 409 and refused.json()["current"][0]["applications"][0]["number"] == app["number"]
    shown = api.get("legal", "/api/v1/reports/annual?agency=DEMO&year=2026&format=html").text
    assert "核对未通过" in shown and app["number"] in shown
    _ = select
