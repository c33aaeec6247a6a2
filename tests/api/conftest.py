"""An API client over a migrated SQLite database with the workflow test world and a token per user."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from engine.models import ApiToken

TODAY = date(2026, 3, 10)


def issue_token(engine, user_id: int) -> str:
    token = secrets.token_urlsafe(24)
    with Session(engine) as s:
        s.add(ApiToken(user_id=user_id, token_hash=hashlib.sha256(token.encode()).hexdigest(),
                       expires_at=datetime.now(timezone.utc) + timedelta(hours=1)))
        s.commit()
    return token


class Api:
    def __init__(self, client: TestClient, world, tokens: dict[str, str]) -> None:
        self.client, self.world, self.tokens = client, world, tokens

    def headers(self, who: str | None, **extra) -> dict:
        h = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return {**h, **extra}

    def get(self, who, url, **kw):
        return self.client.get(url, headers=self.headers(who, **kw.pop("headers", {})), **kw)

    def post(self, who, url, json=None, **kw):
        return self.client.post(url, json=json, headers=self.headers(who, **kw.pop("headers", {})), **kw)

    def event(self, who, app_id, event, body=None, **kw):
        return self.post(who, f"/api/v1/applications/{app_id}/events/{event}", body or {}, **kw)

    def register(self, who="clerk", **overrides) -> dict:
        from tests.workflow.world import register_inputs

        body = {"agency_code": "DEMO", **register_inputs(**overrides)}
        r = self.post(who, "/api/v1/applications", body)
        assert r.status_code == 201, r.text
        return r.json()


@pytest.fixture
def api(isolated_settings, registry):
    from api import deps
    from api.main import create_app
    from engine.db import get_engine
    from engine.migrate import upgrade
    from tests.workflow.world import build_world

    upgrade(isolated_settings.database_url)
    engine = get_engine()
    world = build_world(engine, registry)
    app = create_app()
    app.dependency_overrides[deps.today] = lambda: TODAY
    client = TestClient(app, raise_server_exceptions=False)
    tokens = {name: issue_token(engine, uid) for name, uid in world.users.items()}
    with Session(engine) as s:
        from engine import admin
        from engine.models import Agency, User

        admin.grant(s, s.get(User, world.users["head2"]), s.get(Agency, world.agency_id), "admin")
        # A second tenant's administrator, and the deployment's platform administrator (no agency grant).
        other_admin = admin.create_user(s, username="other_admin", display_name="其他局管理员", password=None)
        admin.grant(s, other_admin, s.get(Agency, world.other_agency_id), "admin")
        platform = admin.create_user(s, username="platform", display_name="平台管理员", password=None,
                                     platform_admin=True)
        s.commit()
        world.users["other_admin"], world.users["platform"] = other_admin.id, platform.id
    tokens["admin"] = tokens["head2"]
    tokens["other_admin"] = issue_token(engine, world.users["other_admin"])
    tokens["platform"] = issue_token(engine, world.users["platform"])
    return Api(client, world, tokens)
