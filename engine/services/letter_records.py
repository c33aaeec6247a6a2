"""Issuing, voiding, re-issuing and editing letters (record-only events). Numbering, the legal audit,
rendering and freezing happen when the unit of work applies a ``Freeze`` (``engine.unit_of_work``)."""

from __future__ import annotations

from pydantic import Field

from ..case import Act, Case
from ..change import Change, NewId
from ..errors import InputError, Refused
from ..eventdef import FormField, Inputs, declare, move
from ..models import Letter
from ..outcomes import OUTCOMES, validate_details
from .duties import (draft_edited, refuse_own_draft, releases, reply_redrafted, require_legal_approval,
                     send_back_advice)
from .extension import promised_due


def format_number(code: str, series: str, year: int, n: int) -> str:
    """文号: {code}{series}〔{year}〕{n}号 — 六角括号, no 第, no leading zeros."""
    return f"{code}{series}〔{year}〕{n}号"


class LetterIn(Inputs):
    letter_id: int = Field(title="文书")


def letter_of(case: Case, letter_id: int) -> Letter:
    letter = case.letter(letter_id)
    if letter is None:
        raise InputError(f"本申请没有编号为 {letter_id} 的文书", field="letter_id")
    return letter


@declare("issue_letter", "印发文书", roles={"clerk", "head"}, inputs=LetterIn, record_only=True, listed=False)
def issue_letter(case: Case, data: LetterIn, act: Act) -> Change:
    """印发 a procedural notice (replies are issued only by ``sign_off``)."""
    letter = letter_of(case, data.letter_id)
    if letter.status != "draft":
        raise Refused("只有草稿可以印发")
    change = Change()
    series = case.opts.notice_series
    if letter.type == "extension_notice" and letter.data.get("date_hold"):
        # certain by now? (the schedule imported, the pause over)
        change.set(letter, data={**letter.data, **promised_due(case, act)})
    if letter.type == "reply":
        # Only a re-issue of a voided reply comes here (a first reply is issued by sign_off), by a head.
        if case.app.status != "replied" or act.role != "head":
            raise Refused("答复书须经负责人签发")
        refuse_own_draft(case, act, letter, "签发")
        require_legal_approval(case, act)
        series = case.opts.reply_series
    change.freeze(letter, series)
    change.note("letter", {"id": letter.id, "number": NewId(letter, "number")})
    return change


class VoidIn(Inputs):
    letter_id: int = Field(title="文书")
    reason: str = Field(min_length=1, max_length=2000, title="作废理由")


@declare("void_letter", "作废文书", roles={"head"}, inputs=VoidIn, record_only=True, listed=False)
def void_letter(case: Case, data: VoidIn, act: Act) -> Change:
    """作废: the frozen letter stays as it was, marked void with the reason; its number is never reused."""
    letter = letter_of(case, data.letter_id)
    if letter.status == "void":
        raise Refused("该文书已作废")
    change = Change(reason=data.reason).set(letter, status="void", void_reason=data.reason, voided_at=act.now)
    change.note("letter", {"id": letter.id, "number": letter.number})
    return change


@declare("reissue_letter", "重新出具文书", roles={"clerk", "head"}, inputs=LetterIn, record_only=True, listed=False)
def reissue_letter(case: Case, data: LetterIn, act: Act) -> Change:
    """A voided letter's data as a new draft, to be issued with a new number."""
    old = letter_of(case, data.letter_id)
    if old.status != "void":
        raise Refused("只有已作废的文书可以重新出具")
    keep = {k: v for k, v in old.data.items() if k not in ("number", "issue_date", "signer")}
    change = Change()
    new_id = change.add(Letter(application_id=old.application_id, agency_id=old.agency_id, type=old.type,
                               outcome=old.outcome, addressee=old.addressee, data=keep,
                               drafted_by_id=act.actor.user_id))
    if old.type == "reply":
        reply_redrafted(case, change)
    change.note("letter", {"id": new_id, "replaces": old.id})
    return change


class EditLetterIn(Inputs):
    letter_id: int = Field(title="文书草稿")
    request_summary: str | None = Field(default=None, max_length=4000, title="申请内容摘要（不改请留空）")
    details: dict | None = Field(default=None, title="答复内容")


def editable_drafts(case: Case) -> list[Letter]:
    """Drafts the clerk may edit: every draft but a releasing reply of a case already answered (what it
    releases is changed only by a new decision that passes the secrecy review, ``draft_edited``)."""
    answered = case.app.status in ("replied", "closed", "archived")
    return [x for x in case.letters() if x.status == "draft" and not (answered and x.type == "reply" and releases(x))]


def has_draft(case: Case, act: Act) -> None:
    if not editable_drafts(case) and any(x.status == "draft" for x in case.letters()):
        raise Refused("已答复的公开类答复书重新出具时不能修改内容：变更公开的内容须重新作出答复决定并经保密审查"
                      "（条例第十七条）")
    if not editable_drafts(case):
        if any(x.status == "draft" and x.type == "reply" and releases(x) for x in case.letters()):
            raise Refused("已答复的公开类答复书重新出具时不能修改内容：变更公开的内容须重新作出答复决定并经保密审查"
                          "（条例第十七条）")
        raise Refused("没有可修改的文书草稿（已印发的文书不能修改；如有错误，请作废后重新出具）")


# Amending a draft (e.g. after a legal send-back); only the fields filled in change. An edited releasing
# reply goes back to the secrecy review.
@declare("edit_letter", "修改文书内容", roles={"clerk"}, inputs=EditLetterIn, record_only=True, guards=[has_draft],
         # A record event that moves: an edit of a releasing reply draft after the secrecy review voids that
         # review, the case goes back to it (otherwise it keeps the state, like every record event).
         moves=[move("reply_drafting", "secrecy_review", when="secrecy_review_voided")],
         advice=send_back_advice,
         form=[FormField("letter_id", "draft"), FormField("request_summary", "textarea"), FormField("details", "details")],
         example={"letter_id": 1, "details": {"reasons": "需对多个系统的原始记录汇总分析"}})
def edit_letter(case: Case, data: EditLetterIn, act: Act) -> Change:
    """The clerk edits only data fields of a draft (inserted escaped); the wording stays the template's.
    An edited reply needs its reviews again (``draft_edited``)."""
    letter = letter_of(case, data.letter_id)
    if letter.status != "draft":
        raise Refused("已印发的文书不能修改；如有错误，请作废后重新出具")
    change = Change()
    draft_edited(case, letter, change)
    new = dict(letter.data)
    if data.request_summary is not None:
        new["request_summary"] = data.request_summary.strip()
    if data.details is not None:
        if letter.type != "reply" or not letter.outcome:
            raise InputError("只有答复书可以修改答复内容", field="details")
        merged = {**(new.get("decision") or {}).get("details", {}), **data.details}
        merged.pop("correction_history", None)
        clean = validate_details(letter.outcome, {k: v for k, v in merged.items()
                                                  if k in {d.key for d in OUTCOMES[letter.outcome].details}})
        decision = dict(new.get("decision") or {})
        decision["details"] = {**decision.get("details", {}), **clean}
        new["decision"] = decision
    change.set(letter, data=new)
    change.note("letter", {"id": letter.id, "edited": sorted(k for k in ("request_summary", "details")
                                                              if getattr(data, k) is not None)})
    return change
