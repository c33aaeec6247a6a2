"""Where calendars come from: the package, the project's data files, and imported files.

Layers, later ones winning for the same region and year:
1. chinese-calendar (national, the years the installed version covers);
2. ``calendars/data/`` shipped with the project (corrections, years the package lacks, regions);
3. files imported by an operator (``ogi calendar import``), kept in the data directory.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .datafile import parse_calendar_file
from .errors import CalendarFileInvalid, UnknownRegion
from .official import package_schedules
from .schedule import NATIONAL, YearSchedule
from .working import WorkingCalendar

SHIPPED_DIR = Path(__file__).parent / "data"
CHECK_SECONDS = 1.0  # how stale an API worker's calendars may be after an import elsewhere


@dataclass(frozen=True)
class YearSource:
    year: int
    region: str
    region_name: str
    origin: str
    source: str
    holidays: int
    workdays: int


@dataclass(frozen=True)
class ImportResult:
    schedule: YearSchedule
    stored_at: Path
    replaced: bool


class CalendarRegistry:
    """All known schedules; builds (and caches) one ``WorkingCalendar`` per region and mode."""

    def __init__(self, import_dir: Path | None = None, shipped_dir: Path = SHIPPED_DIR) -> None:
        self.import_dir = import_dir
        self.shipped_dir = shipped_dir
        self._building = threading.Lock()
        self.reload()

    def reload(self) -> None:
        stamp = self._import_stamp()
        national: dict[int, YearSchedule] = package_schedules()
        regions: dict[str, dict[int, YearSchedule]] = {}
        region_names: dict[str, str] = {NATIONAL: "全国"}
        for folder in (self.shipped_dir, self.import_dir):
            if folder and folder.is_dir():
                for path in sorted(folder.rglob("*.yaml")):
                    sched = self._parse(path, national)
                    if sched.region == NATIONAL:
                        national[sched.year] = sched
                    else:
                        regions.setdefault(sched.region, {})[sched.year] = sched
                        region_names[sched.region] = sched.region_name
        # Readers in other threads see the old schedules or the new ones, never half of each.
        self.national, self.regions, self.region_names = national, regions, region_names
        self._cache: dict[tuple[str, bool], WorkingCalendar] = {}
        self._stamp, self._checked = stamp, time.monotonic()

    @staticmethod
    def _parse(path: Path, national: dict[int, YearSchedule]) -> YearSchedule:
        # A regional file is validated against the national holidays; read national files first.
        sched = parse_calendar_file(path)
        if sched.region != NATIONAL:
            year = national.get(sched.year)
            sched = parse_calendar_file(path, set(year.holidays) if year else None)
        return sched

    def _import_stamp(self) -> tuple:
        """What identifies the imported files: an import always renames a new file into place, so its
        inode changes even when two imports fall within one tick of the file-system clock."""
        folder = self.import_dir
        if not folder or not folder.is_dir():
            return ()
        out = []
        for path in sorted(folder.rglob("*.yaml")):
            st = path.stat()
            out.append((str(path.relative_to(folder)), st.st_ino, st.st_mtime_ns, st.st_size))
        return tuple(out)

    def refresh(self, every: float = CHECK_SECONDS) -> "CalendarRegistry":
        """Reload when another process (a second API worker, ``ogi calendar import``) has imported a
        year since; looks at most once every ``every`` seconds."""
        if time.monotonic() - self._checked >= every:
            self._checked = time.monotonic()
            if self._import_stamp() != self._stamp:
                with self._building:
                    if self._import_stamp() != self._stamp:
                        self.reload()
        return self

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
                               len(s.holidays), len(s.workdays))
                )
        return rows

    def schedule(self, year: int, region: str | None = None) -> YearSchedule | None:
        region = self.check_region(region)
        return (self.national if region == NATIONAL else self.regions[region]).get(year)

    def has_year(self, year: int) -> bool:
        return year in self.national

    # -- import -------------------------------------------------------------------------------------
    def validate(self, path: Path) -> YearSchedule:
        """Validate a file as ``import_file`` would, without storing anything."""
        sched = parse_calendar_file(path)
        if sched.region != NATIONAL:
            national = self.national.get(sched.year)
            if national is None:
                raise CalendarFileInvalid(
                    str(path), [f"全国{sched.year}年安排尚未载入，请先导入全国安排，再导入地区层"]
                )
            sched = parse_calendar_file(path, set(national.holidays))
        return sched

    def import_file(self, path: Path) -> ImportResult:
        """Validate, then store atomically in the import directory; nothing is stored on any error."""
        if self.import_dir is None:
            raise RuntimeError("no import directory configured")
        sched = self.validate(path)
        target = self.import_dir / sched.region / f"{sched.year}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        replaced = target.exists()
        with tempfile.NamedTemporaryFile("wb", dir=target.parent, delete=False, suffix=".tmp") as tmp:
            with path.open("rb") as src:
                shutil.copyfileobj(src, tmp)
        Path(tmp.name).replace(target)
        self.reload()
        stored = self.schedule(sched.year, sched.region)
        assert stored is not None
        return ImportResult(stored, target, replaced)


def next_year_missing(registry: CalendarRegistry, today: date) -> int | None:
    """From 1 November, the next year when its national schedule is not loaded (for the admin alert)."""
    if today.month >= 11 and not registry.has_year(today.year + 1):
        return today.year + 1
    return None
