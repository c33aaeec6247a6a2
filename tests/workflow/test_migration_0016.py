"""Migration 0016 backfills, from the ``reopen`` events already recorded, the conclusions earlier
reopenings replaced — the same rows the write path records — so past annual reports keep counting
them (legal issue, item 19), on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlmodel import select

from calendars import CalendarRegistry, ImportedYear
from engine.migrate import alembic_config
from engine.models import PriorConclusion

from ..reports.test_annual import OUTCOME_DETAILS, YEAR_2027, Year
from .world import build_world


def _rows(w) -> list[tuple]:
    with w.session() as s:
        return [(p.application_id, p.agency_id, p.started_on, p.concluded_on, p.outcome, p.withhold_ground,
                 p.reopened_on, p.decision_reference)
                for p in s.exec(select(PriorConclusion).order_by(PriorConclusion.id)).all()]


def test_backfill_of_prior_conclusions_matches_the_write_path(db):
    y = Year(build_world(db, CalendarRegistry([ImportedYear(YEAR_2027, "2027.yaml")])))
    app_id = y.new("2026-03-02")
    y.reply(app_id, "withhold", {"ground": "state_secret", "reasons": "国家秘密"}, "2026-03-10")
    y.w.fire("head", app_id, "reopen", {"decision_reference": "示府复决〔2027〕1号", "new_due": "2027-03-15",
                                        "reason": "复议决定责令重新答复"}, today="2027-02-01")
    written = _rows(y.w)
    assert len(written) == 1 and written[0][5] == "state_secret"
    url = db.url.render_as_string(hide_password=False)
    cfg = alembic_config(url)
    before = ScriptDirectory.from_config(cfg).get_revision("0016").down_revision
    db.dispose()
    command.downgrade(cfg, before)
    command.upgrade(cfg, "head")
    assert _rows(y.w) == written
