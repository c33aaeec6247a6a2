"""Late correction (条例 art 30 "无正当理由") and late payment (国办函〔2020〕109号): after the period the
application is deemed abandoned — unless the head accepts the late correction or payment with a recorded
good cause, before or after the sweep closed the case."""

import pytest
from sqlmodel import select

from engine.alerting.sweep import run_sweep
from engine.app_clock import answer_clock
from engine.check import run_checks
from engine.errors import Forbidden, InputError, NotFound, Refused
from engine.models import Agency, FeeAssessment, Letter
from engine.reports.annual import annual_report

from ..fees.test_fee_gate import fee_of, letters_of, propose, serve_fee_notice
from .test_happy_paths import to_handling
from .world import LETTERS, D, build_world


@pytest.fixture
def w(db, registry):
    return build_world(db, registry)


def awaiting_correction(w, period_days=5):
    """Received Mon 3/2; notice served 3/3; the correction period ends ``period_days`` WD later."""
    app_id = w.register()
    w.fire("clerk", app_id, "start_review")
    w.fire("clerk", app_id, "request_correction",
           {"items": ["请写明文件名称"], "period_days": period_days, "notice_served_on": "2026-03-03"}, today="2026-03-03")
    return app_id, w.registry.calendar().add_working_days(D("2026-03-03"), period_days)


def correction(day, reason=None):
    body = {"channel": "email", "channel_facts": {"mail_received": day}, "corrected_text": "2025年道路运输许可统计表"}
    return {**body, "reason": reason} if reason else body


def assert_checks_clean(w, today):
    with w.session() as s:
        assert run_checks(s, w.registry, D(today)) == []


def report_2026(w):
    with w.session() as s:
        return annual_report(s, [w.agency_id], 2026)


def test_art30_late_correction_refused_unless_the_head_records_good_cause(w):
    app_id, end = awaiting_correction(w)
    late = w.registry.calendar().add_working_days(end, 2).isoformat()
    with pytest.raises(Refused, match="补正期限已于.*届满.*负责人“准予逾期补正”"):
        w.fire("clerk", app_id, "receive_correction", correction(late), today=late)
    with pytest.raises(Forbidden):
        w.fire("clerk", app_id, "excuse_late_correction", correction(late, "住院"), today=late)
    with pytest.raises(InputError):
        w.fire("head", app_id, "excuse_late_correction", correction(late), today=late)  # no reason
    with pytest.raises(NotFound):  # another agency's head does not see the case
        w.fire("other_head", app_id, "excuse_late_correction", correction(late, "住院"), today=late)
    app = w.fire("head", app_id, "excuse_late_correction", correction(late, "申请人住院治疗，有医院证明"), today=late)
    assert app.status == "reviewing" and app.correction_received_on == D(late) and app.outcome is None
    assert app.due_date == w.registry.calendar().add_working_days(D(late), 20)  # the answer clock restarts there
    ev = w.events(app_id)[-1]
    assert ev.name == "excuse_late_correction" and ev.role == "head"
    assert ev.reason == "负责人认定逾期补正有正当理由：申请人住院治疗，有医院证明"
    assert not letters_of(w, app_id, "termination_notice")
    assert_checks_clean(w, late)


def test_art30_head_cannot_excuse_before_the_period_ends(w):
    app_id, end = awaiting_correction(w)
    with pytest.raises(Refused, match="尚未届满"):
        w.fire("head", app_id, "excuse_late_correction", correction(end.isoformat(), "x"), today=end.isoformat())


def test_art30_good_cause_reopens_a_case_the_sweep_closed_and_voids_its_termination_notice(w):
    app_id, end = awaiting_correction(w)
    after = w.registry.calendar().add_working_days(end, 1)
    run_sweep(w.session, w.registry, after, LETTERS)
    app = w.app(app_id)
    assert app.status == "closed" and app.outcome == "no_correction" and app.concluded_on == end
    assert report_2026(w).table3["3.7"]["total"] == 1  # terminated: 逾期不补正
    notice = letters_of(w, app_id, "termination_notice")[0]
    w.fire("clerk", app_id, "issue_letter", {"letter_id": notice.id}, today=after.isoformat())
    late = w.registry.calendar().add_working_days(after, 1).isoformat()
    app = w.fire("head", app_id, "excuse_late_correction", correction(late, "邮局延误，有邮戳为证"), today=late)
    assert app.status == "reviewing" and app.outcome is None and app.concluded_on is None
    assert app.correction_received_on == D(late) and app.clock_state == "running"
    voided = letters_of(w, app_id, "termination_notice")[0]
    assert voided.status == "void" and voided.void_reason == "负责人认定逾期补正有正当理由：邮局延误，有邮戳为证"
    assert voided.number  # an issued number is never reused
    report = report_2026(w)
    assert report.table3["3.7"]["total"] == 0 and report.table3["4"]["total"] == 1 and report.check_ok
    assert_checks_clean(w, late)
    run_sweep(w.session, w.registry, D(late), LETTERS)  # nothing to close again
    assert w.app(app_id).status == "reviewing"


