"""document sets

Adds ``document_sets`` (a named group of documents, with a GUID and a position) and
``document_set_members`` (which documents are in which set; a document may be in several
sets; both foreign keys cascade, so deleting a document or a set drops its memberships).
Only new tables: no existing table is rebuilt.

Revision ID: 0007
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_sets")),
        sa.UniqueConstraint("guid", name=op.f("uq_document_sets_guid")),
        sa.UniqueConstraint("name", name=op.f("uq_document_sets_name")),
    )
    op.create_table(
        "document_set_members",
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"],
            name=op.f("fk_document_set_members_document_id_documents"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_id"], ["document_sets.id"],
            name=op.f("fk_document_set_members_set_id_document_sets"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("set_id", "document_id", name=op.f("pk_document_set_members")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_document_set_members_document_id"),
        "document_set_members",
        ["document_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_document_set_members_document_id"), table_name="document_set_members")
    op.drop_table("document_set_members")
    op.drop_table("document_sets")
