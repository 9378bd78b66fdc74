"""The import dialog's attributes to set: each row an attribute and its value, for the
speakers and respondents of every file or of one file (``--set`` and ``--set-for``), so the
mentors' and the mentees' focus groups are imported together, each group with its role."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

EVERY_FILE = "Every file"


def _cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(
        Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
    )
    return item


class AttributeRows(QWidget):
    """The table with Add and Remove; ``edited`` is called after every change."""

    def __init__(self, paths: Callable[[], list[Path]], edited: Callable[[], None]) -> None:
        super().__init__()
        self.paths, self.edited = paths, edited
        self._quiet = False
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(("File", "Attribute", "Value"))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setMaximumHeight(110)
        self.table.setToolTip(
            "An attribute for the speakers and respondents of every file, or of one file "
            "(e.g. role = mentor for the mentors' focus group, role = mentee for the mentees')"
        )
        self.table.itemChanged.connect(lambda _item: self._changed())
        add, remove = QPushButton("Add"), QPushButton("Remove")
        add.clicked.connect(lambda: self.add("", ""))
        remove.clicked.connect(self.remove_current)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)

    def _changed(self) -> None:
        if not self._quiet:
            self.edited()

    def add(self, key: str, value: str, file: Path | str | None = None) -> None:
        """A row: ``file`` None for every file, else one file's (its path or name)."""
        row = self.table.rowCount()
        self._quiet = True
        try:
            self.table.insertRow(row)
            combo = QComboBox()
            self._fill(combo, str(file) if file is not None else None)
            combo.activated.connect(lambda _i: self._changed())
            self.table.setCellWidget(row, 0, combo)
            self.table.setItem(row, 1, _cell(key))
            self.table.setItem(row, 2, _cell(value))
        finally:
            self._quiet = False
        if key and value:
            self._changed()

    def _fill(self, combo: QComboBox, chosen: str | None) -> None:
        combo.clear()
        combo.addItem(EVERY_FILE, None)
        for path in self.paths():
            combo.addItem(path.name, str(path))
        if chosen is not None:
            found = combo.findData(chosen)
            if found < 0:  # given by name
                found = combo.findText(Path(chosen).name)
            combo.setCurrentIndex(max(found, 0))

    def sync_files(self) -> None:
        """The file lists follow the files (Add files…)."""
        for row in range(self.table.rowCount()):
            combo = self.table.cellWidget(row, 0)
            if isinstance(combo, QComboBox):
                self._fill(combo, combo.currentData())

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._changed()

    def collect(self) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        """(attributes for every file, {file: its own attributes})."""
        every: dict[str, str] = {}
        per_file: dict[str, dict[str, str]] = {}
        for row in range(self.table.rowCount()):
            key_item, value_item = self.table.item(row, 1), self.table.item(row, 2)
            key = key_item.text().strip() if key_item else ""
            value = value_item.text().strip() if value_item else ""
            combo = self.table.cellWidget(row, 0)
            file = combo.currentData() if isinstance(combo, QComboBox) else None
            if key and value:
                (per_file.setdefault(str(file), {}) if file else every)[key] = value
        return every, per_file
