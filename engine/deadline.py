"""The deadline question asked from outside (CLI, JSON lines, HTTP): parse, compute, answer.

One parser for every front end, so the CLI, ``--stdin`` and the API accept and refuse the same inputs
with the same Chinese messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from calendars import CalendarError, CalendarRegistry

from . import clock
from .errors import InputError

MAX_WORKING_DAYS = 366


@dataclass(frozen=True)
class DeadlineRequest:
    spec: clock.ClockSpec
    region: str
    provisional: bool


def parse_date(value: object, field: str) -> date:
    if isinstance(value, date):
        return value
    text = str(value).strip() if value is not None else ""
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"“{field}”的值“{text}”不是有效日期，应为存在的日期，格式 YYYY-MM-DD", field=field) from None


def parse_int(value: object, field: str, lo: int, hi: int) -> int:
    if isinstance(value, bool):
        raise InputError(f"“{field}”应为整数", field=field)
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise InputError(f"“{field}”的值“{value}”不是整数", field=field) from None
    if not lo <= number <= hi:
        raise InputError(f"“{field}”应在 {lo} 到 {hi} 之间，收到 {number}", field=field)
    return number


def parse_pause(value: object) -> clock.Pause:
    """``FROM:TO`` (text) or ``[FROM, TO]`` (JSON); an empty TO means still paused."""
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise InputError("暂停期间应写成 [开始日期, 结束日期]", field="pauses")
        start, end = value
    else:
        text = str(value)
        if ":" not in text:
            raise InputError(f"暂停期间“{text}”应写成 开始日期:结束日期", field="pause")
        start, end = text.split(":", 1)
    begins = parse_date(start, "暂停开始日期")
    ends = None if end in (None, "") else parse_date(end, "暂停结束日期")
    if ends is not None and ends < begins:
        raise InputError(f"暂停期间 {begins} 至 {ends} 的结束日期早于开始日期", field="pause")
    return clock.Pause(begins, ends, "暂停")


def parse_request(
    registry: CalendarRegistry,
    *,
    received: object,
    working_days: object = clock.ANSWER_LIMIT,
    pauses: Iterable[object] = (),
    restart: object = None,
    extend: object = 0,
    region: str | None = None,
    provisional: bool = False,
    roll: bool = True,
) -> DeadlineRequest:
    received_day = parse_date(received, "received")
    limit = parse_int(working_days, "working_days", 1, MAX_WORKING_DAYS)
    ext_raw = 0 if extend in (None, "") else extend
    try:
        ext = parse_int(ext_raw, "extend", 0, clock.MAX_EXTENSION)
    except InputError as exc:
        raise InputError(f"{exc.message}（条例第三十三条：延长期限最长不超过20个工作日）", field="extend") from None
    restart_day = None if restart in (None, "") else parse_date(restart, "restart")
    if restart_day is not None and restart_day < received_day:
        raise InputError(f"补正后收到日期 {restart_day} 早于收到申请日期 {received_day}", field="restart")
    parsed_pauses = tuple(parse_pause(p) for p in pauses or ())
    try:
        region_code = registry.check_region(region)
    except CalendarError as exc:
        raise InputError(str(exc), field="region") from None
    spec = clock.ClockSpec(received_day, limit, parsed_pauses, restart_day, ext, None, roll)
    return DeadlineRequest(spec, region_code, provisional)


def answer(
    registry: CalendarRegistry, req: DeadlineRequest, *, today: date | None = None, with_explanation: bool = False
) -> dict:
    """Compute; raises CalendarNotAvailable for an unknown year unless provisional was asked."""
    cal = registry.calendar(req.region, provisional=req.provisional)
    state = clock.compute(cal, req.spec)
    out: dict = {
        "received": req.spec.received.isoformat(),
        "day0": state.day0.isoformat(),
        "working_days": req.spec.limit,
        "extend": req.spec.extension,
        "region": req.region,
        "due": state.due.isoformat() if state.due else None,
        "paused": state.paused,
        "paused_since": state.paused_since.isoformat() if state.paused_since else None,
        "left_when_paused": state.left_when_paused,
        "provisional": state.provisional,
    }
    if today is not None:
        st = clock.status(cal, state, today)
        out.update(today=today.isoformat(), days_left=st.days_left, overdue=st.overdue, light=st.light,
                   summary=st.summary_zh, provisional=st.provisional)
    if with_explanation:
        out["explanation"] = clock.explain(cal, req.spec, state)
    return out
