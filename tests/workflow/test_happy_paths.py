"""Whole-life scenarios through the service layer, on SQLite and PostgreSQL, read back from the audit trail."""

from datetime import date

import pytest
from sqlmodel import Session, select

from engine.check import run_checks
from engine.models import Consultation, Letter

from .world import LETTERS, D, build_world


@pytest.fixture
def w(db, registry):
    return build_world(db, registry)


def names(w, app_id):
    return [e.name for e in w.events(app_id)]


def to_handling(w, app_id, today="2026-03-03"):
    w.fire("clerk", app_id, "start_review", today=today)
    w.fire("clerk", app_id, "accept", today=today)


def sign_and_serve(w, app_id, today="2026-03-20"):
    w.fire("head", app_id, "sign_off", today=today)
    with w.session() as s:
        letter = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "reply",
                                             Letter.status == "issued").order_by(Letter.id.desc())).first()
    w.fire("clerk", app_id, "record_service", {"letter_id": letter.id, "method": "email", "served_on": today,
                                                "proof": "邮件回执"}, today=today)
    return letter


def test_register_derives_receipt_date_and_number(w):
    app_id = w.register(channel="post_signed", channel_facts={"signed_for": "2026-03-05"}, today="2026-03-06")
    app = w.app(app_id)
    assert app.received_date == D("2026-03-05")
    assert app.number == "DEMO-2026-00001"
    assert app.status == "registered" and app.version == 1
    assert app.due_date == D("2026-04-02")  # Thu 3/5 + 20 WD
    assert [e.name for e in w.events(app_id)] == ["register"]
    second = w.app(w.register())
    assert second.number == "DEMO-2026-00002"


def test_provide_full_life(w):
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "provide", "details": {
        "provision_form": "电子文档", "provision_method": "电子邮件", "provision_channel": "申请人邮箱",
        "provision_time": "随本答复书一并提供", "attachments": ["2025年行政许可统计表.pdf"]}}, today="2026-03-10")
    assert w.app(app_id).status == "secrecy_review"
    w.fire("secrecy", app_id, "pass_secrecy_review", {"notes": "不涉密"}, today="2026-03-11")
    assert w.app(app_id).status == "reply_drafting"
    letter = sign_and_serve(w, app_id, "2026-03-12")
    app = w.app(app_id)
    assert app.status == "replied" and app.replied_on_time and app.concluded_on == D("2026-03-12")
    assert letter.number == "DEMO公开〔2026〕1号" and letter.pdf_sha256
    w.fire("clerk", app_id, "archive", today="2026-03-13")
    assert w.app(app_id).status == "archived"
    assert names(w, app_id) == ["register", "start_review", "accept", "decide", "pass_secrecy_review",
                                "sign_off", "record_service", "archive"]
    trail = w.events(app_id)
    assert trail[3].changes["status"] == ["handling", "secrecy_review"]
    assert trail[3].inputs["outcome"] == "provide"
    assert trail[4].actor_name == "secrecy" and trail[4].role == "secrecy_reviewer"
    assert trail[5].changes["replied_on"] == [None, "2026-03-12"]
    with w.session() as s:
        assert run_checks(s, w.registry, D("2026-03-13")) == []


OUTCOME_DETAILS = {
    "already_public": {"where": "本局门户网站“法定主动公开内容”栏目", "how": "登录网站检索"},
    "partial": {"provided": "统计表", "ground": "third_party", "reasons": "含企业商业秘密",
                "attachments": ["统计表（删除部分）.pdf"]},
    "withhold": {"ground": "process_info", "reasons": "属于内部讨论记录"},
    "not_exist": {"search_places": "档案室、OA系统", "keywords": "行政许可 统计 2025", "searched_by": "李四",
                  "searched_on": "2026-03-03"},
    "not_our_agency": {"reasons": "该信息由市场监管局制作", "responsible_agency": "示例市市场监督管理局",
                       "responsible_contact": "010-87654321"},
    "needs_creation": {"reasons": "需对多份材料汇总分析"},
    "petition": {"proper_channel": "示例市信访局"},
    "publication": {"where_to_obtain": "示例市图书馆"},
    "confirm_or_reissue": {"reasons": "申请确认已获取信息的真实性"},
    "special_procedure": {"law": "《中华人民共和国档案法》", "procedure": "向档案馆申请查阅"},
}


