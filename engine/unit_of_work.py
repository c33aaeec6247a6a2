"""Applying a decision's ``Change`` and committing it with its audit event: one unit of work.

Every writer of an application goes through here — ``fire`` (each event), registration and the parts a
``split`` makes (``record_new``), the calendar recomputation and the scheduler's lapses — so the
version compare-and-set, the audit event with its before/after and hash chain, the records and the
cached clock are written the same way everywhere.

What the letters side does — the legal audit before a letter is frozen, rendering it — comes through
``LetterPort``, wired by the front end (the engine never imports ``letters/``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import make_transient, make_transient_to_detached
from sqlmodel import Session

from calendars import CalendarRegistry

from . import machine
from .audit_chain import event_hash, genesis, letter_content_hash
from .case import Act, Case
from .change import Change, LetterDraft, NewId, resolved
from .db import is_postgres
from .errors import Refused
from .eventdef import EventDef
from .models import Agency, ApplicantDetails, Application, Event, Letter, mask_pii
from .numbering import next_number, tracking_number
from .letter_data import applicant_addressee, letter_data
from .portal.codes import verification_print


class LetterPort(Protocol):
    """The letters side, as the engine needs it when a letter is frozen."""

    def audit(self, case: Case, letter: Letter, registry: CalendarRegistry) -> list[dict]: ...  # blocking ones refuse

    def render(self, agency: Agency, letter: Letter) -> tuple[bytes, str]: ...  # the PDF and template version


@dataclass(frozen=True)
class AuditEntry:
    """An audit event as written (the row in ``events``, without its id)."""

    application_id: int
    agency_id: int
    seq: int
    name: str
    from_state: str | None
    to_state: str
    actor_id: int | None
    actor_name: str
    role: str
    at: datetime
    effective_date: str
    inputs: Any
    changes: dict
    reason: str
    prev_hash: str
    hash: str


AUDIT_COLUMNS = tuple(AuditEntry.__dataclass_fields__)


class Stale(Exception):
    """Another writer changed the application since it was read (the compare-and-set matched no row)."""


def snapshot(app: Application) -> dict:
    data = app.model_dump(exclude={"created_at", "updated_at", "version", "events_head"})
    return {k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in data.items()}


def json_safe(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return json_safe(value.model_dump())
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


# -- applying a change ---------------------------------------------------------------------------------


def _without_flush_side_effects(model: type) -> bool:
    mapper = model.__mapper__
    return not mapper.relationships and not any(c.server_default is not None for c in mapper.local_table.columns)


@lru_cache(maxsize=None)
def _insertable(model: type) -> bool:
    """``insert_now`` writes a row the way a flush would only for a model without relationships and
    server-side defaults, as every per-application record is; checked once per model."""
    return _without_flush_side_effects(model)


def insert_now(session: Session, record: Any) -> None:
    """INSERT a new record right away and put it in the session as if loaded (persistent, unchanged).

    A flush would do the same but also write the application's changes made so far (a decision that
    sets the outcome and drafts its reply would write the locked row twice: an ORM UPDATE, then the
    compare-and-set)."""
    model = type(record)
    if not _insertable(model):
        raise TypeError(f"{model.__name__} has relationships or server defaults: add it to the session instead")
    mapper = model.__mapper__
    values = {}
    for prop in mapper.column_attrs:
        value, column = getattr(record, prop.key), prop.columns[0]
        if isinstance(value, NewId):  # a record inserted earlier in this change (a redaction's copy)
            value = value.resolve()
            setattr(record, prop.key, value)
        if value is None and not column.type.should_evaluate_none:
            continue  # as a flush does: the column's default, NULL, or (the id) what the database assigns
        values[column.key] = value
    result = session.execute(insert(mapper.local_table), values)
    for prop, value in zip(mapper.primary_key, result.inserted_primary_key):
        setattr(record, mapper.get_property_by_column(prop).key, value)
    make_transient_to_detached(record)
    session.add(record)


def apply_change(session: Session, case: Case, act: Act, change: Change, letters: LetterPort | None) -> None:
    """The change, in order: record updates, new records (inserted: ids known), the application's
    fields, letters drafted from the case as changed, letters frozen. The application row itself is
    written by ``commit_event``."""
    for record, fields in change.updates:
        for key, value in fields.items():
            setattr(record, key, value)
    for record in change.new:
        insert_now(session, record)
        case.added(record)
    for application, inputs in change.spawned:  # before the application's own fields change (flushes)
        spawn_application(session, case, act, application, inputs, letters)
    for key, value in change.app.items():
        setattr(case.app, key, resolved(value))  # a new record's id (a replaced document the decision names)
    for draft in change.letters:
        letter = draft_letter(session, case, act, draft)
        change.notes.setdefault("letters_drafted", []).append({"id": letter.id, "type": draft.type})
    for freeze in change.freezes:
        freeze_letter(session, case, act, freeze.letter, freeze.series, letters, change)


def spawn_application(session: Session, case: Case, act: Act, application: Application, inputs: dict,
                      letters: LetterPort | None) -> None:
    """A part split off: its own tracking number, the applicant's details as given on the original, and
    its first audit event (``split``)."""
    year = application.received_date.year
    n = next_number(session, case.agency.id, "tracking", year)
    application.number = tracking_number(case.opts.tracking_format, case.agency.code, year, n)
    given = ApplicantDetails(**case.applicant.model_dump(exclude={"application_id"}))
    part = Case(application, case.agency, given)
    record_new(session, part, act, "split", inputs, Change(notes={"split_from": case.app.number}), letters)


def draft_letter(session: Session, case: Case, act: Act, draft: LetterDraft) -> Letter:
    extra = resolved(draft.extra)
    letter = Letter(
        application_id=case.app.id, agency_id=case.agency.id, type=draft.type, outcome=draft.outcome, status="draft",
        addressee=extra.get("addressee") or applicant_addressee(case.applicant),
        data=letter_data(case, act, draft.type, extra, draft.outcome), drafted_by_id=act.actor.user_id,
    )
    insert_now(session, letter)
    case.added(letter)
    return letter


def format_number(code: str, series: str, year: int, n: int) -> str:
    """文号: {code}{series}〔{year}〕{n}号 — 六角括号, no 第, no leading zeros."""
    return f"{code}{series}〔{year}〕{n}号"


def freeze_letter(session: Session, case: Case, act: Act, letter: Letter, series: str,
                  letters: LetterPort | None, change: Change) -> None:
    """Number, audit (blocking findings refuse), render and freeze a draft; bind it into the chain."""
    if letters is None:
        raise Refused("签发/印发需要文书渲染与法制审核组件，请通过工作台或 API 操作")
    if letter.data.get("date_hold"):  # a date it prints is not certain (a reply prints no due date)
        raise Refused(letter.data["date_hold"])
    year = act.today.year
    letter.series, letter.year = series, year
    letter.seq = next_number(session, case.agency.id, f"letter:{series}", year)
    letter.number = format_number(case.opts.doc_code or case.agency.code, series, year, letter.seq)
    letter.issued_on, letter.issued_at, letter.signer_id = act.today, act.now, act.actor.user_id
    letter.data = {**letter.data, "number": letter.number, "issue_date": act.today.isoformat(),
                   "signer": act.actor.name, "seal_sha256": case.opts.seal_sha256 or None,
                   **verification_print(letter.number)}
    blocking = [f for f in letters.audit(case, letter, act.registry) if f.get("severity") == "blocking" and not f.get("ok")]
    if blocking:
        raise Refused("答复书未通过法制审核的必备项检查：" + "；".join(f["message"] for f in blocking))
    pdf, template_version = letters.render(case.agency, letter)
    letter.pdf, letter.pdf_sha256, letter.template_version = pdf, hashlib.sha256(pdf).hexdigest(), template_version
    letter.status = "issued"
    # The frozen letter records the chain head before its issuing event and the hash of its content; the
    # issuing event records that hash and the 文号 (``_related.issued``), so ``ogi check`` can prove it.
    letter.chain_head = case.app.events_head or genesis(case.app.id)
    letter.content_sha256 = letter_content_hash(letter)
    change.notes["issued"] = {"id": letter.id, "number": letter.number, "content_sha256": letter.content_sha256}


# -- the audit event and the compare-and-set ---------------------------------------------------------------


def refresh_clock_cache(case: Case, act: Act) -> None:
    """Keep the derived due date in step with the event (for sorting and filtering lists)."""
    view = case.clock(act)
    case.app.due_date = view.computed.due
    case.app.due_provisional = view.computed.provisional
    case.app.clock_state = view.state


def audit_entry(case: Case, act: Act, change: Change, name: str, from_state: str | None, inputs: Any,
                before: dict) -> AuditEntry:
    """The audit event of the change made since ``before`` (a ``snapshot``), chained to the application's
    head as read (under the row lock / compare-and-set), which becomes this event's hash. Identity
    numbers and phones are stored masked, in the inputs and the changes alike (masked before hashing):
    the trail is shown to every role of the case; the full values are read only through the logged reveal."""
    app = case.app
    after = snapshot(app)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if change.notes:
        changes["_related"] = json_safe(resolved(change.notes))
    content = dict(
        application_id=app.id, agency_id=case.agency.id, seq=app.version, name=name,
        from_state=from_state, to_state=app.status, actor_id=act.actor.user_id, actor_name=act.actor.name,
        role=act.role, at=act.now, effective_date=(change.effective_date or act.today).isoformat(),
        inputs=mask_pii(json_safe(inputs)), changes=mask_pii(changes), reason=change.reason,
    )
    prev_hash = app.events_head or genesis(app.id)
    entry = AuditEntry(**content, prev_hash=prev_hash, hash=event_hash(content, prev_hash))
    app.events_head = entry.hash
    return entry


def insert_event(session: Session, entry: AuditEntry) -> None:
    """The audit row is never read back or changed: one INSERT rather than the ORM's unit of work."""
    session.execute(insert(Event.__table__), entry.__dict__)


