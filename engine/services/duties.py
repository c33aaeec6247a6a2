"""Separation of duties on a reply draft, and reviews that mean something.

Nobody approves their own proposal: the authors of a draft are who decided it, who drafted it and every
clerk who edited it — read from the ``edit_letter`` events of that letter (the audit trail is
append-only and chained, so the list cannot be rewritten; a column on the letter could). Signing, the
secrecy review and the legal review call ``refuse_own_draft`` with their own label.

A review covers the draft it saw: a change to what is released — a new decision, an edited draft —
after the secrecy review sends the case back to it (art 17), and after the legal review clears the
approval. A legal send-back (退回修改, ``legal_review == "returned"``) must be answered: the draft is
amended (``"amended"``) and approved again before anyone signs, whatever the agency's setting.
"""

from __future__ import annotations

from ..case import Act, Case
from ..change import Change
from ..errors import Refused
from ..models import Letter
from ..outcomes import OUTCOMES


def draft_authors(case: Case, letter: Letter) -> set[int]:
    authors = {case.app.decided_by_id, letter.drafted_by_id} | case.history.draft_editors(letter.id)
    authors.discard(None)
    return authors


def refuse_own_draft(case: Case, act: Act, letter: Letter, duty: str) -> None:
    """``duty`` (e.g. 签发) may not be done by an author of the draft."""
    if act.actor.user_id in draft_authors(case, letter):
        raise Refused(f"{duty}人不能是拟稿人（作出答复决定或修改过答复书草稿者）：不得审批自己拟办的事项")


SENT_BACK = ("returned", "amended")


def reply_changed(case: Case, change: Change) -> None:
    """The reply (its decision or its draft) changed: a legal approval no longer covers it (the event's
    changes record ``legal_review``: [before, after]); a send-back is now answered, awaiting re-approval."""
    change.set_app(legal_review="amended" if case.app.legal_review in SENT_BACK else None)


def reply_redrafted(case: Case, change: Change) -> None:
    """A voided reply drafted again as it was issued: an approval carries over (the content is the one
    reviewed), a send-back of the previous draft is answered by the new one (awaiting re-approval)."""
    if case.app.legal_review in SENT_BACK:
        reply_changed(case, change)


def draft_edited(case: Case, letter: Letter, change: Change) -> None:
    """A reply draft changed. Its reviews no longer cover it: the legal review's result is cleared, and a
    releasing reply edited after the secrecy review goes back to that review (a flag the machine moves
    on: reply_drafting → secrecy_review). A releasing reply already answered (a re-issue after a void)
    cannot go back to a review: what it releases is not changed there."""
    if letter.type != "reply":
        return
    if releases(letter) and case.app.status in ("replied", "closed", "archived"):
        raise Refused("已答复的公开类答复书重新出具时不能修改内容：变更公开的内容须重新作出答复决定并经保密审查"
                      "（条例第十七条）")
    reply_changed(case, change)
    if releases(letter) and case.app.status == "reply_drafting":
        change.flags["secrecy_review_voided"] = True


def releases(letter: Letter) -> bool:
    return bool(letter.outcome) and OUTCOMES[letter.outcome].releases


def require_legal_approval(case: Case, act: Act) -> None:
    """A reply is issued — signed off, or re-issued after a void — only as approved by the legal review
    where the agency requires it (an edit since clears the approval), and never while a send-back is
    unanswered or its amendment not approved again (whatever the agency's setting)."""
    if case.app.legal_review == "returned":
        raise Refused(f"法制审核已退回修改{send_back_comments(case)}：须修改答复书或变更答复决定，"
                      "经法制审核重新通过后方可签发")
    if case.app.legal_review == "amended":
        raise Refused("答复书已按法制审核退回意见修改，须经法制审核重新通过后方可签发")
    if case.opts.legal_review_required and case.app.legal_review != "approved":
        raise Refused("本机关要求答复书经法制审核通过后方可签发（答复书修改后须重新审核）")


def send_back_comments(case: Case) -> str:
    """The comments of the latest legal send-back, as “（意见：…）”, read from the audit trail."""
    comments = case.history.last_legal_review_comments()
    return f"（意见：{comments}）" if comments else ""


def send_back_advice(case: Case, act: Act) -> str | None:
    """Shown with the clerk's amend actions while a send-back is unanswered."""
    if case.app.legal_review == "returned":
        return f"法制审核已退回修改{send_back_comments(case)}：请修改答复书或变更答复决定，再送法制审核"
    return None
