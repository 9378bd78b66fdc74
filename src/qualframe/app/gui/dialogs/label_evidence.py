"""The import preview's table of speaker labels found in a transcript, with their evidence.

One row per label worth showing (accepted ones, and rejected ones a user might mean): a tick
(speaker or text), the label, how many lines start with it, its first line, and why it is or
is not a speaker. The import dialog connects the ticks to its options.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from qualframe.coding.importing import FilePreview

EVIDENCE_HEADERS = ("Speaker", "Label", "Lines", "First line", "Evidence")


def _cell(text: str, *, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def evidence_table(preview: FilePreview) -> QTableWidget:
    """The table; column 0 holds the tick, with the label's folded key as its user data."""
    shown = [e for e in preview.label_evidence if e.worth_showing]
    table = QTableWidget(len(shown), len(EVIDENCE_HEADERS))
    table.setHorizontalHeaderLabels(EVIDENCE_HEADERS)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    for row, e in enumerate(shown):
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        check.setCheckState(Qt.CheckState.Checked if e.accepted else Qt.CheckState.Unchecked)
        check.setData(Qt.ItemDataRole.UserRole, e.key)
        table.setItem(row, 0, check)
        table.setItem(row, 1, _cell(e.label))
        table.setItem(row, 2, _cell(str(e.count), align_right=True))
        line = _cell(e.first_line)
        line.setToolTip(e.first_line)
        table.setItem(row, 3, line)
        table.setItem(row, 4, _cell(e.reason))
    table.resizeColumnsToContents()
    table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
    return table
