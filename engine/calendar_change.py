"""After the calendars changed (a year imported or corrected): recompute every open application's
cached deadline; each one that changed gets an audit event (system actor) naming the import, so the
change is explained on the record, and an alert for its clerk."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlmodel import Session, select

from calendars import CalendarRegistry

from .actors import Actor
from .alerting.sweep import insert_alerts
from .calendar_registry import SharedCalendars
from .db import begin_write, is_postgres
from .models import Agency, Application, CalendarSchedule, Letter
from .case import Act
from .case_repository import case_of
from .change import Change
from .services.catalog import RECOMPUTE_DEADLINE
from .services.extension import promised_due
from .states import OPEN_STATES
from .unit_of_work import commit_event


def recompute_open_deadlines(session: Session, registry: CalendarRegistry, today: date,
                             cause: dict | None = None, changed_since: datetime | None = None) -> list[dict]:
    """In the caller's (writing) transaction, which commits: the open applications are locked, so an
    event in flight finishes first and an event after it waits for the new calendars. Running it
    again changes nothing. ``cause`` (e.g. the import's id, region and year) goes into each audit
    event; ``changed_since`` limits it to applications an event changed since then. Returns the
    changes: application number, old and new due date and provisional flag."""
    changed: list[dict] = []
    alerts: list[dict] = []
    agencies = {a.id: a for a in session.exec(select(Agency)).all()}
    stmt = select(Application).where(Application.status.in_(OPEN_STATES)).order_by(Application.id)
    if changed_since is not None:
        stmt = stmt.where(Application.updated_at >= changed_since)
    if is_postgres(session.get_bind()):
        stmt = stmt.with_for_update()  # SQLite: the writing transaction holds the database lock
    actor, now = Actor.system(), datetime.now(timezone.utc)
    held = held_extension_notices(session)
    act = Act(actor, "system", today, now, registry)
    for app in session.exec(stmt).all():
        case = case_of(session, app, agencies[app.agency_id])
        before = (app.due_date, app.due_provisional, app.clock_state)
        view = case.clock(act)
        after = (view.computed.due, view.computed.provisional, view.state)
        change = Change(reason="放假安排更新后重新计算期限")
        for notice in held.get(app.id, []):  # the date it promises, now certain (or still held)
            data = {**notice.data, **promised_due(case, act)}
            if data != notice.data:
                change.set(notice, data=data)
                change.notes.setdefault("extension_notices", []).append(notice.id)
        if after == before and not change.updates:
            continue
        change.note("deadline", {"before": str(before[0]), "after": str(after[0]),
                                 "provisional_before": before[1], "provisional_after": after[1],
                                 **({"calendar": cause} if cause else {})})
        commit_event(session, case, act, RECOMPUTE_DEADLINE, change, {}, None)
        changed.append({"application_id": app.id, "number": app.number, "agency_id": app.agency_id,
                        "before": before[0], "after": after[0], "provisional": after[1]})
        alerts.append({"key": f"{app.id}:deadline_changed:{after[0]}:{after[1]}", "kind": "deadline_changed",
                       "agency_id": app.agency_id, "user_id": app.handling_clerk_id, "application_id": app.id,
                       "due_date": after[0], "created_at": now,
                       "message": f"放假安排更新：申请 {app.number} 的答复期限由{before[0] or '暂停'}"
                                  f"{'（暂定）' if before[1] else ''}改为{after[0] or '暂停'}"
                                  f"{'（暂定）' if after[1] else ''}"})
    session.flush()  # the applications' new due dates and versions
    insert_alerts(session, alerts)  # one alert per change and due date, even if imported twice
    return changed


def held_extension_notices(session: Session) -> dict[int, list[Letter]]:
    """Draft extension notices held because the date they promise is not yet certain, by application."""
    out: dict[int, list[Letter]] = {}
    for letter in session.exec(select(Letter).where(Letter.type == "extension_notice", Letter.status == "draft")).all():
        if letter.data.get("date_hold"):
            out.setdefault(letter.application_id, []).append(letter)
    return out


CLOCK_SKEW = timedelta(minutes=5)  # hosts' clocks may differ: look this much further back


class ImportCatchUp:
    """Before each scheduler sweep. Another process sees an import at most ``CHECK_SECONDS`` after it
    committed; an event it ran in that second (or that waited for the import's locks with the old
    calendars in hand) cached a deadline of the old calendars. When imports happened since the
    previous sweep, the open applications changed since the first of them are recomputed — a handful,
    and nothing happens to those already right."""

    def __init__(self) -> None:
        self.seen: tuple[int, int] | None = None  # the stored years' stamp at the previous sweep

    def registry(self, session: Session, shared: SharedCalendars, today: date) -> CalendarRegistry:
        registry = shared.current(max_age=0)
        if self.seen is not None and shared.stamp is not None and shared.stamp != self.seen:
            new = session.exec(select(CalendarSchedule).where(CalendarSchedule.id > self.seen[1])
                               .order_by(CalendarSchedule.id)).all()
            if new:
                with begin_write(session):
                    recompute_open_deadlines(session, registry, today, cause=import_cause(new[-1]),
                                             changed_since=min(r.imported_at for r in new) - CLOCK_SKEW)
        self.seen = shared.stamp
        return registry


def import_cause(row: CalendarSchedule) -> dict:
    """What an audit event of a recomputed deadline says about the import that caused it."""
    return {"calendar_schedule_id": row.id, "region": row.region, "year": row.year, "source": row.source}
