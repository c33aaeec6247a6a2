"""Migration 0024 adds the portal's tables (申请指南, online submissions, failed look-ups) and lets the
system record a service (the applicant's first download), and takes them away again, on SQLite and
PostgreSQL (the model/migration drift check is test_migrations.py)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from engine.migrate import alembic_config

TABLES = {"agency_guides", "online_submissions", "portal_failures"}


def _nullable(db) -> bool:
    return next(c for c in inspect(db).get_columns("service_records") if c["name"] == "recorded_by_id")["nullable"]


def test_portal_tables_come_and_go(db):
    url = db.url.render_as_string(hide_password=False)
    cfg = alembic_config(url)
    assert TABLES <= set(inspect(db).get_table_names()) and _nullable(db)
    db.dispose()
    command.downgrade(cfg, "0017")
    assert not TABLES & set(inspect(db).get_table_names()) and not _nullable(db)
    command.upgrade(cfg, "head")
    columns = {c["name"] for c in inspect(db).get_columns("online_submissions")}
    assert {"tracking_number", "query_code_hash", "idempotency_key_hash", "code_sealed", "payload", "status",
            "submitted_on", "application_id", "answer_kind", "answer_message"} <= columns
