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
from qualframe.coding.core.privacy import NameMasker
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import (
    ParticipantData,
    add_participants_in,
    list_participants,
)
from qualframe.coding.corpus.survey_answers import add_answer
from qualframe.coding.query.segments import list_segments
from qualframe.storage.models import Participant, ParticipantName, SurveyItem
from tests.coding.helpers import add_transcript, stored_answers


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
        add_answer(s, item, jiwoo.id, "5", 5.0, respondent_id="Jiwoo")
    stack = UndoStack(project)
    code = stack.push(AddCode("Planning")).created_guid
    assert code
    for doc, text, quote in ((doc1, text1, "Exams felt lighter"), (doc2, text2, "planned with me")):
        i = text.index(quote)
        stack.push(ApplyCode(doc, i, i + len(quote), code))
    people = {p.pseudonym: p.guid for p in list_participants(project)}
    return stack, people


def _owners(project: Project) -> list[tuple[str, str | None]]:
    return sorted((who, raw) for (who, _), (raw, _, _) in stored_answers(project).items())


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
    assert _owners(project) == [("E3", "5")]
    matrix = build_matrix(project, MatrixOptions(counts=frozenset({"participants"})))
    assert [(g.value, g.n) for g in matrix.groups] == [("mentee", 1), ("mentor", 1)]
    stack.undo()
    assert _speakers(project) == ["E3", "Jiwoo"]
    assert [
        (p.guid, p.pseudonym, p.real_name, p.attributes) for p in list_participants(project)
    ] == [(p.guid, p.pseudonym, p.real_name, p.attributes) for p in before]
    assert _owners(project) == [("Jiwoo", "5")]
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
        add_answer(s, item, e3.id, "2", 2.0, respondent_id="E3")
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
    assert _owners(project) == []
    stack.undo()
    after = [(p.guid, p.pseudonym, p.real_name, p.attributes) for p in list_participants(project)]
    assert after == before
    seg = next(s for s in list_segments(project) if s.document_name == "fgi_2")
    assert seg.participant_guid == people["Jiwoo"]
    assert _owners(project) == [("Jiwoo", "5")]


def _spellings(project: Project) -> dict[str, list[str]]:
    with project.read() as s:
        rows = s.execute(
            select(Participant.pseudonym, ParticipantName.name)
            .join(ParticipantName, ParticipantName.participant_id == Participant.id)
            .order_by(ParticipantName.name)
        ).all()
    out: dict[str, list[str]] = {}
    for pseudonym, name in rows:
        out.setdefault(pseudonym, []).append(name)
    return out


def _add_spellings(project: Project, pseudonym: str, names: list[str]) -> None:
    with project.write() as s:
        person = s.scalar(select(Participant).where(Participant.pseudonym == pseudonym))
        assert person is not None
        s.add_all(ParticipantName(participant_id=person.id, name=n) for n in names)


def test_merge_keeps_every_spelling_of_the_real_name_masked_and_undo_gives_them_back(
    project: Project, two_names: tuple[UndoStack, dict[str, str]]
) -> None:
    """The source's spellings of a real name move to the target: otherwise "Park Jiwoo" in a
    quote would leave the project unmasked after the merge."""
    stack, people = two_names
    _add_spellings(project, "Jiwoo", ["Park Jiwoo", "박지우"])
    _add_spellings(project, "E3", ["박지우"])  # the same spelling on both: kept once
    stack.push(MergeParticipants(people["Jiwoo"], people["E3"]))
    assert _spellings(project) == {"E3": ["Park Jiwoo", "박지우"]}
    with project.read() as s:
        masked = NameMasker.from_session(s)("Park Jiwoo said it first.")
    assert masked == "E3 said it first."
    stack.undo()
    assert _spellings(project) == {"E3": ["박지우"], "Jiwoo": ["Park Jiwoo", "박지우"]}
    stack.redo()
    assert _spellings(project) == {"E3": ["Park Jiwoo", "박지우"]}


def test_delete_and_undo_give_back_the_spellings_of_the_real_name(
    project: Project, two_names: tuple[UndoStack, dict[str, str]]
) -> None:
    stack, people = two_names
    _add_spellings(project, "Jiwoo", ["Park Jiwoo", "박지우"])
    stack.push(DeleteParticipant(people["Jiwoo"]))
    assert "Jiwoo" not in _spellings(project)
    stack.undo()
    assert _spellings(project)["Jiwoo"] == ["Park Jiwoo", "박지우"]
