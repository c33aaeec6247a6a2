"""The approval gate: no fee notice without an allowed approver; pay, lapse, reject, waive."""

import pytest
from sqlmodel import select

from engine import workflow
from engine.actors import Actor
from engine.errors import Forbidden, InputError, NotFound, Refused
from engine.models import FeeAssessment, Letter

from ..workflow.test_happy_paths import to_handling
from ..workflow.world import D, build_world


@pytest.fixture
def w(db, registry):
    return build_world(db, registry)


def fee_of(w, app_id):
    with w.session() as s:
        return s.exec(select(FeeAssessment).where(FeeAssessment.application_id == app_id)
                      .order_by(FeeAssessment.id.desc())).first()


def letters_of(w, app_id, type_):
    with w.session() as s:
        return s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == type_)).all()


def propose(w, app_id, pages=250, today="2026-03-04"):
    w.fire("clerk", app_id, "propose_fee", {"method": "per_volume", "pages": pages}, today=today)


def serve(w, app_id, letter_id, day):
    w.fire("clerk", app_id, "issue_letter", {"letter_id": letter_id}, today=day)
    w.fire("clerk", app_id, "record_service", {"letter_id": letter_id, "method": "in_person", "served_on": day,
                                                "proof": "申请人签收"}, today=day)


def serve_fee_notice(w, app_id, day):
    """Issue the application's latest fee notice and record that the applicant received it on ``day``."""
    serve(w, app_id, letters_of(w, app_id, "fee_notice")[-1].id, day)


def test_approve_pay_reply(w):
    """109号: the answer clock pauses from the applicant's receipt of the fee notice (not the internal
    approval) until payment."""
    app_id = w.register()
    to_handling(w, app_id)
    propose(w, app_id)
    fee = fee_of(w, app_id)
    assert fee.amount_fen == 470000 and fee.status == "proposed"
    assert w.app(app_id).status == "awaiting_fee_approval" and not letters_of(w, app_id, "fee_notice")
    w.fire("supervisor", app_id, "approve_fee", {"approved_amount": "4000"}, today="2026-03-05")
    app = w.app(app_id)
    assert app.status == "awaiting_payment" and app.clock_state == "running"  # approved, not yet served
    assert fee_of(w, app_id).payment_due is None
    notice = letters_of(w, app_id, "fee_notice")[0]
    assert notice.data["amount_yuan"] == "4000.00" and notice.data["lines"][-1]["subtotal"] == 2000
    serve(w, app_id, notice.id, "2026-03-05")
    assert w.app(app_id).clock_state == "paused"
    with pytest.raises(Refused, match="不一致"):
        w.fire("clerk", app_id, "record_payment", {"amount": "4700", "receipt_number": "NO.1", "paid_on": "2026-03-09"},
               today="2026-03-09")
    w.fire("clerk", app_id, "record_payment", {"amount": "4000.00", "receipt_number": "财政票据 0012345",
                                               "paid_on": "2026-03-09"}, today="2026-03-09")
    app = w.app(app_id)
    assert app.status == "handling" and fee_of(w, app_id).status == "paid"
    cal = w.registry.calendar()
    paused = cal.working_days_between(D("2026-03-05"), D("2026-03-09"))
    assert app.due_date == cal.add_working_days(D("2026-03-02"), 20 + paused)
    # the pause is in the deadline explanation
    with w.session() as s:
        from engine.app_clock import answer_clock
        from engine.models import Agency, Consultation

        agency = s.get(Agency, w.agency_id)
        fees = list(s.exec(select(FeeAssessment).where(FeeAssessment.application_id == app_id)).all())
        view = answer_clock(w.registry, w.app(app_id), agency, [], fees, D("2026-03-10"))
        _ = Consultation
    rows = {r["date"]: r["note"] for r in view.explain()}
    assert "暂停计算（收费通知未缴费）" in rows["2026-03-06"]
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "x"}}, today="2026-03-10")
    w.fire("head", app_id, "sign_off", today="2026-03-11")


