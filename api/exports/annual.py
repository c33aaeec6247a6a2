"""The annual tables as CSV, XLSX and HTML, laid out like 国办公开办函〔2021〕30号."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from engine.reports.annual import COLUMNS, DEFINITIONS, REVIEW_KINDS, REVIEW_RESULTS, ROWS

TABLE_NAMES = {"table3": "表三", "table4": "表四", "fees": "收费"}
CORRECTION_HEADER = ["机关", "表", "行", "列", "冻结数", "现数", "差额"]
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
HEADER = ["", "申请人情况", "", "", "", "", "", ""]
SUBHEADER = ["", "自然人", "法人或其他组织", "", "", "", "", "总计"]


def _title(report: dict) -> str:
    names = "、".join(a["name"] for a in report["agencies"])
    return f"{names}{report['year']}年度政府信息公开工作年度报告（表三、表四）"


def _frozen_note(report: dict) -> str:
    return "本年度报告已冻结（已公布），表中为冻结时的数字：" + "；".join(
        f"{f['agency_name']}（{f['frozen_at'][:10]}，{f['frozen_by']}）" for f in report["frozen"])


def _correction_rows(report: dict) -> list[list]:
    return [[c["agency_name"], TABLE_NAMES[c["table"]], c["row_label"], c["column_label"], c["frozen"], c["current"],
             c["difference"]] for c in report["corrections"]]


def to_csv(report: dict) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([_title(report)])
    if report.get("frozen"):
        w.writerow([_frozen_note(report)])
    w.writerow(["三、收到和处理政府信息公开申请情况"])
    w.writerow(["", *[label for _, label in COLUMNS]])
    for row in report["table3"]:
        w.writerow(["　" * row["indent"] + row["label"], *[row["values"][k] for k, _ in COLUMNS]])
    w.writerow([])
    w.writerow(["四、政府信息公开行政复议、行政诉讼情况"])
    w.writerow([label for _, label in REVIEW_KINDS for _ in REVIEW_RESULTS])
    w.writerow([label for _ in REVIEW_KINDS for _, label in REVIEW_RESULTS])
    w.writerow([k["values"][r] for k in report["table4"]["kinds"] for r, _ in REVIEW_RESULTS])
    w.writerow([])
    f = report["fees"]
    w.writerow([f"信息处理费：发出收费通知{f['notices']}件，应收{f['billed_fen'] / 100:.2f}元，"
                f"实收{f['collected_fen'] / 100:.2f}元；逾期未缴费终止办理{f['closed_unpaid']}件。"])
    if report.get("frozen"):
        w.writerow(["冻结后的更正"] if report["corrections"] else ["冻结后没有更正"])
        if report["corrections"]:
            w.writerow(CORRECTION_HEADER)
            w.writerows(_correction_rows(report))
    for d in DEFINITIONS:
        w.writerow([d])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def to_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "表三"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([_title(report)])
    ws.merge_cells("A1:H1")
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["三、收到和处理政府信息公开申请情况"])
    ws.append(["", "申请人情况"])
    ws.merge_cells("B3:H3")
    ws.append(["", "自然人", "法人或其他组织", "", "", "", "", "总计"])
    ws.merge_cells("C4:G4")
    ws.merge_cells("B4:B5")
    ws.merge_cells("H4:H5")
    ws.append(["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""])
    for row in report["table3"]:
        ws.append(["　" * row["indent"] + row["label"], *[row["values"][k] for k, _ in COLUMNS]])
    for r in ws.iter_rows(min_row=3, max_row=ws.max_row, max_col=8):
        for cell in r:
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="center",
                                       horizontal="left" if cell.column == 1 else "center")
    ws.column_dimensions["A"].width = 58
    for col in "BCDEFGH":
        ws.column_dimensions[col].width = 12
    ws2 = wb.create_sheet("表四")
    ws2.append(["四、政府信息公开行政复议、行政诉讼情况"])
    ws2.append([label for _, label in REVIEW_KINDS for _ in REVIEW_RESULTS])
    for i in range(len(REVIEW_KINDS)):
        ws2.merge_cells(start_row=2, start_column=1 + 5 * i, end_row=2, end_column=5 + 5 * i)
    ws2.append([label for _ in REVIEW_KINDS for _, label in REVIEW_RESULTS])
    ws2.append([k["values"][r] for k in report["table4"]["kinds"] for r, _ in REVIEW_RESULTS])
    ws3 = wb.create_sheet("说明")
    f = report["fees"]
    ws3.append([f"信息处理费：发出收费通知{f['notices']}件，应收{f['billed_fen'] / 100:.2f}元，实收{f['collected_fen'] / 100:.2f}元；"
                f"逾期未缴费终止办理{f['closed_unpaid']}件。"])
    for d in DEFINITIONS:
        ws3.append([d])
    if report.get("frozen"):
        ws3.append([_frozen_note(report)])
        ws4 = wb.create_sheet("冻结后更正")
        ws4.append(CORRECTION_HEADER)
        for r in _correction_rows(report):
            ws4.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def to_html(report: dict, drill_url: str | None = None) -> str:
    return _env().get_template("reports/annual.html").render(report=report, title=_title(report), columns=COLUMNS,
                                                             rows=ROWS, review_kinds=REVIEW_KINDS,
                                                             review_results=REVIEW_RESULTS, drill_url=drill_url)


def audit_to_html(report: dict, agencies: str) -> str:
    return _env().get_template("reports/audit.html").render(report=report, agencies=agencies)
