"""Revision 0008 packs a project's closed survey answers into their response rows, keeping
every answer (raw, number, choices) and the figures computed from them; its downgrade gives
the rows back."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from qualframe.coding.analysis.survey import survey_tables
from qualframe.coding.core.project import Project
from qualframe.storage import migrate
from qualframe.storage.migrate import alembic_config

OLD = """
INSERT INTO participants (id, pseudonym, is_interviewer, created_at, guid) VALUES
    (1, 'R1', 0, '2026-01-01', 'g1'), (2, 'R2', 0, '2026-01-01', 'g2'),
    (3, 'R3', 0, '2026-01-01', 'g3'), (4, 'M1', 0, '2026-01-01', 'g4');
INSERT INTO attributes (id, name, type, position, guid) VALUES (1, 'role', 'category', 0, 'a1');
INSERT INTO attribute_values (participant_id, attribute_id, value) VALUES
    (1, 1, 'mentee'), (2, 1, 'mentor'), (3, 1, 'mentee'), (4, 1, 'mentor');
INSERT INTO survey_items (id, name, type, scale_min, scale_max, scale_source, options, position,
                          reversed, source_filename, guid) VALUES
    (1, 'sat', 'likert', 1, 5, 'declared', NULL, 0, 0, 'wave1.csv', 'i1'),
    (2, 'topics', 'multiple', NULL, NULL, NULL, '["Exams", "Planning, weekly"]', 1, 0,
     'wave1.csv', 'i2'),
    (3, 'extra', 'number', NULL, NULL, NULL, NULL, 2, 0, 'wave2.csv', 'i3');
INSERT INTO survey_responses (id, participant_id, source_filename, respondent_id, status,
                              status_detail) VALUES
    (1, 1, 'wave1.csv', 'R1', 'complete', ''), (2, 2, 'wave1.csv', 'R2', 'complete', ''),
    (3, 3, 'wave1.csv', 'R3', 'incomplete', 'Progress 40');
INSERT INTO survey_answers (item_id, participant_id, raw, number, choices) VALUES
    (1, 1, '4', 4.0, NULL), (1, 2, '2', 2.0, NULL), (1, 3, '5', 5.0, NULL),
    (2, 1, 'Exams; Planning, weekly', NULL, '["Exams", "Planning, weekly"]'),
    (2, 2, 'Exams', NULL, '["Exams"]'),
    (3, 1, '7', 7.0, NULL), (3, 4, '3', 3.0, NULL);
"""


def _old_project(path: Path) -> None:
    Project.create(path, coder="t").close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0007")
    engine.dispose()
    con = sqlite3.connect(path)
    con.executescript(OLD)
    con.commit()
    con.close()


def _answer_rows(path: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        return sorted(
            con.execute(
                "SELECT item_id, participant_id, raw, number, choices FROM survey_answers"
            ).fetchall()
        )
    finally:
        con.close()


def test_upgrade_packs_every_answer_into_its_response(tmp_path: Path) -> None:
    path = tmp_path / "old.qualframe"
    _old_project(path)
    before = _answer_rows(path)
    with Project.open(path) as project:
        assert project.db.schema_version() == migrate.head_revision()
        with project.read() as s:
            rows = s.execute(
                text(
                    "SELECT participant_id, source_filename, respondent_id, status, answers "
                    "FROM survey_responses ORDER BY participant_id, source_filename"
                )
            ).all()
            tables = set(s.execute(text("SELECT name FROM sqlite_master")).scalars())
        assert "survey_answers" not in tables
        packed = [(p, f, r, st, json.loads(a)) for p, f, r, st, a in rows]
        assert packed == [
            (1, "wave1.csv", "R1", "complete", {
                "1": ["4", 4.0], "2": ["Exams; Planning, weekly", None,
                                             ["Exams", "Planning, weekly"]],
                "3": ["7", 7.0],  # wave2's item: into R1's only response
            }),
            (2, "wave1.csv", "R2", "complete", {"1": ["2", 2.0],
                                                "2": ["Exams", None, ["Exams"]]}),
            (3, "wave1.csv", "R3", "incomplete", {"1": ["5", 5.0]}),
            # M1 answered without a response row: one is made for the item's file, complete
            (4, "wave2.csv", "M1", "complete", {"3": ["3", 3.0]}),
        ]  # fmt: skip
        t = survey_tables(project, by="role").to_json()
        sat = next(r for r in t["likert"] if r["item"] == "sat")
        # R3 is incomplete, left out: mentee R1 (4), mentor R2 (2)
        assert (sat["overall"]["n"], sat["overall"]["mean"]) == (2, 3.0)
        topics = next(r for r in t["frequencies"] if r["item"] == "topics")
        assert topics["overall"]["options"]["Planning, weekly"]["n"] == 1
    # and back: the downgrade gives every row back as it was
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0007")
    engine.dispose()
    after = _answer_rows(path)
    assert [(i, p, r, n, json.loads(c) if c else None) for i, p, r, n, c in after] == [
        (i, p, r, n, json.loads(c) if c else None) for i, p, r, n, c in before
    ]
