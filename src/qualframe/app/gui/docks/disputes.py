"""Disputes dock: what the auditors disputed or commented on and waits for the analyst — on
segments and on codes — with the whole thread. The analyst answers: recode the segment, set
its boundaries to the selection in the document, or keep it with a reply; a comment on a
code is answered by revising its definition or keeping it. Each answer is one undoable
command; the auditor then gives a new verdict (View → Disputes).

While the window's :class:`CoderScope` is blind, only the threads on the coder's own segments
are listed (a thread on another coder's segment names it and quotes it; a comment on a code
is answered by whoever coded with it), and a sentence above the list says how many wait
until blind coding is turned off."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDockWidget,
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

from qualframe.app.gui.coder_scope import CoderScope
from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.app.gui.models.review_models import DisputesModel, OpenItem
from qualframe.app.gui.passage import thread_html
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.core.changes import Change
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.review.answers import AnswerDispute
from qualframe.coding.review.code_reviews import (
    AnswerCodeComment,
    code_thread_status,
    code_threads,
)
from qualframe.coding.review.status import open_items
from qualframe.coding.review.workspace import disputes, threaded_segments

#: Changes after which the list is read again whatever they touched.
REVIEW_ACTIONS = frozenset(
    {"review", "answer_dispute", "answer_code_comment", "rename_code", "edit_code",
     "rename_coder", "merge_coders", "unmerge_coders"}
)  # fmt: skip

#: The document's current selection as (document GUID, start, end) in code points, or None.
SelectionRange = Callable[[], tuple[str, int, int] | None]


def open_rows(bench: Workbench, codes: CodebookModel, *, answered_too: bool) -> list[OpenItem]:
    """Segments and codes with something for the analyst (and, with ``answered_too``, those
    answered and waiting for the auditor)."""
    rows: list[OpenItem] = []
    for item in disputes(bench.project, answered_too=answered_too):
        s = item.segment
        rows.append(
            OpenItem(
                "segment", item.status, s.code_path_text,
                f"{s.document_name} {s.start:,}–{s.end:,}" + (f" ({s.speaker})" if s.speaker else ""),
                tuple(item.waiting), item.thread, item, s.code_guid, s.code_path[-1],
            )
        )  # fmt: skip
    for guid, thread in code_threads(bench.project).items():
        status = code_thread_status(thread)
        waiting = tuple(open_items(thread))
        if waiting or (answered_too and status == "answered"):
            rec = codes.by_guid.get(guid)
            path = rec.path_text if rec else "?"
            rows.append(OpenItem("code", status, path, "the codebook", waiting, tuple(thread),
                                 None, guid, rec.name if rec else "?"))  # fmt: skip
    return rows


def own_rows(rows: list[OpenItem], coder: str) -> list[OpenItem]:
    """The rows a coder coding blind may see: the threads on their own segments."""
    return [r for r in rows if r.item is not None and r.item.segment.coder == coder]


def blind_sentence(hidden: int) -> str:
    """E.g. "Blind coding is on: 3 threads on other coders' segments or on codes are hidden
    (View → Coders)."."""
    what = (
        "no threads on other coders' segments or on codes are"
        if hidden == 0
        else "1 thread on another coder's segment or on a code is"
        if hidden == 1
        else f"{hidden:,} threads on other coders' segments or on codes are"
    )
    return f"Blind coding is on: {what} hidden (View → Coders)."


