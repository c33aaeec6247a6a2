"""The database drops the API's connections (a restart, a failover): the request that meets a dead
connection gets 503 with a Chinese detail and changes nothing; the next one works on a new connection.
With OGI_DB_PRE_PING=1 the pool tests each connection first and the request itself succeeds."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from engine.models import Event

from .conftest import TODAY, issue_token


@pytest.fixture
def pg_api(pg_url, registry, monkeypatch, tmp_path):
    from api import deps
    from api.main import create_app
    from engine import calendar_registry, db, settings
    from tests.conftest import _truncate_all
    from tests.workflow.world import build_world

    name = f"ogi_outage_{os.getpid()}"
    url = f"{pg_url}&application_name={name}"

    def reset() -> None:
        settings.get_settings.cache_clear()
        calendar_registry.get_registry.cache_clear()
        db._engine_for.cache_clear()

    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path / "var"))
    reset()
    engine = db.get_engine()
    _truncate_all(engine)
    world = build_world(engine, registry)
    app = create_app()
    app.dependency_overrides[deps.today] = lambda: TODAY
    client = TestClient(app, raise_server_exceptions=False)
    token = issue_token(engine, world.users["clerk"])
    yield client, world, {"Authorization": f"Bearer {token}"}, engine, name
    for used in {engine, db.get_engine()}:
        used.dispose()  # the pooled connections may be the killed ones
    _truncate_all(engine)
    reset()


def drop_connections(application_name: str) -> int:
    from tests.conftest import pg_base_url

    from engine.db import normalise_url

    admin = sa.create_engine(normalise_url(pg_base_url()), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                      "WHERE application_name = :n"), {"n": application_name}).scalar_one()
    admin.dispose()
    return killed


def events_of(engine, app_id: int) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Event).where(Event.application_id == app_id)).one()


def test_a_dropped_connection_is_503_and_nothing_changes_then_the_retry_works(pg_api):
    client, world, headers, engine, name = pg_api
    app_id = world.register()
    url = f"/api/v1/applications/{app_id}"
    assert client.get(url, headers=headers).status_code == 200  # a pooled connection now exists
    before = events_of(engine, app_id)
    assert drop_connections(name) >= 1

    r = client.post(f"{url}/events/start_review", json={}, headers=headers)
    assert r.status_code == 503, r.text
    body = r.json()
    assert "数据库" in body["detail"] and "未生效" in body["detail"] and body["request_id"]
    assert r.headers["retry-after"] == "1"
    assert events_of(engine, app_id) == before

    r = client.post(f"{url}/events/start_review", json={}, headers=headers)
    assert r.status_code == 200, r.text
    assert events_of(engine, app_id) == before + 1


def test_with_pre_ping_the_request_itself_succeeds(pg_api, monkeypatch):
    from engine import db, settings

    client, world, headers, engine, name = pg_api
    monkeypatch.setenv("OGI_DB_PRE_PING", "1")
    settings.get_settings.cache_clear()
    db._engine_for.cache_clear()
    app_id = world.register()
    url = f"/api/v1/applications/{app_id}"
    assert client.get(url, headers=headers).status_code == 200
    assert db.get_engine().pool._pre_ping
    drop_connections(name)
    assert client.post(f"{url}/events/start_review", json={}, headers=headers).status_code == 200
