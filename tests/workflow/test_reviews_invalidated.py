"""Reviews that mean something: a review covers the draft it saw. A change to what is released after the
secrecy review sends the case back to it (条例 art 17); after the legal review it clears the approval.
A legal send-back (退回修改) blocks sign-off until the draft is amended and approved again, whatever the
agency's setting; the clerk amends the draft or changes the decision."""

from __future__ import annotations

import pytest
from sqlmodel import select

from engine import workflow
from engine.check import run_checks
from engine.errors import Refused
from engine.models import Letter

from .test_happy_paths import OUTCOME_DETAILS, to_handling
from .world import D, build_world

PROVIDE = {"provision_form": "电子文档", "provision_method": "电子邮件", "provision_channel": "申请人邮箱",
           "provision_time": "随本答复书一并提供", "attachments": ["2025年行政许可统计表.pdf"]}


@pytest.fixture
def w(db, registry):
    return build_world(db, registry)


def reply_drafts(w, app_id) -> list[int]:
    with w.session() as s:
        return list(s.exec(select(Letter.id).where(Letter.application_id == app_id, Letter.type == "reply",
                                                   Letter.status == "draft").order_by(Letter.id)).all())


def actions(w, who: str, app_id: int) -> dict[str, dict]:
    with w.session() as s:
        return {a["event"]: a for a in workflow.available_actions(s, w.actor(who), app_id, today=D("2026-03-03"),
                                                                  registry=w.registry)}


def checks_clean(w):
    with w.session() as s:
        assert run_checks(s, w.registry, D("2026-03-20")) == []


def reviewed_provide(w) -> tuple[int, int]:
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "provide", "details": PROVIDE})
    w.fire("secrecy", app_id, "pass_secrecy_review", {"notes": "不涉密"})
    assert w.app(app_id).status == "reply_drafting"
    return app_id, reply_drafts(w, app_id)[0]


# -- 7. an edit or a new decision after a review voids it ------------------------------------------------


def test_editing_the_released_attachments_after_the_secrecy_review_sends_the_case_back_to_it(w):
    app_id, letter_id = reviewed_provide(w)
    w.fire("legal", app_id, "legal_review", {"approve": True})
    w.fire("clerk", app_id, "edit_letter", {"letter_id": letter_id,
                                            "details": {"attachments": ["统计表.pdf", "许可台账.xlsx"]}})
    app = w.app(app_id)
    assert app.status == "secrecy_review" and app.legal_review is None
    edit = w.events(app_id)[-1]
    assert (edit.name, edit.from_state, edit.to_state) == ("edit_letter", "reply_drafting", "secrecy_review")
    assert edit.changes["status"] == ["reply_drafting", "secrecy_review"]
    assert edit.changes["legal_review"] == ["approved", None]
    with pytest.raises(Refused, match="保密审查中"):
        w.fire("head", app_id, "sign_off")
    w.fire("secrecy", app_id, "pass_secrecy_review", {"notes": "附件不涉密"})
    assert w.fire("head", app_id, "sign_off").status == "replied"
    checks_clean(w)


def test_editing_a_non_releasing_reply_keeps_the_state_and_clears_the_legal_approval(w):
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}})
    w.fire("legal", app_id, "legal_review", {"approve": True})
    w.fire("clerk", app_id, "edit_letter", {"letter_id": reply_drafts(w, app_id)[0], "request_summary": "摘要"})
    app = w.app(app_id)
    assert app.status == "reply_drafting" and app.legal_review is None
    checks_clean(w)


def test_re_deciding_after_the_reviews_voids_the_draft_and_goes_through_the_secrecy_review_again(w):
    app_id, first = reviewed_provide(w)
    w.fire("legal", app_id, "legal_review", {"approve": True})
    w.fire("clerk", app_id, "decide", {"outcome": "partial", "details": OUTCOME_DETAILS["partial"]})
    app = w.app(app_id)
    assert app.status == "secrecy_review" and app.outcome == "partial" and app.legal_review is None
    with w.session() as s:
        old = s.get(Letter, first)
        assert old.status == "void" and old.void_reason == "答复决定已变更"
    assert len(reply_drafts(w, app_id)) == 1
    w.fire("secrecy", app_id, "pass_secrecy_review")
    assert w.fire("head", app_id, "sign_off").status == "replied"
    checks_clean(w)


def test_re_deciding_to_a_non_releasing_outcome_stays_in_drafting(w):
    app_id, _ = reviewed_provide(w)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}})
    assert w.app(app_id).status == "reply_drafting"
    checks_clean(w)


def test_nobody_reviews_their_own_proposal_an_editor_cannot_pass_the_secrecy_review(w):
    w.grant("clerk2", "secrecy_reviewer")
    app_id, letter_id = reviewed_provide(w)
    w.fire("clerk2", app_id, "edit_letter", {"letter_id": letter_id, "request_summary": "2025年许可统计"})
    assert w.app(app_id).status == "secrecy_review"
    with pytest.raises(Refused, match="保密审查人不能是拟稿人"):
        w.fire("clerk2", app_id, "pass_secrecy_review")
    w.fire("secrecy", app_id, "pass_secrecy_review")


