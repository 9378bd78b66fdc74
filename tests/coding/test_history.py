"""The one undo history (coding.commands.UndoStack): index, clean state, texts, listeners,
groups, the limit, and failures that must leave both the history and the project as they
were."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from qualframe.coding.codebook.edits import add_code_in
from qualframe.coding.codebook.tree import code_tree, find_code
from qualframe.coding.commands import AddCode, RenameCode, UndoStack
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project


def names(project: Project) -> list[str]:
    return [r.path_text for r in code_tree(project)]


@dataclass
class BrokenUndo(Command):
    """Adds a code; its undo writes a half-change (another code) and then fails, as a bug or
    a full disk would make it: the transaction must roll back."""

    name: str
    fail_undo: bool = True
    fail_redo: bool = False
    runs: int = 0

    def __post_init__(self) -> None:
        self.text = f"Broken {self.name}"

    def do(self, project: Project) -> Change:
        if self.runs and self.fail_redo:
            with project.write() as s:
                add_code_in(s, project.coder, f"{self.name} half redo", None)
                raise UserError("The redo failed.")
        self.runs += 1
        with project.write() as s:
            add_code_in(s, project.coder, self.name, None)
        return Change("add_code", codebook=True)

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            add_code_in(s, project.coder, f"{self.name} half undo", None)
            if self.fail_undo:
                raise UserError("The undo failed.")
        return Change("delete_code", codebook=True)


def test_index_texts_can_undo_redo_and_listeners(project: Project) -> None:
    stack = UndoStack(project)
    heard: list[int] = []
    stack.add_listener(lambda: heard.append(stack.index))
    assert (stack.index, len(stack), stack.can_undo, stack.can_redo) == (0, 0, False, False)
    assert stack.undo_text is None and stack.redo_text is None and stack.is_clean

    guid = stack.push(AddCode("Outcomes")).created_guid
    assert guid
    stack.push(RenameCode(guid, "Results"))
    assert stack.texts() == ['Add code "Outcomes"', 'Rename code to "Results"']
    assert (stack.index, stack.can_undo, stack.can_redo) == (2, True, False)
    assert not stack.is_clean
    assert heard == [1, 2]

    stack.undo()
    assert names(project) == ["Outcomes"]
    assert (stack.index, stack.undo_text, stack.redo_text) == (
        1, 'Add code "Outcomes"', 'Rename code to "Results"'
    )  # fmt: skip
    stack.set_clean()
    assert stack.is_clean and stack.clean_index == 1
    stack.redo()
    assert names(project) == ["Results"] and not stack.is_clean
    assert stack.set_index(0) and names(project) == []
    assert heard == [1, 2, 1, 1, 2, 1, 0]

    # a new command drops the redo list (and the clean state that was in it)
    stack.push(AddCode("Other"))
    assert stack.texts() == ['Add code "Other"'] and not stack.can_redo
    assert stack.clean_index is None
    with pytest.raises(UserError, match="nothing to redo"):
        stack.redo()


def test_a_refused_command_is_not_recorded(project: Project) -> None:
    stack = UndoStack(project)
    stack.push(AddCode("Outcomes"))
    stack.undo()
    with pytest.raises(UserError):
        stack.push(RenameCode("no-such-guid", "x"))
    assert (stack.index, len(stack), stack.can_redo) == (0, 1, True)


def test_a_failed_undo_leaves_the_index_and_the_project_as_they_were(project: Project) -> None:
    stack = UndoStack(project)
    heard: list[int] = []
    stack.push(AddCode("First"))
    stack.push(BrokenUndo("Second"))
    stack.add_listener(lambda: heard.append(stack.index))
    before = names(project)
    with pytest.raises(UserError, match="undo failed"):
        stack.undo()
    assert stack.index == 2 and stack.undo_text == "Broken Second" and not stack.can_redo
    assert names(project) == before  # the half-written code was rolled back
    assert find_code(project, "Second half undo") is None
    assert heard == []  # nothing changed, nothing announced
    with pytest.raises(UserError):
        stack.set_index(0)  # stops at the failing step
    assert stack.index == 2 and names(project) == before


def test_a_failed_redo_leaves_the_index_and_the_project_as_they_were(project: Project) -> None:
    stack = UndoStack(project)
    command = BrokenUndo("Only", fail_undo=False, fail_redo=True)
    stack.push(command)
    stack.undo()
    before = names(project)
    with pytest.raises(UserError, match="redo failed"):
        stack.redo()
    assert (stack.index, stack.can_redo, stack.redo_text) == (1 - 1, True, "Broken Only")
    assert names(project) == before


def test_a_group_is_one_step_and_a_failing_member_changes_nothing(project: Project) -> None:
    stack = UndoStack(project)
    stack.begin_group("New code from selection")
    first = stack.push(AddCode("Theme")).created_guid
    assert first
    assert not stack.can_undo  # not while the group is being recorded
    stack.push(AddCode("Category", first))
    stack.end_group()
    assert stack.texts() == ["New code from selection"]
    change = stack.undo()
    assert names(project) == [] and change.codebook
    stack.redo()
    assert names(project) == ["Theme", "Theme/Category"]

    # a group whose first member cannot be undone puts the second one (undone first) back
    stack.begin_group("Two")
    stack.push(BrokenUndo("Broken"))
    stack.push(AddCode("Other"))
    stack.end_group()
    before = names(project)
    with pytest.raises(UserError):
        stack.undo()
    assert names(project) == before and stack.index == 2
    assert find_code(project, "Other") is not None

    stack.begin_group("Nothing")
    stack.end_group()
    assert len(stack) == 2  # an empty group leaves no step


def test_the_limit_drops_the_oldest(project: Project) -> None:
    stack = UndoStack(project, limit=3)
    for name in "ABCD":
        stack.push(AddCode(name))
    assert stack.texts() == ['Add code "B"', 'Add code "C"', 'Add code "D"']
    assert stack.index == 3 and stack.clean_index is None
    stack.set_index(0)
    assert names(project) == ["A"]
