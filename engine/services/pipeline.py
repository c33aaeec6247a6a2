"""The one way an application changes: ``fire(event)`` — one transaction of
load (locked) → version check → role → state → inputs → guard → change → audit event → commit.

Handlers register themselves with ``@handler``; each module of this package holds the events of one
concept. A refused event raises a DomainError with a Chinese reason and leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import bindparam, exists, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from calendars import CalendarRegistry

from .. import machine
from ..actors import Actor
from ..audit_chain import event_hash, genesis
from ..calendar_registry import get_registry
from ..db import begin_write, end_transaction, is_postgres
from ..errors import Conflict, DomainError, Forbidden, NotFound, Refused
from ..models import ROLE_ZH, Agency, ApplicantDetails, Application, Event, Letter, mask_pii
from ..states import EVENTS as EVENT_LABELS
from ..states import STATES
from ..validation import CleanModel, parse
from .context import RELATED, Ctx

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> date:
    return datetime.now(SHANGHAI).date()


class Inputs(CleanModel):
    """Base of every event's inputs: unknown fields and control characters are refused."""


class NoInputs(Inputs):
    pass


@dataclass
class EventSpec:
    name: str
    roles: frozenset[str]
    inputs: type[BaseModel]
    apply: Callable[["Ctx", Any], None]
    precheck: Callable[["Ctx"], None] | None = None
    roles_for: Callable[[Agency], frozenset[str]] | None = None  # roles depending on agency settings
    record_only: bool = False  # changes records, not the state (letters issued/voided…) unless a flag moves it
    offered: Callable[["Ctx"], None] | None = None  # a record event is listed as an action where this passes
    advice: Callable[["Ctx"], str | None] | None = None  # why the user should do an allowed action now

    @property
    def label(self) -> str:
        return EVENT_LABELS[self.name]

    def allowed_roles(self, agency: Agency) -> frozenset[str]:
        return self.roles_for(agency) if self.roles_for else self.roles


EVENT_SPECS: dict[str, EventSpec] = {}


def handler(name: str, roles: set[str] | frozenset[str], inputs: type[BaseModel] = NoInputs,
            precheck: Callable[["Ctx"], None] | None = None,
            roles_for: Callable[[Agency], frozenset[str]] | None = None, record_only: bool = False,
            offered: Callable[["Ctx"], None] | None = None, advice: Callable[["Ctx"], str | None] | None = None):
    def register(fn: Callable[["Ctx", Any], None]) -> Callable[["Ctx", Any], None]:
        EVENT_SPECS[name] = EventSpec(name, frozenset(roles), inputs, fn, precheck, roles_for, record_only,
                                      offered, advice)
        return fn

    return register


@dataclass
class FireResult:
    """The committed change and what the answer to it shows, gathered inside the transaction."""

    application: Application
    event: AuditEntry
    ctx_notes: dict
    agency: Agency
    applicant: ApplicantDetails
    letters: list[Letter]


def snapshot(app: Application) -> dict:
    data = app.model_dump(exclude={"created_at", "updated_at", "version", "events_head"})
    return {k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in data.items()}


