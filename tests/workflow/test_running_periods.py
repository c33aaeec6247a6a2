"""While the answer clock is stopped or paused the case shows the period running instead: the correction
period (条例 art 30), a consultation's reply period (art 32), the fee payment period (国办函〔2020〕109号) —
the dates the procedure itself uses."""

from __future__ import annotations

from sqlmodel import select

from engine.app_clock import correction_period_end
from engine.models import Agency, Consultation, FeeAssessment, Letter
from engine.queries import application_detail

from ..fees.test_fee_gate import letters_of, propose, serve
from .test_happy_paths import to_handling
from .world import D, build_world


def periods(w, app_id, today="2026-03-10"):
    with w.session() as s:
        return application_detail(s, w.actor("clerk"), app_id, w.registry, D(today))["running_periods"]


def test_correction_period_art30(db, registry):
    w = build_world(db, registry)
    app_id = w.register()
    w.fire("clerk", app_id, "start_review")
    w.fire("clerk", app_id, "request_correction", {"items": ["请明确所需信息"], "period_days": 15}, today="2026-03-04")
    [waiting] = periods(w, app_id)
    assert waiting["due"] is None and "补正告知书尚未登记送达" in waiting["words"]
    with w.session() as s:
        notice = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "correction_notice")).one()
    serve(w, app_id, notice.id, "2026-03-06")
    with w.session() as s:
        end = correction_period_end(w.registry, w.app(app_id), s.get(Agency, w.agency_id))
    assert periods(w, app_id) == [{"what": "补正期限", "due": end.isoformat(), "overdue": False,
                                   "words": f"补正期限至 {end.isoformat()} 届满"}]
    assert periods(w, app_id, today="2026-12-01")[0]["overdue"]


def test_consultation_reply_period_art32(db, registry):
    w = build_world(db, registry)
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "start_consultation", {"kind": "third_party", "party": "某某有限公司",
                                                   "party_received_on": "2026-03-05"}, today="2026-03-05")
    with w.session() as s:
        due = s.exec(select(Consultation.reply_due).where(Consultation.application_id == app_id)).one()
    [running] = periods(w, app_id)
    assert running["due"] == due.isoformat() and running["words"].startswith("征求意见（某某有限公司）答复期限至")


def test_fee_approval_then_payment_period(db, registry):
    from engine.services.fees import PAYMENT_DAYS

    w = build_world(db, registry)
    app_id = w.register()
    to_handling(w, app_id)
    propose(w, app_id)
    assert [p["words"] for p in periods(w, app_id)] == ["收费待核准"]
    w.fire("supervisor", app_id, "approve_fee", today="2026-03-05")
    assert "收费通知尚未登记送达" in periods(w, app_id)[0]["words"]
    serve(w, app_id, letters_of(w, app_id, "fee_notice")[-1].id, "2026-03-06")
    due = w.registry.calendar().add_working_days(D("2026-03-06"), PAYMENT_DAYS)
    assert periods(w, app_id)[0]["words"] == f"缴费期限至 {due.isoformat()} 届满"
    with w.session() as s:
        assert s.exec(select(FeeAssessment.status).where(FeeAssessment.application_id == app_id)).one() == "approved"


def test_a_concluded_case_runs_no_period(db, registry):
    w = build_world(db, registry)
    app_id = w.register()
    w.fire("clerk", app_id, "withdraw", {"withdrawn_on": "2026-03-03"})
    assert periods(w, app_id) == []
