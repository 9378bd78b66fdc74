"""every spelling of a participant's real name

Adds the ``participant_names`` table (participant id, name; unique per participant), so that
a participant written ``M2 (이서연)`` in one transcript and ``M2 (Lee Seo-yeon)`` in another
has both names known and masked in exports. Existing ``participants.real_name`` values are
copied into it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('participant_names',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_participant_names_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_names')),
    sa.UniqueConstraint('participant_id', 'name', name=op.f('uq_participant_names_participant_id'))
    )
    with op.batch_alter_table('participant_names', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_names_participant_id'), ['participant_id'], unique=False)
    op.execute(
        "INSERT INTO participant_names (participant_id, name) "
        "SELECT id, real_name FROM participants WHERE real_name IS NOT NULL AND real_name <> ''"
    )


def downgrade() -> None:
    with op.batch_alter_table('participant_names', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_names_participant_id'))
    op.drop_table('participant_names')
