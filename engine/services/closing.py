"""送达, 归档 and 重新答复."""

from __future__ import annotations

from datetime import date

from pydantic import Field
from sqlmodel import select

from ..errors import InputError
from ..models import Consultation, FeeAssessment, Letter, PriorConclusion, ServiceRecord
from ..reports.episodes import current_start_of
from ..remedy_periods import DECIDING_LETTERS, remedy_deadlines
from .fees import payment_due
from .pipeline import Ctx, Inputs, handler

METHODS = {"post": "邮寄", "email": "电子邮件", "online": "网上", "in_person": "当面", "fax": "传真", "other": "其他"}


class ServiceIn(Inputs):
    letter_id: int
    method: str
    served_on: date
    tracking_number: str = Field(default="", max_length=100)
    proof: str = Field(default="", max_length=300)
    failed: bool = False


def _has_issued_letter(ctx: Ctx) -> None:
    if not any(x.status == "issued" for x in ctx.letters()):
        ctx.refuse("本申请还没有已印发的文书，无需登记送达")


@handler("record_service", {"clerk"}, ServiceIn, precheck=_has_issued_letter)
def record_service(ctx: Ctx, data: ServiceIn) -> None:
    if data.method not in METHODS:
        raise InputError(f"送达方式应为：{'、'.join(METHODS)}", field="method")
    letter = ctx.session.get(Letter, data.letter_id)
    if letter is None or letter.application_id != ctx.app.id:
        raise InputError(f"本申请没有编号为 {data.letter_id} 的文书", field="letter_id")
    if letter.status != "issued":
        ctx.refuse("只有已印发的文书才能登记送达")
    ctx.check_date(data.served_on, "送达日期", not_before=letter.issued_on, not_before_what="印发日期")
    if data.failed and not data.proof:
        raise InputError("送达不成功的，须记录证明（如退件单号、说明）", field="proof")
    rec = ServiceRecord(application_id=ctx.app.id, letter_id=letter.id, method=data.method, served_on=data.served_on,
                        tracking_number=data.tracking_number, proof=data.proof, failed=data.failed,
                        recorded_by_id=ctx.actor.user_id)
    if not data.failed and letter.type in DECIDING_LETTERS:
        remedy = remedy_deadlines(ctx.registry, ctx.agency.region, data.served_on)
        rec.review_by, rec.sue_by, rec.remedy_provisional = remedy.review_by, remedy.sue_by, remedy.provisional
        ctx.notes["remedy_periods"] = remedy.as_dict()
    ctx.add(rec)
    ctx.effective_date = data.served_on
    if not data.failed:
        if letter.type == "correction_notice" and ctx.app.correction_notice_served_on is None:
            ctx.app.correction_notice_served_on = data.served_on  # correction period day 0
        if letter.type == "fee_notice":
            fee = ctx.session.get(FeeAssessment, letter.data.get("fee_id"))
            if fee is not None and fee.notice_served_on is None:
                fee.notice_served_on = data.served_on  # payment period day 0
                fee.payment_due = payment_due(ctx, fee)
    ctx.notes["service"] = {"letter_id": letter.id, "served_on": data.served_on.isoformat(), "failed": data.failed}


def _ready_to_archive(ctx: Ctx) -> None:
    letters = [x for x in ctx.letters() if x.status == "issued"]
    served = {r.letter_id for r in ctx.session.exec(
        select(ServiceRecord).where(ServiceRecord.application_id == ctx.app.id)).all()}
    missing = [x.number or f"#{x.id}" for x in letters if x.id not in served]
    if missing:
        ctx.refuse("以下已印发文书尚未登记送达：" + "、".join(missing))
    open_c = ctx.session.exec(select(Consultation).where(Consultation.application_id == ctx.app.id,
                                                         Consultation.status == "open")).first()
    if open_c:
        ctx.refuse("仍有未结束的征求意见")
    if any(f.status in ("proposed", "approved") for f in ctx.fees()):
        ctx.refuse("仍有未结清的收费")


@handler("archive", {"clerk"}, precheck=_ready_to_archive)
def archive(ctx: Ctx, data) -> None:
    ctx.app.archived_on = ctx.today


class ReopenIn(Inputs):
    decision_reference: str = Field(min_length=1, max_length=200)
    new_due: date
    reason: str = Field(min_length=1, max_length=2000)


@handler("reopen", {"head"}, ReopenIn)
def reopen(ctx: Ctx, data: ReopenIn) -> None:
    """A review decision or judgment orders a new reply; its due date comes from that decision.

    The conclusion it replaces is kept (``PriorConclusion``) so the annual report still counts it in
    its year; the new handling starts today and its reply counts in the year it is made."""
    if data.new_due < ctx.today:
        raise InputError("重新答复的期限不能早于今天", field="new_due")
    app = ctx.app
    if app.outcome and app.concluded_on:
        ctx.add(PriorConclusion(application_id=app.id, agency_id=app.agency_id,
                                started_on=current_start_of(ctx.session, app.id), concluded_on=app.concluded_on,
                                outcome=app.outcome, withhold_ground=app.withhold_ground, reopened_on=ctx.today,
                                decision_reference=data.decision_reference))
    ctx.notes["previous"] = {"outcome": app.outcome, "replied_on": app.replied_on.isoformat() if app.replied_on else None}
    app.outcome, app.outcome_details, app.withhold_ground = None, {}, None
    app.concluded_on = None
    app.replied_on = None
    app.replied_on_time = None
    app.late_by_working_days = None
    app.archived_on = None
    app.legal_review = None
    app.later_due_date = data.new_due
    app.later_due_reason = f"{data.decision_reference}：{data.reason}"
    ctx.reason = f"{data.decision_reference}：{data.reason}"
