"""The Log view: the audit trail in plain sentences ("ana applied “Study plans” to
fgi_mentees 1,203–1,260"), newest first, filterable by person, kind of action, code,
document and date; double-click goes to the thing changed; Verify checks the hash chain.

While the window's :class:`CoderScope` is blind it lists only what the coder may see
(``coding.trail.blind``: their own work and the project's, nothing of the other coders'
coding) and says above the list how many entries it leaves out.

It reads the trail when it is first shown and again after changes while it is shown
(the main window delivers changes to a hidden tab when it comes back), and when blind coding
is turned on or off."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.coder_scope import CoderScope
from qualframe.app.gui.flow_layout import FlowLayout, side_by_side
from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.app.gui.models.review_models import LogModel
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.core.changes import Change
from qualframe.coding.corpus.documents import list_documents
from qualframe.coding.trail.blind import blind_log
from qualframe.coding.trail.log import LogEntry, LogFilter, read_log, to_local, to_utc
from qualframe.coding.trail.verify import verify_trail

ANYONE, ANY = "(anyone)", "(any)"
ACTIONS = (
    ("(everything)", None), ("Coding", "coding"), ("Codebook", "codebook"),
    ("Reviews", "review"), ("Imports", "import"), ("Documents and sets", "documents"),
    ("Participants", "participants"), ("Survey items", "survey"), ("Memos", "memos"),
    ("Coders", "coders"), ("Undo and redo", "undo"),
)  # fmt: skip


class LogView(QWidget):
    targetActivated = Signal(str, str)  # kind ("segment" | "code" | "document"), GUID

    def __init__(
        self,
        bench: Workbench,
        codes: CodebookModel,
        parent: QWidget | None = None,
        *,
        defer: bool = False,
        scope: CoderScope | None = None,
    ) -> None:
        """``scope``: while it is blind, only what its coder may see is listed."""
        super().__init__(parent)
        self.setObjectName("log_view")
        self.bench, self.codes, self.scope = bench, codes, scope
        self.entries: list[LogEntry] = []
        self.model = LogModel(self)
        self._loaded = False
        self._build()
        if scope is not None:
            scope.changed.connect(self._scope_changed)
        if not defer:
            self.reload()

    def _build(self) -> None:
        self.actor, self.action = QComboBox(), QComboBox()
        self.code, self.document = QComboBox(), QComboBox()
        for label, a in ACTIONS:
            self.action.addItem(label, a)
        self.since, self.until = QDateEdit(), QDateEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._refilter)
        self.dates = QCheckBox("Only from")
        self.dates.setToolTip("Only events between these two days (both included)")
        self.dates.toggled.connect(self._refilter)
        self.verify_button = QPushButton("Verify trail")
        self.verify_button.setToolTip("Check that no event was changed outside Qualframe")
        self.verify_button.clicked.connect(self.verify)
        # A flow layout: in a narrow window the filters wrap onto more lines instead of being
        # cut short; a label stays with its box.
        bar = QWidget()
        flow = FlowLayout(bar)
        for label, w in (("Who", self.actor), ("What", self.action), ("Code", self.code),
                         ("Document", self.document)):  # fmt: skip
            if w in (self.code, self.document):  # code paths and names can be long
                w.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                w.setMinimumContentsLength(18)
            else:
                w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
                w.setMinimumContentsLength(10)
            flow.addWidget(side_by_side(QLabel(label + ":"), w))
            w.currentIndexChanged.connect(self._refilter)
        flow.addWidget(side_by_side(self.dates, self.since, QLabel("to"), self.until))
        flow.add_stretch()
        flow.addWidget(self.verify_button)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(self._activate)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.blind_note = QLabel()
        self.blind_note.setObjectName("log_blind_note")
        self.blind_note.setWordWrap(True)
        self.blind_note.setStyleSheet("color:#8A3B00")
        self.blind_note.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(bar)
        layout.addWidget(self.blind_note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    # -- data --------------------------------------------------------------------------------
    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if not self._loaded:
            self.reload()

    def on_change(self, _change: Change) -> None:
        if self._loaded:
            self.reload()

    def _scope_changed(self) -> None:
        """Blind coding turned on or off: read again now if shown, else when next shown
        (and hold nothing of the other coders meanwhile)."""
        if self.isVisible():
            self.reload()
            return
        self._loaded = False
        self.entries = []
        self.model.set_rows([])
        self.blind_note.hide()

    def reload(self) -> None:
        self._loaded = True
        if self.scope is not None and self.scope.blind:
            log = blind_log(self.bench.project, self.scope.me)
            self.entries = log.entries
            sentence = html.escape(log.sentence())
            head = "Blind coding is on"
            self.blind_note.setText(sentence.replace(head, f"<b>{head}</b>", 1))
            self.blind_note.show()
        else:
            self.entries = read_log(self.bench.project)
            self.blind_note.hide()
        self._fill(self.actor, ANYONE, sorted({e.actor for e in self.entries}, key=str.casefold))
        self._fill_guids(self.code, [(c.path_text, c.guid) for c in self.codes.records])
        docs = [(d.name, d.guid) for d in list_documents(self.bench.project)]
        self._fill_guids(self.document, docs)
        if self.entries and not self.dates.isChecked():
            first, last = to_local(self.entries[0].at), to_local(self.entries[-1].at)
            for edit, day in ((self.since, first), (self.until, last)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self._refilter()

    @staticmethod
    def _fill(combo: QComboBox, anything: str, values: list[str]) -> None:
        current = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems([anything, *values])
        combo.setCurrentIndex(max(0, combo.findText(current)))
        combo.blockSignals(False)

    @staticmethod
    def _fill_guids(combo: QComboBox, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(ANY, None)
        for label, guid in items:
            combo.addItem(label, guid)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
        combo.blockSignals(False)
        # the box is narrow; its list opens wide enough for long code paths (to a limit)
        combo.view().setMinimumWidth(min(640, combo.view().sizeHintForColumn(0) + 24))

    def current_filter(self) -> LogFilter:
        since = until = None
        if self.dates.isChecked():
            a, b = self.since.date(), self.until.date()
            since = to_utc(datetime(a.year(), a.month(), a.day()))
            until = to_utc(datetime(b.year(), b.month(), b.day()) + timedelta(days=1))
        actor = self.actor.currentText()
        return LogFilter(
            actor=None if actor == ANYONE else actor, action=self.action.currentData(),
            code_guid=self.code.currentData(), document_guid=self.document.currentData(),
            since=since, until=until,
        )  # fmt: skip

    def _refilter(self) -> None:
        where = self.current_filter()
        shown = [e for e in reversed(self.entries) if where.keeps(e)]  # newest first
        self.model.set_rows(shown)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        events = sum(1 for e in self.entries if e.action != "code_state")
        self.status.setText(f"{len(shown):,} of {events:,} events shown (newest first).")

    # -- actions -----------------------------------------------------------------------------
    def verify(self) -> None:
        check = verify_trail(self.bench.project)
        colour = "#2E7D32" if check.intact else "#C62828"
        self.status.setText(f"<span style='color:{colour}'>{check.sentence()}</span>")
        if not check.intact:
            self.bench.report(check.sentence())

    def _activate(self, index: QModelIndex) -> None:
        e = self.model.row_at(index)
        if e is None or e.target is None:
            if e is not None:
                self.bench.hint("This event has nothing to show.")
            return
        self.targetActivated.emit(*e.target)

    def select_row(self, row: int) -> None:
        self.table.setCurrentIndex(self.model.index(row, 0))

    def keyPressEvent(self, event: object) -> None:  # Return opens like a double-click
        from PySide6.QtGui import QKeyEvent

        if isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._activate(self.table.currentIndex())
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]
