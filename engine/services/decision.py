"""答复: decide → secrecy review (when anything is released) → optional legal review → sign-off."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..case import Act, Case
from ..change import Change, NewId
from ..errors import InputError, Refused
from ..eventdef import FormField, Inputs, declare, move
from ..models import Letter
from ..outcomes import OUTCOMES, validate_details
from ..signals import REPEAT_THRESHOLD, text_similarity
from ..third_party import NOTICE, notices_for, objections, overridden, untold, withheld_as_objected
from .documents import pick_for_decision, reviewed_documents
from .duties import refuse_own_draft, reply_changed, require_legal_approval, send_back_advice

DECIDING_STATES = ("reviewing", "handling", "reply_drafting")
OUTCOME_CHOICES = tuple((k, v.label) for k, v in OUTCOMES.items() if v.by_decision and k != "excessive")


class DecideIn(Inputs):
    outcome: str = Field(title="答复类型")
    details: dict[str, Any] = Field(default_factory=dict, title="答复内容")
    confirm: bool = Field(default=False, title="确认检索日期无误")  # a 检索日期 after today (validate_details)
    documents: list[int] = Field(default_factory=list, max_length=200, title="拟公开的文件")


def void_drafts(case: Case, change: Change, act: Act, type_: str = "reply") -> None:
    """The drafts of the decision being replaced (a new decision drafts its own)."""
    for letter in case.letters():
        if letter.type == type_ and letter.status == "draft":
            change.set(letter, status="void", void_reason="答复决定已变更", voided_at=act.now)


@declare("decide", "作出答复决定",
         # From reply_drafting: the clerk changes the decision (e.g. after a legal send-back); the old draft
         # is voided and a releasing decision goes through the secrecy review again.
         moves=[move(DECIDING_STATES, "secrecy_review", when="releases_information"),
                move(DECIDING_STATES, "reply_drafting")],
         roles={"clerk"}, inputs=DecideIn, advice=send_back_advice,
         form=[FormField("outcome", "select", OUTCOME_CHOICES), FormField("details", "details"),
               FormField("documents", "documents"),
               FormField("confirm", "checkbox", label="检索日期晚于今天时，确认日期无误")],
         example={"outcome": "not_exist", "details": {"search_places": "档案室、OA系统", "keywords": "统计 2025",
                                                      "searched_by": "李明", "searched_on": "2026-11-20"}})
def decide(case: Case, data: DecideIn, act: Act) -> Change:
    """From reply_drafting too: the clerk changes the decision (the reviews seen so far no longer apply)."""
    if data.outcome == "excessive":
        raise Refused("“无正当理由大量反复申请”须先要求申请人说明理由，由负责人认定（条例第三十五条）")
    details = dict(data.details)
    picked = pick_for_decision(case, data.outcome, data.documents)
    if picked:  # the reply's attachment list names the picked documents (the secrecy review passes them)
        if details.get("attachments"):
            raise InputError("已选择拟公开的文件时，附件清单由所选文件生成，不能另行填写", field="details.attachments")
        details["attachments"] = [d.filename for d in picked]
    details = validate_details(data.outcome, details, today=act.today, confirm=data.confirm)
    if picked:
        details["documents"] = [d.id for d in picked]
    app = case.app
    refuse_other_kind(app, data.outcome)
    over = over_objections(case, data.outcome, details)
    if data.outcome == "still_unclear" and not app.correction_received_on:
        raise Refused("只有经过补正的申请才能答复“补正后申请内容仍不明确”")
    if data.outcome == "still_unclear":
        details["correction_history"] = {
            "requested_on": app.correction_requested_on.isoformat(), "items": app.correction_items,
            "received_on": app.correction_received_on.isoformat(),
        }
    if data.outcome == "repeat":
        check_repeat_of(case, details["earlier_application"])
    change = Change().set_app(outcome=data.outcome, outcome_details=details, withhold_ground=details.get("ground"),
                              decided_by_id=act.actor.user_id)
    reply_changed(case, change)
    change.flags["releases_information"] = OUTCOMES[data.outcome].releases
    void_drafts(case, change, act)
    void_drafts(case, change, act, NOTICE)
    change.draft_letter("reply", {}, outcome=data.outcome)
    for c in over:  # tell each overridden third party (art 32), unless already told this very decision
        notice = {"addressee": c.party, "party": c.party, "objection": c.reply_reasons, "consultation_id": c.id,
                  "disclosed": disclosed(details), "public_interest_reasons": details["public_interest_reasons"]}
        if not any(x.status == "issued" and all(x.data.get(k) == notice[k] for k in ("disclosed", "public_interest_reasons"))
                   for x in notices_for(case, c)):
            change.draft_letter(NOTICE, notice)
    return change


def over_objections(case: Case, outcome: str, details: dict) -> list:
    """Art 32: the third parties whose objection this decision overrides; their override needs the
    public-interest reasons. The objections marked as withheld must be objections of this case."""
    objecting = objections(case.consultations())
    for mark in details.get("objections_withheld") or []:
        if not any(withheld_as_objected(c, [mark]) for c in objecting):
            raise InputError(f"“{mark}”不是本申请中不同意公开的第三方（征求意见编号或名称）",
                             field="details.objections_withheld")
    over = overridden(case.consultations(), outcome, details)
    if over and not str(details.get("public_interest_reasons") or "").strip():
        parties = "、".join(c.party for c in over)
        raise InputError(f"第三方（{parties}）不同意公开，决定公开的，须写明不公开可能对公共利益造成重大影响的理由"
                         "（条例第三十二条）；部分公开恰好不公开其反对公开的内容的，请逐一标明",
                         field="details.public_interest_reasons")
    if not over and "public_interest_reasons" in details:
        details["public_interest_reasons"] = ""  # nothing overridden: nothing to justify, no notice
    return over


def disclosed(details: dict) -> str:
    """What the override notice says is disclosed: the part provided, or the attachments."""
    return details.get("provided") or "、".join(details.get("attachments") or [])


def refuse_other_kind(app, outcome: str) -> None:
    """An art 41 correction request is answered with a correction outcome (corrected / not ours to
    correct / refused), a disclosure request with a disclosure outcome — never the other's."""
    wanted = OUTCOMES[outcome].request_kind
    if wanted and wanted != app.request_kind:
        if app.request_kind == "correction":
            choices = "、".join(o.label for o in OUTCOMES.values() if o.request_kind == "correction")
            raise InputError(f"本件是更正申请（条例第四十一条），答复类型应为：{choices}", field="outcome")
        raise InputError(f"“{OUTCOMES[outcome].label}”只用于更正申请（条例第四十一条）", field="outcome")


