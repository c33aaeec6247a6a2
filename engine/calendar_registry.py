"""The process-wide calendar registry, built on first use from the settings (never at import)."""

from __future__ import annotations

from functools import lru_cache

from calendars import CalendarRegistry

from .settings import get_settings


def get_registry() -> CalendarRegistry:
    """The registry, re-read when a year was imported by another process since (checked once a second)."""
    return _registry().refresh()


@lru_cache(maxsize=1)
def _registry() -> CalendarRegistry:
    return CalendarRegistry(import_dir=get_settings().calendar_import_dir)


get_registry.cache_clear = _registry.cache_clear  # type: ignore[attr-defined]  (tests: a fresh registry)
