"""The auditors' half, put into the main window: the Disputes dock, the Log tab, the review
workspace (a project open for review starts on it), their menu entries (File → Open for
review…, View → Disputes, Export → Review report… / Codebook history…), and where a
double-click in them leads. Kept apart so that the main window stays a composer."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, cast

from PySide6.QtCore import Qt, QTimer, SignalInstance
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMenuBar,
    QSizePolicy,
    QStatusBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.coder_scope import CoderScope
from qualframe.app.gui.corpus import Corpus
from qualframe.app.gui.dialogs.written import tell_file_written
from qualframe.app.gui.docks.codebook import CodebookDock
from qualframe.app.gui.docks.disputes import DisputesDock
from qualframe.app.gui.document_page import DocumentPage
from qualframe.app.gui.document_view import DocumentView
from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.app.gui.save_target import ask_save_path
from qualframe.app.gui.views.log_view import LogView
from qualframe.app.gui.views.review_view import ReviewWorkspace
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.query.segments import query_segments
from qualframe.coding.trail.log import now_utc, parse_when, to_local
from qualframe.storage.errors import ProjectError


class AuditHost(Workbench, Protocol):
    """What the main window offers these parts (so that this module does not import it)."""

    @property
    def codes(self) -> CodebookModel: ...

    @property
    def coder_scope(self) -> CoderScope: ...

    @property
    def corpus(self) -> Corpus: ...

    @property
    def view(self) -> DocumentView: ...

    @property
    def page(self) -> DocumentPage: ...

    @property
    def tabs(self) -> QTabWidget: ...

    @property
    def codebook(self) -> CodebookDock: ...

    @property
    def navigator(self) -> QDockWidget: ...

    @property
    def detail(self) -> QDockWidget: ...

    @property
    def retrieval(self) -> QDockWidget: ...

    @property
    def search(self) -> QDockWidget: ...

    @property
    def history(self) -> QDockWidget: ...

    @property
    def bottom_docks(self) -> list[QDockWidget]: ...

    @property
    def export_menu(self) -> QMenu: ...

    # set here
    disputes: DisputesDock
    log_view: LogView
    review_view: ReviewWorkspace | None

    @property
    def reviewRequested(self) -> SignalInstance: ...

    def jump_to_segment(self, seg: SegmentRecord) -> None: ...

    def select_code(self, guid: str | None) -> None: ...

    def open_document(self, guid: str) -> bool: ...

    def add_view(self, title: str, widget: QWidget) -> None: ...

    def menuBar(self) -> QMenuBar: ...

    def statusBar(self) -> QStatusBar: ...

    def setWindowTitle(self, title: str) -> None: ...


def _qt(w: AuditHost) -> QWidget:
    return cast(QWidget, w)


def install(w: AuditHost) -> None:
    window = cast(QMainWindow, w)
    w.disputes = DisputesDock(w, w.codes, lambda: _selection(w), _qt(w), scope=w.coder_scope)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, w.disputes)
    window.tabifyDockWidget(w.search, w.disputes)
    w.bottom_docks.append(w.disputes)
    w.retrieval.raise_()
    w.disputes.segmentActivated.connect(w.jump_to_segment)
    w.disputes.codeActivated.connect(w.select_code)
    w.log_view = LogView(w, w.codes, defer=True, scope=w.coder_scope)
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
        reason = w.project.review_reason
        if reason is not None:  # chosen for the user (an auditor's server account): say why
            _show_reason(w.review_view, note, reason)
    _menus(w)


def _show_reason(review: ReviewWorkspace, note: QLabel, reason: str) -> None:
    """Why this window only reviews, where the auditor sees it: a banner above the review
    workspace, and the status bar's note (seen from every tab)."""
    banner = QLabel(reason)
    banner.setObjectName("review_reason")
    banner.setWordWrap(True)
    banner.setStyleSheet(
        "background:#FFF4CE; color:#4A3B00; border:1px solid #E0C060; padding:4px 8px;"
    )
    layout = review.layout()
    if isinstance(layout, QVBoxLayout):
        layout.insertWidget(0, banner)
    note.setText("<b>Review mode</b>: your server account is an auditor's")
    note.setToolTip(reason)


def _selection(w: AuditHost) -> tuple[str, int, int] | None:
    chosen = w.view.selected_range()
    if chosen is None or w.view.document_guid is None:
        return None
    return (w.view.document_guid, *chosen)


def go_to(w: AuditHost, kind: str, guid: str) -> None:
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


def _menus(w: AuditHost) -> None:
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


def _save_path(w: AuditHost, title: str, name: str, filters: str) -> Path | None:
    """The save dialog every export uses: a project or its working files are refused there."""
    folder = w.project.path.parent if w.project.path else Path.home()
    chosen, _ = ask_save_path(_qt(w), title, str(folder / name), filters)
    return Path(chosen) if chosen else None


def export_review_report(w: AuditHost) -> None:
    from qualframe.coding.export.review_report import export_review_report as export

    if w.coder_scope.refused_while_blind(w.report, "the review report quotes every coder's "
                                         "reviewed segments"):  # fmt: skip
        return
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
    tell_file_written(_qt(w), "the review report", path)


def export_codebook_history(w: AuditHost) -> None:
    from qualframe.coding.export.codebook_history import codebook_history, write_codebook_history

    why = (
        "the codebook history gives the auditors' comments on codes and the segments each step took"
    )
    if w.coder_scope.refused_while_blind(w.report, why):
        return
    first = w.log_view.entries[0].at if w.log_view.entries else now_utc()
    text, ok = QInputDialog.getText(
        _qt(w), "Codebook history", "Changes since (date, e.g. 2026-03-01):",
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
    tell_file_written(_qt(w), "the codebook history", path)
