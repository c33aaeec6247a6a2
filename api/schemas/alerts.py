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
    page: int
    page_size: int
    pages: int
    items: list[AlertItem]


class AlertsMarked(Answer):
    marked: int


class AlertRead(Answer):
    id: int
    read: bool
