"""Login tokens (opaque; only their SHA-256 is stored; where and with what they were obtained) and failed
logins (for the login backoff)."""

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
    ip: str = Field(default="", max_length=64)  # the client address of the login
    web: bool = Field(default=False)  # a workbench session (the idle timeout applies) rather than an API token
    last_used_at: Optional[datetime] = Field(default=None, sa_column=utc_column(nullable=True))  # to the minute


class LoginFailure(SQLModel, table=True):
    __tablename__ = "login_failures"

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)
    ip: str = Field(default="", max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
