"""Coders as a managed list: rename, and merge two spellings of one person (undoable)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualframe.coding.commands import UndoStack
from qualframe.coding.core.errors import UserError
from qualframe.coding.corpus.coder_merge import MergeCoders
from qualframe.coding.corpus.coder_roles import RenameCoder
from qualframe.coding.corpus.coders import coder_names
from qualframe.coding.query.segments import list_segments
from qualframe.coding.review.verdicts import AddReview, list_reviews
from tests.coding.agreement.study import build_study, code


def snapshot(project):  # type: ignore[no-untyped-def]
    return (
        sorted((s.guid, s.coder, s.start, s.end, s.memo) for s in list_segments(project)),
        sorted((r.guid, r.segment_guid, r.reviewer) for r in list_reviews(project)),
        coder_names(project),
    )


def test_merge_two_spellings_of_one_person_and_undo(tmp_path: Path) -> None:
    project = build_study(tmp_path / "s.qualframe", priya=False)
    # "jordan" is Jordan on another laptop: one passage coded by both spellings, one alone
    code(
        project, "jordan", "fgi_mentees", "less anxious before finals",
        "Outcomes/Emotional/Less anxiety",
    )  # fmt: skip
    code(project, "jordan", "fgi_mentors", "솔직히", "Negative experiences/Pressure")
    dup = next(s for s in list_segments(project) if s.coder == "jordan"
               and s.document_name == "fgi_mentees")  # fmt: skip
    project.coder = "Auditor"
    AddReview(dup.guid, "agree").do(project)
    before = snapshot(project)
    stack = UndoStack(project)
    stack.push(MergeCoders("jordan", "Jordan"))
    assert "jordan" not in coder_names(project)
    segs = list_segments(project, coder="Jordan")
    anxious = [s for s in segs if s.document_name == "fgi_mentees"
               and s.code_path[-1] == "Less anxiety"]  # fmt: skip
    assert len(anxious) == 1  # the duplicate folded into Jordan's own segment
    assert [r.segment_guid for r in list_reviews(project)] == [anxious[0].guid]
    assert any(s.text == "솔직히" for s in segs)
    stack.undo()
    assert snapshot(project) == before
    stack.redo()
    assert "jordan" not in coder_names(project)


def test_rename_coder_and_refusals(tmp_path: Path) -> None:
    project = build_study(tmp_path / "s.qualframe", priya=False)
    stack = UndoStack(project)
    stack.push(RenameCoder("Jordan", "Jordan Lee"))
    assert {s.coder for s in list_segments(project)} == {"Ha-eun", "Jordan Lee"}
    with pytest.raises(UserError, match="already a coder"):
        RenameCoder("Jordan Lee", "Ha-eun").do(project)
    with pytest.raises(UserError, match='no coder "Nobody"'):
        MergeCoders("Nobody", "Ha-eun").do(project)
    with pytest.raises(UserError, match="two different"):
        MergeCoders("Ha-eun", "Ha-eun").do(project)
    stack.undo()
    assert {s.coder for s in list_segments(project)} == {"Ha-eun", "Jordan"}
