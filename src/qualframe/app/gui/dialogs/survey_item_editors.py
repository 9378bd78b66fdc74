"""Two small editors for a survey item, used by the import preview (before anything is
written) and by the Survey tab's "Items and types" (each edit an undoable command):

* :class:`OptionsOrderDialog` — a choice item's options in questionnaire order (drag them,
  or Move up / Move down); the frequency tables list them in this order;
* :class:`LikertMappingDialog` — how each answer becomes a scale point (label = point), the
  scale's ends as stated by the questionnaire, and reverse coding (stored as min + max −
  point). Answers that are already numbers need no label; the table lists every distinct
  answer with how many gave it, so a label left without a point is seen before it is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


class OptionsOrderDialog(QDialog):
    """The options of ``name`` in an order the user sets; :meth:`options` gives it."""

    def __init__(self, name: str, options: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Order of the options — {name}")
        self.list = QListWidget()
        self.list.addItems(list(options))
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setCurrentRow(0)
        up, down = QPushButton("Move up"), QPushButton("Move down")
        up.clicked.connect(lambda: self.move_option(-1))
        down.clicked.connect(lambda: self.move_option(1))
        side = QVBoxLayout()
        side.addWidget(up)
        side.addWidget(down)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        lay = QVBoxLayout(self)
        lay.addWidget(_hint("The order of the questionnaire: the tables list the options so. "
                            "Drag an option or move it with the buttons."))  # fmt: skip
        lay.addLayout(row, 1)
        lay.addWidget(_buttons(self))
        self.resize(420, 380)

    def move_option(self, step: int) -> None:
        """Move the current option ``step`` places (−1 up, +1 down)."""
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def options(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]


@dataclass(frozen=True)
class LikertChoice:
    """What :class:`LikertMappingDialog` gives back."""

    mapping: list[tuple[str, int]]  # label -> point (labels only; numbers map to themselves)
    scale: tuple[int, int] | None
    reversed: bool

    def spec(self, name: str) -> tuple[str, str | None]:
        """As the import options write it: (``likert`` or ``likert:1-5``, ``A=1|B=2`` or
        None)."""
        kind = f"likert:{self.scale[0]}-{self.scale[1]}" if self.scale else "likert"
        mapping = "|".join(f"{lab}={pt}" for lab, pt in self.mapping) or None
        return kind, mapping


def _is_whole(text: str) -> bool:
    try:
        return float(text).is_integer()
    except ValueError:
        return False


class LikertMappingDialog(QDialog):
    """Points for the labels of ``answers`` ((answer, how many gave it), in scale order)."""

    def __init__(
        self,
        name: str,
        answers: Sequence[tuple[str, int | None]],
        mapping: Sequence[tuple[str, int]],
        scale: tuple[int, int] | None,
        reversed_: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Likert scale — {name}")
        points = {lab.casefold(): pt for lab, pt in mapping}
        labels = [(a, n) for a, n in answers if not _is_whole(a)]
        for lab, _ in mapping:  # labels of the mapping nobody chose still belong to the scale
            if lab.casefold() not in {a.casefold() for a, _ in labels}:
                labels.append((lab, 0))
        self.table = QTableWidget(len(labels), 3)
        self.table.setHorizontalHeaderLabels(("Answer", "Point", "Answers"))
        self.table.verticalHeader().hide()
        for row, (label, count) in enumerate(labels):
            cell = QTableWidgetItem(label)
            cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(row, 0, cell)
            spin = QSpinBox()
            spin.setRange(-10, 100)
            spin.setSpecialValueText("–")  # the minimum: no point (left out of the mapping)
            spin.setMinimum(-11)
            spin.setValue(points.get(label.casefold(), row + 1))
            self.table.setCellWidget(row, 1, spin)
            shown = "" if count is None else str(count)
            n = QTableWidgetItem(shown)
            n.setFlags(Qt.ItemFlag.ItemIsEnabled)
            n.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 2, n)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.stated = QCheckBox("The questionnaire's scale runs from")
        self.low, self.high = QSpinBox(), QSpinBox()
        for spin in (self.low, self.high):
            spin.setRange(0, 100)
        self.low.setValue(scale[0] if scale else 1)
        self.high.setValue(scale[1] if scale else max(5, len(labels)))
        self.stated.setChecked(scale is not None)
        self.stated.toggled.connect(self._update)
        self.reverse = QCheckBox("Reverse-coded (stored as min + max − point)")
        self.reverse.setChecked(reversed_)
        scale_row = QHBoxLayout()
        scale_row.addWidget(self.stated)
        scale_row.addWidget(self.low)
        scale_row.addWidget(QLabel("to"))
        scale_row.addWidget(self.high)
        scale_row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(_hint(
            "Each answer written as words gets the point it stands for; answers written as "
            "numbers are their own points. The scale comes from the questionnaire, never from "
            "the answers given (nobody may have chosen its ends)."
        ))  # fmt: skip
        lay.addWidget(self.table, 1)
        lay.addLayout(scale_row)
        lay.addWidget(self.reverse)
        self.error = QLabel()
        self.error.setStyleSheet("color: #a40000;")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        lay.addWidget(_buttons(self))
        self._update()
        self.resize(520, 440)

    def _update(self) -> None:
        on = self.stated.isChecked()
        self.low.setEnabled(on)
        self.high.setEnabled(on)
        self.reverse.setEnabled(on)
        if not on:
            self.reverse.setChecked(False)

    def set_point(self, label: str, point: int) -> None:
        for row in range(self.table.rowCount()):
            cell = self.table.item(row, 0)
            spin = self.table.cellWidget(row, 1)
            if cell is not None and cell.text() == label and isinstance(spin, QSpinBox):
                spin.setValue(point)
                return
        raise KeyError(label)

    def choice(self) -> LikertChoice:
        mapping: list[tuple[str, int]] = []
        for row in range(self.table.rowCount()):
            cell, spin = self.table.item(row, 0), self.table.cellWidget(row, 1)
            if cell is not None and isinstance(spin, QSpinBox) and spin.value() > spin.minimum():
                mapping.append((cell.text(), spin.value()))
        scale = (self.low.value(), self.high.value()) if self.stated.isChecked() else None
        mapping.sort(key=lambda pair: pair[1])  # in scale order
        return LikertChoice(mapping, scale, self.reverse.isChecked())

    def accept(self) -> None:
        c = self.choice()
        if c.scale is not None and c.scale[0] >= c.scale[1]:
            self.error.setText("The scale runs from a lower to a higher point.")
            return
        if c.scale is not None:
            outside = [
                f"{lab} = {pt}" for lab, pt in c.mapping if not c.scale[0] <= pt <= c.scale[1]
            ]
            if outside:
                self.error.setText(f"Outside the scale: {', '.join(outside)}.")
                return
        super().accept()
