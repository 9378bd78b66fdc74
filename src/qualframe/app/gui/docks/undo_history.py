"""Undo history dock: every step of the one history, the current one selected; clicking a
row undoes or redoes up to it (View → Undo history)."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget, QListWidget, QListWidgetItem, QWidget

from qualframe.app.gui.undo import UndoHistory

START = "(as opened)"


class UndoHistoryDock(QDockWidget):
    def __init__(self, history: UndoHistory, parent: QWidget | None = None) -> None:
        super().__init__("Undo history", parent)
        self.setObjectName("undo_history")
        self.history = history
        self.list = QListWidget()
        self.list.setToolTip("Click a step to undo or redo everything up to it")
        self.list.itemClicked.connect(self._clicked)
        self.list.itemActivated.connect(self._clicked)
        self.setWidget(self.list)
        history.historyChanged.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for text in [START, *self.history.texts()]:
            self.list.addItem(QListWidgetItem(text))
        done = self.history.index
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None and row > done:  # undone steps (can be redone) look dimmed
                item.setForeground(self.palette().color(self.palette().ColorRole.PlaceholderText))
        self.list.setCurrentRow(done)
        self.list.blockSignals(False)

    def _clicked(self, item: QListWidgetItem) -> None:
        self.history.set_index(self.list.row(item))
        self.reload()  # a refused step leaves the selection where the history is
