"""The Documents menu (edit text, rename, delete, document memo, document sets), the memo
entries of the View menu's neighbours, and the Export menu's memo report and retrieved
segments — added to the menu bar the main window built (``menus.build_menus``)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QTabWidget

from qualframe.app.gui.docks.memos import MemoDock
from qualframe.app.gui.docks.retrieval import RetrievalDock
from qualframe.app.gui.document_actions import DocumentActions
from qualframe.app.gui.views.classification import ClassificationView


class ResearchHost(Protocol):
    document_actions: DocumentActions
    memos: MemoDock
    retrieval: RetrievalDock
    participants_view: ClassificationView
    tabs: QTabWidget

    def menuBar(self) -> QMenuBar: ...


def install_research_menus(w: ResearchHost, export: QMenu) -> QMenu:
    """Insert the Documents menu before View, a Memos menu after it, and the two exports;
    returns the Documents menu."""
    bar = w.menuBar()
    view = next((a for a in bar.actions() if a.text() == "&View"), None)
    documents = QMenu("&Documents", bar)
    w.document_actions.fill_menu(documents)
    documents.addSeparator()
    documents.addAction(
        "&Participants and attributes", lambda: w.tabs.setCurrentWidget(w.participants_view)
    )
    if view is not None:
        bar.insertMenu(view, documents)
    else:
        bar.addMenu(documents)
    memos = QMenu("&Memos", bar)
    memos.addAction("New &journal entry", QKeySequence("Ctrl+J"), lambda: _new(w, "journal"))
    memos.addAction("New &project memo", lambda: _new(w, "project"))
    memos.addAction("Memo on this &document", lambda: _new(w, "document"))
    memos.addAction("Memo on this &code", lambda: _new(w, "code"))
    memos.addSeparator()
    memos.addAction("&Browse memos", lambda: _show(w))
    memos.addAction("Memo &report (Word)…", w.memos.choose_and_export)
    for action in memos.actions()[:4]:
        action.setEnabled(w.memos.project.can_edit)  # not read-only, not in review mode
    after_view = _after(bar, view)
    if after_view is not None:
        bar.insertMenu(after_view, memos)
    else:
        bar.addMenu(memos)
    export.addSeparator()
    export.addAction("&Retrieved segments (Word, Excel)…", w.retrieval.choose_and_export)
    export.addAction("&Memo report (Word)…", w.memos.choose_and_export)
    return documents


def _after(bar: QMenuBar, action: QAction | None) -> QAction | None:
    actions = bar.actions()
    if action is None or action not in actions:
        return None
    i = actions.index(action)
    return actions[i + 1] if i + 1 < len(actions) else None


def _show(w: ResearchHost) -> None:
    w.memos.show()
    w.memos.raise_()


def _new(w: ResearchHost, kind: str) -> None:
    if w.tabs.currentIndex() != 0:
        w.tabs.setCurrentIndex(0)  # the memo browser is a dock beside the Document tab
    w.memos.new_memo(kind)
