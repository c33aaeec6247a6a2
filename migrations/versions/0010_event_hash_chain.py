"""hash chain over the audit events, issued letters bound into it, append-only triggers

events.prev_hash / events.hash: a SHA-256 chain per application (engine/audit_chain.py), backfilled
here for existing events; applications.events_head: the last event's hash, moved by the same
compare-and-set as the version. letters.chain_head / letters.content_sha256: the chain head when the
letter was issued and the hash of its frozen content (backfilled for letters already issued).

Triggers (PostgreSQL: plpgsql functions; SQLite: RAISE(ABORT)) refuse every UPDATE and DELETE of an
event, and every change of an issued or voided letter except voiding an issued one (status, void_reason,
voided_at) and every DELETE of one. The backfill hashes the rows as stored now (after any earlier
migration rewrote them, e.g. masked personal data).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from engine.audit_chain import event_hash, genesis, issue_record, letter_content_hash

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

HASH = sqlmodel.sql.sqltypes.AutoString(length=64)

# Every column of a letter that is frozen once it is issued (all but status, void_reason, voided_at).
FROZEN_LETTER_COLUMNS = ("id", "application_id", "agency_id", "type", "outcome", "addressee", "data",
                         "drafted_by_id", "created_at", "series", "year", "seq", "number", "issued_on",
                         "issued_at", "signer_id", "template_version", "pdf_sha256", "pdf", "chain_head",
                         "content_sha256")

EVENTS_REFUSAL = "审计事件只能追加，不能修改或删除"
LETTERS_REFUSAL = "已印发或已作废的文书不能修改或删除（只能作废已印发的文书）"


def upgrade() -> None:
    op.add_column("events", sa.Column("prev_hash", HASH, nullable=False, server_default=""))
    op.add_column("events", sa.Column("hash", HASH, nullable=False, server_default=""))
    op.add_column("applications", sa.Column("events_head", HASH, nullable=True))
    op.add_column("letters", sa.Column("chain_head", HASH, nullable=True))
    op.add_column("letters", sa.Column("content_sha256", HASH, nullable=True))
    _backfill(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP TRIGGER IF EXISTS letters_frozen ON letters")
        op.execute("DROP FUNCTION IF EXISTS ogi_events_append_only()")
        op.execute("DROP FUNCTION IF EXISTS ogi_letters_frozen()")
    else:
        for name in ("events_no_update", "events_no_delete", "letters_frozen_no_update", "letters_frozen_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    # Plain DROP COLUMN (SQLite >= 3.35): a batch copy of applications would trip its foreign keys.
    for table, column in (("letters", "content_sha256"), ("letters", "chain_head"), ("applications", "events_head"),
                          ("events", "hash"), ("events", "prev_hash")):
        op.drop_column(table, column)


# -- backfill ------------------------------------------------------------------------------------------

_events = sa.table(
    "events", sa.column("id", sa.Integer), sa.column("application_id", sa.Integer), sa.column("agency_id", sa.Integer),
    sa.column("seq", sa.Integer), sa.column("name", sa.String), sa.column("from_state", sa.String),
    sa.column("to_state", sa.String), sa.column("actor_id", sa.Integer), sa.column("actor_name", sa.String),
    sa.column("role", sa.String), sa.column("at", sa.DateTime(timezone=True)), sa.column("effective_date", sa.String),
    sa.column("inputs", sa.JSON), sa.column("changes", sa.JSON), sa.column("reason", sa.String),
    sa.column("prev_hash", sa.String), sa.column("hash", sa.String),
)
_applications = sa.table("applications", sa.column("id", sa.Integer), sa.column("events_head", sa.String))
_letters = sa.table(
    "letters", sa.column("id", sa.Integer), sa.column("application_id", sa.Integer), sa.column("agency_id", sa.Integer),
    sa.column("type", sa.String), sa.column("outcome", sa.String), sa.column("addressee", sa.String),
    sa.column("data", sa.JSON), sa.column("drafted_by_id", sa.Integer), sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("series", sa.String), sa.column("year", sa.Integer), sa.column("seq", sa.Integer),
    sa.column("number", sa.String), sa.column("issued_on", sa.Date), sa.column("issued_at", sa.DateTime(timezone=True)),
    sa.column("signer_id", sa.Integer), sa.column("template_version", sa.String), sa.column("pdf_sha256", sa.String),
    sa.column("chain_head", sa.String), sa.column("content_sha256", sa.String),
)


def _backfill(conn) -> None:
    heads: dict[int, str] = {}
    chain_heads: dict[int, str] = {}  # letter id → the prev_hash of the event that issued it
    updates = []
    rows = conn.execute(sa.select(_events).order_by(_events.c.application_id, _events.c.seq))
    for e in rows:
        prev = heads.get(e.application_id) or genesis(e.application_id)
        digest = event_hash(e, prev)
        heads[e.application_id] = digest
        updates.append({"_id": e.id, "prev_hash": prev, "hash": digest})
        record = issue_record(e.name, e.changes)
        if record and record.get("id") is not None:
            chain_heads[record["id"]] = prev
    if updates:
        conn.execute(_events.update().where(_events.c.id == sa.bindparam("_id")), updates)
    if heads:
        conn.execute(_applications.update().where(_applications.c.id == sa.bindparam("_id")),
                     [{"_id": app_id, "events_head": head} for app_id, head in heads.items()])
    letters = []
    for row in conn.execute(sa.select(_letters).where(_letters.c.number.is_not(None))):
        letter = dict(row._mapping)
        letter["chain_head"] = chain_heads.get(letter["id"])
        letters.append({"_id": letter["id"], "chain_head": letter["chain_head"],
                        "content_sha256": letter_content_hash(letter)})
    if letters:
        conn.execute(_letters.update().where(_letters.c.id == sa.bindparam("_id")), letters)


# -- triggers ------------------------------------------------------------------------------------------


def _postgres_triggers() -> None:
    unchanged = " AND ".join(
        f"NEW.{c}::text IS NOT DISTINCT FROM OLD.{c}::text" if c == "data" else f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}"
        for c in FROZEN_LETTER_COLUMNS)
    op.execute(f"""
