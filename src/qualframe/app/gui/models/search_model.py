"""Keyword-in-context table of project-wide search hits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from qualframe.app.gui.corpus import Corpus, Hit
from qualframe.app.gui.models.table_base import Index, RowsTableModel

HitRole = Qt.ItemDataRole.UserRole + 1


class SearchModel(RowsTableModel[Hit]):
    HEADERS = ("Document", "Before", "Hit", "After")

    def __init__(self, corpus: Corpus, parent: object = None) -> None:
        super().__init__(parent)
        self.corpus = corpus
        self._bold = QFont()
        self._bold.setBold(True)

    @property
    def hits(self) -> list[Hit]:
        return self.rows

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        hit = self.row_at(index)
        if hit is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return hit.document_name
            left, match, right = self.corpus.context(hit.document_guid, hit.start, hit.end, 50)
            return (left, match, right)[col - 1]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == 2:
            return self._bold
        if role == HitRole:
            return hit
        return None
