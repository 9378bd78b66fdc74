"""Auditors' verdicts and memos: stored with who and when, undoable, never touching segments."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qualframe.coding.commands import AddCode, ApplyCode, DeleteCode, UndoStack
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.memos import AddMemo, EditMemo, list_memos
from qualframe.coding.query.segments import list_segments
from qualframe.coding.review.verdicts import AddReview, latest_verdicts, list_reviews
from qualframe.storage.models import AuditEvent
from tests.coding.helpers import add_transcript


@pytest.fixture
def coded(project: Project) -> tuple[UndoStack, str, str]:
    doc, text = add_transcript(project, "fgi", [("E1", "My mentor quizzed me before every exam.")])
    stack = UndoStack(project)
    code = stack.push(AddCode("Review sessions")).created_guid
    assert code
    i = text.index("quizzed me")
    seg = stack.push(ApplyCode(doc, i, i + len("quizzed me"), code)).created_guid
    assert seg
    return stack, seg, code


def test_auditor_verdicts_are_kept_with_history(
    project: Project, coded: tuple[UndoStack, str, str]
) -> None:
    stack, seg, _ = coded
    before = list_segments(project)
    project.coder = "Auditor K"
    stack.push(AddReview(seg, "agree"))
    stack.push(AddReview(seg, "dispute", "This is test preparation, not a review session."))
    assert [(r.reviewer, r.verdict) for r in list_reviews(project, seg)] == [
        ("Auditor K", "agree"),
        ("Auditor K", "dispute"),
    ]
    assert latest_verdicts(project) == {seg: {"Auditor K": "dispute"}}
    assert list_segments(project) == before  # reviewing never changes the segment
    stack.undo()
    assert [r.verdict for r in list_reviews(project, seg)] == ["agree"]
    with pytest.raises(UserError, match="needs a comment"):
        stack.push(AddReview(seg, "dispute"))
    with pytest.raises(UserError, match="not a verdict"):
        stack.push(AddReview(seg, "maybe"))
    with project.read() as s:
        actions = [
            a
            for (a,) in s.execute(select(AuditEvent.action).where(AuditEvent.actor == "Auditor K"))
        ]
    assert actions.count("review_segment") == 2 and "remove_review" in actions


def test_reviews_come_back_with_an_undone_code_deletion(
    project: Project, coded: tuple[UndoStack, str, str]
) -> None:
    stack, seg, code = coded
    stack.push(AddReview(seg, "comment", "Borderline; keep."))
    stack.push(DeleteCode(code, "delete"))
    assert list_reviews(project) == []
    stack.undo()
    (review,) = list_reviews(project)
    assert (review.segment_guid, review.verdict, review.comment) == (
        seg,
        "comment",
        "Borderline; keep.",
    )


def test_memos(project: Project, coded: tuple[UndoStack, str, str]) -> None:
    stack, _, code = coded
    guid = stack.push(AddMemo("My bias", "I was a mentor myself.")).created_guid
    assert guid
    stack.push(AddMemo("Scope", "Only exam-related sessions.", kind="code", code_guid=code))
    stack.push(EditMemo(guid, "My bias", "I was a mentor myself; I expect praise."))
    memos = list_memos(project)
    assert [(m.title, m.kind, m.author) for m in memos] == [
        ("My bias", "reflexive", "tester"),
        ("Scope", "code", "tester"),
    ]
    assert memos[0].text.endswith("I expect praise.") and memos[1].code_guid == code
    stack.undo()
    assert list_memos(project, "reflexive")[0].text == "I was a mentor myself."
    with pytest.raises(UserError, match="kind of memo"):
        stack.push(AddMemo("x", "y", kind="diary"))
