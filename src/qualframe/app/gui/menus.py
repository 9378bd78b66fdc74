"""The menu bar: File, Edit, Code, View, Export (filled by others), Help."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from qualframe.app.gui.dialogs.backups import add_file_actions
from qualframe.coding import commands
from qualframe.coding.codebook.templates import template_names

if TYPE_CHECKING:
    from qualframe.app.gui.main_window import MainWindow


def build_menus(w: MainWindow) -> QMenu:
    """Create the menus of ``w``; returns the (empty) Export menu."""
    bar = w.menuBar()
    writable = not w.project.read_only

    file = bar.addMenu("&File")
    file.addAction("&New project…", QKeySequence.StandardKey.New, w.newRequested.emit)
    file.addAction("&Open project…", QKeySequence.StandardKey.Open, w.ask_open)
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
    imp.setEnabled(writable)
    file.addSeparator()
    add_file_actions(w, file)  # Save a copy…, Back up now; keeps the file whole while open
    file.addSeparator()
    file.addAction("&Quit", QKeySequence.StandardKey.Quit, w.close)

    edit = bar.addMenu("&Edit")
    undo = w.undo.stack.createUndoAction(w, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = w.undo.stack.createRedoAction(w, "&Redo")
    redo.setShortcut(QKeySequence.StandardKey.Redo)
    edit.addAction(undo)
    edit.addAction(redo)
    w.undo_action, w.redo_action = undo, redo  # type: ignore[attr-defined]
    edit.addSeparator()
    edit.addAction("&Find in document…", QKeySequence.StandardKey.Find, w.find_bar.open_bar)
    edit.addAction("Search &project…", QKeySequence("Ctrl+Shift+F"), w.search.focus_search)

    code = bar.addMenu("&Code")
    w.coding.fill_menu(code)
    code.addSeparator()
    for a in (w.codebook.a_new, w.codebook.a_new_child, w.codebook.a_rename,
              w.codebook.a_colour, w.codebook.a_merge, w.codebook.a_delete):  # fmt: skip
        code.addAction(a)
    code.addSeparator()

    def load_template() -> None:
        names = template_names()
        if not names:
            return
        name, ok = QInputDialog.getItem(w, "Load codebook template", "Template:", names, 0, False)
        if ok:
            w.push(commands.LoadTemplate(name))

    code.addAction("Load codebook template…", load_template).setEnabled(writable)

    view = bar.addMenu("&View")
    for dock in (w.navigator, w.codebook, w.detail, w.retrieval, w.search):
        view.addAction(dock.toggleViewAction())

    export = bar.addMenu("E&xport")

    helpm = bar.addMenu("&Help")

    def shortcuts() -> None:
        from qualframe.app.gui.main_window import shortcut_help

        QMessageBox.information(w, "Keyboard shortcuts", shortcut_help())

    helpm.addAction("Keyboard shortcuts", shortcuts)
    about = QAction("About Qualframe", w)
    about_text = "Qualframe: qualitative content analysis of transcripts and open-ended answers."
    about.triggered.connect(lambda: QMessageBox.about(w, "About Qualframe", about_text))
    helpm.addAction(about)
    return export
