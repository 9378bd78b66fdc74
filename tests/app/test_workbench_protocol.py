"""Docks are built from the Workbench protocol and the models they show, not from the main
window: each is built here alone on a small fake workbench (napari's ``QtLayerList(root)``)
and driven through the protocol's signals."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from qualframe.app.gui.corpus import Corpus
from qualframe.app.gui.docks.code_detail import CodeDetailDock
from qualframe.app.gui.docks.codebook import CodebookDock
from qualframe.app.gui.docks.navigator import NavigatorDock
from qualframe.app.gui.docks.retrieval import RetrievalDock
from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.app.gui.models.documents_model import DocumentsModel
from qualframe.app.gui.search import ProjectSearchDock
from qualframe.app.gui.workbench import Selection, Workbench
from qualframe.coding import commands
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.core.command import Command
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants
from qualframe.storage.errors import ProjectError


class FakeBench(QObject):
    """The whole Workbench protocol in a few lines: a Qt-free history, a list of reports."""

    changed = Signal(object)
    selectionChanged = Signal(object)

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.stack = commands.UndoStack(project)
        self.reports: list[str] = []
        self._selection = Selection()

    def push(self, command: Command, long_title: str | None = None) -> bool:
        try:
            change = self.stack.push(command)
        except ProjectError as exc:
            self.report(str(exc))
            return False
        self.changed.emit(change)
        return True

    def undo(self) -> None:
        self.changed.emit(self.stack.undo())

    def report(self, message: str) -> None:
        self.reports.append(message)

    def hint(self, message: str) -> None:
        self.reports.append(message)

    def selection(self) -> Selection:
        return self._selection

    def select(self, **fields: object) -> None:
        self._selection = Selection(**{**self._selection.__dict__, **fields})  # type: ignore[arg-type]
        self.selectionChanged.emit(self._selection)


def as_workbench(bench: FakeBench) -> Workbench:
    return bench  # mypy checks here that the fake (and so the protocol) is complete


def test_retrieval_dock_alone_follows_the_selection_and_the_changes(qtbot, gui_project) -> None:  # type: ignore[no-untyped-def]
    bench = FakeBench(gui_project)
    codes = CodebookModel(gui_project)
    documents = DocumentsModel(gui_project)
    dock = RetrievalDock(as_workbench(bench), Corpus(gui_project), codes, documents)
    qtbot.addWidget(dock)
    assert dock.model.rowCount() == 0

    pressure = find_code(gui_project, "Negative experiences/Pressure felt by the mentee")
    assert pressure is not None
    bench.select(code=codes.by_guid[pressure.guid])
    assert [s.speaker for s in dock.model.rows] == ["E1", "M2"]
    assert "Pressure felt by the mentee" in dock.title.text()

    # a change pushed by anyone reaches the dock through the change signal
    mentors = next(d for d in documents.by_guid.values() if d.name == "fgi_mentors")
    assert bench.push(commands.ApplyCode(mentors.guid, 0, 12, pressure.guid))
    assert dock.model.rowCount() == 3
    bench.undo()
    assert dock.model.rowCount() == 2
    bench.select(code=None)
    assert dock.model.rowCount() == 0


def test_codebook_and_detail_docks_alone(qtbot, gui_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog

    bench = FakeBench(gui_project)
    codes = CodebookModel(gui_project)
    tree = CodebookDock(as_workbench(bench), codes)
    detail = CodeDetailDock(as_workbench(bench), codes)
    qtbot.addWidget(tree)
    qtbot.addWidget(detail)
    chosen: list[object] = []
    tree.codeSelected.connect(chosen.append)
    tree.codeSelected.connect(lambda guid: bench.select(code=codes.by_guid.get(guid)))

    guid = tree.new_code(name="Friendship")
    assert guid and chosen[-1] == guid  # the dock selected what it created
    assert bench.stack.undo_text == 'Add code "Friendship"'
    assert "Friendship" in detail.title.text()
    assert detail.counts.text() == "0 coded segments · 0 participants"

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Friends", True))
    tree.rename()
    assert codes.by_guid[guid].name == "Friends"
    assert "Friends" in detail.title.text()  # the details follow the change signal
    bench.undo()
    assert "Friendship" in detail.title.text()


def test_navigator_and_search_docks_alone(qtbot, gui_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: said.append(text))
    bench = FakeBench(gui_project)
    documents = DocumentsModel(gui_project)
    navigator = NavigatorDock(as_workbench(bench), documents)
    search = ProjectSearchDock(as_workbench(bench), Corpus(gui_project))
    qtbot.addWidget(navigator)
    qtbot.addWidget(search)
    mentors = next(d for d in documents.by_guid.values() if d.name == "fgi_mentors")
    bench.select(document_guid=mentors.guid)
    assert navigator.document_at(navigator.tree.currentIndex()).guid == mentors.guid

    people = navigator.participants
    row = [p.pseudonym for p in people.people].index("M1")
    assert people.setData(people.index(row, 1 + people.attributes.index("role")), "alumna")
    assert people.index(row, 1 + people.attributes.index("role")).data() == "alumna"
    bench.undo()  # the navigator re-reads the participants when the change comes back
    assert people.index(row, 1 + people.attributes.index("role")).data() == "mentor"
    assert {p.pseudonym: p.attributes["role"] for p in list_participants(gui_project)}["M1"] == (
        "mentor"
    )

    assert len(search.run("felt")) == 2
    search.code_all_hits()  # no code selected in the workbench: nothing is pushed
    assert said == ["Select a code in the codebook first."] and len(bench.stack) == 1
