"""``ogi check``: prove nothing was lost after a crash or a restore.

For every application: its audit events are numbered 1..n without gaps and ``version == n``; each
event is a legal move of the state machine from the previous event's state; replaying the recorded
before/after changes reproduces the stored row; the cached clock equals a fresh computation. Across
the database: tracking numbers and 文号 unique, frozen PDFs and imported calendars match their SHA-256,
every application has its applicant as given and an applicant record of its own agency.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from sqlmodel import Session, select

from calendars import CalendarRegistry

from . import machine
from .app_clock import answer_clock
from .models import (Agency, Applicant, ApplicantDetails, Application, CalendarSchedule, Consultation, Event,
                     FeeAssessment, Letter)
from .services.pipeline import snapshot
from .states import RECORD_EVENTS


@dataclass(frozen=True)
class Violation:
    application: str | None
    rule: str
    detail: str

    def __str__(self) -> str:
        where = f"申请 {self.application}：" if self.application else ""
        return f"{where}[{self.rule}] {self.detail}"


def _check_application(session: Session, app: Application, agency: Agency, registry: CalendarRegistry,
                       today) -> Iterator[Violation]:
    events = session.exec(select(Event).where(Event.application_id == app.id).order_by(Event.seq)).all()
    n = app.number
    seqs = [e.seq for e in events]
    if seqs != list(range(1, len(events) + 1)):
        yield Violation(n, "事件编号", f"审计事件序号不连续：{seqs}")
    if app.version != len(events):
        yield Violation(n, "版本", f"版本号 {app.version} 与审计事件数 {len(events)} 不一致")
    state: str | None = None
    replay: dict = {}
    for e in events:
        if state is None:
            if (e.name, e.from_state) not in (("register", None), ("split", None)):
                yield Violation(n, "重放", f"第{e.seq}个事件“{e.name}”不是登记事件")
        elif e.from_state != state:
            yield Violation(n, "重放", f"第{e.seq}个事件“{e.name}”的起始状态 {e.from_state} 与前一状态 {state} 不符")
        elif e.name in RECORD_EVENTS:
            if e.to_state != e.from_state:
                yield Violation(n, "重放", f"第{e.seq}个事件“{e.name}”不应改变状态")
        elif not machine.allowed_from(e.from_state, e.name):
            yield Violation(n, "重放", f"第{e.seq}个事件“{e.name}”不能从 {e.from_state} 发生")
        state = e.to_state
        for key, change in (e.changes or {}).items():
            if not key.startswith("_"):
                replay[key] = change[1]
    if state != app.status:
        yield Violation(n, "重放", f"审计事件重放得到状态 {state}，记录为 {app.status}")
    current = snapshot(app)
    for key, value in current.items():
        if key in ("due_date", "due_provisional", "clock_state"):
            continue  # derived; checked against a fresh computation below
        if replay.get(key) != value:
            yield Violation(n, "重放", f"字段 {key} 重放值 {replay.get(key)!r} 与记录值 {value!r} 不符")
    consultations = list(session.exec(select(Consultation).where(Consultation.application_id == app.id)).all())
    fees = list(session.exec(select(FeeAssessment).where(FeeAssessment.application_id == app.id)).all())
    view = answer_clock(registry, app, agency, consultations, fees, today)
    if view.computed.due != app.due_date or view.state != app.clock_state:
        yield Violation(n, "期限", f"缓存的期限 {app.due_date}/{app.clock_state} 与重新计算的 "
                                  f"{view.computed.due}/{view.state} 不一致")


def run_checks(session: Session, registry: CalendarRegistry, today) -> list[Violation]:
    out: list[Violation] = []
    agencies = {a.id: a for a in session.exec(select(Agency)).all()}
    numbers: Counter[str] = Counter()
    for app in session.exec(select(Application).order_by(Application.id)).yield_per(500):
        numbers[app.number] += 1
        out.extend(_check_application(session, app, agencies[app.agency_id], registry, today))
    out.extend(Violation(num, "编号唯一", f"申请编号 {num} 出现 {c} 次") for num, c in numbers.items() if c > 1)
    doc_numbers: Counter[tuple[int, str]] = Counter()
    for letter in session.exec(select(Letter).where(Letter.number.is_not(None))).yield_per(200):
        doc_numbers[(letter.agency_id, letter.number)] += 1
        if letter.pdf is not None and hashlib.sha256(letter.pdf).hexdigest() != letter.pdf_sha256:
            out.append(Violation(None, "文书完整性", f"文书 {letter.number} 的 PDF 与其 SHA-256 不符（可能被篡改）"))
    out.extend(Violation(None, "文号唯一", f"文号 {num} 出现 {c} 次") for (_, num), c in doc_numbers.items() if c > 1)
    out.extend(_check_calendars(session))
    out.extend(_applicant_violations(session))
    return out


def _check_calendars(session: Session) -> Iterator[Violation]:
    """Every stored calendar import still has the text it was imported with."""
    for row in session.exec(select(CalendarSchedule).order_by(CalendarSchedule.id)):
        if hashlib.sha256(row.content.encode("utf-8")).hexdigest() != row.sha256:
            yield Violation(None, "日历完整性",
                            f"日历导入 #{row.id}（{row.year}年 {row.region_name}）的内容与其 SHA-256 不符（可能被篡改）")


def _applicant_violations(session: Session) -> Iterator[Violation]:
    crossed = select(Application.number).join(Applicant, Applicant.id == Application.applicant_id).where(
        Applicant.agency_id != Application.agency_id)
    for number in session.exec(crossed).all():
        yield Violation(number, "申请人归属", "申请人记录属于另一机关")
    missing = select(Application.number).outerjoin(
        ApplicantDetails, ApplicantDetails.application_id == Application.id).where(
        ApplicantDetails.application_id.is_(None))
    for number in session.exec(missing).all():
        yield Violation(number, "申请人信息", "缺少登记时的申请人信息")
