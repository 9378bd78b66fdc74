"""Retrieved segments of the selected code: a flat table over light rows.

Rows come from :mod:`coding.retrieval` (same filters and order as
``coding.segments.query_segments``); the quoted text and its context are looked up lazily,
only for rows that are painted, from the shared :class:`~app.gui.corpus.Corpus`, so listing
thousands of segments costs one query. :meth:`segment` gives a full ``SegmentRecord``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from qualframe.app.gui.corpus import Corpus
from qualframe.app.gui.models.table_base import Index, RowsTableModel
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.query.retrieval import Retrieved, to_record

SegmentRole = Qt.ItemDataRole.UserRole + 1
ContextRole = Qt.ItemDataRole.UserRole + 2


class RetrievalModel(RowsTableModel[Retrieved]):
    HEADERS = ("Document", "Speaker", "Group", "Coder", "Code", "Coded text (with context)")
    TEXT = 5

    def __init__(self, corpus: Corpus, parent: object = None, group_attribute: str = "role"):
        super().__init__(parent)
        self.corpus = corpus
        self.group_attribute = group_attribute
        self.attributes: dict[int, dict[str, str]] = {}

    def set_segments(self, rows: list[Retrieved], attributes: dict[int, dict[str, str]]) -> None:
        self.attributes = attributes
        self.set_rows(rows)

    def attrs(self, row: Retrieved) -> dict[str, str]:
        return self.attributes.get(row.participant_id, {}) if row.participant_id else {}

    def group(self, row: Retrieved) -> str:
        return self.attrs(row).get(self.group_attribute, "")

    def text(self, row: Retrieved) -> str:
        return self.corpus.text(row.document_guid)[row.start : row.end]

    def speaker(self, row: Retrieved) -> str:
        """The speaker the segment counts for; a passage that runs into other speakers'
        turns names them too: "E1 (+E2)"."""
        who = (row.speaker or "") + (" (interviewer)" if row.is_interviewer else "")
        spoken = self.corpus.speakers(row.document_guid, row.start, row.end)
        others = [s for s in spoken if s != row.speaker]
        return f"{who} (+{', '.join(others)})" if others else who

    def segment(self, i: int) -> SegmentRecord | None:
        if not 0 <= i < len(self.rows):
            return None
        row = self.rows[i]
        return to_record(row, self.text(row), self.attrs(row))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.row_at(index)
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return row.document_name
            if col == 1:
                return self.speaker(row)
            if col == 2:
                return self.group(row)
            if col == 3:
                return row.coder
            if col == 4:
                return row.code_path[-1]
            return " ".join(self.text(row).split())
        if role == ContextRole and col == self.TEXT:
            return self.corpus.context(row.document_guid, row.start, row.end, 40)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 1:
                return self._speaker_tip(row)
            if col == 4:
                return row.code_path_text
            if col == self.TEXT:
                tip = self.text(row)
                if row.memo:
                    tip += f"\n\nMemo: {row.memo}"
                if row.is_exemplar:
                    tip += "\n\n★ exemplar quote"
                return tip
            return None
        if role == Qt.ItemDataRole.DecorationRole and col == 4:
            return QColor(row.code_color)
        if role == SegmentRole:
            return self.segment(index.row())
        return None

    def _speaker_tip(self, row: Retrieved) -> str | None:
        names = self.corpus.speakers(row.document_guid, row.start, row.end)
        if len(names) < 2:
            return None
        listed = ", ".join(names[:-1]) + " and " + names[-1]
        return (
            f"This passage runs across the turns of {listed}; it counts for "
            f"{row.speaker or 'nobody'}, whose turn holds most of it."
        )

    def as_text(self, rows: list[int]) -> str:
        """Plain text for the clipboard: a citation line and the quote per segment (cut to
        the turn the segment counts for: never another speaker's words)."""
        out = []
        for i in rows:
            row = self.rows[i]
            who = self.speaker(row) or "?"
            group = self.group(row)
            head = f"[{row.document_name}, {who}{', ' + group if group else ''}; "
            head += f"{row.code_path_text}; coder {row.coder}]"
            a, b = self.corpus.own_turn(row.document_guid, row.start, row.end)
            out.append(f"{head}\n{self.corpus.text(row.document_guid)[a:b]}")
        return "\n\n".join(out) + ("\n" if out else "")
