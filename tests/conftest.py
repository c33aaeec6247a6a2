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
    return CalendarRegistry()


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


# -- databases -----------------------------------------------------------------------------------------

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_SCHEMA = f"ogi_test_{os.getpid()}"


def pg_base_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or PG_DEFAULT


def pg_reachable(url: str) -> bool:
    import sqlalchemy as sa

    from engine.db import normalise_url

    try:
        eng = sa.create_engine(normalise_url(url), connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        eng.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


def _with_schema(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def pg_url():
    """A migrated schema of its own on the test PostgreSQL; skipped locally when none answers."""
    import sqlalchemy as sa

    from engine.db import normalise_url
    from engine.migrate import upgrade

    base = normalise_url(pg_base_url())
    if not pg_reachable(base):
        if in_ci():
            pytest.fail(f"PostgreSQL not reachable at {base} (CI=true)")
        pytest.skip("PostgreSQL not reachable (set TEST_DATABASE_URL)")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {PG_SCHEMA}")
    url = _with_schema(base, PG_SCHEMA)
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    from engine.migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _truncate_all(db_engine) -> None:
    from sqlmodel import SQLModel

    from engine import models  # noqa: F401  (registers the tables)

    names = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
    with db_engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def db(request, tmp_path):
    """A migrated, empty database: every engine test runs on SQLite and on PostgreSQL."""
    import shutil as _shutil

    from engine.db import make_engine

    if request.param == "sqlite":
        path = tmp_path / "ogi.db"
        _shutil.copy(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
    else:
        engine = make_engine(request.getfixturevalue("pg_url"))
        _truncate_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_db(tmp_path, sqlite_template):
    import shutil as _shutil

    from engine.db import make_engine

    path = tmp_path / "ogi.db"
    _shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_db(pg_url):
    from engine.db import make_engine

    engine = make_engine(pg_url)
    _truncate_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template_path(sqlite_template) -> Path:
    """The migrated template itself, for tests that make many databases (hypothesis examples)."""
    return sqlite_template
