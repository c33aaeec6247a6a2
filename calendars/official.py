"""National schedules from the chinese-calendar package, for the years it covers."""

from __future__ import annotations

from importlib.metadata import version

from chinese_calendar import constants

from .schedule import NATIONAL, DayEntry, YearSchedule

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

# The notices we have checked by hand (spec deadlines.md §1); other years name the notice generically.
KNOWN_NOTICES = {
    2025: "国办发明电〔2024〕12号",
    2026: "国办发明电〔2025〕7号",
}


def _name_zh(value: object) -> str:
    text = getattr(value, "value", value)
    return HOLIDAY_NAMES_ZH.get(str(text), str(text))


def package_schedules() -> dict[int, YearSchedule]:
    """Every year the installed chinese-calendar knows, checked at start-up rather than assumed."""
    origin = f"chinese-calendar {version('chinese-calendar')}"
    years = sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})
    out: dict[int, YearSchedule] = {}
    for year in years:
        source = KNOWN_NOTICES.get(year, f"国务院办公厅关于{year}年部分节假日安排的通知")
        out[year] = YearSchedule(year=year, region=NATIONAL, source=source, origin=origin, region_name="全国")
    for day, value in constants.holidays.items():
        sched = out[day.year]
        sched.holidays[day] = DayEntry(day, _name_zh(value), sched.source)
    for day, value in constants.workdays.items():
        sched = out[day.year]
        sched.workdays[day] = DayEntry(day, f"{_name_zh(value)}调休上班", sched.source)
    return out
