"""征求意见: third parties (art 32) and other agencies (art 34); 15 working days from the party's receipt
of the letter; that time, and no more, is not counted in the answer period (arts 32, 34, 33(3))."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from ..app_clock import CONSULTATION_DAYS, deadline_after
from ..case import Act, Case
from ..change import Change
from ..errors import InputError, Refused
from ..eventdef import FormField, Inputs, declare, move
from ..models import Consultation

KINDS = {"third_party": "第三方", "agency": "其他机关"}
RESULTS = {"consent": "同意公开", "objection": "不同意公开", "other": "其他意见"}


class StartConsultationIn(Inputs):
    kind: str = Field(pattern="^(third_party|agency)$", title="征求对象")
    party: str = Field(min_length=1, max_length=200, title="名称")
    contact: str = Field(default="", max_length=200, title="联系方式")
    party_received_on: date | None = Field(default=None, title="对方收到征求意见书之日")  # usually recorded later
    notify_applicant: bool = Field(default=False, title="同时告知申请人（征求意见告知书）")


def party_receipt(case: Case, act: Act, received_on: date) -> dict:
    """The party received the letter: its 15 working days, and the pause of the answer clock, start."""
    received = case.app.correction_received_on or case.app.received_date
    act.check_date(received_on, "对方收到征求意见书之日", not_before=received, not_before_what="收到申请之日")
    due, _ = deadline_after(act.registry, case.agency, received_on, CONSULTATION_DAYS)
    return {"party_received_on": received_on, "reply_due": due}


@declare("start_consultation", "征求意见", moves=[move(["handling", "consulting"], "consulting")], roles={"clerk"},
         inputs=StartConsultationIn,
         form=[FormField("kind", "select", (("third_party", "第三方（第三十二条）"), ("agency", "其他机关（第三十四条）"))),
               FormField("party"), FormField("contact"),
               FormField("party_received_on", "date", label="对方收到征求意见书之日（已知时填写，也可印发后登记）"),
               FormField("notify_applicant", "checkbox")],
         example={"kind": "third_party", "party": "某某有限公司"})
def start_consultation(case: Case, data: StartConsultationIn, act: Act) -> Change:
    receipt = party_receipt(case, act, data.party_received_on) if data.party_received_on is not None else {}
    c = Consultation(application_id=case.app.id, kind=data.kind, party=data.party, contact=data.contact, **receipt)
    change = Change()
    cid = change.add(c)
    change.note("consultation", {"id": cid, "reply_due": c.reply_due.isoformat() if c.reply_due else None})
    letter = "third_party_consultation" if data.kind == "third_party" else "agency_consultation"
    change.draft_letter(letter, {"addressee": data.party, "party": data.party, "reply_due_days": CONSULTATION_DAYS,
                                 "consultation_id": cid})
    if data.notify_applicant:
        change.draft_letter("consultation_notice", {"party_kind": KINDS[data.kind]})
    return change


def open_consultation(case: Case, consultation_id: int) -> Consultation:
    c = case.consultation(consultation_id)
    if c is None:
        raise InputError(f"本申请没有编号为 {consultation_id} 的征求意见", field="consultation_id")
    if c.status != "open":
        raise Refused("该征求意见已结束")
    return c


def others_open(case: Case, closing: Consultation) -> bool:
    return any(c.status == "open" and c.id != closing.id for c in case.consultations())


def has_open_consultation(case: Case, act: Act) -> None:
    if not any(c.status == "open" for c in case.consultations()):
        raise Refused("没有进行中的征求意见")


class ConsultationReceiptIn(Inputs):
    consultation_id: int = Field(title="征求意见")
    party_received_on: date = Field(title="对方收到征求意见书之日")


def awaiting_receipt(case: Case, act: Act) -> None:
    if not any(c.status == "open" and c.party_received_on is None for c in case.consultations()):
        raise Refused("没有待登记对方收到日期的征求意见")


@declare("record_consultation_receipt", "登记对方收到征求意见书", moves=[move("consulting", "=")], roles={"clerk"},
         inputs=ConsultationReceiptIn, guards=[awaiting_receipt],
         form=[FormField("consultation_id", "consultation"), FormField("party_received_on", "date")],
         example={"consultation_id": 1, "party_received_on": "2026-11-20"})
def record_consultation_receipt(case: Case, data: ConsultationReceiptIn, act: Act) -> Change:
    c = open_consultation(case, data.consultation_id)
    if c.party_received_on is not None:
        raise Refused(f"已登记对方于{c.party_received_on}收到征求意见书")
    letter = next((x for x in case.letters() if x.data.get("consultation_id") == c.id and x.status == "issued"), None)
    if letter is None:
        raise Refused("征求意见书尚未印发，不能登记对方收到的日期")
    if data.party_received_on < letter.issued_on:
        raise InputError(f"对方收到征求意见书之日不能早于印发日期（{letter.issued_on}）", field="party_received_on")
    receipt = party_receipt(case, act, data.party_received_on)
    change = Change().set(c, **receipt)
    change.effective_date = data.party_received_on
    change.note("consultation", {"id": c.id, "reply_due": receipt["reply_due"].isoformat()})
    return change


class ConsultationReplyIn(Inputs):
    consultation_id: int = Field(title="征求意见")
    result: str = Field(pattern="^(consent|objection|other)$", title="意见")
    reasons: str = Field(default="", max_length=4000, title="理由")
    received_on: date = Field(title="收到答复之日")


def awaiting_reply(case: Case, act: Act) -> None:
    if not any(c.status == "open" and c.party_received_on is not None for c in case.consultations()):
        raise Refused("请先登记对方收到征求意见书的日期")


@declare("record_consultation_reply", "登记征求意见答复",
         moves=[move("consulting", "consulting", when="consultations_remain"), move("consulting", "handling")],
         roles={"clerk"}, inputs=ConsultationReplyIn, guards=[awaiting_reply],
         form=[FormField("consultation_id", "consultation"), FormField("result", "select", tuple(RESULTS.items())),
               FormField("reasons", "textarea"), FormField("received_on", "date")],
         example={"consultation_id": 1, "result": "consent", "received_on": "2026-11-25"})
def record_consultation_reply(case: Case, data: ConsultationReplyIn, act: Act) -> Change:
    c = open_consultation(case, data.consultation_id)
    if c.party_received_on is None:
        raise Refused("请先登记对方收到征求意见书的日期")
    act.check_date(data.received_on, "收到答复之日", not_before=c.party_received_on, not_before_what="对方收到征求意见书之日")
    if data.result == "objection" and not data.reasons:
        raise InputError("不同意公开的，须记录其理由", field="reasons")
    change = Change().set(c, status="closed", result=data.result, reply_received_on=data.received_on,
                          reply_reasons=data.reasons)
    change.flags["consultations_remain"] = others_open(case, c)
    change.effective_date = data.received_on
    change.note("consultation", {"id": c.id, "result": data.result})
    return change


class ConsultationLapsedIn(Inputs):
    consultation_id: int = Field(title="征求意见")


def any_lapsed(case: Case, act: Act) -> None:
    if not any(c.status == "open" and c.reply_due is not None and act.today > c.reply_due for c in case.consultations()):
        raise Refused("没有已超过15个工作日仍未答复的征求意见")


@declare("consultation_lapsed", "征求意见期满",
         moves=[move("consulting", "consulting", when="consultations_remain"), move("consulting", "handling")],
         roles={"system", "clerk"}, inputs=ConsultationLapsedIn, guards=[any_lapsed],
         form=[FormField("consultation_id", "consultation")])
def consultation_lapsed(case: Case, data: ConsultationLapsedIn, act: Act) -> Change:
    """Third party silent: the agency decides; other agency silent: consent (art 34)."""
    c = open_consultation(case, data.consultation_id)
    if c.reply_due is None:
        raise Refused("对方尚未收到征求意见书，征求意见期限尚未起算")
    if act.today <= c.reply_due:
        raise Refused(f"征求意见期限至{c.reply_due}，尚未届满")
    result = "consent" if c.kind == "agency" else "lapsed"
    # the pause ends on the legal date
    change = Change().set(c, status="closed", result=result, reply_received_on=c.reply_due)
    change.flags["consultations_remain"] = others_open(case, c)
    change.effective_date = c.reply_due
    change.note("consultation", {"id": c.id, "result": result})
    return change
