"""The deadline calculator, the calendar years, one year's schedule, an import."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

from pydantic import ConfigDict, Field

from .base import Answer


class Deadline(Answer):
    """期限计算结果。"""

    received: date
    day0: date = Field(description="第0日")
    working_days: int
    extend: int
    region: str
    due: date | None
    paused: bool
    paused_since: date | None
    left_when_paused: int | None
    provisional: bool
    today: date
    days_left: int | None
    overdue: bool
    light: str | None
    summary: str
    explanation: list[dict[str, Any]] = Field(description="逐日计算明细")


class Recomputed(Answer):
    number: str
    before: str
    after: str


class Imported(Answer):
    year: int
    region: str
    source: str
    replaced: bool
    unchanged: bool
    schedule_id: int | None
    holidays: int
    workdays: int
    recomputed: list[Recomputed] = Field(description="重新计算了期限的未办结申请")


class YearSource(Answer):
    year: int
    region: str
    region_name: str
    origin: str
    source: str
    holidays: int
    workdays: int
    no_extra_holidays: bool


class Period(Answer):
    model_config = ConfigDict(populate_by_name=True)

    name: str
    first: date = Field(alias="from")
    last: date = Field(alias="to")
    days: int
    source: str


class Day(Answer):
    date: dt.date
    weekday: str
    name: str
    source: str


class YearView(Answer):
    year: int
    region: str
    region_name: str
    provisional: bool
    source: str
    origin: str
    holiday_periods: list[Period]
    holidays: list[Day]
    workdays: list[Day]
    working_days: int
