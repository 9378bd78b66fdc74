"""Revision 0005: a project made before it keeps its survey respondents (backfilled as
complete responses) and gains item labels, Likert mappings and the new item types."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from qualframe.coding.core.project import Project
from qualframe.storage.migrate import alembic_config


def test_upgrade_backfills_survey_responses(tmp_path: Path) -> None:
    path = tmp_path / "old.qualframe"
    Project.create(path, coder="t").close()
    # rebuilding a table in SQLite would cascade-delete its answers: check they survive
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
    engine.dispose()
    con = sqlite3.connect(path)
    con.executescript(
        """
        INSERT INTO participants (id, pseudonym, is_interviewer, created_at, guid)
            VALUES (1, 'R1', 0, '2026-01-01', 'g1'), (2, 'R2', 0, '2026-01-01', 'g2'),
                   (3, 'M1', 0, '2026-01-01', 'g3');
        INSERT INTO survey_items (id, name, type, position, source_filename, guid)
            VALUES (1, 'sat', 'likert', 0, 'wave1.csv', 'i1');
        INSERT INTO survey_answers (item_id, participant_id, raw, number)
            VALUES (1, 1, '4', 4.0), (1, 2, '5', 5.0);
        """
    )
    con.commit()
    con.close()
    with Project.open(path) as project, project.read() as s:
        rows = s.execute(
            text(
                "SELECT participant_id, source_filename, respondent_id, status "
                "FROM survey_responses ORDER BY participant_id"
            )
        ).all()
        assert [tuple(r) for r in rows] == [
            (1, "wave1.csv", "R1", "complete"),
            (2, "wave1.csv", "R2", "complete"),
        ]
        assert s.execute(text("SELECT count(*) FROM survey_answers")).scalar() == 2
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO survey_items (name, type, ignored_as, position, reversed, guid) "
        "VALUES ('ip', 'ignore', 'personal', 1, 0, 'i2')"
    )
    con.commit()
    con.close()
