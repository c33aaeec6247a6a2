"""Separation of duties on a reply draft: nobody approves their own proposal.

The authors of a draft are who decided it, who drafted it and every clerk who edited it — read from the
``edit_letter`` events of that letter (the audit trail is append-only and chained, so the list cannot
be rewritten; a column on the letter could). An edit after the legal review clears the review's result,
so the draft that is signed is the draft that was reviewed. Further duties (e.g. the secrecy review)
call ``refuse_own_draft`` with their own label.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import select

from ..models import Event

if TYPE_CHECKING:
    from ..models import Letter
    from .context import Ctx


def draft_authors(ctx: "Ctx", letter: "Letter") -> set[int]:
    authors = {ctx.app.decided_by_id, letter.drafted_by_id}
    edits = ctx.session.exec(select(Event.actor_id, Event.changes).where(
        Event.application_id == ctx.app.id, Event.name == "edit_letter")).all()
    authors.update(actor for actor, changes in edits
                   if ((changes or {}).get("_related") or {}).get("letter", {}).get("id") == letter.id)
    authors.discard(None)
    return authors


def refuse_own_draft(ctx: "Ctx", letter: "Letter", duty: str) -> None:
    """``duty`` (e.g. 签发) may not be done by an author of the draft."""
    if ctx.actor.user_id in draft_authors(ctx, letter):
        ctx.refuse(f"{duty}人不能是拟稿人（作出答复决定或修改过答复书草稿者）：不得审批自己拟办的事项")


def draft_edited(ctx: "Ctx", letter: "Letter") -> None:
    """A reply draft changed: a legal review given before no longer covers it (recorded in the event's
    changes as ``legal_review``: [before, None])."""
    if letter.type == "reply":
        ctx.app.legal_review = None


def require_legal_approval(ctx: "Ctx") -> None:
    """Where the agency requires it, a reply is issued — signed off, or re-issued after a void — only as
    approved by the legal review (an edit since clears the approval)."""
    if ctx.opts.legal_review_required and ctx.app.legal_review != "approved":
        ctx.refuse("本机关要求答复书经法制审核通过后方可签发（答复书修改后须重新审核）")
