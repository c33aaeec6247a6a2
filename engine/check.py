"""``ogi check``: prove nothing was lost after a crash or a restore, and nothing rewritten since.

For every application: its audit events are numbered 1..n without gaps and ``version == n``; each
event is a legal move of the state machine from the previous event's state; replaying the recorded
before/after changes reproduces the stored row; the cached clock equals a fresh computation; the hash
chain holds (each event's hash over its content and its predecessor's hash, the application's stored
head = the last event's hash). Every issued letter: the PDF matches its SHA-256, its content hash
matches its frozen fields and what the issuing event recorded, its 文号 and chain position match that
event, its status and void fields match the void event. Across the database: tracking numbers and 文号
unique, no events or letters without their application, the number series without gaps, imported
calendars match their SHA-256, every application has its applicant as given and an applicant record of
its own agency. Every document's blob is present, hashes to its SHA-256 and has the recorded size.

What a database user who recomputes the whole chain and the heads could still hide is not caught here:
the triggers and the role separation of docs/deployment.md stop that user first.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlmodel import Session, select

from calendars import CalendarRegistry

from sqlalchemy import exists

from . import machine
from .actors import Actor
from .app_clock import answer_clock
from .audit_chain import event_hash, genesis, issue_record, letter_content_hash, utc_text
from .archive.verify import record_findings
from .documents.integrity import blob_findings
from .models import (Agency, Applicant, ApplicantDetails, Application, CalendarSchedule, Consultation, Event,
                     FeeAssessment, Letter, NumberSeries)
from .case import Act
from .case_repository import case_of
from .services.catalog import EVENT_LABELS as EVENTS
from .services.catalog import RECORD_EVENTS
from .unit_of_work import snapshot


@dataclass(frozen=True)
class Violation:
    application: str | None
    rule: str
    detail: str

    def __str__(self) -> str:
        where = f"申请 {self.application}：" if self.application else ""
        return f"{where}[{self.rule}] {self.detail}"


@dataclass
class _LetterEvents:
    """What the audit trail says about the letters: letter id → (application number, issuing event,
    its record of the letter) and letter id → the event that voided it."""

    issued: dict
    voided: dict


def _check_chain(n: str, app: Application, events: list[Event]) -> Iterator[Violation]:
    prev, last_id = genesis(app.id), 0
    for e in events:
        which = f"第{e.seq}个事件“{EVENTS.get(e.name, e.name)}”"
        if e.prev_hash != prev:
            yield Violation(n, "审计链", f"{which}与前一事件的哈希不衔接（事件被删除、插入、移动或改写）")
        if event_hash(e, e.prev_hash) != e.hash:
            yield Violation(n, "审计链", f"{which}的内容与其哈希不符（操作人、时间、原因、输入、变更、名称或状态被改写）")
        if e.id <= last_id:
            yield Violation(n, "审计链", f"第{e.seq}个事件的内部编号 {e.id} 与写入顺序不符")
        prev, last_id = e.hash, e.id
    if app.events_head != (prev if events else None):
        yield Violation(n, "审计链", "申请记录的审计链末端与最后一个审计事件不符（最后的事件被删除或申请被改写）")


def _note_letters(n: str, events: list[Event], found: _LetterEvents) -> None:
    for e in events:
        record = issue_record(e.name, e.changes)
        if record is not None:
            found.issued[record.get("id")] = (n, e, record)
        elif e.name == "void_letter":
            found.voided[((e.changes or {}).get("_related") or {}).get("letter", {}).get("id")] = e
        for voided in ((e.changes or {}).get("_related") or {}).get("voided_letters", []):
            found.voided[voided.get("id")] = e  # a lapse excused: its termination notice voided


def _check_application(session: Session, app: Application, agency: Agency, registry: CalendarRegistry,
                       today, found: _LetterEvents) -> Iterator[Violation]:
    case = case_of(session, app, agency)
    events = case.history.events()
    n = app.number
    yield from _check_chain(n, app, events)
    _note_letters(n, events, found)
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
        elif e.name in RECORD_EVENTS:  # keeps the state, or moves as the machine table says (an edit voiding a review)
            if e.to_state != e.from_state and e.to_state not in machine.destinations(e.from_state, e.name):
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
    view = case.clock(Act(Actor.system(), "system", today, datetime.now(timezone.utc), registry))
    if view.computed.due != app.due_date or view.state != app.clock_state:
        yield Violation(n, "期限", f"缓存的期限 {app.due_date}/{app.clock_state} 与重新计算的 "
                                  f"{view.computed.due}/{view.state} 不一致")


def _check_letter(letter: Letter, found: _LetterEvents) -> Iterator[Violation]:
    """An issued (or issued, then voided) letter against its frozen content and the audit trail."""
    name = f"文书 {letter.number}"
    if letter.pdf is not None and hashlib.sha256(letter.pdf).hexdigest() != letter.pdf_sha256:
        yield Violation(None, "文书完整性", f"{name} 的 PDF 与其 SHA-256 不符（可能被篡改）")
    if letter_content_hash(letter) != letter.content_sha256:
        yield Violation(None, "文书完整性", f"{name} 的冻结内容（文号、数据、PDF 哈希、印发日期等）与其内容哈希不符（可能被篡改）")
    issued = found.issued.pop(letter.id, None)
    if issued is None:
        yield Violation(None, "文书完整性", f"{name}（内部编号 {letter.id}）没有对应的印发审计事件")
        return
    n, event, record = issued
    if record.get("number") != letter.number:
        yield Violation(n, "文书完整性", f"{name} 与印发事件记录的文号 {record.get('number')} 不符（文号被改写）")
    if record.get("content_sha256") is not None and record["content_sha256"] != letter.content_sha256:
        yield Violation(n, "文书完整性", f"{name} 的内容哈希与印发事件（第{event.seq}个）记录的不符（可能被篡改）")
    if letter.chain_head != event.prev_hash:
        yield Violation(n, "文书完整性", f"{name} 记录的审计链位置与印发事件（第{event.seq}个）不符")
    void = found.voided.get(letter.id)
    expected = ("void", void.reason, utc_text(void.at)) if void else ("issued", "", None)
    actual = (letter.status, letter.void_reason, utc_text(letter.voided_at) if letter.voided_at else None)
    if actual != expected:
        yield Violation(n, "文书完整性", f"{name} 的状态或作废记录与审计事件不符（可能被篡改）")


def _check_orphans(session: Session) -> Iterator[Violation]:
    for model, what in ((Event, "审计事件"), (Letter, "文书")):
        orphaned = session.exec(select(model.application_id).distinct().where(
            ~exists().where(Application.id == model.application_id))).all()
        for app_id in orphaned:
            yield Violation(None, "申请缺失", f"存在{what}，但其申请（内部编号 {app_id}）不存在（申请可能被删除）")


def _check_series(session: Session, agencies: dict, tracking: Counter, letter_seqs: Counter) -> Iterator[Violation]:
    """Every number ever allocated is in use (a failed transaction rolls its number back)."""
    for s in session.exec(select(NumberSeries)).all():
        code = agencies[s.agency_id].code if s.agency_id in agencies else s.agency_id
        if s.series == "tracking":
            have = tracking[(s.agency_id, s.year)]
            if have != s.last:
                yield Violation(None, "编号连续", f"机关 {code} {s.year} 年已分配申请编号 {s.last} 个，现存申请 {have} 件"
                                                  "（申请可能被删除）")
        elif s.series.startswith("letter:"):
            have = letter_seqs[(s.agency_id, s.series.removeprefix("letter:"), s.year)]
            if have != s.last:
                yield Violation(None, "编号连续", f"机关 {code} {s.year} 年“{s.series.removeprefix('letter:')}”文号已分配 "
                                                  f"{s.last} 个，现存文书 {have} 件（文书可能被删除）")


def run_checks(session: Session, registry: CalendarRegistry, today) -> list[Violation]:
    out: list[Violation] = []
    agencies = {a.id: a for a in session.exec(select(Agency)).all()}
    numbers: Counter[str] = Counter()
    tracking: Counter[tuple[int, int]] = Counter()
    found = _LetterEvents({}, {})
    for app in session.exec(select(Application).order_by(Application.id)).yield_per(500):
        numbers[app.number] += 1
        tracking[(app.agency_id, app.received_date.year)] += 1
        out.extend(_check_application(session, app, agencies[app.agency_id], registry, today, found))
    out.extend(Violation(num, "编号唯一", f"申请编号 {num} 出现 {c} 次") for num, c in numbers.items() if c > 1)
    doc_numbers: Counter[tuple[int, str]] = Counter()
    letter_seqs: Counter[tuple[int, str, int]] = Counter()
    for letter in session.exec(select(Letter).where(Letter.number.is_not(None))).yield_per(200):
        doc_numbers[(letter.agency_id, letter.number)] += 1
        letter_seqs[(letter.agency_id, letter.series, letter.year)] += 1
        out.extend(_check_letter(letter, found))
    for letter_id, (n, event, record) in found.issued.items():
        out.append(Violation(n, "文书完整性", f"第{event.seq}个事件印发的文书 {record.get('number')}（内部编号 "
                                             f"{letter_id}）不存在或已无文号（可能被删除或篡改）"))
    out.extend(Violation(None, "文号唯一", f"文号 {num} 出现 {c} 次") for (_, num), c in doc_numbers.items() if c > 1)
    out.extend(_check_orphans(session))
    out.extend(_check_series(session, agencies, tracking, letter_seqs))
    out.extend(_check_calendars(session))
    out.extend(_applicant_violations(session))
    out.extend(Violation(n, "文件完整性", detail) for n, detail in blob_findings(session))
    out.extend(Violation(n, "归档包", detail) for n, detail in record_findings(session))
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
