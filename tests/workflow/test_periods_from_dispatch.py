"""条例第三十条 and 国办函〔2020〕109号: the correction and payment periods run from the applicant's receipt
of the issued notice (the recorded service, the lawful default) — or from its recorded dispatch where the
agency's rule says so ([unconfirmed] in the spec: ``AgencySettings.periods_from``). A period starts only
when what the rule needs is recorded; until then nothing lapses."""

import pytest
from pydantic import ValidationError

from engine.errors import InputError, Refused
from engine.models import AgencySettings

from ..fees.test_fee_gate import fee_of, letters_of, propose
from .test_happy_paths import to_handling
from .world import D, build_world


def corrected_notice_issued(w):
    app_id = w.register()
    w.fire("clerk", app_id, "start_review")
    w.fire("clerk", app_id, "request_correction", {"items": ["请写明文件名称"], "period_days": 5}, today="2026-03-03")
    notice = letters_of(w, app_id, "correction_notice")[-1]
    w.fire("clerk", app_id, "issue_letter", {"letter_id": notice.id}, today="2026-03-03")
    return app_id, notice.id


def serve(w, app_id, letter_id, served, dispatched=None, today=None):
    body = {"letter_id": letter_id, "method": "post", "served_on": served, "tracking_number": "EMS1"}
    if dispatched:
        body["dispatched_on"] = dispatched
    w.fire("clerk", app_id, "record_service", body, today=today or served)


def test_the_lawful_default_runs_the_correction_period_from_service_art_30(db, registry):
    w = build_world(db, registry)
    assert AgencySettings().periods_from == "service"
    app_id, notice = corrected_notice_issued(w)
    serve(w, app_id, notice, "2026-03-06", dispatched="2026-03-03")
    assert w.app(app_id).correction_notice_served_on == D("2026-03-06")


def test_under_the_dispatch_rule_the_correction_period_runs_from_the_recorded_dispatch_art_30(db, registry):
    w = build_world(db, registry, periods_from="dispatch")
    app_id, notice = corrected_notice_issued(w)
    serve(w, app_id, notice, "2026-03-06")  # the rule's date not recorded: no period, no lapse
    assert w.app(app_id).correction_notice_served_on is None
    with pytest.raises(Refused):
        w.fire("clerk", app_id, "correction_lapsed", today="2026-06-01")
    serve(w, app_id, notice, "2026-03-06", dispatched="2026-03-04")
    assert w.app(app_id).correction_notice_served_on == D("2026-03-04")


def test_a_dispatch_after_the_service_or_before_the_issue_is_refused(db, registry):
    w = build_world(db, registry, periods_from="dispatch")
    app_id, notice = corrected_notice_issued(w)
    with pytest.raises(InputError, match="发出日期不能晚于送达日期"):
        serve(w, app_id, notice, "2026-03-06", dispatched="2026-03-09", today="2026-03-10")
    with pytest.raises(InputError, match="印发日期"):
        serve(w, app_id, notice, "2026-03-06", dispatched="2026-03-02")


def test_under_the_dispatch_rule_the_payment_period_runs_from_dispatch_and_the_pause_from_service_109_hao(db, registry):
    """109号: the payment period (20 WD) from the recorded dispatch under the agency's rule; the answer
    clock's fee pause still begins when the applicant receives the notice."""
    w = build_world(db, registry, periods_from="dispatch")
    app_id = w.register()
    to_handling(w, app_id)
    propose(w, app_id)
    w.fire("supervisor", app_id, "approve_fee", today="2026-03-05")
    notice = letters_of(w, app_id, "fee_notice")[-1]
    w.fire("clerk", app_id, "issue_letter", {"letter_id": notice.id}, today="2026-03-05")
    serve(w, app_id, notice.id, "2026-03-09")
    fee = fee_of(w, app_id)
    assert fee.notice_served_on == D("2026-03-09") and fee.payment_due is None  # no dispatch: no period
    serve(w, app_id, notice.id, "2026-03-09", dispatched="2026-03-05")
    fee = fee_of(w, app_id)
    assert fee.payment_period_from == D("2026-03-05")
    assert fee.payment_due == registry.calendar().add_working_days(D("2026-03-05"), 20)
    assert fee.notice_served_on == D("2026-03-09")


def test_the_setting_takes_only_service_or_dispatch():
    with pytest.raises(ValidationError):
        AgencySettings(periods_from="issue")
