"""Art 35: excessive requests — ask for reasons; the head accepts (a later reasonable due date) or not."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .pipeline import Ctx, Inputs, handler


class AskReasonsIn(Inputs):
    reply_by: date
    note: str = Field(default="", max_length=2000)


def _within_the_statutory_period(ctx: Ctx) -> None:
    """Art 35 lets the agency set a later date because it *cannot* answer within the art 33 period: once
    that period has run out the answer is late, and a later date set now would make a late reply look
    timely. So neither the request for reasons nor the later date is available after it."""
    statutory = ctx.clock().computed.computed_due
    if statutory is not None and ctx.today > statutory:
        ctx.refuse(f"答复期限已于{statutory}届满，已经逾期，不能再依条例第三十五条要求说明理由或确定延迟答复期限")


@handler("ask_reasons", {"clerk"}, AskReasonsIn, precheck=_within_the_statutory_period)
def ask_reasons(ctx: Ctx, data: AskReasonsIn) -> None:
    if data.reply_by <= ctx.today:
        ctx.refuse("说明理由的答复期限应晚于今天")
    ctx.app.reasons_reply_by = data.reply_by
    ctx.reason = data.note
    ctx.draft_letter("reasons_request", {"reply_by": data.reply_by.isoformat()})


class AcceptReasonsIn(Inputs):
    later_due: date
    reason: str = Field(min_length=1, max_length=2000)


@handler("accept_reasons", {"head"}, AcceptReasonsIn, precheck=_within_the_statutory_period)
def accept_reasons(ctx: Ctx, data: AcceptReasonsIn) -> None:
    view = ctx.clock()
    computed = view.computed.computed_due
    if computed and data.later_due < computed:
        ctx.refuse(f"确定的答复期限 {data.later_due} 早于法定期限 {computed}，不能提前")
    ctx.app.later_due_date = data.later_due
    ctx.app.later_due_reason = data.reason
    ctx.reason = data.reason
    ctx.draft_letter("late_reply_notice", {"later_due": data.later_due.isoformat(), "reason": data.reason})


class RejectReasonsIn(Inputs):
    reasons_request: str = Field(min_length=1, max_length=4000)
    reasons_answer: str = Field(min_length=1, max_length=4000)


@handler("reject_reasons", {"head"}, RejectReasonsIn)
def reject_reasons(ctx: Ctx, data: RejectReasonsIn) -> None:
    ctx.app.outcome = "excessive"
    ctx.app.outcome_details = {"reasons_request": data.reasons_request, "reasons_answer": data.reasons_answer}
    ctx.app.decided_by_id = ctx.actor.user_id
    ctx.draft_letter("reply", {}, outcome="excessive")
