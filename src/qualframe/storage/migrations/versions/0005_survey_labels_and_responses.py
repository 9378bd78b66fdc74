"""survey item labels, Likert mappings, families; survey responses

Adds to ``survey_items``: ``label`` (the question's wording), ``value_labels`` (a Likert
item's label → point mapping, in scale order), ``scale_source`` (declared / labels /
metadata), ``reversed`` (reverse-coded), ``columns`` (the source columns of a
one-column-per-option multiple-response item) and ``ignored_as`` (why an ``ignore`` item is
not analysed: ``metadata`` or ``personal``). Only columns are added: rebuilding
``survey_items`` in SQLite would cascade-delete its answers.
Adds ``survey_responses``: one row per respondent and survey file (participant, the file's
respondent id, status complete / incomplete / preview), filled for existing projects from
the answers they hold (every existing respondent counted as complete).

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE … ADD COLUMN: a batch rebuild of survey_items would cascade-delete its
    # answers (SQLite drops the old table with foreign keys on).
    op.add_column('survey_items', sa.Column('label', sa.Text(), nullable=True))
    op.add_column('survey_items', sa.Column('value_labels', sa.JSON(), nullable=True))
    op.add_column('survey_items', sa.Column('scale_source', sa.String(length=20), nullable=True))
    op.add_column(
        'survey_items',
        sa.Column('reversed', sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column('survey_items', sa.Column('columns', sa.JSON(), nullable=True))
    op.add_column('survey_items', sa.Column('ignored_as', sa.String(length=20), nullable=True))
    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('source_filename', sa.String(length=1000), nullable=False),
    sa.Column('respondent_id', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_detail', sa.String(length=200), nullable=False),
    sa.CheckConstraint("status IN ('complete','incomplete','preview')", name=op.f('ck_survey_responses_status')),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_survey_responses_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('participant_id', 'source_filename', name='participant_source')
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_participant_id'), ['participant_id'], unique=False)
    # Existing respondents: whoever holds a closed answer or an open-ended survey answer.
    op.execute(
        "INSERT INTO survey_responses (participant_id, source_filename, respondent_id, status, "
        "status_detail) "
        "SELECT DISTINCT p.id, COALESCE(i.source_filename, ''), p.pseudonym, 'complete', '' "
        "FROM participants p JOIN survey_answers a ON a.participant_id = p.id "
        "JOIN survey_items i ON i.id = a.item_id "
        "UNION "
        "SELECT DISTINCT p.id, COALESCE(i.source_filename, ''), p.pseudonym, 'complete', '' "
        "FROM participants p JOIN turns t ON t.participant_id = p.id "
        "JOIN survey_items i ON i.id = t.survey_item_id"
    )


def downgrade() -> None:
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_participant_id'))
    op.drop_table('survey_responses')
    # Native ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): a batch rebuild of survey_items would
    # cascade-delete its answers.
    for column in ('ignored_as', 'columns', 'reversed', 'scale_source', 'value_labels', 'label'):
        op.drop_column('survey_items', column)
