"""resolutions of disagreements between coders

Adds the ``resolutions`` table: for a place where coders differ (document, code, span,
the coders compared), the decision (accept some coders' codings, neither, or a new agreed
range), the consensus segments made for it, who resolved it and when. Existing projects need
no data change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('resolutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('coders', sa.JSON(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('accepted', sa.JSON(), nullable=False),
    sa.Column('segments', sa.JSON(), nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.CheckConstraint("decision IN ('accept','neither','new')", name=op.f('ck_resolutions_decision')),
    sa.ForeignKeyConstraint(['code_id'], ['codes.id'], name=op.f('fk_resolutions_code_id_codes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_resolutions_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['coders.id'], name=op.f('fk_resolutions_resolved_by_id_coders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolutions')),
    sa.UniqueConstraint('guid', name=op.f('uq_resolutions_guid'))
    )
    with op.batch_alter_table('resolutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolutions_key'), ['key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('resolutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resolutions_key'))
    op.drop_table('resolutions')
