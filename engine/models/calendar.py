"""Working-day schedules imported by an operator (one row per import; the registry reads them)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from .base import utc_column, utcnow

CURRENT = text("superseded_at IS NULL")


class CalendarSchedule(SQLModel, table=True):
    """A year's schedule for a region, as imported (the YAML text is the record; it is parsed again
    when a registry is built). A re-import does not overwrite: the earlier row gets ``superseded_at``
    and stays, so a deadline computed before the correction can still be explained. At most one row
    per region and year is current (partial unique index)."""

    __tablename__ = "calendar_schedules"
    __table_args__ = (
        Index("uq_calendar_schedules_current", "region", "year", unique=True,
              sqlite_where=CURRENT, postgresql_where=CURRENT),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    region: str = Field(max_length=32)
    year: int
    region_name: str = Field(default="", max_length=100)
    source: str = Field(default="", max_length=300)  # the document that fixed the year (国办发明电…)
    content: str  # the validated YAML text, exactly as imported
    sha256: str = Field(max_length=64)
    imported_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    imported_by_id: Optional[int] = Field(default=None, foreign_key="users.id")  # none: from the command line
    imported_by_name: str = Field(max_length=100)
    superseded_at: Optional[datetime] = Field(default=None, sa_column=utc_column(nullable=True))
