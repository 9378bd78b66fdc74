"""Participant attribute edits are commands: undoable, redoable, audited, with one-sentence
refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qualframe.coding.commands import AddAttribute, SetParticipantAttribute, UndoStack
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import attribute_names, list_participants
from qualframe.storage.models import Attribute, AuditEvent
from tests.coding.helpers import add_transcript


def attrs(project: Project, pseudonym: str) -> dict[str, str]:
    return next(p.attributes for p in list_participants(project) if p.pseudonym == pseudonym)


def guid_of(project: Project, pseudonym: str) -> str:
    return next(p.guid for p in list_participants(project) if p.pseudonym == pseudonym)


@pytest.fixture
def people(project: Project) -> Project:
    add_transcript(
        project, "fgi", [("M1", "선배로서 책임감을 느꼈어요."), ("E1", "I started early.")],
        roles={"M1": "mentor", "E1": "mentee"},
    )  # fmt: skip
    return project


def test_set_attribute_undo_redo_and_audit(people: Project) -> None:
    stack = UndoStack(people)
    m1 = guid_of(people, "M1")
    change = stack.push(SetParticipantAttribute(m1, "role", "alumna"))
    assert change.participants and change.action == "set_attribute"
    assert attrs(people, "M1")["role"] == "alumna"
    assert stack.undo_text == 'Set role of M1 to "alumna"'
    stack.undo()
    assert attrs(people, "M1")["role"] == "mentor"
    stack.redo()
    assert attrs(people, "M1")["role"] == "alumna"

    stack.push(SetParticipantAttribute(m1, "ROLE", ""))  # clears it; the name's case is kept
    assert "role" not in attrs(people, "M1")
    assert stack.undo_text == "Set role of M1 to nothing"
    stack.undo()
    assert attrs(people, "M1")["role"] == "alumna"
    with people.read() as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "set_attribute")))
    assert len(events) == 5 and events[-1].details["undo"] is True
    assert all(e.actor == "tester" and e.entity_guid == m1 for e in events)


def test_a_new_attribute_made_by_an_edit_goes_away_on_undo(people: Project) -> None:
    stack = UndoStack(people)
    e1 = guid_of(people, "E1")
    stack.push(SetParticipantAttribute(e1, "  cohort  2024 ", "A"))
    assert attrs(people, "E1")["cohort 2024"] == "A"
    with people.read() as s:
        first_guid = s.scalar(select(Attribute.guid).where(Attribute.name == "cohort 2024"))
    stack.undo()
    assert "cohort 2024" not in attribute_names(people)
    stack.redo()  # the attribute comes back with the GUID it had
    with people.read() as s:
        assert s.scalar(select(Attribute.guid).where(Attribute.name == "cohort 2024")) == first_guid


def test_add_attribute_undo_and_refusals(people: Project) -> None:
    stack = UndoStack(people)
    stack.push(AddAttribute("year"))
    assert attribute_names(people) == ["role", "year"]
    with pytest.raises(UserError, match='already an attribute "year"'):
        stack.push(AddAttribute("Year"))
    with pytest.raises(UserError, match="needs a name"):
        AddAttribute("   ")
    with pytest.raises(UserError, match="no longer exists"):
        stack.push(SetParticipantAttribute("not-a-guid", "role", "x"))
    assert stack.index == 1
    stack.undo()
    assert attribute_names(people) == ["role"]
    stack.redo()
    assert attribute_names(people) == ["role", "year"]


def test_undoing_an_attribute_that_has_values_now_is_refused(people: Project) -> None:
    """Another path (a script, an import) gave the new attribute a value: undoing its
    creation would delete that value, so the undo is refused and nothing changes."""
    from qualframe.coding.corpus.participants import set_participant_attribute

    stack = UndoStack(people)
    stack.push(AddAttribute("year"))
    set_participant_attribute(people, guid_of(people, "E1"), "year", "1")
    with pytest.raises(UserError, match="has values now"):
        stack.undo()
    assert stack.index == 1 and attrs(people, "E1")["year"] == "1"
