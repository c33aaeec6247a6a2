"""In-app alerts."""

from __future__ import annotations

from datetime import date

from .base import Answer


class AlertItem(Answer):
    id: int
    kind: str
    message: str
    application_id: int | None
    due_date: date | None
    created_at: str
    read: bool


class AlertPage(Answer):
    total: int
    unread: int
    items: list[AlertItem]


class AlertRead(Answer):
    id: int
    read: bool
