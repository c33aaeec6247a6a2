"""延期 (art 33): a clerk asks, the head approves — never the same person; ≤ 20 WD in total; only
on or before the current due date."""

from __future__ import annotations

from pydantic import Field

from ..case import Act, Case
from ..change import Change
from ..clock import MAX_EXTENSION
from ..errors import Refused
from ..eventdef import FormField, Inputs, declare, move
from ..states import OPEN_STATES


class RequestExtensionIn(Inputs):
    days: int = Field(ge=1, le=MAX_EXTENSION, title="延长工作日数（≤20）")
    reason: str = Field(min_length=1, max_length=2000, title="理由")


def not_overdue(case: Case, act: Act) -> None:
    view = case.clock(act)
    if view.due is not None and act.today > view.due:
        raise Refused(f"答复期限已于{view.due}届满，不能再延期")
    if case.app.extension_days >= MAX_EXTENSION:
        raise Refused("已延长20个工作日，不能再延期（条例第三十三条）")


@declare("request_extension", "申请延期", moves=[move(OPEN_STATES, "=")], roles={"clerk"}, inputs=RequestExtensionIn,
         guards=[not_overdue], form=[FormField("days", "number"), FormField("reason", "textarea")],
         example={"days": 20, "reason": "需调取档案"})
def request_extension(case: Case, data: RequestExtensionIn, act: Act) -> Change:
    if case.app.extension_days + data.days > MAX_EXTENSION:
        raise Refused(f"延长期限合计不得超过20个工作日（已延长{case.app.extension_days}个）")
    return Change(reason=data.reason).set_app(extension_requested_days=data.days,
                                              extension_requested_by_id=act.actor.user_id,
                                              extension_reason=data.reason)


def pending_request(case: Case, act: Act) -> None:
    not_overdue(case, act)
    if not case.app.extension_requested_days:
        raise Refused("没有待批准的延期申请")
    if case.app.extension_requested_by_id == act.actor.user_id:
        raise Refused("延期须由申请延期者以外的负责人批准")


@declare("extend", "批准延期", moves=[move(OPEN_STATES, "=")], roles={"head"}, guards=[pending_request])
def extend(case: Case, data, act: Act) -> Change:
    app = case.app
    old_due = case.clock(act).due
    days = app.extension_requested_days
    old = old_due.isoformat() if old_due else None
    change = Change(reason=app.extension_reason).set_app(
        extension_days=app.extension_days + days, extension_requested_days=None, extension_requested_by_id=None)
    change.note("extension", {"days": days, "requested_by": app.extension_requested_by_id, "old_due": old})
    # the new due date it promises is read from the case as extended (``promised_due``, when drafted)
    change.draft_letter("extension_notice", {"days": days, "old_due": old, "reason": app.extension_reason,
                                             "dispatch_by": old})
    return change


def promised_due(case: Case, act: Act) -> dict:
    """The new due date the extension notice promises: the answer clock's, read from the record as it
    is now (extended, restarted after a correction, paused). A letter never prints a date that is not
    certain: while the clock is paused or the date rests on a provisional calendar, the notice is held
    (``date_hold``, the reason in Chinese) and not issuable; importing the missing year's schedule
    recomputes it (``engine.calendar_change``), as does issuing it."""
    view = case.clock(act)
    due, hold = view.due, None
    if due is None:
        hold = "答复期限正在暂停计算，新的答复期限尚不确定：延期答复告知书暂不能印发，请在暂停结束后印发"
    elif view.computed.provisional:
        known = act.registry.calendar(case.agency.region).known_years
        missing = [y for y in range(view.computed.day0.year, due.year + 1) if y not in known]
        years = "、".join(f"{y}年" for y in missing) or f"{due.year}年"
        hold = (f"{years}放假安排尚未载入，新的答复期限（暂定{due}）尚不确定：延期答复告知书不能印发暂定日期，"
                f"载入{years}放假安排后将自动重新计算")
    return {"new_due": None if hold else due.isoformat(),
            "provisional_new_due": due.isoformat() if hold and due else None, "date_hold": hold}