def check_repeat_of(case: Case, number: str) -> None:
    """36(六): only an application the agency has already *answered*, made by the same applicant, for the
    same information, makes this one a repeat."""
    app = case.app
    earlier = case.history.earlier_application(number)
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
    notes: str = Field(default="", max_length=4000, title="审查意见")


def not_the_decider(case: Case, act: Act) -> None:
    if case.app.decided_by_id == act.actor.user_id:
        raise Refused("作出答复决定的经办人不能对本决定进行保密审查")
    draft = current_reply_draft(case)
    if draft is not None:
        refuse_own_draft(case, act, draft, "保密审查")


@declare("pass_secrecy_review", "保密审查通过", moves=[move("secrecy_review", "reply_drafting")],
         roles={"secrecy_reviewer"}, inputs=ReviewNotesIn, guards=[not_the_decider],
         form=[FormField("notes", "textarea")], example={"notes": "不涉密"})
def pass_secrecy_review(case: Case, data: ReviewNotesIn, act: Act) -> Change:
    return Change(reason=data.notes).note("documents", reviewed_documents(case))


class FailReviewIn(Inputs):
    reasons: str = Field(min_length=1, max_length=4000, title="不通过的理由")


@declare("fail_secrecy_review", "保密审查未通过", moves=[move("secrecy_review", "handling")],
         roles={"secrecy_reviewer"}, inputs=FailReviewIn, guards=[not_the_decider],
         form=[FormField("reasons", "textarea")])
