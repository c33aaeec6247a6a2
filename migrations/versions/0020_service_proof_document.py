"""the proof of service as a document of the case file

``service_records.proof_document_id``: the 送达凭证 (EMS receipt scan, signed 送达回证) a service record
rests on, a row of ``documents``; the text ``proof`` stays for what is not a file.

Revision ID: 0020
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service_records") as batch:
        batch.add_column(sa.Column("proof_document_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("service_records_proof_document_id_fkey", "documents", ["proof_document_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("service_records") as batch:
        batch.drop_constraint("service_records_proof_document_id_fkey", type_="foreignkey")
        batch.drop_column("proof_document_id")