@pytest.mark.parametrize("outcome", sorted(OUTCOME_DETAILS))
def test_each_decided_outcome_to_archive(w, outcome):
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": outcome, "details": OUTCOME_DETAILS[outcome]}, today="2026-03-10")
    app = w.app(app_id)
    releases = outcome in ("partial",)
    assert app.status == ("secrecy_review" if releases else "reply_drafting")
    if releases:
        w.fire("secrecy", app_id, "pass_secrecy_review", today="2026-03-11")
    sign_and_serve(w, app_id, "2026-03-12")
    w.fire("clerk", app_id, "archive", today="2026-03-13")
    app = w.app(app_id)
    assert app.status == "archived" and app.outcome == outcome
    with w.session() as s:
        reply = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "reply")).one()
    assert reply.data["decision"]["outcome"] == outcome
    if outcome in ("partial", "withhold"):
        assert reply.data["decision"]["review_first"] is True
        assert app.withhold_ground == OUTCOME_DETAILS[outcome]["ground"]


def test_repeat_outcome_names_the_earlier_application(w):
    """36(六): a repeat cites an earlier application of the same applicant, for the same information,
    that the agency has already answered — not an open case, and not another applicant's."""
    from engine.errors import InputError
    from tests.workflow.world import APPLICANT

    first_id = w.register()
    other_applicant = w.register(applicant={**APPLICANT, "name": "李四", "id_number": "110101198001091236"})
    different = w.register(request_text="请公开本局2024年度部门预算执行情况")
    app_id = w.register()
    to_handling(w, app_id)

    def cite(number):
        w.fire("clerk", app_id, "decide", {"outcome": "repeat", "details": {
            "earlier_application": number, "earlier_reply": "已于2026年3月答复"}}, today="2026-03-10")

    with pytest.raises(InputError, match="尚未作出答复"):
        cite(w.app(first_id).number)
    for earlier_id in (first_id, other_applicant, different):
        to_handling(w, earlier_id)
        w.fire("clerk", earlier_id, "decide", {"outcome": "not_exist", "details": OUTCOME_DETAILS["not_exist"]},
               today="2026-03-04")
        w.fire("head", earlier_id, "sign_off", today="2026-03-05")
    with pytest.raises(InputError, match="不是本申请人提出的"):
        cite(w.app(other_applicant).number)
    with pytest.raises(InputError, match="内容不同"):
        cite(w.app(different).number)
    assert w.app(app_id).status == "handling"
    cite(w.app(first_id).number)
    assert w.app(app_id).status == "reply_drafting"


def test_correction_restarts_the_clock_and_still_unclear(w):
    app_id = w.register()  # received 3/2
    w.fire("clerk", app_id, "start_review")
    w.fire("clerk", app_id, "request_correction", {"items": ["请明确所需信息的时间范围"]}, today="2026-03-04")
    app = w.app(app_id)
    assert app.status == "awaiting_correction" and app.clock_state == "stopped"
    w.fire("clerk", app_id, "receive_correction", {"channel": "email", "channel_facts": {"mail_received": "2026-03-16"}},
           today="2026-03-16")
    app = w.app(app_id)
    assert app.status == "reviewing" and app.correction_received_on == D("2026-03-16")
    assert app.due_date == w.registry.calendar().add_working_days(D("2026-03-16"), 20)
    w.fire("clerk", app_id, "decide", {"outcome": "still_unclear", "details": {"reasons": "补正后仍未明确"}},
           today="2026-03-20")
    app = w.app(app_id)
    assert app.outcome_details["correction_history"]["received_on"] == "2026-03-16"


