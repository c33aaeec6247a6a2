"""条例 art 44: the agency's recorded decision on a subject requested repeatedly by different applicants."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from .base import json_column, utc_column, utcnow


class ProactiveDisclosureDecision(SQLModel, table=True):
    """Whether a subject requested repeatedly becomes proactive disclosure (主动公开), why, who, when.
    Rows are only inserted (a later decision on the same subject is a new row); each is also written to
    the admin audit log in the same transaction."""

    __tablename__ = "proactive_disclosure_decisions"

    id: Optional[int] = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    key_application_id: int = Field(foreign_key="applications.id")  # the subject's earliest application
    subject: str = Field(max_length=500)  # the subject as listed when decided
    application_ids: list = Field(default_factory=list, sa_column=json_column())  # the applications behind it
    decision: str = Field(max_length=16)  # convert | decline
    reasons: str = Field(max_length=2000)
    where: str = Field(default="", max_length=500)  # where it is (to be) published, for convert
    decided_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    decided_by_name: str = Field(default="", max_length=100)
    decided_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
