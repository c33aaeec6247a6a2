"""Working-day calendar: official schedules, regional layers, fast arithmetic (spec deadlines.md §1)."""

from .errors import CalendarError, CalendarFileInvalid, CalendarNotAvailable, UnknownRegion
from .registry import CalendarRegistry, ImportResult, YearSource, next_year_missing
from .schedule import NATIONAL, DayEntry, YearSchedule
from .working import DayInfo, ExplainedDay, WorkingCalendar

__all__ = [
    "NATIONAL",
    "CalendarError",
    "CalendarFileInvalid",
    "CalendarNotAvailable",
    "CalendarRegistry",
    "DayEntry",
    "DayInfo",
    "ExplainedDay",
    "ImportResult",
    "UnknownRegion",
    "WorkingCalendar",
    "YearSchedule",
    "YearSource",
    "next_year_missing",
]
