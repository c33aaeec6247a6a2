"""Column helpers shared by the tables."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Column, DateTime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def json_column(nullable: bool = False) -> Column:
    return Column(JSON, nullable=nullable)


def utc_column(nullable: bool = False, index: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable, index=index)
