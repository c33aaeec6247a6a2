"""A hand-built year: every outcome and ground, carried over from 2025 and into 2027, withdrawals and
lapses; the expected table written out by hand."""



import pytest
from sqlmodel import Session

from calendars import CalendarRegistry, ImportedYear
from engine.actors import Actor
from engine import workflow
from engine.reports.annual import annual_report, cell_applications

from ..fees.test_fee_gate import serve_fee_notice
from ..workflow.test_happy_paths import OUTCOME_DETAILS as _DETAILS
from ..workflow.world import APPLICANT, D, build_world

COMPANY = {"kind": "legal", "subtype": "commercial", "name": "某科技有限公司", "id_type": "uscc",
           "id_number": "91110000MA01ABCD1M", "phone": "010-66668888"}
OUTCOME_DETAILS = {**_DETAILS, "provide": {
    "provision_form": "电子文档", "provision_method": "电子邮件", "provision_channel": "邮箱",
    "provision_time": "随答复书提供", "attachments": ["a.pdf"]}}
YEAR_2027 = "year: 2027\nsource: 测试\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n"


class Year:
    def __init__(self, w):
        self.w = w

    def new(self, received: str, applicant=None) -> int:
        return self.w.register(today=received, applicant=applicant or APPLICANT,
                               channel_facts={"mail_received": received})

    def reply(self, app_id: int, outcome: str, details: dict, on: str, signer: str = "head") -> None:
        w = self.w
        w.fire("clerk", app_id, "start_review", today=on)
        w.fire("clerk", app_id, "accept", today=on)
        w.fire("clerk", app_id, "decide", {"outcome": outcome, "details": details}, today=on)
        if w.app(app_id).status == "secrecy_review":
            w.fire("secrecy", app_id, "pass_secrecy_review", today=on)
        w.fire(signer, app_id, "sign_off", today=on)


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    from engine.db import make_engine
    from engine.migrate import upgrade

    folder = tmp_path_factory.mktemp("annual")
    url = f"sqlite:///{folder / 'ogi.db'}"
    upgrade(url)
    registry = CalendarRegistry([ImportedYear(YEAR_2027, "2027.yaml")])
    w = build_world(make_engine(url), registry)
    y = Year(w)
    # 2025: concluded in 2025 (not in the 2026 table), and two carried into 2026
    old = y.new("2025-11-03")
    y.reply(old, "needs_creation", {"reasons": "需加工"}, "2025-11-20")
    c1 = y.new("2025-12-15")
    y.reply(c1, "provide", OUTCOME_DETAILS["provide"], "2026-01-09")
    c2 = y.new("2025-12-22", COMPANY)
    w.fire("clerk", c2, "start_review", today="2025-12-23")
    w.fire("clerk", c2, "accept", today="2025-12-23")
    # 2026, natural person: every decided outcome and every ground
    for outcome in ("provide", "already_public", "partial", "not_exist", "not_our_agency", "needs_creation",
                    "petition", "publication", "confirm_or_reissue", "special_procedure"):
        y.reply(y.new("2026-03-02"), outcome, OUTCOME_DETAILS[outcome], "2026-03-10")
    for ground in ("state_secret", "law_prohibited", "security_stability", "third_party", "internal_affairs",
                   "process_info", "enforcement_file", "administrative_inquiry"):
        y.reply(y.new("2026-04-01"), "withhold", {"ground": ground, "reasons": "理由"}, "2026-04-10")
    y.reply(y.new("2026-05-06"), "repeat", {"earlier_application": w.app(c1).number, "earlier_reply": "已答复"},
            "2026-05-12")
    a = y.new("2026-06-01")  # still unclear after correction
    w.fire("clerk", a, "start_review", today="2026-06-02")
    w.fire("clerk", a, "request_correction", {"items": ["请明确"]}, today="2026-06-02")
    w.fire("clerk", a, "receive_correction", {"channel": "email", "channel_facts": {"mail_received": "2026-06-08"}},
           today="2026-06-08")
    w.fire("clerk", a, "decide", {"outcome": "still_unclear", "details": {"reasons": "仍不明确"}}, today="2026-06-10")
    w.fire("head", a, "sign_off", today="2026-06-11")
    a = y.new("2026-06-01")  # excessive (art 35): decided by one head, signed by another
    w.fire("clerk", a, "start_review", today="2026-06-02")
    w.fire("clerk", a, "ask_reasons", {"reply_by": "2026-06-10"}, today="2026-06-02")
    w.fire("head", a, "reject_reasons", {"reasons_request": "已要求说明理由", "reasons_answer": "未说明"}, today="2026-06-11")
    w.fire("head2", a, "sign_off", today="2026-06-12")
    a = y.new("2026-07-01")  # no correction → closed by the system
    w.fire("clerk", a, "start_review", today="2026-07-02")
    w.fire("clerk", a, "request_correction", {"items": ["请明确"], "period_days": 5,
                                                  "notice_served_on": "2026-07-02"}, today="2026-07-02")
    with w.session() as s:
        workflow.fire(s, Actor.system(), a, "correction_lapsed", {}, today=D("2026-07-20"), registry=registry)
    a = y.new("2026-07-01")  # fee unpaid → closed
    w.fire("clerk", a, "start_review", today="2026-07-02")
    w.fire("clerk", a, "accept", today="2026-07-02")
    w.fire("clerk", a, "propose_fee", {"method": "per_volume", "pages": 250}, today="2026-07-02")
    w.fire("supervisor", a, "approve_fee", today="2026-07-03")
    serve_fee_notice(w, a, "2026-07-03")
    with w.session() as s:
        workflow.fire(s, Actor.system(), a, "payment_lapsed", {}, today=D("2026-08-10"), registry=registry)
    a = y.new("2026-08-03")  # withdrawn
    w.fire("clerk", a, "withdraw", {"withdrawn_on": "2026-08-05"}, today="2026-08-05")
    # 2026, company: two concluded, one carried into 2027
    y.reply(y.new("2026-03-02", COMPANY), "provide", OUTCOME_DETAILS["provide"], "2026-03-10")
    withheld = y.new("2026-03-02", COMPANY)
    y.reply(withheld, "withhold", {"ground": "state_secret", "reasons": "国家秘密"}, "2026-03-10")
    late = y.new("2026-12-10", COMPANY)
    y.reply(late, "needs_creation", {"reasons": "需加工"}, "2027-01-05")
    y.new("2026-12-21")  # natural, open at year end
    # review cases: two filed in 2026, one in 2025 (not counted)
    w.fire("legal", c1, "record_review_case", {"kind": "reconsideration", "case_number": "示府复〔2026〕3号",
                                               "filed_on": "2026-02-01", "decided_on": "2026-03-20", "result": "upheld"},
           today="2026-03-20")
    w.fire("legal", withheld, "record_review_case", {"kind": "direct_suit", "case_number": "（2026）示行初12号",
                                                     "filed_on": "2026-05-01"}, today="2026-05-02")
    w.fire("legal", c1, "record_review_case", {"kind": "suit_after_reconsideration", "case_number": "（2025）示行初1号",
                                               "filed_on": "2025-12-30"}, today="2026-01-10")
    return w


