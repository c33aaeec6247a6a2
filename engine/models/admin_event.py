"""The administration audit log (admin_events): append-only, one row per administrative change."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from .base import json_column, utc_column, utcnow


class AdminEvent(SQLModel, table=True):
    """Who changed which user, grant, agency setting or calendar, when, from where; before/after in
    ``details`` (secrets masked). Rows are only ever inserted (no code path updates or deletes them)."""

    __tablename__ = "admin_events"

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
    actor_id: Optional[int] = Field(default=None)  # None: an operator at the command line
    actor_name: str = Field(max_length=100)
    action: str = Field(max_length=32, index=True)
    action_label: str = Field(max_length=50)
    agency_id: Optional[int] = Field(default=None, index=True)  # None: deployment-wide (calendar, platform users)
    target: str = Field(default="", max_length=300)
    details: dict = Field(default_factory=dict, sa_column=json_column())
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=200)