def test_a_re_issued_releasing_reply_cannot_change_what_it_releases(w):
    """After the answer, a voided reply is re-issued as it was reviewed; changing what it releases needs a
    new decision and the secrecy review, not an edit."""
    app_id, letter_id = reviewed_provide(w)
    w.fire("head", app_id, "sign_off")
    w.fire("head", app_id, "void_letter", {"letter_id": letter_id, "reason": "日期有误"})
    w.fire("clerk", app_id, "reissue_letter", {"letter_id": letter_id})
    new = reply_drafts(w, app_id)[0]
    with pytest.raises(Refused, match="须重新作出答复决定并经保密审查"):
        w.fire("clerk", app_id, "edit_letter", {"letter_id": new, "details": {"attachments": ["其他.pdf"]}})
    w.fire("head2", app_id, "issue_letter", {"letter_id": new})
    checks_clean(w)


# -- 8. a legal send-back must be answered ----------------------------------------------------------------


def sent_back(w) -> tuple[int, int]:
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}})
    w.fire("legal", app_id, "legal_review", {"approve": False, "comments": "理由过于简单"})
    return app_id, reply_drafts(w, app_id)[0]


def test_a_legal_send_back_blocks_sign_off_even_where_legal_review_is_optional(w):
    app_id, letter_id = sent_back(w)
    assert w.app(app_id).legal_review == "returned"
    with pytest.raises(Refused, match="法制审核已退回修改（意见：理由过于简单）"):
        w.fire("head", app_id, "sign_off")
    with pytest.raises(Refused, match="待经办人修改答复书或变更答复决定后再审核"):
        w.fire("legal", app_id, "legal_review", {"approve": True})
    w.fire("clerk", app_id, "edit_letter", {"letter_id": letter_id, "details": {"reasons": "需对多个系统的原始记录汇总分析"}})
    assert w.app(app_id).legal_review == "amended"
    assert w.events(app_id)[-1].changes["legal_review"] == ["returned", "amended"]
    with pytest.raises(Refused, match="须经法制审核重新通过"):
        w.fire("head", app_id, "sign_off")
    w.fire("legal", app_id, "legal_review", {"approve": True})
    assert w.fire("head", app_id, "sign_off").status == "replied"
    checks_clean(w)


def test_a_legal_send_back_shows_the_clerk_the_amend_actions_and_the_head_why_sign_off_waits(w):
    app_id, _ = sent_back(w)
    clerk = actions(w, "clerk", app_id)
    for event in ("edit_letter", "decide"):
        assert clerk[event]["allowed"], event
        assert "法制审核已退回修改（意见：理由过于简单）" in clerk[event]["note"]
    head = actions(w, "head", app_id)
    assert not head["sign_off"]["allowed"]
    assert "法制审核已退回修改（意见：理由过于简单）" in head["sign_off"]["reason"]
    legal = actions(w, "legal", app_id)
    assert not legal["legal_review"]["allowed"] and "待经办人修改" in legal["legal_review"]["reason"]


def test_a_legal_send_back_answered_by_a_new_decision_goes_through_both_reviews(w):
    app_id, first = sent_back(w)
    w.fire("clerk", app_id, "decide", {"outcome": "provide", "details": PROVIDE})
    app = w.app(app_id)
    assert app.status == "secrecy_review" and app.legal_review == "amended"
    with w.session() as s:
        assert s.get(Letter, first).status == "void"
    w.fire("secrecy", app_id, "pass_secrecy_review")
    with pytest.raises(Refused, match="须经法制审核重新通过"):
        w.fire("head", app_id, "sign_off")
    w.fire("legal", app_id, "legal_review", {"approve": True})
    assert w.fire("head", app_id, "sign_off").status == "replied"
    checks_clean(w)


def test_nobody_approves_their_own_proposal_a_head_who_amended_after_a_send_back_cannot_sign(w):
    w.grant("clerk2", "head")
    app_id, letter_id = sent_back(w)
    w.fire("clerk2", app_id, "edit_letter", {"letter_id": letter_id, "details": {"reasons": "需汇总多年数据"}})
    w.fire("legal", app_id, "legal_review", {"approve": True})
    with pytest.raises(Refused, match="签发人不能是拟稿人"):
        w.fire("clerk2", app_id, "sign_off")
    assert w.fire("head", app_id, "sign_off").status == "replied"


def test_a_legal_send_back_of_a_re_issued_releasing_reply_is_answered_by_a_new_draft(w):
    """The re-issued releasing reply cannot be edited, so the send-back is answered by voiding it and
    drafting it again from the issued reply; the legal reviewer approves that before it is issued."""
    app_id, letter_id = reviewed_provide(w)
    w.fire("head", app_id, "sign_off")
    w.fire("head", app_id, "void_letter", {"letter_id": letter_id, "reason": "日期有误"})
    w.fire("clerk", app_id, "reissue_letter", {"letter_id": letter_id})
    w.fire("legal", app_id, "legal_review", {"approve": False, "comments": "附件名称有误"})
    first = reply_drafts(w, app_id)[0]
    with pytest.raises(Refused, match="法制审核已退回修改（意见：附件名称有误）"):
        w.fire("head2", app_id, "issue_letter", {"letter_id": first})
    w.fire("head", app_id, "void_letter", {"letter_id": first, "reason": "按法制审核意见重新出具"})
    w.fire("clerk", app_id, "reissue_letter", {"letter_id": letter_id})
    assert w.app(app_id).legal_review == "amended"
    w.fire("legal", app_id, "legal_review", {"approve": True})
    w.fire("head2", app_id, "issue_letter", {"letter_id": reply_drafts(w, app_id)[0]})
    checks_clean(w)
