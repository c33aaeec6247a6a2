"""What keeps a published annual report stable: the conclusions a reopening replaced, and the figures
of a year frozen after publication."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import json_column, utc_column, utcnow


class PriorConclusion(SQLModel, table=True):
    """An application's conclusion as it stood before a review decision or judgment reopened it
    (重新答复). The report keeps counting it in the year it was made; the new reply counts in its own
    year (engine/reports/episodes.py)."""

    __tablename__ = "prior_conclusions"

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    started_on: date  # when this handling began: the receipt, or the previous reopening
    concluded_on: date = Field(index=True)
    outcome: str = Field(max_length=32)
    withhold_ground: Optional[str] = Field(default=None, max_length=32)
    reopened_on: date
    decision_reference: str = Field(default="", max_length=200)


class FrozenReport(SQLModel, table=True):
    """The annual report figures of one agency and year as published; never changed afterwards."""

    __tablename__ = "frozen_reports"
    __table_args__ = (UniqueConstraint("agency_id", "year", name="uq_frozen_reports_agency_year"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agencies.id")
    year: int
    figures: dict = Field(default_factory=dict, sa_column=json_column())  # table3, table4, fees
    frozen_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    frozen_by_id: Optional[int] = Field(default=None, foreign_key="users.id")  # none: from the command line
    frozen_by_name: str = Field(max_length=100)
