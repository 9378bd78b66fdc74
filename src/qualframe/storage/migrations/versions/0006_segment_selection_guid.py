"""REFI-QDA exchange: the selection a coding came from

Adds ``segments.selection_guid`` (nullable, indexed): the GUID of the REFI-QDA
PlainTextSelection an imported coding belonged to, when that selection carried several
codings; each segment keeps its coding's GUID as ``guid``. Segments made in Qualframe leave
it empty (their own GUID is their selection's), so existing projects need no data change.

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('selection_guid', sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_segments_selection_guid'), ['selection_guid'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segments_selection_guid'))
        batch_op.drop_column('selection_guid')
