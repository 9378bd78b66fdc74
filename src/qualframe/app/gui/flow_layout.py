"""A layout that places its widgets in a row and wraps to the next row when the row is full
(the flow layout of Qt's examples), so that a bar of buttons and combo boxes is never cut
off ("port Exce") in a narrow window: it grows a line instead. A stretch item (``None``)
pushes the items after it to the right end of their row."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QSpacerItem,
    QWidget,
)


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def add_stretch(self) -> None:
        self.addItem(QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        rows: list[list[QLayoutItem]] = [[]]
        x = 0
        for item in self._items:
            if isinstance(item, QSpacerItem):
                rows[-1].append(item)
                continue
            w = item.sizeHint().width()
            if (
                rows[-1]
                and x + w > area.width()
                and any(not isinstance(i, QSpacerItem) for i in rows[-1])
            ):
                rows.append([])
                x = 0
            rows[-1].append(item)
            x += w + self._spacing
        y = area.y()
        for row in rows:
            widgets = [i for i in row if not isinstance(i, QSpacerItem)]
            if not widgets:
                continue
            height = max(i.sizeHint().height() for i in widgets)
            used = sum(i.sizeHint().width() for i in widgets) + self._spacing * (len(widgets) - 1)
            spare = max(0, area.width() - used)
            x = area.x()
            for item in row:
                if isinstance(item, QSpacerItem):
                    x += spare
                    spare = 0
                    continue
                hint = item.sizeHint()
                width = min(hint.width(), area.width())
                if move:
                    top = y + (height - hint.height()) // 2
                    item.setGeometry(QRect(QPoint(x, top), QSize(width, hint.height())))
                x += width + self._spacing
            y += height + self._spacing
        return y - self._spacing - rect.y() + m.bottom()


def side_by_side(*parts: QWidget) -> QWidget:
    """Widgets kept together on one line of a flow layout (a label with its box), with a
    little room after them before the next group."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 6, 0)
    for part in parts:
        row.addWidget(part)
    return box


def labelled(text: str, widget: QWidget) -> QWidget:
    """A label and its control kept together on one line of a flowing bar."""
    pair = QWidget()
    lay = QHBoxLayout(pair)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(QLabel(text))
    lay.addWidget(widget)
    return pair
