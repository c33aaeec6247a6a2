"""征求意见: third parties (art 32) and other agencies (art 34); 15 working days from the party's receipt
of the letter; that time, and no more, is not counted in the answer period (arts 32, 34, 33(3))."""

from __future__ import annotations

from datetime import date

from pydantic import Field
from sqlmodel import select

from ..app_clock import CONSULTATION_DAYS, deadline_after
from ..errors import InputError
from ..models import Consultation
from .pipeline import Ctx, Inputs, handler

KINDS = {"third_party": "第三方", "agency": "其他机关"}
RESULTS = {"consent": "同意公开", "objection": "不同意公开", "other": "其他意见"}


class StartConsultationIn(Inputs):
    kind: str = Field(pattern="^(third_party|agency)$")
    party: str = Field(min_length=1, max_length=200)
    contact: str = Field(default="", max_length=200)
    party_received_on: date | None = None  # usually recorded later (record_consultation_receipt)
    notify_applicant: bool = False


def _set_party_receipt(ctx: Ctx, c: Consultation, received_on: date) -> None:
    """The party received the letter: its 15 working days, and the pause of the answer clock, start."""
    received = ctx.app.correction_received_on or ctx.app.received_date
    ctx.check_date(received_on, "对方收到征求意见书之日", not_before=received, not_before_what="收到申请之日")
    c.party_received_on = received_on
    c.reply_due, _ = deadline_after(ctx.registry, ctx.agency, received_on, CONSULTATION_DAYS)


@handler("start_consultation", {"clerk"}, StartConsultationIn)
def start_consultation(ctx: Ctx, data: StartConsultationIn) -> None:
    c = Consultation(application_id=ctx.app.id, kind=data.kind, party=data.party, contact=data.contact)
    if data.party_received_on is not None:
        _set_party_receipt(ctx, c, data.party_received_on)
    ctx.add(c)
    ctx.notes["consultation"] = {"id": c.id, "reply_due": c.reply_due.isoformat() if c.reply_due else None}
    letter = "third_party_consultation" if data.kind == "third_party" else "agency_consultation"
    ctx.draft_letter(letter, {"addressee": data.party, "party": data.party, "reply_due_days": CONSULTATION_DAYS,
                              "consultation_id": c.id})
    if data.notify_applicant:
        ctx.draft_letter("consultation_notice", {"party_kind": KINDS[data.kind]})


def _open(ctx: Ctx, consultation_id: int) -> Consultation:
    c = ctx.session.get(Consultation, consultation_id)
    if c is None or c.application_id != ctx.app.id:
        raise InputError(f"本申请没有编号为 {consultation_id} 的征求意见", field="consultation_id")
    if c.status != "open":
        ctx.refuse("该征求意见已结束")
    return c


def _remaining_open(ctx: Ctx, closing: Consultation) -> bool:
    others = ctx.session.exec(
        select(Consultation).where(Consultation.application_id == ctx.app.id, Consultation.status == "open",
                                   Consultation.id != closing.id)
    ).all()
    return bool(others)


class ConsultationReceiptIn(Inputs):
    consultation_id: int
    party_received_on: date


@handler("record_consultation_receipt", {"clerk"}, ConsultationReceiptIn)
def record_consultation_receipt(ctx: Ctx, data: ConsultationReceiptIn) -> None:
    c = _open(ctx, data.consultation_id)
    if c.party_received_on is not None:
        ctx.refuse(f"已登记对方于{c.party_received_on}收到征求意见书")
    letter = next((x for x in ctx.letters() if x.data.get("consultation_id") == c.id and x.status == "issued"), None)
    if letter is None:
        ctx.refuse("征求意见书尚未印发，不能登记对方收到的日期")
    if data.party_received_on < letter.issued_on:
        raise InputError(f"对方收到征求意见书之日不能早于印发日期（{letter.issued_on}）", field="party_received_on")
    _set_party_receipt(ctx, c, data.party_received_on)
    ctx.effective_date = data.party_received_on
    ctx.notes["consultation"] = {"id": c.id, "reply_due": c.reply_due.isoformat()}


class ConsultationReplyIn(Inputs):
    consultation_id: int
    result: str = Field(pattern="^(consent|objection|other)$")
    reasons: str = Field(default="", max_length=4000)
    received_on: date


@handler("record_consultation_reply", {"clerk"}, ConsultationReplyIn)
def record_consultation_reply(ctx: Ctx, data: ConsultationReplyIn) -> None:
    c = _open(ctx, data.consultation_id)
    if c.party_received_on is None:
        ctx.refuse("请先登记对方收到征求意见书的日期")
    ctx.check_date(data.received_on, "收到答复之日", not_before=c.party_received_on, not_before_what="对方收到征求意见书之日")
    if data.result == "objection" and not data.reasons:
        raise InputError("不同意公开的，须记录其理由", field="reasons")
    c.status, c.result, c.reply_received_on, c.reply_reasons = "closed", data.result, data.received_on, data.reasons
    ctx.flags["consultations_remain"] = _remaining_open(ctx, c)
    ctx.effective_date = data.received_on
    ctx.notes["consultation"] = {"id": c.id, "result": data.result}


class ConsultationLapsedIn(Inputs):
    consultation_id: int


def _any_lapsed(ctx: Ctx) -> None:
    open_ = ctx.session.exec(
        select(Consultation).where(Consultation.application_id == ctx.app.id, Consultation.status == "open")
    ).all()
    if not any(c.reply_due is not None and ctx.today > c.reply_due for c in open_):
        ctx.refuse("没有已超过15个工作日仍未答复的征求意见")


@handler("consultation_lapsed", {"system", "clerk"}, ConsultationLapsedIn, precheck=_any_lapsed)
def consultation_lapsed(ctx: Ctx, data: ConsultationLapsedIn) -> None:
    """Third party silent: the agency decides; other agency silent: consent (art 34)."""
    c = _open(ctx, data.consultation_id)
    if c.reply_due is None:
        ctx.refuse("对方尚未收到征求意见书，征求意见期限尚未起算")
    if ctx.today <= c.reply_due:
        ctx.refuse(f"征求意见期限至{c.reply_due}，尚未届满")
    c.status = "closed"
    c.result = "consent" if c.kind == "agency" else "lapsed"
    c.reply_received_on = c.reply_due  # the pause ends on the legal date
    ctx.flags["consultations_remain"] = _remaining_open(ctx, c)
    ctx.effective_date = c.reply_due
    ctx.notes["consultation"] = {"id": c.id, "result": c.result}
