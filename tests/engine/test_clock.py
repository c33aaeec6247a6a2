"""The answer clock: the worked examples of deadlines.md §2 and a day-by-day oracle (2005–2026)."""

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars import CalendarNotAvailable
from engine import clock
from engine.clock import ClockSpec, Pause

D = date.fromisoformat


@pytest.mark.parametrize(
    "received, limit, extension, due",
    [
        ("2026-02-13", 20, 0, "2026-03-19"),  # Sat 2/14 counts; 2/15–2/23 holiday; Sat 2/28 counts
        ("2026-02-13", 7, 0, "2026-03-02"),  # correction notice window
        ("2026-09-30", 20, 0, "2026-11-03"),
        ("2026-03-15", 20, 0, "2026-04-14"),  # e-mail on Sunday: day 0 is Monday 3/16
        ("2026-02-13", 20, 20, "2026-04-17"),  # extended by 20
    ],
)
def test_worked_examples(registry, received, limit, extension, due):
    state = clock.compute(registry.calendar(), ClockSpec(D(received), limit, extension=extension))
    assert state.due == D(due)
    assert not state.provisional


def test_sunday_mail_rolls_day0_but_not_when_disabled(registry):
    cal = registry.calendar()
    state = clock.compute(cal, ClockSpec(D("2026-03-15")))
    assert state.day0 == D("2026-03-16")
    no_roll = clock.compute(cal, ClockSpec(D("2026-03-15"), roll_non_working=False))
    assert no_roll.day0 == D("2026-03-15")
    assert no_roll.due == D("2026-04-13")


def test_pause_keeps_its_first_day_and_skips_through_its_end(registry):
    cal = registry.calendar()
    # (2/26, 3/5]: 2/27, Sat 2/28 (working), 3/2–3/5 → 6 working days not counted
    spec = ClockSpec(D("2026-02-13"), pauses=(Pause(D("2026-02-26"), D("2026-03-05"), "征求第三方意见"),))
    state = clock.compute(cal, spec)
    assert state.due == cal.add_working_days(D("2026-03-19"), 6) == D("2026-03-27")
    rows = clock.explain(cal, spec, state)
    by_date = {r["date"]: r for r in rows}
    assert by_date["2026-02-26"]["counted"] is not None
    assert by_date["2026-02-27"]["counted"] is None and "征求第三方意见" in by_date["2026-02-27"]["note"]
    assert by_date["2026-03-06"]["counted"] == by_date["2026-02-26"]["counted"] + 1


def test_open_pause_means_no_due_date_but_days_left(registry):
    cal = registry.calendar()
    spec = ClockSpec(D("2026-02-13"), pauses=(Pause(D("2026-02-26"), None, "征求意见"),))
    state = clock.compute(cal, spec)
    assert state.paused and state.due is None
    counted = cal.working_days_between(D("2026-02-13"), D("2026-02-26"))
    assert state.left_when_paused == 20 - counted
    st_ = clock.status(cal, state, D("2026-03-20"))
    assert st_.days_left == 20 - counted and not st_.overdue
    assert "已暂停" in st_.summary_zh


def test_restart_after_correction(registry):
    cal = registry.calendar()
    state = clock.compute(cal, ClockSpec(D("2026-02-13"), restart=D("2026-03-02")))
    assert state.day0 == D("2026-03-02")
    assert state.due == cal.add_working_days(D("2026-03-02"), 20)


def test_later_due_date_art35_never_earlier(registry):
    cal = registry.calendar()
    later = clock.compute(cal, ClockSpec(D("2026-02-13"), later_due=D("2026-05-29")))
    assert later.due == D("2026-05-29") and later.computed_due == D("2026-03-19") and later.later_due_applied
    earlier = clock.compute(cal, ClockSpec(D("2026-02-13"), later_due=D("2026-03-01")))
    assert earlier.due == D("2026-03-19")


@pytest.mark.parametrize(
    "today, left, light, overdue",
    [
        ("2026-03-05", 10, "green", False),
        ("2026-03-12", 5, "yellow", False),
        ("2026-03-16", 3, "yellow", False),
        ("2026-03-17", 2, "orange", False),
        ("2026-03-18", 1, "orange", False),
        ("2026-03-19", 0, "red", False),
        ("2026-03-20", -1, "red", True),
        ("2026-03-23", -2, "red", True),
    ],
)
def test_days_left_and_traffic_light(registry, today, left, light, overdue):
    cal = registry.calendar()
    state = clock.compute(cal, ClockSpec(D("2026-02-13")))
    status = clock.status(cal, state, D(today))
    assert (status.days_left, status.light, status.overdue) == (left, light, overdue)


