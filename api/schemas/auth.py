"""Login, the current user, recent logins."""

from __future__ import annotations

from pydantic import Field

from .base import Answer


class LoggedIn(Answer):
    token: str = Field(description="令牌，放在 Authorization: Bearer 中")
    token_type: str
    expires_at: str = Field(description="失效时间（ISO 8601）")
    user: str = Field(description="用户名")


class MyRole(Answer):
    agency_id: int
    agency_code: str
    agency_name: str
    role: str
    role_label: str


class Me(Answer):
    id: int
    username: str
    name: str
    platform_admin: bool
    roles: list[MyRole]


class Login(Answer):
    at: str
    ip: str
    user_agent: str
    kind: str = Field(description="工作台或 API")
    last_used_at: str | None
    active: bool


class LoginFailure(Answer):
    at: str
    ip: str


class RecentLogins(Answer):
    logins: list[Login]
    failures: list[LoginFailure]
