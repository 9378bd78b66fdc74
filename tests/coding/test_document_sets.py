"""Document sets: undoable, a document in several sets, and the set filter of the segment
listing, the retrieval query and the theme matrix (with its note)."""

from __future__ import annotations

import pytest

from qualframe.coding.analysis.matrix import MatrixOptions, build_matrix, group_sizes, matrix_note
from qualframe.coding.commands import (
    AddCode,
    AddDocumentSet,
    ApplyCode,
    DeleteDocumentSet,
    RenameDocumentSet,
    SetMembership,
    UndoStack,
)
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.sets import list_sets, sets_of_documents
from qualframe.coding.query import retrieval
from qualframe.coding.query.segments import list_segments
from tests.coding.helpers import add_transcript


@pytest.fixture
def three(project: Project) -> tuple[UndoStack, dict[str, str]]:
    docs = {}
    roles = {"E1": "mentee", "E2": "mentee", "M1": "mentor", "M2": "mentor"}
    for name, who in (("y1_mentees", "E1"), ("y1_mentors", "M1"), ("y2_mentees", "E2")):
        doc, text = add_transcript(
            project, name, [(who, "The weekly study plan helped.")], roles=roles
        )
        docs[name] = doc
    add_transcript(project, "y2_mentors", [("M2", "No plan at all.")], roles=roles)
    stack = UndoStack(project)
    code = stack.push(AddCode("Study plans")).created_guid
    assert code
    for doc in docs.values():
        i = text.index("study plan")
        stack.push(ApplyCode(doc, i, i + len("study plan"), code))
    return stack, docs


def test_sets_are_undoable_and_a_document_may_be_in_several(
    project: Project, three: tuple[UndoStack, dict[str, str]]
) -> None:
    stack, docs = three
    y1 = stack.push(AddDocumentSet("Year 1", [docs["y1_mentees"], docs["y1_mentors"]])).created_guid
    mentees = stack.push(AddDocumentSet("Mentees")).created_guid
    assert y1 and mentees
    stack.push(SetMembership(mentees, [docs["y1_mentees"], docs["y2_mentees"]]))
    assert stack.undo_text == 'Add 2 documents to "Mentees"'
    assert sets_of_documents(project)[docs["y1_mentees"]] == ["Year 1", "Mentees"]
    with pytest.raises(UserError, match='already a document set called "Year 1"'):
        stack.push(AddDocumentSet("year 1"))
    stack.push(SetMembership(y1, [docs["y1_mentors"], docs["y2_mentees"]], add=False))
    assert list_sets(project)[0].document_guids == (docs["y1_mentees"],)
    stack.undo()  # only the member it took out comes back; y2_mentees was never in it
    assert list_sets(project)[0].document_guids == (docs["y1_mentees"], docs["y1_mentors"])
    stack.push(RenameDocumentSet(y1, "First year"))
    stack.push(DeleteDocumentSet(y1))
    assert [x.name for x in list_sets(project)] == ["Mentees"]
    stack.undo()
    first = list_sets(project)[0]
    assert (first.guid, first.name, len(first)) == (y1, "First year", 2)
    stack.undo()
    assert list_sets(project)[0].name == "Year 1"


def test_the_set_filter_of_listing_retrieval_and_matrix(
    project: Project, three: tuple[UndoStack, dict[str, str]]
) -> None:
    stack, docs = three
    stack.push(AddDocumentSet("Year 1", [docs["y1_mentees"], docs["y1_mentors"]]))
    stack.push(AddDocumentSet("Empty"))
    listed = list_segments(project, document_sets=["year 1"])
    assert [s.document_name for s in listed] == ["y1_mentees", "y1_mentors"]
    rows, _ = retrieval.fetch(project, document_sets=["Year 1"])
    assert [r.document_name for r in rows] == ["y1_mentees", "y1_mentors"]
    assert list_segments(project, document_sets=["Empty"]) == []
    assert list_segments(project, document_sets=["Empty", "Year 1"]) == listed
    with pytest.raises(UserError, match=r'no document set "Year 3".*sets: Year 1, Empty'):
        list_segments(project, document_sets=["Year 3"])

    matrix = build_matrix(
        project, MatrixOptions(document_sets=["Year 1"], counts=frozenset({"segments"}))
    )
    assert [(g.value, g.n) for g in matrix.groups] == [("mentee", 1), ("mentor", 1)]
    assert matrix.segments_counted == 2
    note = matrix_note(matrix)
    assert "Document sets: Year 1 (2 documents)." in note
    assert "n counts the participants who speak in the selected documents" in note
    both = MatrixOptions(document_sets=["Year 1"], documents=["y1_mentees", "y2_mentees"])
    assert build_matrix(project, both).segments_counted == 1  # y1_mentees only
    assert group_sizes(project, "role", document_sets=["Empty"]) == {}
    empty = build_matrix(project, MatrixOptions(document_sets=["Empty"]))
    assert empty.segments_counted == 0 and empty.rows == ()
    assert build_matrix(project, MatrixOptions()).segments_counted == 3
