"""What one event works on (``Ctx``): the locked application, its agency, the applicant as given on
it, and the records that hang off it, each read at most once per event.

The pipeline tells the context which kinds of related records exist (read with the locked row), so an
application without consultations, fees or letters costs no query for them. A handler that creates a
record goes through ``ctx.add`` so the next read sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import defer, make_transient_to_detached
from sqlmodel import Session, select

from calendars import CalendarRegistry

from ..actors import Actor
from ..app_clock import ClockView, answer_clock
from ..errors import InputError, Refused
from ..models import Agency, ApplicantDetails, Application, Consultation, FeeAssessment, Letter

# The kinds of records the clock and the handlers read, by the model they are kept in.
RELATED = {"consultations": Consultation, "fees": FeeAssessment, "letters": Letter}


@dataclass
class Ctx:
    session: Session
    actor: Actor
    role: str
    app: Application
    agency: Agency
    today: date
    now: datetime
    registry: CalendarRegistry
    hooks: dict[str, Callable[..., Any]]
    flags: dict[str, bool] = field(default_factory=dict)
    effective_date: date | None = None
    reason: str = ""
    notes: dict[str, Any] = field(default_factory=dict)  # related records changed, for the audit event
    details: ApplicantDetails | None = None  # given by the pipeline's load; read on first use otherwise
    present: dict[str, bool] | None = None  # which RELATED kinds exist; None: unknown, query
    _records: dict[str, list] = field(default_factory=dict)

    @property
    def opts(self):
        return self.agency.options

    def _related(self, kind: str) -> list:
        if kind not in self._records:
            if self.present is not None and not self.present.get(kind, True):
                self._records[kind] = []
            else:
                model = RELATED[kind]
                stmt = select(model).where(model.application_id == self.app.id).order_by(model.id)
                if model is Letter:
                    stmt = stmt.options(defer(Letter.pdf))  # the frozen PDF is read only to serve or check it
                self._records[kind] = list(self.session.exec(stmt).all())
        return list(self._records[kind])

    def consultations(self) -> list[Consultation]:
        return self._related("consultations")

    def fees(self) -> list[FeeAssessment]:
        return self._related("fees")

    def letters(self) -> list[Letter]:
        return self._related("letters")

    def add(self, record: Any) -> Any:
        """Insert a record of this application (at once, so it has its id) and let later reads see it."""
        insert_now(self.session, record)
        for kind, model in RELATED.items():
            if isinstance(record, model):
                if kind in self._records:
                    self._records[kind].append(record)
                elif self.present is not None:
                    self.present[kind] = True
        return record

    def clock(self) -> ClockView:
        return answer_clock(self.registry, self.app, self.agency, self.consultations(), self.fees(), self.today)

    def applicant(self) -> ApplicantDetails:
        """The applicant as given on this application: letters are addressed from it."""
        if self.details is None:
            self.details = self.session.get(ApplicantDetails, self.app.id)
        return self.details

    def refuse(self, message: str) -> None:
        raise Refused(message)

    def check_date(self, value: date, what: str, *, not_before: date | None = None, not_before_what: str = "") -> date:
        if value > self.today:
            raise InputError(f"{what} {value} 晚于今天")
        if not_before and value < not_before:
            raise InputError(f"{what} {value} 早于{not_before_what} {not_before}")
        return value

    def draft_letter(self, type_: str, extra: dict | None = None, outcome: str | None = None) -> Letter:
        from .letters_due import letter_data

        letter = Letter(
            application_id=self.app.id, agency_id=self.agency.id, type=type_, outcome=outcome, status="draft",
            addressee=extra.get("addressee") if extra and extra.get("addressee") else self.applicant().name,
            data=letter_data(self, type_, extra or {}, outcome), drafted_by_id=self.actor.user_id,
        )
        self.add(letter)
        self.notes.setdefault("letters_drafted", []).append({"id": letter.id, "type": type_})
        return letter


def insert_now(session: Session, record: Any) -> None:
    """INSERT a new record right away and put it in the session as if loaded (persistent, unchanged).

    A flush would do the same but also write the application's changes made so far: a decision, which
    sets the outcome and then drafts its reply, wrote the locked row twice (an ORM UPDATE here, then
    the pipeline's compare-and-set). For records without relationships or server-side defaults, as
    every per-application record is."""
    mapper = type(record).__mapper__
    values = {}
    for prop in mapper.column_attrs:
        value, column = getattr(record, prop.key), prop.columns[0]
        if value is None and not column.type.should_evaluate_none:
            continue  # as a flush does: the column's default, NULL, or (the id) what the database assigns
        values[column.key] = value
    result = session.execute(insert(mapper.local_table), values)
    for prop, value in zip(mapper.primary_key, result.inserted_primary_key):
        setattr(record, mapper.get_property_by_column(prop).key, value)
    make_transient_to_detached(record)
    session.add(record)
