"""Search: a find bar for the open document (Ctrl+F) and a project-wide search dock
(Ctrl+Shift+F) listing hits in keyword-in-context form, with "Code all hits", which can
extend each hit to its whole word (the default), sentence, or speaker turn / survey answer
(NVivo's "spread coding"). Whole-word matching and the extent are remembered."""

from __future__ import annotations

import time
from functools import partial

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.corpus import Corpus, Hit, find_all
from qualframe.app.gui.document_view import DocumentView
from qualframe.app.gui.models.search_model import SearchModel
from qualframe.app.gui.settings import Settings
from qualframe.app.gui.workbench import Workbench
from qualframe.coding import commands
from qualframe.coding.core.changes import Change
from qualframe.coding.corpus.documents import document_turns
from qualframe.coding.corpus.spans import TurnIndex, spread

#: How far "Code all hits" extends each hit before coding it (settings value, label).
EXTENTS = (
    ("word", "whole word"),
    ("sentence", "sentence"),
    ("turn", "speaker turn / answer"),
    ("match", "matched text only"),
)

MAX_MARKED = 2000


class FindBar(QWidget):
    """Find in the open document; all hits are outlined, Enter goes to the next one."""

    def __init__(self, view: DocumentView, corpus: Corpus, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        self.corpus = corpus
        self.hits: list[Hit] = []
        self.current = -1
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Find in document…")
        self.edit.setClearButtonEnabled(True)
        self.edit.textChanged.connect(self.search)
        self.edit.returnPressed.connect(self.next)
        self.case = QCheckBox("Match case")
        self.case.toggled.connect(lambda: self.search(self.edit.text()))
        self.count = QLabel("")
        prev_btn = _tool_button("▲", "Previous (Shift+F3)")
        next_btn = _tool_button("▼", "Next (F3)")
        close = _tool_button("✕", "Close (Esc)")
        prev_btn.clicked.connect(self.previous)
        next_btn.clicked.connect(self.next)
        close.clicked.connect(self.close_bar)
        QShortcut(
            QKeySequence("Esc"),
            self,
            self.close_bar,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        QShortcut(
            QKeySequence("Shift+Return"),
            self.edit,
            self.previous,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        lay.addWidget(QLabel("Find:"))
        lay.addWidget(self.edit, 1)
        lay.addWidget(prev_btn)
        lay.addWidget(next_btn)
        lay.addWidget(self.case)
        lay.addWidget(self.count)
        lay.addWidget(close)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        selected = self.view.textCursor().selectedText()
        if selected and "\u2029" not in selected and len(selected) < 80:
            self.edit.setText(selected)
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.view.setExtraSelections([])
        self.view.setFocus()

    def search(self, text: str) -> None:
        guid = self.view.document_guid
        if not guid or not text:
            self.hits, self.current = [], -1
            self.view.setExtraSelections([])
            self.count.setText("")
            return
        name = self.view.document_name
        self.hits = [
            Hit(guid, name, a, b) for a, b in find_all(self.view.text, text, self.case.isChecked())
        ]
        self._mark()
        self.current = -1
        self.next()

    def _mark(self) -> None:
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(255, 235, 59, 110))
        fmt.setProperty(QTextCharFormat.Property.OutlinePen, QColor("#F57F17"))
        fmt.setFontUnderline(True)
        fmt.setUnderlineColor(QColor("#E65100"))
        marks = []
        for hit in self.hits[:MAX_MARKED]:
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.view.document())
            a, b = self.view.offsets.range_to_qt(hit.start, hit.end)
            cursor.setPosition(a)
            cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor  # type: ignore[attr-defined]
            sel.format = fmt  # type: ignore[attr-defined]
            marks.append(sel)
        self.view.setExtraSelections(marks)

    def _go(self, step: int) -> None:
        if not self.hits:
            self.count.setText("no matches" if self.edit.text() else "")
            return
        self.current = (self.current + step) % len(self.hits)
        hit = self.hits[self.current]
        self.view.select_range(hit.start, hit.end)
        self.count.setText(f"{self.current + 1} of {len(self.hits)}")

    def next(self) -> None:
        self._go(1)

    def previous(self) -> None:
        self._go(-1)


class ProjectSearchDock(QDockWidget):
    hitActivated = Signal(object)  # Hit

    def __init__(
        self,
        bench: Workbench,
        corpus: Corpus,
        parent: QWidget | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__("Search project", parent)
        self.setObjectName("project_search")
        self.corpus = corpus
        self.bench = bench
        bench.changed.connect(self.on_change)
        self.model = SearchModel(corpus, self)
        self.truncated = False
        self.last_ms = 0.0
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Search all documents… (Enter)")
        self.edit.setClearButtonEnabled(True)
        self.edit.returnPressed.connect(self.run)
        self.case = QCheckBox("Match case")
        self._build_options(settings)
        self.status = QLabel("")
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.code_all = QPushButton("Code all hits…")
        self.code_all.setToolTip("Apply the code selected in the codebook to every hit")
        self.code_all.setEnabled(False)
        self.code_all.clicked.connect(self.code_all_hits)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (arrows move in it)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.resizeSection(0, 150)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 120)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideLeft)
        self.table.doubleClicked.connect(self._activate)
        self.table.activated.connect(self._activate)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.edit, 1)
        bar.addWidget(self.case)
        bar.addWidget(self.words)
        bar.addWidget(self.extent)
        bar.addWidget(self.code_all)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(2)
        lay.addLayout(bar)
        lay.addWidget(self.status)
        lay.addWidget(self.table)
        self.setWidget(body)

    def _build_options(self, settings: Settings | None) -> None:
        """Whole words, and how far Code all hits extends each hit; both remembered."""
        self.words = QCheckBox("Whole words")
        self.words.setToolTip("Match whole words only (remembered)")
        self.extent = QComboBox()
        self.extent.setToolTip(
            "Code all hits codes each hit extended to this unit (NVivo's spread coding)"
        )
        for key, label in EXTENTS:
            self.extent.addItem(f"Code: {label}", key)
        if settings is not None:
            self.words.setChecked(settings.flag("search_whole_words", False))
            i = self.extent.findData(settings.option("search_extent", "word"))
            self.extent.setCurrentIndex(max(i, 0))
            self.words.toggled.connect(partial(settings.set_flag, "search_whole_words"))
            self.extent.currentIndexChanged.connect(
                lambda _i: settings.set_option("search_extent", str(self.extent.currentData()))
            )

    def focus_search(self, selected: str = "") -> None:
        """Show the dock with the cursor in the search box, offering ``selected`` (the
        document's selected text) as the query when it is short and on one line."""
        self.show()
        self.raise_()
        if selected and "\u2029" not in selected and len(selected) < 80:
            self.edit.setText(selected)
        self.edit.setFocus()
        self.edit.selectAll()

    def run(self, text: str | None = None) -> list[Hit]:
        query = self.edit.text() if text is None else text
        if text is not None:
            self.edit.setText(text)
        t0 = time.perf_counter()
        hits, self.truncated = self.corpus.search(
            query, case_sensitive=self.case.isChecked(), whole_words=self.words.isChecked()
        )
        self.model.set_rows(hits)
        self.last_ms = (time.perf_counter() - t0) * 1000
        docs = len({h.document_guid for h in hits})
        more = " (first hits only)" if self.truncated else ""
        self.status.setText(
            f"{len(hits):,} hit{'s' if len(hits) != 1 else ''}{more} in {docs} document"
            f"{'s' if docs != 1 else ''}"
            if query
            else ""
        )
        self.code_all.setEnabled(bool(hits) and not self.bench.project.read_only)
        return hits

    def _activate(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self.model.hits):
            self.hitActivated.emit(self.model.hits[index.row()])

    def code_all_hits(self) -> None:
        code = self.bench.selection().code
        hits = self.model.hits
        if not hits:
            return
        if code is None:
            QMessageBox.information(self, "Code all hits", "Select a code in the codebook first.")
            return
        unit = str(self.extent.currentData())
        ranges = self.spread_hits(hits, unit)
        docs = len({h.document_guid for h in hits})
        label = dict(EXTENTS)[unit]
        passages = (
            f", each extended to its {label} ({len(ranges):,} passage{'s' if len(ranges) != 1 else ''})"
            if unit != "match"
            else ""
        )
        answer = QMessageBox.question(
            self, "Code all hits",
            f'Code {len(hits):,} hits in {docs} document{"s" if docs != 1 else ""}{passages} '
            f'as "{code.path_text}"?',
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        title = f"Coding {len(ranges):,} passages" if len(ranges) > 200 else None
        self.bench.push(commands.ApplyCodeMany(ranges, code.guid), long_title=title)

    def spread_hits(self, hits: list[Hit], unit: str) -> list[tuple[str, int, int]]:
        """Each hit extended to ``unit`` (see ``coding.corpus.spans``), in hit order, a
        passage that several hits fall in listed once."""
        out: list[tuple[str, int, int]] = []
        seen: set[tuple[str, int, int]] = set()
        indexes: dict[str, TurnIndex] = {}
        for h in hits:
            if unit == "match":
                rng = (h.start, h.end)
            else:
                turns = indexes.get(h.document_guid)
                if turns is None:
                    turns = indexes[h.document_guid] = TurnIndex(
                        document_turns(self.bench.project, h.document_guid)
                    )
                rng = spread(self.corpus.text(h.document_guid), turns, h.start, h.end, unit)
            key = (h.document_guid, *rng)
            if key not in seen:
                seen.add(key)
                out.append(key)
        return out

    def on_change(self, change: Change) -> None:
        if change.documents_added:
            self.corpus.invalidate()
        if (change.texts or change.document_list) and self.model.hits:
            self.run()  # hits hold offsets: after an edit or a deletion, search again


def _tool_button(text: str, tip: str) -> QToolButton:
    btn = QToolButton()
    btn.setText(text)
    btn.setToolTip(tip)
    btn.setAutoRaise(True)
    return btn
