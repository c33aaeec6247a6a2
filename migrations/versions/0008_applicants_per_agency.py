"""applicants per agency; the applicant as given kept per application; PII masked in the audit trail

One deployment serves every department of a city: an applicant record now belongs to one agency
(unique per agency + document), and what was given on each application (name, kind, contact) is kept
with that application in ``applicant_details`` instead of being overwritten by the next registration.

Data:
- ``applicant_details`` of each application: from its own ``register`` event's inputs (what was given
  then, before any later registration overwrote the applicant row), else its split origin's, else the
  current applicant row.
- An applicant that appears in several agencies is split into one record per agency (the agency of its
  earliest application keeps the id); applications and access-log entries are re-pointed. An applicant
  without applications cannot be attributed to an agency: it takes its access-log entry's agency, or is
  deleted when nothing refers to it.
- Every ``events`` row has its identity numbers and phones masked (inputs and changes). Irreversible:
  the downgrade does not bring them back (the full values stay in ``applicants``/``applicant_details``).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from engine.models.applicant import mask_pii

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CONTACT = ("kind", "subtype", "name", "phone", "email", "address", "postcode")
BATCH = 1000

applicants = sa.table("applicants", sa.column("id", sa.Integer), sa.column("agency_id", sa.Integer),
                      sa.column("id_type", sa.String), sa.column("id_number", sa.String),
                      sa.column("created_at", sa.DateTime(timezone=True)), *(sa.column(c, sa.String) for c in CONTACT))
applications = sa.table("applications", sa.column("id", sa.Integer), sa.column("agency_id", sa.Integer),
                        sa.column("applicant_id", sa.Integer), sa.column("parent_id", sa.Integer))
details = sa.table("applicant_details", sa.column("application_id", sa.Integer),
                   *(sa.column(c, sa.String) for c in CONTACT))
events = sa.table("events", sa.column("id", sa.Integer), sa.column("application_id", sa.Integer),
                  sa.column("name", sa.String), sa.column("inputs", sa.JSON), sa.column("changes", sa.JSON))
access_log = sa.table("access_log", sa.column("id", sa.Integer), sa.column("agency_id", sa.Integer),
                      sa.column("applicant_id", sa.Integer))


def _string(length: int):
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.create_table(
        "applicant_details",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", _string(16), nullable=False),
        sa.Column("subtype", _string(32), nullable=True),
        sa.Column("name", _string(200), nullable=False),
        sa.Column("phone", _string(64), nullable=False),
        sa.Column("email", _string(200), nullable=False),
        sa.Column("address", _string(300), nullable=False),
        sa.Column("postcode", _string(16), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.PrimaryKeyConstraint("application_id"),
    )
    _backfill_details(bind)
    op.add_column("applicants", sa.Column("agency_id", sa.Integer(), nullable=True))
    others = _assign_agencies(bind)
    if sqlite:
        _rebuild_applicants_sqlite()
    else:
        op.alter_column("applicants", "agency_id", nullable=False)
        op.create_foreign_key("applicants_agency_id_fkey", "applicants", "agencies", ["agency_id"], ["id"])
        op.drop_constraint("applicants_id_type_id_number_key", "applicants", type_="unique")
        op.create_unique_constraint("applicants_agency_id_id_type_id_number_key", "applicants",
                                    ["agency_id", "id_type", "id_number"])
        op.drop_index("ix_applicants_name", table_name="applicants")
        for column in CONTACT:
            op.drop_column("applicants", column)
    _copy_for_other_agencies(bind, others)
    with op.batch_alter_table("access_log") as batch:
        batch.add_column(sa.Column("application_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("access_log_application_id_fkey", "applications", ["application_id"], ["id"])
    _mask_events(bind)


def _backfill_details(bind) -> None:
    """What each application was registered with: its register event's inputs, else (a split sibling)
    its origin's, else the applicant row as it is now. In batches of applications, in id order, so an
    origin is always written before its siblings."""
    last = 0
    while True:
        rows = bind.execute(sa.select(applications.c.id, applications.c.parent_id, *(applicants.c[c] for c in CONTACT))
                            .join_from(applications, applicants, applicants.c.id == applications.c.applicant_id)
                            .where(applications.c.id > last).order_by(applications.c.id).limit(BATCH)).all()
        if not rows:
            return
        given = {}
        for app_id, inputs in bind.execute(sa.select(events.c.application_id, events.c.inputs).where(
                events.c.name == "register", events.c.application_id.in_([r.id for r in rows]))):
            applicant = (inputs or {}).get("applicant")
            if isinstance(applicant, dict) and applicant.get("kind") and applicant.get("name"):
                given[app_id] = applicant
        written: dict[int, dict] = {}
        for row in rows:
            current = {c: getattr(row, c) for c in CONTACT}
            source = given.get(row.id) or (row.parent_id and _written(bind, written, row.parent_id)) or current
            record = {c: _clip(source.get(c, current[c]), c) for c in CONTACT}
            record["subtype"] = record["subtype"] or None
            written[row.id] = record
        bind.execute(details.insert(), [{"application_id": k, **v} for k, v in written.items()])
        last = rows[-1].id


def _written(bind, batch: dict[int, dict], application_id: int) -> dict | None:
    if application_id in batch:
        return batch[application_id]
    row = bind.execute(sa.select(*(details.c[c] for c in CONTACT))
                       .where(details.c.application_id == application_id)).mappings().first()
    return dict(row) if row else None


LIMITS = {"kind": 16, "subtype": 32, "name": 200, "phone": 64, "email": 200, "address": 300, "postcode": 16}


def _clip(value, column: str):
    if value is None:
        return None if column == "subtype" else ""
    return str(value)[: LIMITS[column]]


def _assign_agencies(bind) -> list[tuple[int, int]]:
    """Each applicant record goes to the agency of its earliest application; returned: the (applicant,
    agency) pairs of the other agencies that used it, to get a record of their own."""
    earliest = (sa.select(applications.c.agency_id).where(applications.c.applicant_id == applicants.c.id)
                .order_by(applications.c.id).limit(1).scalar_subquery())
    bind.execute(applicants.update().values(agency_id=earliest))
    others = bind.execute(sa.select(applications.c.applicant_id, applications.c.agency_id).distinct()
                          .join_from(applications, applicants, applicants.c.id == applications.c.applicant_id)
                          .where(applications.c.agency_id != applicants.c.agency_id)
                          .order_by(applications.c.applicant_id, applications.c.agency_id)).all()
    orphans = bind.execute(sa.select(applicants.c.id).where(applicants.c.agency_id.is_(None))).scalars().all()
    fallback = bind.execute(sa.select(sa.func.min(sa.table("agencies", sa.column("id")).c.id))).scalar()
    for applicant_id in orphans:
        logged = bind.execute(sa.select(access_log.c.agency_id).where(access_log.c.applicant_id == applicant_id)
                              .order_by(access_log.c.agency_id.is_(None), access_log.c.id)).first()
        if logged is None:
            bind.execute(applicants.delete().where(applicants.c.id == applicant_id))
        else:  # a reveal needs an application, so this does not arise through the service
            bind.execute(applicants.update().where(applicants.c.id == applicant_id)
                         .values(agency_id=logged.agency_id or fallback))
    return [tuple(pair) for pair in others]


def _copy_for_other_agencies(bind, others: list[tuple[int, int]]) -> None:
    """A record of its own for every other agency, its applications and access-log entries re-pointed."""
    identity = sa.table("applicants", sa.column("id", sa.Integer), sa.column("agency_id", sa.Integer),
                        sa.column("id_type", sa.String), sa.column("id_number", sa.String),
                        sa.column("created_at", sa.DateTime(timezone=True)))
    for applicant_id, agency_id in others:
        row = bind.execute(sa.select(identity).where(identity.c.id == applicant_id)).mappings().one()
        copy = {k: v for k, v in row.items() if k != "id"} | {"agency_id": agency_id}
        new_id = bind.execute(identity.insert().values(copy).returning(identity.c.id)).scalar_one()
        for table in (applications, access_log):
            bind.execute(table.update().where(table.c.applicant_id == applicant_id, table.c.agency_id == agency_id)
                         .values(applicant_id=new_id))


def _rebuild_applicants_sqlite() -> None:
    """SQLite cannot change a table's constraints: build the new table and swap it in (foreign keys are
    off during migrations, see migrations/env.py; references to "applicants" resolve to the new one)."""
    op.create_table(
        "applicants_new",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("id_type", _string(32), nullable=False),
        sa.Column("id_number", _string(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id", "id_type", "id_number"),
    )
    op.execute("INSERT INTO applicants_new (id, agency_id, id_type, id_number, created_at) "
               "SELECT id, agency_id, id_type, id_number, created_at FROM applicants")
    op.drop_index("ix_applicants_name", table_name="applicants")
    op.drop_table("applicants")
    op.rename_table("applicants_new", "applicants")


def _mask_events(bind) -> None:
    """Identity numbers and phones in the audit trail, masked as the service now writes them."""
    last = 0
    while True:
        rows = bind.execute(sa.select(events.c.id, events.c.inputs, events.c.changes).where(events.c.id > last)
                            .order_by(events.c.id).limit(BATCH)).all()
        if not rows:
            return
        for event_id, inputs, changes in rows:
            masked_inputs, masked_changes = mask_pii(inputs), mask_pii(changes)
            if masked_inputs != inputs or masked_changes != changes:
                bind.execute(events.update().where(events.c.id == event_id)
                             .values(inputs=masked_inputs, changes=masked_changes))
        last = rows[-1][0]


def downgrade() -> None:
    """Back to one applicant per document: the per-agency copies merge into the oldest record, which
    takes the details of its latest application. The masked audit values stay masked."""
    bind = op.get_bind()
    with op.batch_alter_table("access_log") as batch:
        batch.drop_constraint("access_log_application_id_fkey", type_="foreignkey")
        batch.drop_column("application_id")
    for column, length in LIMITS.items():
        op.add_column("applicants", sa.Column(column, _string(length), nullable=True))
    keep: dict[tuple[str, str], int] = {}
    for row in bind.execute(sa.select(applicants.c.id, applicants.c.id_type, applicants.c.id_number)
                            .order_by(applicants.c.id)).all():
        target = keep.setdefault((row.id_type, row.id_number), row.id)
        if target != row.id:
            for table in (applications, access_log):
                bind.execute(table.update().where(table.c.applicant_id == row.id).values(applicant_id=target))
            bind.execute(applicants.delete().where(applicants.c.id == row.id))
    for applicant_id in keep.values():
        latest = bind.execute(sa.select(*(details.c[c] for c in CONTACT))
                              .join_from(details, applications, applications.c.id == details.c.application_id)
                              .where(applications.c.applicant_id == applicant_id)
                              .order_by(applications.c.id.desc())).mappings().first()
        values = dict(latest) if latest else {"kind": "natural", "name": ""}
        bind.execute(applicants.update().where(applicants.c.id == applicant_id)
                     .values({c: values.get(c) if c == "subtype" else (values.get(c) or "") for c in CONTACT}))
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table("applicants", recreate="always") as batch:
            batch.drop_column("agency_id")  # with its foreign key and the per-agency unique key
            for column in CONTACT:
                batch.alter_column(column, nullable=column == "subtype")
            batch.create_unique_constraint("applicants_id_type_id_number_key", ["id_type", "id_number"])
            batch.create_index("ix_applicants_name", ["name"], unique=False)
    else:
        op.drop_column("applicants", "agency_id")  # with its foreign key and the per-agency unique key
        for column in CONTACT:
            op.alter_column("applicants", column, nullable=column == "subtype")
        op.create_unique_constraint("applicants_id_type_id_number_key", "applicants", ["id_type", "id_number"])
        op.create_index("ix_applicants_name", "applicants", ["name"], unique=False)
    op.drop_table("applicant_details")
