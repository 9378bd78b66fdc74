"""Merging two pseudonyms of one person and deleting a participant: turns and segments move
(or become unattributed), attribute conflicts are listed, and undo restores everything."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qualframe.coding.analysis.matrix import MatrixOptions, build_matrix
from qualframe.coding.commands import (
    AddCode,
    ApplyCode,
    DeleteParticipant,
    MergeParticipants,
    UndoStack,
)
from qualframe.coding.commands.participant_merge import merge_preview, participant_footprint
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import (
    ParticipantData,
    add_participants_in,
    list_participants,
)
from qualframe.coding.query.segments import list_segments
from qualframe.storage.models import Participant, SurveyAnswer, SurveyItem
from tests.coding.helpers import add_transcript


@pytest.fixture
def two_names(project: Project) -> tuple[UndoStack, dict[str, str]]:
    """E3 in the first group is "Jiwoo" in the second: one person under two labels."""
    roles = {"E3": "mentee", "Jiwoo": "mentee", "M1": "mentor"}
    doc1, text1 = add_transcript(
        project, "fgi_1", [("E3", "Exams felt lighter."), ("M1", "Good.")], roles=roles
    )
    doc2, text2 = add_transcript(
        project, "fgi_2", [("Jiwoo", "My mentor planned with me.")], roles=roles
    )
    with project.write() as s:
        add_participants_in(s, [
            ParticipantData("E3", attributes={"year": "1", "gender": "f"}),
            ParticipantData("Jiwoo", real_name="박지우", attributes={"year": "2", "cohort": "A"}),
        ])  # fmt: skip
        item = SurveyItem(name="Q1 helpful", type="likert", scale_min=1, scale_max=5)
        s.add(item)
        s.flush()
        jiwoo = s.scalar(select(Participant).where(Participant.pseudonym == "Jiwoo"))
        assert jiwoo is not None
        s.add(SurveyAnswer(item_id=item.id, participant_id=jiwoo.id, raw="5", number=5.0))
    stack = UndoStack(project)
    code = stack.push(AddCode("Planning")).created_guid
    assert code
    for doc, text, quote in ((doc1, text1, "Exams felt lighter"), (doc2, text2, "planned with me")):
        i = text.index(quote)
        stack.push(ApplyCode(doc, i, i + len(quote), code))
    people = {p.pseudonym: p.guid for p in list_participants(project)}
    return stack, people


def _speakers(project: Project) -> list[str | None]:
    return [s.speaker for s in list_segments(project)]


def test_merge_moves_turns_and_segments_and_lists_conflicts(
    project: Project, two_names: tuple[UndoStack, dict[str, str]]
) -> None:
    stack, people = two_names
    preview = merge_preview(project, people["Jiwoo"], people["E3"])
    assert preview.conflicts == (("year", "1", "2"),)
    assert preview.filled == (("cohort", "A"),)
    assert (preview.source.turns, preview.source.segments, preview.source.answers) == (1, 1, 1)
    assert preview.source.documents == ("fgi_2",)
    before = list_participants(project)
    change = stack.push(MergeParticipants(people["Jiwoo"], people["E3"]))
    assert change.participants and len(change.segments_changed) == 1
    assert stack.undo_text == "Merge Jiwoo into E3"
    assert _speakers(project) == ["E3", "E3"]
    (e3,) = [p for p in list_participants(project) if p.pseudonym == "E3"]
    assert e3.attributes == {"role": "mentee", "year": "1", "gender": "f", "cohort": "A"}
    assert e3.real_name == "박지우"
    with project.read() as s:
        assert s.scalars(select(SurveyAnswer.participant_id)).all() == [e3.id]
    matrix = build_matrix(project, MatrixOptions(counts=frozenset({"participants"})))
    assert [(g.value, g.n) for g in matrix.groups] == [("mentee", 1), ("mentor", 1)]
    stack.undo()
    assert _speakers(project) == ["E3", "Jiwoo"]
    assert [
        (p.guid, p.pseudonym, p.real_name, p.attributes) for p in list_participants(project)
    ] == [(p.guid, p.pseudonym, p.real_name, p.attributes) for p in before]
    with project.read() as s:
        owner = s.scalar(
            select(Participant.pseudonym).join(
                SurveyAnswer, SurveyAnswer.participant_id == Participant.id
            )
        )
    assert owner == "Jiwoo"
    stack.redo()
    stack.undo()
    stack.push(MergeParticipants(people["Jiwoo"], people["E3"], take_source=["Year"]))
    (e3,) = [p for p in list_participants(project) if p.pseudonym == "E3"]
    assert e3.attributes["year"] == "2"


def test_merges_that_would_lose_data_are_refused(
    project: Project, two_names: tuple[UndoStack, dict[str, str]]
) -> None:
    stack, people = two_names
    with pytest.raises(UserError, match="two different participants"):
        stack.push(MergeParticipants(people["E3"], people["E3"]))
    with project.write() as s:
        item = s.scalar(select(SurveyItem))
        e3 = s.scalar(select(Participant).where(Participant.pseudonym == "E3"))
        assert item is not None and e3 is not None
        s.add(SurveyAnswer(item_id=item.id, participant_id=e3.id, raw="2", number=2.0))
    with pytest.raises(UserError, match='both answered "Q1 helpful"; one answer would be lost'):
        merge_preview(project, people["Jiwoo"], people["E3"])
    with pytest.raises(UserError, match="both answered"):
        stack.push(MergeParticipants(people["Jiwoo"], people["E3"]))
    assert {p.pseudonym for p in list_participants(project)} == {"E3", "Jiwoo", "M1"}


def test_delete_leaves_the_words_unattributed_and_undo_restores(
    project: Project, two_names: tuple[UndoStack, dict[str, str]]
) -> None:
    stack, people = two_names
    fp = participant_footprint(project, people["Jiwoo"])
    assert (fp.turns, fp.segments, fp.answers, fp.documents) == (1, 1, 1, ("fgi_2",))
    before = [(p.guid, p.pseudonym, p.real_name, p.attributes) for p in list_participants(project)]
    stack.push(DeleteParticipant(people["Jiwoo"]))
    assert stack.undo_text == "Delete participant Jiwoo"
    assert {p.pseudonym for p in list_participants(project)} == {"E3", "M1"}
    seg = next(s for s in list_segments(project) if s.document_name == "fgi_2")
    assert seg.participant_guid is None and seg.speaker == "Jiwoo"  # the label stays
    with project.read() as s:
        assert s.scalars(select(SurveyAnswer)).all() == []
    stack.undo()
    after = [(p.guid, p.pseudonym, p.real_name, p.attributes) for p in list_participants(project)]
    assert after == before
    seg = next(s for s in list_segments(project) if s.document_name == "fgi_2")
    assert seg.participant_guid == people["Jiwoo"]
    with project.read() as s:
        assert [a.raw for a in s.scalars(select(SurveyAnswer))] == ["5"]