def test_configurable_thresholds(registry):
    cal = registry.calendar()
    state = clock.compute(cal, ClockSpec(D("2026-02-13")))
    lights = clock.TrafficLights(yellow=10, orange=4)
    assert clock.status(cal, state, D("2026-03-05"), lights).light == "yellow"
    assert clock.status(cal, state, D("2026-03-13"), lights).light == "orange"


def test_explanation_lists_every_day_with_reasons(registry):
    cal = registry.calendar()
    spec = ClockSpec(D("2026-02-13"))
    rows = clock.explain(cal, spec, clock.compute(cal, spec))
    assert rows[0]["date"] == "2026-02-13" and "第0日" in rows[0]["note"]
    notes = {r["date"]: r["note"] for r in rows}
    assert notes["2026-02-14"].startswith("计入：调休上班")
    assert "春节" in notes["2026-02-17"]
    assert "周末" in notes["2026-03-07"]
    assert rows[-1]["date"] == "2026-03-19" and rows[-1]["counted"] == 20 and "期限届满日" in rows[-1]["note"]


def test_extension_days_are_marked_in_the_explanation(registry):
    cal = registry.calendar()
    spec = ClockSpec(D("2026-02-13"), extension=20)
    rows = clock.explain(cal, spec, clock.compute(cal, spec))
    assert rows[-1]["counted"] == 40 and "延长期限第20日" in rows[-1]["note"]


def test_unknown_year_and_provisional(registry):
    spec = ClockSpec(D("2026-12-10"))
    with pytest.raises(CalendarNotAvailable) as exc:
        clock.compute(registry.calendar(), spec)
    assert exc.value.year == 2027
    state = clock.compute(registry.calendar(provisional=True), spec)
    assert state.provisional and state.due.year == 2027
    assert not clock.compute(registry.calendar(provisional=True), ClockSpec(D("2026-02-13"))).provisional


# ---- property tests against a day-by-day oracle ----------------------------------------------------


@lru_cache(maxsize=None)
def W(day: date) -> bool:
    return chinese_calendar.is_workday(day)  # NotImplementedError outside the package's years


def oracle(received, limit, pauses, restart, extension, roll=True):
    """Walk day by day. Returns (due, None) or (None, left) for an open pause."""
    day0 = restart or received
    if roll:
        while not W(day0):
            day0 += timedelta(days=1)
    total, count, day = limit + extension, 0, day0
    while count < total:
        if any(e is None and day >= max(b, day0) for b, e in pauses):
            return None, total - count
        day += timedelta(days=1)
        excluded = any(b < day and (e is None or day <= e) for b, e in pauses)
        if W(day) and not excluded:
            count += 1
    return day, None


START = st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 8, 31))


@st.composite
def clock_cases(draw):
    received = draw(START)
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        b = received + timedelta(days=draw(st.integers(-5, 60)))
        e = b + timedelta(days=draw(st.integers(0, 25)))
        pauses.append((b, e))
    if draw(st.booleans()) and draw(st.booleans()):
        pauses.append((received + timedelta(days=draw(st.integers(0, 40))), None))
    restart = received + timedelta(days=draw(st.integers(1, 30))) if draw(st.booleans()) else None
    return received, draw(st.sampled_from([7, 15, 20])), pauses, restart, draw(st.integers(0, 20)), draw(st.booleans())


@given(clock_cases())
@settings(max_examples=1500, deadline=None)
def test_clock_matches_day_by_day_oracle(registry, case):
    received, limit, pauses, restart, extension, roll = case
    spec = ClockSpec(received, limit, tuple(Pause(b, e) for b, e in pauses), restart, extension, None, roll)
    try:
        expected_due, expected_left = oracle(received, limit, pauses, restart, extension, roll)
    except NotImplementedError:
        with pytest.raises(CalendarNotAvailable):
            clock.compute(registry.calendar(), spec)
        return
    state = clock.compute(registry.calendar(), spec)
    assert state.due == expected_due
    if expected_due is None:
        assert state.left_when_paused == expected_left
    else:
        rows = clock.explain(registry.calendar(), spec, state)
        assert max(r["counted"] or 0 for r in rows) == limit + extension
