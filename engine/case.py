"""The ``Case`` aggregate: one application with everything its rules read, loaded once per event.

The application, its agency, the applicant as given on it, its consultations, fees, letters, service
records and review cases, and — through ``CaseHistory`` — what the rules need of its audit trail and of
the agency's other records. Decisions and guards read only this (and ``Act``: who acts, when, with which
calendars); they never see a session. ``engine.case_repository`` loads a case from the database (each
kind of record on first use, at most once per event); tests build one in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from calendars import CalendarRegistry

from .actors import Actor
from .app_clock import ClockView, answer_clock
from .errors import InputError
from .models import (Agency, ApplicantDetails, Application, Consultation, Document, Event, FeeAssessment, Letter,
                     ReviewCase, ServiceRecord)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> date:
    """The agency's calendar day (China has one time zone)."""
    return datetime.now(SHANGHAI).date()


# The kinds of records that hang off an application, by the model they are kept in.
RELATED = {"consultations": Consultation, "fees": FeeAssessment, "letters": Letter,
           "service_records": ServiceRecord, "review_cases": ReviewCase, "documents": Document}


class CaseHistory(Protocol):
    """What the rules read beyond the case's own records: its audit trail and the agency's other records."""

    def events(self) -> list[Event]: ...  # the audit trail, in order

    def draft_editors(self, letter_id: int) -> set[int]: ...  # who edited that draft (edit_letter events)

    def last_legal_review_comments(self) -> str: ...

    def correction_requested_in_family(self) -> bool: ...  # this application, its parent or a split sibling

    def current_start(self) -> date: ...  # when the current handling began (reopened cases)

    def earlier_application(self, number: str) -> Application | None: ...  # of the same agency

    def applicant_month_position(self, scope: str) -> int: ...  # among the applicant's applications this month

    def is_agency_clerk(self, user_id: int) -> bool: ...


@dataclass
class StaticHistory:
    """A history given as data: a new application's (nothing yet), and the unit tests'."""

    trail: list[Event] = field(default_factory=list)
    editors: dict[int, set[int]] = field(default_factory=dict)
    legal_comments: str = ""
    family_corrected: bool = False
    start: date | None = None
    earlier: dict[str, Application] = field(default_factory=dict)
    month_position: int = 1
    clerks: set[int] = field(default_factory=set)

    def events(self) -> list[Event]:
        return list(self.trail)

    def draft_editors(self, letter_id: int) -> set[int]:
        return set(self.editors.get(letter_id, set()))

    def last_legal_review_comments(self) -> str:
        return self.legal_comments

    def correction_requested_in_family(self) -> bool:
        return self.family_corrected

    def current_start(self) -> date:
        return self.start or date.min

    def earlier_application(self, number: str) -> Application | None:
        return self.earlier.get(number)

    def applicant_month_position(self, scope: str) -> int:
        return self.month_position

    def is_agency_clerk(self, user_id: int) -> bool:
        return user_id in self.clerks


@dataclass
class Act:
    """Who acts (in which role), on which day, with which calendars."""

    actor: Actor
    role: str
    today: date
    now: datetime
    registry: CalendarRegistry

    def check_date(self, value: date, what: str, *, not_before: date | None = None, not_before_what: str = "") -> date:
        """A date the user gives: not after today, not before ``not_before``."""
        if value > self.today:
            raise InputError(f"{what} {value} 晚于今天")
        if not_before and value < not_before:
            raise InputError(f"{what} {value} 早于{not_before_what} {not_before}")
        return value


@dataclass
class Case:
    app: Application
    agency: Agency
    applicant: ApplicantDetails
    history: CaseHistory = field(default_factory=StaticHistory)
    records: dict[str, list] = field(default_factory=dict)  # kind → rows, as loaded so far
    loader: Callable[[str], list] | None = None  # reads a kind not loaded yet (None: in memory, empty)

    @property
    def opts(self):
        return self.agency.options

    def load(self, kind: str) -> list:
        if kind not in self.records:
            self.records[kind] = self.loader(kind) if self.loader else []
        return self.records[kind]

    def consultations(self) -> list[Consultation]:
        return list(self.load("consultations"))

    def fees(self) -> list[FeeAssessment]:
        return list(self.load("fees"))

    def letters(self) -> list[Letter]:
        return list(self.load("letters"))

    def service_records(self) -> list[ServiceRecord]:
        return list(self.load("service_records"))

    def review_cases(self) -> list[ReviewCase]:
        return list(self.load("review_cases"))

    def documents(self) -> list[Document]:
        return list(self.load("documents"))

    def document(self, document_id: int) -> Document | None:
        return next((d for d in self.load("documents") if d.id == document_id), None)

    def letter(self, letter_id: int) -> Letter | None:
        return next((x for x in self.load("letters") if x.id == letter_id), None)

    def consultation(self, consultation_id: int) -> Consultation | None:
        return next((c for c in self.load("consultations") if c.id == consultation_id), None)

    def fee(self, fee_id: int | None) -> FeeAssessment | None:
        return next((f for f in self.load("fees") if f.id == fee_id), None)

    def review_case(self, case_id: int) -> ReviewCase | None:
        return next((c for c in self.load("review_cases") if c.id == case_id), None)

    def added(self, record: object) -> None:
        """A record the unit of work inserted: later reads of this case see it."""
        for kind, model in RELATED.items():
            if isinstance(record, model):
                if kind in self.records:
                    self.records[kind].append(record)
                return

    def clock(self, act: Act) -> ClockView:
        return answer_clock(act.registry, self.app, self.agency, self.consultations(), self.fees(), act.today)
