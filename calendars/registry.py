"""Where calendars come from: the package, the project's data files, and years an operator imported.

Layers, later ones winning for the same region and year:
1. chinese-calendar (national, the years the installed version covers);
2. ``calendars/data/`` shipped with the project (corrections, years the package lacks, regions);
3. years imported by an operator (``ogi calendar import``, the admin API). The engine keeps them in
   the database and hands them over as ``ImportedYear`` texts: this package never reads a database,
   so every process building a registry from the same rows computes the same deadlines.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .datafile import parse_calendar_text, read_calendar_file
from .errors import CalendarFileInvalid, UnknownRegion
from .official import package_schedules
from .schedule import NATIONAL, YearSchedule
from .working import WorkingCalendar

SHIPPED_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class YearSource:
    year: int
    region: str
    region_name: str
    origin: str
    source: str
    holidays: int
    workdays: int
    no_extra_holidays: bool = False  # a regional layer stating the region adds nothing that year


@dataclass(frozen=True)
class ImportedYear:
    """One year's schedule as an operator imported it: the YAML text, and where it came from."""

    text: str
    origin: str  # shown by ``ogi calendar years``, e.g. "数据库导入 #12（2026-11-20，张三）"


class CalendarRegistry:
    """All known schedules; builds (and caches) one ``WorkingCalendar`` per region and mode.

    A registry never changes once built: when the imported years change, the engine builds a new one.
    """

    def __init__(self, imported: Iterable[ImportedYear] = (), shipped_dir: Path = SHIPPED_DIR) -> None:
        self.shipped_dir = shipped_dir
        self._building = threading.Lock()
        national: dict[int, YearSchedule] = package_schedules()
        regions: dict[str, dict[int, YearSchedule]] = {}
        region_names: dict[str, str] = {NATIONAL: "全国"}
        shipped = sorted(shipped_dir.rglob("*.yaml")) if shipped_dir.is_dir() else []
        layers = [(read_calendar_file(path), str(path)) for path in shipped]
        layers += [(year.text, year.origin) for year in imported]
        # A regional layer is validated against its year's national holidays: national layers first.
        parsed = [parse_calendar_text(text, origin) for text, origin in layers]
        for sched in [s for s in parsed if s.region == NATIONAL]:
            national[sched.year] = sched
        for (text, origin), sched in zip(layers, parsed):
            if sched.region != NATIONAL:
                year = national.get(sched.year)
                sched = parse_calendar_text(text, origin, set(year.holidays) if year else None)
                regions.setdefault(sched.region, {})[sched.year] = sched
                region_names[sched.region] = sched.region_name
        self.national, self.regions, self.region_names = national, regions, region_names
        self._cache: dict[tuple[str, bool], WorkingCalendar] = {}

    # -- queries ------------------------------------------------------------------------------------
    def region_codes(self) -> list[str]:
        return [NATIONAL, *sorted(self.regions)]

    def check_region(self, region: str | None) -> str:
        region = region or NATIONAL
        if region != NATIONAL and region not in self.regions:
            raise UnknownRegion(region, self.region_codes())
        return region

    def calendar(self, region: str | None = None, provisional: bool = False) -> WorkingCalendar:
        region = self.check_region(region)
        key = (region, provisional)
        cal = self._cache.get(key)
        if cal is None:
            with self._building:  # threads asking at once build it once (it takes ~0.1 s)
                cal = self._cache.get(key)
                if cal is None:
                    cal = WorkingCalendar(region, self.national, self.regions.get(region), provisional=provisional)
                    self._cache[key] = cal
        return cal

    def warm(self) -> None:
        """Build every region's calendars now (a server does this before taking requests)."""
        for region in self.region_codes():
            for provisional in (False, True):
                self.calendar(region, provisional)

    def years(self) -> list[YearSource]:
        rows = []
        for region in self.region_codes():
            schedules = self.national if region == NATIONAL else self.regions[region]
            for year, s in sorted(schedules.items()):
                rows.append(
                    YearSource(year, region, self.region_names.get(region, region), s.origin, s.source,
                               len(s.holidays), len(s.workdays), s.no_extra_holidays)
                )
        return rows

    def schedule(self, year: int, region: str | None = None) -> YearSchedule | None:
        region = self.check_region(region)
        return (self.national if region == NATIONAL else self.regions[region]).get(year)

    def has_year(self, year: int) -> bool:
        return year in self.national

    # -- validating an import ------------------------------------------------------------------------
    def validate_text(self, text: str, origin: str) -> YearSchedule:
        """Validate a year's schedule against this registry (a regional layer needs its national year);
        raise CalendarFileInvalid listing every problem. Storing it is the engine's business."""
        sched = parse_calendar_text(text, origin)
        if sched.region != NATIONAL:
            national = self.national.get(sched.year)
            if national is None:
                raise CalendarFileInvalid(
                    origin, [f"全国{sched.year}年安排尚未载入，请先导入全国安排，再导入地区层"]
                )
            sched = parse_calendar_text(text, origin, set(national.holidays))
        return sched


def next_year_missing(registry: CalendarRegistry, today: date) -> int | None:
    """From 1 November, the next year when its national schedule is not loaded (for the admin alert)."""
    if today.month >= 11 and not registry.has_year(today.year + 1):
        return today.year + 1
    return None
