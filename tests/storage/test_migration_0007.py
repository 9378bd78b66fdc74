"""Revision 0007 adds document sets to a project made before them, keeping its data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, text

from qualframe.coding.commands import AddDocumentSet, UndoStack
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.sets import list_sets
from qualframe.storage import migrate
from qualframe.storage.sqlite import APPLICATION_ID


def _project_at_0002(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.commit()
    con.close()
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, "0002")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (guid, name, kind, text, length, content_hash, text_hash,"
                " imported_at, position) VALUES ('d-1', 'fgi_mentees', 'transcript', 'E1: hi',"
                " 6, 'h', 'h', '2026-01-01', 0)"
            )
        )
    engine.dispose()


def test_a_0002_project_gains_document_sets(tmp_path: Path) -> None:
    path = tmp_path / "old.qualframe"
    _project_at_0002(path)
    with Project.open(path, coder="tester") as project:
        assert project.db.schema_version() == migrate.head_revision()
        assert list_sets(project) == []
        UndoStack(project).push(AddDocumentSet("Year 1", ["d-1"]))
        (only,) = list_sets(project)
        assert (only.name, only.document_guids) == ("Year 1", ("d-1",))
    backups = list(tmp_path.glob("old.qualframe.bak-0002-*"))
    assert len(backups) == 1
