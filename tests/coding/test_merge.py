"""Merging two coders' copies of one project: matched by GUID (documents by text hash too),
conflicts listed, rules mine / theirs / keep both, idempotent, one undoable step, backed up
first; a project exported to REFI-QDA and imported again merges without duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from qualframe.coding import commands
from qualframe.coding.codebook.tree import code_tree, find_code
from qualframe.coding.commands import UndoStack
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.memos import AddMemo, list_memos
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.merge import MergeProject, preview_merge
from qualframe.coding.merge.source import read_source
from qualframe.coding.query.segments import list_segments
from qualframe.coding.review.verdicts import AddReview, list_reviews
from qualframe.storage.database import copy_project
from qualframe.storage.models import Segment
from tests.coding.agreement.study import CODES, build_study, code, code_range
from tests.coding.helpers import add_transcript

NEW_DOC = [("Moderator", "Anything else?"), ("E4", "The mentor texted me before every quiz.")]


def state(project: Project) -> tuple[object, ...]:
    """Everything a merge may touch, as comparable plain data."""
    segs = sorted(
        (s.guid, s.document_name, s.code_path_text, s.coder, s.start, s.end, s.memo)
        for s in list_segments(project)
    )
    codes = sorted((c.guid, c.path_text, c.color, c.definition) for c in code_tree(project))
    people = sorted((p.pseudonym, tuple(sorted(p.attributes.items())))
                    for p in list_participants(project))  # fmt: skip
    memos = sorted((m.guid, m.title, m.text) for m in list_memos(project))
    reviews = sorted((r.guid, r.verdict) for r in list_reviews(project))
    return segs, codes, people, memos, reviews, project.info()


@pytest.fixture
def laptops(tmp_path: Path) -> tuple[Project, Path]:
    """Ha-eun's laptop (open) and Jordan's copy (a file), after each worked apart."""
    base = build_study(tmp_path / "base.qualframe", priya=False)
    base.close()
    copy_project(tmp_path / "base.qualframe", tmp_path / "haeun.qualframe")
    copy_project(tmp_path / "base.qualframe", tmp_path / "jordan.qualframe")
    # Jordan: a new transcript, more codes, a renamed code, a changed boundary, an
    # attribute set differently, a memo, a review
    j = Project.open(tmp_path / "jordan.qualframe", coder="Jordan")
    add_transcript(j, "fgi_extra", NEW_DOC, roles={"E4": "mentee"})
    code(j, "Jordan", "fgi_extra", "texted me before every quiz", "Factors of success/Contact")
    code(j, "Jordan", "fgi_mentees", "met every Thursday", "Factors of success/Contact")
    anxiety = find_code(j, CODES[1])
    assert anxiety is not None
    commands.RenameCode(anxiety.guid, "Less test anxiety").do(j)
    jseg = next(s for s in list_segments(j, coder="Jordan") if s.code_path_text == CODES[0])
    commands.ResizeSegment(jseg.guid, jseg.start, jseg.end - 4).do(j)
    e1 = next(p for p in list_participants(j) if p.pseudonym == "E1")
    commands.SetParticipantAttribute(e1.guid, "year", "2").do(j)
    commands.SetParticipantAttribute(e1.guid, "role", "mentee (peer)").do(j)
    AddMemo("Jordan's doubts", "Closeness overlaps with support.").do(j)
    AddReview(jseg.guid, "comment", "Boundary too wide?").do(j)
    j.close()
    # Ha-eun: the same new transcript imported independently, her own codes, her own
    # rename of the same code, the same boundary changed differently
    h = Project.open(tmp_path / "haeun.qualframe", coder="Ha-eun")
    add_transcript(h, "fgi_extra", NEW_DOC, roles={"E4": "mentee"})
    code(h, "Ha-eun", "fgi_extra", "The mentor texted me", "Factors of success/Contact")
    commands.RenameCode(anxiety.guid, "Less anxiety before exams").do(h)
    commands.ResizeSegment(jseg.guid, jseg.start + 3, jseg.end).do(h)
    return h, tmp_path / "jordan.qualframe"


def test_preview_lists_the_conflicts_and_what_comes_in(laptops: tuple[Project, Path]) -> None:
    h, other = laptops
    before = state(h)
    _, plan = preview_merge(h, other, "mine")
    assert state(h) == before  # a preview writes nothing
    kinds = sorted(c.kind for c in plan.conflicts)
    assert kinds == ["attribute", "code renamed", "segment"]
    renamed = next(c for c in plan.conflicts if c.kind == "code renamed")
    assert renamed.mine.endswith("Less anxiety before exams")
    assert renamed.theirs.endswith("Less test anxiety")
    summary = dict(plan.summary())
    assert summary["documents"] == 0  # the same transcript: matched by text hash
    assert summary["codes"] == 0  # "Factors of success/Contact" made on both sides: one code
    assert summary["segments"] == 2  # Jordan's two new codings
    assert summary["reviews"] == 1 and summary["memos"] == 1


@pytest.mark.parametrize("rule", ["mine", "theirs", "both"])
def test_merge_under_each_rule_is_idempotent_and_undoable(
    laptops: tuple[Project, Path], rule: str
) -> None:
    h, other = laptops
    before = state(h)
    stack = UndoStack(h)
    source, _plan = preview_merge(h, other, rule)
    stack.push(MergeProject(source, rule))  # type: ignore[arg-type]
    merged = state(h)
    backups = list(h.path.parent.glob("haeun.qualframe.bak-merge-*"))  # type: ignore[union-attr]
    assert len(backups) == 1
    with Project.open(backups[0], read_only=True) as backup:
        assert state(backup)[:5] == before[:5]
    # the contact codes of both sides are one code; Jordan's codings came across
    contact = [c for c in code_tree(h) if c.path_text == "Factors of success/Contact"]
    assert len(contact) == 1
    extra = [s for s in list_segments(h) if s.document_name == "fgi_extra"]
    assert {s.coder for s in extra} == {"Ha-eun", "Jordan"}
    assert len({s.document_guid for s in extra}) == 1  # never duplicated
    assert [r.comment for r in list_reviews(h)] == ["Boundary too wide?"]
    assert "Jordan's doubts" in {m.title for m in list_memos(h)}
    names = {c.path_text for c in code_tree(h)}
    e1 = next(p for p in list_participants(h) if p.pseudonym == "E1")
    assert e1.attributes["year"] == "2"  # set on one side only: taken
    if rule == "mine":
        assert "Outcomes/Emotional/Less anxiety before exams" in names
        assert "Outcomes/Emotional/Less test anxiety" not in names
        assert e1.attributes["role"] == "mentee"
    elif rule == "theirs":
        assert "Outcomes/Emotional/Less test anxiety" in names
        assert "Outcomes/Emotional/Less anxiety before exams" not in names
        assert e1.attributes["role"] == "mentee (peer)"
    else:
        assert {"Outcomes/Emotional/Less anxiety before exams",
                "Outcomes/Emotional/Less test anxiety"} <= names  # fmt: skip
        assert e1.attributes["role"] == "mentee"
    # merging again changes nothing
    _, again = preview_merge(h, other, rule)
    assert again.changes == 0
    stack.push(MergeProject(read_source(other), rule))  # type: ignore[arg-type]
    assert state(h) == merged
    stack.undo()
    assert state(h) == merged
    # one undo takes the merge back; redo brings it again
    stack.undo()
    assert state(h) == before
    stack.redo()
    assert state(h) == merged


def test_segment_conflict_rules(laptops: tuple[Project, Path]) -> None:
    h, other = laptops
    source, _ = preview_merge(h, other, "both")
    MergeProject(source, "both").do(h)
    exam = [s for s in list_segments(h) if s.code_path_text == CODES[0] and s.coder == "Jordan"
            and s.document_name == "fgi_mentees"]  # fmt: skip
    assert len(exam) == 2  # mine and theirs side by side
    assert len({(s.start, s.end) for s in exam}) == 2


def test_a_document_whose_text_differs_is_never_replaced(tmp_path: Path) -> None:
    a = Project.create(tmp_path / "a.qualframe", coder="Ha-eun")
    add_transcript(a, "notes", [("E1", "First version of the text.")])
    code_range(a, "Ha-eun", "notes", 4, 9, "Theme/Code")
    b_path = tmp_path / "b.qualframe"
    copy_project(tmp_path / "a.qualframe", b_path)
    with Project.open(b_path, coder="Jordan") as b, b.write() as s:
        seg = s.scalar(select(Segment))
        assert seg is not None
        from qualframe.storage.models import Document

        doc = s.scalar(select(Document))
        assert doc is not None
        doc.text, doc.text_hash = "E1: Second version, longer than before.", "changed"
        doc.length = len(doc.text)
        s.add(Segment(document_id=doc.id, code_id=seg.code_id, coder_id=seg.coder_id,
                      start=20, end=30))  # fmt: skip
    _source, plan = preview_merge(a, b_path, "mine")
    assert [c.kind for c in plan.conflicts] == ["document"]
    assert plan.left_out == 1 and plan.changes == 0
    _, plan = preview_merge(a, b_path, "theirs")
    assert [d["name"] for d in plan.documents] == ["notes (theirs)"]
    MergeProject(read_source(b_path), "theirs").do(a)
    assert sorted(d for d in {s.document_name for s in list_segments(a)}) == [
        "notes", "notes (theirs)"]  # fmt: skip
    assert preview_merge(a, b_path, "theirs")[1].changes == 0


def test_merging_a_project_into_itself_or_a_missing_file_is_refused(
    laptops: tuple[Project, Path], tmp_path: Path
) -> None:
    h, _ = laptops
    with pytest.raises(UserError, match="this project"):
        preview_merge(h, h.path)  # type: ignore[arg-type]
    with pytest.raises(UserError, match="no file"):
        preview_merge(h, tmp_path / "missing.qualframe")
    (tmp_path / "junk.qualframe").write_bytes(b"not a database at all" * 100)
    with pytest.raises(UserError, match=r"junk\.qualframe"):
        preview_merge(h, tmp_path / "junk.qualframe")


def test_a_refi_qda_round_trip_merges_without_duplicates(
    laptops: tuple[Project, Path], tmp_path: Path
) -> None:
    from qualframe.coding.exchange.refi_export import export_project
    from qualframe.coding.exchange.refi_store import create_from

    h, _ = laptops
    export_project(h, tmp_path / "h.qdpx", real_names=True)
    create_from(tmp_path / "back.qualframe", tmp_path / "h.qdpx", "Ha-eun")
    before = state(h)
    _, plan = preview_merge(h, tmp_path / "back.qualframe", "mine")
    assert plan.documents == [] and plan.segments == [] and plan.codes == []
    MergeProject(read_source(tmp_path / "back.qualframe"), "mine").do(h)
    assert state(h)[0] == before[0]


def test_codes_made_on_both_sides_match_by_path_regardless_of_case_and_spacing(
    tmp_path: Path,
) -> None:
    """A path is compared as everywhere else (case and runs of spaces do not matter): the
    merge once compared each name letter by letter and kept "Peer  support" apart."""
    from sqlalchemy import update

    from qualframe.storage.models import Code

    a = Project.create(tmp_path / "a.qualframe", coder="Ha-eun")
    add_transcript(a, "notes", [("E1", "We studied together every week.")])
    a.close()
    copy_project(tmp_path / "a.qualframe", tmp_path / "b.qualframe")
    with Project.open(tmp_path / "a.qualframe", coder="Ha-eun") as h:
        code_range(h, "Ha-eun", "notes", 4, 11, "Suggestions/Peer support")
    with Project.open(tmp_path / "b.qualframe", coder="Jordan") as j:
        code_range(j, "Jordan", "notes", 4, 11, "Suggestions/Peer support")
        with j.write() as s:  # as another tool might have written the names
            s.execute(update(Code).where(Code.name == "Peer support").values(name="peer  Support"))
            s.execute(update(Code).where(Code.name == "Suggestions").values(name="SUGGESTIONS"))
    with Project.open(tmp_path / "a.qualframe", coder="Ha-eun") as h:
        source, plan = preview_merge(h, tmp_path / "b.qualframe")
        assert plan.codes == []
        MergeProject(source, "mine").do(h)
        assert [c.path_text for c in code_tree(h)] == ["Suggestions", "Suggestions/Peer support"]
        assert {s.coder for s in list_segments(h)} == {"Ha-eun", "Jordan"}
