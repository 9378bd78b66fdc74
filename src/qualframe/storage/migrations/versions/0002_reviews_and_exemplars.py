"""auditor reviews and exemplar quotes

Adds the ``reviews`` table (an auditor's agree / dispute / comment on a segment) and the
``segments.is_exemplar`` flag (quotes the analyst marked for the theme matrix).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('is_exemplar', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.CheckConstraint("verdict IN ('agree','dispute','comment')", name=op.f('ck_reviews_verdict')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['coders.id'], name=op.f('fk_reviews_reviewer_id_coders')),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_reviews_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('guid', name=op.f('uq_reviews_guid'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_segment_id'), ['segment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_segment_id'))

    op.drop_table('reviews')
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.drop_column('is_exemplar')
