"""Near year end, while next year's schedule is missing (deadlines.md §1 "a letter never prints a
provisional date"): a reply, which prints no due date, is signed off; an extension notice (art 33),
which promises the new due date, is held with a Chinese reason until the schedule is imported — the
recompute then makes the date certain, computed after the correction's restart."""

from datetime import date

import pytest

from engine.calendar_import import import_schedule
from engine.calendar_registry import calendars_for
from engine.check import run_checks
from engine.errors import Refused

from ..fees.test_fee_gate import letters_of
from .test_calendar_change import OPERATOR, YEAR_2027
from .test_happy_paths import OUTCOME_DETAILS
from .world import D, build_world


@pytest.fixture
def w(db):
    return build_world(db, calendars_for(db).current(0))


def test_reply_printing_no_due_date_is_signed_while_next_year_is_missing(w):
    app_id = w.register(today="2026-12-15", channel_facts={"mail_received": "2026-12-15"})
    assert w.app(app_id).due_provisional
    w.fire("clerk", app_id, "start_review", today="2026-12-16")
    w.fire("clerk", app_id, "accept", today="2026-12-16")
    w.fire("clerk", app_id, "decide", {"outcome": "not_exist", "details": OUTCOME_DETAILS["not_exist"]},
           today="2026-12-17")
    app = w.fire("head", app_id, "sign_off", today="2026-12-18")
    reply = letters_of(w, app_id, "reply")[0]
    assert app.status == "replied" and reply.status == "issued" and reply.number
    assert reply.data["due_provisional"] is True  # recorded, never printed


def extended_after_restart(w):
    """Received Mon 12/14, corrected 12/16 (the answer clock restarts there), extended by 20 on 12/18."""
    app_id = w.register(today="2026-12-14", channel_facts={"mail_received": "2026-12-14"})
    w.fire("clerk", app_id, "start_review", today="2026-12-14")
    w.fire("clerk", app_id, "request_correction", {"items": ["请写明年份"], "notice_served_on": "2026-12-15"},
           today="2026-12-15")
    w.fire("clerk", app_id, "receive_correction", {"channel": "email", "channel_facts": {"mail_received": "2026-12-16"}},
           today="2026-12-16")
    w.fire("clerk", app_id, "accept", today="2026-12-16")
    w.fire("clerk", app_id, "request_extension", {"days": 20, "reason": "需调取档案"}, today="2026-12-17")
    w.fire("head", app_id, "extend", today="2026-12-18")
    return app_id


def test_art33_extension_notice_is_held_while_its_new_due_date_is_provisional(w):
    app_id = extended_after_restart(w)
    notice = letters_of(w, app_id, "extension_notice")[0]
    assert notice.data["new_due"] is None and notice.data["provisional_new_due"]
    assert "2027年放假安排尚未载入" in notice.data["date_hold"]
    with pytest.raises(Refused, match="2027年放假安排尚未载入.*不能印发暂定日期"):
        w.fire("clerk", app_id, "issue_letter", {"letter_id": notice.id}, today="2026-12-18")
    assert letters_of(w, app_id, "extension_notice")[0].status == "draft"

    with w.session() as s:
        import_schedule(s, OPERATOR, YEAR_2027, today=date(2026, 12, 21))
    w.registry = calendars_for(w.engine).current()
    notice = letters_of(w, app_id, "extension_notice")[0]
    due = w.registry.calendar().add_working_days(D("2026-12-16"), 40)  # from the restart, not the receipt
    assert notice.data["new_due"] == due.isoformat() and notice.data["date_hold"] is None
    assert w.app(app_id).due_date == due and not w.app(app_id).due_provisional
    ev = w.events(app_id)[-1]
    assert ev.name == "recompute_deadline" and ev.changes["_related"]["extension_notices"] == [notice.id]
    w.fire("clerk", app_id, "issue_letter", {"letter_id": notice.id}, today="2026-12-21")
    issued = letters_of(w, app_id, "extension_notice")[0]
    assert issued.status == "issued" and issued.data["new_due"] == due.isoformat()
    with w.session() as s:
        assert run_checks(s, w.registry, date(2026, 12, 21)) == []


def test_art33_extension_notice_with_a_certain_date_is_issuable_at_once(db, registry):
    w = build_world(db, registry)
    app_id = w.register()
    w.fire("clerk", app_id, "start_review")
    w.fire("clerk", app_id, "accept")
    w.fire("clerk", app_id, "request_extension", {"days": 10, "reason": "需调取档案"}, today="2026-03-04")
    w.fire("head", app_id, "extend", today="2026-03-05")
    notice = letters_of(w, app_id, "extension_notice")[0]
    assert notice.data["new_due"] == w.app(app_id).due_date.isoformat() and notice.data["date_hold"] is None
    w.fire("clerk", app_id, "issue_letter", {"letter_id": notice.id}, today="2026-03-05")
