"""一事一申请 after a correction (art 30): every part split off keeps the correction's restart, and the
one-time correction rule holds across the parts of one application."""

import pytest
from sqlmodel import select

from engine.check import run_checks
from engine.errors import Refused
from engine.models import Application
from engine.workflow import available_actions

from .world import D, build_world


@pytest.fixture
def w(db, registry):
    return build_world(db, registry)


def siblings(w, app_id):
    with w.session() as s:
        return list(s.exec(select(Application).where(Application.parent_id == app_id).order_by(Application.id)).all())


def test_split_after_correction_keeps_the_restart_and_the_one_correction(w):
    app_id = w.register()
    w.fire("clerk", app_id, "start_review")
    w.fire("clerk", app_id, "request_correction", {"items": ["请写明年份"], "notice_served_on": "2026-03-03"})
    w.fire("clerk", app_id, "receive_correction", {"channel": "email", "channel_facts": {"mail_received": "2026-03-05"}},
           today="2026-03-05")
    original = w.app(app_id)
    w.fire("clerk", app_id, "split", {"parts": ["2025年许可统计", "2025年处罚统计"]}, today="2026-03-06")
    [sib] = siblings(w, app_id)
    assert sib.correction_received_on == D("2026-03-05") and sib.correction_requested_on == D("2026-03-03")
    assert sib.correction_items == ["请写明年份"] and sib.correction_period_days == original.correction_period_days
    assert sib.due_date == original.due_date == w.registry.calendar().add_working_days(D("2026-03-05"), 20)
    with pytest.raises(Refused, match="一次性告知"):
        w.fire("clerk", sib.id, "request_correction", {"items": ["再补"]}, today="2026-03-06")
    with w.session() as s:
        actions = {a["event"]: a for a in available_actions(s, w.actor("clerk"), sib.id, today=D("2026-03-06"),
                                                            registry=w.registry)}
        assert not actions["request_correction"]["allowed"] and "一次性告知" in actions["request_correction"]["reason"]
        assert run_checks(s, w.registry, D("2026-03-06")) == []


def test_split_before_correction_still_one_correction_for_the_parts(w):
    """The parts are one application as the applicant sent it: once one part was asked to correct, no
    other part (nor a part split off it) can be asked again."""
    app_id = w.register()
    w.fire("clerk", app_id, "start_review")
    w.fire("clerk", app_id, "split", {"parts": ["甲", "乙", "丙"]})
    first, second = siblings(w, app_id)
    w.fire("clerk", first.id, "split", {"parts": ["甲一", "甲二"]})
    [grandchild] = siblings(w, first.id)
    w.fire("clerk", second.id, "request_correction", {"items": ["请写明年份"]}, today="2026-03-04")
    for other in (app_id, first.id, grandchild.id):
        with pytest.raises(Refused, match="一次性告知"):
            w.fire("clerk", other, "request_correction", {"items": ["x"]}, today="2026-03-04")
