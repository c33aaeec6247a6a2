"""The fast arithmetic against a day-by-day oracle built on chinese_calendar itself, 2005–2026."""

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars import CalendarNotAvailable

DAYS = st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 12, 31))


@lru_cache(maxsize=None)
def oracle_is_working(day: date) -> bool:
    return chinese_calendar.is_workday(day)


def oracle_add(day: date, n: int) -> date:
    count = 0
    while count < n:
        day += timedelta(days=1)
        if oracle_is_working(day):  # raises NotImplementedError past the covered years
            count += 1
    return day


@given(DAYS)
@settings(max_examples=2000, deadline=None)  # the first example builds the calendar
def test_is_working_day(registry, day):
    assert registry.calendar().is_working_day(day) == oracle_is_working(day)


@given(DAYS, st.integers(min_value=0, max_value=120))
@settings(max_examples=1500, deadline=None)  # the first example builds the calendar
def test_nth_working_day_after(registry, day, n):
    cal = registry.calendar()
    try:
        expected = oracle_add(day, n)
    except NotImplementedError:
        try:
            cal.add_working_days(day, n)
        except CalendarNotAvailable as exc:
            assert exc.year == 2027
            return
        raise AssertionError("expected CalendarNotAvailable")
    assert cal.add_working_days(day, n) == expected


@given(DAYS, DAYS)
@settings(max_examples=1000, deadline=None)  # the first example builds the calendar
def test_working_days_between(registry, a, b):
    lo, hi = min(a, b), max(a, b)
    expected = sum(1 for i in range(1, (hi - lo).days + 1) if oracle_is_working(lo + timedelta(days=i)))
    cal = registry.calendar()
    assert cal.working_days_between(lo, hi) == expected
    assert cal.working_days_between(hi, lo) == -expected


@given(DAYS, st.integers(min_value=1, max_value=60))
def test_add_and_count_agree(registry, day, n):
    cal = registry.calendar()
    try:
        due = cal.add_working_days(day, n)
    except CalendarNotAvailable:
        return
    assert cal.working_days_between(day, due) == n
    assert cal.is_working_day(due)


@given(DAYS)
def test_roll_forward(registry, day):
    cal = registry.calendar()
    try:
        rolled = cal.roll_forward(day)
    except CalendarNotAvailable:
        return
    assert cal.is_working_day(rolled)
    assert all(not oracle_is_working(day + timedelta(days=i)) for i in range((rolled - day).days))


@given(DAYS, DAYS)
@settings(max_examples=200, deadline=None)  # the first example builds the calendar
def test_explain_counts_like_the_arithmetic(registry, a, b):
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days > 400:
        hi = lo + timedelta(days=400)
    cal = registry.calendar()
    rows = cal.explain(lo, hi)
    counted = [r.counted for r in rows if r.counted is not None]
    assert counted == list(range(1, cal.working_days_between(lo, hi) + 1))
    assert len(rows) == (hi - lo).days + 1