CREATE FUNCTION ogi_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{EVENTS_REFUSAL}' USING ERRCODE = 'integrity_constraint_violation';
END $$""")
    op.execute("CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
               "FOR EACH ROW EXECUTE FUNCTION ogi_events_append_only()")
    op.execute(f"""
CREATE FUNCTION ogi_letters_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'draft' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status = 'issued' AND NEW.status IN ('issued', 'void') AND {unchanged} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{LETTERS_REFUSAL}' USING ERRCODE = 'integrity_constraint_violation';
END $$""")
    op.execute("CREATE TRIGGER letters_frozen BEFORE UPDATE OR DELETE ON letters "
               "FOR EACH ROW EXECUTE FUNCTION ogi_letters_frozen()")


def _sqlite_triggers() -> None:
    unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in FROZEN_LETTER_COLUMNS)
    op.execute(f"CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
               f"BEGIN SELECT RAISE(ABORT, '{EVENTS_REFUSAL}'); END")
    op.execute(f"CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
               f"BEGIN SELECT RAISE(ABORT, '{EVENTS_REFUSAL}'); END")
    op.execute(f"CREATE TRIGGER letters_frozen_no_update BEFORE UPDATE ON letters "
               f"WHEN OLD.status <> 'draft' AND NOT (OLD.status = 'issued' AND NEW.status IN ('issued', 'void') "
               f"AND {unchanged}) BEGIN SELECT RAISE(ABORT, '{LETTERS_REFUSAL}'); END")
    op.execute(f"CREATE TRIGGER letters_frozen_no_delete BEFORE DELETE ON letters WHEN OLD.status <> 'draft' "
               f"BEGIN SELECT RAISE(ABORT, '{LETTERS_REFUSAL}'); END")
