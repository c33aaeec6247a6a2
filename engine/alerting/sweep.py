"""The sweep: for every open application, raise what is due and apply what the law makes automatic.

Set-based and streaming: candidates are selected in SQL from the cached clock columns (kept current by
every event and by calendar imports), so a sweep over a million open applications touches only the
few that need something. Idempotent: every alert has a unique key (application, kind, threshold, due
date); inserting it twice does nothing. Lapses are fired as the system actor and carry their legal
date, not the sweep's, so a sweep after days of downtime applies them as the law dates them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..unit_of_work import LetterPort

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone


from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from calendars import CalendarRegistry, next_year_missing

from .. import workflow
from ..actors import Actor
from ..app_clock import CONSULTATION_DAYS, correction_period_end
from ..errors import DomainError
from ..models import Agency, Alert, Application, Consultation, FeeAssessment
from ..states import OPEN_STATES

CORRECTION_REMINDER_DAY = 5  # of the 7 working days in which a correction may be requested
EXTENSION_DECISION_DAYS = 3


@dataclass
class SweepReport:
    alerts: Counter = field(default_factory=Counter)
    lapses: Counter = field(default_factory=Counter)
    scanned: int = 0
    packaged: int = 0  # archive packages recorded for newly archived cases
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [f"扫描 {self.scanned} 件"]
        if self.packaged:
            parts.append(f"生成归档包 {self.packaged} 件")
        parts += self.problems
        if self.alerts:
            parts.append("新提醒 " + "、".join(f"{k} {v}" for k, v in sorted(self.alerts.items())))
        if self.lapses:
            parts.append("自动办理 " + "、".join(f"{k} {v}" for k, v in sorted(self.lapses.items())))
        return "；".join(parts)


def insert_alerts(session: Session, rows: list[dict]) -> int:
    """INSERT … ON CONFLICT (key) DO NOTHING; returns how many were new."""
    if not rows:
        return 0
    table = Alert.__table__
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table))
    stmt = stmt.on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)
    # executemany with RETURNING: SQLAlchemy batches it into multi-row statements ("insertmanyvalues")
    return len(session.execute(stmt, rows).all())


class _Batch:
    def __init__(self, session: Session, report: SweepReport) -> None:
        self.session, self.report, self.rows = session, report, []

    def add(self, key: str, kind: str, message: str, *, agency_id: int | None, user_id: int | None = None,
            application_id: int | None = None, due: date | None = None) -> None:
        self.rows.append({"key": key[:200], "kind": kind, "message": message, "agency_id": agency_id,
                          "user_id": user_id, "application_id": application_id, "due_date": due,
                          "created_at": datetime.now(timezone.utc)})
        if len(self.rows) >= 5000:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        kinds = Counter(r["kind"] for r in self.rows)
        new = insert_alerts(self.session, self.rows)
        self.session.commit()
        if new == len(self.rows):
            self.report.alerts.update(kinds)
        elif new:
            self.report.alerts["（部分已存在）"] += new
        self.rows = []


def _answer_alerts(session: Session, batch: _Batch, registry: CalendarRegistry, today: date,
                   agencies: dict[int, Agency]) -> int:
    cal = registry.calendar(provisional=True)
    horizon = max(max(a.options.alert_thresholds or [5]) for a in agencies.values()) if agencies else 5
    horizon = max(horizon, EXTENSION_DECISION_DAYS)
    limit = cal.add_working_days(today, horizon)
    stmt = select(Application.id, Application.agency_id, Application.number, Application.handling_clerk_id,
                  Application.due_date, Application.due_provisional, Application.extension_days,
                  Application.extension_requested_days).where(
        Application.status.in_(OPEN_STATES), Application.clock_state == "running",
        Application.due_date.is_not(None), Application.due_date <= limit).order_by(Application.id)
    n = 0
    for app_id, agency_id, number, clerk, due, provisional, ext_days, ext_req in session.exec(stmt).yield_per(2000):
        n += 1
        left = cal.working_days_between(today, due)  # negative when overdue
        flag = "（暂定）" if provisional else ""
        thresholds = sorted(agencies[agency_id].options.alert_thresholds or [5, 2, 1])
        if left < 0:
            if not cal.is_working_day(today):
                continue  # overdue is re-raised each working day, not on weekends and holidays
            batch.add(f"{app_id}:overdue:{due}:{today}", "overdue",
                      f"申请 {number} 已逾期{-left}个工作日（期限{due}）{flag}", agency_id=agency_id, user_id=clerk,
                      application_id=app_id, due=due)
        elif left == 0:
            batch.add(f"{app_id}:due_today:0:{due}", "due_today", f"申请 {number} 今日到期（{due}）{flag}",
                      agency_id=agency_id, user_id=clerk, application_id=app_id, due=due)
        else:
            band = next((t for t in thresholds if left <= t), None)  # the current band only, never stale ones
            if band is not None:
                batch.add(f"{app_id}:due_soon:{band}:{due}", "due_soon",
                          f"申请 {number} 还剩{left}个工作日到期（{due}）{flag}", agency_id=agency_id, user_id=clerk,
                          application_id=app_id, due=due)
        if 0 <= left <= EXTENSION_DECISION_DAYS and not ext_days and not ext_req:
            batch.add(f"{app_id}:extension_decision:{EXTENSION_DECISION_DAYS}:{due}", "extension_decision",
                      f"申请 {number} 将于{due}到期，尚未申请延期：如需延期，须在期限届满前由负责人批准",
                      agency_id=agency_id, user_id=clerk, application_id=app_id, due=due)
    return n


def _correction_window(session: Session, batch: _Batch, registry: CalendarRegistry, today: date) -> None:
    cal = registry.calendar(provisional=True)
    since = today - timedelta(days=20)
    stmt = select(Application.id, Application.agency_id, Application.number, Application.handling_clerk_id,
                  Application.received_date).where(
        Application.status.in_(("registered", "reviewing")), Application.correction_requested_on.is_(None),
        Application.correction_received_on.is_(None), Application.received_date >= since)
    for app_id, agency_id, number, clerk, received in session.exec(stmt):
        day0 = cal.roll_forward(received)
        if today <= day0:
            continue
        elapsed = cal.working_days_between(day0, today)
        if CORRECTION_REMINDER_DAY <= elapsed <= 7:
            last = cal.add_working_days(day0, 7)
            batch.add(f"{app_id}:correction_window:{CORRECTION_REMINDER_DAY}:{last}", "correction_window",
                      f"申请 {number} 如需补正，须在{last}前一次性告知（条例第三十条）",
                      agency_id=agency_id, user_id=clerk, application_id=app_id, due=last)


def _fire_lapse(session_factory: Callable[[], Session], registry: CalendarRegistry, today: date, app_id: int,
                event: str, inputs: dict, letters: LetterPort | None) -> bool:
    with session_factory() as s:
        try:
            workflow.fire(s, Actor.system(), app_id, event, inputs, today=today, registry=registry, letters=letters)
            return True
        except DomainError:
            return False  # someone (or another scheduler) got there first, or the guard no longer holds


def _lapses(session_factory, session: Session, batch: _Batch, registry: CalendarRegistry, today: date,
            report: SweepReport, letters: LetterPort | None) -> None:
    cal = registry.calendar(provisional=True)
    # consultations: 15 WD passed → third party: the agency decides; another agency: consent
    due_soon_limit = cal.add_working_days(today, 2)
    rows = session.exec(select(Consultation, Application).join(Application, Application.id == Consultation.application_id)
                        .where(Consultation.status == "open", Consultation.reply_due <= due_soon_limit)).all()
    for c, app in rows:
        if today > c.reply_due:
            if _fire_lapse(session_factory, registry, today, app.id, "consultation_lapsed", {"consultation_id": c.id}, letters):
                report.lapses["consultation_lapsed"] += 1
                what = "视为同意公开" if c.kind == "agency" else "由本机关依法决定"
                batch.add(f"{app.id}:consultation_lapsed:{c.id}:{c.reply_due}", "consultation_lapsed",
                          f"申请 {app.number} 向{c.party}征求意见已满{CONSULTATION_DAYS}个工作日未答复，{what}；暂停结束",
                          agency_id=app.agency_id, user_id=app.handling_clerk_id, application_id=app.id, due=c.reply_due)
        else:
            batch.add(f"{app.id}:consultation_due:{c.id}:{c.reply_due}", "consultation_due",
                      f"申请 {app.number} 向{c.party}征求意见将于{c.reply_due}届满", agency_id=app.agency_id,
                      user_id=app.handling_clerk_id, application_id=app.id, due=c.reply_due)
    session.rollback()
    # correction periods
    for app in session.exec(select(Application).where(Application.status == "awaiting_correction")).all():
        end = correction_period_end(registry, app, session.get(Agency, app.agency_id))
        if end and today > end:
            _close(session_factory, registry, today, letters, report, batch, app, "correction_lapsed", end, "补正期限")
    session.rollback()
    # fee payment periods (payment_due is kept on the assessment once the notice is served)
    rows = session.exec(select(FeeAssessment, Application).join(Application, Application.id == FeeAssessment.application_id)
                        .where(FeeAssessment.status == "approved", Application.status == "awaiting_payment",
                               FeeAssessment.payment_due < today)).all()
    for fee, app in rows:
        _close(session_factory, registry, today, letters, report, batch, app, "payment_lapsed", fee.payment_due, "缴费期限")
    session.rollback()


def _close(session_factory, registry, today, letters, report: SweepReport, batch: _Batch, app: Application,
           event: str, end: date, period: str) -> None:
    """Deemed abandoned: the system closes the application (legal date = end of the period) and says so."""
    if _fire_lapse(session_factory, registry, today, app.id, event, {}, letters):
        report.lapses[event] += 1
        batch.add(f"{app.id}:{event}:0:{end}", "closed",
                  f"申请 {app.number} {period}已于{end}届满，视为放弃申请，已终止办理（终止办理告知书已拟稿）",
                  agency_id=app.agency_id, user_id=app.handling_clerk_id, application_id=app.id, due=end)


def _calendar_alert(session: Session, batch: _Batch, registry: CalendarRegistry, today: date) -> None:
    year = next_year_missing(registry, today)
    if year is None:
        return
    batch.add(f"calendar_missing:{year}:{today}", "calendar_missing",
              f"{year}年的官方放假安排尚未导入：涉及{year}年的期限目前按周一至周五暂定计算，文书不能印发暂定日期。"
              f"国务院办公厅通知发布后，请管理员执行 ogi calendar import。", agency_id=None)


def run_sweep(session_factory: Callable[[], Session], registry: CalendarRegistry, today: date,
              letters: LetterPort | None = None) -> SweepReport:
    """One sweep. Safe to run any number of times, concurrently, or after downtime."""
    report = SweepReport()
    with session_factory() as session:
        batch = _Batch(session, report)
        _lapses(session_factory, session, batch, registry, today, report, letters)
        batch.flush()
        agencies = {a.id: a for a in session.exec(select(Agency)).all()}
        report.scanned = _answer_alerts(session, batch, registry, today, agencies)
        _correction_window(session, batch, registry, today)
        _calendar_alert(session, batch, registry, today)
        batch.flush()
        from ..archive.package import freeze_archived

        report.packaged, report.problems = freeze_archived(session)
        from .delivery import enqueue_new_alerts

        enqueue_new_alerts(session, agencies)
    return report