@lru_cache(maxsize=1)
def _compare_and_set():
    """``UPDATE applications … WHERE id = :_id AND version = :_read_version``: no row when another writer
    got there first. Without ``.values()`` the SET columns come from the parameters' keys; one statement
    object keeps the compile cache hot (statements are immutable: ``.values()`` returns a copy)."""
    table = Application.__table__
    return update(table).where(table.c.id == bindparam("_id"), table.c.version == bindparam("_read_version"))


@lru_cache(maxsize=256)
def _save_and_record_statement(columns: tuple[str, ...]):
    """PostgreSQL: ``WITH moved AS (UPDATE applications … WHERE version = <as read> RETURNING id)
    INSERT INTO events SELECT <the audit event> FROM moved`` — one round trip, and the audit row exists
    exactly when the compare-and-set matched. One statement per set of changed columns."""
    table, events = Application.__table__, Event.__table__
    moved = (_compare_and_set().values({c: bindparam(f"set_{c}", type_=table.c[c].type) for c in columns})
             .returning(table.c.id).cte("moved"))
    audit = select_audit(events, moved)
    return insert(events).from_select(list(AUDIT_COLUMNS), audit).returning(events.c.id)


def select_audit(events, moved):
    from sqlalchemy import select

    return select(*(bindparam(f"ev_{c}", type_=events.c[c].type) for c in AUDIT_COLUMNS)).select_from(moved)


