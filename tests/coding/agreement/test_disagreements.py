"""The places where coders differ, and resolving them into a consensus (undoable), after which
the agreement can be computed on the consensus like on any coder."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualframe.coding.analysis.agreement.disagreements import (
    CONSENSUS,
    ResolvePlace,
    SeedConsensus,
    find_places,
)
from qualframe.coding.analysis.agreement.report import agreement
from qualframe.coding.commands import UndoStack
from qualframe.coding.core.errors import UserError
from qualframe.coding.query.segments import list_segments
from tests.coding.agreement.study import CODES, build_study


@pytest.fixture
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    p = build_study(tmp_path / "s.qualframe", priya=False)
    yield p
    p.close()


def test_places_by_kind_and_tolerance(project) -> None:  # type: ignore[no-untyped-def]
    places = find_places(project, ["Ha-eun", "Jordan"])
    kinds = {(p.document, p.code, p.kind) for p in places}
    assert ("fgi_mentees", CODES[0], "boundaries") in kinds  # exam: Jordan wider
    assert ("fgi_mentees", CODES[3], "missing") in kinds  # pressure: Ha-eun only
    assert ("fgi_mentees", "Mutual benefits/Closeness", "missing") in kinds  # Jordan only
    assert all(p.document != "fgi_solo" for p in places)  # not coded by both
    anxiety = [p for p in places if p.code == CODES[1]]
    # "I was less anxious before finals" vs "less anxious before finals": starts differ by 6
    assert [p.kind for p in anxiety] == ["boundaries"]
    assert (
        find_places(project, ["Ha-eun", "Jordan"], min_diff=6, code_guid=anxiety[0].code_guid) == []
    )
    exam = next(p for p in places if p.code == CODES[0] and p.document == "fgi_mentees")
    assert exam.codings["Ha-eun"][0].text == "My exam marks went up"
    assert exam.codings["Jordan"][0].text.startswith("My exam marks went up because")
    assert {p.id for p in places} == {p.id for p in find_places(project, ["Ha-eun", "Jordan"])}


def test_resolving_into_a_consensus_and_undo(project) -> None:  # type: ignore[no-untyped-def]
    stack = UndoStack(project)
    coders = ["Ha-eun", "Jordan"]
    stack.push(SeedConsensus(tuple(coders)))
    places = find_places(project, coders)
    exam = next(p for p in places if p.code == CODES[0] and p.document == "fgi_mentees")
    stack.push(ResolvePlace(exam, "accept", ("Jordan",)))
    with pytest.raises(UserError, match="already resolved"):
        ResolvePlace(exam, "neither").do(project)
    for p in find_places(project, coders):
        if p.resolved:
            continue
        if p.kind == "boundaries":
            stack.push(ResolvePlace(p, "new", start=p.start, end=p.end))
        elif p.codings["Ha-eun"]:
            stack.push(ResolvePlace(p, "accept", ("Ha-eun",)))
        else:
            stack.push(ResolvePlace(p, "neither"))
    assert all(p.resolved for p in find_places(project, coders))
    again = next(p for p in find_places(project, coders) if p.id == exam.id)
    assert again.resolution == "accept: Jordan"
    consensus = [s for s in list_segments(project) if s.coder == CONSENSUS]
    exam_c = [
        s for s in consensus if s.code_path_text == CODES[0] and s.document_name == "fgi_mentees"
    ]
    assert [s.text for s in exam_c] == [exam.codings["Jordan"][0].text]
    # agreement is recomputable on the consensus
    report = agreement(project, ["Ha-eun", CONSENSUS], unit="turn", replicates=0)
    assert report.overall.percent > 0
    # every step undoes
    n = len(stack)
    stack.set_index(0)
    assert not [s for s in list_segments(project) if s.coder == CONSENSUS]
    assert not any(p.resolved for p in find_places(project, coders))
    stack.set_index(n)
    assert len([s for s in list_segments(project) if s.coder == CONSENSUS]) == len(consensus)


@pytest.mark.parametrize("how", ["delete document", "delete code", "merge code"])
def test_resolutions_come_back_when_a_deletion_is_undone(project, how: str) -> None:  # type: ignore[no-untyped-def]
    """Deleting a document or a code (or merging the code away) drops the resolutions of
    its places with it; undoing brings them back, so the places are not open again."""
    from qualframe.coding import commands
    from qualframe.coding.codebook.tree import find_code

    stack = UndoStack(project)
    coders = ["Ha-eun", "Jordan"]
    places = find_places(project, coders)
    exam = next(p for p in places if p.code == CODES[0] and p.document == "fgi_mentees")
    stack.push(ResolvePlace(exam, "accept", ("Jordan",)))
    before = {(p.id, p.resolution) for p in find_places(project, coders)}
    assert dict(before)[exam.id] == "accept: Jordan"
    code = find_code(project, CODES[0])
    assert code is not None
    if how == "delete document":
        stack.push(commands.DeleteDocument(exam.document_guid))
    elif how == "delete code":
        stack.push(commands.DeleteCode(code.guid))
    else:
        other = find_code(project, CODES[1])
        assert other is not None
        stack.push(commands.MergeCodes(code.guid, other.guid))
    assert exam.id not in {p.id for p in find_places(project, coders)}
    stack.undo()
    assert {(p.id, p.resolution) for p in find_places(project, coders)} == before


def test_a_resolved_place_stays_resolved_when_the_text_before_it_is_edited(project) -> None:  # type: ignore[no-untyped-def]
    """Edit text moves every segment after the edit; the resolutions of the places after it
    move with them (and back on undo), so a resolved place is not open again."""
    from qualframe.coding import commands
    from qualframe.coding.corpus.documents import document_text

    stack = UndoStack(project)
    coders = ["Ha-eun", "Jordan"]
    places = find_places(project, coders)
    exam = next(p for p in places if p.code == CODES[0] and p.document == "fgi_mentees")
    stack.push(ResolvePlace(exam, "accept", ("Jordan",)))
    resolved = {(p.id, p.resolution, p.start, p.end) for p in find_places(project, coders)}
    before = sorted((p.code, p.document, p.resolution) for p in find_places(project, coders))
    text = document_text(project, exam.document_guid)
    at = text.index("What changed")  # in the moderator's question, before every place
    stack.push(commands.EditDocumentText(exam.document_guid, at, at + 4, "What exactly"))
    after = find_places(project, coders)
    assert sorted((p.code, p.document, p.resolution) for p in after) == before
    moved = next(p for p in after if p.code == CODES[0] and p.document == "fgi_mentees")
    assert (moved.start, moved.end) == (exam.start + 8, exam.end + 8)
    stack.undo()
    assert {(p.id, p.resolution, p.start, p.end) for p in find_places(project, coders)} == resolved