def test_no_payment_period_runs_before_the_notice_is_served(w):
    """109号: the payment period runs from the applicant's receipt of the fee notice. Approved but not
    served (still a draft, or issued and not yet received): nothing runs, nothing lapses."""
    app_id = w.register()
    to_handling(w, app_id)
    propose(w, app_id)
    w.fire("supervisor", app_id, "approve_fee", today="2026-03-05")
    with w.session() as s:
        msg = pytest.raises(Refused, workflow.fire, s, Actor.system(), app_id, "payment_lapsed", {},
                            today=D("2026-06-30"), registry=w.registry)
    assert "尚未送达" in str(msg.value)
    from engine.alerting.sweep import run_sweep

    run_sweep(w.session, w.registry, D("2026-06-30"))
    assert w.app(app_id).status == "awaiting_payment"


def test_lapse_closes_as_fee_unpaid(w):
    app_id = w.register()
    to_handling(w, app_id)
    propose(w, app_id)
    w.fire("supervisor", app_id, "approve_fee", today="2026-03-05")
    with w.session() as s:
        notice = letters_of(w, app_id, "fee_notice")[0]
    w.fire("clerk", app_id, "issue_letter", {"letter_id": notice.id}, today="2026-03-05")
    w.fire("clerk", app_id, "record_service", {"letter_id": notice.id, "method": "post", "served_on": "2026-03-09",
                                                "tracking_number": "EMS1"}, today="2026-03-09")
    due = w.registry.calendar().add_working_days(D("2026-03-09"), 20)
    assert fee_of(w, app_id).payment_due == due
    with w.session() as s, pytest.raises(Refused, match="尚未届满"):
        workflow.fire(s, Actor.system(), app_id, "payment_lapsed", {}, today=due, registry=w.registry)
    with w.session() as s:
        workflow.fire(s, Actor.system(), app_id, "payment_lapsed", {}, today=D("2026-05-06"), registry=w.registry)
    app = w.app(app_id)
    assert app.status == "closed" and app.outcome == "fee_unpaid" and app.concluded_on == due
    assert letters_of(w, app_id, "termination_notice")


def test_reject_and_waive_need_reasons(w):
    app_id = w.register()
    to_handling(w, app_id)
    propose(w, app_id)
    with pytest.raises(InputError):
        w.fire("supervisor", app_id, "reject_fee", {}, today="2026-03-05")
    w.fire("supervisor", app_id, "reject_fee", {"reason": "申请数量未明显超过合理范围"}, today="2026-03-05")
    assert w.app(app_id).status == "handling" and fee_of(w, app_id).status == "rejected"
    propose(w, app_id, today="2026-03-06")
    w.fire("supervisor", app_id, "approve_fee", today="2026-03-06")
    w.fire("head", app_id, "waive_fee", {"reason": "申请人经济困难，予以减免"}, today="2026-03-09")
    assert w.app(app_id).status == "handling" and fee_of(w, app_id).status == "waived"


def test_gate_refusals(w):
    app_id = w.register()
    to_handling(w, app_id)
    with pytest.raises(Refused, match="应收0元"):
        w.fire("clerk", app_id, "propose_fee", {"method": "per_volume", "pages": 30}, today="2026-03-04")
    with pytest.raises(InputError, match="页数应为正整数"):
        w.fire("clerk", app_id, "propose_fee", {"method": "per_volume", "pages": 12.5}, today="2026-03-04")
    with pytest.raises(InputError, match="页数应为正整数"):
        w.fire("clerk", app_id, "propose_fee", {"method": "per_volume", "pages": -3}, today="2026-03-04")
    with pytest.raises(Refused, match="应收0元"):  # the applicant's first item this month is free
        w.fire("clerk", app_id, "propose_fee", {"method": "per_item"}, today="2026-03-04")
    propose(w, app_id)
    with pytest.raises(Forbidden, match="主管部门"):
        w.fire("head", app_id, "approve_fee", today="2026-03-05")  # the agency needs external 核准
    with pytest.raises(Forbidden):
        w.fire("clerk", app_id, "approve_fee", today="2026-03-05")
    with pytest.raises(NotFound):
        w.fire("other_head", app_id, "approve_fee", today="2026-03-05")  # another agency does not see it
    with pytest.raises(Refused, match="超过提出的金额"):
        w.fire("supervisor", app_id, "approve_fee", {"approved_amount": "5000"}, today="2026-03-05")
    assert not letters_of(w, app_id, "fee_notice")
    w.fire("supervisor", app_id, "approve_fee", today="2026-03-05")


