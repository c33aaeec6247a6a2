"""送达, 归档 and 重新答复."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from ..case import Act, Case
from ..change import Change
from ..errors import InputError, Refused
from ..eventdef import FormField, Inputs, declare, move
from ..models import PriorConclusion, ServiceRecord
from ..remedy_periods import DECIDING_LETTERS, remedy_deadlines
from ..states import OPEN_STATES
from .fees import payment_due

METHODS = {"post": "邮寄", "email": "电子邮件", "online": "网上", "in_person": "当面", "fax": "传真", "other": "其他"}


class ServiceIn(Inputs):
    letter_id: int = Field(title="文书")
    method: str = Field(title="送达方式")
    served_on: date = Field(title="送达日期")
    dispatched_on: date | None = Field(default=None, title="发出日期（交邮、发送之日）")
    tracking_number: str = Field(default="", max_length=100, title="邮件号/回执号")
    proof: str = Field(default="", max_length=300, title="送达凭证说明")
    proof_document_id: int | None = Field(default=None, title="送达凭证文件")
    failed: bool = Field(default=False, title="送达不成功")


def has_issued_letter(case: Case, act: Act) -> None:
    if not any(x.status == "issued" for x in case.letters()):
        raise Refused("本申请还没有已印发的文书，无需登记送达")


# Service is recorded for notices while open too (the correction and payment periods start there).
# The system records it too: the applicant's first download on the portal is the electronic service.
@declare("record_service", "登记送达", moves=[move([*OPEN_STATES, "replied", "closed"], "=")], roles={"clerk", "system"},
         inputs=ServiceIn, guards=[has_issued_letter],
         form=[FormField("letter_id", "letter"), FormField("method", "select", tuple(METHODS.items())),
               FormField("served_on", "date"), FormField("dispatched_on", "date"), FormField("tracking_number"),
               FormField("proof"), FormField("proof_document_id", "service_proof"),
               FormField("failed", "checkbox")],
         example={"letter_id": 1, "method": "email", "served_on": "2026-11-25", "proof": "邮件回执"})
def record_service(case: Case, data: ServiceIn, act: Act) -> Change:
    if data.method not in METHODS:
        raise InputError(f"送达方式应为：{'、'.join(METHODS)}", field="method")
    letter = case.letter(data.letter_id)
    if letter is None:
        raise InputError(f"本申请没有编号为 {data.letter_id} 的文书", field="letter_id")
    if letter.status != "issued":
        raise Refused("只有已印发的文书才能登记送达")
    act.check_date(data.served_on, "送达日期", not_before=letter.issued_on, not_before_what="印发日期")
    if data.dispatched_on is not None:
        act.check_date(data.dispatched_on, "发出日期", not_before=letter.issued_on, not_before_what="印发日期")
        if data.dispatched_on > data.served_on:
            raise InputError("发出日期不能晚于送达日期", field="dispatched_on")
    if data.failed and not (data.proof or data.proof_document_id):
        raise InputError("送达不成功的，须记录证明（如退件单号、说明）", field="proof")
    proof_document(case, data.proof_document_id)
    change = Change(effective_date=data.served_on)
    rec = ServiceRecord(application_id=case.app.id, letter_id=letter.id, method=data.method, served_on=data.served_on,
                        dispatched_on=data.dispatched_on, tracking_number=data.tracking_number, proof=data.proof,
                        failed=data.failed, proof_document_id=data.proof_document_id,
                        recorded_by_id=act.actor.user_id)
    if not data.failed and letter.type in DECIDING_LETTERS:
        remedy = remedy_deadlines(act.registry, case.agency.region, data.served_on)
        rec.review_by, rec.sue_by, rec.remedy_provisional = remedy.review_by, remedy.sue_by, remedy.provisional
        change.note("remedy_periods", remedy.as_dict())
    change.add(rec)
    start = period_start(case, data)
    if letter.type == "correction_notice" and start and case.app.correction_notice_served_on is None:
        change.set_app(correction_notice_served_on=start)  # correction period day 0 (art 30)
    if letter.type == "fee_notice" and not data.failed:
        fee = case.fee(letter.data.get("fee_id"))
        if fee is not None and fee.notice_served_on is None:  # the fee pause begins on service (109号)
            change.set(fee, notice_served_on=data.served_on)
        if fee is not None and start and fee.payment_due is None:  # payment period day 0
            change.set(fee, payment_period_from=start,
                       payment_due=payment_due(act.registry, case.agency, fee, served_on=start))
    change.note("service", {"letter_id": letter.id, "served_on": data.served_on.isoformat(), "failed": data.failed})
    return change


def period_start(case: Case, data: ServiceIn) -> date | None:
    """Day 0 of a correction or payment period started by this service record: the applicant's receipt
    (the lawful default), or the recorded dispatch where the agency's rule says so; None when the
    delivery failed or the rule's date is not recorded (no period runs, so nothing lapses)."""
    if data.failed:
        return None
    return data.dispatched_on if case.opts.periods_from == "dispatch" else data.served_on
