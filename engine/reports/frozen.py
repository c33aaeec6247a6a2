"""Freezing a published annual report year, and showing it afterwards.

Once an agency has published its report for a year, the figures it published must stay what it
published. Freezing (legal staff or the agency's administrator, audited) stores them. A later change
that would alter a frozen year's figures is **recorded as a correction shown beside the frozen
figures, not refused**: the facts behind it are legal records the agency cannot decline to keep — a
court decides a case, a review decision orders a new reply, a clerk corrects a wrongly keyed date — and
refusing them would make the case file wrong to keep the statistics pretty. The corrections are the
difference between today's figures and the frozen ones, computed whenever the report is produced, so
no path that changes data can slip past them; the frozen figures themselves are never rewritten.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from sqlmodel import Session, select

from ..actors import Actor
from ..admin_audit import Origin, record_admin_event
from ..db import begin_write
from ..errors import Conflict, Forbidden, InputError
from ..models import Agency, FrozenReport
from .annual import COLUMNS, REVIEW_KINDS, REVIEW_RESULTS, ROWS, AnnualReport, agencies_for, annual_report

FREEZERS = {"legal", "admin"}  # the agency's legal staff or its administrator
FEE_LABELS = {"notices": "发出收费通知（件）", "billed_fen": "应收金额（分）", "collected_fen": "实收金额（分）",
              "closed_unpaid": "逾期未缴费终止办理（件）"}


def figures(report: AnnualReport) -> dict:
    return {"table3": report.table3, "table4": report.table4, "fees": report.fees}


def _cells(fig: dict) -> dict[tuple[str, str, str], int]:
    out = {("table3", r, c): n for r, values in fig["table3"].items() for c, n in values.items()}
    out.update({("table4", k, r): n for k, values in fig["table4"].items() for r, n in values.items()})
    out.update({("fees", k, ""): n for k, n in fig["fees"].items()})
    return out


_ROW_LABELS = {**{r: label for r, label, _ in ROWS}, **dict(REVIEW_KINDS), **FEE_LABELS}
_COLUMN_LABELS = {**dict(COLUMNS), **dict(REVIEW_RESULTS), "": ""}


def freeze_year(session: Session, actor: Actor, agency_code: str, year: int, *, today: date,
                client: Origin | None = None) -> FrozenReport:
    """Store the year's figures of one agency as published; one transaction with its audit record."""
    (agency,) = agencies_for(session, agency_code)
    if actor.user_id is not None and not FREEZERS & actor.roles_in(agency):
        raise Forbidden("冻结年度报告须由该机关的法制审核人员或机关管理员操作")
    if year >= today.year:
        raise InputError(f"{year}年度尚未结束，不能冻结", field="year")
    with begin_write(session):
        if _frozen_row(session, agency.id, year) is not None:
            raise Conflict(f"{agency.name}{year}年度报告已冻结，不能再次冻结；此后的变化作为更正显示")
        report = annual_report(session, [agency.id], year)
        if not report.check_ok:
            exc = Conflict("报表核对未通过（一 + 二 ≠ 三（七） + 四），不能冻结；请先处理所列申请")
            exc.current = report.check_failures
            raise exc
        row = FrozenReport(agency_id=agency.id, year=year, figures=figures(report), frozen_by_id=actor.user_id,
                           frozen_by_name=actor.name[:100])
        session.add(row)
        session.flush()
        client = client or Origin()
        record_admin_event(session, actor, "report_freeze", agency_id=agency.id, target=f"{agency.name}{year}年度报告",
                           ip=client.ip, user_agent=client.user_agent,
                           details={"frozen_report_id": row.id, "year": year, "agency": agency.code})
    return row


def _frozen_row(session: Session, agency_id: int, year: int) -> FrozenReport | None:
    return session.exec(select(FrozenReport).where(FrozenReport.agency_id == agency_id,
                                                   FrozenReport.year == year)).first()


def published_report(session: Session, agency_ids: list[int], year: int) -> AnnualReport:
    """The year's report as it is to be shown: for every frozen agency its frozen figures, with the
    corrections since (today's figures minus the frozen ones, cell by cell) listed beside them."""
    live = annual_report(session, agency_ids, year)
    frozen = session.exec(select(FrozenReport, Agency).join(Agency, Agency.id == FrozenReport.agency_id).where(
        FrozenReport.agency_id.in_(agency_ids), FrozenReport.year == year).order_by(Agency.id)).all()
    if not frozen:
        return live
    shown = _cells(figures(live))
    corrections, marks = [], []
    for row, agency in frozen:
        stored = _cells(row.figures)
        current = _cells(figures(annual_report(session, [agency.id], year)))
        for key, now in current.items():
            then = stored.get(key, 0)
            shown[key] += then - now
            if now != then:
                table, r, c = key
                corrections.append({"agency": agency.code, "agency_name": agency.name, "table": table, "row": r,
                                    "row_label": _ROW_LABELS.get(r, r), "column": c,
                                    "column_label": _COLUMN_LABELS.get(c, c),
                                    "frozen": then, "current": now, "difference": now - then})
        marks.append({"agency": agency.code, "agency_name": agency.name, "frozen_at": row.frozen_at.isoformat(),
                      "frozen_by": row.frozen_by_name})
    out = AnnualReport(**{**asdict(live), "table3": {}, "table4": {}, "fees": {}})
    for (table, r, c), n in shown.items():
        if table == "fees":
            out.fees[r] = n
        else:
            getattr(out, table).setdefault(r, {})[c] = n
    out.frozen, out.corrections = marks, corrections
    return out
