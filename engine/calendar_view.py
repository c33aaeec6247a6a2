"""A readable view of one year's schedule (CLI ``ogi calendar show`` and ``GET /calendar/{year}``)."""

from __future__ import annotations

from datetime import date, timedelta

from calendars import CalendarNotAvailable, CalendarRegistry
from calendars.working import WEEKDAY_ZH


def _periods(entries: dict) -> list[dict]:
    """Group consecutive days of the same holiday into periods (春节 2/15 至 2/23, 9天)."""
    periods: list[dict] = []
    for day in sorted(entries):
        entry = entries[day]
        last = periods[-1] if periods else None
        if last and last["name"] == entry.name and date.fromisoformat(last["to"]) + timedelta(days=1) == day:
            last["to"] = day.isoformat()
            last["days"] += 1
        else:
            periods.append({"name": entry.name, "from": day.isoformat(), "to": day.isoformat(), "days": 1,
                            "source": entry.source})
    return periods


def year_view(registry: CalendarRegistry, year: int, region: str | None = None) -> dict:
    region = registry.check_region(region)
    national = registry.schedule(year)
    if national is None:
        raise CalendarNotAvailable(year, region)
    layer = registry.schedule(year, region) if region != "national" else None
    cal = registry.calendar(region)
    start, end = date(year, 1, 1), date(year, 12, 31)
    holidays = dict(national.holidays)
    workdays = dict(national.workdays)
    if layer:
        holidays.update(layer.holidays)
        workdays.update(layer.workdays)
    return {
        "year": year,
        "region": region,
        "region_name": registry.region_names.get(region, region),
        # A region without this year's layer: shown on the national schedule, flagged as provisional.
        "provisional": cal.year_is_provisional(year),
        "source": national.source + (f"；地区层：{layer.source}" if layer else ""),
        "origin": national.origin + (f"；{layer.origin}" if layer else ""),
        "holiday_periods": _periods(holidays),
        "holidays": [
            {"date": d.isoformat(), "weekday": WEEKDAY_ZH[d.weekday()], "name": e.name, "source": e.source}
            for d, e in sorted(holidays.items())
        ],
        "workdays": [
            {"date": d.isoformat(), "weekday": WEEKDAY_ZH[d.weekday()], "name": e.name, "source": e.source}
            for d, e in sorted(workdays.items())
        ],
        "working_days": cal.working_days_between(start - timedelta(days=1), end) if year - 1 in cal.known_years
        else sum(1 for i in range((end - start).days + 1) if cal.is_working_day(start + timedelta(days=i))),
    }
