"""The 2025 and 2026 schedules in spec deadlines.md §1, checked against the loaded calendar."""

from datetime import date, timedelta

import pytest

from calendars import CalendarNotAvailable


def _days(a: str, b: str) -> list[date]:
    start, end = date.fromisoformat(a), date.fromisoformat(b)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


FACTS = {
    2025: {
        "notice": "国办发明电〔2024〕12号",
        "holidays": [("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-06"),
                     ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"), ("2025-10-01", "2025-10-08")],
        "workdays": ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    },
    2026: {
        "notice": "国办发明电〔2025〕7号",
        "holidays": [("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
                     ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
                     ("2026-10-01", "2026-10-07")],
        "workdays": ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
    },
}


@pytest.mark.parametrize("year", sorted(FACTS))
def test_year_matches_the_official_notice(registry, year):
    cal = registry.calendar()
    facts = FACTS[year]
    holidays = {d for a, b in facts["holidays"] for d in _days(a, b)}
    workdays = {date.fromisoformat(d) for d in facts["workdays"]}
    for day in _days(f"{year}-01-01", f"{year}-12-31"):
        expected = day in workdays or (day.weekday() < 5 and day not in holidays)
        assert cal.is_working_day(day) is expected, day
    assert all(d.weekday() >= 5 for d in workdays)
    assert registry.schedule(year).source == facts["notice"]


def test_holiday_names_are_chinese(registry):
    cal = registry.calendar()
    assert cal.day_info(date(2026, 2, 17)).name == "春节"
    assert cal.day_info(date(2026, 10, 1)).name == "国庆节"
    assert cal.day_info(date(2026, 2, 14)).kind == "adjusted_workday"
    assert cal.day_info(date(2026, 2, 14)).name == "春节调休上班"
    assert cal.day_info(date(2026, 3, 7)).name == "周末"


def test_package_years_are_detected_not_assumed(registry):
    years = [r.year for r in registry.years() if r.region == "national"]
    assert years[0] == 2004 and 2026 in years
    assert years == sorted(set(years))


def test_unknown_year_raises_naming_the_year(registry):
    cal = registry.calendar()
    with pytest.raises(CalendarNotAvailable) as exc:
        cal.add_working_days(date(2026, 12, 20), 20)
    assert exc.value.year == 2027
    assert "2027" in str(exc.value)
    with pytest.raises(CalendarNotAvailable) as exc:
        cal.is_working_day(date(2003, 6, 2))
    assert exc.value.year == 2003
    with pytest.raises(CalendarNotAvailable):
        cal.working_days_between(date(2026, 12, 1), date(2027, 1, 10))


def test_provisional_is_only_on_request_and_flagged(registry):
    cal = registry.calendar(provisional=True)
    # No 2027 schedule: Mon–Fri, less the fixed-date statutory holidays (元旦 is Friday 1 January)
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert cal.span_is_provisional(date(2026, 12, 20), date(2027, 1, 5))
    assert not cal.span_is_provisional(date(2026, 2, 1), date(2026, 3, 5))
    assert cal.day_info(date(2027, 1, 4)).provisional
    # Known years stay exact in provisional mode
    assert cal.add_working_days(date(2026, 2, 13), 20) == date(2026, 3, 19)


@pytest.mark.parametrize("day, name", [
    (date(2027, 1, 1), "元旦"), (date(2027, 5, 1), "劳动节"), (date(2027, 5, 2), "劳动节"),
    (date(2027, 10, 1), "国庆节"), (date(2027, 10, 2), "国庆节"), (date(2027, 10, 3), "国庆节"),
])
def test_provisional_year_keeps_the_fixed_date_statutory_holidays(registry, day, name):
    """《全国年节及纪念日放假办法》 fixes 元旦 1/1, 劳动节 5/1–5/2 and 国庆节 10/1–10/3 by date: known before
    the year's schedule is published, so a provisional calendar never counts them as working days."""
    cal = registry.calendar(provisional=True)
    info = cal.day_info(day)
    assert (info.working, info.kind, info.name, info.provisional) == (False, "holiday", name, True)
    assert not cal.is_working_day(day)


def test_provisional_count_skips_national_day_week_and_flags_it(registry):
    """A count through 2027's 国庆节 on a provisional calendar skips 10/1 (Fri); weekdays 10/4– count."""
    cal = registry.calendar(provisional=True)
    assert cal.add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 4)
    notes = [d.note for d in cal.explain(date(2027, 9, 30), date(2027, 10, 4))]
    assert notes[1] == "不计：国庆节（暂定：该年官方安排未载入）"
