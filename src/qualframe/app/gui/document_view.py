"""The read-only document view: speaker labels in bold, coded segments in their code colours
(overlaps blended and underlined), a stripe margin naming the codes, hover tooltips.

Highlighting is incremental: after a code is applied or removed only the characters the
changed segments cover are re-formatted, inside one edit block.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QMouseEvent,
    QPalette,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QToolTip, QWidget

from qualframe.app.gui.colors import blend, text_on
from qualframe.app.gui.highlights import HighlightIndex
from qualframe.app.gui.models.codebook_model import SELECTION_MIME
from qualframe.app.gui.offsets import OffsetMap
from qualframe.app.gui.stripes import StripeMargin
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import TurnRecord
from qualframe.coding.corpus.documents import document_text, document_turns
from qualframe.coding.corpus.segments import Highlight, document_highlights
from qualframe.coding.corpus.spans import snap_to_words
from qualframe.coding.export.outgoing import text_for_outside

MenuProvider = Callable[["DocumentView", QMenu, int], None]


def document_font() -> QFont:
    font = QFont()
    font.setFamilies(["Noto Sans", "DejaVu Sans", "Noto Sans CJK KR", "Noto Color Emoji"])
    font.setPointSizeF(10.5)
    return font


class DocumentView(QPlainTextEdit):
    segmentActivated = Signal(str)  # a segment was selected (stripe click)
    documentOpened = Signal(str)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.document_guid: str | None = None
        self.document_name = ""
        self.offsets = OffsetMap("")
        self.text = ""
        self.words = 0
        self.index: HighlightIndex | None = None
        self.turns: list[TurnRecord] = []
        self.current_segment: str | None = None
        self.menu_provider: MenuProvider | None = None
        self.snap_words = True  # selections snap to whole words (Code menu option)
        self._formats: dict[tuple[str, bool], QTextCharFormat] = {}
        self.setReadOnly(True)
        self.setTabChangesFocus(True)  # keyboard users move on to the docks with Tab
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setFont(document_font())
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().setUndoRedoEnabled(False)
        self.document().setDocumentMargin(14)
        self.setPlaceholderText("Choose a document in the navigator to start reading.")
        self.margin = StripeMargin(self, self)
        self._margin_width = self.margin.WIDTH
        self.setViewportMargins(0, 0, self._margin_width, 0)
        self.updateRequest.connect(self._on_update_request)
        self._repaint_timer = QTimer(self, singleShot=True, interval=0)
        self._repaint_timer.timeout.connect(self.margin.update)
        self._plain = QTextCharFormat()
        self._plain.setBackground(QColor(0, 0, 0, 0))
        self._plain.setForeground(self.palette().color(QPalette.ColorRole.Text))
        self._plain.setFontUnderline(False)

    # -- loading --------------------------------------------------------------------------
    def clear_document(self) -> None:
        self.document_guid = None
        self.document_name = ""
        self.index = None
        self.turns = []
        self.offsets = OffsetMap("")
        self.text = ""
        self._set_text("")
        self.margin.update()

    def load(self, guid: str, name: str = "") -> str:
        """Show document ``guid`` fully highlighted; returns its text."""
        text = document_text(self.project, guid)
        self.turns = document_turns(self.project, guid)
        self.index = HighlightIndex(document_highlights(self.project, guid))
        self.document_guid = guid
        self.document_name = name
        self.current_segment = None
        self.offsets = OffsetMap(text)
        self.text = text
        self.words = len(text.split())
        self._set_text(text)
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        interviewer = QTextCharFormat()
        interviewer.setFontWeight(QFont.Weight.Bold)
        interviewer.setForeground(QColor("#5F6B7A"))
        for t in self.turns:
            if t.label_end is not None and t.label_end > t.start:
                self._merge(cursor, t.start, t.label_end, interviewer if t.is_interviewer else bold)
        self._paint(cursor, 0, len(text))
        cursor.endEditBlock()
        self.margin.update()
        self.documentOpened.emit(guid)
        return text

    def _set_text(self, text: str) -> None:
        """Replace the text, unformatted.

        ``QPlainTextEdit.setPlainText`` formats the whole new text with the text cursor's
        current character format (Qt keeps "the format for insertion"). After a click below
        the last line, the cursor sits after the document's last character and carries that
        character's format, a coded segment's background when a segment ends there; every
        reload of the document (a code added or deleted) and every document opened after it
        would then be painted in that colour. The cursor's format is reset first, so the
        new text starts plain and only segments are painted."""
        self.setCurrentCharFormat(QTextCharFormat())
        self.setPlainText(text)

    # -- painting -------------------------------------------------------------------------
    def _format(self, colors: tuple[str, ...]) -> QTextCharFormat:
        key = (colors[0] if len(colors) == 1 else "|".join(sorted(colors)), len(colors) > 1)
        fmt = self._formats.get(key)
        if fmt is None:
            bg = QColor(colors[0]) if len(colors) == 1 else blend(colors)
            fmt = QTextCharFormat()
            fmt.setBackground(bg)
            fmt.setForeground(text_on(bg))
            fmt.setFontUnderline(len(colors) > 1)
            if len(colors) > 1:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
                fmt.setUnderlineColor(bg.darker(170))
            self._formats[key] = fmt
        return fmt

    def _merge(self, cursor: QTextCursor, start: int, end: int, fmt: QTextCharFormat) -> None:
        a, b = self.offsets.range_to_qt(start, end)
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)

    def _paint(self, cursor: QTextCursor, start: int, end: int) -> None:
        if self.index is None:
            return
        for a, b, segs in self.index.intervals(start, end):
            self._merge(cursor, a, b, self._format(tuple(h.color for h in segs)))

    def repaint_range(self, start: int, end: int) -> None:
        """Re-format [start, end) from the index (after segments there changed)."""
        if self.index is None or end <= start:
            return
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        self._merge(cursor, start, end, self._plain)
        self._paint(cursor, start, end)
        cursor.endEditBlock()
        self.margin.update()

    def add_highlights(self, items: list[Highlight]) -> None:
        if self.index is None:
            return
        for h in items:
            old = self.index.by_guid.get(h.guid)
            self.index.add(h)
            if old is not None:
                self.repaint_range(min(old.start, h.start), max(old.end, h.end))
            else:
                self.repaint_range(h.start, h.end)

    def remove_highlights(self, guids: set[str] | frozenset[str]) -> None:
        if self.index is None:
            return
        for guid in guids:
            h = self.index.remove(guid)
            if h is not None:
                self.repaint_range(h.start, h.end)
        if self.current_segment in guids:
            self.current_segment = None

    def restyle_codes(self, code_guids: set[str] | frozenset[str], fresh: list[Highlight]) -> None:
        """Replace the highlights of some codes (renamed/recoloured) with ``fresh`` ones."""
        if self.index is None:
            return
        by_guid = {h.guid: h for h in fresh}
        for h in list(self.index.items):
            if h.code_guid in code_guids and h.guid in by_guid:
                self.index.add(by_guid[h.guid])
                self.repaint_range(h.start, h.end)

    # -- geometry -------------------------------------------------------------------------
    def visible_range(self) -> tuple[int, int]:
        vp = self.viewport()
        top = self.cursorForPosition(QPoint(0, 0)).position()
        bottom = self.cursorForPosition(QPoint(vp.width(), vp.height())).position()
        return self.offsets.to_store(top), self.offsets.to_store(bottom) + 1

    def y_of(self, cp: int, *, top: bool) -> int:
        """Viewport y of the top (or bottom) of the line holding code point ``cp``."""
        pos = self.offsets.to_qt(cp)
        block = self.document().findBlock(pos)
        if not block.isValid():
            return 0
        geo = self.blockBoundingGeometry(block).translated(self.contentOffset())
        layout = block.layout()
        line = layout.lineForTextPosition(pos - block.position()) if layout else None
        if line is None or not line.isValid():
            return int(geo.top() if top else geo.bottom())
        y = geo.top() + line.y()
        return int(y if top else y + line.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.margin.width_for(event.size().width()) != self._margin_width:
            # not from inside the resize: changing the viewport margins resizes again
            QTimer.singleShot(0, self._fit_margin)
        self._place_margin()

    def _fit_margin(self) -> None:
        wanted = self.margin.width_for(self.width())
        if wanted != self._margin_width:
            self._margin_width = wanted
            self.setViewportMargins(0, 0, wanted, 0)
            self._place_margin()

    def _place_margin(self) -> None:
        vg = self.viewport().geometry()
        self.margin.setGeometry(QRect(vg.right() + 1, vg.top(), self._margin_width, vg.height()))

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        self._repaint_timer.start()

    # -- selection ------------------------------------------------------------------------
    def selected_range(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        a, b = self.offsets.range_to_store(cursor.selectionStart(), cursor.selectionEnd())
        return (a, b) if b > a else None

    def coding_range(self) -> tuple[int, int] | None:
        """The selection as it is coded: white space and line breaks at either end are left
        out (a drag to the end of a line takes the line break), and with ``snap_words`` a
        word cut at either end is taken whole; None when nothing is left."""
        rng = self.selected_range()
        if rng is None:
            return None
        a, b = rng
        text = self.text
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a and self.snap_words:
            a, b = snap_to_words(text, a, b)
        return (a, b) if b > a else None

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        """A selection made with the mouse snaps to whole words when it is let go, so the
        analyst sees exactly what will be coded."""
        super().mouseReleaseEvent(e)
        if self.snap_words and e.button() == Qt.MouseButton.LeftButton:
            self.snap_selection()

    def snap_selection(self) -> None:
        rng = self.selected_range()
        if rng is None:
            return
        a, b = snap_to_words(self.text, *rng)
        if (a, b) == rng:
            return
        cursor = self.textCursor()
        forward = cursor.position() >= cursor.anchor()
        qa, qb = self.offsets.range_to_qt(a, b)
        cursor.setPosition(qa if forward else qb)
        cursor.setPosition(qb if forward else qa, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def select_range(self, start: int, end: int) -> None:
        a, b = self.offsets.range_to_qt(start, end)
        cursor = self.textCursor()
        cursor.setPosition(b)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        cursor.setPosition(a, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.centerCursor()

    def select_segment(self, guid: str) -> None:
        if self.index is None or guid not in self.index.by_guid:
            return
        h = self.index.by_guid[guid]
        self.current_segment = guid
        self.select_range(h.start, h.end)
        self.segmentActivated.emit(guid)

    def cursor_cp(self) -> int:
        return self.offsets.to_store(self.textCursor().position())

    def top_position(self) -> int:
        return self.offsets.to_store(self.cursorForPosition(QPoint(4, 4)).position())

    def scroll_to(self, cp: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(min(self.offsets.to_qt(cp), self.document().characterCount() - 1))
        self.setTextCursor(cursor)
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
        self.ensureCursorVisible()

    def segments_here(self) -> list[Highlight]:
        """Segments under the selection, or at the cursor when nothing is selected."""
        if self.index is None:
            return []
        rng = self.selected_range()
        if rng is None:
            pos = self.cursor_cp()
            return self.index.at(pos)
        return self.index.overlapping(*rng)

    # -- tooltips, menus, drag ------------------------------------------------------------
    def tooltip_for(self, items: list[Highlight]) -> str:
        rows = []
        for h in items:
            memo = f"<br><i>Memo:</i> {html.escape(h.memo)}" if h.memo else ""
            rows.append(
                f"<span style='color:{h.color}'>&#9632;</span> <b>{html.escape(h.code_path)}</b>"
                f"<br>coded by {html.escape(h.coder)}{memo}"
            )
        return "<hr>".join(rows)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and self.index is not None:
            pos = self.viewport().mapFromGlobal(e.globalPos())  # type: ignore[attr-defined]
            cursor = self.cursorForPosition(pos)
            items = self.index.at(self.offsets.to_store(cursor.position()))
            if items:
                QToolTip.showText(e.globalPos(), self.tooltip_for(items), self)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
            return True
        return super().event(e)

    def contextMenuEvent(self, e: QContextMenuEvent) -> None:
        menu = QMenu(self)
        cursor = self.cursorForPosition(e.pos())
        if not self.textCursor().hasSelection():
            self.setTextCursor(cursor)
        if self.menu_provider is not None:
            self.menu_provider(self, menu, self.offsets.to_store(cursor.position()))
        menu.addSeparator()
        menu.addAction("Copy", self.copy).setEnabled(self.textCursor().hasSelection())
        menu.exec(e.globalPos())
        menu.deleteLater()

    def createMimeDataFromSelection(self) -> QMimeData:
        mime = QMimeData()  # the base class's mime data reports a fixed list of formats
        # Copy and drag out of the app follow the rule for all text leaving it: pseudonyms
        # for real names, no line a spreadsheet would run as a formula.
        text = self.textCursor().selectedText().replace("\u2029", "\n")
        mime.setText(text_for_outside(self.project, text))
        rng = self.coding_range()
        if rng is not None and self.document_guid:
            payload = {"document": self.document_guid, "start": rng[0], "end": rng[1]}
            mime.setData(SELECTION_MIME, QByteArray(json.dumps(payload).encode("utf-8")))
        return mime
