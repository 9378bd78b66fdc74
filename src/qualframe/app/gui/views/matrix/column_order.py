"""The order of the theme matrix's group columns: the default order and the dialog that
lets the analyst set another (drag the names, or Up and Down)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def default_group_order(values: Iterable[str]) -> list[str]:
    """Group values in the order the matrix uses when none is chosen: numerically when every
    value is a number, otherwise alphabetically without regard to case; "(not set)" (the
    value ``""``) last."""
    values = list(values)
    unset = [v for v in values if v == ""]
    values = [v for v in values if v != ""]
    if values and all(re.fullmatch(r"-?\d+(\.\d+)?", v.strip()) for v in values):
        return sorted(values, key=lambda v: float(v)) + unset
    return sorted(values, key=str.casefold) + unset


class GroupOrderDialog(QDialog):
    """Put the group columns in order: drag the names, or use Up and Down."""

    def __init__(
        self, groups: Sequence[tuple[str, str]], attribute: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Column order")
        self.list = QListWidget()
        self.list.setDragDropMode(QListWidget.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        for value, label in groups:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        up = QPushButton("Up")
        down = QPushButton("Down")
        default = QPushButton("Default")
        default.setToolTip("Alphabetical (numerical for numbers)")
        up.clicked.connect(lambda: self.move_current(-1))
        down.clicked.connect(lambda: self.move_current(1))
        default.clicked.connect(self.sort_default)
        side = QVBoxLayout()
        for b in (up, down, default):
            side.addWidget(b)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Order of the {attribute} columns, left to right:"))
        layout.addLayout(row)
        layout.addWidget(buttons)

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def sort_default(self) -> None:
        values = default_group_order(self.order())
        items = [self.list.takeItem(0) for _ in range(self.list.count())]
        by_value = {i.data(Qt.ItemDataRole.UserRole): i for i in items}
        for value in values:
            self.list.addItem(by_value[value])

    def order(self) -> list[str]:
        out = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out
