"""Archive packages (归档, 条例 art 45): the SHA-256 of each exported package's manifest, kept with the
case, so a changed package (``ogi archive verify``) and a changed record (``ogi check``) are detected."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import json_column, utc_column, utcnow


class ArchivePackage(SQLModel, table=True):
    __tablename__ = "archive_packages"
    __table_args__ = (UniqueConstraint("application_id", "manifest_sha256"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    manifest_sha256: str = Field(max_length=64, index=True)
    manifest: dict = Field(default_factory=dict, sa_column=json_column())  # as written into the package
    created_by_id: Optional[int] = Field(default=None, foreign_key="users.id")  # None: the command line
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
