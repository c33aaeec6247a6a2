"""Separation of duties on a reply draft: nobody approves their own proposal — whoever decided or edited
the draft cannot sign it, and an edit after the legal review needs a fresh legal approval."""

from __future__ import annotations

import pytest
from sqlmodel import select

from engine.errors import Refused
from engine.models import Letter

from .test_happy_paths import OUTCOME_DETAILS, to_handling
from .world import build_world


@pytest.fixture
def w(db, registry):
    w = build_world(db, registry, legal_review_required=True)
    w.grant("clerk2", "head")  # clerk2 also heads the office: the rule, not the role, must stop them
    return w


def drafted(w) -> tuple[int, int]:
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}})
    with w.session() as s:
        letter = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "reply")).one()
    return app_id, letter.id


def test_editing_the_draft_after_legal_approval_clears_it(w):
    app_id, letter_id = drafted(w)
    w.fire("legal", app_id, "legal_review", {"approve": True})
    w.fire("clerk", app_id, "edit_letter", {"letter_id": letter_id, "request_summary": "改后的摘要"})
    assert w.app(app_id).legal_review is None
    assert w.events(app_id)[-1].changes["legal_review"] == ["approved", None]
    with pytest.raises(Refused, match="答复书修改后须重新审核"):
        w.fire("head", app_id, "sign_off")
    w.fire("legal", app_id, "legal_review", {"approve": True})
    assert w.fire("head", app_id, "sign_off").status == "replied"


def test_nobody_approves_their_own_proposal_an_editor_cannot_sign(w):
    app_id, letter_id = drafted(w)
    w.fire("clerk2", app_id, "edit_letter", {"letter_id": letter_id, "details": {"reasons": "需汇总多个系统的数据"}})
    w.fire("legal", app_id, "legal_review", {"approve": True})
    with pytest.raises(Refused, match="签发人不能是拟稿人.*修改过答复书草稿.*不得审批自己拟办的事项"):
        w.fire("clerk2", app_id, "sign_off")
    assert w.fire("head", app_id, "sign_off").status == "replied"


def test_nobody_approves_their_own_proposal_the_decider_cannot_sign(w):
    w.grant("clerk", "head")
    app_id, _ = drafted(w)
    w.fire("legal", app_id, "legal_review", {"approve": True})
    with pytest.raises(Refused, match="签发人不能是拟稿人"):
        w.fire("clerk", app_id, "sign_off")


def test_edits_of_an_earlier_draft_do_not_bar_the_signer_of_a_new_one(w):
    """The authors are those of the draft being signed: a draft voided by a new decision is not it."""
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "partial", "details": OUTCOME_DETAILS["partial"]})
    first = _reply_drafts(w, app_id)[0]
    w.fire("clerk2", app_id, "edit_letter", {"letter_id": first, "request_summary": "摘要"})
    w.fire("secrecy", app_id, "fail_secrecy_review", {"reasons": "涉密"})
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}})
    assert _reply_drafts(w, app_id) != [first]
    w.fire("legal", app_id, "legal_review", {"approve": True})
    assert w.fire("clerk2", app_id, "sign_off").status == "replied"


def test_nobody_approves_their_own_proposal_the_reissuer_cannot_issue_the_reissued_reply(w):
    app_id, letter_id = drafted(w)
    w.fire("legal", app_id, "legal_review", {"approve": True})
    w.fire("head", app_id, "sign_off")
    w.fire("head", app_id, "void_letter", {"letter_id": letter_id, "reason": "日期有误"})
    w.fire("head2", app_id, "reissue_letter", {"letter_id": letter_id})
    new = _reply_drafts(w, app_id)[0]
    with pytest.raises(Refused, match="不得审批自己拟办的事项"):
        w.fire("head2", app_id, "issue_letter", {"letter_id": new})
    assert w.fire("head", app_id, "issue_letter", {"letter_id": new}).status == "replied"


def _reply_drafts(w, app_id) -> list[int]:
    with w.session() as s:
        return [x.id for x in s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "reply",
                                                          Letter.status == "draft")).all()]


def test_a_reissued_reply_edited_after_legal_approval_needs_a_new_one(w):
    """Art 17 and the agency's rule: a reply is issued as the legal review approved it. Signed, voided,
    re-issued and then edited, it cannot be issued until legal approves the edited draft."""
    app_id, letter_id = drafted(w)
    w.fire("legal", app_id, "legal_review", {"approve": True})
    w.fire("head", app_id, "sign_off")
    with w.session() as s:
        issued = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.status == "issued")).one()
    w.fire("head", app_id, "void_letter", {"letter_id": issued.id, "reason": "检索日期有误"})
    w.fire("clerk", app_id, "reissue_letter", {"letter_id": issued.id})
    new = _reply_drafts(w, app_id)[-1]
    w.fire("clerk", app_id, "edit_letter", {"letter_id": new, "details": {"reasons": "需汇总多个年度的数据"}})
    with pytest.raises(Refused, match="须重新审核"):
        w.fire("head2", app_id, "issue_letter", {"letter_id": new})
    w.fire("legal", app_id, "legal_review", {"approve": True})
    w.fire("head2", app_id, "issue_letter", {"letter_id": new})
    with w.session() as s:
        assert s.get(Letter, new).status == "issued"
