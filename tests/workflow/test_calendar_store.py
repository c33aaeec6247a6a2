"""Imported calendars live in the database (security issue, item 12): every host on one database —
and a host restored from a backup, with no data directory — computes the same deadlines."""

import hashlib
import sqlite3
from datetime import date

import pytest
from sqlmodel import select

from calendars import CalendarFileInvalid
from engine.actors import Actor
from engine.calendar_change import ImportCatchUp
from engine.calendar_import import import_schedule
from engine.calendar_registry import SharedCalendars, calendars_for
from engine.check import run_checks
from engine.db import make_engine
from engine.models import CalendarSchedule

from .world import build_world

YEAR_2027 = """\
year: 2027
source: 国办发明电〔2026〕测试号
holidays:
  - {date: 2027-01-01, name: 元旦}
  - {from: 2027-02-06, to: 2027-02-12, name: 春节}
workdays:
  - {date: 2027-01-09, name: 元旦调休上班}
  - {date: 2027-02-14, name: 春节调休上班}
"""
CORRECTED = YEAR_2027.replace("测试号", "更正号").replace("{date: 2027-01-01, name: 元旦}",
                                                          "{from: 2027-01-01, to: 2027-01-04, name: 元旦}")
OPERATOR = Actor(None, "命令行（测试）", frozenset())
TODAY = date(2026, 12, 16)


def rows(engine) -> list[CalendarSchedule]:
    from sqlmodel import Session

    with Session(engine) as s:
        return list(s.exec(select(CalendarSchedule).order_by(CalendarSchedule.id)).all())


def test_import_stores_the_text_and_who_imported_it(db):
    w = build_world(db, calendars_for(db).current(0))
    with w.session() as s:
        result = import_schedule(s, w.actor("head"), YEAR_2027, today=TODAY)
    (row,) = rows(db)
    assert (row.region, row.year, row.source) == ("national", 2027, "国办发明电〔2026〕测试号")
    assert row.content == YEAR_2027 and row.sha256 == hashlib.sha256(YEAR_2027.encode()).hexdigest()
    assert row.imported_by_id == w.users["head"] and row.imported_by_name == w.actor("head").name
    assert row.superseded_at is None and result.schedule_id == row.id and not result.replaced


def test_reimport_supersedes_and_keeps_the_earlier_version(db):
    """Deadlines computed before a correction stay explainable: the earlier import is kept."""
    with make_session(db) as s:
        first = import_schedule(s, OPERATOR, YEAR_2027, today=TODAY)
        again = import_schedule(s, OPERATOR, YEAR_2027, today=TODAY)
        assert again.unchanged and again.schedule_id == first.schedule_id  # the same text: nothing stored
        second = import_schedule(s, OPERATOR, CORRECTED, today=TODAY)
    assert second.replaced
    old, new = rows(db)
    assert old.id == first.schedule_id and old.superseded_at is not None and old.content == YEAR_2027
    assert new.id == second.schedule_id and new.superseded_at is None
    assert calendars_for(db).current().schedule(2027).source == "国办发明电〔2026〕更正号"


def test_an_invalid_file_stores_nothing(db):
    with make_session(db) as s, pytest.raises(CalendarFileInvalid) as exc:
        import_schedule(s, OPERATOR, YEAR_2027.replace("2027-02-14", "2027-02-16"), today=TODAY)
    assert "第8行：调休上班日 2027-02-16 是周二，不是周末" in exc.value.problems
    assert rows(db) == []
    with make_session(db) as s, pytest.raises(CalendarFileInvalid) as exc:
        import_schedule(s, OPERATOR, "year: 2027\nsource: 测试通知\n".encode("utf-16"), today=TODAY)
    assert "UTF-8" in exc.value.problems[0] and rows(db) == []


