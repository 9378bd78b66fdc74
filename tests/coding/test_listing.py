"""Listing segments with their texts (``coding.query.segments``) read straight from the
database driver: every quote cut to its own turn whatever the segment's placement, the
first ``limit`` segments across documents, the stored creation time, the speakers and the
driver rows themselves, on every database the tests run on."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from sqlalchemy import create_engine, func, literal, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from qualframe.coding.commands import AddCode, ApplyCode, UndoStack
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
from qualframe.coding.query.driver import driver_rows, stamp_reader
from qualframe.coding.query.filters import SegmentFilter
from qualframe.coding.query.quotes import own_turn
from qualframe.coding.query.segments import filtered_segments, list_segments, speakers
from qualframe.storage.models import Document, Participant, Segment, Turn
from tests.coding.helpers import add_transcript

TURNS = [
    ("Moderatorin", "Was hat euch beim Lernen geholfen?"),
    ("B1", "Die Lerngruppe am Sonntag 📅, jede Woche, mit Karteikarten und Fallbeispielen."),
    ("C1", "Mir hat die Mentorin geholfen."),
]


@pytest.fixture
def placed(project: Project) -> tuple[str, str, tuple[int, int], str]:
    """One transcript; returns (document GUID, its text, B1's turn as (start, end), the code's
    GUID)."""
    doc, text = add_transcript(project, "placements", TURNS, interviewers=("Moderatorin",))
    with project.read() as s:
        ts, te = s.execute(select(Turn.start, Turn.end).where(Turn.label == "B1")).one()
    code = UndoStack(project).push(AddCode("Lernen")).created_guid or ""
    return doc, text, (ts, te), code


def test_every_quote_is_cut_to_its_own_turn_whatever_the_placement(
    project: Project, placed: tuple[str, str, tuple[int, int], str]
) -> None:
    """Segments credited to B1's turn lying inside it, on its edges, reaching out of it on
    either side or both, and one with nothing inside it (its turn set by hand, as an edit of
    the turns could leave it): each quote is :func:`own_turn`'s part of the text; the
    segment's own range stays as it is. A segment in no turn keeps its whole range."""
    doc, text, (ts, te), code = placed
    ranges = [
        (ts + 4, te - 3),  # inside
        (ts, te),  # exactly the turn
        (ts, ts + 9),  # from the turn's first character
        (te - 9, te),  # up to its last
        (ts - 6, ts + 12),  # from the moderator's turn into B1's
        (te - 12, te + 5),  # from B1's turn into C1's
        (ts - 5, te + 4),  # over the whole turn and beyond on both sides
        (ts - 6, ts),  # up to the turn's first character, not into it
        (0, 7),  # the moderator's words only, credited to B1 below
        (3, 9),  # credited to no turn below
    ]
    stack = UndoStack(project)
    made = [stack.push(ApplyCode(doc, a, b, code)).created_guid for a, b in ranges]
    with project.write() as s:
        b1 = s.scalar(select(Turn.id).where(Turn.label == "B1"))
        s.execute(update(Segment).where(Segment.guid.in_(made[:-1])).values(turn_id=b1))
        s.execute(update(Segment).where(Segment.guid == made[-1]).values(turn_id=None))
    listed = {r.guid: r for r in list_segments(project, code_guid=code)}
    for guid, (a, b) in zip(made, ranges, strict=True):
        turn = None if guid == made[-1] else (ts, te)
        want = own_turn(a, b, turn)
        record = listed[guid]
        assert (record.start, record.end, record.text) == (a, b, text[want[0] : want[1]])
    assert listed[made[4]].text == text[ts : ts + 12]  # none of the moderator's words
    assert listed[made[5]].text == text[te - 12 : te]  # none of C1's
    assert listed[made[7]].text == text[ts - 6 : ts]  # nothing inside its turn: left whole
    assert listed[made[8]].text == text[0:7] and listed[made[9]].text == text[3:9]


def test_the_first_segments_across_documents(
    project: Project, placed: tuple[str, str, tuple[int, int], str]
) -> None:
    """``limit`` keeps the first segments in listing order, also when it ends inside the
    second document or right after the first."""
    doc, _, (ts, _te), code = placed
    later, _ = add_transcript(project, "later", [("B1", "Noch ein Gespräch über Pläne.")])
    stack = UndoStack(project)
    for a, b in ((ts + 10, ts + 20), (ts, ts + 5), (ts, ts + 8)):
        stack.push(ApplyCode(doc, a, b, code))
    for a, b in ((10, 14), (4, 8)):
        stack.push(ApplyCode(later, a, b, code))
    every = [(r.document_name, r.start, r.end) for r in list_segments(project)]
    assert every == [
        ("placements", ts, ts + 5), ("placements", ts, ts + 8), ("placements", ts + 10, ts + 20),
        ("later", 4, 8), ("later", 10, 14),
    ]  # fmt: skip
    for n in range(7):
        listed = [(r.document_name, r.start, r.end) for r in list_segments(project, limit=n)]
        assert listed == every[:n]
    with project.read() as s:
        first = filtered_segments(s, SegmentFilter(code_guid=code), limit=4)
        assert [(r.document_name, r.start) for r in first] == [e[:2] for e in every[:4]]


