"""Codebook operations, each undoable and redoable, with the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qualframe.coding.codebook.tree import code_counts, code_tree, find_code, segment_count
from qualframe.coding.commands import (
    AddCode,
    ApplyCode,
    DeleteCode,
    EditCodeDetails,
    LoadTemplate,
    MergeCodes,
    MoveCode,
    RecolourCode,
    RenameCode,
    UndoStack,
)
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.query.segments import list_segments
from qualframe.storage.models import AuditEvent
from tests.coding.helpers import add_transcript


def paths(project: Project) -> list[str]:
    return [r.path_text for r in code_tree(project)]


@pytest.fixture
def stack(project: Project) -> UndoStack:
    return UndoStack(project)


def add(stack: UndoStack, name: str, parent: str | None = None) -> str:
    guid = stack.push(AddCode(name, parent)).created_guid
    assert guid
    return guid


def test_add_rename_recolour_edit_with_undo_redo(project: Project, stack: UndoStack) -> None:
    theme = add(stack, "Outcomes")
    cat = add(stack, "Lifestyle", theme)
    assert paths(project) == ["Outcomes", "Outcomes/Lifestyle"]

    stack.push(RenameCode(cat, "Daily life"))
    assert paths(project) == ["Outcomes", "Outcomes/Daily life"]
    assert stack.undo_text == 'Rename code to "Daily life"'
    stack.undo()
    assert paths(project) == ["Outcomes", "Outcomes/Lifestyle"]
    stack.redo()
    assert paths(project) == ["Outcomes", "Outcomes/Daily life"]

    stack.push(RecolourCode(theme, "#123abc"))
    assert code_tree(project)[0].color == "#123ABC"
    stack.undo()
    assert code_tree(project)[0].color != "#123ABC"

    stack.push(
        EditCodeDetails(cat, {"definition": "How days are spent", "example": "I get up at 7"})
    )
    rec = code_tree(project)[1]
    assert (rec.definition, rec.example) == ("How days are spent", "I get up at 7")
    stack.undo()
    rec = code_tree(project)[1]
    assert (rec.definition, rec.example) == ("", "")

    # Undo the adds: the codebook is empty again; redo brings back the same GUIDs.
    stack.undo()  # rename
    stack.undo()  # add Lifestyle
    stack.undo()  # add Outcomes
    assert paths(project) == []
    stack.redo()
    assert code_tree(project)[0].guid == theme


def test_validation_messages(project: Project, stack: UndoStack) -> None:
    theme = add(stack, "Outcomes")
    with pytest.raises(UserError, match="already a code"):
        stack.push(AddCode("outcomes"))
    with pytest.raises(UserError, match="needs a name"):
        stack.push(AddCode("   "))
    with pytest.raises(UserError, match="not a colour"):
        stack.push(RecolourCode(theme, "red"))
    assert paths(project) == ["Outcomes"]


def test_a_slash_is_an_ordinary_character_of_a_name(project: Project, stack: UndoStack) -> None:
    theme = add(stack, "Suggestions")
    add(stack, "Mentor/mentee matching", theme)
    rec = code_tree(project)[-1]
    assert rec.name == "Mentor/mentee matching"
    assert rec.path == ("Suggestions", "Mentor/mentee matching")
    assert rec.path_text == "Suggestions/Mentor\\/mentee matching"
    assert find_code(project, rec.path_text) == rec
    assert find_code(project, "Suggestions/Mentor/mentee matching") is None


def test_move_reorders_and_refuses_cycles(project: Project, stack: UndoStack) -> None:
    a = add(stack, "A")
    b = add(stack, "B")
    a1 = add(stack, "A1", a)
    stack.push(MoveCode(b, a, 0))
    assert paths(project) == ["A", "A/B", "A/A1"]
    stack.undo()
    assert paths(project) == ["A", "A/A1", "B"]
    with pytest.raises(UserError, match="into itself"):
        stack.push(MoveCode(a, a1))


def _coded_project(project: Project, stack: UndoStack) -> dict[str, str]:
    doc, text = add_transcript(
        project,
        "fgi",
        [
            ("Moderator", "Why?"),
            ("M1", "I studied more and slept less."),
            ("E1", "I felt pressure."),
        ],
        roles={"M1": "mentor", "E1": "mentee"},
    )
    g = {"doc": doc}
    g["theme"] = add(stack, "Outcomes")
    g["cat"] = add(stack, "Academic", g["theme"])
    g["code"] = add(stack, "Studying more", g["cat"])
    g["other"] = add(stack, "Sleep", g["cat"])
    g["neg"] = add(stack, "Pressure", g["theme"])
    i = text.index("I studied more")
    stack.push(ApplyCode(doc, i, i + len("I studied more"), g["code"]))
    j = text.index("slept less")
    stack.push(ApplyCode(doc, j, j + len("slept less"), g["other"]))
    k = text.index("I felt pressure")
    stack.push(ApplyCode(doc, k, k + len("I felt pressure"), g["neg"]))
    return g


def test_merge_moves_segments_and_children_and_undoes(project: Project, stack: UndoStack) -> None:
    g = _coded_project(project, stack)
    before = {(s.text, s.code_path_text, s.guid) for s in list_segments(project)}
    stack.push(MergeCodes(g["other"], g["code"]))
    after = {(s.text, s.code_path_text) for s in list_segments(project)}
    assert ("slept less", "Outcomes/Academic/Studying more") in after
    assert "Outcomes/Academic/Sleep" not in paths(project)
    stack.undo()
    assert {(s.text, s.code_path_text, s.guid) for s in list_segments(project)} == before
    assert "Outcomes/Academic/Sleep" in paths(project)
    with pytest.raises(UserError, match="own sub-codes"):
        stack.push(MergeCodes(g["theme"], g["code"]))


def test_delete_with_segments_or_to_parent_and_undo(project: Project, stack: UndoStack) -> None:
    g = _coded_project(project, stack)
    before = sorted((s.text, s.code_path_text, s.guid, s.coder) for s in list_segments(project))
    assert segment_count(project, g["cat"]) == 2

    stack.push(DeleteCode(g["cat"], "delete"))
    assert [s.text for s in list_segments(project)] == ["I felt pressure"]
    assert not any(p.startswith("Outcomes/Academic") for p in paths(project))
    stack.undo()
    assert (
        sorted((s.text, s.code_path_text, s.guid, s.coder) for s in list_segments(project))
        == before
    )

    stack.push(DeleteCode(g["code"], "parent"))
    texts = {s.text: s.code_path_text for s in list_segments(project)}
    assert texts["I studied more"] == "Outcomes/Academic"
    stack.undo()
    assert (
        sorted((s.text, s.code_path_text, s.guid, s.coder) for s in list_segments(project))
        == before
    )

    with pytest.raises(UserError, match="top level"):
        stack.push(DeleteCode(g["theme"], "parent"))


def test_counts_include_descendants_and_distinct_participants(
    project: Project, stack: UndoStack
) -> None:
    g = _coded_project(project, stack)
    counts = code_counts(project)
    assert counts[g["code"]] == (1, 1)
    assert counts[g["cat"]] == (2, 1)  # two segments, both from M1
    assert counts[g["theme"]] == (3, 2)  # M1 and E1


def test_template_loads_the_brief_codebook_and_undoes(project: Project, stack: UndoStack) -> None:
    stack.push(LoadTemplate("mentoring"))
    tree = code_tree(project)
    themes = [r.name for r in tree if r.depth == 0]
    assert themes == [
        "Outcomes",
        "Mutual benefits",
        "Factors of success",
        "Negative experiences",
        "Suggestions for improvement",
    ]
    assert find_code(project, "Outcomes/Lifestyle/Attendance") is not None
    assert all(r.definition for r in tree)
    stack.undo()
    assert code_tree(project) == []
    stack.redo()
    assert [r.guid for r in code_tree(project)] == [r.guid for r in tree]


def test_every_change_is_audited(project: Project, stack: UndoStack) -> None:
    theme = add(stack, "Outcomes")
    stack.push(RenameCode(theme, "Results"))
    with project.read() as s:
        events = s.execute(
            select(AuditEvent.actor, AuditEvent.action, AuditEvent.entity_guid)
        ).all()
    assert ("tester", "add_code", theme) in events
    assert ("tester", "rename_code", theme) in events


def test_counts_match_the_tallies_across_documents_and_without_speakers(
    project: Project, stack: UndoStack
) -> None:
    from qualframe.coding.codebook.tallies import CodeTallies

    g = _coded_project(project, stack)
    doc2, text2 = add_transcript(
        project, "fgi-2", [("M1", "I studied more with a plan."), ("E2", "Me too.")]
    )
    i = text2.index("I studied more")
    stack.push(ApplyCode(doc2, i, i + len("I studied more"), g["code"]))  # M1 again
    gap = text2.index("\n\n")
    stack.push(ApplyCode(doc2, gap, gap + 2, g["neg"]))  # between two turns: nobody speaks
    stack.push(ApplyCode(g["doc"], 0, 4, g["neg"]))  # "Mod…": the interviewer
    counts = code_counts(project)
    assert counts[g["code"]] == (2, 1)
    assert counts[g["other"]] == (1, 1)
    assert counts[g["cat"]] == (3, 1)
    assert counts[g["neg"]] == (3, 1)  # E1 only
    assert counts[g["theme"]] == (6, 2)
    tallies = CodeTallies()
    tallies.load(project)
    assert tallies.totals(code_tree(project)) == counts
    assert set(counts) == {r.guid for r in code_tree(project)}


def test_undo_texts_name_the_codes(project: Project, stack: UndoStack) -> None:
    g = _coded_project(project, stack)
    stack.push(MergeCodes(g["other"], g["code"]))
    assert stack.undo_text == 'Merge "Sleep" into "Studying more"'
    stack.push(DeleteCode(g["neg"], "delete"))
    assert stack.undo_text == 'Delete code "Pressure"'
    stack.push(DeleteCode(g["code"], "parent"))
    assert stack.undo_text == 'Delete code "Studying more" (segments to parent)'
