"""Justified exceptions to a lapsed period: a correction (条例 art 30 "无正当理由") or a payment
(国办函〔2020〕109号) that arrives after its period is deemed abandonment — unless the head accepts it
with a recorded good cause.

The head's exception is one event that records the cause *and* the late correction or payment, so
there is never a half-excused case for the sweep to close again. It works before and after the sweep:

- still ``awaiting_correction`` / ``awaiting_payment`` (the period has ended, not yet swept): the case
  moves on as a timely correction or payment would (``reviewing`` / ``handling``);
- already ``closed`` by the lapse (outcome ``no_correction`` / ``fee_unpaid``, not archived): the
  termination is undone — outcome and conclusion date cleared, so the annual report counts the case as
  still open, not as terminated — and the case resumes in the same state. Its 终止办理告知书, drafted or
  already issued, is voided with the head's reason (the ``void`` fields, as ``void_letter`` does); an
  issued one keeps its 文号 (never reused) and the applicant learns of the resumption from the reply.
"""

from __future__ import annotations

from pydantic import Field

from ..app_clock import correction_period_end
from .correction import ReceiveCorrectionIn, correction_received_on, take_correction
from .fees import PaymentIn, payment_due, take_payment
from .pipeline import Ctx, handler

class LateCorrectionIn(ReceiveCorrectionIn):
    reason: str = Field(min_length=1, max_length=2000)


class LatePaymentIn(PaymentIn):
    reason: str = Field(min_length=1, max_length=2000)


def _closed_by(ctx: Ctx, outcome: str, lapse: str, late: str) -> None:
    if ctx.app.status == "closed" and ctx.app.outcome != outcome:
        ctx.refuse(f"本申请不是因{lapse}而终止的，不能{late}")


def _correction_period_over(ctx: Ctx) -> None:
    _closed_by(ctx, "no_correction", "逾期未补正", "准予逾期补正")
    end = correction_period_end(ctx.registry, ctx.app, ctx.agency)
    if ctx.app.status == "awaiting_correction" and (end is None or ctx.today <= end):
        ctx.refuse("补正期限尚未届满，由经办人登记收到补正即可" if end else "补正告知书尚未送达，补正期限尚未起算")


@handler("excuse_late_correction", {"head"}, LateCorrectionIn, precheck=_correction_period_over)
def excuse_late_correction(ctx: Ctx, data: LateCorrectionIn) -> None:
    """The head accepts a correction received after the period, for the good cause given."""
    received = correction_received_on(ctx, data)
    ctx.reason = f"负责人认定逾期补正有正当理由：{data.reason}"
    resume_after_lapse(ctx, "no_correction")
    take_correction(ctx, data, received)


def _late_fee(ctx: Ctx):
    fees = [f for f in ctx.fees() if f.status == ("lapsed" if ctx.app.status == "closed" else "approved")]
    if not fees:
        ctx.refuse("没有逾期未缴的收费")
    return fees[-1]


def _payment_period_over(ctx: Ctx) -> None:
    _closed_by(ctx, "fee_unpaid", "逾期未缴费", "准予逾期缴费")
    fee = _late_fee(ctx)
    due = payment_due(ctx, fee)
    if ctx.app.status == "awaiting_payment" and (due is None or ctx.today <= due):
        ctx.refuse(f"缴费期限至{due}，尚未届满，由经办人登记缴费即可" if due else "收费通知尚未送达，缴费期限尚未起算")


@handler("excuse_late_payment", {"head"}, LatePaymentIn, precheck=_payment_period_over)
def excuse_late_payment(ctx: Ctx, data: LatePaymentIn) -> None:
    """The head accepts a payment made after the period, for the good cause given."""
    fee = _late_fee(ctx)
    ctx.reason = f"负责人认定逾期缴费有正当理由：{data.reason}"
    resume_after_lapse(ctx, "fee_unpaid")
    take_payment(ctx, fee, data)


def resume_after_lapse(ctx: Ctx, outcome: str) -> None:
    """Undo the deemed abandonment of a case the lapse has closed: see the module's docstring."""
    app = ctx.app
    if app.status != "closed":
        return
    ctx.notes["resumed"] = {"outcome": app.outcome,
                            "concluded_on": app.concluded_on.isoformat() if app.concluded_on else None}
    app.outcome, app.concluded_on = None, None
    voided = []
    for letter in ctx.letters():
        if letter.type == "termination_notice" and letter.status != "void" and letter.data.get("cause") == outcome:
            letter.status, letter.void_reason, letter.voided_at = "void", ctx.reason, ctx.now
            voided.append({"id": letter.id, "number": letter.number})
    ctx.notes["voided_letters"] = voided
