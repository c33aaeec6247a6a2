"""Loading next year's schedule recomputes open deadlines, with an audit event for each change."""

from datetime import date

from sqlmodel import select

from calendars import CalendarRegistry
from engine.calendar_change import recompute_open_deadlines
from engine.check import run_checks
from engine.models import Application

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


def test_import_recomputes_and_audits(db, tmp_path):
    registry = CalendarRegistry(import_dir=tmp_path / "cal")
    w = build_world(db, registry)
    late = w.register(today="2026-12-15", channel_facts={"mail_received": "2026-12-15"})
    early = w.register(today="2026-12-15", channel_facts={"mail_received": "2026-11-02"})
    app = w.app(late)
    assert app.due_provisional and app.due_date == date(2027, 1, 13)  # Mon–Fri less 元旦 (fixed by date)
    path = tmp_path / "2027.yaml"
    path.write_text(YEAR_2027, encoding="utf-8")
    registry.import_file(path)
    with w.session() as s:
        changes = recompute_open_deadlines(s, registry, date(2026, 12, 16))
    assert [c["number"] for c in changes] == [app.number]
    app = w.app(late)
    assert not app.due_provisional and app.due_date == date(2027, 1, 12)  # Saturday 1/9 is a working day
    ev = w.events(late)[-1]
    assert ev.name == "recompute_deadline" and ev.role == "system" and ev.from_state == ev.to_state
    assert len(w.events(early)) == 1
    with w.session() as s:
        from engine.models import Alert

        alert = s.exec(select(Alert).where(Alert.kind == "deadline_changed")).one()
        assert alert.application_id == late and "2027-01-13" in alert.message
    with w.session() as s:
        assert run_checks(s, registry, date(2026, 12, 16)) == []
        assert len(s.exec(select(Application)).all()) == 2
