"""The memo browser, the Participants view and the document actions are built from the
Workbench protocol alone (a small fake), never from the main window."""

from __future__ import annotations

from qualframe.app.gui.docks.memos import MemoDock
from qualframe.app.gui.document_actions import DocumentActions
from qualframe.app.gui.models.documents_model import DocumentsModel
from qualframe.app.gui.views.classification import ClassificationView
from qualframe.coding.commands import AddMemo
from tests.app.test_workbench_protocol import FakeBench, as_workbench


def test_memo_dock_alone(qtbot, gui_project) -> None:  # type: ignore[no-untyped-def]
    bench = FakeBench(gui_project)
    dock = MemoDock(as_workbench(bench))
    qtbot.addWidget(dock)
    dock.show()
    assert dock.model.rowCount() == 0
    bench.push(AddMemo("Scope", "Only the first semester.", kind="project"))
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1)
    assert not dock.new_memo("document")  # nothing selected: says why
    assert bench.reports == ["Open a document first to write a memo on it."]
    bench.undo()
    qtbot.waitUntil(lambda: dock.model.rowCount() == 0)


def test_participants_view_and_document_actions_alone(qtbot, gui_project) -> None:  # type: ignore[no-untyped-def]
    bench = FakeBench(gui_project)
    view = ClassificationView(as_workbench(bench))
    qtbot.addWidget(view)
    view.show()
    assert [p.pseudonym for p in view.model.rows] == ["E1", "E2", "M1", "M2"]
    documents = DocumentsModel(gui_project)
    actions = DocumentActions(as_workbench(bench), documents, lambda: None, view)
    assert not actions.edit_text()
    assert bench.reports == ["Open a document and select the passage to correct first."]
    assert not actions.rename()
    assert bench.reports[-1] == "Open or choose a document first."
