"""One application, possibly handled more than once: a review decision or judgment that orders a new
reply (``reopen``) ends one handling and starts another. Each handling is counted in the annual report
on its own dates, so a reopening never rewrites a past year:

- the original conclusion stays counted in its year (``PriorConclusion``, recorded by ``reopen``);
- the new handling starts on the day of the reopening (counted as received that day — new in that year,
  or carried over into the next) and its reply counts in the year it is made.

Both sides of the check 一 + 二 = 三（七） + 四 see the same handlings, so it still holds every year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import Application, PriorConclusion


def current_start():
    """SQL: the day the application's current handling began — its latest reopening, else its receipt."""
    latest = (select(func.max(PriorConclusion.reopened_on))
              .where(PriorConclusion.application_id == Application.id)
              .correlate(Application).scalar_subquery())
    return func.coalesce(latest, Application.received_date)


def as_day(value: object) -> date | None:
    """A date read through ``current_start`` (SQLite may hand back the ISO text of a COALESCE)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def current_start_of(session: Session, application_id: int) -> date:
    return as_day(session.exec(select(current_start()).where(Application.id == application_id)).one())


@dataclass(frozen=True)
class Handlings:
    """A table of handlings, with the columns the report reads."""

    entity: type
    start: object
    end: object
    outcome: object
    ground: object
    application_id: object
    agency_id: object
    earlier: bool  # a conclusion a reopening replaced
    only: tuple = ()  # which rows of the table (keeps the common case on the received-date indexes)


def handlings() -> list[Handlings]:
    """The current handling of every application, and every earlier one a reopening ended. Applications
    never reopened (nearly all) are read on their receipt date, so the date indexes serve them."""
    reopened = (select(PriorConclusion.id).where(PriorConclusion.application_id == Application.id)
                .correlate(Application).exists())
    return [
        Handlings(Application, Application.received_date, Application.concluded_on, Application.outcome,
                  Application.withhold_ground, Application.id, Application.agency_id, False, (~reopened,)),
        Handlings(Application, current_start(), Application.concluded_on, Application.outcome,
                  Application.withhold_ground, Application.id, Application.agency_id, False, (reopened,)),
        Handlings(PriorConclusion, PriorConclusion.started_on, PriorConclusion.concluded_on, PriorConclusion.outcome,
                  PriorConclusion.withhold_ground, PriorConclusion.application_id, PriorConclusion.agency_id, True),
    ]
