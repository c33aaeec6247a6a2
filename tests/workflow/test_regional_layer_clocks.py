"""Regional layers (legal issue, item 12) in the application clocks, on both databases: an agency in a
region without that year's layer gets a provisional answer clock; the layer stating "no extra holidays"
makes it settled (recomputed on import)."""

from datetime import date

from sqlmodel import Session

from calendars import CalendarRegistry, ImportedYear
from engine.actors import Actor
from engine.calendar_import import import_schedule
from engine.models import Agency, Application
from tests.calendars.test_regional_layers import LAYER_2025, NOTHING_2026

from .world import build_world

OPERATOR = Actor(None, "命令行（测试）", frozenset())


def test_region_without_the_years_layer_makes_application_clocks_provisional(db):
    with Session(db) as s:
        import_schedule(s, OPERATOR, LAYER_2025, today=date(2026, 3, 1))
    world = build_world(db, CalendarRegistry([ImportedYear(LAYER_2025, "导入")]))
    with Session(db) as s:
        agency = s.get(Agency, world.agency_id)
        agency.region = "tr"
        s.add(agency)
        s.commit()
    app_id = world.register(today="2026-03-02")
    app = world.app(app_id)
    assert app.due_date is not None and app.due_provisional is True
    with world.session() as s:
        result = import_schedule(s, OPERATOR, NOTHING_2026, today=date(2026, 3, 3))
    assert [c["number"] for c in result.changes] == [app.number]
    with world.session() as s:
        settled = s.get(Application, app_id)
        assert settled.due_provisional is False and settled.due_date == app.due_date
        from engine.calendar_registry import build_registry
        from engine.calendar_import import current_rows
        from engine.check import run_checks

        stored = build_registry([ImportedYear(r.content, "导入") for r in current_rows(s)])
        assert run_checks(s, stored, date(2026, 3, 3)) == []  # ``ogi check`` agrees with the cached clock