def test_correction_lapse_closes_with_legal_date_and_termination_notice(w):
    """Art 30: the correction period runs from the applicant's receipt of the notice; none served, no
    period runs and nothing lapses; once served, the lapse closes the case on the period's last day."""
    from engine.alerting.sweep import run_sweep

    app_id = w.register()
    w.fire("clerk", app_id, "start_review")
    w.fire("clerk", app_id, "request_correction", {"items": ["请明确所需信息"], "period_days": 15}, today="2026-03-04")
    run_sweep(w.session, w.registry, D("2026-06-30"))  # a draft notice, never served: still waiting
    assert w.app(app_id).status == "awaiting_correction"
    with w.session() as s:
        notice = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "correction_notice")).one()
    w.fire("clerk", app_id, "issue_letter", {"letter_id": notice.id}, today="2026-03-04")
    w.fire("clerk", app_id, "record_service", {"letter_id": notice.id, "method": "post", "served_on": "2026-03-06",
                                                "tracking_number": "EMS1"}, today="2026-03-06")
    period_end = w.registry.calendar().add_working_days(D("2026-03-06"), 15)
    w.fire("system", app_id, "correction_lapsed", today="2026-04-20") if "system" in w.users else None
    from engine import workflow
    from engine.actors import Actor

    with w.session() as s:
        workflow.fire(s, Actor.system(), app_id, "correction_lapsed", {}, today=D("2026-04-20"), registry=w.registry)
    app = w.app(app_id)
    assert app.status == "closed" and app.outcome == "no_correction" and app.concluded_on == period_end
    ev = w.events(app_id)[-1]
    assert ev.actor_name == "系统" and ev.role == "system" and ev.effective_date == period_end.isoformat()
    with w.session() as s:
        types = [x.type for x in s.exec(select(Letter).where(Letter.application_id == app_id)).all()]
    assert "termination_notice" in types


def test_consultation_pauses_and_resumes(w):
    app_id = w.register()  # due 3/30 without pauses
    to_handling(w, app_id)
    w.fire("clerk", app_id, "start_consultation", {"kind": "third_party", "party": "某某科技有限公司",
                                                    "party_received_on": "2026-03-05"}, today="2026-03-05")
    app = w.app(app_id)
    assert app.status == "consulting" and app.clock_state == "paused" and app.due_date is None
    w.fire("clerk", app_id, "start_consultation", {"kind": "agency", "party": "示例市公安局",
                                                    "party_received_on": "2026-03-06"}, today="2026-03-06")
    with w.session() as s:
        cs = s.exec(select(Consultation).where(Consultation.application_id == app_id)).all()
    w.fire("clerk", app_id, "record_consultation_reply", {"consultation_id": cs[0].id, "result": "objection",
                                                           "reasons": "涉及商业秘密", "received_on": "2026-03-12"},
           today="2026-03-12")
    assert w.app(app_id).status == "consulting"
    w.fire("clerk", app_id, "record_consultation_reply", {"consultation_id": cs[1].id, "result": "consent",
                                                           "received_on": "2026-03-13"}, today="2026-03-13")
    app = w.app(app_id)
    assert app.status == "handling" and app.clock_state == "running"
    cal = w.registry.calendar()
    paused = cal.working_days_between(D("2026-03-05"), D("2026-03-13"))
    assert app.due_date == cal.add_working_days(D("2026-03-02"), 20 + paused)


def test_consultation_lapse_agency_silence_is_consent(w):
    from engine import workflow
    from engine.actors import Actor

    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "start_consultation", {"kind": "agency", "party": "示例市公安局",
                                                    "party_received_on": "2026-03-05"}, today="2026-03-05")
    with w.session() as s:
        c = s.exec(select(Consultation).where(Consultation.application_id == app_id)).one()
        with pytest.raises(Exception) as exc:
            workflow.fire(s, Actor.system(), app_id, "consultation_lapsed", {"consultation_id": c.id},
                          today=D("2026-03-20"), registry=w.registry)
        assert "没有已超过15个工作日" in str(exc.value)
        workflow.fire(s, Actor.system(), app_id, "consultation_lapsed", {"consultation_id": c.id},
                      today=D("2026-04-01"), registry=w.registry)
    with w.session() as s:
        c = s.get(Consultation, c.id)
    assert c.result == "consent" and c.reply_received_on == c.reply_due
    assert w.app(app_id).status == "handling"


