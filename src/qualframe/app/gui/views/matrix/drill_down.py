"""The segments behind one theme-matrix cell: document, speaker, code, coder and the quote."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from qualframe.coding.analysis.matrix import quote_text
from qualframe.coding.core.records import SegmentRecord

PROMPT = "Click a cell to list the segments behind it."


class CellSegments(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(PROMPT)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Document", "Speaker", "Code", "Coder", "Quote"])
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.setAlternatingRowColors(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)

    def clear(self, message: str = PROMPT) -> None:
        self.tree.clear()
        self.title.setText(message)

    def show_segments(self, title: str, records: Sequence[SegmentRecord]) -> None:
        self.tree.clear()
        self.title.setText(title)
        for rec in records:
            item = QTreeWidgetItem(
                [
                    rec.document_name,
                    rec.speaker or "",
                    rec.code_path[-1],
                    rec.coder,
                    quote_text(rec.text, 400),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, rec.guid)
            item.setToolTip(2, rec.code_path_text)
            item.setToolTip(4, rec.text)
            self.tree.addTopLevelItem(item)
        for col in range(4):
            self.tree.resizeColumnToContents(col)
