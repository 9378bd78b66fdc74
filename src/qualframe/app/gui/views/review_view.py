"""The review workspace: the coded segments grouped by code, each with its passage in the
document, its code's definition and criteria, and its review thread; keyboard-first —
A agree, D dispute (asks for a comment), C comment, N / P next / previous, K comment on the
code. Filters by document, coder, participant group and status; progress per code ("34 of
120 reviewed, 3 disputed").

Built from the :class:`~qualframe.app.gui.workbench.Workbench` (verdicts are pushed as
undoable commands; a project open for review accepts nothing else) and the codebook model.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.corpus import Corpus
from qualframe.app.gui.flow_layout import FlowLayout, side_by_side
from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.app.gui.models.review_models import (
    STATUS_LABELS,
    CodeRow,
    ReviewCodesModel,
    ReviewSegmentsModel,
)
from qualframe.app.gui.passage import PassageView, code_html, thread_html
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.core.changes import Change
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.corpus.coders import coder_names
from qualframe.coding.corpus.documents import list_documents
from qualframe.coding.corpus.participants import attribute_names, attribute_values
from qualframe.coding.review.code_reviews import AddCodeComment
from qualframe.coding.review.status import STATUSES
from qualframe.coding.review.verdicts import AddReview
from qualframe.coding.review.workspace import (
    CodeProgress,
    ReviewItem,
    review_items,
    review_progress,
)

ALL = "(all)"
ALL_AT_ONCE = 5000  # more segments than this: start on the first code, not on all of them
KEYS = (("A", "agree"), ("D", "dispute…"), ("C", "comment…"), ("N", "next"), ("P", "previous"),
        ("K", "comment on the code…"))  # fmt: skip


def _table(model: object) -> QTableView:
    view = QTableView()
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setHighlightSections(False)
    return view


class ReviewWorkspace(QWidget):
    passageActivated = Signal(object)  # SegmentRecord: show it in the Document tab

    def __init__(
        self,
        bench: Workbench,
        codes: CodebookModel,
        corpus: Corpus,
        parent: QWidget | None = None,
        *,
        group_attribute: str = "role",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("review_workspace")
        self.bench, self.codes, self.corpus = bench, codes, corpus
        self.group_attribute = group_attribute
        self.items: list[ReviewItem] = []
        self.code_model = ReviewCodesModel(self)
        self.model = ReviewSegmentsModel(self, group_attribute, self.text_of)
        self._build()
        self._shortcuts()
        bench.changed.connect(self.on_change)
        self.reload()

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.code_list = _table(self.code_model)
        # two lines per code (name, progress), long names elided (the tooltip has the path);
        # fixed heights, so that a verdict repaints one row, not measures them all
        self.code_list.setWordWrap(False)
        self.code_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = self.code_list.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(2 * self.code_list.fontMetrics().lineSpacing() + 8)
        self.code_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.code_list.setMinimumWidth(200)
        self.code_list.selectionModel().currentRowChanged.connect(self._code_chosen)
        self.list = _table(self.model)
        self.list.selectionModel().currentRowChanged.connect(self._segment_chosen)
        self.list.doubleClicked.connect(self._activate)
        self.passage = PassageView()
        self.code_box, self.thread_box = QTextBrowser(), QTextBrowser()
        for box in (self.code_box, self.thread_box):
            box.setOpenLinks(False)
        middle = QSplitter(Qt.Orientation.Vertical)
        middle.addWidget(self._filter_bar(self.list))
        middle.addWidget(self.passage)
        middle.setSizes([300, 300])
        right = QWidget()
        right.setMinimumWidth(250)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(QLabel("<b>Code</b>"))
        rl.addWidget(self.code_box, 3)
        rl.addWidget(QLabel("<b>Review thread</b>"))
        rl.addWidget(self.thread_box, 2)
        rl.addLayout(self._buttons())
        split = QSplitter(Qt.Orientation.Horizontal)
        for w in (self.code_list, middle, right):
            split.addWidget(w)
            split.setStretchFactor(split.count() - 1, 1 if w is middle else 0)
        # the codes and the code panel keep to their width; the list and passage take the rest
        split.setSizes([220, 700, 280])
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(split, 1)
        hint = " · ".join(f"<b>{k}</b> {v}" for k, v in KEYS)
        self.keys = QLabel(hint)
        layout.addWidget(self.keys)

    def _filter_bar(self, table: QTableView) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        # a flow layout: in a narrow window the filters wrap instead of being cut short
        bar = QWidget()
        flow = FlowLayout(bar)
        self.filters: dict[str, QComboBox] = {}
        for key, label in (("document", "Document"), ("coder", "Coder"),
                           ("group", self.group_attribute.capitalize()), ("status", "Status")):  # fmt: skip
            combo = QComboBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._refilter)
            self.filters[key] = combo
            flow.addWidget(side_by_side(QLabel(label + ":"), combo))
        v.addWidget(bar)
        v.addWidget(table, 1)
        return box

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.agree_button = QPushButton("Agree")
        self.dispute_button = QPushButton("Dispute…")
        self.comment_button = QPushButton("Comment…")
        for b, key in ((self.agree_button, "A"), (self.dispute_button, "D"),
                       (self.comment_button, "C")):  # fmt: skip
            b.setToolTip(f"Key: {key}")
        self.agree_button.clicked.connect(self.agree)
        self.dispute_button.clicked.connect(self.dispute)
        self.comment_button.clicked.connect(self.comment)
        for b in (self.agree_button, self.dispute_button, self.comment_button):
            row.addWidget(b)
        return row

    def _shortcuts(self) -> None:
        """Single letters act while the focus is in the lists, the passage or the thread (not
        in a text field elsewhere): an event filter, so they need no menu entry."""
        self._keys = {
            Qt.Key.Key_A: self.agree, Qt.Key.Key_D: self.dispute, Qt.Key.Key_C: self.comment,
            Qt.Key.Key_N: self.next, Qt.Key.Key_P: self.previous, Qt.Key.Key_K: self.comment_code,
        }  # fmt: skip
        for w in (self.list, self.code_list, self.passage, self.code_box, self.thread_box):
            w.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            slot = self._keys.get(Qt.Key(event.key()))
            if slot is not None and mods == Qt.KeyboardModifier.NoModifier:
                slot()
                return True
        return super().eventFilter(watched, event)

    # -- data ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the progress per code and the chosen code's segments again; keep the chosen
        code and segment. (A big project starts on its first code, not on all of them.)"""
        keep_code, keep_seg = self.current_code_guid(), self.current_guid()
        first = self.code_model.rowCount() == 0
        progress = review_progress(self.bench.project)
        rows = [CodeRow(None, self._total(progress))]
        rows += [CodeRow(c, progress[c.guid]) for c in self.codes.records if c.guid in progress]
        self.code_list.selectionModel().blockSignals(True)
        self.code_model.set_rows(rows)
        self.code_list.selectionModel().blockSignals(False)
        self._fill_filters()
        if first and rows[0].progress.total > ALL_AT_ONCE and len(rows) > 1:
            keep_code = rows[1].guid
        self.select_code(keep_code)
        self.select_segment(keep_seg)
        self._update_header(progress)

    @staticmethod
    def _total(progress: dict[str, CodeProgress]) -> CodeProgress:
        sums = [sum(getattr(p, f) for p in progress.values()) for f in
                ("total", "reviewed", "agreed", "disputed", "answered", "resolved")]  # fmt: skip
        return CodeProgress("", *sums)

    def _fill_filters(self) -> None:
        project = self.bench.project
        groups = (
            attribute_values(project, self.group_attribute)
            if self.group_attribute in attribute_names(project)
            else []
        )
        values = {
            "document": sorted((d.name for d in list_documents(project)), key=str.casefold),
            "coder": coder_names(project),
            "group": groups,
            "status": [STATUS_LABELS[s] for s in STATUSES],
        }
        for key, combo in self.filters.items():
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([ALL, *values[key]])
            combo.setCurrentIndex(max(0, combo.findText(current)))
            combo.blockSignals(False)

    def _update_header(self, progress: dict[str, CodeProgress]) -> None:
        total = self._total(progress)
        who = self.bench.project.coder
        mode = "Reviewing as" if self.bench.project.reviewing else "Review by"
        self.header.setText(f"{mode} <b>{who}</b> — all codes: {total.text}")

    def _visible(self, item: ReviewItem) -> bool:
        want = {k: c.currentText() for k, c in self.filters.items()}
        code = self.current_code_guid()
        seg = item.segment
        return (
            (code is None or seg.code_guid == code)
            and want["document"] in (ALL, seg.document_name)
            and want["coder"] in (ALL, seg.coder)
            and want["group"] in (ALL, seg.attributes.get(self.group_attribute, ""))
            and want["status"] in (ALL, STATUS_LABELS[item.status])
        )

    def _refilter(self) -> None:
        keep = self.current_guid()
        self.list.selectionModel().blockSignals(True)
        self.model.set_rows([i for i in self.items if self._visible(i)])
        self.list.selectionModel().blockSignals(False)
        self.list.resizeColumnsToContents()
        self.list.setColumnWidth(ReviewSegmentsModel.PASSAGE, 400)
        if not self.select_segment(keep) and self.model.rows:
            self.list.setCurrentIndex(self.model.index(0, 0))
        elif not self.model.rows:
            self._show(None)

    # -- selection ---------------------------------------------------------------------------
    def current_code_guid(self) -> str | None:
        row = self.code_model.row_at(self.code_list.currentIndex())
        return row.guid if row is not None else None

    def current(self) -> ReviewItem | None:
        return self.model.row_at(self.list.currentIndex())

    def current_guid(self) -> str | None:
        item = self.current()
        return item.guid if item else None

    def select_code(self, guid: str | None) -> None:
        """Show the segments of code ``guid`` (None: of every code)."""
        row = max(0, self.code_model.row_of(guid))
        if self.code_model.rows:
            self.code_list.selectionModel().blockSignals(True)
            self.code_list.setCurrentIndex(self.code_model.index(row, 0))
            self.code_list.selectionModel().blockSignals(False)
        self._load()
        self._refilter()

    def _load(self) -> None:
        code = self.current_code_guid()
        self.items = review_items(self.bench.project, code_guid=code, with_text=False)

    def select_segment(self, guid: str | None) -> bool:
        row = self.model.row_of(guid) if guid else -1
        if row < 0:
            return False
        self.list.setCurrentIndex(self.model.index(row, 0))
        self._show(self.model.rows[row])
        return True

    def _code_chosen(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._load()
        self._refilter()

    def _segment_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show(self.model.row_at(current))

    def _show(self, item: ReviewItem | None) -> None:
        enabled = item is not None
        for b in (self.agree_button, self.dispute_button, self.comment_button):
            b.setEnabled(enabled)
        if item is None:
            self.passage.clear_passage()
            self.code_box.setHtml(code_html(None))
            self.thread_box.setHtml(thread_html(()))
            return
        seg = item.segment
        text = self.corpus.text(seg.document_guid)
        self.passage.show_passage(seg.document_guid, text, seg.start, seg.end, seg.code_color)
        self.code_box.setHtml(code_html(self.codes.by_guid.get(seg.code_guid)))
        self.thread_box.setHtml(thread_html(item.thread))

    def text_of(self, seg: SegmentRecord) -> str:
        """A segment's text, cut from the shared copy of its document."""
        return self.corpus.text(seg.document_guid)[seg.start : seg.end]

    def _activate(self, index: QModelIndex) -> None:
        item = self.model.row_at(index)
        if item is not None:
            seg = item.segment
            self.passageActivated.emit(seg._replace(text=self.text_of(seg)))

    # -- verdicts ------------------------------------------------------------------------------
    def _ask(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getMultiLineText(self, title, label)
        return text.strip() if ok and text.strip() else None

    def _verdict(self, verdict: str, comment: str = "") -> None:
        item = self.current()
        if item is None:
            self.bench.hint("Choose a segment to review first.")
            return
        if self.bench.push(AddReview(item.guid, verdict, comment)):
            self.next()

    def agree(self) -> None:
        self._verdict("agree")

    def dispute(self) -> None:
        if self.current() is None:
            self.bench.hint("Choose a segment to review first.")
            return
        why = self._ask("Dispute", "Why is this passage not coded right? (the analyst will answer)")
        if why:
            self._verdict("dispute", why)

    def comment(self) -> None:
        if self.current() is None:
            self.bench.hint("Choose a segment to review first.")
            return
        text = self._ask("Comment", "Your comment on this segment:")
        if text:
            self._verdict("comment", text)

    def comment_code(self) -> None:
        item = self.current()
        guid = item.segment.code_guid if item else self.current_code_guid()
        if guid is None:
            self.bench.hint("Choose a code or a segment first.")
            return
        name = self.codes.by_guid[guid].name if guid in self.codes.by_guid else "this code"
        text = self._ask("Comment on the code", f"Your comment on the code “{name}”:")
        if text:
            self.bench.push(AddCodeComment(guid, text))

    def next(self) -> None:
        self._step(+1)

    def previous(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if not self.model.rows:
            return
        row = self.list.currentIndex().row()
        row = 0 if row < 0 else max(0, min(len(self.model.rows) - 1, row + delta))
        self.list.setCurrentIndex(self.model.index(row, 0))

    # -- changes ---------------------------------------------------------------------------------
    def on_change(self, change: Change) -> None:
        """A verdict re-reads only the segments it changed; anything else, everything."""
        if (
            change.codebook
            or change.documents_added
            or change.segments_added
            or change.segments_removed
        ):
            self.reload()
        elif change.segments_changed:
            self.refresh(change.segments_changed)
        elif change.codes:
            self._show(self.current())  # a code's definition may have changed

    def refresh(self, guids: Iterable[str]) -> None:
        """Put fresh copies of some segments in place; the lists stay where they are."""
        fresh = {
            i.guid: i
            for i in review_items(self.bench.project, segment_guids=list(guids), with_text=False)
        }
        if not fresh:
            return
        self.items = [fresh.get(i.guid, i) for i in self.items]
        for item in fresh.values():
            self.model.replace(item)
        progress = review_progress(self.bench.project)
        for r, row in enumerate(self.code_model.rows):
            p = self._total(progress) if row.code is None else progress.get(row.code.guid)
            if p is not None and p != row.progress:  # only the rows that changed repaint
                self.code_model.rows[r] = CodeRow(row.code, p)
                self.code_model.dataChanged.emit(
                    self.code_model.index(r, 0), self.code_model.index(r, 0)
                )
        self._update_header(progress)
        self._show(self.current())

    def segment(self) -> SegmentRecord | None:
        item = self.current()
        if item is None:
            return None
        return item.segment._replace(text=self.text_of(item.segment))
