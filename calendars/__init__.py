"""Working-day calendar: official schedules, regional layers, fast arithmetic (spec deadlines.md §1)."""

from .errors import CalendarError, CalendarFileInvalid, CalendarNotAvailable, UnknownRegion
from .datafile import read_calendar_file
from .registry import CalendarRegistry, ImportedYear, YearSource, next_year_missing
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
    "ImportedYear",
    "UnknownRegion",
    "WorkingCalendar",
    "YearSchedule",
    "YearSource",
    "next_year_missing",
    "read_calendar_file",
]
