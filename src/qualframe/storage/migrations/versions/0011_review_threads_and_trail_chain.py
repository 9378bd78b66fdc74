"""auditors: review threads, code reviews, the audit trail's hash chain

- ``reviews``: ``reply_to_guid`` (indexed), ``action``, ``details``; ``verdict`` may also be
  'answer' (the analyst's answer to a dispute or comment, kept in the segment's thread).
- ``code_reviews`` (new): an auditor's comments on a code and the analyst's answers.
- ``audit_events``: ``prev_hash`` and ``hash`` (the hash chain, see ``storage.trail``),
  an index on ``entity_guid``. Existing events are chained here, in id order, after one
  ``code_state`` event per existing code (the codebook as it stood at the upgrade: the
  start of the codebook's recorded history).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

VERDICTS_OLD = "verdict IN ('agree','dispute','comment')"
VERDICTS_NEW = "verdict IN ('agree','dispute','comment','answer')"

_events = sa.table(
    'audit_events',
    sa.column('id', sa.Integer), sa.column('at', sa.DateTime), sa.column('actor', sa.String),
    sa.column('action', sa.String), sa.column('entity', sa.String),
    sa.column('entity_guid', sa.String), sa.column('details', sa.JSON),
    sa.column('prev_hash', sa.String), sa.column('hash', sa.String),
)
_codes = sa.table(
    'codes',
    sa.column('id', sa.Integer), sa.column('guid', sa.String), sa.column('parent_id', sa.Integer),
    sa.column('name', sa.String), sa.column('position', sa.Integer),
    sa.column('definition', sa.Text), sa.column('inclusion', sa.Text),
    sa.column('exclusion', sa.Text), sa.column('example', sa.Text),
)


def _baseline_and_chain() -> None:
    from qualframe.storage.models import utcnow
    from qualframe.storage.trail import STATE_ACTION, code_state, event_hash, normalise_details

    conn = op.get_bind()
    codes = conn.execute(sa.select(_codes).order_by(_codes.c.id)).all()
    guid_of = {r.id: r.guid for r in codes}
    now = utcnow()
    for r in codes:
        state = code_state(r, guid_of.get(r.parent_id) if r.parent_id else None)
        conn.execute(
            _events.insert().values(
                at=now, actor='qualframe (upgrade)', action=STATE_ACTION, entity='code',
                entity_guid=r.guid, details={'state': state, 'baseline': True}, hash='',
            )
        )
    prev = None
    updates = []
    for ev in conn.execute(sa.select(_events).order_by(_events.c.id)).all():
        details = normalise_details(ev.details)
        digest = event_hash(prev, ev.at, ev.actor, ev.action, ev.entity, ev.entity_guid, details)
        updates.append({'eid': ev.id, 'p': prev, 'h': digest})
        prev = digest
    if updates:
        conn.execute(
            _events.update()
            .where(_events.c.id == sa.bindparam('eid'))
            .values(prev_hash=sa.bindparam('p'), hash=sa.bindparam('h')),
            updates,
        )


def upgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to_guid', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('action', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reviews_reply_to_guid'), ['reply_to_guid'], unique=False)
        batch_op.drop_constraint(op.f('ck_reviews_verdict'), type_='check')
        batch_op.create_check_constraint(op.f('ck_reviews_verdict'), sa.text(VERDICTS_NEW))

    op.create_table('code_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('reply_to_guid', sa.String(length=36), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.CheckConstraint("kind IN ('comment','agree','answer')", name=op.f('ck_code_reviews_kind')),
    sa.ForeignKeyConstraint(['author_id'], ['coders.id'], name=op.f('fk_code_reviews_author_id_coders')),
    sa.ForeignKeyConstraint(['code_id'], ['codes.id'], name=op.f('fk_code_reviews_code_id_codes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_reviews')),
    sa.UniqueConstraint('guid', name=op.f('uq_code_reviews_guid'))
    )
    with op.batch_alter_table('code_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_reviews_code_id'), ['code_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_code_reviews_reply_to_guid'), ['reply_to_guid'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_entity_guid'), ['entity_guid'], unique=False)
    _baseline_and_chain()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_entity_guid'))
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
    with op.batch_alter_table('code_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_reviews_reply_to_guid'))
        batch_op.drop_index(batch_op.f('ix_code_reviews_code_id'))
    op.drop_table('code_reviews')
    op.execute(sa.text("DELETE FROM reviews WHERE verdict = 'answer'"))
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reviews_verdict'), type_='check')
        batch_op.create_check_constraint(op.f('ck_reviews_verdict'), sa.text(VERDICTS_OLD))
        batch_op.drop_index(batch_op.f('ix_reviews_reply_to_guid'))
        batch_op.drop_column('details')
        batch_op.drop_column('action')
        batch_op.drop_column('reply_to_guid')
