"""Projects with thousands of attributes (a survey export with 10,000 columns) (issue 10).

Before: 10,000 attributes made the GUI not open in 600 s (1,000: 32 s) — the retrieved
segments' filter asked the database once per attribute, each a scan of every value — and
CLI commands take 6–13 s, reading every value of every speaker. The timings are in
`make bench` (tests/bench/test_bench_attributes.py); these tests pin the behaviour that
makes them fast: a bounded number of queries, attribute columns loaded lazily, only the
attributes a view shows read.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, insert

from qualframe.coding.core.project import Project
from qualframe.storage.models import Attribute, AttributeValue, Participant
from tests.app.conftest import build_project

N_ATTRIBUTES = 400


def add_attributes(project: Project, n: int, people: int = 12) -> None:
    """``people`` respondents with ``n`` attributes each (bulk, like a wide survey)."""
    with project.write() as s:
        s.execute(
            insert(Participant),
            [
                dict(guid=str(uuid.uuid4()), pseudonym=f"R{i:03d}", is_interviewer=False)
                for i in range(people)
            ],
        )
        pids = [p.id for p in s.query(Participant).filter(Participant.pseudonym.like("R%"))]
        base = s.query(Attribute).count()
        s.execute(
            insert(Attribute),
            [
                dict(guid=str(uuid.uuid4()), name=f"q{i:05d}", type="category", position=base + i)
                for i in range(n)
            ],
        )
        aids = [a.id for a in s.query(Attribute).filter(Attribute.name.like("q%"))]
        s.execute(
            insert(AttributeValue),
            [
                dict(participant_id=p, attribute_id=a, value=f"answer {(p + a) % 4}")
                for p in pids
                for a in aids
            ],
        )


@contextmanager
def counted(project: Project) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(_conn, _cursor, statement, *_a) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(project.db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(project.db.engine, "before_cursor_execute", before)


@pytest.fixture
def wide(tmp_path: Path) -> Iterator[Project]:
    project = build_project(tmp_path / "wide.qualframe")
    add_attributes(project, N_ATTRIBUTES)
    yield project
    project.close()


@pytest.mark.gui
def test_the_window_opens_with_a_bounded_number_of_queries(qtbot, wide: Project, settings) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui.shell.main_window import MainWindow

    with counted(wide) as statements:
        w = MainWindow(wide, settings, restore_layout=False)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
    # One query per attribute before (400 here, 10,000 in the report); now a few dozen in
    # all, whatever the number of attributes.
    assert len(statements) < 80, len(statements)
    # The attribute filters appear when the list is opened, from one query.
    box = w.retrieval.where
    with counted(wide) as statements:
        box.showPopup()
    box.hidePopup()
    assert len(statements) <= 3
    # "All participants", q00000 = answer 0 … answer 3 for each, role (2) and year (4)
    assert box.count() == 1 + N_ATTRIBUTES * 4 + 2 + 4
    assert box.findText("q00007 = answer 2") > 0
    # The Participants tab (every value of every attribute) is read when first shown.
    sheet = w.participants_view
    assert sheet.model.rows == [] and sheet.model.attributes == []
    w.tabs.setCurrentWidget(sheet)
    assert len(sheet.model.attributes) == N_ATTRIBUTES + 2
    assert sheet.model.rows and sheet.table.horizontalHeader().stretchLastSection()
    w.close()


@pytest.mark.gui
def test_participant_columns_are_loaded_as_the_table_scrolls(
    qtbot, wide: Project, settings
) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui.models.participants_model import COLUMN_CHUNK
    from qualframe.app.gui.shell.main_window import MainWindow

    w = MainWindow(wide, settings, restore_layout=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    model, table = w.navigator.participants, w.navigator.table
    total = N_ATTRIBUTES + 2  # role and year from the fixture
    assert model.columnCount() == 1 + COLUMN_CHUNK  # not 1 + 402
    assert model.more_columns == total - COLUMN_CHUNK
    row = next(i for i, p in enumerate(model.people) if p.pseudonym == "R003")
    # Scrolling the table to its right end shows the last loaded column: more come.
    for _ in range(20):
        bar = table.horizontalScrollBar()
        bar.setValue(bar.maximum())
        qtbot.wait(30)
        if not model.more_columns:
            break
    assert model.columnCount() == 1 + total
    last = model.index(row, model.columnCount() - 1)
    assert model.headerData(last.column(), table.horizontalHeader().orientation()) == "q00399"
    assert str(last.data()).startswith("answer ")
    w.close()


def test_only_the_attributes_asked_for_are_read(wide: Project) -> None:
    from qualframe.coding.corpus.participants import list_participants
    from qualframe.coding.query.retrieval import fetch
    from qualframe.coding.query.segments import list_segments, participant_attributes

    with wide.read() as s:
        everyone = participant_attributes(s)
        some = participant_attributes(s, names=["role", "Q00002"])
    assert max(len(v) for v in everyone.values()) == N_ATTRIBUTES
    assert {k for v in some.values() for k in v} == {"role", "q00002"}
    people = list_participants(wide, attributes=["q00001"])
    assert {k for p in people for k in p.attributes} == {"q00001"}
    # The segments list for a terminal leaves the attributes out; the GUI's retrieval reads
    # only the group column.
    assert all(r.attributes == {} for r in list_segments(wide, attributes=False))
    rows, attrs = fetch(wide, attribute_names=("role",))
    assert rows and {k for v in attrs.values() for k in v} <= {"role"}
    # Records of one speaker share one dict instead of a copy each.
    full = [r for r in list_segments(wide) if r.speaker == "E1"]
    assert len(full) == 2 and full[0].attributes is full[1].attributes
