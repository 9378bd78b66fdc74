"""The menu bar: File, Edit, Code, View, Export (filled by ``export_menu``), Help.

Built from a :class:`MenuHost` (what the main window offers the menus), so that this module
does not import the main window.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QInputDialog, QMenu, QMenuBar, QMessageBox, QWidget

from qualframe.app.gui.actions import CodingActions
from qualframe.app.gui.dialogs.backups import add_file_actions
from qualframe.app.gui.docks.codebook import CodebookDock
from qualframe.app.gui.document_page import DocumentPage
from qualframe.app.gui.search import ProjectSearchDock
from qualframe.app.gui.settings import Settings
from qualframe.app.gui.undo import UndoHistory
from qualframe.coding import commands
from qualframe.coding.codebook.templates import template_names
from qualframe.coding.core.command import Command
from qualframe.coding.core.project import Project

SHORTCUTS = (
    ("Ctrl+Return or Q", "apply the current code to the selection"),
    ("Ctrl+1 … Ctrl+9", "apply a recent code"),
    ("Ctrl+Shift+Return", "code as… (choose a code)"),
    ("Ctrl+Shift+N", "new code from the selection"),
    ("Ctrl+Backspace", "remove the code from the passage"),
    ("Ctrl+M / Ctrl+E", "memo / exemplar for the segment"),
    ("Ctrl+B", "set the segment's boundaries to the selection"),
    ("Ctrl+F / Ctrl+Shift+F", "find in document / search the project"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo"),
    ("Ctrl+Shift+T", "edit the text of the selected passage (Documents → Edit text…)"),
    ("Ctrl+J / Ctrl+S", "new journal entry / save the memo being written"),
)


class MenuHost(Protocol):
    project: Project
    settings: Settings
    undo: UndoHistory
    coding: CodingActions
    codebook: CodebookDock
    page: DocumentPage
    search: ProjectSearchDock

    @property
    def newRequested(self) -> SignalInstance: ...

    @property
    def openRequested(self) -> SignalInstance: ...

    @property
    def changed(self) -> SignalInstance: ...

    def report(self, message: str) -> None: ...

    def hint(self, message: str) -> None: ...

    def menuBar(self) -> QMenuBar: ...

    def docks(self) -> list[QDockWidget]: ...

    def ask_open(self) -> None: ...

    def import_files(self, paths: list[Path] | None = None) -> None: ...

    def push(self, command: Command, long_title: str | None = None) -> bool: ...

    def close(self) -> bool: ...

    def merge_project(self, path: Path | None = None) -> bool: ...

    def fill_coders_menu(self, menu: QMenu) -> None: ...


def shortcut_help() -> str:
    body = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in SHORTCUTS)
    return f"<table cellspacing=6>{body}</table>"


def build_menus(w: MenuHost) -> QMenu:
    """Create the menus of ``w``; returns the (empty) Export menu."""
    bar = w.menuBar()
    parent = bar.parentWidget()
    _file_menu(bar.addMenu("&File"), w)
    edit = bar.addMenu("&Edit")
    edit.addAction(w.undo.undo_action)
    edit.addAction(w.undo.redo_action)
    edit.addSeparator()
    edit.addAction("&Find in document…", QKeySequence.StandardKey.Find, w.page.find_bar.open_bar)
    edit.addAction(
        "Search &project…",
        QKeySequence("Ctrl+Shift+F"),
        lambda: w.search.focus_search(w.page.view.textCursor().selectedText()),
    )
    _code_menu(bar.addMenu("&Code"), w, parent)
    view = bar.addMenu("&View")
    for dock in w.docks():
        view.addAction(dock.toggleViewAction())
    view.addSeparator()
    w.fill_coders_menu(view.addMenu("C&oders"))
    export = bar.addMenu("E&xport")
    _help_menu(bar.addMenu("&Help"), parent)
    return export


def _open_server(w: MenuHost) -> None:
    from qualframe.app.gui.dialogs.server_open import ask_server_project

    url = ask_server_project(w if isinstance(w, QWidget) else None)
    if url is not None:
        w.openRequested.emit(url)


def _file_menu(file: QMenu, w: MenuHost) -> None:
    file.addAction("&New project…", QKeySequence.StandardKey.New, w.newRequested.emit)
    file.addAction("&Open project…", QKeySequence.StandardKey.Open, w.ask_open)
    file.addAction("Open &server project…", lambda: _open_server(w))
    recent = file.addMenu("Open &recent")

    def fill_recent() -> None:
        recent.clear()
        for path in w.settings.recent_projects():
            a = recent.addAction(str(path))
            a.triggered.connect(lambda _=False, p=path: w.openRequested.emit(p))
        if recent.isEmpty():
            recent.addAction("(none)").setEnabled(False)

    recent.aboutToShow.connect(fill_recent)
    fill_recent()
    file.addSeparator()
    imp = file.addAction("&Import…", QKeySequence("Ctrl+I"), lambda: w.import_files([]))
    imp.setEnabled(w.project.can_edit)
    merge = file.addAction("&Merge project…", lambda: w.merge_project())
    merge.setObjectName("merge_project")
    merge.setEnabled(w.project.can_edit)
    file.addSeparator()
    add_file_actions(w, file)  # Save a copy…, Back up now; keeps the file whole while open
    file.addSeparator()
    file.addAction("&Quit", QKeySequence.StandardKey.Quit, w.close)


def _code_menu(code: QMenu, w: MenuHost, parent: QWidget | None) -> None:
    w.coding.fill_menu(code)
    code.addSeparator()
    dock = w.codebook
    actions: Sequence[QAction] = (dock.a_new, dock.a_new_child, dock.a_rename, dock.a_colour,
                                  dock.a_merge, dock.a_delete)  # fmt: skip
    for a in actions:
        code.addAction(a)
    code.addSeparator()

    def load_template() -> None:
        names = template_names()
        if not names:
            return
        name, ok = QInputDialog.getItem(
            parent, "Load codebook template", "Template:", names, 0, False
        )
        if ok:
            w.push(commands.LoadTemplate(name))

    code.addAction("Load codebook template…", load_template).setEnabled(w.project.can_edit)


def _help_menu(helpm: QMenu, parent: QWidget | None) -> None:
    helpm.addAction(
        "Keyboard shortcuts",
        lambda: QMessageBox.information(parent, "Keyboard shortcuts", shortcut_help()),
    )
    about = QAction("About Qualframe", helpm)
    about_text = "Qualframe: qualitative content analysis of transcripts and open-ended answers."
    about.triggered.connect(lambda: QMessageBox.about(parent, "About Qualframe", about_text))
    helpm.addAction(about)
