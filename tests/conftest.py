"""Shared fixtures. PostgreSQL tests use TEST_DATABASE_URL; locally they skip when no server answers,
in CI (CI=true) an unreachable server is a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from calendars import CalendarRegistry


@pytest.fixture(scope="session")
def registry() -> CalendarRegistry:
    """The shipped calendars only (no operator imports)."""
    return CalendarRegistry(import_dir=None)


@pytest.fixture
def tmp_registry(tmp_path: Path) -> CalendarRegistry:
    """A registry with its own empty import directory."""
    return CalendarRegistry(import_dir=tmp_path / "calendars")


@pytest.fixture
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point the process settings (data dir, database) at a temporary folder."""
    from engine import calendar_registry, settings

    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'ogi.db'}")
    settings.get_settings.cache_clear()
    calendar_registry.get_registry.cache_clear()
    yield settings.get_settings()
    settings.get_settings.cache_clear()
    calendar_registry.get_registry.cache_clear()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
