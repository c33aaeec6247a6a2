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
from ..case import Act, Case
from ..change import Change
from ..errors import Refused
from ..eventdef import FormField, declare, move
from .correction import CORRECTION_FORM, ReceiveCorrectionIn, correction_received_on, take_correction
from .fees import PAYMENT_FORM, PaymentIn, payment_due, take_payment


class LateCorrectionIn(ReceiveCorrectionIn):
    reason: str = Field(min_length=1, max_length=2000, title="逾期补正的正当理由")


class LatePaymentIn(PaymentIn):
    reason: str = Field(min_length=1, max_length=2000, title="逾期缴费的正当理由")


def closed_by(case: Case, outcome: str, lapse: str, late: str) -> None:
    if case.app.status == "closed" and case.app.outcome != outcome:
        raise Refused(f"本申请不是因{lapse}而终止的，不能{late}")


def correction_period_over(case: Case, act: Act) -> None:
    closed_by(case, "no_correction", "逾期未补正", "准予逾期补正")
    end = correction_period_end(act.registry, case.app, case.agency)
    if case.app.status == "awaiting_correction" and (end is None or act.today <= end):
        raise Refused("补正期限尚未届满，由经办人登记收到补正即可" if end else "补正告知书尚未送达，补正期限尚未起算")


# The head's justified exception to a lapsed period: before the lapse or after it closed the case.
@declare("excuse_late_correction", "准予逾期补正", moves=[move(["awaiting_correction", "closed"], "reviewing")],
         roles={"head"}, inputs=LateCorrectionIn, guards=[correction_period_over],
         form=[*CORRECTION_FORM, FormField("reason", "textarea")],
         example={"channel": "email", "channel_facts": {"mail_received": "2026-11-20"},
                  "reason": "申请人住院治疗，提交了医院证明"})
def excuse_late_correction(case: Case, data: LateCorrectionIn, act: Act) -> Change:
    """The head accepts a correction received after the period, for the good cause given."""
    received = correction_received_on(case, data, act)
    change = Change(reason=f"负责人认定逾期补正有正当理由：{data.reason}")
    resume_after_lapse(case, change, act, "no_correction")
    return take_correction(change, data, received)


def late_fee(case: Case):
    fees = [f for f in case.fees() if f.status == ("lapsed" if case.app.status == "closed" else "approved")]
    if not fees:
        raise Refused("没有逾期未缴的收费")
    return fees[-1]


def payment_period_over(case: Case, act: Act) -> None:
    closed_by(case, "fee_unpaid", "逾期未缴费", "准予逾期缴费")
    due = payment_due(act.registry, case.agency, late_fee(case))
    if case.app.status == "awaiting_payment" and (due is None or act.today <= due):
        raise Refused(f"缴费期限至{due}，尚未届满，由经办人登记缴费即可" if due else "收费通知尚未送达，缴费期限尚未起算")


@declare("excuse_late_payment", "准予逾期缴费", moves=[move(["awaiting_payment", "closed"], "handling")],
         roles={"head"}, inputs=LatePaymentIn, guards=[payment_period_over],
         form=[*PAYMENT_FORM, FormField("reason", "textarea")],
         example={"amount": "4700", "receipt_number": "财政票据 No.0012346", "paid_on": "2026-11-25",
                  "reason": "银行系统故障致汇款延迟，有银行证明"})
def excuse_late_payment(case: Case, data: LatePaymentIn, act: Act) -> Change:
    """The head accepts a payment made after the period, for the good cause given."""
    fee = late_fee(case)
    change = Change(reason=f"负责人认定逾期缴费有正当理由：{data.reason}")
    resume_after_lapse(case, change, act, "fee_unpaid")
    return take_payment(change, fee, data, act)


def resume_after_lapse(case: Case, change: Change, act: Act, outcome: str) -> None:
    """Undo the deemed abandonment of a case the lapse has closed: see the module's docstring."""
    app = case.app
    if app.status != "closed":
        return
    change.note("resumed", {"outcome": app.outcome,
                            "concluded_on": app.concluded_on.isoformat() if app.concluded_on else None})
    change.set_app(outcome=None, concluded_on=None)
    voided = []
    for letter in case.letters():
        if letter.type == "termination_notice" and letter.status != "void" and letter.data.get("cause") == outcome:
            change.set(letter, status="void", void_reason=change.reason, voided_at=act.now)
            voided.append({"id": letter.id, "number": letter.number})
    change.note("voided_letters", voided)
