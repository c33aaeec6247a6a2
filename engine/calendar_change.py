"""After a calendar year is loaded: recompute every open application's deadlines; each one that
changed gets an audit event (system actor) so the change is explained on the record."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlmodel import Session, select

from calendars import CalendarRegistry

from .actors import Actor
from .db import begin_write
from .models import Agency, Alert, Application
from .services.pipeline import Ctx, bump_version, load_application, record_event, refresh_clock_cache, snapshot
from .states import OPEN_STATES


def recompute_open_deadlines(session: Session, registry: CalendarRegistry, today: date) -> list[dict]:
    """Returns the changes: application number, old and new due date and provisional flag."""
    changed: list[dict] = []
    agencies = {a.id: a for a in session.exec(select(Agency)).all()}
    ids = list(session.exec(select(Application.id).where(Application.status.in_(OPEN_STATES))).all())
    session.rollback()
    actor = Actor.system()
    for app_id in ids:
        with begin_write(session):
            app = load_application(session, app_id, lock=True)  # an event in flight finishes first
            before = (app.due_date, app.due_provisional, app.clock_state)
            ctx = Ctx(session, actor, "system", app, agencies[app.agency_id], today, datetime.now(timezone.utc),
                      registry, {})
            snap = snapshot(app)
            refresh_clock_cache(ctx)
            after = (app.due_date, app.due_provisional, app.clock_state)
            if after == before:
                continue
            bump_version(app)
            ctx.reason = "放假安排更新后重新计算期限"
            ctx.notes["deadline"] = {"before": str(before[0]), "after": str(after[0]),
                                     "provisional_before": before[1], "provisional_after": after[1]}
            record_event(ctx, "recompute_deadline", app.status, app.status, {}, snap)
            changed.append({"application_id": app.id, "number": app.number, "agency_id": app.agency_id,
                            "before": before[0], "after": after[0], "provisional": after[1]})
            session.add(Alert(key=f"{app.id}:deadline_changed:{after[0]}:{after[1]}", kind="deadline_changed",
                              agency_id=app.agency_id, user_id=app.handling_clerk_id, application_id=app.id,
                              due_date=after[0],
                              message=f"放假安排更新：申请 {app.number} 的答复期限由{before[0] or '暂停'}"
                                      f"{'（暂定）' if before[1] else ''}改为{after[0] or '暂停'}{'（暂定）' if after[1] else ''}"))
    return changed


def import_calendar(registry: CalendarRegistry, content: bytes, session: Session, today: date):
    """Validate and store an uploaded year (nothing stored on any problem: CalendarFileInvalid), then
    recompute the open deadlines. Returns (ImportResult, changes)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.yaml"
        path.write_bytes(content)
        result = registry.import_file(path)
    return result, recompute_open_deadlines(session, registry, today)