class DisputesDock(QDockWidget):
    segmentActivated = Signal(object)  # SegmentRecord: show the passage
    codeActivated = Signal(str)  # a code's GUID: show it in the codebook

    def __init__(
        self,
        bench: Workbench,
        codes: CodebookModel,
        selected_range: SelectionRange,
        parent: QWidget | None = None,
        *,
        scope: CoderScope | None = None,
    ) -> None:
        """``scope``: while it is blind, only the threads on its coder's own segments."""
        super().__init__("Disputes", parent)
        self.setObjectName("disputes")
        self.bench, self.codes, self.selected_range = bench, codes, selected_range
        self.scope = scope
        self._threaded: set[str] = set()
        self.model = DisputesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        self.table.doubleClicked.connect(self._activate)
        self.thread_box = QTextBrowser()
        self.answered = QCheckBox("Also answered, awaiting the auditor")
        self.answered.toggled.connect(self.reload)
        self.blind_note = QLabel()
        self.blind_note.setObjectName("disputes_blind_note")
        self.blind_note.setWordWrap(True)
        self.blind_note.setStyleSheet("color:#8A3B00")
        self.blind_note.hide()
        self.setWidget(self._layout())
        bench.changed.connect(self.on_change)
        if scope is not None:
            scope.changed.connect(self.reload)
        self.reload()

    def _layout(self) -> QWidget:
        self.recode_button = QPushButton("Recode…")
        self.bounds_button = QPushButton("New boundaries")
        self.keep_button = QPushButton("Keep, with a reply…")
        self.revise_button = QPushButton("Revise definition…")
        self.recode_button.clicked.connect(self.recode)
        self.bounds_button.clicked.connect(self.set_bounds)
        self.keep_button.clicked.connect(self.keep)
        self.revise_button.clicked.connect(self.revise)
        self.recode_button.setToolTip("Code the passage with another code, and say why")
        self.bounds_button.setToolTip(
            "Set the segment to the passage selected in the document (select it there first)"
        )
        buttons = QHBoxLayout()
        for b in (self.recode_button, self.bounds_button, self.revise_button, self.keep_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.thread_box)
        split.setSizes([640, 360])
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.answered)
        layout.addWidget(self.blind_note)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        return box

    # -- data ----------------------------------------------------------------------------------
    def reload(self) -> None:
        keep = self.current()
        rows = open_rows(self.bench, self.codes, answered_too=self.answered.isChecked())
        if self.scope is not None and self.scope.blind:
            every = len(rows)
            rows = own_rows(rows, self.scope.me)
            head = "Blind coding is on"
            sentence = html.escape(blind_sentence(every - len(rows)))
            self.blind_note.setText(sentence.replace(head, f"<b>{head}</b>", 1))
            self.blind_note.show()
        else:
            self.blind_note.hide()
        self._threaded = threaded_segments(self.bench.project)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        for col, most in ((1, 260), (2, 220)):
            self.table.setColumnWidth(col, min(self.table.columnWidth(col), most))
        waiting = sum(1 for r in rows if r.waiting)
        self.setWindowTitle(f"Disputes ({waiting})" if waiting else "Disputes")
        again = next((i for i, r in enumerate(rows) if keep and _same(r, keep)), 0)
        if rows:
            self.table.setCurrentIndex(self.model.index(again, 0))
        self._chosen(self.table.currentIndex(), QModelIndex())

    def current(self) -> OpenItem | None:
        return self.model.row_at(self.table.currentIndex())

    def _chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current)
        self.thread_box.setHtml(thread_html(row.thread) if row else "")
        can = self.bench.project.can_edit and row is not None and bool(row.waiting)
        is_segment = row is not None and row.kind == "segment"
        for b in (self.recode_button, self.bounds_button):
            b.setEnabled(can and is_segment)
        self.revise_button.setEnabled(can and not is_segment)
        self.keep_button.setEnabled(can)

    def _activate(self, index: QModelIndex) -> None:
        row = self.model.row_at(index)
        if row is None:
            return
        if row.item is not None:
            self.segmentActivated.emit(row.item.segment)
        elif row.code_guid:
            self.codeActivated.emit(row.code_guid)

    def on_change(self, change: Change) -> None:
        """Re-read after a review, an answer, a codebook change, or a change of a segment
        that has a thread (coding a new passage cannot concern a dispute)."""
        touched = change.segments_removed | change.segments_changed
        if change.action in REVIEW_ACTIONS or change.codebook or touched & self._threaded:
            self.reload()

    # -- answers -------------------------------------------------------------------------------
    def _waiting(self) -> tuple[OpenItem, str] | None:
        row = self.current()
        if row is None or not row.waiting:
            self.bench.hint("Choose a dispute or comment that waits for an answer.")
            return None
        return row, row.waiting[-1].guid

    def _reply(self, title: str, label: str, required: bool) -> str | None:
        text, ok = QInputDialog.getMultiLineText(self, title, label)
        if not ok or (required and not text.strip()):
            return None
        return text.strip()

    def recode(self) -> None:
        found = self._waiting()
        if found is None or found[0].item is None:
            return
        row, verdict = found
        paths = [c.path_text for c in self.codes.records]
        here = paths.index(row.code_path) if row.code_path in paths else 0
        path, ok = QInputDialog.getItem(self, "Recode", "Code the passage as:", paths, here, False)
        if not ok:
            return
        reply = self._reply("Recode", "Your reply to the auditor (optional):", False)
        if reply is None:
            return
        guid = next(c.guid for c in self.codes.records if c.path_text == path)
        self.bench.push(AnswerDispute(verdict, reply, code_guid=guid))

    def set_bounds(self) -> None:
        found = self._waiting()
        if found is None or found[0].item is None:
            return
        row, verdict = found
        chosen = self.selected_range()
        seg: SegmentRecord = row.item.segment  # type: ignore[union-attr]
        if chosen is None or chosen[0] != seg.document_guid:
            self.bench.report(
                f"Select the passage in {seg.document_name} first (double-click the dispute to "
                "show it), then choose New boundaries."
            )
            return
        reply = self._reply("New boundaries", "Your reply to the auditor (optional):", False)
        if reply is not None:
            self.bench.push(AnswerDispute(verdict, reply, bounds=(chosen[1], chosen[2])))

    def keep(self) -> None:
        found = self._waiting()
        if found is None:
            return
        row, verdict = found
        reply = self._reply("Keep", "Why does the coding stay as it is?", True)
        if reply is None:
            return
        if row.kind == "segment":
            self.bench.push(AnswerDispute(verdict, reply))
        else:
            self.bench.push(AnswerCodeComment(verdict, reply))

    def revise(self) -> None:
        found = self._waiting()
        if found is None or found[0].code_guid is None:
            return
        row, comment = found
        rec = self.codes.by_guid.get(row.code_guid or "")
        current = rec.definition if rec else ""
        text, ok = QInputDialog.getMultiLineText(self, "Revise definition", "Definition:", current)
        if not ok:
            return
        reply = self._reply("Revise definition", "Your reply to the auditor (optional):", False)
        if reply is not None:
            self.bench.push(AnswerCodeComment(comment, reply, {"definition": text.strip()}))


def _same(a: OpenItem, b: OpenItem) -> bool:
    if a.item is not None and b.item is not None:
        return a.item.guid == b.item.guid
    return a.kind == b.kind and a.code_guid == b.code_guid
