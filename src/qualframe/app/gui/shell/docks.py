"""The window's docks: built from the workbench (the window), placed around the centre and
wired to it. Kept apart from the window so that the composer stays a few hundred lines."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from qualframe.app.gui.corpus import Hit
from qualframe.app.gui.docks.code_detail import CodeDetailDock
from qualframe.app.gui.docks.codebook import CodebookDock
from qualframe.app.gui.docks.disagreements import DisagreementsDock
from qualframe.app.gui.docks.memos import MemoDock
from qualframe.app.gui.docks.navigator import NavigatorDock
from qualframe.app.gui.docks.retrieval import RetrievalDock
from qualframe.app.gui.docks.undo_history import UndoHistoryDock
from qualframe.app.gui.search import ProjectSearchDock

LEFT, RIGHT, BOTTOM = (
    Qt.DockWidgetArea.LeftDockWidgetArea,
    Qt.DockWidgetArea.RightDockWidgetArea,
    Qt.DockWidgetArea.BottomDockWidgetArea,
)


def build_docks(w: Any) -> None:  # the MainWindow (importing it here would make a cycle)
    # Built in the order they hear of a change: the codebook model is re-read before
    # the details and the retrieval list look at it.
    w.codebook = CodebookDock(w, w.codes, w)
    w.navigator = NavigatorDock(w, w.documents, w)
    w.detail = CodeDetailDock(w, w.codes, w)
    w.retrieval = RetrievalDock(w, w.corpus, w.codes, w.documents, w, scope=w.coder_scope)
    w.disagreements = DisagreementsDock(w, w.coder_scope, w)
    w.search = ProjectSearchDock(w, w.corpus, w, w.settings)
    w.history = UndoHistoryDock(w.undo, w)
    w.memos = MemoDock(w, w, scope=w.coder_scope)
    # the docks below the document, which step aside for the other tabs
    w.bottom_docks = [w.retrieval, w.search, w.history, w.memos, w.disagreements]
    w.addDockWidget(LEFT, w.navigator)
    w.addDockWidget(RIGHT, w.codebook)
    w.splitDockWidget(w.codebook, w.detail, Qt.Orientation.Vertical)
    w.addDockWidget(BOTTOM, w.retrieval)
    w.tabifyDockWidget(w.retrieval, w.search)
    w.tabifyDockWidget(w.search, w.history)
    w.tabifyDockWidget(w.history, w.memos)
    w.tabifyDockWidget(w.memos, w.disagreements)
    w.history.hide()  # View → Undo history
    w.retrieval.raise_()
    w.setCorner(Qt.Corner.BottomLeftCorner, LEFT)
    w.setCorner(Qt.Corner.BottomRightCorner, RIGHT)
    w.navigator.documentActivated.connect(lambda guid, _name: w.open_document(guid))
    w.codebook.codeSelected.connect(w._code_selected)
    w.retrieval.segmentActivated.connect(w.jump_to_segment)
    w.search.hitActivated.connect(w.jump_to_hit)
    w.disagreements.placeActivated.connect(
        lambda guid, start, end: w.jump_to_hit(Hit(guid, "", start, end))
    )
    w.memos.documentRequested.connect(w.open_document)
    w.memos.segmentRequested.connect(w._jump_to_memo_segment)
