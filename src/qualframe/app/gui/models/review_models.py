"""Qt models of the auditors' half: the codes to review with their progress, the segments of
a review (with their status), the disputes waiting for the analyst, and the audit log. Each
is a flat table over plain records that ``coding`` returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from qualframe.app.gui.models.table_base import Index, RowsTableModel
from qualframe.coding.core.records import CodeRecord, SegmentRecord
from qualframe.coding.review.status import ThreadEntry
from qualframe.coding.review.workspace import CodeProgress, ReviewItem
from qualframe.coding.trail.log import LogEntry, to_local

ItemRole = Qt.ItemDataRole.UserRole + 1

#: How each status is named and coloured in the lists (colour-blind-safe hues, text too).
STATUS_LABELS = {
    "unreviewed": "not reviewed",
    "commented": "commented",
    "disputed": "disputed",
    "answered": "answered",
    "agreed": "agreed",
}
STATUS_COLOURS = {
    "unreviewed": "#9E9E9E",
    "commented": "#1E88E5",
    "disputed": "#D81B60",
    "answered": "#F9A825",
    "agreed": "#43A047",
}


def status_label(item: ReviewItem) -> str:
    if item.resolved:
        return "agreed (resolved)"
    return STATUS_LABELS.get(item.status, item.status)


@dataclass(frozen=True)
class CodeRow:
    """A code in the review list (``code`` None: every code)."""

    code: CodeRecord | None
    progress: CodeProgress

    @property
    def guid(self) -> str | None:
        return self.code.guid if self.code is not None else None


class ReviewCodesModel(RowsTableModel[CodeRow]):
    """One cell per code: its name and, on a second line, its progress."""

    HEADERS = ("Code and progress",)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.row_at(index)
        if row is None:
            return None
        p = row.progress
        if role == Qt.ItemDataRole.DisplayRole:
            name = "All codes" if row.code is None else row.code.name
            return f"{name}\n{p.text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            path = row.code.path_text if row.code else "Every coded segment"
            return (
                f"{path}\n{p.reviewed} of {p.total} reviewed: {p.agreed} agreed, {p.disputed} "
                f"disputed (not answered), {p.answered} answered, {p.resolved} resolved"
            )
        if role == Qt.ItemDataRole.DecorationRole and row.code is not None:
            return QColor(row.code.color)
        if role == Qt.ItemDataRole.ForegroundRole:
            if p.disputed:
                return QColor(STATUS_COLOURS["disputed"])
            if p.answered:
                return QColor(STATUS_COLOURS["answered"])
            if p.total and p.reviewed == p.total:
                return QColor(STATUS_COLOURS["agreed"])
        if role == ItemRole:
            return row
        return None

    def row_of(self, guid: str | None) -> int:
        return next((i for i, r in enumerate(self.rows) if r.guid == guid), -1)


class ReviewSegmentsModel(RowsTableModel[ReviewItem]):
    """The segments of a review. Their text comes from ``text_of`` (by default the record's
    own), so that a long list can be read without the documents' texts."""

    HEADERS = ("Status", "Document", "Speaker", "Group", "Coder", "Passage")
    PASSAGE = 5

    def __init__(
        self,
        parent: object = None,
        group_attribute: str = "role",
        text_of: Callable[[SegmentRecord], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.group_attribute = group_attribute
        self.text_of: Callable[[SegmentRecord], str] = text_of or (lambda seg: seg.text)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        item = self.row_at(index)
        if item is None:
            return None
        col, seg = index.column(), item.segment
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                status_label(item), seg.document_name, seg.speaker or "",
                seg.attributes.get(self.group_attribute, ""), seg.coder,
                " ".join(self.text_of(seg).split()) if col == self.PASSAGE else "",
            )[col]  # fmt: skip
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return QColor(STATUS_COLOURS.get(item.status, "#000000"))
        if role == Qt.ItemDataRole.ToolTipRole and col == self.PASSAGE:
            return self.text_of(seg)
        if role == Qt.ItemDataRole.ToolTipRole and col == 0 and item.latest_verdict:
            e = item.latest_verdict
            return f"Latest: {e.kind} by {e.author}" + (f": {e.text}" if e.text else "")
        if role == ItemRole:
            return item
        return None

    def row_of(self, guid: str | None) -> int:
        return next((i for i, r in enumerate(self.rows) if r.guid == guid), -1)

    def replace(self, item: ReviewItem) -> None:
        """Put a re-read item in place (one row changes, the list stays where it is)."""
        i = self.row_of(item.guid)
        if i >= 0:
            self.rows[i] = item
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.HEADERS) - 1))


@dataclass(frozen=True)
class OpenItem:
    """A row of the Disputes list: a segment's review or a comment on a code."""

    kind: str  # "segment" | "code"
    status: str
    code_path: str
    where: str  # document and position, or "the codebook"
    waiting: tuple[ThreadEntry, ...]  # what the analyst has to answer
    thread: tuple[ThreadEntry, ...]
    item: ReviewItem | None = None  # for segments
    code_guid: str | None = None
    code_name: str = ""

    @property
    def reviewers(self) -> str:
        return ", ".join(dict.fromkeys(e.author for e in self.waiting or self.thread))

    @property
    def comment(self) -> str:
        shown = self.waiting[-1] if self.waiting else self.thread[-1] if self.thread else None
        return " ".join(shown.text.split()) if shown is not None else ""


class DisputesModel(RowsTableModel[OpenItem]):
    HEADERS = ("Status", "Where", "Code", "Reviewer", "Comment")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.row_at(index)
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            status = row.waiting[-1].kind if row.waiting else row.status
            name = row.code_name or row.code_path
            return (status, row.where, name, row.reviewers, row.comment)[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            colour = (
                "disputed" if row.waiting else "answered" if row.status != "agreed" else "agreed"
            )
            return QColor(STATUS_COLOURS[colour])
        if role == Qt.ItemDataRole.ToolTipRole and col == 4:
            return row.comment
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return row.code_path
        if role == ItemRole:
            return row
        return None


class LogModel(RowsTableModel[LogEntry]):
    HEADERS = ("When", "Who", "What")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        e = self.row_at(index)
        if e is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"{to_local(e.at):%Y-%m-%d %H:%M:%S}"
            if col == 1:
                return e.actor
            return e.sentence.removeprefix(e.actor).strip()
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = e.sentence
            if e.target is not None:
                tip += "\n\nDouble-click to go to it."
            return tip + f"\n\nEvent {e.id} · {e.action} · hash {e.hash[:16]}…"
        if role == Qt.ItemDataRole.ForegroundRole and (e.undo or e.redo) and col == 2:
            return QColor("#6A1B9A")
        if role == ItemRole:
            return e
        return None
