"""答复: decide → secrecy review (when anything is released) → optional legal review → sign-off."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlmodel import select

from ..errors import InputError
from ..models import Application, Consultation, Letter
from ..outcomes import OUTCOMES, validate_details
from ..signals import REPEAT_THRESHOLD, text_similarity
from .duties import refuse_own_draft, reply_changed, require_legal_approval, send_back_advice
from .letter_records import freeze_letter
from .pipeline import Ctx, Inputs, handler


class DecideIn(Inputs):
    outcome: str
    details: dict[str, Any] = Field(default_factory=dict)
    confirm: bool = False  # a 检索日期 after today, confirmed (engine.outcomes.validate_details)


def _void_drafts(ctx: Ctx, type_: str = "reply") -> None:
    """The drafts of the decision being replaced (a new decision drafts its own)."""
    for letter in ctx.letters():
        if letter.type == type_ and letter.status == "draft":
            letter.status = "void"
            letter.void_reason = "答复决定已变更"
            letter.voided_at = ctx.now


@handler("decide", {"clerk"}, DecideIn, advice=send_back_advice)
def decide(ctx: Ctx, data: DecideIn) -> None:
    """From reply_drafting too: the clerk changes the decision (the reviews seen so far no longer apply)."""
    if data.outcome == "excessive":
        ctx.refuse("“无正当理由大量反复申请”须先要求申请人说明理由，由负责人认定（条例第三十五条）")
    details = validate_details(data.outcome, data.details, today=ctx.today, confirm=data.confirm)
    app = ctx.app
    if data.outcome == "still_unclear" and not app.correction_received_on:
        ctx.refuse("只有经过补正的申请才能答复“补正后申请内容仍不明确”")
    if data.outcome == "still_unclear":
        details["correction_history"] = {
            "requested_on": app.correction_requested_on.isoformat(), "items": app.correction_items,
            "received_on": app.correction_received_on.isoformat(),
        }
    if data.outcome == "repeat":
        _check_repeat_of(ctx, details["earlier_application"])
    app.outcome = data.outcome
    app.outcome_details = details
    app.withhold_ground = details.get("ground")
    app.decided_by_id = ctx.actor.user_id
    reply_changed(ctx)
    ctx.flags["releases_information"] = OUTCOMES[data.outcome].releases
    _void_drafts(ctx)
    _void_drafts(ctx, "third_party_disclosure_notice")
    ctx.draft_letter("reply", {}, outcome=data.outcome)
    if data.outcome in ("provide", "partial"):
        objecting = ctx.session.exec(select(Consultation).where(
            Consultation.application_id == app.id, Consultation.kind == "third_party",
            Consultation.result == "objection")).all()
        for c in objecting:  # disclosure over a third party's objection: tell the third party (art 32)
            ctx.draft_letter("third_party_disclosure_notice", {"addressee": c.party, "party": c.party,
                                                                "objection": c.reply_reasons})


def _check_repeat_of(ctx: Ctx, number: str) -> None:
    """36(六): only an application the agency has already *answered*, made by the same applicant, for the
    same information, makes this one a repeat."""
    app = ctx.app
    earlier = ctx.session.exec(select(Application).where(
        Application.number == number, Application.agency_id == app.agency_id)).first()
    field = "details.earlier_application"
    if earlier is None or earlier.id == app.id:
        raise InputError(f"本机关没有编号为“{number}”的此前申请", field=field)
    if earlier.applicant_id != app.applicant_id:
        raise InputError(f"申请 {number} 不是本申请人提出的，不能认定为重复申请（条例第三十六条第（六）项）", field=field)
    if earlier.replied_on is None:
        raise InputError(f"申请 {number} 尚未作出答复，不能认定为重复申请（条例第三十六条第（六）项）", field=field)
    similarity = text_similarity(app.request_text, earlier.request_text)
    if similarity < REPEAT_THRESHOLD:
        raise InputError(f"本申请与申请 {number} 的内容不同（相似度{similarity}%），不能认定为重复申请", field=field)


class ReviewNotesIn(Inputs):
    notes: str = Field(default="", max_length=4000)


def _not_the_decider(ctx: Ctx) -> None:
    if ctx.app.decided_by_id == ctx.actor.user_id:
        ctx.refuse("作出答复决定的经办人不能对本决定进行保密审查")
    draft = current_reply_draft(ctx)
    if draft is not None:
        refuse_own_draft(ctx, draft, "保密审查")


@handler("pass_secrecy_review", {"secrecy_reviewer"}, ReviewNotesIn, precheck=_not_the_decider)
def pass_secrecy_review(ctx: Ctx, data: ReviewNotesIn) -> None:
    ctx.reason = data.notes


class FailReviewIn(Inputs):
    reasons: str = Field(min_length=1, max_length=4000)


@handler("fail_secrecy_review", {"secrecy_reviewer"}, FailReviewIn, precheck=_not_the_decider)
def fail_secrecy_review(ctx: Ctx, data: FailReviewIn) -> None:
    ctx.reason = data.reasons
    ctx.app.outcome = None
    ctx.app.outcome_details = {}
    ctx.app.withhold_ground = None
    _void_drafts(ctx)


class LegalReviewIn(Inputs):
    approve: bool
    comments: str = Field(default="", max_length=4000)


def _has_reply_draft(ctx: Ctx) -> None:
    """A draft to review, not written by the reviewer; after a send-back, only once it was amended."""
    draft = current_reply_draft(ctx)
    if draft is None:
        ctx.refuse("没有待审核的答复书草稿")
    if ctx.app.legal_review == "returned":
        ctx.refuse("答复书已退回修改，待经办人修改答复书或变更答复决定后再审核")
    refuse_own_draft(ctx, draft, "法制审核")


@handler("legal_review", {"legal"}, LegalReviewIn, precheck=_has_reply_draft)
def legal_review(ctx: Ctx, data: LegalReviewIn) -> None:
    if not data.approve and not data.comments:
        raise InputError("退回修改时须写明意见", field="comments")
    ctx.app.legal_review = "approved" if data.approve else "returned"
    ctx.reason = data.comments


def current_reply_draft(ctx: Ctx) -> Letter | None:
    drafts = [x for x in ctx.letters() if x.type == "reply" and x.status == "draft"]
    return drafts[-1] if drafts else None


def _can_sign(ctx: Ctx) -> None:
    draft = current_reply_draft(ctx)
    if draft is None:
        ctx.refuse("没有待签发的答复书草稿")
    refuse_own_draft(ctx, draft, "签发")
    require_legal_approval(ctx)


class SignOffIn(Inputs):
    note: str = Field(default="", max_length=2000)


@handler("sign_off", {"head"}, SignOffIn, precheck=_can_sign)
def sign_off(ctx: Ctx, data: SignOffIn) -> None:
    """签发: the blocking audit must pass; the 文号 is allocated, the PDF frozen, timeliness recorded."""
    app = ctx.app
    view = ctx.clock()
    due = view.due
    on_time = due is None or ctx.today <= due
    app.replied_on = ctx.today
    app.concluded_on = ctx.today
    app.replied_on_time = on_time
    app.late_by_working_days = 0 if on_time else view.calendar.working_days_between(due, ctx.today)
    letter = current_reply_draft(ctx)
    letter.data = {**letter.data, "due_date": due.isoformat() if due else None,
                   "due_provisional": view.provisional, "issue_date": ctx.today.isoformat()}
    freeze_letter(ctx, letter, series=ctx.opts.reply_series)
    ctx.reason = data.note
    ctx.notes["reply"] = {"letter_id": letter.id, "number": letter.number, "on_time": on_time}

