"""Pieces the review workspace and the Disputes list share: a read-only view of a document
that scrolls to a passage and highlights it, and a review thread (verdicts and answers) as
HTML."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtGui import QColor, QResizeEvent, QShowEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from qualframe.app.gui.offsets import OffsetMap
from qualframe.coding.core.records import CodeRecord
from qualframe.coding.review.report import answer_words
from qualframe.coding.review.status import ThreadEntry
from qualframe.coding.trail.log import to_local

VERBS = {"agree": "agreed", "dispute": "disputed", "comment": "commented", "answer": "answered"}
COLOURS = {"agree": "#2E7D32", "dispute": "#AD1457", "comment": "#1565C0", "answer": "#6D4C41"}


class PassageView(QPlainTextEdit):
    """A document, read-only, with one passage highlighted and scrolled into the middle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setPlaceholderText("The passage appears here, in its document.")
        self.document_guid: str | None = None
        self.range: tuple[int, int] | None = None
        self._offsets = OffsetMap("")

    def show_passage(
        self, document_guid: str, text: str, start: int, end: int, colour: str
    ) -> None:
        if document_guid != self.document_guid:
            self.setPlainText(text)
            self.document_guid = document_guid
            self._offsets = OffsetMap(text)
        self.range = (start, end)
        a, b = self._offsets.to_qt(start), self._offsets.to_qt(end)
        cursor = self.textCursor()
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        mark = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(colour).lighter(115))
        mark.format = fmt  # type: ignore[attr-defined]
        mark.cursor = cursor  # type: ignore[attr-defined]
        self.setExtraSelections([mark])
        # centre the passage: scroll to its end, then its start, then centre
        end_cursor = self.textCursor()
        end_cursor.setPosition(b)
        self.setTextCursor(end_cursor)
        start_cursor = self.textCursor()
        start_cursor.setPosition(a)
        self.setTextCursor(start_cursor)
        self.centerCursor()

    def _recentre(self) -> None:
        if self.range is not None:
            cursor = self.textCursor()
            cursor.setPosition(self._offsets.to_qt(self.range[0]))
            self.setTextCursor(cursor)
            self.centerCursor()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._recentre()  # scrolling while hidden does not stick

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._recentre()

    def clear_passage(self) -> None:
        self.setPlainText("")
        self.document_guid, self.range = None, None
        self.setExtraSelections([])

    def selected_text(self) -> str:
        """The highlighted passage, as the widget holds it."""
        marks = self.extraSelections()
        if not marks:
            return ""
        text: str = marks[0].cursor.selectedText()  # type: ignore[attr-defined]
        return text.replace("\u2029", "\n")


def thread_html(thread: Sequence[ThreadEntry]) -> str:
    """A thread, oldest first: who did what when, the comment or the answer."""
    if not thread:
        return "<p style='color:#757575'>No verdict yet.</p>"
    out = []
    for e in thread:
        colour = COLOURS.get(e.kind, "#000000")
        head = (
            f"<b style='color:{colour}'>{html.escape(e.author)} {VERBS.get(e.kind, e.kind)}</b> "
            f"<span style='color:#757575'>{to_local(e.at):%Y-%m-%d %H:%M}</span>"
        )
        body = answer_words(e).rsplit(" (", 1)[0] if e.kind == "answer" else e.text
        text = f"<br>{html.escape(body)}" if body else ""
        out.append(f"<p style='margin:0 0 6px 0'>{head}{text}</p>")
    return "".join(out)


def code_html(code: CodeRecord | None) -> str:
    """A code's path, definition and criteria, for reading beside a passage."""
    if code is None:
        return "<p style='color:#757575'>Choose a segment to see its code.</p>"
    parts = [f"<p style='margin:0 0 6px 0'><b>{html.escape(code.path_text)}</b></p>"]
    for label, value in (
        ("Definition", code.definition), ("Include when", code.inclusion),
        ("Exclude when", code.exclusion), ("Example", code.example),
    ):  # fmt: skip
        shown = html.escape(value) if value.strip() else "<i style='color:#9E9E9E'>none written</i>"
        parts.append(f"<p style='margin:0 0 4px 0'><b>{label}:</b> {shown}</p>")
    return "".join(parts)
