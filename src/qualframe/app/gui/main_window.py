"""The coding workbench window: composes the docks, the document view and the actions.

Every change goes through :meth:`MainWindow.push` (an undoable ``coding`` command, committed
at once) and is announced by the one ``changed`` signal carrying its ``Change``; each dock
and the document view decide for themselves what to refresh.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui import exchange_actions
from qualframe.app.gui.actions import CodingActions
from qualframe.app.gui.corpus import Corpus, Hit
from qualframe.app.gui.docks.code_detail import CodeDetailDock
from qualframe.app.gui.docks.codebook import CodebookDock
from qualframe.app.gui.docks.navigator import NavigatorDock
from qualframe.app.gui.docks.retrieval import RetrievalDock
from qualframe.app.gui.document_view import DocumentView
from qualframe.app.gui.export_menu import fill_export_menu
from qualframe.app.gui.menus import build_menus
from qualframe.app.gui.search import FindBar, ProjectSearchDock
from qualframe.app.gui.settings import Settings
from qualframe.app.gui.undo import UndoController
from qualframe.app.gui.view_sync import ViewSync
from qualframe.app.gui.views.matrix_view import MatrixView
from qualframe.app.gui.views.survey_view import SurveyView
from qualframe.coding import commands
from qualframe.coding.core.changes import Change
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import SegmentRecord


class MainWindow(QMainWindow):
    changed = Signal(object)  # coding.changes.Change
    openRequested = Signal(object)  # Path | None (None: ask)
    newRequested = Signal()

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
        self.undo = UndoController(project, self.changed.emit, self.report)
        self.setObjectName("main_window")
        self.setDockNestingEnabled(True)
        self.setAcceptDrops(not project.read_only)
        ro = " (read-only)" if project.read_only else ""
        self.setWindowTitle(f"{project.name}{ro} — Qualframe")

        # centre: document view (+ views added by others)
        self.view = DocumentView(project)
        self.find_bar = FindBar(self.view, self.corpus)
        self.doc_title = QLabel("")
        self.doc_title.setTextFormat(Qt.TextFormat.RichText)
        self.doc_title.setContentsMargins(8, 4, 8, 2)
        self.doc_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.doc_title)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.find_bar)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(page, "Document")
        self._pending_changes: dict[QWidget, Change] = {}
        self._docks_set_aside: list[QWidget] = []
        self.tabs.currentChanged.connect(self._deliver_pending)
        self.setCentralWidget(self.tabs)

        # docks
        self.navigator = NavigatorDock(project, self, report=self.report)
        self.codebook = CodebookDock(project, self)
        self.detail = CodeDetailDock(project, self)
        self.retrieval = RetrievalDock(project, self.corpus, self)
        self.search = ProjectSearchDock(self.corpus, self)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.navigator)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.codebook)
        self.splitDockWidget(self.codebook, self.detail, Qt.Orientation.Vertical)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.retrieval)
        self.tabifyDockWidget(self.retrieval, self.search)
        self.retrieval.raise_()
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self._layout_pending = True
        self._pending_scroll: int | None = None

        # wiring: every dock and the view listen to the one signal
        self.sync = ViewSync(self)
        # The document view first: it paints the highlight before the docks update.
        self.changed.connect(self.sync.on_change)
        self.changed.connect(self.codebook.on_change)
        self.changed.connect(self.navigator.on_change)
        self.changed.connect(self.detail.on_change)
        self.changed.connect(self.retrieval.on_change)
        self.changed.connect(self.search.on_change)
        self.changed.connect(self._participants_changed)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.navigator.documentActivated.connect(lambda guid, _name: self.open_document(guid))
        self.navigator.participantsEdited.connect(
            lambda: self.changed.emit(Change("set_attribute", participants=True))
        )
        self.codebook.codeSelected.connect(self._code_selected)
        self.codebook.model.modelReset.connect(self._counts_changed)
        self.codebook.model.dataChanged.connect(self._counts_changed)
        self.retrieval.segmentActivated.connect(self.jump_to_segment)
        self.search.hitActivated.connect(self.jump_to_hit)
        self.view.segmentActivated.connect(self._segment_clicked)

        self.coding = CodingActions(self)
        self.export_menu = build_menus(self)
        self.matrix_view = MatrixView(project, self, defer=True)
        self.add_view("Theme matrix", self.matrix_view)
        self.survey_view = SurveyView(project, self, defer=True)
        self.add_view("Survey", self.survey_view)
        fill_export_menu(self, self.export_menu)
        exchange_actions.install(self, self.export_menu)  # REFI-QDA .qdpx / .qdc
        self.code_label = QLabel("")
        self.statusBar().addPermanentWidget(self.code_label)
        coder = QLabel(f"Coder: <b>{project.coder}</b>" + (" · <b>read-only</b>" if ro else ""))
        self.statusBar().addPermanentWidget(coder)
        self.statusBar().showMessage("Every change is saved at once.", 5000)
        # Read every text for project-wide search once the window is idle, so that the first
        # search does not wait for it.
        QTimer.singleShot(1500, self._warm_corpus)
        self.resize(1440, 900)
        if restore_layout:
            self._restore_layout()

    # -- public API ------------------------------------------------------------------------
    def push(self, command: commands.Command, long_title: str | None = None) -> bool:
        """Run an undoable command; False (and a message) when it was refused. Give
        ``long_title`` for work that may take a while (it then runs off the GUI thread)."""
        if self.project.read_only:
            self.report("This project is open read-only; nothing can be changed.")
            return False
        return self.undo.push(command, long_title=long_title, parent=self) is not None

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
        bottom = (self.retrieval, self.search)
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
            self.corpus.load()

    def open_document(self, guid: str) -> bool:
        rec = self.navigator.documents.by_guid.get(guid)
        if rec is None:
            self.report("That document no longer exists.")
            return False
        if guid == self.view.document_guid:
            self.tabs.setCurrentIndex(0)
            return True
        self._remember_position()
        self.tabs.setCurrentIndex(0)
        self.view.load(guid, rec.name)
        self.navigator.select_document(guid)
        pos = self.settings.document_position(self.project.path, guid)
        self._pending_scroll = None
        if pos and self.isVisible():
            self.view.scroll_to(min(pos, rec.length))
        elif pos:  # lines wrap differently until the window has its size: scroll once shown
            self._pending_scroll = min(pos, rec.length)
        self.settings.set_last_document(self.project.path, guid)
        self._update_doc_title()
        if self.find_bar.isVisible() and self.find_bar.edit.text():
            self.find_bar.search(self.find_bar.edit.text())
        return True

    def select_code(self, guid: str | None) -> None:
        self.codebook.select(guid)

    def apply_code(self, code_guid: str, document_guid: str, start: int, end: int) -> bool:
        ok = self.push(commands.ApplyCode(document_guid, start, end, code_guid))
        if ok:
            self.coding.remember(code_guid)
        return ok

    def report(self, message: str) -> None:
        """Tell the user about a refused operation (one sentence), without blocking."""
        self.statusBar().showMessage(message, 10000)
        self.last_report = message
        if self.isVisible():
            box = QMessageBox(QMessageBox.Icon.Warning, "Qualframe", message, parent=self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    def hint(self, message: str) -> None:
        """A gentle note in the status bar (nothing went wrong)."""
        self.statusBar().showMessage(message, 8000)
        self.last_report = message

    # -- navigation ----------------------------------------------------------------------
    def jump_to_segment(self, seg: SegmentRecord) -> None:
        if self.view.document_guid != seg.document_guid:
            self._remember_position()
            self.open_document(seg.document_guid)
        self.view.select_segment(seg.guid)
        self.view.setFocus()

    def jump_to_hit(self, hit: Hit) -> None:
        if self.view.document_guid != hit.document_guid:
            self.open_document(hit.document_guid)
        self.view.select_range(hit.start, hit.end)

    def _segment_clicked(self, guid: str) -> None:
        index = self.view.index
        if index is not None and guid in index.by_guid:
            h = index.by_guid[guid]
            self.statusBar().showMessage(f"Segment: {h.code_path} — coded by {h.coder}", 6000)

    def _code_selected(self, guid: str | None) -> None:
        rec = self.codebook.model.by_guid.get(guid) if guid else None
        self.detail.show_code(rec, self.codebook.model.counts.get(guid) if guid else None)
        self.retrieval.set_code(guid, rec.path_text if rec else "", rec.color if rec else "")
        self.code_label.setText(f"Current code: <b>{rec.name}</b>" if rec else "")

    def _counts_changed(self, *_: object) -> None:
        rec = self.codebook.current()
        if rec is not None and self.detail.record is not None:
            segs, people = self.codebook.model.counts.get(rec.guid, (0, 0))
            self.detail.counts.setText(f"{segs} coded segments · {people} participants")
        self._update_doc_title()

    def _participants_changed(self, change: Change) -> None:
        if change.participants:
            self._update_doc_title()  # the groups of the open document

    def _update_doc_title(self) -> None:
        guid = self.view.document_guid
        rec = self.navigator.documents.by_guid.get(guid) if guid else None
        if rec is None:
            self.doc_title.setText("")
            return
        n = len(self.view.index) if self.view.index is not None else 0
        groups = f" · {', '.join(rec.groups)}" if rec.groups else ""
        words = self.view.words
        self.doc_title.setText(
            f"<b style='font-size:14px'>{rec.name}</b>"
            f"<span style='color:#667'>{groups} · {words:,} words · {n} coded segments</span>"
        )

    # -- import (another module) ------------------------------------------------------------
    def import_files(self, paths: list[Path] | None = None) -> None:
        if self.project.read_only:
            self.report("This project is open read-only; nothing can be imported.")
            return
        from qualframe.app.gui.dialogs.import_dialog import run_import

        if paths and exchange_actions.handles(paths):  # REFI-QDA .qdpx / .qdc
            exchange_actions.import_files(self, paths)
            return
        change = run_import(self, self.project, paths or [])
        if change is not None:
            self.corpus.invalidate()
            self.changed.emit(change)

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

    # -- project files -------------------------------------------------------------------
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
        side = int(w * 0.2)
        self.resizeDocks(
            [self.navigator, self.codebook], [side, int(w * 0.24)], Qt.Orientation.Horizontal
        )
        self.resizeDocks(
            [self.codebook, self.detail], [int(h * 0.55), int(h * 0.35)], Qt.Orientation.Vertical
        )
        self.resizeDocks([self.retrieval], [int(h * 0.30)], Qt.Orientation.Vertical)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._layout_pending:
            self._layout_pending = False
            self.default_layout()
        if self._pending_scroll is not None:
            QTimer.singleShot(0, self._scroll_when_shown)

    def _scroll_when_shown(self) -> None:
        if self._pending_scroll is not None and self.view.document_guid:
            self.view.scroll_to(self._pending_scroll)
        self._pending_scroll = None

    def _remember_position(self) -> None:
        if self.view.document_guid:
            top = self._pending_scroll  # not shown yet: the place it was going to show
            self.settings.set_document_position(
                self.project.path,
                self.view.document_guid,
                top if top is not None else self.view.top_position(),
            )

    def save_session(self) -> None:
        if self.tabs.currentIndex() != 0:  # the saved layout has the docks as the user set them
            self.tabs.setCurrentIndex(0)
        self.detail.save()
        self._remember_position()
        self.settings.set_window_state(self.saveGeometry(), self.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_session()
        super().closeEvent(event)


def shortcut_help() -> str:
    rows = [
        ("Ctrl+Return or Q", "apply the current code to the selection"),
        ("Ctrl+1 … Ctrl+9", "apply a recent code"),
        ("Ctrl+Shift+Return", "code as… (choose a code)"),
        ("Ctrl+Shift+N", "new code from the selection"),
        ("Ctrl+Backspace", "remove the code from the passage"),
        ("Ctrl+M / Ctrl+E", "memo / exemplar for the segment"),
        ("Ctrl+B", "set the segment's boundaries to the selection"),
        ("Ctrl+F / Ctrl+Shift+F", "find in document / search the project"),
        ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo"),
    ]
    body = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows)
    return f"<table cellspacing=6>{body}</table>"
