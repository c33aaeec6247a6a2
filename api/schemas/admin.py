"""Agencies, users and their roles, the admin audit log."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .base import Answer


class AgencyView(Answer):
    id: int
    code: str
    name: str
    region: str
    competent_department_id: int | None
    review_body: str
    court: str
    address: str
    contact: str
    settings: dict[str, Any] | None = Field(default=None, description="机关设置（推送密钥只说明是否已设置）；"
                                                                       "无权查看时不返回")


class Grant(Answer):
    id: int
    agency_id: int
    role: str
    role_label: str


class UserView(Answer):
    id: int
    username: str
    name: str
    active: bool
    platform_admin: bool
    roles: list[Grant]
    manageable: bool = Field(description="本人能否管理该用户")


class AdminEvent(Answer):
    id: int
    at: str
    actor_id: int | None
    actor_name: str
    action: str
    action_label: str
    agency_id: int | None
    target: str
    details: dict[str, Any]
    ip: str
    user_agent: str


class AdminEventPage(Answer):
    total: int
    page: int
    page_size: int
    items: list[AdminEvent]
