"""更正登记信息: what was wrong, what it became, who and why; until the reply is signed; issued letters
keep what they said; the applicant on other applications is never rewritten; a corrected receipt date
recomputes the answer clock (条例第三十一条, 第三十三条)."""

import pytest
from sqlmodel import select

from engine.errors import InputError, Refused
from engine.models import ApplicantDetails, Letter

from .test_happy_paths import sign_and_serve, to_handling
from .world import D, build_world


@pytest.fixture
def w(db, registry):
    return build_world(db, registry, acknowledgement_letter=True)


def given(w, app_id) -> ApplicantDetails:
    with w.session() as s:
        return s.get(ApplicantDetails, app_id)


def test_amend_applicant_and_request_records_what_was_wrong_who_and_why(w):
    app_id = w.register()
    w.fire("clerk", app_id, "amend_registration", {"name": "张三丰", "address": "北京市东城区某路2号",
                                                   "request_text": "请公开2025年本局行政许可事项办理情况统计表",
                                                   "reason": "依申请书原件更正录入错误"})
    assert given(w, app_id).name == "张三丰" and given(w, app_id).address == "北京市东城区某路2号"
    assert w.app(app_id).request_text.endswith("统计表")
    event = w.events(app_id)[-1]
    assert event.name == "amend_registration" and event.reason == "依申请书原件更正录入错误"
    amended = event.changes["_related"]["amended"]
    assert amended["name"] == ["张三", "张三丰"]
    assert amended["request_text"][0] == "请公开2025年本局行政许可事项办理情况统计"
    assert event.actor_id == w.users["clerk"] and event.role == "clerk"


def test_the_reason_is_required_and_nothing_changes_without_it(w):
    app_id = w.register()
    with pytest.raises(InputError) as exc:
        w.fire("clerk", app_id, "amend_registration", {"name": "张三丰"})
    assert "更正理由" in exc.value.message
    with pytest.raises(InputError) as exc:
        w.fire("clerk", app_id, "amend_registration", {"name": "张三", "reason": "核对"})
    assert "没有需要更正的内容" in exc.value.message
    assert given(w, app_id).name == "张三" and len(w.events(app_id)) == 1


def test_applicant_on_other_applications_is_never_rewritten(w):
    first, second = w.register(), w.register()  # the same identity document
    w.fire("clerk", second, "amend_registration", {"name": "张三丰", "phone": "13900001111", "reason": "来电更正"})
    assert given(w, first).name == "张三" and given(w, first).phone == "13800138000"
    assert given(w, second).name == "张三丰" and given(w, second).phone == "13900001111"
    changes = str(w.events(second)[-1].changes)  # phones stored masked in the trail
    assert "13800138000" not in changes and "138****8000" in changes
    assert w.app(first).applicant_id == w.app(second).applicant_id


def test_corrected_receipt_date_recomputes_the_clock_art31(w):
    app_id = w.register(today="2026-03-06")  # e-mail received 2026-03-02
    assert w.app(app_id).due_date == D("2026-03-30")
    w.fire("clerk", app_id, "amend_registration", {"channel": "post_signed", "received_on": "2026-03-05",
                                                   "reason": "实为挂号信，签收日为3月5日"}, today="2026-03-06")
    app = w.app(app_id)
    assert app.received_date == D("2026-03-05") and app.channel == "post_signed"
    assert app.channel_facts == {"signed_for": "2026-03-05"}
    assert app.due_date == D("2026-04-02")
    assert w.events(app_id)[-1].changes["received_date"] == ["2026-03-02", "2026-03-05"]


def test_issued_letters_keep_what_they_said_drafts_follow(w):
    app_id = w.register()
    with w.session() as s:
        ack = s.exec(select(Letter).where(Letter.application_id == app_id)).one()
    w.fire("clerk", app_id, "issue_letter", {"letter_id": ack.id})
    with w.session() as s:
        frozen = s.get(Letter, ack.id)
        before = (frozen.data, frozen.content_sha256, frozen.addressee)
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}},
           today="2026-03-10")
    w.fire("clerk", app_id, "amend_registration", {"name": "张三丰", "reason": "更正姓名"}, today="2026-03-10")
    with w.session() as s:
        frozen = s.get(Letter, ack.id)
        assert (frozen.data, frozen.content_sha256, frozen.addressee) == before
        draft = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "reply",
                                            Letter.status == "draft")).one()
        assert draft.addressee == "张三丰" and draft.data["applicant"]["name"] == "张三丰"


def test_refused_once_the_reply_is_signed(w):
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}},
           today="2026-03-10")
    sign_and_serve(w, app_id, "2026-03-12")
    with pytest.raises(Refused):
        w.fire("clerk", app_id, "amend_registration", {"name": "张三丰", "reason": "更正姓名"}, today="2026-03-12")
    assert given(w, app_id).name == "张三"


def test_receipt_cannot_move_after_a_step_already_taken(w):
    app_id = w.register(today="2026-03-02")
    to_handling(w, app_id, today="2026-03-03")
    with pytest.raises(InputError) as exc:
        w.fire("clerk", app_id, "amend_registration", {"received_on": "2026-03-05", "reason": "核对"},
               today="2026-03-06")
    assert "晚于已办理的环节" in exc.value.message


def test_another_agencys_clerk_cannot_amend(w):
    from engine.errors import NotFound

    app_id = w.register()
    with pytest.raises((NotFound, Refused)):
        w.fire("other_clerk", app_id, "amend_registration", {"name": "李四", "reason": "x"})
    assert given(w, app_id).name == "张三"


def test_ogi_check_finds_nothing_after_corrections(w):
    """The replayed states, the cached clock after a corrected receipt, the letters' hashes, the hash
    chain: all consistent after corrections (``ogi check``)."""
    from engine.check import run_checks

    app_id = w.register(today="2026-03-06")
    w.fire("clerk", app_id, "amend_registration", {"received_on": "2026-03-04", "name": "张三丰",
                                                   "reason": "依原件更正"}, today="2026-03-06")
    to_handling(w, app_id, today="2026-03-06")
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}},
           today="2026-03-10")
    w.fire("clerk", app_id, "amend_registration", {"purpose": "研究", "reason": "补录用途"}, today="2026-03-10")
    with w.session() as s:
        assert run_checks(s, w.registry, D("2026-03-10")) == []
