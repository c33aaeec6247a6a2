"""The working-day calendar of one region: fast arithmetic over precomputed working days.

Each contiguous run of known years is a *segment* holding the sorted ordinals of its working days;
every question is answered with ``bisect`` and index arithmetic, never by walking day by day.
A computation that leaves the known years raises ``CalendarNotAvailable`` naming the first missing
year, unless the calendar was built provisional (unknown years treated as Monday–Friday working, less
the fixed-date statutory holidays, and every answer touching them flagged).

A regional calendar whose region has layers for some years but not for a year the national schedule
covers computes that year on the national schedule alone and flags every answer touching it as
provisional (``layer_missing_years``): the region may add holidays we do not know about. A layer
stating ``no_extra_holidays: true`` makes the year known.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import CalendarNotAvailable
from .schedule import NATIONAL, YearSchedule

WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
PROVISIONAL_YEARS = range(1990, 2100)  # the span a provisional calendar fills with Mon–Fri weeks
# 《全国年节及纪念日放假办法》 (as amended 2024, in force 2025) fixes these statutory holidays by date, so a
# provisional year still knows them; the lunar ones (春节, 清明, 端午, 中秋) and 调休 need the year's notice.
FIXED_STATUTORY_HOLIDAYS = {
    (1, 1): "元旦", (5, 1): "劳动节", (5, 2): "劳动节", (10, 1): "国庆节", (10, 2): "国庆节", (10, 3): "国庆节",
}
_fromordinal = date.fromordinal


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    kind: str  # "workday" | "weekend" | "holiday" | "adjusted_workday"
    name: str  # Chinese, e.g. 春节, 周末, 春节调休上班
    provisional: bool = False


@dataclass(frozen=True)
class ExplainedDay:
    day: date
    weekday: str
    counted: int | None  # its number in the count, or None when skipped / day 0
    note: str  # why it is skipped, or what it is (调休上班, 第0日 …)

    def as_dict(self) -> dict:
        return {"date": self.day.isoformat(), "weekday": self.weekday, "counted": self.counted, "note": self.note}


@dataclass(frozen=True)
class _Segment:
    start: int  # ordinal of 1 January of the first year
    end: int  # ordinal of 1 January after the last year (exclusive)
    first_year: int
    last_year: int
    ords: list[int]


class WorkingCalendar:
    def __init__(
        self,
        region: str,
        national: Mapping[int, YearSchedule],
        layer: Mapping[int, YearSchedule] | None = None,
        *,
        provisional: bool = False,
    ) -> None:
        self.region = region
        self.known_years = frozenset(national)
        self.provisional = provisional
        self.national = dict(national)
        self.layer = dict(layer or {})
        # National years with no layer for this region: computed, but never as settled answers.
        self.layer_missing_years = frozenset(
            year for year in self.known_years if region != NATIONAL and year not in self.layer)
        self._holidays: dict[date, str] = {}
        self._workdays: dict[date, str] = {}
        for schedules in (self.national, self.layer):
            for sched in schedules.values():
                for day, entry in sched.holidays.items():
                    self._holidays[day] = entry.name
                    self._workdays.pop(day, None)
                for day, entry in sched.workdays.items():
                    self._workdays[day] = entry.name
                    self._holidays.pop(day, None)
        years = set(self.known_years) | (set(PROVISIONAL_YEARS) if provisional else set())
        self._segments = self._build_segments(sorted(years))
        self._single = self._segments[0] if len(self._segments) == 1 else None

    # -- construction -------------------------------------------------------------------------------
    def _build_segments(self, years: list[int]) -> list[_Segment]:
        runs: list[list[int]] = []
        for year in years:
            if runs and runs[-1][-1] == year - 1:
                runs[-1].append(year)
            else:
                runs.append([year])
        segments = []
        for run in runs:
            start, end = date(run[0], 1, 1).toordinal(), date(run[-1] + 1, 1, 1).toordinal()
            ords = [o for o in range(start, end) if self._is_working_ordinal(o)]
            segments.append(_Segment(start, end, run[0], run[-1], ords))
        return segments

    def _is_working_ordinal(self, o: int) -> bool:
        day = _fromordinal(o)
        if day in self._workdays:
            return True
        if day in self._holidays or self._fixed_holiday(day):
            return False
        return day.weekday() < 5

    def _fixed_holiday(self, day: date) -> str | None:
        """The fixed-date statutory holiday on ``day`` in a year without its official schedule."""
        if day.year in self.known_years:
            return None
        return FIXED_STATUTORY_HOLIDAYS.get((day.month, day.day))

    # -- lookup -------------------------------------------------------------------------------------
    def _segment(self, o: int) -> _Segment:
        seg = self._single
        if seg is not None and seg.start <= o < seg.end:
            return seg
        for seg in self._segments:
            if seg.start <= o < seg.end:
                return seg
        raise CalendarNotAvailable(_fromordinal(o).year, self.region)

    @property
    def years(self) -> list[int]:
        return sorted(self.known_years)

    def year_is_provisional(self, year: int) -> bool:
        """A year computed without its complete official data: no national schedule (provisional
        calendars only), or the national schedule without this region's layer."""
        return year in self.layer_missing_years or (self.provisional and year not in self.known_years)

    def span_is_provisional(self, first: date, last: date) -> bool:
        """True when any day in [first, last] lies in a year without complete official data."""
        lo, hi = min(first, last), max(first, last)
        return any(self.year_is_provisional(y) for y in range(lo.year, hi.year + 1))

    # -- arithmetic ---------------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        o = day.toordinal()
        seg = self._segment(o)
        i = bisect_right(seg.ords, o)
        return i > 0 and seg.ords[i - 1] == o

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (``day`` itself is never counted); n = 0 gives ``day``."""
        if n <= 0:
            if n == 0:
                return day
            raise ValueError("n must be >= 0")
        o = day.toordinal()
        seg = self._single
        if seg is None or not seg.start <= o < seg.end:
            seg = self._segment(o)
        ords = seg.ords
        i = bisect_right(ords, o) + n - 1
        if i >= len(ords):
            raise CalendarNotAvailable(seg.last_year + 1, self.region)
        return _fromordinal(ords[i])

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the half-open range (start, end]; negative when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        a, b = start.toordinal(), end.toordinal()
        seg = self._segment(a)
        if b >= seg.end:
            raise CalendarNotAvailable(seg.last_year + 1, self.region)
        return bisect_right(seg.ords, b) - bisect_right(seg.ords, a)

    def roll_forward(self, day: date) -> date:
        """``day`` when it is a working day, otherwise the next working day."""
        if self.is_working_day(day):
            return day
        return self.add_working_days(day, 1)

    # -- description --------------------------------------------------------------------------------
    def day_info(self, day: date) -> DayInfo:
        self._segment(day.toordinal())  # raises for an unknown year
        provisional = self.year_is_provisional(day.year)
        if day in self._workdays:
            return DayInfo(day, True, "adjusted_workday", self._workdays[day], provisional)
        if day in self._holidays:
            return DayInfo(day, False, "holiday", self._holidays[day], provisional)
        fixed = self._fixed_holiday(day)
        if fixed:
            return DayInfo(day, False, "holiday", fixed, provisional)
        if day.weekday() >= 5:
            return DayInfo(day, False, "weekend", "周末", provisional)
        return DayInfo(day, True, "workday", "工作日", provisional)

    def explain(
        self,
        start: date,
        end: date,
        excluded: Iterable[tuple[date, date | None, str]] = (),
        first_number: int = 1,
    ) -> list[ExplainedDay]:
        """Each day of [start, end]: counted (with its number) or skipped and why.

        ``excluded`` are pauses ``(begins, ends, reason)``: working days in (begins, ends] are not
        counted (the day a pause begins still counts); ``ends`` None means still paused.
        """
        if end < start:
            return []
        if (end - start).days > 3660:
            raise ValueError("explanation range too long")
        pauses = list(excluded)
        out: list[ExplainedDay] = []
        n = first_number - 1
        day = start
        out.append(ExplainedDay(day, WEEKDAY_ZH[day.weekday()], None, "第0日（起算日，不计入）"))
        while day < end:
            day += timedelta(days=1)
            info = self.day_info(day)
            weekday = WEEKDAY_ZH[day.weekday()]
            reason = next(
                (r for (b, e, r) in pauses if b < day and (e is None or day <= e)),
                None,
            )
            suffix = ""
            if info.provisional:
                suffix = ("（暂定：该年地区放假安排未载入，仅按全国安排）" if day.year in self.layer_missing_years
                          else "（暂定：该年官方安排未载入）")
            if not info.working:
                out.append(ExplainedDay(day, weekday, None, f"不计：{info.name}{suffix}"))
            elif reason is not None:
                out.append(ExplainedDay(day, weekday, None, f"不计：暂停计算（{reason}）{suffix}"))
            else:
                n += 1
                note = "计入：调休上班" if info.kind == "adjusted_workday" else "计入"
                out.append(ExplainedDay(day, weekday, n, note + suffix))
        return out