def test_head_approves_where_no_external_approval_and_not_the_proposer(db, registry):
    w = build_world(db, registry, fee_approval_by_supervisor=False)
    w.grant("head", "clerk")
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("head", app_id, "propose_fee", {"method": "per_volume", "pages": 100}, today="2026-03-04")
    with pytest.raises(Refused, match="不能核准自己的收费"):
        w.fire("head", app_id, "approve_fee", today="2026-03-05")
    with pytest.raises(Forbidden):
        w.fire("supervisor", app_id, "approve_fee", today="2026-03-05")
    w.fire("head2", app_id, "approve_fee", today="2026-03-05")
    assert letters_of(w, app_id, "fee_notice")


def test_one_method_per_application(w):
    app_id = w.register()
    to_handling(w, app_id)
    propose(w, app_id)
    w.fire("supervisor", app_id, "approve_fee", today="2026-03-05")
    w.fire("clerk", app_id, "record_payment", {"amount": 4700, "receipt_number": "R1", "paid_on": "2026-03-06"},
           today="2026-03-06")
    with pytest.raises(Refused):
        w.fire("clerk", app_id, "propose_fee", {"method": "per_item"}, today="2026-03-09")


def test_per_item_uses_the_applicants_month_count(w):
    ids = [w.register(today="2026-03-20", channel_facts={"mail_received": f"2026-03-{d:02d}"}) for d in range(2, 14)]
    app_id = ids[-1]  # the 12th application of this applicant in March
    to_handling(w, app_id, today="2026-03-20")
    w.fire("clerk", app_id, "propose_fee", {"method": "per_item"}, today="2026-03-20")
    fee = fee_of(w, app_id)
    assert fee.units == 12 and fee.amount_fen == 10000 and fee.basis["position"] == 12


def test_no_fee_after_the_answer_deadline(w):
    app_id = w.register()
    to_handling(w, app_id)
    late = w.registry.calendar().add_working_days(w.app(app_id).due_date, 1).isoformat()
    with pytest.raises(Refused, match="办理期限内"):
        w.fire("clerk", app_id, "propose_fee", {"method": "per_volume", "pages": 250}, today=late)


def test_annual_fee_figures(w):
    from engine.fees.figures import fee_figures

    a = w.register()
    to_handling(w, a)
    propose(w, a)
    w.fire("supervisor", a, "approve_fee", today="2026-03-05")
    w.fire("clerk", a, "record_payment", {"amount": 4700, "receipt_number": "R1", "paid_on": "2026-03-06"}, today="2026-03-06")
    b = w.register()
    to_handling(w, b)
    propose(w, b, pages=100)
    w.fire("supervisor", b, "approve_fee", today="2026-03-05")
    serve_fee_notice(w, b, "2026-03-05")
    with w.session() as s:
        workflow.fire(s, Actor.system(), b, "payment_lapsed", {}, today=D("2026-05-06"), registry=w.registry)
        figures = fee_figures(s, w.agency_id, 2026)
    assert figures == {"notices": 2, "billed_fen": 540000, "collected_fen": 470000, "closed_unpaid": 1}


def test_bands_are_agency_configuration_recorded_with_the_assessment(db, registry):
    """[unconfirmed] bands: an agency may configure them; the assessment records the bands it used."""
    from engine.case_repository import full_case
    from letters.audit import check_fee

    bands = [{"first": 1, "last": 50, "rate": 0}, {"first": 51, "last": None, "rate": 5}]
    w = build_world(db, registry, fee_volume_bands=bands, fee_page_rule="A3 折算为2页")
    app_id = w.register()
    to_handling(w, app_id)
    propose(w, app_id, pages=250)
    fee = fee_of(w, app_id)
    assert fee.amount_fen == 200 * 5 * 100
    assert fee.basis["rule"] == bands and fee.basis["page_rule"] == "A3 折算为2页"
    with w.session() as s:
        from engine.models import Agency, Application

        agency = s.get(Agency, w.agency_id)
        agency.settings = {}  # back to the national bands: the recorded assessment still checks out
        s.add(agency)
        s.commit()
        case = full_case(s, app_id)
    assert check_fee(case).ok


def test_bad_band_configuration_is_refused(db, registry):
    from pydantic import ValidationError

    from engine.models import AgencySettings

    with pytest.raises(ValidationError, match="连续排列"):
        AgencySettings.model_validate({"fee_volume_bands": [{"first": 1, "last": 30, "rate": 0}, {"first": 40, "rate": 10}]})
