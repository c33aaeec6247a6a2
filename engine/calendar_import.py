"""Importing a year's working-day schedule into the database: the one function every front end calls
(``ogi calendar import``, ``POST /api/v1/calendar/import``, the workbench's admin page).

One transaction: validate against the stored calendars, supersede the current row of that region and
year (kept for the record), store the new one, recompute every open application's cached deadline
with the new calendars (audit event per change), commit. On any problem nothing is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import text as sql
from sqlmodel import Session, select

from calendars import CalendarFileInvalid, ImportedYear, YearSchedule, read_calendar_file
from calendars.datafile import parse_calendar_text

from .actors import Actor
from .admin_audit import Origin, record_admin_event
from .calendar_change import import_cause, recompute_open_deadlines
from .calendar_registry import build_registry, calendars_for, imported_origin, stored_stamp
from .db import begin_write, is_postgres
from .models import CalendarSchedule
from .models.base import utcnow

IMPORT_LOCK = 0x0617_CA1E  # PostgreSQL advisory lock key: one calendar import at a time


@dataclass(frozen=True)
class CalendarImport:
    schedule: YearSchedule  # as the registry now holds it
    schedule_id: int  # the ``calendar_schedules`` row now in force
    replaced: bool  # an earlier import of this region and year was superseded
    unchanged: bool  # the same text was already in force: nothing stored, nothing recomputed
    changes: list[dict]  # the open applications whose deadline changed (``recompute_open_deadlines``)


def decode_upload(content: str | bytes, origin: str) -> str:
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        raise CalendarFileInvalid(origin, ["文件应为 UTF-8 编码的 YAML 文本"]) from None


def current_rows(session: Session) -> list[CalendarSchedule]:
    return list(session.exec(select(CalendarSchedule).where(CalendarSchedule.superseded_at.is_(None))
                             .order_by(CalendarSchedule.id)).all())


def _as_years(rows: list[CalendarSchedule]) -> list[ImportedYear]:
    return [ImportedYear(row.content, imported_origin(row)) for row in rows]


def check_schedule(session: Session, content: str | bytes, origin: str) -> YearSchedule:
    """Validate as ``import_schedule`` would (against the stored calendars), storing nothing."""
    return build_registry(_as_years(current_rows(session))).validate_text(decode_upload(content, origin), origin)


def import_schedule(session: Session, actor: Actor, content: str | bytes, *, today: date,
                    origin: str = "上传的日历文件", client: Origin | None = None) -> CalendarImport:
    """Validate and store a year's schedule (YAML), recompute the open deadlines; one transaction,
    committed at the end. Raises CalendarFileInvalid (every problem with its line) and stores nothing."""
    text = decode_upload(content, origin)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with begin_write(session):
        if is_postgres(session.get_bind()):
            # Imports one after another: ids then commit in order, which the version check relies on.
            session.execute(sql(f"SELECT pg_advisory_xact_lock({IMPORT_LOCK})"))
        rows = current_rows(session)
        in_force = build_registry(_as_years(rows))
        sched = in_force.validate_text(text, origin)
        previous = next((r for r in rows if (r.region, r.year) == (sched.region, sched.year)), None)
        if previous is not None and previous.sha256 == digest:
            return CalendarImport(in_force.schedule(sched.year, sched.region), previous.id, False, True, [])
        now = utcnow()
        if previous is not None:
            previous.superseded_at = now
            session.add(previous)
            session.flush()  # out of the "current" unique index before the new row comes in
        row = CalendarSchedule(region=sched.region, year=sched.year, region_name=sched.region_name[:100],
                               source=sched.source[:300], content=text, sha256=digest, imported_at=now,
                               imported_by_id=actor.user_id, imported_by_name=actor.name[:100])
        session.add(row)
        session.flush()
        # Raises when a stored regional layer now repeats a national holiday of the new national year.
        registry = build_registry(_as_years([r for r in rows if r is not previous] + [row]))
        changes = recompute_open_deadlines(session, registry, today, cause=import_cause(row))
        client = client or Origin()
        record_admin_event(session, actor, "calendar_import", agency_id=None,
                           target=f"{row.year}年放假安排（{row.region}）", ip=client.ip, user_agent=client.user_agent,
                           details={"schedule_id": row.id, "year": row.year, "region": row.region,
                                    "source": row.source, "sha256": row.sha256, "origin": origin,
                                    "replaced": previous.id if previous else None, "recomputed": len(changes)})
        stamp = stored_stamp(session)
    calendars_for(session.get_bind()).adopt(registry, stamp)
    return CalendarImport(registry.schedule(row.year, row.region), row.id, previous is not None, False, changes)


# -- files kept by versions before the database held the calendars --------------------------------------

@dataclass(frozen=True)
class FileMigration:
    path: Path
    outcome: str  # Chinese, for the operator
    imported: bool


def migrate_files(session: Session, actor: Actor, folder: Path, *, today: date) -> list[FileMigration]:
    """Load the files an earlier version stored under ``$OGI_DATA_DIR/calendars/<region>/<year>.yaml``.
    A file whose region and year the database already holds is not imported (the database wins; an
    operator who wants the file imports it explicitly). Safe to run again: it changes nothing then."""
    paths = sorted(folder.rglob("*.yaml")) if folder.is_dir() else []
    paths.sort(key=lambda p: (p.parent.name != "national", str(p)))  # regional layers need their nation
    out = []
    for path in paths:
        try:
            text = read_calendar_file(path)
            sched = parse_calendar_text(text, str(path))
        except CalendarFileInvalid as exc:
            out.append(FileMigration(path, "未通过校验，未导入：" + "；".join(exc.problems), False))
            continue
        held = next((r for r in current_rows(session) if (r.region, r.year) == (sched.region, sched.year)), None)
        if held is not None:
            same = held.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
            out.append(FileMigration(path, "数据库中已有相同内容" if same else
                                     f"数据库中已有{sched.year}年（{sched.region_name}）的另一版本（#{held.id}），未导入；"
                                     "如应以此文件为准，请用 ogi calendar import 导入", False))
            continue
        try:
            result = import_schedule(session, actor, text, today=today, origin=str(path))
        except CalendarFileInvalid as exc:
            out.append(FileMigration(path, "未通过校验，未导入：" + "；".join(exc.problems), False))
            continue
        out.append(FileMigration(path, f"已导入（#{result.schedule_id}），{len(result.changes)}件申请的期限发生变化", True))
    return out
