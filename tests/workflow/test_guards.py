"""Every guard refuses with a Chinese reason naming the rule, and a refusal changes nothing."""

import pytest
from sqlmodel import func, select

from engine.errors import Conflict, Forbidden, InputError, NotFound, Refused
from engine.models import Event, FeeAssessment, Letter

from .test_happy_paths import OUTCOME_DETAILS, to_handling
from .world import D, FakeLetters, build_world


@pytest.fixture
def w(db, registry):
    return build_world(db, registry)


def unchanged(w, app_id, fn):
    """Run a refused call and prove nothing moved: same version, same events, same letters."""
    before = w.app(app_id)
    with w.session() as s:
        n_letters = s.exec(select(func.count()).select_from(Letter).where(Letter.application_id == app_id)).one()
    n_events = len(w.events(app_id))
    with pytest.raises((Refused, Forbidden, InputError, NotFound, Conflict)) as exc:
        fn()
    after = w.app(app_id)
    assert (after.status, after.version) == (before.status, before.version)
    assert len(w.events(app_id)) == n_events
    with w.session() as s:
        assert s.exec(select(func.count()).select_from(Letter).where(Letter.application_id == app_id)).one() == n_letters
    return str(exc.value)


def test_wrong_state(w):
    app_id = w.register()
    msg = unchanged(w, app_id, lambda: w.fire("clerk", app_id, "accept"))
    assert "当前状态为“已登记”，不能受理办理" in msg


def test_wrong_role(w):
    app_id = w.register()
    msg = unchanged(w, app_id, lambda: w.fire("head", app_id, "start_review"))
    assert "须由经办人办理" in msg


def test_other_agency_cannot_see(w):
    app_id = w.register()
    msg = unchanged(w, app_id, lambda: w.fire("other_clerk", app_id, "start_review"))
    assert "不存在" in msg


def test_supervisor_reads_but_cannot_act_as_clerk(w):
    app_id = w.register()
    assert "须由经办人办理" in unchanged(w, app_id, lambda: w.fire("supervisor", app_id, "start_review"))


def test_register_art29_contents(w):
    from engine import workflow

    from .world import register_inputs

    cases = [
        (dict(request_text=""), "“所需信息的描述”不能为空"),
        (dict(applicant={**register_inputs()["applicant"], "phone": "", "address": ""}), "联系方式"),
        (dict(applicant={**register_inputs()["applicant"], "id_number": "123"}), "18位"),
        (dict(applicant={**register_inputs()["applicant"], "kind": "legal"}), "法人或其他组织须注明类别"),
        (dict(channel="pigeon"), "未知的收件渠道"),
        (dict(channel_facts={}), "须填写邮件系统收到之日"),
        (dict(channel_facts={"mail_received": "2026-02-30"}), "不是有效日期"),
        (dict(channel_facts={"mail_received": "2026-12-01"}), "晚于今天"),
        (dict(form_wanted="carrier"), "获取信息的形式"),
        (dict(colour="red"), "不允许的字段"),
    ]
    for overrides, message in cases:
        with w.session() as s, pytest.raises(InputError) as exc:
            workflow.register(s, w.actor("clerk"), w.agency_id, register_inputs(**overrides),
                              today=D("2026-03-02"), registry=w.registry)
        assert message in exc.value.message, (overrides, exc.value.message)
    with w.session() as s:
        assert s.exec(select(func.count()).select_from(Event)).one() == 0


def test_correction_only_within_7_working_days_and_once(w):
    app_id = w.register()  # 3/2, window ends 3/11
    w.fire("clerk", app_id, "start_review")
    msg = unchanged(w, app_id, lambda: w.fire("clerk", app_id, "request_correction", {"items": ["x"]}, today="2026-03-12"))
    assert "已于2026-03-11届满" in msg
    assert "不能为空" in unchanged(w, app_id, lambda: w.fire("clerk", app_id, "request_correction", {"items": []}))
    w.fire("clerk", app_id, "request_correction", {"items": ["请明确时间范围"]}, today="2026-03-11")
    w.fire("clerk", app_id, "receive_correction", {"channel": "email", "channel_facts": {"mail_received": "2026-03-13"}},
           today="2026-03-13")
    msg = unchanged(w, app_id, lambda: w.fire("clerk", app_id, "request_correction", {"items": ["再补"]}, today="2026-03-13"))
    assert "一次性告知" in msg


