"""storage.bulk: plain-row inserts, GUIDs in bulk, indexes rebuilt after a large insert."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import Table, select, text

from qualframe.storage.bulk import bind_value, indexes_rebuilt_after, insert_rows, new_guids
from qualframe.storage.database import create_project
from qualframe.storage.models import Participant, SurveyAnswer, SurveyItem, new_guid

PARTICIPANTS = cast(Table, Participant.__table__)
ANSWERS = cast(Table, SurveyAnswer.__table__)


def _indexes(session, table: str) -> set[str]:  # type: ignore[no-untyped-def]
    rows = session.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"), {"t": table}
    )
    return {r[0] for r in rows}


def test_insert_rows_in_batches_inside_the_callers_transaction(tmp_path: Path) -> None:
    db = create_project(tmp_path / "b.qualframe")
    try:
        with db.write() as s:
            now = bind_value(s, PARTICIPANTS, "created_at", datetime(2024, 5, 2, 10, 0, 0))
            rows = [(f"P{i}", None, False, now, new_guid()) for i in range(7)]
            cols = ("pseudonym", "real_name", "is_interviewer", "created_at", "guid")
            assert insert_rows(s, PARTICIPANTS, cols, iter(rows), batch=3) == 7
        with db.read() as s:
            got = s.scalars(select(Participant).order_by(Participant.id)).all()
            assert [p.pseudonym for p in got] == [f"P{i}" for i in range(7)]
            # the datetime went in as the DateTime type writes it, and reads back as one
            assert got[0].created_at == datetime(2024, 5, 2, 10, 0, 0)
            assert got[0].is_interviewer is False
        with pytest.raises(RuntimeError), db.write() as s:
            insert_rows(s, PARTICIPANTS, cols, [("Q1", None, False, now, new_guid())])
            raise RuntimeError("rolled back")
        with db.read() as s:
            assert s.scalar(select(Participant).where(Participant.pseudonym == "Q1")) is None
    finally:
        db.close()


def test_new_guids_are_version_4_and_distinct() -> None:
    guids = new_guids(20_000)
    assert len(set(guids)) == 20_000
    for g in guids[:5000]:
        u = uuid.UUID(g)
        assert str(u) == g and u.version == 4 and u.variant == uuid.RFC_4122
    assert new_guids(0) == []


def test_indexes_are_rebuilt_after_the_block_and_restored_by_a_rollback(tmp_path: Path) -> None:
    db = create_project(tmp_path / "i.qualframe")
    try:
        with db.read() as s:
            before = _indexes(s, "survey_answers")
        assert "ix_survey_answers_participant_id" in before
        with db.write() as s:
            s.add(SurveyItem(name="q1", type="likert", position=0))
            s.add(Participant(pseudonym="R1"))
            s.flush()
            with indexes_rebuilt_after(s, ANSWERS):
                assert "ix_survey_answers_participant_id" not in _indexes(s, "survey_answers")
                # the unique (item, participant) constraint is kept: it guards the data
                assert any(n.startswith("sqlite_autoindex") for n in _indexes(s, "survey_answers"))
                insert_rows(s, ANSWERS, ("item_id", "participant_id", "raw", "number", "choices"),
                            [(1, 1, "4", 4.0, None)])  # fmt: skip
        with db.read() as s:
            assert _indexes(s, "survey_answers") == before
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        with pytest.raises(RuntimeError), db.write() as s, indexes_rebuilt_after(s, ANSWERS):
            raise RuntimeError("rolled back")
        with db.read() as s:
            assert _indexes(s, "survey_answers") == before
        with db.write() as s, indexes_rebuilt_after(s, ANSWERS, enabled=False):
            assert _indexes(s, "survey_answers") == before
    finally:
        db.close()
