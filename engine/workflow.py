"""The one way an application changes: ``fire(event)`` — one transaction of
load the case (locked) → version check → role → state → inputs → guards → decision → unit of work
(change, audit event, compare-and-set) → commit.

``available_actions`` runs the same checks up to the decision, so what it offers is what ``fire``
accepts, and what it refuses it refuses with the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from calendars import CalendarRegistry

from . import machine
from .actors import Actor, pick_role
from .calendar_registry import get_registry
from .case import Act, Case, local_today
from .case_repository import load_case
from .db import begin_write, end_transaction
from .errors import Conflict, DomainError, NotFound, Refused
from .eventdef import EventDef
from .models import Agency, ApplicantDetails, Application, Letter
from .registration import register
from .services.catalog import EVENTS, FIRED
from .states import STATES
from .unit_of_work import AuditEntry, LetterPort, Stale, commit_event
from .validation import parse

__all__ = ["EVENTS", "FireResult", "available_actions", "fire", "local_today", "register"]


@dataclass
class FireResult:
    """The committed change and what the answer to it shows, gathered inside the transaction."""

    application: Application
    event: AuditEntry
    agency: Agency
    applicant: ApplicantDetails
    letters: list[Letter]


def admit(case: Case, actor: Actor, event: EventDef, today: date, registry: CalendarRegistry) -> Act:
    """Role, state and guards — the checks before the decision, the same for ``fire`` and for
    ``available_actions``. Returns who acts in which role; raises the refusal with its reason."""
    role = pick_role(actor, case.agency, event.allowed_roles(case.agency), event.label)
    if not event.record_only and not machine.allowed_from(case.app.status, event.name):
        raise Refused(f"申请当前状态为“{STATES[case.app.status]}”，不能{event.label}")
    act = Act(actor, role, today, datetime.now(timezone.utc), registry)
    for guard in event.guards:
        guard(case, act)
    return act


def fire(
    session: Session,
    actor: Actor,
    application_id: int,
    event: str,
    inputs: Any = None,
    *,
    expected_version: int | None = None,
    today: date | None = None,
    letters: LetterPort | None = None,
    registry: CalendarRegistry | None = None,
    before_commit: Callable[[Case], None] | None = None,  # tests: a failure just before the commit
) -> FireResult:
    spec = FIRED.get(event)
    if spec is None:
        raise NotFound(f"未知的操作“{event}”")
    today = today or local_today()
    registry = registry or get_registry()
    try:
        with begin_write(session):
            case = load_case(session, application_id, lock=True)
            if not actor.can_see(case.agency):
                raise NotFound(f"申请（编号 {application_id}）不存在")
            if expected_version is not None and case.app.version != expected_version:
                raise Stale
            act = admit(case, actor, spec, today, registry)
            data = parse(spec.inputs, inputs)
            change = spec.decide(case, data, act)
            entry = commit_event(session, case, act, spec, change, data, letters)
            if before_commit is not None:
                before_commit(case)
            result = FireResult(case.app, entry, case.agency, case.applicant, case.letters())
    except (Stale, StaleDataError):
        raise _conflict(session, application_id) from None
    except IntegrityError as exc:
        if "events" in str(exc.orig).lower() or "seq" in str(exc.orig).lower():
            raise _conflict(session, application_id) from None
        raise
    return result


def _conflict(session: Session, application_id: int) -> Conflict:
    end_transaction(session)
    app = session.get(Application, application_id)
    exc = Conflict(
        f"申请已被他人修改（当前状态“{STATES.get(app.status, app.status)}”，版本 {app.version}），请刷新后重试"
        if app else "申请已被他人修改，请刷新后重试"
    )
    exc.current = {"status": app.status, "version": app.version} if app else None
    return exc


def available_actions(session: Session, actor: Actor, application_id: int, *, today: date | None = None,
                      registry: CalendarRegistry | None = None) -> list[dict]:
    """Every event on offer for the case: allowed now for this user, or the reason it is not (role,
    state, guard) — the reason ``fire`` would give."""
    today = today or local_today()
    registry = registry or get_registry()
    case = load_case(session, application_id)
    if not actor.can_see(case.agency):
        raise NotFound(f"申请（编号 {application_id}）不存在")
    out = []
    for name, spec in FIRED.items():
        if not spec.listed:
            continue
        item = {"event": name, "label": spec.label, "allowed": False, "reason": None}
        try:
            act = admit(case, actor, spec, today, registry)
            item["allowed"] = True
            item["role"] = act.role
            advice = spec.advice(case, act) if spec.advice else None
            if advice:
                item["note"] = advice
        except DomainError as exc:
            item["reason"] = exc.message
        out.append(item)
    end_transaction(session)  # guards only read
    return out
