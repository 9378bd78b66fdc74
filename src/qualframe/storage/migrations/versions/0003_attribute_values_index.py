"""an index on attribute values by attribute

Adds ``ix_attribute_values_attribute_id`` on ``attribute_values (attribute_id, value)``.
The primary key starts with the participant, so every question about one attribute (the
groups of the theme matrix, the values offered as filters, a column of the participants
table) scanned every value of every attribute: seconds for a survey with 10,000 columns.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attribute_values', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_attribute_values_attribute_id'), ['attribute_id', 'value'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('attribute_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attribute_values_attribute_id'))
