"""Loading a ``Case`` from the database: the one repository of the event path, the letter audit, the
detail query and ``ogi check``.

For an event, one statement reads the application (row-locked on PostgreSQL; SQLite writers hold the
database lock already), its agency, the applicant as given on it and whether it has consultations,
fees and letters (``PROBED``); each kind is then read on first use, at most once (an application
without fees costs no query for them; the rarer kinds cost one query, only in the events that read
them). ``DbHistory`` answers what the rules need of the audit trail and of the agency's other records,
each question at most once per case.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, exists, func
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from .case import RELATED, Case, StaticHistory
from .db import is_postgres
from .errors import NotFound
from .models import Agency, ApplicantDetails, Application, Event, Letter, RoleGrant
from .reports.episodes import current_start_of
from .signals import month_bounds, same_identity


# The kinds probed with the load (``EXISTS``): those the clock and most decisions read, so a case without
# them costs no query. The others (documents, redactions, service records, review cases) are read by a few
# events only, which query them on first use; probing them would cost every event a subquery each.
PROBED = ("consultations", "fees", "letters")


@lru_cache(maxsize=2)
def _event_load_statement(postgres: bool):
    """Built once per dialect (building it costs more than running it)."""

    def has(model) -> Any:
        return exists().where(model.application_id == Application.id).correlate(Application)

    stmt = (select(Application, Agency, ApplicantDetails, *(has(RELATED[kind]) for kind in PROBED))
            .join(Agency, Agency.id == Application.agency_id)
            .join(ApplicantDetails, ApplicantDetails.application_id == Application.id)
            .where(Application.id == bindparam("application_id")))
    return stmt.with_for_update(of=Application) if postgres else stmt


def related_rows(session: Session, application_id: int, kind: str, *, with_pdf: bool = False) -> list:
    model = RELATED[kind]
    stmt = select(model).where(model.application_id == application_id).order_by(model.id)
    if model is Letter and not with_pdf:
        stmt = stmt.options(defer(Letter.pdf))  # the frozen PDF is read only to serve or check it
    return list(session.exec(stmt).all())


def load_case(session: Session, application_id: int, *, lock: bool = False) -> Case:
    """The case of one application; ``lock``: for an event (row lock on PostgreSQL)."""
    stmt = _event_load_statement(lock and is_postgres(session.get_bind()))
    row = session.exec(stmt, params={"application_id": application_id}).first()
    if row is None:
        raise NotFound(f"申请（编号 {application_id}）不存在")
    app, agency, applicant, *present = row
    records = {kind: [] for kind, there in zip(PROBED, present) if not there}
    return Case(app, agency, applicant, DbHistory(session, app), records,
                loader=lambda kind: related_rows(session, app.id, kind))


def case_of(session: Session, app: Application, agency: Agency | None = None) -> Case:
    """The case of an application already read (lists, checks): its records read on first use."""
    agency = agency or session.get(Agency, app.agency_id)
    applicant = session.get(ApplicantDetails, app.id)
    return Case(app, agency, applicant, DbHistory(session, app), {},
                loader=lambda kind: related_rows(session, app.id, kind))


class DbHistory:
    """``CaseHistory`` read from the database (each answer at most once per case)."""

    def __init__(self, session: Session, app: Application) -> None:
        self.session, self.app = session, app
        self._edits: list | None = None
        self._events: list[Event] | None = None

    def events(self) -> list[Event]:
        if self._events is None:
            self._events = list(self.session.exec(select(Event).where(Event.application_id == self.app.id)
                                                  .order_by(Event.seq)).all())
        return list(self._events)

    def _edit_events(self) -> list:
        if self._edits is None:
            self._edits = list(self.session.exec(select(Event.actor_id, Event.changes).where(
                Event.application_id == self.app.id, Event.name == "edit_letter")).all())
        return self._edits

    def draft_editors(self, letter_id: int) -> set[int]:
        return {actor for actor, changes in self._edit_events()
                if ((changes or {}).get("_related") or {}).get("letter", {}).get("id") == letter_id}

    def last_legal_review_comments(self) -> str:
        return self.session.exec(select(Event.reason).where(
            Event.application_id == self.app.id, Event.name == "legal_review").order_by(Event.seq.desc())).first() or ""

    def correction_requested_in_family(self) -> bool:
        """The application as the applicant sent it: this one, the one it was split from and every part
        split off either (一事一申请 divides one application; it is still corrected only once)."""
        root = self.app
        while root.parent_id is not None:
            parent = self.session.get(Application, root.parent_id)
            if parent is None:
                break
            root = parent
        family, frontier = [root.id], [root.id]
        while frontier:
            frontier = list(self.session.exec(select(Application.id).where(Application.parent_id.in_(frontier))).all())
            family += frontier
        asked = self.session.exec(select(Event.id).where(Event.application_id.in_(family),
                                                         Event.name == "request_correction")).first()
        return asked is not None

    def current_start(self) -> date:
        return current_start_of(self.session, self.app.id)

    def earlier_application(self, number: str) -> Application | None:
        return self.session.exec(select(Application).where(
            Application.number == number, Application.agency_id == self.app.agency_id)).first()

    def applicant_month_position(self, scope: str) -> int:
        app = self.app
        start, end = month_bounds(app.received_date)
        applicants = [app.applicant_id] if scope == "agency" else same_identity(app.applicant_id, None)
        stmt = select(func.count()).select_from(Application).where(
            Application.applicant_id.in_(applicants),
            Application.received_date >= start, Application.received_date < end,
            (Application.received_date < app.received_date)
            | ((Application.received_date == app.received_date) & (Application.id <= app.id)),
        )
        return self.session.exec(stmt).one()

    def is_agency_clerk(self, user_id: int) -> bool:
        return self.session.exec(select(RoleGrant.id).where(
            RoleGrant.user_id == user_id, RoleGrant.agency_id == self.app.agency_id, RoleGrant.role == "clerk")
        ).first() is not None


def full_case(session: Session, application_id: int) -> Case:
    """The case with every record and its audit trail read now: usable after the session has closed
    (reports over many cases, tests that look at a case as data)."""
    case = load_case(session, application_id)
    records = {kind: related_rows(session, application_id, kind, with_pdf=True) for kind in RELATED}
    return Case(case.app, case.agency, case.applicant, StaticHistory(trail=case.history.events()), records)
