"""The one segment filter shared by listing, retrieval and the matrix drill-down, and the
document texts kept between listings."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from qualframe.coding.commands import AddCode, ApplyCode, UndoStack
from qualframe.coding.core.errors import NotFoundError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
from qualframe.coding.query import retrieval
from qualframe.coding.query.filters import SegmentFilter, Where, fold
from qualframe.coding.query.segments import filtered_segments, list_segments
from qualframe.coding.query.texts import TextCache, document_texts
from qualframe.storage.models import Document
from tests.coding.helpers import add_transcript

TURNS = [
    ("Moderator", "Wie hat das Mentoring geholfen?"),
    ("A1", "Die Ärztin hat mir beim Lernplan geholfen."),
    ("A2", "Wir haben jede Woche geübt 📅 und es hat geholfen."),
    ("A3", "Ich hatte keinen Mentor."),
]


@pytest.fixture
def study(project: Project) -> dict[str, str]:
    """One transcript; A1 a female mentee, A2 a male mentee, A3 (no attributes); every turn
    coded "Hilfe" (the moderator's too), A2's also with the sub-code "Lernplan" by a second
    coder; returns the GUIDs."""
    doc, text = add_transcript(project, "fgi", TURNS)
    values = {"A1": ("Mentee", "ÄRZTIN"), "A2": ("  mentee ", "Student")}
    for person in list_participants(project):
        if person.pseudonym in values:
            role, job = values[person.pseudonym]
            set_participant_attribute(project, person.guid, "role", role)
            set_participant_attribute(project, person.guid, "Beruf", job)
    stack = UndoStack(project)
    theme = stack.push(AddCode("Hilfe")).created_guid
    sub = stack.push(AddCode("Lernplan", theme)).created_guid
    assert theme and sub
    for _, speech in TURNS:
        i = text.index(speech)
        stack.push(ApplyCode(doc, i, i + len(speech), theme))
    project.coder = "Zweite Kodiererin"
    i = text.index("jede Woche geübt 📅")
    stack.push(ApplyCode(doc, i, i + len("jede Woche geübt 📅"), sub))
    project.coder = "tester"
    guids = {"doc": doc, "theme": theme, "sub": sub}
    guids |= {p.pseudonym: p.guid for p in list_participants(project)}
    return guids


def speakers(project: Project, f: SegmentFilter) -> list[str | None]:
    with project.read() as s:
        return [r.speaker for r in filtered_segments(s, f)]


def test_each_condition_of_the_filter(project: Project, study: dict[str, str]) -> None:
    every = ["Moderator", "A1", "A2", "A2", "A3"]
    assert speakers(project, SegmentFilter()) == every
    assert speakers(project, SegmentFilter(code_guid=study["theme"])) == every[:2] + every[3:]
    assert speakers(project, SegmentFilter(code_guid=study["sub"])) == ["A2"]
    assert (
        speakers(project, SegmentFilter(code_guid=study["theme"], include_descendants=True))
        == every
    )
    assert speakers(project, SegmentFilter(documents=(study["doc"],))) == every
    assert speakers(project, SegmentFilter(documents=("no-such-document",))) == []
    assert speakers(project, SegmentFilter(coders=(" zweite KODIERERIN ",))) == ["A2"]
    assert speakers(project, SegmentFilter(coders=("nobody",))) == []
    assert speakers(project, SegmentFilter(coders=("nobody", "Tester"))) == every[:3] + every[4:]
    assert speakers(project, SegmentFilter(participant_guid=study["A3"])) == ["A3"]
    assert speakers(project, SegmentFilter(participant_guid="gone")) == []
    assert speakers(project, SegmentFilter(include_interviewer=False)) == every[1:]
    # Attribute values and names match case-insensitively beyond ASCII, and with spaces
    # evened out, as the theme matrix groups them ("  mentee " is a mentee).
    mentees = (Where("ROLE", "mentee"),)
    assert speakers(project, SegmentFilter(where=mentees)) == ["A1", "A2", "A2"]
    doctor = (Where("beruf", "ärztin"),)
    assert speakers(project, SegmentFilter(where=doctor)) == ["A1"]
    assert speakers(project, SegmentFilter(where=(*mentees, Where("Beruf", "student")))) == [
        "A2",
        "A2",
    ]
    assert speakers(project, SegmentFilter(where=(Where("role", "mentor"),))) == []
    both = SegmentFilter(where=mentees, participant_guid=study["A1"], code_guid=study["theme"])
    assert speakers(project, both) == ["A1"]
    with project.read() as s:
        one = filtered_segments(s, SegmentFilter())[1]
        (again,) = filtered_segments(s, SegmentFilter(segment_guids=(one.guid,)))
        assert again == one
        assert filtered_segments(s, SegmentFilter(segment_guids=())) == []
        with pytest.raises(NotFoundError, match=r"That code no longer exists\."):
            SegmentFilter(code_guid="gone").clauses(s)


def test_listing_and_retrieval_use_the_same_filter(project: Project, study: dict[str, str]) -> None:
    cases: list[dict[str, object]] = [
        {"where": [Where.parse("beruf=ÄRZTIN")]},
        {"coder": "ZWEITE kodiererin"},
        {"document_guid": study["doc"], "code_guid": study["theme"]},
        {"code_guid": study["theme"], "include_descendants": True},
    ]
    for kwargs in cases:
        listed = [s.guid for s in list_segments(project, **kwargs)]  # type: ignore[arg-type]
        fetched, _ = retrieval.fetch(project, **kwargs)  # type: ignore[arg-type]
        assert [r.guid for r in fetched] == listed and listed


def test_fold_and_where_parse() -> None:
    assert fold("  Ärztin \t im  Dienst ") == "ärztin im dienst"
    assert fold("STRASSE") == fold("straße")  # casefold, not lower
    assert Where.parse(" role = mentee ") == Where("role", "mentee")
    with pytest.raises(Exception, match='"role" is not a condition'):
        Where.parse("role")


def test_quotes_come_from_each_text_read_once_and_kept(
    project: Project, study: dict[str, str]
) -> None:
    listed = list_segments(project)
    assert [s.text for s in listed][2:4] == [
        "Wir haben jede Woche geübt 📅 und es hat geholfen.",
        "jede Woche geübt 📅",  # offsets are code points: the emoji is one
    ]
    # A text that changes (with its hash, as every writer must) is read again …
    with project.write() as s:
        s.execute(
            update(Document)
            .where(Document.guid == study["doc"])
            .values(text=Document.text + "!", text_hash="changed")
        )
    assert list_segments(project)[0].text == listed[0].text
    with project.write() as s:
        s.execute(
            update(Document)
            .where(Document.guid == study["doc"])
            .values(text="X" + Document.text, text_hash="changed again")
        )
    # The same offsets now point one character earlier in the old text.
    assert list_segments(project)[0].text == " " + listed[0].text[:-1]
    # … and so is one whose length changed although its hash did not.
    with project.write() as s:
        s.execute(
            update(Document)
            .where(Document.guid == study["doc"])
            .values(text="YY" + Document.text, length=Document.length + 2)
        )
    assert list_segments(project)[0].text == "r: " + listed[0].text[:-3]


def test_the_text_cache_is_bounded(project: Project, study: dict[str, str]) -> None:
    add_transcript(project, "second", [("B1", "Noch ein Text.")])
    with project.read() as s:
        ids = set(s.scalars(select(Document.id)))
        cache = TextCache(max_chars=120)
        texts = cache.texts(s, ids)
        assert sorted(t[2] for t in texts.values()) == ["fgi", "second"]
        # The long transcript does not fit: it is read every time, the short one is kept.
        assert list(cache._texts) == [max(ids)] and cache._chars == len(texts[max(ids)][3])
        assert cache.texts(s, ids) == texts
        tiny = TextCache(max_chars=10)
        tiny.texts(s, ids)
        assert not tiny._texts and tiny._chars == 0
        # Through the shared cache: the same texts.
        assert document_texts(s, ids) == texts
        assert document_texts(s, set()) == {}
