"""What runs while the answer clock does not: the correction period, the applicant's reasons, a
consultation's reply period, the fee payment period. Each is read from the engine function that the
procedure itself uses (app_clock, services.fees), never computed again here."""

from __future__ import annotations

from datetime import date

from calendars import CalendarRegistry

from .app_clock import correction_period_end
from .models import Agency, Application, Consultation, FeeAssessment


def _period(what: str, due: date | None, today: date, pending: str = "") -> dict:
    """One period: what runs, until when, and in words (the date, or why it has not started yet)."""
    if due is None:
        return {"what": what, "due": None, "overdue": False, "words": f"{what}：{pending}"}
    overdue = today > due
    return {"what": what, "due": due.isoformat(), "overdue": overdue,
            "words": f"{what}{'已于' if overdue else '至'} {due.isoformat()} 届满"}


def running_periods(registry: CalendarRegistry, app: Application, agency: Agency,
                    consultations: list[Consultation], fees: list[FeeAssessment], today: date) -> list[dict]:
    """The periods running on an open case now (empty for a concluded case)."""
    from .services.fees import payment_due
    from .states import OPEN_STATES

    if app.status not in OPEN_STATES:
        return []
    out = []
    if app.status == "awaiting_correction":
        out.append(_period("补正期限", correction_period_end(registry, app, agency), today,
                           "补正告知书尚未登记送达，补正期限自申请人收到告知之日起算（条例第三十条）"))
    if app.status == "awaiting_reasons" and app.reasons_reply_by:
        out.append(_period("申请人说明理由期限", app.reasons_reply_by, today))
    for c in consultations:
        if c.status == "open":
            out.append(_period(f"征求意见（{c.party}）答复期限", c.reply_due, today,
                               "征求意见书尚未登记对方收到，期限自对方收到之日起算（条例第三十二条）"))
    for fee in fees:
        if fee.status == "approved":
            due = payment_due(registry, agency, fee)
            out.append(_period("缴费期限", due, today, "收费通知尚未登记送达，缴费期限自申请人收到通知之日起算"))
        elif fee.status == "proposed":
            out.append({"what": "收费核准", "due": None, "overdue": False, "words": "收费待核准"})
    return out
