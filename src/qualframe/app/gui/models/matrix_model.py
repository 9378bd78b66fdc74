"""Table model of the theme matrix: one row per row code, lead columns (theme …) then one
column per participant group; each group cell is the bullet list as multi-line text.

An adapter over a :class:`coding.matrix.ThemeMatrix` (plain frozen data); ``set_matrix``
swaps it in with a model reset.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from qualframe.coding.analysis.matrix import (
    TEXT_GLYPHS,
    MatrixCell,
    ThemeMatrix,
    cell_lines,
    cell_text,
    level_name,
)

CellKeyRole = Qt.ItemDataRole.UserRole + 1  # (row code guid, group value) for group cells
SegmentsRole = Qt.ItemDataRole.UserRole + 2  # number of segments behind the cell
HtmlRole = Qt.ItemDataRole.UserRole + 3  # the cell as HTML: indented bullets, italic quotes

Index = QModelIndex | QPersistentModelIndex
EMPTY = "–"
INDENT_PX = 14


def cell_html(cell: MatrixCell, counts: frozenset[str]) -> str:
    """Bullets as paragraphs with a hanging indent; quotes in italics."""
    parts = []
    for line in cell_lines(cell, counts):
        glyph = TEXT_GLYPHS[min(line.level, len(TEXT_GLYPHS) - 1)]
        text = html.escape(line.text)
        if line.kind == "quote":
            text = f"<i>{text}</i>"
        left = INDENT_PX * line.level + 12
        parts.append(
            f'<p style="margin:0; margin-left:{left}px; text-indent:-12px">{glyph}&nbsp;{text}</p>'
        )
    return "".join(parts) or f"<p>{EMPTY}</p>"


class MatrixModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._matrix: ThemeMatrix | None = None

    @property
    def matrix(self) -> ThemeMatrix | None:
        return self._matrix

    def set_matrix(self, matrix: ThemeMatrix | None) -> None:
        self.beginResetModel()
        self._matrix = matrix
        self.endResetModel()

    def lead_columns(self) -> int:
        return 0 if self._matrix is None else self._matrix.options.rows_level + 1

    # -- shape ---------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._matrix is None:
            return 0
        return len(self._matrix.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._matrix is None:
            return 0
        return self.lead_columns() + len(self._matrix.groups)

    def cell_at(self, index: Index) -> MatrixCell | None:
        if self._matrix is None or not index.isValid():
            return None
        col = index.column() - self.lead_columns()
        if col < 0 or index.row() >= len(self._matrix.rows):
            return None
        return self._matrix.rows[index.row()].cells[col]

    # -- data ----------------------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        m = self._matrix
        if m is None or not index.isValid():
            return None
        row = m.rows[index.row()]
        lead = self.lead_columns()
        col = index.column()
        if col < lead:
            labels = [*row.ancestors, row.name]
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return labels[col]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            if role == Qt.ItemDataRole.FontRole and col == 0:
                font = QFont()
                font.setBold(True)
                return font
            return None
        cell = row.cells[col - lead]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(cell, m.options.counts) or EMPTY
        if role == Qt.ItemDataRole.ToolTipRole:
            group = m.groups[col - lead]
            return (
                f"{row.name} — {group.label}: {cell.segments} segment(s) from "
                f"{cell.participants} of {group.n} participant(s). Click to list them."
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if role == HtmlRole:
            return cell_html(cell, m.options.counts)
        if role == CellKeyRole:
            return (row.code_guid, cell.group)
        if role == SegmentsRole:
            return cell.segments
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        m = self._matrix
        if m is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if 0 <= section < len(m.rows) else None
        lead = self.lead_columns()
        if 0 <= section < lead:
            return level_name(section)
        if lead <= section < lead + len(m.groups):
            return m.groups[section - lead].header
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
