"""The auditors' half, put into the main window: the Disputes dock, the Log tab, the review
workspace (a project open for review starts on it), their menu entries (File → Open for
review…, View → Disputes, Export → Review report… / Codebook history…), and where a
double-click in them leads. Kept apart so that the main window stays a composer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QMenu, QSizePolicy

from qualframe.app.gui.docks.disputes import DisputesDock
from qualframe.app.gui.views.log_view import LogView
from qualframe.app.gui.views.review_view import ReviewWorkspace
from qualframe.coding.core.errors import UserError
from qualframe.coding.query.segments import query_segments
from qualframe.coding.trail.log import now_utc, parse_when, to_local
from qualframe.storage.errors import ProjectError

if TYPE_CHECKING:
    from qualframe.app.gui.shell.main_window import MainWindow


def install(w: MainWindow) -> None:
    w.disputes = DisputesDock(w, w.codes, lambda: _selection(w), w)
    w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, w.disputes)
    w.tabifyDockWidget(w.search, w.disputes)
    w.bottom_docks.append(w.disputes)
    w.retrieval.raise_()
    w.disputes.segmentActivated.connect(w.jump_to_segment)
    w.disputes.codeActivated.connect(w.select_code)
    w.log_view = LogView(w, w.codes, defer=True)
    w.add_view("Log", w.log_view)
    w.log_view.targetActivated.connect(lambda kind, guid: go_to(w, kind, guid))
    w.review_view = None
    if w.project.reviewing:
        w.review_view = ReviewWorkspace(w, w.codes, w.corpus)
        # beside the Document tab (the first tab is the document, with the bottom docks)
        w.review_view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        w.tabs.insertTab(1, w.review_view, "Review")
        w.review_view.passageActivated.connect(w.jump_to_segment)
        # shown once the window is: the bottom docks then step aside for it
        QTimer.singleShot(0, lambda: w.tabs.setCurrentIndex(1))
        # the workspace has its own list of codes, their definitions and filters by document
        # and group: room for the passage (View brings the docks back)
        for dock in (w.navigator, w.codebook, w.detail):
            dock.hide()
        w.setWindowTitle(f"{w.project.name} — review by {w.project.coder} — Qualframe")
        note = QLabel("<b>Review mode</b>: verdicts and comments only")
        note.setToolTip("Coding, codebook edits and imports are refused while reviewing.")
        w.statusBar().addPermanentWidget(note)
    _menus(w)


def _selection(w: MainWindow) -> tuple[str, int, int] | None:
    chosen = w.view.selected_range()
    if chosen is None or w.view.document_guid is None:
        return None
    return (w.view.document_guid, *chosen)


def go_to(w: MainWindow, kind: str, guid: str) -> None:
    """Show the thing a log entry changed: a segment in its document, a code, a document."""
    if kind == "segment":
        with w.project.read() as s:
            found = query_segments(s, segment_guids=[guid])
        if not found:
            w.report("That coded segment no longer exists.")
            return
        w.jump_to_segment(found[0])
    elif kind == "code":
        if guid not in w.codes.by_guid:
            w.report("That code no longer exists.")
            return
        w.tabs.setCurrentWidget(w.page)
        w.select_code(guid)
        w.codebook.raise_()
    elif kind == "document":
        w.open_document(guid)


def _menus(w: MainWindow) -> None:
    menus = {a.text().replace("&", ""): a.menu() for a in w.menuBar().actions()}
    file_menu, view_menu = menus.get("File"), menus.get("View")
    if isinstance(file_menu, QMenu):
        act = file_menu.addAction("Open for &review…")
        file_menu.insertAction(file_menu.actions()[2], act)  # after New and Open
        act.triggered.connect(lambda: w.reviewRequested.emit(None))
    if isinstance(view_menu, QMenu):
        view_menu.addAction(w.disputes.toggleViewAction())
        view_menu.addAction("Log", lambda: w.tabs.setCurrentWidget(w.log_view))
        review = w.review_view
        if review is not None:
            view_menu.addAction("Review", lambda: w.tabs.setCurrentWidget(review))
    w.export_menu.addSeparator()
    w.export_menu.addAction("Review report…", lambda: export_review_report(w))
    w.export_menu.addAction("Codebook history…", lambda: export_codebook_history(w))


def _save_path(w: MainWindow, title: str, name: str, filters: str) -> Path | None:
    folder = w.project.path.parent if w.project.path else Path.home()
    chosen, _ = QFileDialog.getSaveFileName(w, title, str(folder / name), filters)
    return Path(chosen) if chosen else None


def export_review_report(w: MainWindow) -> None:
    from qualframe.coding.export.review_report import export_review_report as export

    path = _save_path(w, "Review report", "review-report.docx",
                      "Word (*.docx);;Excel (*.xlsx)")  # fmt: skip
    if path is None:
        return
    try:
        report = export(w.project, path)
    except ProjectError as exc:
        w.report(str(exc))
        return
    t = report.total
    w.hint(
        f"Wrote {path.name}: {t.reviewed} of {t.segments} segments reviewed, {t.disputed} disputed."
    )


def export_codebook_history(w: MainWindow) -> None:
    from qualframe.coding.export.codebook_history import codebook_history, write_codebook_history

    first = w.log_view.entries[0].at if w.log_view.entries else now_utc()
    text, ok = QInputDialog.getText(
        w, "Codebook history", "Changes since (date, e.g. 2026-03-01):",
        text=f"{to_local(first):%Y-%m-%d}",
    )  # fmt: skip
    if not ok or not text.strip():
        return
    path = _save_path(w, "Codebook history", "codebook-history.docx", "Word (*.docx)")
    if path is None:
        return
    try:
        history = codebook_history(w.project, parse_when(text), now_utc())
        write_codebook_history(history, path)
    except (ProjectError, UserError) as exc:
        w.report(str(exc))
        return
    w.hint(f"Wrote {path.name}: {len(history.changes)} changes, {len(history.steps)} steps.")