def test_a_second_host_computes_the_same_deadlines(db):
    """Two API hosts on one database (each with its own, empty data directory): an import through one is
    seen by the other at its next version check, at most a second later."""
    this_host, other_host = calendars_for(db), SharedCalendars(db)
    assert not other_host.current(0).has_year(2027)
    with make_session(db) as s:
        import_schedule(s, OPERATOR, YEAR_2027, today=TODAY)
    assert not other_host.current(max_age=3600).has_year(2027)  # not looked again yet
    theirs, ours = other_host.current(0).calendar(), this_host.current().calendar()
    for start, days in ((date(2026, 12, 31), 1), (date(2027, 1, 25), 20), (date(2026, 12, 20), 40)):
        assert theirs.add_working_days(start, days) == ours.add_working_days(start, days)
    assert theirs.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    with make_session(db) as s:  # a correction is picked up as well
        import_schedule(s, OPERATOR, CORRECTED, today=TODAY)
    assert other_host.current(0).schedule(2027).source == "国办发明电〔2026〕更正号"
    assert other_host.current().calendar().add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 5)


def test_a_restore_on_a_new_host_gives_the_same_deadlines(sqlite_db, tmp_path):
    """Backup = the database alone (SQLite ``.backup``); the restored copy on a host that never saw the
    import files computes the same deadlines, and ``ogi check`` finds nothing."""
    w = build_world(sqlite_db, calendars_for(sqlite_db).current(0))
    with w.session() as s:
        import_schedule(s, OPERATOR, YEAR_2027, today=TODAY)
    w.registry = calendars_for(sqlite_db).current()
    app_id = w.register(today="2026-12-15", channel_facts={"mail_received": "2026-12-15"})
    due = w.app(app_id).due_date
    assert due == date(2027, 1, 12) and not w.app(app_id).due_provisional  # Saturday 1/9 is a working day

    restored_path = tmp_path / "restored.db"
    source = sqlite3.connect(sqlite_db.url.database)
    target = sqlite3.connect(restored_path)
    source.backup(target)
    source.close(), target.close()
    restored = make_engine(f"sqlite:///{restored_path}")
    try:
        registry = SharedCalendars(restored).current()
        assert registry.schedule(2027).source == "国办发明电〔2026〕测试号"
        with make_session(restored) as s:
            assert run_checks(s, registry, TODAY) == []
        assert registry.calendar().add_working_days(date(2026, 12, 15), 20) == due
    finally:
        restored.dispose()


def test_the_sweep_catches_up_on_a_deadline_computed_with_stale_calendars(db):
    """An event in another process within a second of an import used the old calendars; the scheduler's
    next sweep recomputes the applications changed since the import, and ``ogi check`` is clean."""
    other_host = SharedCalendars(db)
    w = build_world(db, other_host.current(0))
    catch_up = ImportCatchUp()
    with make_session(db) as s:
        catch_up.registry(s, other_host, TODAY)
        import_schedule(s, OPERATOR, YEAR_2027, today=TODAY)
    stale = w.register(today="2026-12-15", channel_facts={"mail_received": "2026-12-15"})  # old calendars
    assert w.app(stale).due_provisional
    with make_session(db) as s:
        assert run_checks(s, calendars_for(db).current(), TODAY) != []
        registry = catch_up.registry(s, other_host, TODAY)
    assert registry.has_year(2027)
    assert not w.app(stale).due_provisional and w.events(stale)[-1].name == "recompute_deadline"
    with make_session(db) as s:
        assert run_checks(s, registry, TODAY) == []
        catch_up.registry(s, other_host, TODAY)  # nothing new: nothing recomputed
    assert len(w.events(stale)) == 2


def make_session(engine):
    from engine.db import new_session

    return new_session(engine)


def test_check_finds_a_calendar_changed_behind_the_application(db):
    """``ogi check`` after a restore: a stored year whose text no longer matches its SHA-256 is named."""
    from sqlalchemy import update

    with make_session(db) as s:
        result = import_schedule(s, OPERATOR, YEAR_2027, today=TODAY)
        assert run_checks(s, calendars_for(db).current(), TODAY) == []
        s.exec(update(CalendarSchedule).values(content=CORRECTED))
        s.commit()
        problems = run_checks(s, calendars_for(db).current(), TODAY)
    assert [p.rule for p in problems] == ["日历完整性"] and f"#{result.schedule_id}" in problems[0].detail
