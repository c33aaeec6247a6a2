"""The records an application accumulates: consultations, fees, letters, service, alerts, review cases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from .base import json_column, utc_column, utcnow


class Consultation(SQLModel, table=True):
    __tablename__ = "consultations"

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    kind: str = Field(max_length=16)  # third_party (art 32) | agency (art 34)
    party: str = Field(max_length=200)
    contact: str = Field(default="", max_length=200)
    # day 0 of its 15-working-day clock (None until the party has the letter); the answer clock pauses after it
    party_received_on: Optional[date] = None
    reply_due: Optional[date] = None
    status: str = Field(default="open", max_length=16)  # open | closed
    result: Optional[str] = Field(default=None, max_length=16)  # consent | objection | other | lapsed | withdrawn
    reply_received_on: Optional[date] = None  # or the lapse date: the pause ends here
    reply_reasons: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class FeeAssessment(SQLModel, table=True):
    __tablename__ = "fee_assessments"

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    method: str = Field(max_length=16)  # per_item | per_volume
    units: int  # the item's position in the applicant's month, or pages
    amount_fen: int  # computed, never typed
    breakdown: list = Field(default_factory=list, sa_column=json_column())  # the band arithmetic
    basis: dict = Field(default_factory=dict, sa_column=json_column())  # monthly count, page rule…
    status: str = Field(default="proposed", max_length=16)  # proposed|approved|rejected|waived|paid|lapsed|cancelled
    proposed_by_id: int = Field(foreign_key="users.id")
    proposed_on: date
    approved_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    approved_amount_fen: Optional[int] = None
    approved_on: Optional[date] = None
    notice_served_on: Optional[date] = None  # the applicant received the 收费通知书: the fee pause begins
    # day 0 of the payment period: the service, or the dispatch under the agency's rule (None: not started)
    payment_period_from: Optional[date] = None
    payment_due: Optional[date] = None
    paid_amount_fen: Optional[int] = None
    receipt_number: str = Field(default="", max_length=64)  # 财政票据号
    paid_on: Optional[date] = None
    closed_on: Optional[date] = None  # paid, waived, rejected or lapsed: the pause ends here
    reason: str = ""


class Letter(SQLModel, table=True):
    """A letter record owned by the engine; ``letters/`` renders and audits it."""

    __tablename__ = "letters"
    __table_args__ = (UniqueConstraint("agency_id", "year", "series", "seq"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    agency_id: int = Field(foreign_key="agencies.id")  # indexed by the (agency_id, year, series, seq) key
    type: str = Field(max_length=40)  # acknowledgement, correction_notice, …, reply
    outcome: Optional[str] = Field(default=None, max_length=32)  # reply letters: the outcome template
    status: str = Field(default="draft", max_length=16)  # draft | issued | void
    addressee: str = Field(default="", max_length=200)
    data: dict = Field(default_factory=dict, sa_column=json_column())  # the data snapshot
    drafted_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    # issue and freeze
    series: Optional[str] = Field(default=None, max_length=32)
    year: Optional[int] = None
    seq: Optional[int] = None
    number: Optional[str] = Field(default=None, max_length=64, index=True)  # 文号
    issued_on: Optional[date] = None
    issued_at: Optional[datetime] = Field(default=None, sa_column=utc_column(nullable=True))
    signer_id: Optional[int] = Field(default=None, foreign_key="users.id")
    template_version: Optional[str] = Field(default=None, max_length=64)
    pdf_sha256: Optional[str] = Field(default=None, max_length=64)
    pdf: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    # Tamper evidence (engine/audit_chain.py): the application's chain head when the letter was issued,
    # and the hash of everything frozen at issue — recorded also in the event that issues it.
    chain_head: Optional[str] = Field(default=None, max_length=64)
    content_sha256: Optional[str] = Field(default=None, max_length=64)
    # Once issued, only status (issued → void), void_reason and voided_at may change (database triggers).
    void_reason: str = ""
    voided_at: Optional[datetime] = Field(default=None, sa_column=utc_column(nullable=True))


class ServiceRecord(SQLModel, table=True):
    """送达: delivery of an issued letter (or proof that delivery failed)."""

    __tablename__ = "service_records"

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    letter_id: int = Field(foreign_key="letters.id", index=True)
    method: str = Field(max_length=32)  # post | email | online | in_person | fax | other
    served_on: date
    dispatched_on: Optional[date] = None  # sent (交邮、发出): day 0 of the periods where the agency's rule says so
    tracking_number: str = Field(default="", max_length=100)
    proof: str = Field(default="", max_length=300)  # file reference or description
    proof_document_id: Optional[int] = Field(default=None, foreign_key="documents.id")  # a 送达凭证 of the case file
    failed: bool = False
    # remedy periods, when the served letter decides the application (engine/remedy_periods.py)
    review_by: Optional[date] = None
    sue_by: Optional[date] = None
    remedy_provisional: bool = False
    # None: recorded by the system (the applicant's first download of the letter on the portal)
    recorded_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class Alert(SQLModel, table=True):
    __tablename__ = "alerts"

    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)  # (application, kind, threshold, due date): exactly once
    agency_id: Optional[int] = Field(default=None, foreign_key="agencies.id", index=True)
    user_id: Optional[int] = Field(default=None, foreign_key="users.id", index=True)
    application_id: Optional[int] = Field(default=None, foreign_key="applications.id", index=True)
    kind: str = Field(max_length=40)
    message: str
    due_date: Optional[date] = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    read_at: Optional[datetime] = Field(default=None, sa_column=utc_column(nullable=True))


class ReviewCase(SQLModel, table=True):
    """行政复议 / 行政诉讼 against an application's reply (report table 四)."""

    __tablename__ = "review_cases"

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    kind: str = Field(max_length=32)  # reconsideration | direct_suit | suit_after_reconsideration
    case_number: str = Field(max_length=100)
    filed_on: date
    decided_on: Optional[date] = None
    result: str = Field(default="pending", max_length=16)  # upheld | corrected | other | pending
    notes: str = ""


class NumberSeries(SQLModel, table=True):
    """Counters for tracking numbers and 文号: incremented inside the caller's transaction."""

    __tablename__ = "number_series"
    __table_args__ = (UniqueConstraint("agency_id", "series", "year"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agencies.id")
    series: str = Field(max_length=32)
    year: int
    last: int = 0


class Delivery(SQLModel, table=True):
    """One alert (or digest) to deliver over a channel; retried with backoff, never dropped."""

    __tablename__ = "deliveries"

    id: Optional[int] = Field(default=None, primary_key=True)
    alert_id: Optional[int] = Field(default=None, foreign_key="alerts.id", index=True)
    key: Optional[str] = Field(default=None, unique=True, max_length=200)  # digests: one per clerk and day
    channel: str = Field(max_length=16)  # email | webhook
    target: str = Field(max_length=300)  # address or URL
    subject: str = Field(default="", max_length=300)
    body: str = ""
    status: str = Field(default="pending", max_length=16, index=True)  # pending | sent | failed (gave up)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
    last_error: str = ""
    sent_at: Optional[datetime] = Field(default=None, sa_column=utc_column(nullable=True))