def test_late_correction_and_early_lapse_refused(w):
    app_id = w.register()
    w.fire("clerk", app_id, "start_review")
    w.fire("clerk", app_id, "request_correction", {"items": ["x"], "period_days": 5, "notice_served_on": "2026-03-03"},
           today="2026-03-03")
    end = w.registry.calendar().add_working_days(D("2026-03-03"), 5)
    msg = unchanged(w, app_id, lambda: w.fire("clerk", app_id, "correction_lapsed", today=end.isoformat()))
    assert "尚未届满" in msg
    late = w.registry.calendar().add_working_days(end, 1).isoformat()
    msg = unchanged(w, app_id, lambda: w.fire("clerk", app_id, "receive_correction",
                                              {"channel": "email", "channel_facts": {"mail_received": late}}, today=late))
    assert "补正期限已于" in msg


def test_extension_guards(w):
    app_id = w.register()
    to_handling(w, app_id)
    assert "没有待批准的延期申请" in unchanged(w, app_id, lambda: w.fire("head", app_id, "extend"))
    assert "数值过大" in unchanged(w, app_id, lambda: w.fire("clerk", app_id, "request_extension",
                                                            {"days": 21, "reason": "x"}))
    w.fire("clerk", app_id, "request_extension", {"days": 10, "reason": "档案调取"})
    due = w.app(app_id).due_date
    after_due = w.registry.calendar().add_working_days(due, 1).isoformat()
    assert "不能再延期" in unchanged(w, app_id, lambda: w.fire("head", app_id, "extend", today=after_due))
    w.fire("head", app_id, "extend", today=due.isoformat())  # on the due date itself: allowed
    w.fire("clerk", app_id, "request_extension", {"days": 10, "reason": "仍需时间"})
    w.fire("head", app_id, "extend")
    assert w.app(app_id).extension_days == 20
    msg = unchanged(w, app_id, lambda: w.fire("clerk", app_id, "request_extension", {"days": 1, "reason": "x"}))
    assert "已延长20个工作日" in msg


def test_extension_requester_cannot_approve(w):
    w.grant("head", "clerk")
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("head", app_id, "request_extension", {"days": 5, "reason": "x"})
    assert "申请延期者以外的负责人" in unchanged(w, app_id, lambda: w.fire("head", app_id, "extend"))
    w.fire("head2", app_id, "extend")


def test_decide_requires_the_details_of_the_outcome(w):
    app_id = w.register()
    to_handling(w, app_id)
    fire = lambda outcome, details: w.fire("clerk", app_id, "decide", {"outcome": outcome, "details": details})  # noqa: E731
    assert "缺少必需的内容：理由" in unchanged(w, app_id, lambda: fire("withhold", {"ground": "third_party"}))
    assert "理由类别“gossip”无效" in unchanged(w, app_id, lambda: fire("withhold", {"ground": "gossip", "reasons": "x"}))
    assert "检索关键词" in unchanged(w, app_id, lambda: fire("not_exist", {"search_places": "档案室"}))
    assert "不需要这些内容" in unchanged(w, app_id, lambda: fire("needs_creation", {"reasons": "x", "mood": "y"}))
    assert "由程序产生" in unchanged(w, app_id, lambda: fire("withdrawn", {}))
    assert "须先要求申请人说明理由" in unchanged(w, app_id, lambda: fire("excessive", {}))
    assert "只有经过补正的申请" in unchanged(w, app_id, lambda: fire("still_unclear", {"reasons": "x"}))
    assert "没有编号为" in unchanged(w, app_id, lambda: fire("repeat", {"earlier_application": "X-1", "earlier_reply": "y"}))
    assert "未知的答复类型" in unchanged(w, app_id, lambda: fire("maybe", {}))


