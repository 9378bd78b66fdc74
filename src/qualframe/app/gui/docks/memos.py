"""The memo browser: every memo of the project — the journal, project, document, code and
segment memos — listed by kind (filter, search, sort), each dated and signed; the editor
beside the list writes a new memo or changes the chosen one (every save is an undoable
command), "Go to" opens what a memo is about, and "Report…" writes them all to Word.

Edits are saved with Save (Ctrl+S) and, so that nothing typed is lost, when another memo is
chosen or a new one started."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.models.memo_model import EntryRole, MemoFilter, MemoListModel
from qualframe.app.gui.save_target import ask_save_path
from qualframe.app.gui.tasks import Progress, run_export
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.codebook.tree import code_tree
from qualframe.coding.commands import AddMemo, DeleteMemo, EditMemo, SetSegmentMemo
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.corpus.memo_entries import (
    KIND_LABELS,
    KIND_ORDER,
    STORED_KIND,
    MemoEntry,
    memo_entries,
)
from qualframe.coding.export.memo_report import signature, write_memo_report

NEW_KINDS = (
    ("journal", "Journal entry", "A dated entry in the project journal (reflexive memo)"),
    ("project", "Project memo", "A note on the project as a whole"),
    ("document", "Memo on this document", "A note on the document on show"),
    ("code", "Memo on this code", "A note on the code selected in the codebook"),
)


class MemoDock(QDockWidget):
    documentRequested = Signal(str)  # document GUID
    segmentRequested = Signal(str, str)  # document GUID, segment GUID

    def __init__(self, bench: Workbench, parent: QWidget | None = None) -> None:
        super().__init__("Memos", parent)
        self.setObjectName("memos")
        self.bench = bench
        self.project = bench.project
        self.model = MemoListModel(self)
        self.proxy = MemoFilter(self)
        self.proxy.setSourceModel(self.model)
        self.current: MemoEntry | None = None
        self.draft: tuple[str, str | None, str | None, str] | None = None  # kind, doc, code, about
        self._stale = True
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.reload)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._build_list())
        split.addWidget(self._build_editor())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.setWidget(split)
        self._show(None)
        bench.changed.connect(self.on_change)

    # -- building ---------------------------------------------------------------------------
    def _build_list(self) -> QWidget:
        self.kind = QComboBox()
        self.kind.addItem("All memos", None)
        for k in KIND_ORDER:
            self.kind.addItem(KIND_LABELS[k] + (" entries" if k == "journal" else " memos"), k)
        self.kind.setToolTip("Show the memos of one kind")
        self.kind.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.kind.setMinimumContentsLength(6)
        self.kind.currentIndexChanged.connect(
            lambda _i: self.proxy.set_kind(self.kind.currentData())
        )
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter memos…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance("Filter…") + 30)
        self.search.textChanged.connect(self.proxy.set_text)
        self._build_table()
        self._build_new_button()
        self.report_button = QToolButton()
        self.report_button.setText("Report…")
        self.report_button.setToolTip("Write every memo (or those of the kind shown) to Word")
        self.report_button.clicked.connect(self.choose_and_export)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.kind)
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.report_button)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(4, 2, 2, 2)
        lay.setSpacing(2)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        return box

    def _build_table(self) -> None:
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the report's order
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        date_width = metrics.horizontalAdvance("2026-12-31 23:59") + 14
        for col, width in ((0, 66), (2, 120), (3, 72), (4, date_width)):
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(lambda _i: self.go_to())

    def _build_new_button(self) -> None:
        self.new_button = QToolButton()
        self.new_button.setText("New")
        self.new_button.setToolTip("Write a new memo: a journal entry, or a memo on the project, "
                                   "the document on show or the selected code")  # fmt: skip
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.new_button)
        for kind, label, tip in NEW_KINDS:
            action = menu.addAction(label)
            action.setStatusTip(tip)
            action.triggered.connect(lambda _c=False, k=kind: self.new_memo(k))
        self.new_button.setMenu(menu)
        self.new_button.setEnabled(not self.project.read_only)

    def _build_editor(self) -> QWidget:
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.title = QLineEdit()
        self.title.setPlaceholderText("Title")
        self.body = QPlainTextEdit()
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.body.setPlaceholderText("Write the memo here.")
        self.body.setTabChangesFocus(True)
        self.save_button = QPushButton("Save")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.setToolTip("Save the memo (Ctrl+S); it is also saved when you choose "
                                    "another memo")  # fmt: skip
        self.save_button.clicked.connect(self.save)
        self.goto_button = QPushButton("Go to")
        self.goto_button.setToolTip("Open the document or passage the memo is about")
        self.goto_button.clicked.connect(self.go_to)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete)
        for w in (self.title, self.body):
            w.setReadOnly(self.project.read_only)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.goto_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(2, 2, 4, 2)
        lay.setSpacing(3)
        lay.addWidget(self.meta)
        lay.addWidget(self.title)
        lay.addWidget(self.body, 1)
        lay.addLayout(buttons)
        return box

    # -- the list ---------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def on_change(self, change: Change) -> None:
        if (
            change.memos
            or change.segments_changed
            or change.segments_removed
            or (change.document_list or change.codebook or change.codes or change.segments_added)
        ):
            self._stale = True
            if self.isVisible():
                self._timer.start()

    def reload(self) -> None:
        self._stale = False
        keep = self.current.key if self.current is not None else None
        self.model.set_rows(memo_entries(self.project))
        self.current = None
        if keep is not None and self.draft is None:
            self.select(keep)

    def select(self, key: str) -> bool:
        for row, e in enumerate(self.model.rows):
            if e.key == key:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                if not index.isValid():  # filtered out: show every memo
                    self.kind.setCurrentIndex(0)
                    self.search.clear()
                    index = self.proxy.mapFromSource(self.model.index(row, 0))
                flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                         | QItemSelectionModel.SelectionFlag.Rows)  # fmt: skip
                self.table.selectionModel().setCurrentIndex(index, flags)
                self.table.scrollTo(index)
                return True
        return False

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = current.data(EntryRole) if current.isValid() else None
        if entry is self.current:
            return
        # Saved now, listed again once this selection change is over (re-reading the list
        # inside the view's own signal would pull the rows from under it).
        self.save(quiet=True, refresh=False)
        self.draft = None
        self._show(entry)

    # -- the editor -------------------------------------------------------------------------
    def _show(self, entry: MemoEntry | None) -> None:
        self.current = entry
        writable = not self.project.read_only
        if entry is None and self.draft is None:
            self.meta.setText("Choose a memo to read it, or start a new one with New.")
            self.title.clear()
            self.body.clear()
        elif entry is not None:
            about = f" on {entry.about}" if entry.about else ""
            quote = f"\n“{' '.join(entry.quote.split())}”" if entry.quote else ""
            self.meta.setText(f"{entry.kind_label} memo{about} — {signature(entry)}{quote}")
            self.title.setText(entry.title)
            self.body.setPlainText(entry.text)
        has = entry is not None
        segment = entry is not None and entry.kind == "segment"
        self.title.setEnabled(self.draft is not None or (has and not segment))
        self.body.setEnabled(self.draft is not None or has)
        self.save_button.setEnabled(writable and (self.draft is not None or has))
        self.delete_button.setEnabled(writable and has)
        self.goto_button.setEnabled(entry is not None and entry.document_guid is not None)

    def new_memo(
        self, kind: str, document_guid: str | None = None, code_guid: str | None = None
    ) -> bool:
        """Start a new memo of ``kind`` (on the document or code given, else the one the
        workbench has selected); saved with Save. False when there is nothing to attach it to."""
        self.save(quiet=True, refresh=False)
        selection = self.bench.selection()
        about = ""
        if kind == "document":
            document_guid = document_guid or selection.document_guid
            if document_guid is None:
                self.bench.report("Open a document first to write a memo on it.")
                return False
            about = self._document_name(document_guid)
        elif kind == "code":
            if code_guid is None and selection.code is not None:
                code_guid = selection.code.guid
            if code_guid is None:
                self.bench.report("Select a code in the codebook first to write a memo on it.")
                return False
            about = next((c.path_text for c in code_tree(self.project) if c.guid == code_guid), "")
        self.show()
        self.raise_()
        self.table.setCurrentIndex(QModelIndex())  # (saves and leaves the memo shown)
        self.table.selectionModel().clearSelection()
        self.draft = (kind, document_guid, code_guid, about)
        self.current = None
        label = dict((k, lab) for k, lab, _t in NEW_KINDS)[kind]
        self.meta.setText(f"New {label[:1].lower()}{label[1:]}" + (f": {about}" if about else "")
                          + " — write it, then Save.")  # fmt: skip
        self.title.clear()
        self.body.clear()
        self._show(None)
        self.title.setFocus()
        return True

    def _document_name(self, guid: str) -> str:
        from qualframe.coding.corpus.documents import list_documents

        return next((d.name for d in list_documents(self.project) if d.guid == guid), "")

    def _pending(self) -> Command | None:
        """The command that would save what the editor holds (None: nothing to save)."""
        title, body = self.title.text().strip(), self.body.toPlainText()
        if self.draft is not None:
            kind, doc, code, _about = self.draft
            if not title and not body.strip():
                return None
            return AddMemo(title, body, kind=STORED_KIND[kind], document_guid=doc, code_guid=code)
        e = self.current
        if e is None:
            return None
        if e.kind == "segment":
            return SetSegmentMemo(e.key, body) if body != e.text else None
        if (title, body) == (e.title, e.text):
            return None
        return EditMemo(e.key, title, body)

    def save(self, quiet: bool = False, *, refresh: bool = True) -> bool:
        """Save the editor's memo; True when something was saved. ``refresh``: list the memos
        again at once (else when the change comes back, a moment later)."""
        if self.project.read_only:
            return False
        command = self._pending()
        if command is None:
            if not quiet and self.draft is not None:
                self.bench.report("A memo needs a title or some text.")
            return False
        key = self.current.key if self.current is not None else None
        if not self.bench.push(command):
            return False
        if isinstance(command, AddMemo):
            self.draft = None
            key = command.guid
        elif self.current is not None:  # what is stored now (nothing left to save)
            body = self.body.toPlainText()
            title = self.current.title if self.current.kind == "segment" else self.title.text()
            self.current = replace(self.current, title=title.strip(), text=body)
        if not refresh:
            return True
        self.reload()
        if key is not None:
            self.select(key)
        self.bench.hint("Memo saved.")
        return True

    def delete(self) -> None:
        e = self.current
        if e is None:
            return
        question = (
            "Remove the memo from this coded segment?"
            if e.kind == "segment"
            else f"Delete the {e.kind_label.lower()} memo “{e.heading}”?"
        )
        answer = QMessageBox.question(
            self, "Delete memo", question + " You can undo this.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        command = SetSegmentMemo(e.key, "") if e.kind == "segment" else DeleteMemo(e.key)
        self.current = None
        if self.bench.push(command):
            self.reload()
            self._show(None)

    def go_to(self) -> None:
        e = self.current
        if e is None or e.document_guid is None:
            return
        if e.kind == "segment":
            self.segmentRequested.emit(e.document_guid, e.key)
        else:
            self.documentRequested.emit(e.document_guid)

    # -- report -----------------------------------------------------------------------------
    def ask_report_path(self) -> Path | None:
        base = Path(self.project.path or Path.home() / "project")
        start = str(base.with_name(f"{base.stem}-memos.docx"))
        name, _ = ask_save_path(self, "Memo report", start, "Word document (*.docx)")
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == ".docx" else path.with_name(path.name + ".docx")

    def choose_and_export(self) -> bool:
        path = self.ask_report_path()
        return path is not None and self.export_report(path)

    def export_report(self, path: Path) -> bool:
        """Write the memos of the kind shown (all when "All memos") to ``path``."""
        self.save(quiet=True)
        kind = self.kind.currentData()
        written: list[int] = []

        def work(progress: Progress) -> None:
            progress(0, 1, path.name)
            written.append(write_memo_report(self.project, path, kinds=[kind] if kind else None))
            progress(1, 1, path.name)

        if not run_export(self, "Writing the memo report", work):
            return False
        n = written[0]
        self.bench.hint(f"Wrote {path.name} ({n} memo{'s' if n != 1 else ''}) in {path.parent}.")
        return True
