"""Annual report tables (JSON, CSV, XLSX, HTML) with drill-down, and the legal audit report."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import Field
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from engine.errors import Conflict, Forbidden
from engine.reports.annual import agencies_for, cell_applications
from engine.reports.frozen import freeze_year, published_report
from engine.validation import CleanModel

from ..deps import Principal, current, get_session, registry, request_origin
from ..deps import today as today_dep
from ..exports.annual import to_csv, to_html, to_xlsx
from ..responses import attachment
from ..schemas.problems import COMMON, errors
from ..schemas.reports import FILE_CONTENT, AnnualReport, AuditReport, Cell, Frozen

router = APIRouter(prefix="/reports", tags=["报表"], responses={**COMMON, **errors(403, 404, 409)})


def scope_ids(session: Session, p: Principal, agency: str, supervised: bool) -> list[int]:
    agencies = agencies_for(session, agency, include_supervised=supervised)
    head = agencies[0]
    if supervised:
        # The drill-down lists the supervised agencies' applications: only the department's supervisors
        # read those (spec README roles), not its agency admin.
        if (head.id, "supervisor") not in p.actor.grants:
            raise Forbidden("汇总所辖机关的报表须由该主管部门的主管部门角色（supervisor）查看")
    elif not p.actor.can_see(head):
        raise Forbidden("无权查看该机关的报表")
    return [a.id for a in agencies]


@router.get("/annual", summary="年度报告表三、表四",
            description="`format` 为 json、csv、xlsx 或 html；`supervised=true` 时汇总主管部门所辖全部机关。"
                        "导出前核对 一 + 二 = 三（七） + 四，不成立时返回 409 并列出相关申请（html 格式显示核对结果）。",
            response_class=Response,
            responses={200: {"model": AnnualReport, "description": "JSON、CSV、XLSX 或 HTML", "content": FILE_CONTENT}})
def annual(agency: Annotated[str, Query(max_length=32)], year: Annotated[int, Query(ge=2008, le=2100)],
           format: Annotated[str, Query(pattern="^(json|csv|xlsx|html)$")] = "json", supervised: bool = False,
           p: Principal = Depends(current), session: Session = Depends(get_session)) -> Response:
    ids = scope_ids(session, p, agency, supervised)
    report = published_report(session, ids, year).as_dict()
    if format == "html":
        drill = f"/api/v1/reports/annual/cell?agency={agency}&year={year}&supervised={str(supervised).lower()}"
        return HTMLResponse(to_html(report, drill))
    if not report["check_ok"]:
        exc = Conflict("报表核对未通过（一 + 二 ≠ 三（七） + 四），不能导出；请先处理所列申请")
        exc.current = report["check_failures"]
        raise exc
    name = f"annual-{agency}-{year}"
    if format == "csv":
        return Response(to_csv(report), media_type="text/csv; charset=utf-8",
                        headers=attachment(f"{name}.csv"))
    if format == "xlsx":
        return Response(to_xlsx(report), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers=attachment(f"{name}.xlsx"))
    import json

    return Response(json.dumps(report, ensure_ascii=False), media_type="application/json")


class FreezeIn(CleanModel):
    agency: str = Field(min_length=1, max_length=32)
    year: int = Field(ge=2008, le=2100)


@router.post("/annual/freeze", summary="冻结已公布的年度报告",
             response_model=Frozen,
             description="由该机关的法制审核人员（legal）或机关管理员（admin）操作，记入管理审计日志。冻结后报表显示冻结时的数字，"
                         "此后数据变化引起的差异作为“更正”列在旁边，冻结的数字不再改变。已冻结的年度再次冻结返回 409。")
def freeze(body: FreezeIn, p: Principal = Depends(current), session: Session = Depends(get_session),
           day: date = Depends(today_dep), client=Depends(request_origin)) -> dict:
    row = freeze_year(session, p.actor, body.agency, body.year, today=day, client=client)
    return {"agency": body.agency, "year": row.year, "frozen_at": row.frozen_at.isoformat(),
            "frozen_by": row.frozen_by_name}


@router.get("/annual/cell", summary="报表单元格明细", response_model=Cell, description="某一行、某一列背后的申请清单。")
def cell(agency: Annotated[str, Query(max_length=32)], year: Annotated[int, Query(ge=2008, le=2100)],
         row: Annotated[str, Query(max_length=8)], column: Annotated[str, Query(max_length=20)],
         supervised: bool = False, p: Principal = Depends(current), session: Session = Depends(get_session)) -> dict:
    ids = scope_ids(session, p, agency, supervised)
    items = cell_applications(session, ids, year, row, column)
    return {"row": row, "column": column, "count": len(items), "items": items}


@router.get("/audit", summary="法制审核报告", response_class=Response,
            responses={200: {"model": AuditReport, "description": "JSON 或 HTML",
                             "content": {"text/html": FILE_CONTENT["text/html"]}}},
            description="某机关某期间内答复书的各审核项统计、逾期答复、不予公开理由分布、复议诉讼纠错率；`format` 为 json 或 html。")
def audit(agency: Annotated[str, Query(max_length=32)], date_from: Annotated[date, Query(alias="from")],
          date_to: Annotated[date, Query(alias="to")], supervised: bool = False,
          format: Annotated[str, Query(pattern="^(json|html)$")] = "json",
          p: Principal = Depends(current), session: Session = Depends(get_session), reg=Depends(registry)) -> Response:
    from engine.errors import InputError
    from letters.audit_report import audit_report

    if date_to < date_from:
        raise InputError("结束日期早于开始日期", field="to")
    import json

    from ..exports.annual import audit_to_html

    ids = scope_ids(session, p, agency, supervised)
    report = audit_report(session, ids, date_from, date_to, reg)
    if format == "html":
        return HTMLResponse(audit_to_html(report, agency))
    return Response(json.dumps(report, ensure_ascii=False), media_type="application/json")