def save_and_record(session: Session, app: Application, read_version: int, entry: AuditEntry) -> None:
    """Write the event's change to the application — the changed columns, the new version and
    ``updated_at``, ``WHERE version = <as read>`` (no row: another writer got there first → ``Stale``) —
    and its audit event. The written values then count as the ORM's committed state (``as_written``), so
    the closing flush does not write or compare them again."""
    values = {key: getattr(app, key) for key in entry.changes if key != "_related"}
    values["version"] = app.version
    values["updated_at"] = app.updated_at
    values["events_head"] = app.events_head  # the new event's hash: the chain head moves with the version
    if is_postgres(session.get_bind()):
        params = {f"set_{k}": v for k, v in values.items()} | {f"ev_{k}": v for k, v in entry.__dict__.items()}
        recorded = session.execute(_save_and_record_statement(tuple(values)),
                                   params | {"_id": app.id, "_read_version": read_version}).first()
    else:  # SQLite has no UPDATE inside WITH; its writer holds the database lock, so two statements
        recorded = session.execute(_compare_and_set(), {**values, "_id": app.id, "_read_version": read_version}
                                   ).rowcount == 1
        if recorded:
            insert_event(session, entry)
    if not recorded:
        raise Stale
    as_written(session, app)


def as_written(session: Session, record: Any) -> None:
    """The record's values now count as what its row holds, and the record as unchanged — so the closing
    flush skips it instead of comparing every column again (an application has 40-odd). SQLAlchemy has
    no public call for one object; leaving the session and coming back as a detached object with a key
    does it (``make_transient_to_detached`` commits every attribute), as ``insert_now`` does for a new row."""
    make_transient(record)
    make_transient_to_detached(record)
    session.add(record)


