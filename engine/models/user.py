"""Users and their roles per agency (no bitmasks: one row per grant)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utc_column, utcnow


class Role(str, Enum):
    clerk = "clerk"
    head = "head"
    secrecy_reviewer = "secrecy_reviewer"
    legal = "legal"
    supervisor = "supervisor"
    admin = "admin"


ROLE_ZH = {
    "clerk": "经办人",
    "head": "工作机构负责人",
    "secrecy_reviewer": "保密审查员",
    "legal": "法制审核",
    "supervisor": "主管部门",
    "admin": "机关管理员",
    "platform_admin": "平台管理员",
    "system": "系统",
}


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=64)
    display_name: str = Field(max_length=100)
    password_hash: str = Field(default="", max_length=255)
    email: str = Field(default="", max_length=200)  # for the daily digest
    active: bool = True
    # The deployment-wide administrator (spec README "platform_admin"). A flag on the user, not a role
    # grant: role_grants rows always belong to one agency and every visibility query reads them per
    # agency, so a grant without an agency would leak into those queries; this power is not per agency.
    platform_admin: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class RoleGrant(SQLModel, table=True):
    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "agency_id", "role"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    role: str = Field(max_length=32)
