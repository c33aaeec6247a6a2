"""Migration 0010 backfills the chain of events written before it: the hashes it computes are the
ones the write path computes (one function), on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlmodel import select

from engine.check import run_checks
from engine.migrate import alembic_config
from engine.models import Application, Event, Letter

from .test_tamper_evidence import TODAY, replied_with_void_and_reissue
from .world import build_world


def _chain_state(w) -> tuple:
    with w.session() as s:
        events = [(e.id, e.prev_hash, e.hash) for e in s.exec(select(Event).order_by(Event.id)).all()]
        heads = [(a.id, a.events_head) for a in s.exec(select(Application).order_by(Application.id)).all()]
        letters = [(x.id, x.chain_head, x.content_sha256) for x in s.exec(select(Letter).order_by(Letter.id)).all()]
    return events, heads, letters


def test_the_backfill_reproduces_the_hashes_of_the_write_path(db, registry):
    w = build_world(db, registry)
    replied_with_void_and_reissue(w)
    w.register()
    written = _chain_state(w)
    url = db.url.render_as_string(hide_password=False)
    cfg = alembic_config(url)
    before = ScriptDirectory.from_config(cfg).get_revision("0010").down_revision
    db.dispose()
    command.downgrade(cfg, before)  # drops the columns and triggers: the rows are as before 0010
    command.upgrade(cfg, "head")
    assert _chain_state(w) == written
    with w.session() as s:
        assert run_checks(s, registry, TODAY) == []
