"""救济期限: after the letter that decides an application is served, the applicant has 60 days to apply
for 行政复议 (行政复议法 2023 art 20) and 6 months to sue (行政诉讼法 art 46). Both run from the day after
service; a period whose last day is a rest day or holiday ends on the next working day (民事诉讼法's rule
on periods, applied by 行政复议法 art 88 and 行政诉讼法 art 101)."""

from __future__ import annotations

import calendar as _months
from dataclasses import dataclass
from datetime import date, timedelta

from calendars import CalendarNotAvailable, CalendarRegistry

REVIEW_DAYS = 60
SUIT_MONTHS = 6
# The letters that decide the application (and so carry the remedies paragraph), with the words the
# paragraph uses for them: the reply, and the notice ending a case deemed abandoned (art 30; 109号).
DECIDING_LETTERS = {"reply": "本答复", "termination_notice": "本告知"}


@dataclass(frozen=True)
class RemedyDeadlines:
    review_by: date  # last day to apply for 行政复议
    sue_by: date  # last day to bring an administrative lawsuit
    provisional: bool  # a last day fell in a year whose holiday schedule is not loaded yet

    def as_dict(self) -> dict:
        return {"review_by": self.review_by.isoformat(), "sue_by": self.sue_by.isoformat(),
                "provisional": self.provisional}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it has no such day (8-31 → 2-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _months.monthrange(year, month)[1]))


def remedy_deadlines(registry: CalendarRegistry, region: str, served_on: date) -> RemedyDeadlines:
    review = served_on + timedelta(days=REVIEW_DAYS)
    suit = add_months(served_on, SUIT_MONTHS)
    try:
        cal = registry.calendar(region)
        review_by, sue_by = cal.roll_forward(review), cal.roll_forward(suit)
        return RemedyDeadlines(review_by, sue_by, cal.span_is_provisional(served_on, sue_by))
    except CalendarNotAvailable:
        cal = registry.calendar(region, provisional=True)
        return RemedyDeadlines(cal.roll_forward(review), cal.roll_forward(suit), True)
