"""延期 (art 33): a clerk asks, the head approves — never the same person; ≤ 20 WD in total; only
on or before the current due date."""

from __future__ import annotations

from pydantic import Field

from ..clock import MAX_EXTENSION
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
    new_due = ctx.clock().due  # the clock reads the extended record
    ctx.draft_letter("extension_notice", {
        "days": ctx.notes["extension"]["days"], "old_due": ctx.notes["extension"]["old_due"],
        "new_due": new_due.isoformat() if new_due else None, "reason": app.extension_reason,
        "dispatch_by": ctx.notes["extension"]["old_due"],
    })