def _json_safe(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _json_safe(value.model_dump())
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def load_application(session: Session, application_id: int, *, lock: bool = False) -> Application:
    stmt = select(Application).where(Application.id == application_id)
    if lock and is_postgres(session.get_bind()):
        stmt = stmt.with_for_update()
    app = session.exec(stmt).first()
    if app is None:
        raise NotFound(f"申请（编号 {application_id}）不存在")
    return app


@lru_cache(maxsize=2)
def _event_load_statement(postgres: bool):
    """Built once per dialect (building it costs more than running it)."""

    def has(model) -> Any:
        return exists().where(model.application_id == Application.id).correlate(Application)

    stmt = (select(Application, Agency, ApplicantDetails, *(has(m) for m in RELATED.values()))
            .join(Agency, Agency.id == Application.agency_id)
            .join(ApplicantDetails, ApplicantDetails.application_id == Application.id)
            .where(Application.id == bindparam("application_id")))
    return stmt.with_for_update(of=Application) if postgres else stmt


def load_for_event(session: Session,
                   application_id: int) -> tuple[Application, Agency, ApplicantDetails, dict[str, bool]]:
    """The application (row-locked on PostgreSQL; SQLite writers hold the database lock already), its
    agency, the applicant as given on it, and which kinds of related records it has — one statement."""
    stmt = _event_load_statement(is_postgres(session.get_bind()))
    row = session.exec(stmt, params={"application_id": application_id}).first()
    if row is None:
        raise NotFound(f"申请（编号 {application_id}）不存在")
    app, agency, applicant, *flags = row
    return app, agency, applicant, dict(zip(RELATED, map(bool, flags)))


def pick_role(actor: Actor, agency: Agency, allowed: frozenset[str], event_label: str) -> str:
    held = actor.roles_in(agency)
    for role in ("system", "clerk", "head", "secrecy_reviewer", "legal", "supervisor", "admin"):
        if role in held and role in allowed:
            return role
    need = "或".join(ROLE_ZH.get(r, r) for r in sorted(allowed))
    raise Forbidden(f"“{event_label}”须由{need}办理，当前用户在本机关没有该角色")


def refresh_clock_cache(ctx: Ctx) -> None:
    """Keep the derived due date in step with the event (for sorting and filtering lists)."""
    view = ctx.clock()
    ctx.app.due_date = view.computed.due
    ctx.app.due_provisional = view.computed.provisional
    ctx.app.clock_state = view.state


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


def record_event(ctx: Ctx, name: str, from_state: str | None, to_state: str, inputs: Any, before: dict) -> AuditEntry:
    """Write the audit event now, in the change's transaction (the row is never read back or changed,
    so it goes in as one INSERT rather than through the ORM's unit of work)."""
    entry = audit_entry(ctx, name, from_state, to_state, inputs, before)
    _insert_event(ctx.session, entry)
    return entry


def _insert_event(session: Session, entry: AuditEntry) -> None:
    session.execute(insert(Event.__table__), entry.__dict__)


def audit_entry(ctx: Ctx, name: str, from_state: str | None, to_state: str, inputs: Any, before: dict) -> AuditEntry:
    """The audit event of the change made since ``before`` (a ``snapshot``), chained to the application's
    head as read (under the row lock / compare-and-set), which becomes this event's hash. Identity
    numbers and phones are stored masked, in the inputs and the changes alike (masked before hashing):
    the trail is shown to every role of the case; the full values are read only through the logged reveal."""
    after = snapshot(ctx.app)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if ctx.notes:
        changes["_related"] = _json_safe(ctx.notes)
    content = dict(
        application_id=ctx.app.id, agency_id=ctx.agency.id, seq=ctx.app.version, name=name,
        from_state=from_state, to_state=to_state, actor_id=ctx.actor.user_id, actor_name=ctx.actor.name,
        role=ctx.role, at=ctx.now, effective_date=(ctx.effective_date or ctx.today).isoformat(),
        inputs=mask_pii(_json_safe(inputs)), changes=mask_pii(changes), reason=ctx.reason,
    )
    prev_hash = ctx.app.events_head or genesis(ctx.app.id)
    entry = AuditEntry(**content, prev_hash=prev_hash, hash=event_hash(content, prev_hash))
    ctx.app.events_head = entry.hash
    return entry


def bump_version(app: Application) -> None:
    """The event's sequence number. The UPDATE that writes it carries ``WHERE version = <old>``
    (``save_and_record`` in the pipeline, ``version_id_col`` in the ORM's flush elsewhere), so a writer
    that read an older version gets a conflict, never an overwrite."""
    app.version = app.version + 1


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
    audit = select(*(bindparam(f"ev_{c}", type_=events.c[c].type) for c in AUDIT_COLUMNS)).select_from(moved)
    return insert(events).from_select(list(AUDIT_COLUMNS), audit).returning(events.c.id)


AUDIT_COLUMNS = tuple(AuditEntry.__dataclass_fields__)


def save_and_record(session: Session, app: Application, read_version: int, entry: AuditEntry) -> None:
    """Write the event's change to the application — the changed columns, the new version and
    ``updated_at``, ``WHERE version = <as read>`` (no row: another writer got there first → conflict) —
    and its audit event. The values then count as the ORM's committed state, so the closing flush does
    not write them again."""
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
            _insert_event(session, entry)
    if not recorded:
        raise _Stale
    # What the unit of work does after writing a row itself (SQLAlchemy has no public call for it):
    # every attribute committed, the object no longer "modified" — so the commit's flush skips it
    # instead of comparing its 44 columns again. tests/workflow/test_integrity.py guards it.
    state = instance_state(app)
    state._commit_all(state.dict, session.identity_map)


def _conflict(session: Session, application_id: int) -> Conflict:
    end_transaction(session)
    app = session.get(Application, application_id)
    exc = Conflict(
        f"申请已被他人修改（当前状态“{STATES.get(app.status, app.status)}”，版本 {app.version}），请刷新后重试"
        if app else "申请已被他人修改，请刷新后重试"
    )
    exc.current = {"status": app.status, "version": app.version} if app else None
    return exc


def fire(
    session: Session,
    actor: Actor,
    application_id: int,
    event: str,
    inputs: Any = None,
    *,
    expected_version: int | None = None,
    today: date | None = None,
    hooks: dict[str, Callable[..., Any]] | None = None,
    registry: CalendarRegistry | None = None,
) -> FireResult:
    spec = EVENT_SPECS.get(event)
    if spec is None:
        raise NotFound(f"未知的操作“{event}”")
    today = today or local_today()
    registry = registry or get_registry()
    hooks = hooks or {}
    try:
        with begin_write(session):
            app, agency, applicant, present = load_for_event(session, application_id)
            if not actor.can_see(agency):
                raise NotFound(f"申请（编号 {application_id}）不存在")
            if expected_version is not None and app.version != expected_version:
                raise _Stale
            role = pick_role(actor, agency, spec.allowed_roles(agency), spec.label)
            if not spec.record_only and not machine.allowed_from(app.status, event):
                raise Refused(f"申请当前状态为“{STATES[app.status]}”，不能{spec.label}")
            data = parse(spec.inputs, inputs)
            ctx = Ctx(session, actor, role, app, agency, today, datetime.now(timezone.utc), registry, hooks,
                      details=applicant, present=present)
            # One UPDATE of the application at the end rather than one per query the handler makes.
            with session.no_autoflush:
                if spec.precheck:
                    spec.precheck(ctx)
                before = snapshot(app)
                from_state, read_version = app.status, app.version
                spec.apply(ctx, data)  # refusals come before any change, mostly: the session stays clean
                bump_version(app)
                # A record event moves only when its handler raised a flag the machine table moves on
                # (an edit that voids the secrecy review); the audit event records the move.
                if not spec.record_only or any(ctx.flags.values()):
                    app.status = machine.next_state(from_state, event, **ctx.flags)
                refresh_clock_cache(ctx)
                app.updated_at = ctx.now
                ev = audit_entry(ctx, event, from_state, app.status, data, before)
                save_and_record(session, app, read_version, ev)
            if "before_commit" in hooks:
                hooks["before_commit"](ctx)
            session.flush()  # the records the handler added or changed (letters, fees…), if any
            result = FireResult(app, ev, ctx.notes, agency, ctx.applicant(), ctx.letters())
    except _Stale:
        raise _conflict(session, application_id) from None
    except StaleDataError:
        raise _conflict(session, application_id) from None
    except IntegrityError as exc:
        if "events" in str(exc.orig).lower() or "seq" in str(exc.orig).lower():
            raise _conflict(session, application_id) from None
        raise
    return result


class _Stale(Exception):
    pass


# -- "what can this user do now" ---------------------------------------------------------------------


def available_actions(session: Session, actor: Actor, application_id: int, *, today: date | None = None,
                      registry: CalendarRegistry | None = None) -> list[dict]:
    """Every event: allowed now for this user, or the reason it is not (role, state, guard)."""
    today = today or local_today()
    registry = registry or get_registry()
    app = load_application(session, application_id)
    agency = session.get(Agency, app.agency_id)
    if not actor.can_see(agency):
        raise NotFound(f"申请（编号 {application_id}）不存在")
    out = []
    for name, spec in EVENT_SPECS.items():
        if spec.record_only and spec.offered is None:
            continue
        item = {"event": name, "label": spec.label, "allowed": False, "reason": None}
        try:
            role = pick_role(actor, agency, spec.allowed_roles(agency), spec.label)
            if not spec.record_only and not machine.allowed_from(app.status, name):
                raise Refused(f"当前状态为“{STATES[app.status]}”，不能{spec.label}")
            ctx = Ctx(session, actor, role, app, agency, today, datetime.now(timezone.utc), registry, {})
            for check in (spec.precheck, spec.offered):
                if check:
                    check(ctx)
            item["allowed"] = True
            item["role"] = role
            advice = spec.advice(ctx) if spec.advice else None
            if advice:
                item["note"] = advice
        except DomainError as exc:
            item["reason"] = exc.message
        out.append(item)
    end_transaction(session)  # prechecks only read
    return out