EXPECTED_NATURAL = {
    "1": 25, "2": 1, "3.1": 3, "3.2": 1, "3.3": 8, **{f"3.3.{i}": 1 for i in range(1, 9)},
    "3.4": 4, "3.4.1": 2, "3.4.2": 1, "3.4.3": 1, "3.5": 5, **{f"3.5.{i}": 1 for i in range(1, 6)},
    "3.6": 4, "3.6.1": 1, "3.6.2": 1, "3.6.3": 2, "3.7": 25, "3": 25, "4": 1,
}
EXPECTED_COMMERCIAL = {"1": 3, "2": 1, "3.1": 1, "3.3": 1, "3.3.1": 1, "3.7": 2, "3": 2, "4": 2}


def test_table_three_by_hand(year):
    with Session(year.engine) as s:
        report = annual_report(s, [year.agency_id], 2026)
    t = report.table3
    for row, values in t.items():
        assert values["natural"] == EXPECTED_NATURAL.get(row, 0), row
        assert values["commercial"] == EXPECTED_COMMERCIAL.get(row, 0), row
        assert values["research"] == values["public_interest"] == values["legal_services"] == values["other"] == 0
        assert values["total"] == values["natural"] + values["commercial"]
    assert report.check_ok and not report.check_failures


def test_table_four_and_fees(year):
    with Session(year.engine) as s:
        report = annual_report(s, [year.agency_id], 2026)
    assert report.table4["reconsideration"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}
    assert report.table4["direct_suit"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}
    assert report.table4["suit_after_reconsideration"]["total"] == 0  # filed in 2025
    assert report.fees == {"notices": 1, "billed_fen": 470000, "collected_fen": 0, "closed_unpaid": 1}


def test_previous_and_next_year_tables_also_hold(year):
    with Session(year.engine) as s:
        for y in (2025, 2027):
            assert annual_report(s, [year.agency_id], y).check_ok
        r2025 = annual_report(s, [year.agency_id], 2025)
    assert r2025.table3["1"]["total"] == 3 and r2025.table3["3.4.2"]["total"] == 1 and r2025.table3["4"]["total"] == 2


def test_drill_down(year):
    with Session(year.engine) as s:
        cells = cell_applications(s, [year.agency_id], 2026, "3.3", "natural")
        assert len(cells) == 8 and {c["outcome"] for c in cells} == {"withhold"}
        assert len(cell_applications(s, [year.agency_id], 2026, "4", "commercial")) == 2
        assert len(cell_applications(s, [year.agency_id], 2026, "3.6.3", "total")) == 2


def test_a_broken_record_fails_the_check_and_is_named(year):
    from sqlmodel import select

    from engine.models import Application

    with Session(year.engine) as s:
        app = s.exec(select(Application).where(Application.outcome == "withdrawn")).one()
        app.outcome = None  # closed without an outcome: cannot be counted
        s.add(app)
        s.commit()
        report = annual_report(s, [year.agency_id], 2026)
        assert not report.check_ok
        assert report.check_failures[0]["applications"][0]["number"] == app.number
        app.outcome = "withdrawn"
        s.add(app)
        s.commit()


def test_configurable_rows_follow_the_setting(year, monkeypatch):
    """workflow.md marks the rows of not_our_agency and special_procedure [configurable]."""
    from engine import settings

    monkeypatch.setenv("OGI_REPORT_ROWS", '{"not_our_agency": "3.6.3"}')
    settings.get_settings.cache_clear()
    try:
        with Session(year.engine) as s:
            t = annual_report(s, [year.agency_id], 2026).table3
        assert t["3.4.1"]["natural"] == 1 and t["3.6.3"]["natural"] == 3 and t["3.7"]["natural"] == 25
        monkeypatch.setenv("OGI_REPORT_ROWS", '{"not_our_agency": "3.1"}')
        settings.get_settings.cache_clear()
        with pytest.raises(ValueError, match="不能改计入报表"):
            settings.get_settings()
    finally:
        monkeypatch.delenv("OGI_REPORT_ROWS")
        settings.get_settings.cache_clear()
