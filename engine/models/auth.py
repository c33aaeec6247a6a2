"""Login tokens (opaque; only their SHA-256 is stored) and failed logins (for rate limiting)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from .base import utc_column, utcnow


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    revoked_at: Optional[datetime] = Field(default=None, sa_column=utc_column(nullable=True))
    user_agent: str = Field(default="", max_length=200)


class LoginFailure(SQLModel, table=True):
    __tablename__ = "login_failures"

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)
    ip: str = Field(default="", max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