def test_extension_requested_by_clerk_approved_by_head(w):
    app_id = w.register()
    to_handling(w, app_id)
    before = w.app(app_id).due_date
    w.fire("clerk", app_id, "request_extension", {"days": 20, "reason": "需调取档案"}, today="2026-03-20")
    w.fire("head", app_id, "extend", today="2026-03-23")
    app = w.app(app_id)
    assert app.extension_days == 20
    assert app.due_date == w.registry.calendar().add_working_days(before, 20)
    with w.session() as s:
        notice = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "extension_notice")).one()
    assert notice.data["new_due"] == app.due_date.isoformat() and notice.data["old_due"] == before.isoformat()


def test_secrecy_review_failure_returns_to_handling(w):
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "provide", "details": {
        "provision_form": "纸质", "provision_method": "邮寄", "provision_channel": "EMS",
        "provision_time": "5个工作日内", "attachments": ["a.pdf"]}}, today="2026-03-10")
    w.fire("secrecy", app_id, "fail_secrecy_review", {"reasons": "附件含涉密内容"}, today="2026-03-11")
    app = w.app(app_id)
    assert app.status == "handling" and app.outcome is None
    with w.session() as s:
        drafts = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "reply")).all()
    assert [x.status for x in drafts] == ["void"]


def test_withdrawal(w):
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "withdraw", {"withdrawn_on": "2026-03-05", "note": "申请人书面撤回"}, today="2026-03-06")
    app = w.app(app_id)
    assert app.status == "closed" and app.outcome == "withdrawn" and app.concluded_on == D("2026-03-05")


def test_reopen_after_review_decision(w):
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "not_exist", "details": OUTCOME_DETAILS["not_exist"]},
           today="2026-03-10")
    sign_and_serve(w, app_id, "2026-03-12")
    w.fire("clerk", app_id, "archive", today="2026-03-13")
    w.fire("head", app_id, "reopen", {"decision_reference": "示府复决〔2026〕8号", "new_due": "2026-07-15",
                                      "reason": "复议决定责令重新答复"}, today="2026-06-01")
    app = w.app(app_id)
    assert app.status == "handling" and app.outcome is None and app.due_date == D("2026-07-15")
    w.fire("clerk", app_id, "decide", {"outcome": "provide", "details": {
        "provision_form": "电子文档", "provision_method": "电子邮件", "provision_channel": "邮箱",
        "provision_time": "随答复书提供", "attachments": ["b.pdf"]}}, today="2026-06-10")
    w.fire("secrecy", app_id, "pass_secrecy_review", today="2026-06-11")
    second = sign_and_serve(w, app_id, "2026-06-12")
    assert second.number == "DEMO公开〔2026〕2号"
    with w.session() as s:
        assert run_checks(s, w.registry, D("2026-06-12")) == []


def test_split_creates_siblings_with_their_own_numbers(w):
    app_id = w.register()
    w.fire("clerk", app_id, "start_review")
    w.fire("clerk", app_id, "split", {"parts": ["2025年许可统计", "2025年处罚统计", "2025年收费统计"]})
    with w.session() as s:
        from engine.models import Application

        sibs = s.exec(select(Application).where(Application.parent_id == app_id)).all()
    assert [x.number for x in sibs] == ["DEMO-2026-00002", "DEMO-2026-00003"]
    assert all(x.status == "reviewing" and x.received_date == D("2026-03-02") for x in sibs)
    assert w.app(app_id).request_text == "2025年许可统计"
    with w.session() as s:
        assert run_checks(s, w.registry, D("2026-03-03")) == []


def test_excessive_request_art35(w):
    app_id = w.register()
    w.fire("clerk", app_id, "start_review")
    w.fire("clerk", app_id, "ask_reasons", {"reply_by": "2026-03-20"})
    w.fire("head", app_id, "reject_reasons", {"reasons_request": "已于3月3日要求说明理由",
                                             "reasons_answer": "申请人未说明正当理由"}, today="2026-03-23")
    app = w.app(app_id)
    assert app.status == "reply_drafting" and app.outcome == "excessive"
    from engine.errors import Refused

    with pytest.raises(Refused, match="签发人不能是拟稿人"):
        w.fire("head", app_id, "sign_off", today="2026-03-24")  # the head who decided may not sign
    w.fire("head2", app_id, "sign_off", today="2026-03-24")
    assert w.app(app_id).status == "replied"


