"""延期 (art 33): a clerk asks, the head approves — never the same person; ≤ 20 WD in total; only
on or before the current due date."""

from __future__ import annotations

from pydantic import Field

from ..clock import MAX_EXTENSION
from ..models import Letter
from .pipeline import Ctx, Inputs, handler


class RequestExtensionIn(Inputs):
    days: int = Field(ge=1, le=MAX_EXTENSION)
    reason: str = Field(min_length=1, max_length=2000)


def _not_overdue(ctx: Ctx) -> None:
    view = ctx.clock()
    if view.due is not None and ctx.today > view.due:
        ctx.refuse(f"答复期限已于{view.due}届满，不能再延期")
    if ctx.app.extension_days >= MAX_EXTENSION:
        ctx.refuse("已延长20个工作日，不能再延期（条例第三十三条）")


@handler("request_extension", {"clerk"}, RequestExtensionIn, precheck=_not_overdue)
def request_extension(ctx: Ctx, data: RequestExtensionIn) -> None:
    if ctx.app.extension_days + data.days > MAX_EXTENSION:
        ctx.refuse(f"延长期限合计不得超过20个工作日（已延长{ctx.app.extension_days}个）")
    ctx.app.extension_requested_days = data.days
    ctx.app.extension_requested_by_id = ctx.actor.user_id
    ctx.app.extension_reason = data.reason
    ctx.reason = data.reason


def _pending_request(ctx: Ctx) -> None:
    _not_overdue(ctx)
    if not ctx.app.extension_requested_days:
        ctx.refuse("没有待批准的延期申请")
    if ctx.app.extension_requested_by_id == ctx.actor.user_id:
        ctx.refuse("延期须由申请延期者以外的负责人批准")


@handler("extend", {"head"}, precheck=_pending_request)
def extend(ctx: Ctx, data) -> None:
    app = ctx.app
    old_due = ctx.clock().due
    app.extension_days += app.extension_requested_days
    ctx.notes["extension"] = {"days": app.extension_requested_days, "requested_by": app.extension_requested_by_id,
                              "old_due": old_due.isoformat() if old_due else None}
    app.extension_requested_days = None
    app.extension_requested_by_id = None
    ctx.reason = app.extension_reason
    letter = ctx.draft_letter("extension_notice", {
        "days": ctx.notes["extension"]["days"], "old_due": ctx.notes["extension"]["old_due"],
        "reason": app.extension_reason, "dispatch_by": ctx.notes["extension"]["old_due"],
    })
    promise_new_due(ctx, letter)


def promise_new_due(ctx: Ctx, letter: Letter) -> bool:
    """The new due date the extension notice promises: the answer clock's, read from the record as it
    is now (extended, restarted after a correction, paused). A letter never prints a date that is not
    certain: while the clock is paused or the date rests on a provisional calendar, the notice is held
    (``date_hold``, the reason in Chinese) and not issuable; importing the missing year's schedule
    recomputes it (``engine.calendar_change``), as does issuing it. True when the letter changed."""
    view = ctx.clock()
    due, hold = view.due, None
    if due is None:
        hold = "答复期限正在暂停计算，新的答复期限尚不确定：延期答复告知书暂不能印发，请在暂停结束后印发"
    elif view.computed.provisional:
        known = ctx.registry.calendar(ctx.agency.region).known_years
        missing = [y for y in range(view.computed.day0.year, due.year + 1) if y not in known]
        years = "、".join(f"{y}年" for y in missing) or f"{due.year}年"
        hold = (f"{years}放假安排尚未载入，新的答复期限（暂定{due}）尚不确定：延期答复告知书不能印发暂定日期，"
                f"载入{years}放假安排后将自动重新计算")
    data = {**letter.data, "new_due": None if hold else due.isoformat(),
            "provisional_new_due": due.isoformat() if hold and due else None, "date_hold": hold}
    changed = data != letter.data
    letter.data = data
    return changed
