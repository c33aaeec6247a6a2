"""Migration 0017 adds ``documents`` and ``redactions`` and takes them away again, on SQLite and
PostgreSQL (the model/migration drift check is tests/workflow/test_migrations.py)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from engine.migrate import alembic_config


def test_documents_tables_come_and_go(db):
    url = db.url.render_as_string(hide_password=False)
    cfg = alembic_config(url)
    assert {"documents", "redactions"} <= set(inspect(db).get_table_names())
    db.dispose()
    command.downgrade(cfg, "0016")
    assert not {"documents", "redactions"} & set(inspect(db).get_table_names())
    command.upgrade(cfg, "head")
    columns = {c["name"] for c in inspect(db).get_columns("documents")}
    assert {"application_id", "agency_id", "kind", "filename", "media_type", "size", "sha256", "added_by_id",
            "added_at", "status", "replaces_id", "withdrawn_reason", "scan_verdict"} <= columns
