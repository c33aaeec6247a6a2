"""Annual reports that do not change after publication (legal issue, item 19), on both databases:
a reopening never rewrites a past year; table 四 counts a case in the year of its result as of 31
December; a re-registered applicant's new subtype does not move past rows; a frozen year shows its
frozen figures with later changes as corrections beside them."""

import pytest
from sqlmodel import Session, select

from calendars import CalendarRegistry, ImportedYear
from engine.errors import Conflict, Forbidden, InputError
from engine.models import AdminEvent, PriorConclusion, ReviewCase
from engine.reports.annual import annual_report, cell_applications
from engine.reports.frozen import freeze_year, published_report

from ..workflow.world import APPLICANT, D, build_world
from .test_annual import COMPANY, OUTCOME_DETAILS, YEAR_2027, Year


@pytest.fixture
def y(db):
    return Year(build_world(db, CalendarRegistry([ImportedYear(YEAR_2027, "2027.yaml")])))


def table3(y, year):
    with y.w.session() as s:
        report = annual_report(s, [y.w.agency_id], year)
    assert report.check_ok, report.check_failures
    return report.table3


def reopen(y, app_id, on, due):
    y.w.fire("head", app_id, "reopen", {"decision_reference": "示府复决〔2027〕1号", "new_due": due,
                                        "reason": "复议决定责令重新答复"}, today=on)


def test_reopen_never_rewrites_a_past_year_and_the_new_reply_counts_in_its_year(y):
    app_id = y.new("2026-03-02")
    y.reply(app_id, "not_exist", OUTCOME_DETAILS["not_exist"], "2026-03-10")
    before = table3(y, 2026)
    assert before["3.4.1"]["natural"] == 1 and before["4"]["natural"] == 0
    reopen(y, app_id, "2027-02-01", "2027-03-15")
    with y.w.session() as s:
        (prior,) = s.exec(select(PriorConclusion)).all()
    assert (prior.outcome, prior.concluded_on, prior.started_on) == ("not_exist", D("2026-03-10"), D("2026-03-02"))
    assert table3(y, 2026) == before  # the past year is untouched
    pending = table3(y, 2027)  # the new handling: received on the reopening, open at the end of the year
    assert pending["1"]["natural"] == 1 and pending["4"]["natural"] == 1 and pending["3.7"]["natural"] == 0
    y.w.fire("clerk", app_id, "decide", {"outcome": "provide", "details": OUTCOME_DETAILS["provide"]},
             today="2027-02-10")
    y.w.fire("secrecy", app_id, "pass_secrecy_review", today="2027-02-10")
    y.w.fire("head", app_id, "sign_off", today="2027-02-10")
    after = table3(y, 2027)
    assert after["3.1"]["natural"] == 1 and after["4"]["natural"] == 0 and after["3.4.1"]["natural"] == 0
    assert table3(y, 2026) == before
    with y.w.session() as s:
        (item,) = cell_applications(s, [y.w.agency_id], 2026, "3.4.1", "natural")
    assert item["id"] == app_id and item["earlier_handling"] and item["outcome"] == "not_exist"
    from engine.check import run_checks

    with y.w.session() as s:  # ``ogi check`` stays green after a reopening
        assert run_checks(s, y.w.registry, D("2027-02-11")) == []


def test_table_four_counts_each_case_in_the_year_of_its_result_as_of_31_december(y):
    app_id = y.new("2026-03-02")
    y.reply(app_id, "not_exist", OUTCOME_DETAILS["not_exist"], "2026-03-10")
    y.w.fire("legal", app_id, "record_review_case", {"kind": "direct_suit", "case_number": "（2026）示行初5号",
                                                     "filed_on": "2026-05-01"}, today="2026-05-02")
    with y.w.session() as s:
        case_id = s.exec(select(ReviewCase.id)).one()
    y.w.fire("legal", app_id, "record_review_case", {"case_id": case_id, "decided_on": "2027-02-01",
                                                     "result": "corrected"}, today="2027-02-02")
    with y.w.session() as s:
        t2026 = annual_report(s, [y.w.agency_id], 2026).table4["direct_suit"]
        t2027 = annual_report(s, [y.w.agency_id], 2027).table4["direct_suit"]
    assert t2026 == {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}  # as of 2026-12-31
    assert t2027 == {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1}


def test_reregistering_an_applicant_with_another_subtype_does_not_move_past_rows(y):
    y.reply(y.new("2026-03-02", COMPANY), "not_exist", OUTCOME_DETAILS["not_exist"], "2026-03-10")
    before = table3(y, 2026)
    assert before["1"]["commercial"] == 1
    y.new("2027-02-01", {**COMPANY, "subtype": "research"})
    after = table3(y, 2026)
    assert after == before and after["1"]["research"] == 0
    assert table3(y, 2027)["1"]["research"] == 1


def test_frozen_year_shows_frozen_figures_and_later_changes_as_corrections(y):
    w = y.w
    app_id = y.new("2026-03-02")
    y.reply(app_id, "not_exist", OUTCOME_DETAILS["not_exist"], "2026-03-10")
    with w.session() as s:
        with pytest.raises(Forbidden):
            freeze_year(s, w.actor("clerk"), "DEMO", 2026, today=D("2027-01-20"))
        with pytest.raises(Forbidden):  # another agency's head
            freeze_year(s, w.actor("other_head"), "DEMO", 2026, today=D("2027-01-20"))
        with pytest.raises(InputError):  # the year is not over
            freeze_year(s, w.actor("legal"), "DEMO", 2027, today=D("2027-01-20"))
        freeze_year(s, w.actor("legal"), "DEMO", 2026, today=D("2027-01-20"))
        with pytest.raises(Conflict):
            freeze_year(s, w.actor("legal"), "DEMO", 2026, today=D("2027-01-21"))
        (event,) = s.exec(select(AdminEvent).where(AdminEvent.action == "report_freeze")).all()
        assert event.details["year"] == 2026 and event.agency_id == w.agency_id
    # later: a suit filed in 2026 is recorded, and a late-keyed application received in 2026
    w.fire("legal", app_id, "record_review_case", {"kind": "direct_suit", "case_number": "（2026）示行初9号",
                                                   "filed_on": "2026-12-01"}, today="2027-01-25")
    y.w.register(today="2027-01-25", applicant=APPLICANT, channel_facts={"mail_received": "2026-12-30"})
    with Session(w.engine) as s:
        shown = published_report(s, [w.agency_id], 2026)
        live = annual_report(s, [w.agency_id], 2026)
    assert live.table3["1"]["natural"] == 2 and live.table4["direct_suit"]["pending"] == 1
    assert shown.table3["1"]["natural"] == 1 and shown.table3["4"]["natural"] == 0  # as frozen
    assert shown.table4["direct_suit"]["pending"] == 0
    fixes = {(c["table"], c["row"], c["column"]): (c["frozen"], c["current"], c["difference"]) for c in shown.corrections}
    assert fixes[("table3", "1", "natural")] == (1, 2, 1)
    assert fixes[("table3", "4", "natural")] == (0, 1, 1)
    assert fixes[("table4", "direct_suit", "pending")] == (0, 1, 1)
    assert shown.frozen[0]["agency"] == "DEMO" and shown.frozen[0]["frozen_by"] == "legal"
