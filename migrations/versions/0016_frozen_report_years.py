"""annual reports that do not change after publication

``prior_conclusions``: the conclusion a reopening (重新答复) replaced, so the report keeps counting it in
its year. Backfilled from the ``reopen`` events already recorded (their ``changes`` hold the outcome,
ground and conclusion date before the reopening). ``frozen_reports``: the figures of a published year.

Revision ID: 0016
Revises: 0013
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prior_conclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("concluded_on", sa.Date(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("withhold_ground", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("reopened_on", sa.Date(), nullable=False),
        sa.Column("decision_reference", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_prior_conclusions_application_id"), "prior_conclusions", ["application_id"])
    op.create_index(op.f("ix_prior_conclusions_agency_id"), "prior_conclusions", ["agency_id"])
    op.create_index(op.f("ix_prior_conclusions_concluded_on"), "prior_conclusions", ["concluded_on"])
    op.create_table(
        "frozen_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen_by_id", sa.Integer(), nullable=True),
        sa.Column("frozen_by_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["frozen_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id", "year", name="uq_frozen_reports_agency_year"),
    )
    _backfill_prior_conclusions()


def _day(value) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _backfill_prior_conclusions() -> None:
    conn = op.get_bind()
    events = sa.table("events", sa.column("application_id", sa.Integer), sa.column("agency_id", sa.Integer),
                      sa.column("name", sa.String), sa.column("seq", sa.Integer), sa.column("at", sa.DateTime),
                      sa.column("effective_date", sa.String), sa.column("changes", sa.JSON),
                      sa.column("inputs", sa.JSON))
    apps = sa.table("applications", sa.column("id", sa.Integer), sa.column("received_date", sa.Date))
    prior = sa.table("prior_conclusions", *(sa.column(c) for c in (
        "application_id", "agency_id", "started_on", "concluded_on", "outcome", "withhold_ground", "reopened_on",
        "decision_reference")))
    rows = conn.execute(sa.select(events.c.application_id, events.c.agency_id, events.c.at, events.c.effective_date,
                                  events.c.changes, events.c.inputs, apps.c.received_date)
                        .select_from(events.join(apps, apps.c.id == events.c.application_id))
                        .where(events.c.name == "reopen")
                        .order_by(events.c.application_id, events.c.seq)).all()
    started: dict[int, date] = {}
    for app_id, agency_id, at, effective, changes, inputs, received in rows:
        changes = changes or {}
        before = {k: (v[0] if isinstance(v, list) and v else None) for k, v in changes.items()}
        reopened = _day(effective) or _day(at)
        concluded = _day(before.get("concluded_on"))
        start = started.get(app_id) or _day(received)
        if before.get("outcome") and concluded and reopened:
            conn.execute(prior.insert().values(
                application_id=app_id, agency_id=agency_id, started_on=start, concluded_on=concluded,
                outcome=before["outcome"], withhold_ground=before.get("withhold_ground"), reopened_on=reopened,
                decision_reference=str((inputs or {}).get("decision_reference") or "")[:200]))
        if reopened:
            started[app_id] = reopened


def downgrade() -> None:
    op.drop_table("frozen_reports")
    op.drop_index(op.f("ix_prior_conclusions_concluded_on"), table_name="prior_conclusions")
    op.drop_index(op.f("ix_prior_conclusions_agency_id"), table_name="prior_conclusions")
    op.drop_index(op.f("ix_prior_conclusions_application_id"), table_name="prior_conclusions")
    op.drop_table("prior_conclusions")
