"""Remedy periods after service: 60 days to apply for 行政复议 (行政复议法 art 20), 6 months to sue
(行政诉讼法 art 46), a last day on a rest day or holiday moved to the next working day."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.remedy_periods import add_months, remedy_deadlines


def oracle_months(day: date, months: int) -> date:
    """Walk month by month, clamping to the month's last day by stepping back from the 1st after."""
    y, m = day.year, day.month
    for _ in range(months):
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    d = day.day
    while True:
        try:
            return date(y, m, d)
        except ValueError:
            d -= 1


def oracle_roll(cal, day: date) -> date:
    while not cal.is_working_day(day):
        day += timedelta(days=1)
    return day


@settings(max_examples=300, deadline=None)
@given(st.dates(date(2005, 1, 1), date(2025, 12, 31)))
def test_deadlines_match_a_day_by_day_oracle(registry, served):
    cal = registry.calendar("national")
    got = remedy_deadlines(registry, "national", served)
    assert got.review_by == oracle_roll(cal, served + timedelta(days=60))
    assert got.sue_by == oracle_roll(cal, oracle_months(served, 6))
    assert not got.provisional


def test_month_end_and_leap_day():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 7, 15), 6) == date(2027, 1, 15)


def test_last_day_in_the_national_day_holiday_moves_past_it(registry):
    """Served 2 August 2026: day 60 is 1 October (国庆节), so the period ends on the first working day after."""
    got = remedy_deadlines(registry, "national", date(2026, 8, 2))
    assert got.review_by > date(2026, 10, 1) and registry.calendar().is_working_day(got.review_by)
    assert all(not registry.calendar().is_working_day(date(2026, 10, 1) + timedelta(days=i))
               for i in range((got.review_by - date(2026, 10, 1)).days))


def test_a_year_without_its_schedule_is_flagged_provisional(registry):
    got = remedy_deadlines(registry, "national", date(2026, 12, 1))
    assert got.provisional and got.review_by == date(2027, 2, 1) and got.sue_by == date(2027, 6, 1)