def test_art30_good_cause_only_for_a_case_closed_by_the_lapse(w):
    app_id, _ = awaiting_correction(w)
    w.fire("clerk", app_id, "withdraw", {"withdrawn_on": "2026-03-04"}, today="2026-03-04")
    with pytest.raises(Refused, match="不是因逾期未补正而终止"):
        w.fire("head", app_id, "excuse_late_correction", correction("2026-03-20", "x"), today="2026-03-20")


def paid(day, reason=None):
    body = {"amount": "4700", "receipt_number": "财政票据 0012345", "paid_on": day}
    return {**body, "reason": reason} if reason else body


def awaiting_payment(w):
    app_id = w.register()
    to_handling(w, app_id)
    propose(w, app_id)
    w.fire("supervisor", app_id, "approve_fee", today="2026-03-05")
    serve_fee_notice(w, app_id, "2026-03-09")
    return app_id, w.registry.calendar().add_working_days(D("2026-03-09"), 20)


def test_109_payment_after_the_period_is_not_accepted_as_on_time(w):
    app_id, due = awaiting_payment(w)
    late = w.registry.calendar().add_working_days(due, 1).isoformat()
    with pytest.raises(Refused, match="缴费期限已于.*届满.*负责人“准予逾期缴费”"):
        w.fire("clerk", app_id, "record_payment", paid(late), today=late)
    assert fee_of(w, app_id).status == "approved"
    # paid within the period, recorded after it: on time
    app = w.fire("clerk", app_id, "record_payment", paid(due.isoformat()), today=late)
    assert app.status == "handling" and fee_of(w, app_id).paid_on == due


def test_109_head_accepts_late_payment_with_good_cause_before_the_sweep(w):
    app_id, due = awaiting_payment(w)
    late = w.registry.calendar().add_working_days(due, 1).isoformat()
    with pytest.raises(Forbidden):
        w.fire("clerk", app_id, "excuse_late_payment", paid(late, "银行故障"), today=late)
    app = w.fire("head", app_id, "excuse_late_payment", paid(late, "银行系统故障，有银行证明"), today=late)
    fee = fee_of(w, app_id)
    assert app.status == "handling" and fee.status == "paid" and fee.paid_on == D(late)
    assert w.events(app_id)[-1].reason == "负责人认定逾期缴费有正当理由：银行系统故障，有银行证明"
    assert_checks_clean(w, late)


def test_109_good_cause_reopens_a_case_closed_as_fee_unpaid(w):
    app_id, due = awaiting_payment(w)
    after = w.registry.calendar().add_working_days(due, 1)
    run_sweep(w.session, w.registry, after, LETTERS)
    app = w.app(app_id)
    assert app.status == "closed" and app.outcome == "fee_unpaid"
    assert report_2026(w).fees["closed_unpaid"] == 1
    late = w.registry.calendar().add_working_days(after, 2).isoformat()
    with pytest.raises(Refused, match="金额"):
        w.fire("head", app_id, "excuse_late_payment", {**paid(late, "x"), "amount": "1"}, today=late)
    app = w.fire("head", app_id, "excuse_late_payment", paid(late, "汇款在途，有银行回单"), today=late)
    assert app.status == "handling" and app.outcome is None and app.concluded_on is None
    fee = fee_of(w, app_id)
    assert fee.status == "paid" and fee.closed_on == D(late)
    assert [x.status for x in letters_of(w, app_id, "termination_notice")] == ["void"]
    report = report_2026(w)
    assert report.table3["3.7"]["total"] == 0 and report.fees["closed_unpaid"] == 0 and report.check_ok
    # the answer clock paused from the notice's service until the payment, and runs again
    with w.session() as s:
        fees = list(s.exec(select(FeeAssessment).where(FeeAssessment.application_id == app_id)).all())
        view = answer_clock(w.registry, w.app(app_id), s.get(Agency, w.agency_id), [], fees, D(late))
    assert view.state == "running" and view.due > D(late)
    assert_checks_clean(w, late)
    with w.session() as s:
        assert s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "termination_notice",
                                           Letter.status != "void")).first() is None
