"""Applications (申请): the record the state machine moves.

``due_date``/``clock_state`` are a cache of the clock, recomputed in the same transaction as every
event and when a calendar year is loaded, so lists can sort and filter by them; "overdue" is never
stored — it is ``due_date < today`` when read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Index
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from .base import json_column, utc_column, utcnow


class Application(SQLModel, table=True):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_agency_status_due", "agency_id", "status", "due_date"),
        Index("ix_applications_applicant_received", "applicant_id", "received_date"),
        Index("ix_applications_agency_received", "agency_id", "received_date"),  # reports: new, carried
        Index("ix_applications_agency_concluded", "agency_id", "concluded_on"),  # reports: concluded
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    # No index of its own: the three (agency_id, …) indexes above serve every lookup by agency, and each
    # index more is one more entry written by every event (the status always changes, so no HOT update).
    agency_id: int = Field(foreign_key="agencies.id")
    number: str = Field(unique=True, max_length=64)  # tracking number
    applicant_id: int = Field(foreign_key="applicants.id")
    parent_id: Optional[int] = Field(default=None, foreign_key="applications.id")  # split sibling's origin
    related_id: Optional[int] = Field(default=None, foreign_key="applications.id")  # earlier application

    channel: str = Field(max_length=32)  # in_person | oral | post_signed | ordinary_post | online | fax | email
    channel_facts: dict = Field(default_factory=dict, sa_column=json_column())
    received_date: date  # derived from the channel and facts (art 31)
    request_text: str
    purpose: str = ""
    # disclosure: 政府信息公开申请; correction: a request to correct information about oneself (条例 art 41)
    request_kind: str = Field(default="disclosure", max_length=16)
    evidence: str = ""  # art 41: the evidence that the record is inaccurate, as the applicant gave it
    form_wanted: str = Field(max_length=32)  # paper | electronic | …
    delivery_wanted: str = Field(max_length=32)  # post | email | online | pickup | fax

    status: str = Field(max_length=32, index=True)
    outcome: Optional[str] = Field(default=None, max_length=32, index=True)
    outcome_details: dict = Field(default_factory=dict, sa_column=json_column())
    withhold_ground: Optional[str] = Field(default=None, max_length=32)

    registered_by_id: int = Field(foreign_key="users.id")
    handling_clerk_id: Optional[int] = Field(default=None, foreign_key="users.id", index=True)
    decided_by_id: Optional[int] = Field(default=None, foreign_key="users.id")

    # clock inputs (consultations and fees add pauses from their own tables)
    correction_requested_on: Optional[date] = None
    correction_items: list = Field(default_factory=list, sa_column=json_column())
    correction_period_days: Optional[int] = None
    correction_notice_served_on: Optional[date] = None
    correction_received_on: Optional[date] = None  # the answer clock restarts here
    extension_days: int = 0
    extension_requested_days: Optional[int] = None
    extension_requested_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    extension_reason: str = ""
    reasons_reply_by: Optional[date] = None
    later_due_date: Optional[date] = None  # art 35, or a review decision's date after reopen
    later_due_reason: str = ""
    legal_review: Optional[str] = Field(default=None, max_length=16)  # approved | returned

    # conclusion
    concluded_on: Optional[date] = Field(default=None, index=True)  # reply issued or closed (report basis)
    replied_on: Optional[date] = None
    replied_on_time: Optional[bool] = None
    late_by_working_days: Optional[int] = None
    archived_on: Optional[date] = None

    # clock cache (derived; see module doc)
    due_date: Optional[date] = Field(default=None, index=True)
    due_provisional: bool = False
    clock_state: str = Field(default="running", max_length=16)  # running | paused | stopped

    version: int = Field(default=1)  # = number of audit events; bumped by compare-and-set per event
    events_head: Optional[str] = Field(default=None, max_length=64)  # the last event's hash, set with version
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())

    @declared_attr  # type: ignore[misc]
    def __mapper_args__(cls) -> dict:  # noqa: N805
        # Every ORM UPDATE carries "AND version = <as read>" (no row: StaleDataError). The services set
        # the new version themselves — once per audit event, never on other writes.
        return {"version_id_col": cls.__table__.c.version, "version_id_generator": False}