def fail_secrecy_review(case: Case, data: FailReviewIn, act: Act) -> Change:
    change = Change(reason=data.reasons).set_app(outcome=None, outcome_details={}, withhold_ground=None)
    change.note("documents", reviewed_documents(case))
    void_drafts(case, change, act)
    void_drafts(case, change, act, NOTICE)  # the decision it announced is gone
    return change


class LegalReviewIn(Inputs):
    approve: bool = Field(title="结论")
    comments: str = Field(default="", max_length=4000, title="意见")


def has_reply_draft_to_review(case: Case, act: Act) -> None:
    """A draft to review, not written by the reviewer; after a send-back, only once it was amended."""
    draft = current_reply_draft(case)
    if draft is None:
        raise Refused("没有待审核的答复书草稿")
    if case.app.legal_review == "returned":
        raise Refused("答复书已退回修改，待经办人修改答复书或变更答复决定后再审核")
    refuse_own_draft(case, act, draft, "法制审核")


@declare("legal_review", "法制审核", moves=[move(["reply_drafting", "replied"], "=")],  # replied: a re-issued reply
         roles={"legal"}, inputs=LegalReviewIn, guards=[has_reply_draft_to_review],
         form=[FormField("approve", "select", (("true", "审核通过"), ("false", "退回修改"))),
               FormField("comments", "textarea")],
         example={"approve": True})
def legal_review(case: Case, data: LegalReviewIn, act: Act) -> Change:
    if not data.approve and not data.comments:
        raise InputError("退回修改时须写明意见", field="comments")
    return Change(reason=data.comments).set_app(legal_review="approved" if data.approve else "returned")


def current_reply_draft(case: Case) -> Letter | None:
    drafts = [x for x in case.letters() if x.type == "reply" and x.status == "draft"]
    return drafts[-1] if drafts else None


def can_sign(case: Case, act: Act) -> None:
    draft = current_reply_draft(case)
    if draft is None:
        raise Refused("没有待签发的答复书草稿")
    refuse_own_draft(case, act, draft, "签发")
    require_legal_approval(case, act)


def third_parties_told(case: Case, act: Act) -> None:
    """Art 32: a reply disclosing over a third party's objection is signed off only once the 公开决定告知书
    to that third party has been issued and served."""
    problems = untold(case)
    if problems:
        raise Refused(problems[0])


class SignOffIn(Inputs):
    note: str = Field(default="", max_length=2000, title="签发意见")


@declare("sign_off", "签发", moves=[move("reply_drafting", "replied")], roles={"head"}, inputs=SignOffIn,
         guards=[can_sign, third_parties_told], form=[FormField("note")])
def sign_off(case: Case, data: SignOffIn, act: Act) -> Change:
    """签发: the blocking audit must pass; the 文号 is allocated, the PDF frozen, timeliness recorded."""
    view = case.clock(act)
    due = view.due
    on_time = due is None or act.today <= due
    change = Change(reason=data.note).set_app(
        replied_on=act.today, concluded_on=act.today, replied_on_time=on_time,
        late_by_working_days=0 if on_time else view.calendar.working_days_between(due, act.today))
    letter = current_reply_draft(case)
    change.set(letter, data={**letter.data, "due_date": due.isoformat() if due else None,
                             "due_provisional": view.provisional, "issue_date": act.today.isoformat()})
    change.freeze(letter, case.opts.reply_series)
    change.note("reply", {"letter_id": letter.id, "number": NewId(letter, "number"), "on_time": on_time})
    return change
