"""The answer clock and the other legal clocks, as pure functions over a working-day calendar.

Counting rule (spec deadlines.md §2): day 0 is the receipt date, rolled forward to the next working
day when it is not one (configurable); day 1 is the first working day after day 0; the due date is the
day the count reaches the limit. A pause (consultation, unpaid fee) keeps the day it begins counted and
skips the working days after it up to and including the day it ends. A correction restarts the count
from its own day 0. An extension adds working days; art 35 may set a later explicit due date.

Everything here is derived when read: nothing is stored as "overdue".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from calendars import WorkingCalendar

ANSWER_LIMIT = 20
MAX_EXTENSION = 20


@dataclass(frozen=True)
class Pause:
    begins: date
    ends: date | None = None  # None: still paused
    reason: str = "暂停"


@dataclass(frozen=True)
class ClockSpec:
    received: date
    limit: int = ANSWER_LIMIT
    pauses: tuple[Pause, ...] = ()
    restart: date | None = None  # receipt date of the corrected application
    extension: int = 0
    later_due: date | None = None  # art 35: an explicit later reasonable date
    roll_non_working: bool = True


@dataclass(frozen=True)
class TrafficLights:
    """Working days left at or below which a light applies (deadlines.md §5)."""

    yellow: int = 5
    orange: int = 2

    def light(self, days_left: int) -> str:
        if days_left <= 0:
            return "red"
        if days_left <= self.orange:
            return "orange"
        if days_left <= self.yellow:
            return "yellow"
        return "green"


LIGHT_ZH = {"green": "绿", "yellow": "黄", "orange": "橙", "red": "红"}


@dataclass(frozen=True)
class ClockState:
    received: date  # the raw receipt date (or of the corrected application after a restart)
    day0: date
    total: int  # limit + extension
    due: date | None  # None while paused
    paused_since: date | None
    left_when_paused: int | None  # working days still to run once the pause ends
    provisional: bool
    computed_due: date | None = None  # before any art 35 later date
    later_due_applied: bool = False
    pauses: tuple[Pause, ...] = field(default=())

    @property
    def paused(self) -> bool:
        return self.due is None


def _merge(day0: date, pauses: tuple[Pause, ...]) -> list[Pause]:
    """Pauses after day 0, sorted, overlapping ones merged (an open pause swallows what follows)."""
    relevant = []
    for p in sorted(pauses, key=lambda p: p.begins):
        begins = max(p.begins, day0)
        if p.ends is not None and p.ends <= begins:
            continue
        relevant.append(Pause(begins, p.ends, p.reason))
    merged: list[Pause] = []
    for p in relevant:
        if merged:
            last = merged[-1]
            if last.ends is None:
                break
            if p.begins <= last.ends:
                ends = None if p.ends is None else max(last.ends, p.ends)
                merged[-1] = Pause(last.begins, ends, last.reason)
                continue
        merged.append(p)
    return merged


def due_date_fast(cal: WorkingCalendar, day0: date, total: int, pauses: list[Pause]) -> tuple[date | None, int]:
    """Due date by index arithmetic; (None, left) when an open pause stops the count first."""
    remaining = total
    cursor = day0
    for p in pauses:
        available = cal.working_days_between(cursor, p.begins) if p.begins > cursor else 0
        if remaining <= available:
            return cal.add_working_days(cursor, remaining), 0
        remaining -= available
        if p.ends is None:
            return None, remaining
        cursor = max(cursor, p.ends)
    return cal.add_working_days(cursor, remaining), 0


def compute(cal: WorkingCalendar, spec: ClockSpec) -> ClockState:
    received = spec.restart or spec.received
    day0 = cal.roll_forward(received) if spec.roll_non_working else received
    total = spec.limit + spec.extension
    pauses = _merge(day0, spec.pauses)
    due, left = due_date_fast(cal, day0, total, pauses)
    computed = due
    later_applied = False
    if due is not None and spec.later_due is not None and spec.later_due > due:
        due, later_applied = spec.later_due, True
    paused_since = None if due is not None else next(p.begins for p in pauses if p.ends is None)
    last = due or paused_since or day0
    return ClockState(
        received=received,
        day0=day0,
        total=total,
        due=due,
        paused_since=paused_since,
        left_when_paused=None if due is not None else left,
        provisional=cal.span_is_provisional(spec.received, last),
        computed_due=computed,
        later_due_applied=later_applied,
        pauses=tuple(pauses),
    )


@dataclass(frozen=True)
class ClockStatus:
    state: ClockState
    today: date
    days_left: int  # working days left; 0 = due today; negative = working days overdue
    overdue: bool
    light: str
    provisional: bool

    @property
    def summary_zh(self) -> str:
        s = self.state
        flag = "（暂定）" if self.provisional else ""
        if s.paused:
            return f"已暂停（自{s.paused_since}起），剩余{self.days_left}个工作日{flag}"
        if self.overdue:
            return f"已逾期{-self.days_left}个工作日（期限{s.due}）{flag}"
        if self.days_left == 0:
            return f"今日到期（{s.due}）{flag}"
        return f"剩余{self.days_left}个工作日（期限{s.due}）{flag}"


def status(cal: WorkingCalendar, state: ClockState, today: date, lights: TrafficLights | None = None) -> ClockStatus:
    """Days left and traffic light as of ``today`` (working days after today up to the due date)."""
    lights = lights or TrafficLights()
    if state.due is None:
        left = state.left_when_paused or 0
        return ClockStatus(state, today, left, False, lights.light(left) if left > 0 else "red", state.provisional)
    if today <= state.due:
        left = cal.working_days_between(today, state.due)
        for p in state.pauses:  # closed pauses after today (rare: a reply recorded ahead of time)
            if p.ends is not None and p.ends > today:
                lo = max(p.begins, today)
                hi = min(p.ends, state.due)
                if hi > lo:
                    left -= cal.working_days_between(lo, hi)
        overdue = False
    else:
        left = -cal.working_days_between(state.due, today)
        overdue = True
    provisional = state.provisional or cal.span_is_provisional(today, today)
    return ClockStatus(state, today, left, overdue, lights.light(left), provisional)


def explain(cal: WorkingCalendar, spec: ClockSpec, state: ClockState) -> list[dict]:
    """The day-by-day 期限计算明细 from the receipt date to the due date (or the pause)."""
    rows: list[dict] = []
    if spec.restart:
        rows.append({"date": spec.received.isoformat(), "weekday": "", "counted": None,
                     "note": f"原收到申请之日；补正后于{spec.restart}收到，期限重新计算"})
    if state.day0 != state.received:
        info = cal.day_info(state.received)
        rows.append({"date": state.received.isoformat(), "weekday": "", "counted": None,
                     "note": f"收到之日为非工作日（{info.name}），顺延至{state.day0}为第0日"})
    end = state.computed_due or state.paused_since or state.day0
    excluded = [(p.begins, p.ends, p.reason) for p in state.pauses]
    for day in cal.explain(state.day0, end, excluded):
        row = day.as_dict()
        if day.counted is not None and day.counted > spec.limit:
            row["note"] += f"（延长期限第{day.counted - spec.limit}日）"
        if day.day == state.computed_due:
            row["note"] += "；期限届满日" if not state.later_due_applied else "；法定期限届满日"
        rows.append(row)
    if state.paused:
        rows.append({"date": state.paused_since.isoformat(), "weekday": "", "counted": None,
                     "note": f"此后暂停计算，恢复后还剩{state.left_when_paused}个工作日"})
    if state.later_due_applied:
        rows.append({"date": state.due.isoformat(), "weekday": "", "counted": None,
                     "note": "依条例第三十五条确定的合理答复期限"})
    return rows
