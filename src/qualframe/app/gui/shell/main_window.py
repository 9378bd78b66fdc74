"""The coding workbench window: the composition root. It builds the shared models, the
document page, the docks, the analysis tabs and the menus, and wires them together; it
implements the :class:`~qualframe.app.gui.workbench.Workbench` protocol they are built from.

Every change goes through :meth:`MainWindow.push` (an undoable ``coding`` command on the one
history, committed at once) and is announced by the one ``changed`` signal carrying its
``Change``; the current document, code and segment are announced by ``selectionChanged``.
Each part decides for itself what to refresh.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QTabWidget,
    QWidget,
)

from qualframe.app.gui import exchange_actions, unsaved
from qualframe.app.gui.actions import CodingActions
from qualframe.app.gui.coder_menu import fill_coder_menu
from qualframe.app.gui.coder_scope import CoderScope
from qualframe.app.gui.corpus import Corpus, Hit
from qualframe.app.gui.docks.code_detail import CodeDetailDock
from qualframe.app.gui.docks.codebook import CodebookDock
from qualframe.app.gui.docks.disagreements import DisagreementsDock
from qualframe.app.gui.docks.disputes import DisputesDock
from qualframe.app.gui.docks.memos import MemoDock
from qualframe.app.gui.docks.navigator import NavigatorDock
from qualframe.app.gui.docks.retrieval import RetrievalDock
from qualframe.app.gui.docks.undo_history import UndoHistoryDock
from qualframe.app.gui.document_actions import DocumentActions
from qualframe.app.gui.document_page import DocumentPage
from qualframe.app.gui.document_view import DocumentView
from qualframe.app.gui.live import LiveUpdates
from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.app.gui.models.documents_model import DocumentsModel
from qualframe.app.gui.search import ProjectSearchDock
from qualframe.app.gui.settings import Settings
from qualframe.app.gui.shell import audit_parts
from qualframe.app.gui.shell.docks import build_docks
from qualframe.app.gui.shell.export_menu import fill_export_menu
from qualframe.app.gui.shell.menus import build_menus
from qualframe.app.gui.shell.research_menus import install_research_menus
from qualframe.app.gui.undo import UndoHistory
from qualframe.app.gui.views.agreement_view import AgreementView
from qualframe.app.gui.views.classification import ClassificationView
from qualframe.app.gui.views.log_view import LogView
from qualframe.app.gui.views.matrix import MatrixView
from qualframe.app.gui.views.review_view import ReviewWorkspace
from qualframe.app.gui.views.survey_view import SurveyView
from qualframe.app.gui.workbench import Selection
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import SegmentRecord

MIN_CENTRE_WIDTH = 570  # the document tab (text, stripes, scroll bar) never gets less


class MainWindow(QMainWindow):
    # the docks, built and placed by shell.docks.build_docks
    codebook: CodebookDock
    navigator: NavigatorDock
    detail: CodeDetailDock
    retrieval: RetrievalDock
    disagreements: DisagreementsDock
    search: ProjectSearchDock
    history: UndoHistoryDock
    memos: MemoDock
    bottom_docks: list[QDockWidget]  # the docks below the document, which step aside
    changed = Signal(object)  # coding Change
    selectionChanged = Signal(object)  # workbench Selection
    openRequested = Signal(object)  # Path | None (None: ask)
    newRequested = Signal()
    reviewRequested = Signal(object)  # Path | None: open a project for review (ask the name)
    # the auditors' half (shell/audit_parts.py)
    disputes: DisputesDock
    log_view: LogView
    review_view: ReviewWorkspace | None

    def __init__(
        self,
        project: Project,
        settings: Settings | None = None,
        parent: QWidget | None = None,
        *,
        restore_layout: bool = True,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.settings = settings or Settings()
        self.corpus = Corpus(project)
        self.last_report = ""
        # Why a read-only project is read-only (the launcher knows: asked for, or in use).
        self.read_only_reason = "it was opened read-only"
        self._told_read_only = False
        self._code_guid: str | None = None
        self._segment_guid: str | None = None
        self.undo = UndoHistory(project, self.changed.emit, self.report, self)
        self.undo_action, self.redo_action = self.undo.undo_action, self.undo.redo_action
        self.setObjectName("main_window")
        self.setDockNestingEnabled(True)
        self.setAcceptDrops(not project.read_only)
        ro = " (read-only)" if project.read_only else ""
        self.setWindowTitle(f"{project.name}{ro} — Qualframe")
        # the models several parts show
        self.coder_scope = CoderScope(project, self.settings, self)  # whose segments show
        self.codes = CodebookModel(project, self)
        self.documents = DocumentsModel(project, self)
        self._build_centre()
        # The document page hears of a change first: it paints the highlight before the docks
        # (retrieval list, counts) take their turn on the same change.
        self.changed.connect(self.page.on_change)
        self._build_docks()
        self.coding = CodingActions(self, self.view, self.codes, self.settings, self)
        self.codes.applyRequested.connect(self.coding.apply_code)  # a selection dropped on a code
        self.document_actions = DocumentActions(self, self.documents, self._current_range, self,
                                                scope=self.coder_scope)  # fmt: skip
        self.navigator.menu_provider = self.document_actions.fill_context_menu
        self._add_edit_text_to_view_menu()
        self.document_actions.memoRequested.connect(lambda g: self.memos.new_memo("document", g))
        self.export_menu = build_menus(self)
        self.matrix_view = MatrixView(project, self, defer=True, scope=self.coder_scope)
        self.add_view("Theme matrix", self.matrix_view)
        self.survey_view = SurveyView(self, self, defer=True, scope=self.coder_scope)
        self.add_view("Survey", self.survey_view)
        self.agreement_view = AgreementView(self, self.coder_scope, defer=True)
        self.add_view("Agreement", self.agreement_view)
        self.participants_view = ClassificationView(self, self, scope=self.coder_scope)
        self.add_view("Participants", self.participants_view)
        fill_export_menu(
            self.export_menu, self, project, self.report, self.tabs.setCurrentWidget,
            self.matrix_view, self.survey_view, self.coder_scope,
        )  # fmt: skip
        install_research_menus(self, self.export_menu)
        exchange_actions.install(self, self.export_menu)  # REFI-QDA .qdpx / .qdc
        self._build_status_bar(ro)
        audit_parts.install(self)  # Disputes, Log, the review workspace in review mode
        self.coder_scope.changed.connect(self._apply_coder_scope)
        self._apply_coder_scope()
        self.live: LiveUpdates | None = None
        if project.on_server:  # other coders' changes arrive here (app.gui.live)
            self.live = LiveUpdates(project, self.changed.emit, self.statusBar(), self.report, self)
        # a change the server connection took with it: named, offered again (app.gui.unsaved)
        self.unsaved = unsaved.install(self, self.live, self.undo, self)
        # Read every text for project-wide search on a background thread soon after the window
        # opens, so that the first search finds them in memory.
        QTimer.singleShot(200, self._warm_corpus)
        self.resize(1440, 900)
        self._layout_pending = True
        if restore_layout:
            self._restore_layout()

    def _build_centre(self) -> None:
        self.page = DocumentPage(self, self.corpus, self.codes, self.documents, self.settings)
        self.view, self.find_bar, self.doc_title = (
            self.page.view,
            self.page.find_bar,
            self.page.title,
        )
        self.view.segmentActivated.connect(self._segment_clicked)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # The docks give way before the reading column does (a layout saved in a wide window
        # and restored in a narrow one would otherwise leave the text a thin strip).
        self.tabs.setMinimumWidth(MIN_CENTRE_WIDTH)
        self.tabs.addTab(self.page, "Document")
        # Texts held for search and context are dropped when one changes (an edit, a deleted
        # or restored document), before any view reads them again.
        self.changed.connect(self._forget_texts)
        self._pending_changes: dict[QWidget, Change] = {}
        self._docks_set_aside: list[QWidget] = []
        self.tabs.currentChanged.connect(self._deliver_pending)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)

    def _build_docks(self) -> None:
        build_docks(self)

    def _build_status_bar(self, read_only: str) -> None:
        self.code_label = QLabel("")
        self.statusBar().addPermanentWidget(self.code_label)
        self.changed.connect(self._code_edited)
        coder = QLabel(
            f"Coder: <b>{self.project.coder}</b>" + (" · <b>read-only</b>" if read_only else "")
        )
        self.scope_label = QLabel("")
        self.scope_label.setStyleSheet("color:#8A3B00; font-weight:bold")
        self.statusBar().addPermanentWidget(self.scope_label)
        self.statusBar().addPermanentWidget(coder)
        self.statusBar().showMessage("Every change is saved at once.", 5000)

    def docks(self) -> list[QDockWidget]:
        return [self.navigator, self.codebook, self.detail, self.retrieval, self.search,
                self.history, self.memos, self.disagreements]  # fmt: skip

    # -- several coders ----------------------------------------------------------------------
    def _apply_coder_scope(self) -> None:
        """Show the coders the scope allows (highlights, stripes, counts; the retrieval list
        listens itself) and say so in the status bar while it is not everyone."""
        visible = self.coder_scope.visible()
        self.view.coder_filter = visible
        self.page.sync.reload()
        self.page.update_title()
        self.codes.set_coders(visible)
        self.documents.set_coders(visible)
        self.scope_label.setText(self.coder_scope.describe())

    def fill_coders_menu(self, menu: QMenu) -> None:
        fill_coder_menu(menu, self.coder_scope, self, self)

    def merge_project(self, path: Path | None = None) -> bool:
        from qualframe.app.gui.dialogs.merge_dialog import ask_merge

        if self.project.read_only:
            self.report("This project is open read-only; nothing can be merged into it.")
            return False
        return ask_merge(self, self, path, scope=self.coder_scope)

    # -- the Workbench protocol --------------------------------------------------------------
    def push(self, command: Command, long_title: str | None = None) -> bool:
        """Run an undoable command; False (and a message) when it was refused. Give
        ``long_title`` for work that may take a while (it then runs off the GUI thread)."""
        if self.project.read_only:
            self.refuse_read_only()
            return False
        return self.undo.push(command, long_title=long_title, parent=self) is not None

    def report(self, message: str) -> None:
        """Tell the user about a refused operation (one sentence), without blocking."""
        self.statusBar().showMessage(message, 10000)
        self.last_report = message
        if self.isVisible():
            box = QMessageBox(QMessageBox.Icon.Warning, "Qualframe", message, parent=self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    def refuse_read_only(self) -> None:
        """Say why nothing can be changed: a box the first time, the status bar after."""
        message = (
            f"This project is open read-only because {self.read_only_reason}; nothing can be "
            "changed (reopen it from File → Open recent when it is free)."
        )
        if self._told_read_only:
            self.hint(message)
        else:
            self._told_read_only = True
            self.report(message)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A key for a change (Q, Ctrl+Return, Del, …) that reaches the window because its
        action is disabled in a read-only project is answered, not ignored."""
        if self.project.read_only and self._write_key(event):
            event.accept()
            self.refuse_read_only()
            return
        super().keyPressEvent(event)

    def _write_key(self, event: QKeyEvent) -> bool:
        pressed = QKeySequence(event.keyCombination())
        actions = [*self.coding.writing, self.codebook.a_new, self.codebook.a_new_child,
                   self.codebook.a_rename, self.codebook.a_delete]  # fmt: skip
        return any(
            not a.isEnabled() and s.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
            for a in actions
            for s in a.shortcuts()
        )

    def hint(self, message: str) -> None:
        """A gentle note in the status bar (nothing went wrong)."""
        self.statusBar().showMessage(message, 8000)
        self.last_report = message

    def selection(self) -> Selection:
        code = self.codes.by_guid.get(self._code_guid) if self._code_guid else None
        return Selection(self.view.document_guid, code, self._segment_guid)

    def _announce_selection(self) -> None:
        self.selectionChanged.emit(self.selection())

    # -- tabs ----------------------------------------------------------------------------------
    def add_view(self, title: str, widget: QWidget) -> None:
        """Add a tab next to the document view; widgets with ``on_change`` get changes.

        A view that is not the current tab does not recompute on every change while the
        analyst codes: its changes are merged and delivered when the tab is shown.
        """
        # Ignored: a wide table in another tab must not widen the centre and squeeze the docks.
        widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.tabs.addTab(widget, title)
        on_change = getattr(widget, "on_change", None)
        if not callable(on_change):
            return

        def deliver(change: Change) -> None:
            if self.tabs.currentWidget() is widget:
                on_change(change)
            else:
                pending = self._pending_changes.get(widget)
                self._pending_changes[widget] = pending.merged(change) if pending else change

        self.changed.connect(deliver)

    def _tab_changed(self, index: int) -> None:
        """The analysis tabs (matrix, survey) have their own drill-down lists: while one is
        shown, the bottom docks step aside to give the table the height, and come back (as
        they were) with the Document tab."""
        bottom = self.bottom_docks
        if index == 0:
            for dock in self._docks_set_aside:
                dock.show()
            self._docks_set_aside = []
        elif not self._docks_set_aside:
            self._docks_set_aside = [d for d in bottom if d.isVisible()]
            for dock in self._docks_set_aside:
                dock.hide()

    def _deliver_pending(self, _index: int) -> None:
        widget = self.tabs.currentWidget()
        change = self._pending_changes.pop(widget, None)
        if change is not None:
            widget.on_change(change)  # type: ignore[attr-defined]

    def _warm_corpus(self) -> None:
        if self.isVisible():
            self.corpus.preload()

    # -- navigation ------------------------------------------------------------------------
    def open_document(self, guid: str) -> bool:
        if guid not in self.documents.by_guid:
            self.report("That document no longer exists.")
            return False
        self.tabs.setCurrentIndex(0)
        if guid != self.view.document_guid:
            self.page.open(guid)
            self._segment_guid = None
        self._announce_selection()
        return True

    def select_code(self, guid: str | None) -> None:
        self.codebook.select(guid)

    def apply_code(self, code_guid: str, document_guid: str, start: int, end: int) -> bool:
        return self.coding.apply_code(code_guid, document_guid, start, end)

    def jump_to_segment(self, seg: SegmentRecord) -> None:
        if self.view.document_guid != seg.document_guid:
            self.open_document(seg.document_guid)
        self.view.select_segment(seg.guid)
        self.view.setFocus()

    def _jump_to_memo_segment(self, document_guid: str, segment_guid: str) -> None:
        if self.open_document(document_guid):
            self.view.select_segment(segment_guid)

    def _current_range(self) -> tuple[str, int, int] | None:
        """The document on show and its selection (start == end: the cursor)."""
        guid = self.view.document_guid
        if guid is None:
            return None
        rng = self.view.selected_range()
        if rng is None:
            pos = self.view.cursor_cp()
            return guid, pos, pos
        return guid, rng[0], rng[1]

    def _add_edit_text_to_view_menu(self) -> None:
        """The document view's context menu ends with Edit text… (after the coding actions)."""
        coding_menu = self.view.menu_provider

        def fill(view: DocumentView, menu: QMenu, cp: int) -> None:
            if coding_menu is not None:
                coding_menu(view, menu, cp)
            menu.addSeparator()
            menu.addAction(self.document_actions.a_edit_text)

        self.view.menu_provider = fill

    def _forget_texts(self, change: Change) -> None:
        if change.texts or change.documents_removed or change.document_list:
            self.corpus.invalidate()

    def jump_to_hit(self, hit: Hit) -> None:
        if self.view.document_guid != hit.document_guid:
            self.open_document(hit.document_guid)
        self.view.select_range(hit.start, hit.end)

    def _segment_clicked(self, guid: str) -> None:
        index = self.view.index
        if index is not None and guid in index.by_guid:
            h = index.by_guid[guid]
            self.statusBar().showMessage(f"Segment: {h.code_path} — coded by {h.coder}", 6000)
        self._segment_guid = guid
        self._announce_selection()

    def _code_selected(self, guid: str | None) -> None:
        self._code_guid = guid
        self._show_current_code()
        self._announce_selection()

    def _show_current_code(self) -> None:
        rec = self.codes.by_guid.get(self._code_guid) if self._code_guid else None
        self.code_label.setText(f"Current code: <b>{html.escape(rec.name)}</b>" if rec else "")

    def _code_edited(self, change: Change) -> None:
        """A rename or recolour of the current code: the status bar and the parts that show
        the selection name it anew (nothing else changed)."""
        if self._code_guid is not None and self._code_guid in change.codes:
            self._show_current_code()
            self._announce_selection()

    # -- import ----------------------------------------------------------------------------
    def import_files(self, paths: list[Path] | None = None) -> None:
        if self.project.read_only:
            self.refuse_read_only()
            return
        from qualframe.app.gui.dialogs.import_dialog import run_import

        if paths and exchange_actions.handles(paths):  # REFI-QDA .qdpx / .qdc
            exchange_actions.import_files(self, paths)
            return
        change = run_import(self, self.project, paths or [])
        if change is not None:
            self.corpus.invalidate()
            self.changed.emit(change)
            self._tell_imported(change)

    def _tell_imported(self, change: Change) -> None:
        by_guid = self.documents.by_guid
        new = [g for g in by_guid if g in change.documents]
        if not new:
            return
        from qualframe.app.gui.dialogs.written import tell_imported

        first = new[0]
        tell_imported(
            self, [by_guid[g].name for g in new], self.project.path,
            lambda: self.open_document(first),
        )  # fmt: skip

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    def ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open project", str(self.project.path.parent if self.project.path else ""),
            "Qualframe projects (*.qualframe);;All files (*)",
        )  # fmt: skip
        if path:
            self.openRequested.emit(Path(path))

    # -- layout and closing --------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None and self.restoreState(state):
            self._layout_pending = False

    def default_layout(self) -> None:
        """Dock sizes proportional to the window (used until the user arranges them)."""
        w, h = max(self.width(), 1000), max(self.height(), 640)
        # Narrow windows give the side docks a smaller share: the reading column comes first.
        left, right = (0.2, 0.24) if w >= 1280 else (0.17, 0.22)
        self.resizeDocks(
            [self.navigator, self.codebook], [int(w * left), int(w * right)],
            Qt.Orientation.Horizontal,
        )  # fmt: skip
        self.resizeDocks(
            [self.codebook, self.detail], [int(h * 0.55), int(h * 0.35)], Qt.Orientation.Vertical
        )
        self.resizeDocks([self.retrieval], [int(h * 0.30)], Qt.Orientation.Vertical)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._layout_pending:
            self._layout_pending = False
            self.default_layout()

    def save_session(self) -> None:
        if self.tabs.currentIndex() != 0:  # the saved layout has the docks as the user set them
            self.tabs.setCurrentIndex(0)
        self.detail.save()
        self.page.remember_position()
        self.settings.set_window_state(self.saveGeometry(), self.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.live is not None:
            self.live.stop()
        self.save_session()
        super().closeEvent(event)
