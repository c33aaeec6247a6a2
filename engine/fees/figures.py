"""Fee figures for the annual report (spec fees.md, reports.md "六、其他需要报告的事项")."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, func, select

from ..models import Application, FeeAssessment


def fee_figures(session: Session, agency_id: int, year: int) -> dict:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    approved = select(func.count(), func.coalesce(func.sum(FeeAssessment.approved_amount_fen), 0)).where(
        FeeAssessment.agency_id == agency_id, FeeAssessment.approved_on >= start, FeeAssessment.approved_on < end)
    notices, billed = session.exec(approved).one()
    collected = session.exec(select(func.coalesce(func.sum(FeeAssessment.paid_amount_fen), 0)).where(
        FeeAssessment.agency_id == agency_id, FeeAssessment.paid_on >= start, FeeAssessment.paid_on < end)).one()
    unpaid = session.exec(select(func.count()).select_from(Application).where(
        Application.agency_id == agency_id, Application.outcome == "fee_unpaid",
        Application.concluded_on >= start, Application.concluded_on < end)).one()
    return {"notices": int(notices), "billed_fen": int(billed), "collected_fen": int(collected),
            "closed_unpaid": int(unpaid)}
