"""Keyword-in-context table of project-wide search hits."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.gui.corpus import Corpus, Hit

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
HitRole = Qt.ItemDataRole.UserRole + 1


class SearchModel(QAbstractTableModel):
    HEADERS = ("Document", "Before", "Hit", "After")

    def __init__(self, corpus: Corpus, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.corpus = corpus
        self.hits: list[Hit] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.hits = hits
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.hits):
            return None
        hit = self.hits[index.row()]
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
