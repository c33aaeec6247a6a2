"""Art 35: excessive requests — ask for reasons; the head accepts (a later reasonable due date) or not."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from ..case import Act, Case
from ..change import Change
from ..errors import Refused
from ..eventdef import FormField, Inputs, declare, move


class AskReasonsIn(Inputs):
    reply_by: date = Field(title="说明理由的期限")
    note: str = Field(default="", max_length=2000, title="备注")


def within_the_statutory_period(case: Case, act: Act) -> None:
    """Art 35 lets the agency set a later date because it *cannot* answer within the art 33 period: once
    that period has run out the answer is late, and a later date set now would make a late reply look
    timely. So neither the request for reasons nor the later date is available after it."""
    statutory = case.clock(act).computed.computed_due
    if statutory is not None and act.today > statutory:
        raise Refused(f"答复期限已于{statutory}届满，已经逾期，不能再依条例第三十五条要求说明理由或确定延迟答复期限")


@declare("ask_reasons", "要求说明理由", moves=[move(["reviewing", "handling"], "awaiting_reasons")], roles={"clerk"},
         inputs=AskReasonsIn, guards=[within_the_statutory_period],
         form=[FormField("reply_by", "date"), FormField("note")])
def ask_reasons(case: Case, data: AskReasonsIn, act: Act) -> Change:
    if data.reply_by <= act.today:
        raise Refused("说明理由的答复期限应晚于今天")
    change = Change(reason=data.note).set_app(reasons_reply_by=data.reply_by)
    change.draft_letter("reasons_request", {"reply_by": data.reply_by.isoformat()})
    return change


class AcceptReasonsIn(Inputs):
    later_due: date = Field(title="确定的答复期限")
    reason: str = Field(min_length=1, max_length=2000, title="理由")


@declare("accept_reasons", "认可理由并确定答复期限", moves=[move("awaiting_reasons", "handling")], roles={"head"},
         inputs=AcceptReasonsIn, guards=[within_the_statutory_period],
         form=[FormField("later_due", "date"), FormField("reason", "textarea")])
def accept_reasons(case: Case, data: AcceptReasonsIn, act: Act) -> Change:
    computed = case.clock(act).computed.computed_due
    if computed and data.later_due < computed:
        raise Refused(f"确定的答复期限 {data.later_due} 早于法定期限 {computed}，不能提前")
    change = Change(reason=data.reason).set_app(later_due_date=data.later_due, later_due_reason=data.reason)
    change.draft_letter("late_reply_notice", {"later_due": data.later_due.isoformat(), "reason": data.reason})
    return change


class RejectReasonsIn(Inputs):
    reasons_request: str = Field(min_length=1, max_length=4000, title="要求说明理由的情况")
    reasons_answer: str = Field(min_length=1, max_length=4000, title="申请人的说明及认定")


@declare("reject_reasons", "理由不成立", moves=[move("awaiting_reasons", "reply_drafting")], roles={"head"},
         inputs=RejectReasonsIn,
         form=[FormField("reasons_request", "textarea"), FormField("reasons_answer", "textarea")])
def reject_reasons(case: Case, data: RejectReasonsIn, act: Act) -> Change:
    change = Change().set_app(outcome="excessive", decided_by_id=act.actor.user_id,
                              outcome_details={"reasons_request": data.reasons_request,
                                               "reasons_answer": data.reasons_answer})
    change.draft_letter("reply", {}, outcome="excessive")
    return change
