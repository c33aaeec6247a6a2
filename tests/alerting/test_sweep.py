"""The sweep with a frozen clock walking through the 2026 Spring Festival and National Day."""

import threading
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from engine.alerting.sweep import run_sweep
from engine.check import run_checks
from engine.models import Alert, Application, Consultation

from ..workflow.test_happy_paths import to_handling
from ..workflow.world import LETTERS, build_world


def days(a: date, b: date):
    d = a
    while d <= b:
        yield d
        d += timedelta(days=1)


def walk(w, start: date, end: date, skip: set[date] = frozenset()) -> dict[str, date]:
    """Sweep every day twice; the day each alert key first appeared."""
    first: dict[str, date] = {}
    factory = lambda: Session(w.engine, expire_on_commit=False)  # noqa: E731
    for day in days(start, end):
        if day in skip:
            continue
        run_sweep(factory, w.registry, day, LETTERS)
        run_sweep(factory, w.registry, day, LETTERS)
        with w.session() as s:
            for key in s.exec(select(Alert.key)).all():
                first.setdefault(key, day)
    return first


@pytest.fixture
def w(db, registry):
    return build_world(db, registry)


def test_spring_festival_answer_alerts(w):
    app_id = w.register(today="2026-02-10", channel_facts={"mail_received": "2026-02-10"})
    to_handling(w, app_id, today="2026-02-10")
    cal = w.registry.calendar()
    due = cal.add_working_days(date(2026, 2, 10), 20)
    assert due == date(2026, 3, 16)  # 2/15–2/23 not counted; Sat 2/14 and 2/28 counted
    first = walk(w, date(2026, 2, 10), date(2026, 3, 20))
    mine = {k: d for k, d in first.items() if k.startswith(f"{app_id}:")}
    for band in (5, 2, 1):
        day = mine[f"{app_id}:due_soon:{band}:{due}"]
        assert cal.working_days_between(day, due) == band  # raised on the working day the band is reached
        assert cal.is_working_day(day)
    assert mine[f"{app_id}:due_today:0:{due}"] == due
    assert cal.working_days_between(mine[f"{app_id}:extension_decision:3:{due}"], due) == 3
    overdue = sorted(d for k, d in mine.items() if ":overdue:" in k)
    assert overdue == [date(2026, 3, 17), date(2026, 3, 18), date(2026, 3, 19), date(2026, 3, 20)]
    with w.session() as s:
        keys = s.exec(select(Alert.key).where(Alert.application_id == app_id)).all()
    assert len(keys) == len(set(keys)) == 3 + 1 + 1 + 4  # each exactly once across repeated sweeps


def test_no_alerts_counted_on_holidays_national_day(w):
    app_id = w.register(today="2026-09-21", channel_facts={"mail_received": "2026-09-21"})
    to_handling(w, app_id, today="2026-09-21")
    due = w.registry.calendar().add_working_days(date(2026, 9, 21), 20)
    first = walk(w, date(2026, 9, 21), due + timedelta(days=3))
    for key, day in first.items():
        if key.startswith(f"{app_id}:"):
            assert w.registry.calendar().is_working_day(day), (key, day)  # nothing new on 10/1–10/7


def test_paused_clock_raises_nothing(w):
    app_id = w.register(today="2026-03-02")
    to_handling(w, app_id)
    w.fire("clerk", app_id, "start_consultation", {"kind": "third_party", "party": "某公司", "party_received_on": "2026-03-03"},
           today="2026-03-03")
    first = walk(w, date(2026, 3, 23), date(2026, 3, 27))
    assert not [k for k in first if k.startswith(f"{app_id}:due") or k.startswith(f"{app_id}:overdue")]


def test_week_of_downtime_catches_up_with_legal_dates(w):
    a = w.register(today="2026-03-02")  # correction lapses during the downtime
    w.fire("clerk", a, "start_review")
    w.fire("clerk", a, "request_correction", {"items": ["请写明文件名称"], "period_days": 5,
                                                "notice_served_on": "2026-03-04"}, today="2026-03-04")
    period_end = w.registry.calendar().add_working_days(date(2026, 3, 4), 5)
    b = w.register(today="2026-03-02")  # a consultation lapses during the downtime
    to_handling(w, b)
    w.fire("clerk", b, "start_consultation", {"kind": "agency", "party": "财政局", "party_received_on": "2026-03-03"},
           today="2026-03-03")
    reply_due = w.registry.calendar().add_working_days(date(2026, 3, 3), 15)
    down = set(days(date(2026, 3, 5), date(2026, 3, 27)))
    walk(w, date(2026, 3, 4), date(2026, 3, 30), skip=down)
    app = w.app(a)
    assert app.status == "closed" and app.outcome == "no_correction" and app.concluded_on == period_end
    assert w.events(a)[-1].effective_date == period_end.isoformat() and w.events(a)[-1].role == "system"
    with w.session() as s:
        c = s.exec(select(Consultation).where(Consultation.application_id == b)).one()
        assert c.result == "consent" and c.reply_received_on == reply_due
        bands = s.exec(select(Alert.key).where(Alert.application_id == b, Alert.kind == "due_soon")).all()
        assert len(bands) <= 1  # stale bands are not raised after the downtime
        assert run_checks(s, w.registry, date(2026, 3, 30)) == []
    assert w.app(b).status == "handling"


def test_concurrent_sweeps_no_duplicates(db, registry):
    w = build_world(db, registry)
    ids = []
    for _ in range(6):
        app_id = w.register(today="2026-03-02")
        w.fire("clerk", app_id, "start_review")
        w.fire("clerk", app_id, "request_correction", {"items": ["补正"], "period_days": 5,
                                                          "notice_served_on": "2026-03-04"}, today="2026-03-04")
        ids.append(app_id)
    errors = []

    def go():
        try:
            run_sweep(lambda: Session(db, expire_on_commit=False), registry, date(2026, 3, 20), LETTERS)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    for app_id in ids:
        assert [e.name for e in w.events(app_id)].count("correction_lapsed") == 1
    with w.session() as s:
        keys = s.exec(select(Alert.key)).all()
        assert len(keys) == len(set(keys))
        assert all(a.status == "closed" for a in s.exec(select(Application)).all())
