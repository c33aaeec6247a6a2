"""Loading next year's schedule recomputes open deadlines in the import's transaction, with an audit
event naming the import for each change; ``ogi check`` stays clean."""

from datetime import date

import pytest
from sqlmodel import select

from calendars import CalendarFileInvalid
from engine.actors import Actor
from engine.calendar_import import import_schedule
from engine.calendar_registry import calendars_for
from engine.check import run_checks
from engine.models import Alert, Application, CalendarSchedule, Event

from .world import build_world

YEAR_2027 = """\
year: 2027
source: 测试通知
holidays:
  - {from: 2027-01-01, to: 2027-01-03, name: 元旦}
  - {from: 2027-02-05, to: 2027-02-11, name: 春节}
workdays:
  - {date: 2027-01-09, name: 元旦调休上班}
"""
OPERATOR = Actor(None, "命令行（测试）", frozenset())


def test_import_recomputes_and_audits_in_one_transaction(db):
    w = build_world(db, calendars_for(db).current(0))
    late = w.register(today="2026-12-15", channel_facts={"mail_received": "2026-12-15"})
    early = w.register(today="2026-12-15", channel_facts={"mail_received": "2026-11-02"})
    app = w.app(late)
    assert app.due_provisional and app.due_date == date(2027, 1, 13)  # Mon–Fri less 元旦 (fixed by date)
    with w.session() as s:
        result = import_schedule(s, OPERATOR, YEAR_2027, today=date(2026, 12, 16))
    assert [c["number"] for c in result.changes] == [app.number]
    app = w.app(late)
    assert not app.due_provisional and app.due_date == date(2027, 1, 12)  # Saturday 1/9 is a working day
    ev = w.events(late)[-1]
    assert ev.name == "recompute_deadline" and ev.role == "system" and ev.from_state == ev.to_state
    assert ev.changes["_related"]["deadline"]["calendar"]["calendar_schedule_id"] == result.schedule_id
    assert len(w.events(early)) == 1
    with w.session() as s:
        alert = s.exec(select(Alert).where(Alert.kind == "deadline_changed")).one()
        assert alert.application_id == late and "2027-01-13" in alert.message
        registry = calendars_for(db).current()  # this process adopted the import's calendars
        assert registry.has_year(2027)
        assert run_checks(s, registry, date(2026, 12, 16)) == []
        assert len(s.exec(select(Application)).all()) == 2


def test_an_import_that_cannot_be_built_changes_nothing(db):
    """A national year whose holiday a stored regional layer already lists is refused as a whole: no row,
    no recomputed deadline (the recompute runs in the import's transaction)."""
    w = build_world(db, calendars_for(db).current(0))
    region = "year: 2027\nregion: tr\nregion_name: 测试州\nsource: 州通知\nholidays:\n  - {date: 2027-03-01, name: 州节}\n"
    with w.session() as s:
        import_schedule(s, OPERATOR, YEAR_2027, today=date(2026, 12, 16))
        import_schedule(s, OPERATOR, region, today=date(2026, 12, 16))
    app_id = w.register(today="2026-12-15", channel_facts={"mail_received": "2026-12-15"})
    clash = YEAR_2027.replace("2027-02-05, to: 2027-02-11", "2027-02-05, to: 2027-03-01")
    with w.session() as s, pytest.raises(CalendarFileInvalid) as exc:
        import_schedule(s, OPERATOR, clash, today=date(2026, 12, 16))
    assert "已是全国法定节假日" in exc.value.problems[0]
    with w.session() as s:
        assert len(s.exec(select(CalendarSchedule)).all()) == 2
        assert len(s.exec(select(Event).where(Event.application_id == app_id)).all()) == 1