def test_secrecy_reviewer_is_not_the_decider_and_signer_is_not_the_drafter(w):
    w.grant("clerk", "secrecy_reviewer", "head")
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "partial", "details": OUTCOME_DETAILS["partial"]})
    assert "不能对本决定进行保密审查" in unchanged(w, app_id, lambda: w.fire("clerk", app_id, "pass_secrecy_review"))
    w.fire("secrecy", app_id, "pass_secrecy_review")
    assert "签发人不能是拟稿人" in unchanged(w, app_id, lambda: w.fire("clerk", app_id, "sign_off"))


def test_legal_review_required_by_the_agency(db, registry):
    w = build_world(db, registry, legal_review_required=True)
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}})
    assert "法制审核通过后方可签发" in unchanged(w, app_id, lambda: w.fire("head", app_id, "sign_off"))
    assert "须写明意见" in unchanged(w, app_id, lambda: w.fire("legal", app_id, "legal_review", {"approve": False}))
    w.fire("legal", app_id, "legal_review", {"approve": False, "comments": "理由不充分"})
    assert "法制审核已退回修改（意见：理由不充分）" in unchanged(w, app_id, lambda: w.fire("head", app_id, "sign_off"))
    w.fire("clerk", app_id, "edit_letter", {"letter_id": _reply_draft(w, app_id), "details": {"reasons": "需汇总多年数据"}})
    w.fire("legal", app_id, "legal_review", {"approve": True})
    w.fire("head", app_id, "sign_off")


def _reply_draft(w, app_id) -> int:
    from sqlmodel import select

    from engine.models import Letter

    with w.session() as s:
        return s.exec(select(Letter.id).where(Letter.application_id == app_id, Letter.type == "reply",
                                              Letter.status == "draft")).one()


def test_sign_off_blocked_by_the_audit(w):
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}})

    class FailingAudit(FakeLetters):
        def audit(self, case, letter, registry):
            return [{"check": "remedy", "severity": "blocking", "ok": False, "message": "缺少救济途径"},
                    {"check": "service", "severity": "warning", "ok": False, "message": "未登记送达"}]

    msg = unchanged(w, app_id, lambda: w.fire("head", app_id, "sign_off", letters=FailingAudit()))
    assert "缺少救济途径" in msg and "未登记送达" not in msg
    assert "渲染与法制审核组件" in unchanged(w, app_id, lambda: w.fire("head", app_id, "sign_off", letters=None))


def test_archive_preconditions(w):
    from .test_happy_paths import sign_and_serve  # noqa: F401

    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}})
    w.fire("head", app_id, "sign_off")
    assert "尚未登记送达" in unchanged(w, app_id, lambda: w.fire("clerk", app_id, "archive"))
    with w.session() as s:
        letter = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.status == "issued")).one()
    assert "须记录证明" in unchanged(w, app_id, lambda: w.fire("clerk", app_id, "record_service", {
        "letter_id": letter.id, "method": "post", "served_on": "2026-03-04", "failed": True}, today="2026-03-04"))
    w.fire("clerk", app_id, "record_service", {"letter_id": letter.id, "method": "post", "served_on": "2026-03-04",
                                                "failed": True, "proof": "EMS退件 1234"}, today="2026-03-04")
    w.fire("clerk", app_id, "archive", today="2026-03-05")


def test_stale_version_is_a_conflict(w):
    app_id = w.register()
    msg = unchanged(w, app_id, lambda: w.fire("clerk", app_id, "start_review", expected_version=7))
    assert "已被他人修改" in msg
    w.fire("clerk", app_id, "start_review", expected_version=1)


def test_unknown_event_and_unknown_input_fields(w):
    app_id = w.register()
    assert "未知的操作" in unchanged(w, app_id, lambda: w.fire("clerk", app_id, "teleport"))
    assert "不允许的字段" in unchanged(w, app_id, lambda: w.fire("clerk", app_id, "start_review", {"x": 1}))


