"""One year's official schedule for one region: holidays and declared working days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

NATIONAL = "national"


@dataclass(frozen=True)
class DayEntry:
    day: date
    name: str  # Chinese name, e.g. 春节 (holiday) or 春节调休 (declared working day)
    source: str  # the document that fixed it, e.g. 国办发明电〔2025〕7号


@dataclass
class YearSchedule:
    """Holidays and weekend working days of one year.

    For the national calendar this is the whole schedule; for a regional layer it is what the region
    adds on top of the national one (extra holidays, rarely extra working days).
    """

    year: int
    region: str
    source: str
    origin: str  # where the data came from: the package, a shipped file, an imported file
    region_name: str = ""
    holidays: dict[date, DayEntry] = field(default_factory=dict)
    workdays: dict[date, DayEntry] = field(default_factory=dict)
    # A regional layer stating explicitly that the region adds nothing this year (``no_extra_holidays:
    # true``): the year is known for the region, not merely missing.
    no_extra_holidays: bool = False
