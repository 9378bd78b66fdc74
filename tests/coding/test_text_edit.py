"""Correcting a transcript's text: every turn and segment after the edit moves with it, an
overlapping segment is adjusted or (when the edit deletes it entirely) removed and listed,
and undo puts everything back exactly. Offsets are code points (Hangul, emoji)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from qualframe.coding.commands import (
    AddCode,
    ApplyCode,
    EditDocumentText,
    UndoStack,
)
from qualframe.coding.commands.document_commands import plan_text_edit
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, document_turns, sha256_hex
from qualframe.coding.query.segments import list_segments
from qualframe.coding.review.verdicts import AddReview, list_reviews
from qualframe.storage.models import AuditEvent, Document
from tests.coding.helpers import add_transcript

TURNS = [
    ("Moderator", "How did the exams go?"),
    ("E1", "My mentor made a studdy plan with me 😀 and we met weekly."),
    ("E2", "선배가 시험 전에 복습 모임을 열어 주셨어요. It was calm."),
]


@pytest.fixture
def coded(project: Project) -> tuple[UndoStack, str, str, dict[str, str]]:
    doc, text = add_transcript(project, "fgi", TURNS, roles={"E1": "mentee", "E2": "mentee"})
    stack = UndoStack(project)
    code = stack.push(AddCode("Study plans")).created_guid
    assert code
    segs = {}
    for quote in ("My mentor", "studdy plan", "😀 and we met", "복습 모임", "It was calm"):
        i = text.index(quote)
        guid = stack.push(ApplyCode(doc, i, i + len(quote), code)).created_guid
        assert guid
        segs[quote] = guid
    return stack, doc, text, segs


def _texts(project: Project) -> dict[str, str]:
    return {s.guid: s.text for s in list_segments(project)}


def test_a_typo_fix_keeps_every_coding_on_its_words(
    project: Project, coded: tuple[UndoStack, str, str, dict[str, str]]
) -> None:
    stack, doc, text, segs = coded
    i = text.index("studdy")
    plan = plan_text_edit(project, doc, i, i + len("studdy"), "study")
    assert (plan.moved, plan.unchanged, len(plan.adjusted), len(plan.removed)) == (3, 1, 1, 0)
    assert plan.adjusted[0].text == "studdy plan" and plan.delta == -1
    turns_before = document_turns(project, doc)
    change = stack.push(EditDocumentText(doc, i, i + len("studdy"), "study"))
    assert change.texts == {doc} and change.segments_changed == set(segs.values())
    assert document_text(project, doc) == text.replace("studdy", "study")
    after = _texts(project)
    assert after[segs["studdy plan"]] == "study plan"
    for quote in ("My mentor", "😀 and we met", "복습 모임", "It was calm"):
        assert after[segs[quote]] == quote
    turns_after = document_turns(project, doc)
    assert turns_after[0] == turns_before[0]  # before the edit
    assert turns_after[1].end == turns_before[1].end - 1  # holds the edit
    assert (turns_after[2].start, turns_after[2].end, turns_after[2].label_end) == (
        turns_before[2].start - 1, turns_before[2].end - 1, turns_before[2].label_end - 1,  # type: ignore[operator]
    )  # fmt: skip
    with project.read() as s:
        doc_row = s.scalar(select(Document).where(Document.guid == doc))
        assert doc_row is not None
        assert doc_row.length == len(text) - 1
        assert doc_row.text_hash == sha256_hex(text.replace("studdy", "study"))
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "edit_text")).one()
    assert event.details is not None
    assert (event.details["before"], event.details["after"]) == ("studdy", "study")
    assert event.details["moved"] == 3 and event.details["adjusted"] == [segs["studdy plan"]]
    assert stack.undo_text == 'Edit text of "fgi"'
    stack.undo()
    assert document_text(project, doc) == text
    assert _texts(project) == {g: q for q, g in segs.items()}
    assert document_turns(project, doc) == turns_before


def test_insertions_move_what_starts_there_and_grow_what_contains_them(
    project: Project, coded: tuple[UndoStack, str, str, dict[str, str]]
) -> None:
    stack, doc, text, segs = coded
    at = text.index("My mentor")  # where a segment starts: it moves
    stack.push(EditDocumentText(doc, at, at, "Well, "))
    assert _texts(project)[segs["My mentor"]] == "My mentor"
    text2 = document_text(project, doc)
    at = text2.index(" mentor") + len(" mentor")  # where a segment ends: it stays
    stack.push(EditDocumentText(doc, at, at, " (M3)"))
    assert _texts(project)[segs["My mentor"]] == "My mentor"
    text3 = document_text(project, doc)
    at = text3.index("met") + 1  # strictly inside a segment: it grows
    stack.push(EditDocumentText(doc, at, at, "-"))
    assert _texts(project)[segs["😀 and we met"]] == "😀 and we m-et"
    assert _texts(project)[segs["It was calm"]] == "It was calm"
    stack.set_index(stack.index - 3)
    assert document_text(project, doc) == text
    assert _texts(project) == {g: q for q, g in segs.items()}


def test_deleting_a_coded_passage_removes_and_lists_it_and_undo_restores_it(
    project: Project, coded: tuple[UndoStack, str, str, dict[str, str]]
) -> None:
    stack, doc, text, segs = coded
    stack.push(AddReview(segs["복습 모임"], "comment", "Exam review."))
    i = text.index("시험 전에 복습 모임을 ")
    j = i + len("시험 전에 복습 모임을 ")
    plan = plan_text_edit(project, doc, i, j, "")
    assert [(x.guid, x.text) for x in plan.removed] == [(segs["복습 모임"], "복습 모임")]
    assert "1 segment lies wholly in the deleted text and is removed" in plan.summary()
    change = stack.push(EditDocumentText(doc, i, j, ""))
    assert change.segments_removed == {segs["복습 모임"]}
    assert segs["복습 모임"] not in _texts(project) and list_reviews(project) == []
    assert _texts(project)[segs["It was calm"]] == "It was calm"
    change = stack.undo()
    assert change.segments_added == {segs["복습 모임"]}
    assert _texts(project) == {g: q for q, g in segs.items()}
    (review,) = list_reviews(project)
    assert (review.segment_guid, review.comment) == (segs["복습 모임"], "Exam review.")
    stack.redo()
    assert segs["복습 모임"] not in _texts(project)


@pytest.mark.parametrize(
    ("find", "length", "new", "message"),
    [
        ("E1: My", 2, "E9", "speaker label cannot be edited"),
        ("weekly.", 12, "", "inside one speaker's turn"),
        ("studdy", 6, "studdy", "same as the old"),
    ],
)
def test_bad_edits_are_refused_in_one_sentence(
    project: Project,
    coded: tuple[UndoStack, str, str, dict[str, str]],
    find: str,
    length: int,
    new: str,
    message: str,
) -> None:
    stack, doc, text, _ = coded
    i = text.index(find)
    with pytest.raises(UserError, match=message):
        stack.push(EditDocumentText(doc, i, i + length, new))
    with pytest.raises(UserError, match="outside fgi"):
        stack.push(EditDocumentText(doc, len(text), len(text) + 1, "x"))
    assert document_text(project, doc) == text
    assert len(stack) == 6


def test_an_edit_that_would_renormalise_its_neighbours_is_refused(
    project: Project, coded: tuple[UndoStack, str, str, dict[str, str]]
) -> None:
    stack, doc, text, _ = coded
    i = text.index("calm") + 1  # after "c": a combining accent would join it
    with pytest.raises(UserError, match="normalisation"):
        stack.push(EditDocumentText(doc, i, i, "\u0301"))
    # CRLF and decomposed input are normalised like an import
    stack.push(EditDocumentText(doc, i - 1, i, "Cafe\u0301\r\nc"))
    assert "Café\nc" in document_text(project, doc)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_text_outside_the_edit_stays_under_its_codings(tmp_path_factory, data) -> None:  # type: ignore[no-untyped-def]
    """Property: after any accepted edit, every segment the plan does not list as adjusted
    or removed covers exactly the characters it covered; undo restores everything."""
    path = tmp_path_factory.mktemp("p") / "p.qualframe"
    with Project.create(path, coder="tester") as project:
        doc, text = add_transcript(project, "fgi", TURNS)
        stack = UndoStack(project)
        code = stack.push(AddCode("C")).created_guid
        assert code
        rng = random.Random(data.draw(st.integers(0, 10_000)))
        for _ in range(8):
            a = rng.randrange(0, len(text) - 1)
            b = min(len(text), a + rng.randrange(1, 25))
            if text[a:b].strip():
                stack.push(ApplyCode(doc, a, b, code)) if not _dup(project, a, b) else None
        before = {s.guid: s.text for s in list_segments(project)}
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 30)))
        new = data.draw(st.text(alphabet="ab 😀가\n", max_size=6))
        try:
            plan = plan_text_edit(project, doc, start, end, new)
        except UserError:
            return
        stack.push(EditDocumentText(doc, start, end, new))
        touched = {x.guid for x in plan.overlapping}
        after = {s.guid: s.text for s in list_segments(project)}
        for guid, quote in before.items():
            if guid not in touched:
                assert after[guid] == quote
        assert set(after) == set(before) - {x.guid for x in plan.removed}
        stack.undo()
        assert document_text(project, doc) == text
        assert {s.guid: s.text for s in list_segments(project)} == before


def _dup(project: Project, a: int, b: int) -> bool:
    return any((s.start, s.end) == (a, b) for s in list_segments(project))
