"""Documents of a case (电子案卷) and the redactions made of them. The bytes live in the blob store
under ``sha256`` (engine/documents/storage.py); a row is never deleted: a withdrawn or replaced
document stays in the case file, marked."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from .base import json_column, utc_column, utcnow


class Document(SQLModel, table=True):
    __tablename__ = "documents"

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    kind: str = Field(max_length=32)  # engine/documents/kinds.py
    filename: str = Field(max_length=255)  # as uploaded, for display only (the type comes from the content)
    media_type: str = Field(max_length=100)  # detected from the content
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    pages: Optional[int] = None  # PDFs: for the 卷内文件目录
    sha256: str = Field(max_length=64, index=True)
    added_by_id: Optional[int] = Field(default=None, foreign_key="users.id")  # None: the system
    added_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    status: str = Field(default="active", max_length=16)  # active | withdrawn | replaced
    replaces_id: Optional[int] = Field(default=None, foreign_key="documents.id")
    withdrawn_reason: str = Field(default="", max_length=500)
    scan_verdict: str = Field(default="not_scanned", max_length=200)  # engine/documents/scan.py Verdict.record


class Redaction(SQLModel, table=True):
    """One redacted copy (区分处理, 条例 art 37): the marks with their grounds, the original and the copy."""

    __tablename__ = "redactions"

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    original_id: int = Field(foreign_key="documents.id", index=True)
    redacted_id: Optional[int] = Field(default=None, foreign_key="documents.id")  # None until produced
    # as given: [{"page", "rect", "ground"} | {"text", "ground"}], and every box painted (text found)
    marks: list = Field(default_factory=list, sa_column=json_column())
    boxes: list = Field(default_factory=list, sa_column=json_column())
    dpi: int = 200
    created_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
