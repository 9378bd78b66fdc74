"""closed survey answers packed into their response row

Adds ``survey_responses.answers`` (JSON, ``{"<survey item id>": [raw, number, choices]}``
without trailing nulls: the row's closed answers) and moves every ``survey_answers`` row into it, then drops
``survey_answers``. One row per respondent instead of one per answer: a survey of 50,000
respondents × 60 questions was three million rows, whose insert (rows, the unique
item/participant index, the participant index) took longer than everything else of its
import. An answer goes to the participant's response from the item's file, else to their
first response; a participant with answers but no response (a project made before 0005 and
never backfilled) gets one, counted as complete, as 0005 did.
Only a column is added (no table is rebuilt, so nothing cascades).

Downgrade: ``survey_answers`` is created again and filled from the packed answers, then the
column is dropped.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 5_000


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    op.add_column(
        "survey_responses",
        sa.Column("answers", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )
    conn = op.get_bind()
    responses: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for rid, pid, fname in conn.execute(
        sa.text("SELECT id, participant_id, source_filename FROM survey_responses ORDER BY id")
    ):
        responses[pid].append((rid, fname))
    packed: dict[int, dict[str, list[Any]]] = defaultdict(dict)
    created: dict[tuple[int, str], int] = {}
    rows = conn.execute(
        sa.text(
            "SELECT a.participant_id, a.item_id, a.raw, a.number, a.choices, "
            "COALESCE(i.source_filename, ''), p.pseudonym FROM survey_answers a "
            "JOIN survey_items i ON i.id = a.item_id "
            "JOIN participants p ON p.id = a.participant_id ORDER BY a.id"
        )
    ).all()
    for pid, item_id, raw, number, choices, fname, pseudonym in rows:
        held = responses.get(pid)
        if held:
            rid = next((r for r, f in held if f == fname), held[0][0])
        else:
            rid = created.get((pid, fname)) or _new_response(conn, pid, fname, pseudonym)
            created[(pid, fname)] = rid
            responses[pid].append((rid, fname))
        choices = _decoded(choices)
        entry = [raw, number, list(choices) if choices is not None else None]
        while entry and entry[-1] is None:  # trailing nulls are left out
            entry.pop()
        packed[rid][str(item_id)] = entry
    # typed as JSON, so each database gets the value as its JSON type wants it
    update = sa.text("UPDATE survey_responses SET answers = :a WHERE id = :i").bindparams(
        sa.bindparam("a", type_=sa.JSON())
    )
    items = list(packed.items())
    for k in range(0, len(items), BATCH):
        conn.execute(update, [{"a": v, "i": rid} for rid, v in items[k : k + BATCH]])
    op.drop_index(op.f("ix_survey_answers_participant_id"), table_name="survey_answers")
    op.drop_table("survey_answers")


def _new_response(conn: Any, pid: int, fname: str, pseudonym: str) -> int:
    conn.execute(
        sa.text(
            "INSERT INTO survey_responses (participant_id, source_filename, respondent_id, "
            "status, status_detail, answers) VALUES (:p, :f, :r, 'complete', '', '{}')"
        ),
        {"p": pid, "f": fname, "r": pseudonym},
    )
    return int(
        conn.execute(
            sa.text(
                "SELECT id FROM survey_responses WHERE participant_id = :p "
                "AND source_filename = :f"
            ),
            {"p": pid, "f": fname},
        ).scalar_one()
    )


def downgrade() -> None:
    op.create_table('survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=True),
    sa.Column('number', sa.Float(), nullable=True),
    sa.Column('choices', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['survey_items.id'], name=op.f('fk_survey_answers_item_id_survey_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_survey_answers_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')),
    sa.UniqueConstraint('item_id', 'participant_id', name='item_participant')
    )  # fmt: skip
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_answers_participant_id"), ["participant_id"], unique=False
        )
    conn = op.get_bind()
    insert = sa.text(
        "INSERT INTO survey_answers (item_id, participant_id, raw, number, choices) "
        "VALUES (:i, :p, :r, :n, :c)"
    ).bindparams(sa.bindparam("c", type_=sa.JSON(none_as_null=True)))
    out: list[dict[str, Any]] = []
    for pid, answers in conn.execute(
        sa.text("SELECT participant_id, answers FROM survey_responses ORDER BY id")
    ):
        for item, entry in (_decoded(answers) or {}).items():
            raw, number, choices = [*entry, None, None, None][:3]
            out.append({"i": int(item), "p": pid, "r": raw, "n": number, "c": choices})
    for k in range(0, len(out), BATCH):
        conn.execute(insert, out[k : k + BATCH])
    op.drop_column("survey_responses", "answers")