def commit_event(session: Session, case: Case, act: Act, event: EventDef, change: Change, inputs: Any,
                 letters: LetterPort | None) -> AuditEntry:
    """Apply ``change`` to the case, move the state, bump the version, refresh the cached clock and write
    the application with its audit event (compare-and-set). In the caller's transaction."""
    app = case.app
    before = snapshot(app)
    from_state, read_version = app.status, app.version
    with session.no_autoflush:  # one UPDATE of the application at the end, not one per query made on the way
        apply_change(session, case, act, change, letters)
        # The event's sequence number. The UPDATE that writes it carries ``WHERE version = <old>``, so a
        # writer that read an older version gets a conflict, never an overwrite.
        app.version = app.version + 1
        # A record event moves only when its decision raised a flag the machine table moves on (an edit
        # that voids the secrecy review); the audit event records the move.
        if not event.record_only or any(change.flags.values()):
            app.status = machine.next_state(from_state, event.name, **change.flags)
        refresh_clock_cache(case, act)
        app.updated_at = act.now
        entry = audit_entry(case, act, change, event.name, from_state, inputs, before)
        save_and_record(session, app, read_version, entry)
    session.flush()  # the records the change updated (letters, fees…), if any
    return entry


def insert_new(session: Session, case: Case, act: Act) -> None:
    """A new application's row (its cached clock first, so the row is written once) and its applicant."""
    refresh_clock_cache(case, act)
    session.add(case.app)
    session.flush()
    case.applicant.application_id = case.app.id
    session.add(case.applicant)


def commit_new(session: Session, case: Case, act: Act, name: str, inputs: Any, change: Change,
               letters: LetterPort | None = None) -> AuditEntry:
    """A new application's records and its first audit event."""
    with session.no_autoflush:
        apply_change(session, case, act, change, letters)
        entry = audit_entry(case, act, change, name, None, inputs, {})
        insert_event(session, entry)
    session.flush()
    return entry


def record_new(session: Session, case: Case, act: Act, name: str, inputs: Any, change: Change,
               letters: LetterPort | None = None) -> AuditEntry:
    """A new application (a part split off): its row, its records and its first audit event."""
    insert_new(session, case, act)
    return commit_new(session, case, act, name, inputs, change, letters)
