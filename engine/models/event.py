"""The audit trail: append-only (database triggers refuse UPDATE and DELETE); one row per state change,
written in the change's transaction, each chained to its predecessor by a hash."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import json_column, utc_column, utcnow


class Event(SQLModel, table=True):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("application_id", "seq"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id")  # indexed by the (application_id, seq) key
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    seq: int  # 1, 2, 3… per application; the unique constraint refuses a doubled transition
    name: str = Field(max_length=40)
    from_state: Optional[str] = Field(default=None, max_length=32)
    to_state: str = Field(max_length=32)
    actor_id: Optional[int] = Field(default=None, foreign_key="users.id")
    actor_name: str = Field(max_length=100)
    role: str = Field(max_length=32)
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
    effective_date: Optional[str] = Field(default=None, max_length=10)  # the legal date (lapses: not the sweep's)
    inputs: dict = Field(default_factory=dict, sa_column=json_column())
    changes: dict = Field(default_factory=dict, sa_column=json_column())  # field: [before, after]
    reason: str = ""
    # The hash chain (engine/audit_chain.py): the previous event's hash (the genesis constant for the
    # first) and this event's hash over its content and prev_hash. UPDATE and DELETE are refused by triggers.
    prev_hash: str = Field(max_length=64, sa_column_kwargs={"server_default": ""})
    hash: str = Field(max_length=64, sa_column_kwargs={"server_default": ""})


class AccessLog(SQLModel, table=True):
    """Reading a full identity number or phone (masked everywhere else) is logged here, with the agency
    and the application whose record was read."""

    __tablename__ = "access_log"

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    agency_id: Optional[int] = Field(default=None, foreign_key="agencies.id")
    applicant_id: int = Field(foreign_key="applicants.id", index=True)
    application_id: Optional[int] = Field(default=None, foreign_key="applications.id")  # revealed on it
    what: str = Field(max_length=32)
    reason: str = ""
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
