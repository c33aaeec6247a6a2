"""The process-wide calendar registry, built on first use from the settings (never at import)."""

from __future__ import annotations

from functools import lru_cache

from calendars import CalendarRegistry

from .settings import get_settings


@lru_cache(maxsize=1)
def get_registry() -> CalendarRegistry:
    return CalendarRegistry(import_dir=get_settings().calendar_import_dir)