def test_service_of_the_reply_records_the_remedy_periods(w):
    """Deadlines 4 (spec): after the reply is served, the case records the last day to apply for 行政复议
    (60 days, 行政复议法 art 20) and to sue (6 months, 行政诉讼法 art 46)."""
    from engine import queries

    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "not_exist", "details": OUTCOME_DETAILS["not_exist"]},
           today="2026-03-10")
    sign_and_serve(w, app_id, "2026-03-12")
    with w.session() as s:
        detail = queries.application_detail(s, w.actor("clerk"), app_id, w.registry, D("2026-03-13"))
    # 2026-03-12 + 60 days = Monday 11 May; + 6 months = Saturday 12 September → Monday 14 September
    assert detail["remedy_periods"] == {"served_on": "2026-03-12", "letter_id": detail["remedy_periods"]["letter_id"],
                                        "review_by": "2026-05-11", "sue_by": "2026-09-14", "provisional": False}
    assert w.events(app_id)[-1].changes["_related"]["remedy_periods"]["review_by"] == "2026-05-11"


def _issue_letters(w, app_id, today):
    from engine import workflow

    with w.session() as s:
        drafts = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.status == "draft",
                                             Letter.type != "reply")).all()
        ids = [x.id for x in drafts]
    for letter_id in ids:
        with w.session() as s:
            workflow.fire(s, w.actor("clerk"), app_id, "issue_letter", {"letter_id": letter_id}, today=D(today),
                          registry=w.registry, letters=LETTERS)


def test_consultation_recorded_before_the_party_has_the_letter(w):
    """Arts 32/34: the 15 working days — and the pause of the answer clock — run from the party's receipt
    of the letter. The clerk records the consultation (drafting the letter) first and the receipt when known."""
    app_id = w.register()  # due 3/30 without pauses
    to_handling(w, app_id)
    w.fire("clerk", app_id, "start_consultation", {"kind": "third_party", "party": "某某科技有限公司"}, today="2026-03-05")
    app = w.app(app_id)
    assert app.status == "consulting" and app.clock_state == "running" and app.due_date == D("2026-03-30")
    with w.session() as s:
        c = s.exec(select(Consultation).where(Consultation.application_id == app_id)).one()
    assert c.party_received_on is None and c.reply_due is None
    from engine.errors import Refused

    with pytest.raises(Refused, match="尚未印发"):
        w.fire("clerk", app_id, "record_consultation_receipt", {"consultation_id": c.id, "party_received_on": "2026-03-06"},
               today="2026-03-06")
    with pytest.raises(Refused, match="先登记对方收到"):
        w.fire("clerk", app_id, "record_consultation_reply", {"consultation_id": c.id, "result": "consent",
                                                               "received_on": "2026-03-06"}, today="2026-03-06")
    _issue_letters(w, app_id, "2026-03-05")
    w.fire("clerk", app_id, "record_consultation_receipt", {"consultation_id": c.id, "party_received_on": "2026-03-09"},
           today="2026-03-10")
    app = w.app(app_id)
    assert app.clock_state == "paused" and app.due_date is None
    with w.session() as s:
        c = s.get(Consultation, c.id)
    assert c.reply_due == w.registry.calendar().add_working_days(D("2026-03-09"), 15)


def test_consultation_pause_is_capped_at_15_working_days(w):
    """Arts 32, 34 and 33(3): only the statutory 15 working days from the party's receipt are not counted;
    a reply recorded later does not stretch the pause."""
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "start_consultation", {"kind": "agency", "party": "示例市公安局",
                                                    "party_received_on": "2026-03-05"}, today="2026-03-05")
    with w.session() as s:
        c = s.exec(select(Consultation).where(Consultation.application_id == app_id)).one()
    cal = w.registry.calendar()
    assert c.reply_due == cal.add_working_days(D("2026-03-05"), 15)
    late = cal.add_working_days(c.reply_due, 5)
    w.fire("clerk", app_id, "record_consultation_reply", {"consultation_id": c.id, "result": "consent",
                                                           "received_on": late.isoformat()}, today=late.isoformat())
    # the pause covers (3/5, reply_due]: exactly 15 working days, not 20
    assert w.app(app_id).due_date == cal.add_working_days(D("2026-03-02"), 20 + 15)
