"""storage.bulk: plain-row inserts, GUIDs in bulk."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import Table, select, text

from qualframe.storage.bulk import bind_value, insert_rows, new_guids
from qualframe.storage.database import create_project
from qualframe.storage.models import Participant, new_guid

PARTICIPANTS = cast(Table, Participant.__table__)


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


def test_a_time_is_written_as_the_dialects_datetime_writes_it(tmp_path: Path) -> None:
    """With its microseconds, as the ORM writes it (the driver's own adapter, which the
    generic DateTime type left it to, drops '.000000' and is deprecated from Python 3.12)."""
    db = create_project(tmp_path / "t.qualframe")
    try:
        with db.write() as s:
            on_the_hour = bind_value(s, PARTICIPANTS, "created_at", datetime(2024, 5, 2, 10))
            assert on_the_hour == "2024-05-02 10:00:00.000000"
            assert bind_value(s, PARTICIPANTS, "pseudonym", "M1") == "M1"
            s.add(Participant(pseudonym="orm", created_at=datetime(2024, 5, 2, 10)))
            s.flush()
            written = s.execute(
                text("SELECT created_at FROM participants WHERE pseudonym = 'orm'")
            ).scalar()
            assert written == on_the_hour
    finally:
        db.close()
