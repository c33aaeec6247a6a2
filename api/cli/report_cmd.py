"""``ogi report annual`` and ``ogi report audit``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .output import fail

app = typer.Typer(help="报表：年度报告表三表四、法制审核报告", no_args_is_help=True)


def _agency(session, code: Optional[str]) -> str:
    from sqlmodel import select

    from engine.models import Agency

    if code:
        return code
    agencies = session.exec(select(Agency)).all()
    with_apps = [a for a in agencies if a.competent_department_id is not None] or agencies
    if len(with_apps) != 1:
        fail("数据库中有多个机关，请用 --agency 指定机关代码")
    return with_apps[0].code


@app.command("annual")
def annual(
    year: Annotated[int, typer.Option("--year")],
    agency: Annotated[Optional[str], typer.Option("--agency", help="机关代码；只有一个机关时可省略")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json、csv、xlsx 或 html")] = "json",
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件，默认 annual-<机关>-<年>.<格式>")] = None,
    supervised: Annotated[bool, typer.Option("--supervised", help="汇总主管部门所辖机关")] = False,
) -> None:
    """生成年度报告表三、表四（核对不通过则不导出，并列出相关申请）。"""
    from api.exports.annual import to_csv, to_html, to_xlsx
    from engine.db import new_session
    from engine.errors import DomainError
    from engine.reports.annual import agencies_for
    from engine.reports.frozen import published_report

    if fmt not in ("json", "csv", "xlsx", "html"):
        fail("--format 应为 json、csv、xlsx 或 html")
    with new_session() as s:
        try:
            code = _agency(s, agency)
            ids = [a.id for a in agencies_for(s, code, supervised)]
        except DomainError as exc:
            fail(exc.message)
        report = published_report(s, ids, year).as_dict()
    if not report["check_ok"] and fmt != "html":
        typer.echo("核对未通过（一 + 二 ≠ 三（七） + 四），未导出。相关申请：", err=True)
        for f in report["check_failures"]:
            for a in f.get("applications", []):
                typer.echo(f"  {a['number']}：{a['problem']}", err=True)
        raise typer.Exit(1)
    data = {"json": lambda: json.dumps(report, ensure_ascii=False, indent=1).encode(), "csv": lambda: to_csv(report),
            "xlsx": lambda: to_xlsx(report), "html": lambda: to_html(report).encode()}[fmt]()
    if fmt == "json" and out is None:
        sys.stdout.write(data.decode() + "\n")
        return
    target = out or Path(f"annual-{code}-{year}.{fmt}")
    target.write_bytes(data)
    typer.echo(f"已生成 {target}（核对：{'通过' if report['check_ok'] else '未通过'}）")


@app.command("freeze")
def freeze(
    year: Annotated[int, typer.Option("--year")],
    agency: Annotated[Optional[str], typer.Option("--agency", help="机关代码；只有一个机关时可省略")] = None,
) -> None:
    """冻结已公布的年度报告：此后报表显示冻结时的数字，数据变化作为更正列在旁边（记入管理审计日志）。"""
    from engine.db import new_session
    from engine.errors import DomainError
    from engine.reports.frozen import freeze_year
    from engine.case import local_today

    from .calendar_cmd import command_line_actor

    with new_session() as s:
        try:
            code = _agency(s, agency)
            freeze_year(s, command_line_actor(), code, year, today=local_today())
        except DomainError as exc:
            fail(exc.message)
    typer.echo(f"已冻结 {code} {year} 年度报告")


@app.command("audit")
def audit(
    date_from: Annotated[str, typer.Option("--from")],
    date_to: Annotated[str, typer.Option("--to")],
    agency: Annotated[Optional[str], typer.Option("--agency")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text、json、csv 或 html")] = "text",
) -> None:
    """法制审核报告：各审核项的数量及未通过的文书、逾期答复、不予公开理由分布、纠错率。"""
    import csv

    from engine.calendar_registry import get_registry
    from engine.db import new_session
    from engine.deadline import parse_date
    from engine.errors import DomainError
    from engine.reports.annual import agencies_for
    from letters.audit_report import audit_report

    try:
        start, end = parse_date(date_from, "from"), parse_date(date_to, "to")
        with new_session() as s:
            code = _agency(s, agency)
            ids = [a.id for a in agencies_for(s, code)]
            report = audit_report(s, ids, start, end, get_registry())
    except DomainError as exc:
        fail(exc.message)
    if fmt == "json":
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    if fmt == "html":
        from api.exports.annual import audit_to_html

        sys.stdout.write(audit_to_html(report, code))
        return
    if fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(["审核项", "严重程度", "检查数", "未通过数", "申请", "文书", "问题"])
        for c in report["checks"]:
            w.writerow([c["label"], c["severity"], c["checked"], c["failed"], "", "", ""])
            for f in c["failures"]:
                w.writerow(["", "", "", "", f["application"], f["letter"] or "", f["message"]])
        return
    typer.echo(f"法制审核报告 {code} {start} 至 {end}：答复书 {report['replies']} 份")
    for c in report["checks"]:
        mark = "✓" if not c["failed"] else "✗"
        typer.echo(f"  {mark} {c['label']}（{'必备' if c['severity'] == 'blocking' else '提示'}）：检查{c['checked']}，未通过{c['failed']}")
        for f in c["failures"][:10]:
            typer.echo(f"      {f['application']} {f['letter'] or ''} {f['message']}")
    typer.echo(f"  逾期答复 {len(report['late_replies'])} 件" + "".join(
        f"；{x['application']} 逾期{x['late_by_working_days']}个工作日" for x in report["late_replies"][:10]))
    typer.echo(f"  不予公开占比 {report['withholding_share']:.1%}：" + "、".join(
        f"{g['label']} {g['count']}" for g in report["withholding_by_ground"]))
    typer.echo(f"  复议诉讼已审结 {report['review_cases_decided']} 件，纠错 {report['corrected_on_review']} 件，纠错率 {report['corrected_rate']:.1%}")
