"""Renaming and deleting documents: undoable, audited, and a deletion takes its segments,
reviews, memos and set memberships with it and brings all of them back on undo."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qualframe.coding.commands import (
    AddCode,
    AddDocumentSet,
    ApplyCode,
    DeleteDocument,
    RenameDocument,
    UndoStack,
)
from qualframe.coding.commands.document_commands import document_footprint
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, document_turns, list_documents
from qualframe.coding.corpus.memos import AddMemo, list_memos
from qualframe.coding.corpus.sets import list_sets
from qualframe.coding.query.segments import list_segments
from qualframe.coding.review.verdicts import AddReview, list_reviews
from qualframe.storage.models import AuditEvent
from tests.coding.helpers import add_transcript

TURNS = [
    ("Moderator", "What helped you most?"),
    ("E1", "My mentor made a study plan with me."),
    ("E2", "선배가 복습 모임을 열어 주셨어요. 😀 It helped."),
]


@pytest.fixture
def study(project: Project) -> tuple[UndoStack, str, str, list[str]]:
    doc, text = add_transcript(
        project, "fgi_mentees", TURNS, roles={"E1": "mentee", "E2": "mentee"}
    )
    add_transcript(project, "fgi_mentors", [("M1", "I learnt by explaining.")])
    stack = UndoStack(project)
    code = stack.push(AddCode("Study plans")).created_guid
    other = stack.push(AddCode("Review sessions")).created_guid
    assert code and other
    segs = []
    for quote, c in (("study plan", code), ("복습 모임", other), ("😀 It helped", code)):
        i = text.index(quote)
        guid = stack.push(ApplyCode(doc, i, i + len(quote), c, memo="m")).created_guid
        assert guid
        segs.append(guid)
    return stack, doc, text, segs


def test_rename_is_undoable_and_refuses_a_taken_name(
    project: Project, study: tuple[UndoStack, str, str, list[str]]
) -> None:
    stack, doc, _, _ = study
    change = stack.push(RenameDocument(doc, "  FGI   mentees 2026 "))
    assert change.document_list and doc in change.documents
    names = {d.guid: d.name for d in list_documents(project)}
    assert names[doc] == "FGI mentees 2026"
    assert stack.undo_text == 'Rename document to "FGI mentees 2026"'
    with pytest.raises(UserError, match='already a document called "fgi_mentors"'):
        stack.push(RenameDocument(doc, "FGI_Mentors"))
    stack.undo()
    assert {d.guid: d.name for d in list_documents(project)}[doc] == "fgi_mentees"
    with pytest.raises(UserError, match="needs a name"):
        RenameDocument(doc, "   ")
    with project.read() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "rename_document")).all()
    assert [e.details for e in events] == [
        {"old": "fgi_mentees", "new": "FGI mentees 2026"},
        # the undo's event says what it undid (the audit trail's undo markers)
        {"old": "FGI mentees 2026", "new": "fgi_mentees", "undo": True,
         "step": 'Rename document to "FGI mentees 2026"'},
    ]  # fmt: skip


def test_footprint_counts_what_a_deletion_takes(
    project: Project, study: tuple[UndoStack, str, str, list[str]]
) -> None:
    stack, doc, _, segs = study
    stack.push(AddReview(segs[0], "agree"))
    stack.push(AddMemo("Context", "Held in the library.", kind="document", document_guid=doc))
    fp = document_footprint(project, doc)
    assert (fp.segments, fp.codes, fp.reviews, fp.memos, fp.turns) == (3, 2, 1, 1, 3)
    assert fp.sentence() == (
        'Delete "fgi_mentees" with its 3 coded segments (of 2 codes), 1 review, 1 document '
        "memo? The codes themselves and the participants stay. You can undo this."
    )


def test_delete_and_undo_bring_back_every_row_with_its_guid(
    project: Project, study: tuple[UndoStack, str, str, list[str]]
) -> None:
    stack, doc, text, segs = study
    stack.push(AddReview(segs[1], "dispute", "Not a review session."))
    stack.push(AddMemo("Context", "Held in the library.", kind="document", document_guid=doc))
    stack.push(AddDocumentSet("Year 1", [doc]))
    before_segments = list_segments(project)
    before_turns = document_turns(project, doc)
    before_reviews = list_reviews(project)
    before_memos = list_memos(project)

    change = stack.push(DeleteDocument(doc))
    assert change.documents_removed == {doc} and change.segments_removed == set(segs)
    assert [d.name for d in list_documents(project)] == ["fgi_mentors"]
    assert list_segments(project) == [] and list_reviews(project) == []
    assert list_memos(project) == []
    assert list_sets(project)[0].document_guids == ()
    assert stack.undo_text == 'Delete document "fgi_mentees"'

    change = stack.undo()
    assert change.segments_added == set(segs) and change.texts == {doc}
    assert document_text(project, doc) == text
    assert [(t.guid, t.start, t.end, t.pseudonym) for t in document_turns(project, doc)] == [
        (t.guid, t.start, t.end, t.pseudonym) for t in before_turns
    ]
    after = list_segments(project)
    key = [(s.guid, s.start, s.end, s.code_guid, s.speaker, s.memo) for s in after]
    assert key == [
        (s.guid, s.start, s.end, s.code_guid, s.speaker, s.memo) for s in before_segments
    ]
    assert [(r.guid, r.comment) for r in list_reviews(project)] == [
        (r.guid, r.comment) for r in before_reviews
    ]
    assert [m.guid for m in list_memos(project)] == [m.guid for m in before_memos]
    assert list_sets(project)[0].document_guids == (doc,)
    stack.redo()  # and again, with the same GUIDs
    assert list_segments(project) == []
    stack.undo()
    assert {s.guid for s in list_segments(project)} == set(segs)


def test_deleting_a_document_that_is_gone_is_refused(
    project: Project, study: tuple[UndoStack, str, str, list[str]]
) -> None:
    stack, doc, _, _ = study
    stack.push(DeleteDocument(doc))
    with pytest.raises(UserError, match="no longer exists"):
        stack.push(DeleteDocument(doc))
    assert len(stack) == 6  # 2 codes, 3 segments, 1 deletion: the refused one is not recorded