def test_a_listed_segment_carries_its_stored_creation_time(
    project: Project, placed: tuple[str, str, tuple[int, int], str]
) -> None:
    doc, _, (ts, te), code = placed
    guid = UndoStack(project).push(ApplyCode(doc, ts, te, code)).created_guid
    stamp = datetime(2026, 3, 4, 5, 6, 7, 89)
    with project.write() as s:
        s.execute(update(Segment).where(Segment.guid == guid).values(created_at=stamp))
        stored = s.scalar(select(Segment.created_at).where(Segment.guid == guid))
    (record,) = list_segments(project)
    assert type(record.created_at) is datetime and record.created_at == stamp == stored


def test_stamps_are_converted_only_where_the_driver_gives_text() -> None:
    with Session(create_engine("sqlite://")) as s:
        text_stamp = stamp_reader(s)
        assert text_stamp("2026-03-04 05:06:07.000089") == datetime(2026, 3, 4, 5, 6, 7, 89)
        assert text_stamp("2026-03-04 05:06:07") == datetime(2026, 3, 4, 5, 6, 7)
    # PostgreSQL's driver gives datetimes: they are kept as they are (no server is needed to
    # ask the dialect).
    with Session(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")) as s:
        as_given = stamp_reader(s)
        when = datetime(2026, 3, 4, 5, 6, 7, 89)
        assert as_given(when) is when


def test_driver_rows_are_plain_tuples_as_the_driver_gives_them(project: Project) -> None:
    with project.read() as s:
        rows = driver_rows(s, select(literal(7), literal("ä📅"), literal(None)))
        assert rows == [(7, "ä📅", None)] and type(rows) is list and type(rows[0]) is tuple
        assert driver_rows(s, select(Document.id)) == []
        # The result is closed: the session's connection runs the next statement at once.
        assert driver_rows(s, select(literal(1))) == [(1,)]


def test_speakers_with_and_without_their_attributes(
    project: Project, placed: tuple[str, str, tuple[int, int], str]
) -> None:
    people = {p.pseudonym: p for p in list_participants(project)}
    set_participant_attribute(project, people["B1"].guid, "Rolle", "Mentee")
    with project.read() as s:
        ids = dict(s.execute(select(Participant.pseudonym, Participant.id)).all())
        b1, c1 = ids["B1"], ids["C1"]
        assert speakers(s, {b1}) == {b1: (people["B1"].guid, "B1", {"Rolle": "Mentee"})}
        assert speakers(s, {c1}) == {c1: (people["C1"].guid, "C1", None)}
        assert speakers(s, {b1}, attributes=False) == {b1: (people["B1"].guid, "B1", None)}
        assert speakers(s, set()) == {}
        # A long list reads everyone (one scan), the speakers asked for among them.
        many = speakers(s, set(range(10_000, 10_600)) | {c1})
        assert many[c1] == (people["C1"].guid, "C1", None) and set(many) == {b1, c1}


@pytest.mark.sqlite_only("makes SQLite fail half-way through the rows with a function of ours")
def test_a_driver_error_while_reading_rows_is_raised_as_sqlalchemys(project: Project) -> None:
    """SQLite reads rows as they are fetched: an error there (a damaged page, a full disk)
    reaches the caller as SQLAlchemy's error, which the project's sessions turn into their
    one-sentence messages, as it did when SQLAlchemy fetched the rows."""

    def fails_on_the_third(n: int) -> int:
        if n == 3:
            raise ValueError("page damaged")
        return n

    with project.read() as s:
        raw = s.connection().connection.dbapi_connection
        assert raw is not None
        raw.create_function("fails_on_the_third", 1, fails_on_the_third)  # type: ignore[attr-defined]
        numbers = (
            select(literal(1).label("n"))
            .union_all(select(literal(2)), select(literal(3)), select(literal(4)))
            .subquery()
        )
        with pytest.raises(DBAPIError) as err:
            driver_rows(s, select(func.fails_on_the_third(numbers.c.n)))
        assert isinstance(err.value.orig, sqlite3.OperationalError)
        assert driver_rows(s, select(func.fails_on_the_third(literal(2)))) == [(2,)]
