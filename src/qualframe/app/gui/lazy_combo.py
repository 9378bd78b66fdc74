"""A combo box whose items are computed when it is first opened (or focused).

A project can have thousands of attributes with tens of thousands of values (a survey
export with 10,000 columns); listing every "attribute = value" filter when the window
opens cost more than the rest of the window. The items are read when the user first
looks at them, and read again after :meth:`LazyComboBox.invalidate`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QComboBox, QWidget

Items = Callable[[], Iterable[tuple[str, object]]]


class LazyComboBox(QComboBox):
    def __init__(self, first: str, items: Items, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._first = first
        self._items = items
        self.filled = False
        self.addItem(first, None)

    def invalidate(self) -> None:
        """Forget the items (keeping the current choice) until the box is opened again."""
        data, text = self.currentData(), self.currentText()
        self.blockSignals(True)
        self.clear()
        self.addItem(self._first, None)
        if data is not None:
            self.addItem(text, data)
            self.setCurrentIndex(1)
        self.blockSignals(False)
        self.filled = False

    def fill(self) -> None:
        if self.filled:
            return
        data = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem(self._first, None)
        for label, value in self._items():
            self.addItem(label, value)
        self.setCurrentIndex(max(self.findData(data), 0))
        self.blockSignals(False)
        self.filled = True
        if self.currentData() != data:
            self.currentIndexChanged.emit(self.currentIndex())

    def findText(self, text: str, *args: object) -> int:  # type: ignore[override]
        self.fill()  # looking an item up needs the items
        return super().findText(text, *args)  # type: ignore[arg-type]

    def showPopup(self) -> None:
        self.fill()
        super().showPopup()

    def focusInEvent(self, e: QFocusEvent) -> None:
        self.fill()  # the arrow keys step through the items without opening the list
        super().focusInEvent(e)
