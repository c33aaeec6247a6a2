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


SCHEDULE_WATCH_FROM = (11, 1)  # the State Council publishes next year's schedule around November


def next_year_missing(registry: CalendarRegistry, today: date) -> int | None:
    """Next year, when from 1 November its national schedule is still not loaded (deadlines running into
    it are provisional until it is); otherwise None."""
    if (today.month, today.day) < SCHEDULE_WATCH_FROM or registry.has_year(today.year + 1):
        return None
    return today.year + 1


def schedule_yaml(year: int, region: str, source: str, holidays: str, workdays: str) -> str:
    """The import format (README "Calendar data") from a form: one entry a line, ``2027-01-01 元旦`` or
    ``2027-02-06至2027-02-12 春节``; the import validates it like any file, with line numbers."""
    import re

    import yaml

    from calendars import CalendarFileInvalid

    def entries(text: str, what: str) -> list[dict]:
        out, problems = [], []
        for n, line in enumerate((x.strip() for x in text.splitlines()), 1):
            if not line:
                continue
            m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:\s*(?:至|到|~|～|—|-{1,2}(?=\d))\s*(\d{4}-\d{2}-\d{2}))?\s+(\S.*)", line)
            try:
                first, last = (date.fromisoformat(m[1]), date.fromisoformat(m[2]) if m[2] else None) if m else (None, None)
            except ValueError:
                m = None
            if not m:
                problems.append(f"{what}第{n}行格式不对：应为“2027-01-01 元旦”或“2027-02-06至2027-02-12 春节”（日期须存在）")
                continue
            out.append({"date": first, "name": m[3]} if last is None else {"from": first, "to": last, "name": m[3]})
        if problems:
            raise CalendarFileInvalid("表单", problems)
        return out

    data = {"year": year, "region": region, "source": source, "holidays": entries(holidays, "放假日期"),
            "workdays": entries(workdays, "调休上班日期")}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
