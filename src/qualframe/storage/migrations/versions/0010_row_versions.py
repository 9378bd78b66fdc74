"""row versions for optimistic concurrency

Adds ``version`` (INTEGER NOT NULL, 1 for every existing row) to ``codes`` and ``segments``.
SQLAlchemy raises the version by one with every update of a row and adds ``WHERE version =
<the version read>`` to it, so two coders on one server who change the same code or segment
can never overwrite each other silently: the second is told (``coding.core.errors.
ConflictError``). Columns added in place; no table is rebuilt, no data changes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("codes", "segments"):
        op.add_column(
            table,
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        )


def downgrade() -> None:
    for table in ("codes", "segments"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
