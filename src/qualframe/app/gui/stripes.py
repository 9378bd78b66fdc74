"""The coding-stripe margin beside the document view (NVivo/MAXQDA style).

Each code has its own column: every segment of the code is a bar in the code's colour in
that column, running beside the lines it covers (codes that overlap somewhere never share a
column). The code's name is written beside the bar's first line; a segment with a memo has a
small memo marker at the top of its bar. Hovering a bar, a name or a marker shows code path,
coder and memo; clicking one selects the segment in the text.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QToolTip, QWidget

from qualframe.app.gui.colors import label_color
from qualframe.app.gui.highlights import HighlightIndex
from qualframe.coding.corpus.segments import Highlight


class StripedView(Protocol):
    """What the margin needs of the document view beside it (the view owns the margin)."""

    @property
    def index(self) -> HighlightIndex | None: ...

    def visible_range(self) -> tuple[int, int]: ...

    def y_of(self, cp: int, *, top: bool) -> int: ...

    def select_segment(self, guid: str) -> None: ...

    def tooltip_for(self, items: list[Highlight]) -> str: ...


LANE = 7
BAR = 4
PAD = 6


class StripeMargin(QWidget):
    WIDTH = 180  # at most; a narrow document view gives it less (see ``width_for``)
    MIN_WIDTH = 96

    @classmethod
    def width_for(cls, view_width: int) -> int:
        """The margin's width beside a view ``view_width`` wide: a fifth of it, between
        MIN_WIDTH and WIDTH, so the reading column keeps most of a narrow window."""
        return max(cls.MIN_WIDTH, min(cls.WIDTH, view_width // 5))

    def __init__(self, view: StripedView, parent: QWidget) -> None:
        super().__init__(parent)
        self.view = view
        self.setMouseTracking(True)
        self._hits: list[tuple[QRect, str]] = []
        self.memo_marks: list[tuple[QRect, str]] = []  # (marker, segment guid), as painted

    def sizeHint(self) -> QSize:
        return QSize(self.WIDTH, 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(self.rect(), pal.alternateBase())
        p.setPen(pal.mid().color())
        p.drawLine(0, 0, 0, self.height())
        self._hits = []
        self.memo_marks = []
        view = self.view
        index = view.index
        if index is None or not len(index):
            p.end()
            return
        vis_start, vis_end = view.visible_range()
        segs = index.overlapping(vis_start, vis_end)
        if not segs:
            p.end()
            return
        lanes = [index.lanes.get(h.guid, 0) for h in segs]
        nlanes = max(lanes) + 1
        # Many overlapping codes: narrower lanes, so the names beside them stay legible.
        lane_w = LANE if nlanes <= 4 else max(3, min(LANE, (self.width() // 4) // nlanes))
        bar_w = max(2, min(BAR, lane_w - 2))
        label_x = PAD + nlanes * lane_w + 4
        fm = QFontMetrics(self.font())
        next_label_y = -10_000
        height = self.height()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        for h, lane in zip(segs, lanes, strict=True):
            top = view.y_of(h.start, top=True) if h.start >= vis_start else -2
            bottom = (
                view.y_of(max(h.start, h.end - 1), top=False) if h.end <= vis_end else height + 2
            )
            x = PAD + lane * lane_w
            color = QColor(h.color)
            rect = QRect(x, top + 1, bar_w, max(4, bottom - top - 2))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color.darker(115))
            p.drawRoundedRect(rect, 1.5, 1.5)
            self._hits.append((rect.adjusted(-2, 0, 2, 0), h.guid))
            if h.memo and h.start >= vis_start:
                self._memo_mark(p, QRect(x - 3, top + 1, 10, 10), h.guid)
            if h.start >= vis_start:
                y = max(top, next_label_y)
                if y < height:
                    text = fm.elidedText(
                        h.code_name, Qt.TextElideMode.ElideRight, self.width() - label_x - 4
                    )
                    lrect = QRect(label_x, y, self.width() - label_x - 2, fm.height())
                    p.setPen(label_color(h.color))
                    p.drawText(
                        lrect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text
                    )
                    p.setPen(color.darker(115))
                    p.drawLine(x + bar_w, top + 1, label_x - 2, y + fm.height() // 2)
                    self._hits.append((lrect, h.guid))
                    next_label_y = y + fm.height()
        p.end()

    def _memo_mark(self, p: QPainter, rect: QRect, guid: str) -> None:
        """A memo marker: a small white square with a dark edge over the top of the bar."""
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # crisp at this size
        p.setPen(QColor("#263238"))
        p.setBrush(QColor("#FFFFFF"))
        p.drawRect(rect.adjusted(0, 0, -1, -1))
        p.drawLine(rect.left() + 2, rect.center().y(), rect.right() - 2, rect.center().y())
        p.restore()
        self.memo_marks.append((rect, guid))
        self._hits.append((rect, guid))

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            guid = self.segment_at(e.pos())
            index = self.view.index
            if guid and index is not None and guid in index.by_guid:
                QToolTip.showText(e.globalPos(), self.view.tooltip_for([index.by_guid[guid]]), self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def segment_at(self, pos: QPoint) -> str | None:
        for rect, guid in reversed(self._hits):
            if rect.contains(pos):
                return guid
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        guid = self.segment_at(event.position().toPoint())
        if guid is not None and event.button() == Qt.MouseButton.LeftButton:
            self.view.select_segment(guid)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        guid = self.segment_at(event.position().toPoint())
        self.setCursor(Qt.CursorShape.PointingHandCursor if guid else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)