def test_available_actions_with_reasons(w):
    from engine import workflow

    app_id = w.register()
    w.fire("clerk", app_id, "start_review")
    with w.session() as s:
        actions = {a["event"]: a for a in workflow.available_actions(s, w.actor("clerk"), app_id, today=D("2026-03-03"),
                                                                     registry=w.registry)}
    assert actions["accept"]["allowed"] and actions["request_correction"]["allowed"]
    assert not actions["sign_off"]["allowed"] and "须由工作机构负责人办理" in actions["sign_off"]["reason"]
    assert "不能归档" in actions["archive"]["reason"]
    with w.session() as s:
        head = {a["event"]: a for a in workflow.available_actions(s, w.actor("head"), app_id, today=D("2026-03-03"),
                                                                  registry=w.registry)}
    assert "没有待批准的延期申请" in head["extend"]["reason"]
    with w.session() as s, pytest.raises(NotFound):
        workflow.available_actions(s, w.actor("other_clerk"), app_id, registry=w.registry)


def test_fee_rows_untouched_by_refusals(w):
    app_id = w.register()
    to_handling(w, app_id)
    with w.session() as s:
        assert s.exec(select(func.count()).select_from(FeeAssessment)).one() == 0


def test_art35_later_date_only_within_the_statutory_period(w):
    """条例 art 35: a later reasonable date is for an answer that cannot be given within the art 33
    period; once that period has run out the answer is late, so neither asking for reasons nor the
    later date is available, and a late reply can never become an on-time one."""
    from engine import workflow

    app_id = w.register()
    w.fire("clerk", app_id, "start_review")
    due = w.app(app_id).due_date
    after_due = w.registry.calendar().add_working_days(due, 1)
    msg = unchanged(w, app_id, lambda: w.fire("clerk", app_id, "ask_reasons", {"reply_by": "2026-12-31"},
                                              today=after_due.isoformat()))
    assert "已经逾期" in msg and "第三十五条" in msg
    w.fire("clerk", app_id, "ask_reasons", {"reply_by": due.isoformat()})
    msg = unchanged(w, app_id, lambda: w.fire("head", app_id, "accept_reasons",
                                              {"later_due": "2026-06-30", "reason": "数量较多"},
                                              today=after_due.isoformat()))
    assert "已经逾期" in msg
    with w.session() as s:  # available_actions says the same as firing does
        head = {a["event"]: a for a in workflow.available_actions(s, w.actor("head"), app_id, today=after_due,
                                                                  registry=w.registry)}
    assert not head["accept_reasons"]["allowed"] and "已经逾期" in head["accept_reasons"]["reason"]
    w.fire("head", app_id, "accept_reasons", {"later_due": "2026-06-30", "reason": "数量较多"}, today=due.isoformat())
    assert w.app(app_id).due_date == D("2026-06-30")


@pytest.mark.parametrize("open_item", ["consultation", "fee"])
def test_withdrawn_case_can_always_be_archived(w, open_item):
    """Withdrawal concludes the case (条例 art 45: the concluded case is archived): an open consultation
    is closed and an unpaid fee cancelled with it, each recorded, instead of leaving it unarchivable."""
    from engine.models import Consultation

    app_id = w.register()
    to_handling(w, app_id)
    if open_item == "consultation":
        w.fire("clerk", app_id, "start_consultation", {"kind": "third_party", "party": "某公司",
                                                        "party_received_on": "2026-03-04"}, today="2026-03-04")
    else:
        w.fire("clerk", app_id, "propose_fee", {"method": "per_volume", "pages": 250}, today="2026-03-04")
        w.fire("supervisor", app_id, "approve_fee", today="2026-03-05")
    w.fire("clerk", app_id, "withdraw", {"withdrawn_on": "2026-03-06", "note": "申请人书面撤回"}, today="2026-03-06")
    with w.session() as s:
        consultations = s.exec(select(Consultation).where(Consultation.application_id == app_id)).all()
        fees = s.exec(select(FeeAssessment).where(FeeAssessment.application_id == app_id)).all()
    assert all(c.status == "closed" and c.result == "withdrawn" for c in consultations)
    assert all(f.status == "cancelled" and f.reason == "申请人撤回申请" for f in fees)
    ended = w.events(app_id)[-1].changes["_related"]["ended_with_withdrawal"]
    assert len(ended["consultations" if open_item == "consultation" else "fees"]) == 1
    w.fire("clerk", app_id, "archive", today="2026-03-09")
    assert w.app(app_id).status == "archived"