def proof_document(case: Case, document_id: int | None) -> None:
    """The proof of service, when given as a file: an active 送达凭证 of this case (EMS receipt scan,
    signed 送达回证, the portal's download record)."""
    if document_id is None:
        return
    doc = case.document(document_id)
    if doc is None:
        raise InputError(f"本申请没有编号为 {document_id} 的文件", field="proof_document_id")
    if doc.kind != "service_proof":
        raise InputError(f"文件“{doc.filename}”不是送达凭证类文件", field="proof_document_id")
    if doc.status != "active":
        raise InputError(f"文件“{doc.filename}”已被替换或撤回", field="proof_document_id")


def ready_to_archive(case: Case, act: Act) -> None:
    served = {r.letter_id for r in case.service_records()}
    missing = [x.number or f"#{x.id}" for x in case.letters() if x.status == "issued" and x.id not in served]
    if missing:
        raise Refused("以下已印发文书尚未登记送达：" + "、".join(missing))
    if any(c.status == "open" for c in case.consultations()):
        raise Refused("仍有未结束的征求意见")
    if any(f.status in ("proposed", "approved") for f in case.fees()):
        raise Refused("仍有未结清的收费")


@declare("archive", "归档", moves=[move(["replied", "closed"], "archived")], roles={"clerk"},
         guards=[ready_to_archive])
def archive(case: Case, data, act: Act) -> Change:
    return Change().set_app(archived_on=act.today)


class ReopenIn(Inputs):
    decision_reference: str = Field(min_length=1, max_length=200, title="复议决定或判决文号")
    new_due: date = Field(title="重新答复期限")
    reason: str = Field(min_length=1, max_length=2000, title="理由")


@declare("reopen", "重新答复", moves=[move(["replied", "archived"], "handling")], roles={"head"}, inputs=ReopenIn,
         form=[FormField("decision_reference"), FormField("new_due", "date"), FormField("reason", "textarea")],
         example={"decision_reference": "示府复决〔2026〕8号", "new_due": "2026-12-31", "reason": "复议决定责令重新答复"})
def reopen(case: Case, data: ReopenIn, act: Act) -> Change:
    """A review decision or judgment orders a new reply; its due date comes from that decision.

    The conclusion it replaces is kept (``PriorConclusion``) so the annual report still counts it in
    its year; the new handling starts today and its reply counts in the year it is made."""
    if data.new_due < act.today:
        raise InputError("重新答复的期限不能早于今天", field="new_due")
    app = case.app
    reason = f"{data.decision_reference}：{data.reason}"
    change = Change(reason=reason)
    if app.outcome and app.concluded_on:
        change.add(PriorConclusion(application_id=app.id, agency_id=app.agency_id,
                                   started_on=case.history.current_start(), concluded_on=app.concluded_on,
                                   outcome=app.outcome, withhold_ground=app.withhold_ground, reopened_on=act.today,
                                   decision_reference=data.decision_reference))
    change.note("previous", {"outcome": app.outcome,
                             "replied_on": app.replied_on.isoformat() if app.replied_on else None})
    change.set_app(outcome=None, outcome_details={}, withhold_ground=None, concluded_on=None, replied_on=None,
                   replied_on_time=None, late_by_working_days=None, archived_on=None, legal_review=None,
                   later_due_date=data.new_due, later_due_reason=reason)
    return change
