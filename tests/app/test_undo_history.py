"""The GUI's face of the one undo history: Edit → Undo/Redo texts and enabled state, a
failed undo that changes nothing, the Undo history view, and participant attribute edits
undone with Ctrl+Z from the real participant table."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit

from qualframe.app.gui.docks.undo_history import START, UndoHistoryDock
from qualframe.app.gui.undo import UndoHistory
from qualframe.coding import commands
from qualframe.coding.codebook.edits import add_code_in
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import attribute_names, list_participants


@dataclass
class UndoFails(Command):
    """Adds a code; its undo half-writes and then fails (the transaction rolls back)."""

    name: str

    def __post_init__(self) -> None:
        self.text = f'Add "{self.name}" (cannot be undone)'

    def do(self, project: Project) -> Change:
        with project.write() as s:
            add_code_in(s, project.coder, self.name, None)
        return Change("add_code", codebook=True)

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            add_code_in(s, project.coder, f"{self.name} (half undone)", None)
            raise UserError("This step cannot be undone.")


def plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def test_actions_name_the_step_and_are_enabled_only_when_they_can(qapp, gui_project) -> None:  # type: ignore[no-untyped-def]
    changes: list[Change] = []
    reports: list[str] = []
    history = UndoHistory(gui_project, changes.append, reports.append)
    undo, redo = history.undo_action, history.redo_action
    assert (plain(undo.text()), undo.isEnabled(), plain(redo.text()), redo.isEnabled()) == (
        "Undo", False, "Redo", False,
    )  # fmt: skip
    assert history.push(commands.AddCode("Rock & roll")) is not None
    assert plain(undo.text()) == 'Undo Add code "Rock & roll"' and undo.isEnabled()
    assert not redo.isEnabled()
    undo.trigger()
    assert find_code(gui_project, "Rock & roll") is None
    assert plain(redo.text()) == 'Redo Add code "Rock & roll"' and redo.isEnabled()
    assert not undo.isEnabled() or history.index > 0
    redo.trigger()
    assert find_code(gui_project, "Rock & roll") is not None
    assert [c.action for c in changes] == ["add_code", "delete_code", "add_code"]
    # a refused command is reported and not recorded
    assert history.push(commands.RenameCode("no-such-code", "x")) is None
    assert len(reports) == 1 and len(history.stack) == 1


def test_a_failed_undo_is_reported_and_changes_nothing(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    assert window.push(UndoFails("Mentoring climate"))
    index = window.undo.index
    seen: list[object] = []
    window.changed.connect(seen.append)
    window.undo_action.trigger()
    assert window.last_report == "This step cannot be undone."
    assert window.undo.index == index  # the QUndoStack moved on here; the history does not
    assert plain(window.undo_action.text()) == 'Undo Add "Mentoring climate" (cannot be undone)'
    assert window.undo_action.isEnabled() and not window.redo_action.isEnabled()
    assert find_code(gui_project, "Mentoring climate (half undone)") is None
    assert find_code(gui_project, "Mentoring climate") is not None
    assert seen == []  # nothing changed, so nothing was announced


def test_history_view_lists_the_steps_and_moves_through_them(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    dock: UndoHistoryDock = window.history
    assert dock.list.count() == 1 and dock.list.item(0).text() == START
    assert window.push(commands.AddCode("First"))
    assert window.push(commands.AddCode("Second"))
    assert [dock.list.item(i).text() for i in range(3)] == [
        START, 'Add code "First"', 'Add code "Second"',
    ]  # fmt: skip
    assert dock.list.currentRow() == 2
    dock._clicked(dock.list.item(0))
    assert window.undo.index == 0 and dock.list.currentRow() == 0
    assert find_code(gui_project, "First") is None
    assert window.codebook.model.records == [
        r for r in window.codebook.model.records if r.name not in ("First", "Second")
    ]
    dock._clicked(dock.list.item(2))
    assert find_code(gui_project, "Second") is not None and dock.list.currentRow() == 2
    # the view is reached from the View menu
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert "Undo history" in [a.text() for a in view_menu.actions()]


def test_new_code_from_selection_is_one_undo_step(window, gui_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.app.test_workbench import doc_guid, select_in_view

    window.open_document(doc_guid(window, "fgi_mentors"))
    select_in_view(window, "a new feeling for me")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("New feeling", True))
    window.coding.new_from_selection.trigger()
    code = find_code(gui_project, "New feeling")
    assert code is not None and window.codebook.current().guid == code.guid
    assert window.retrieval.model.rowCount() == 1
    assert plain(window.undo_action.text()) == 'Undo New code "New feeling" from selection'
    window.undo_action.trigger()
    assert find_code(gui_project, "New feeling") is None
    assert not any(h.code_name == "New feeling" for h in window.view.index.items)
    window.redo_action.trigger()
    assert find_code(gui_project, "New feeling") is not None
    assert any(h.code_name == "New feeling" for h in window.view.index.items)


def roles(project: Project) -> dict[str, str]:
    return {p.pseudonym: p.attributes.get("role", "") for p in list_participants(project)}


def test_participant_cell_edit_is_undone_with_ctrl_z(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    nav = window.navigator
    people, table = nav.participants, nav.table
    row = [p.pseudonym for p in people.people].index("E1")
    index = people.index(row, 1 + people.attributes.index("role"))
    table.setFocus()
    table.setCurrentIndex(index)
    table.edit(index)
    (editor,) = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert editor.text() == "mentee"
    editor.selectAll()
    qtbot.keyClicks(editor, "alumna")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next loop turn
    qtbot.waitUntil(lambda: roles(gui_project)["E1"] == "alumna", timeout=2000)
    assert people.index(row, index.column()).data() == "alumna"
    assert plain(window.undo_action.text()) == 'Undo Set role of E1 to "alumna"'

    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert roles(gui_project)["E1"] == "mentee"
    assert people.index(row, index.column()).data() == "mentee"
    window.redo_action.trigger()
    assert roles(gui_project)["E1"] == "alumna"


def test_add_attribute_is_undoable(window, gui_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("cohort", True))
    nav = window.navigator
    nav.add_attr.click()
    assert "cohort" in attribute_names(gui_project)
    assert nav.participants.attributes[-1] == "cohort"
    assert window.retrieval.where.findText("role = mentee") >= 0
    window.undo_action.trigger()
    assert "cohort" not in attribute_names(gui_project)
    assert "cohort" not in nav.participants.attributes
    # a name that is already taken is refused in one sentence
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Role", True))
    nav.add_attr.click()
    assert window.last_report == 'There is already an attribute "role".'
