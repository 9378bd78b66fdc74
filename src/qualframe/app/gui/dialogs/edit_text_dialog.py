"""Correcting a passage of a document (Documents → Edit text…): the selected passage (or the
word at the cursor) in an editable box between its context, and, as you type, what the edit
will do to the coded segments — how many move, which are adjusted, which the edit deletes
entirely (listed, and named on the button). The edit is one undoable command, recorded in the
audit trail with the text before and after. While the window shows only some coders' work
(blind coding), only their segments are counted and listed, and a line says that the other
coders' segments move, are adjusted or removed the same way."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.dialogs.common import ok_cancel
from qualframe.coding.commands import EditDocumentText
from qualframe.coding.commands.document_commands import plan_text_edit
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.text_edit import TextEditPlan
from qualframe.storage.errors import ProjectError

CONTEXT = 160


def word_at(text: str, pos: int) -> tuple[int, int]:
    """The word around code point ``pos`` (letters, digits, marks and apostrophes); an empty
    range at ``pos`` when there is none."""

    def inside(i: int) -> bool:
        return 0 <= i < len(text) and (text[i].isalnum() or text[i] in "'’-_")

    start = end = pos
    while inside(start - 1):
        start -= 1
    while inside(end):
        end += 1
    return start, end


class EditTextDialog(QDialog):
    def __init__(
        self,
        project: Project,
        document_guid: str,
        document_name: str,
        text: str,
        start: int,
        end: int,
        parent: QWidget | None = None,
        *,
        coders: frozenset[str] | None = None,
    ) -> None:
        """``coders``: list only these coders' segments (None: everyone's)."""
        super().__init__(parent)
        self.setWindowTitle(f"Edit text — {document_name}")
        self.project = project
        self.coders = coders
        self.document_guid = document_guid
        self.start, self.end = start, end
        self.plan: TextEditPlan | None = None
        self.text = text
        self.original = text[start:end]
        intro = QLabel(
            "Correct the passage (for example a typo in the transcript). Everything coded "
            "after it moves with the text, so no coding is lost; the change is recorded with "
            "the text before and after, and Edit → Undo reverses it."
        )
        intro.setWordWrap(True)
        before = QLabel(self._context(text[max(0, start - CONTEXT) : start], left=True))
        after = QLabel(self._context(text[end : end + CONTEXT], left=False))
        for label in (before, after):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
        shown = " ".join(self.original.split())
        was = QLabel(
            f"Replaces: “{html.escape(shown[:200])}”"
            if shown
            else "Inserts new text at the cursor."
        )
        was.setTextFormat(Qt.TextFormat.RichText)
        was.setWordWrap(True)
        self.editor = self._build_editor(self.original)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.buttons = ok_cancel(self)
        lay = QVBoxLayout(self)
        for w in (intro, was, before, self.editor, after, self.preview):
            lay.addWidget(w)
        lay.addStretch(1)
        lay.addWidget(self.buttons)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.update_preview)
        self.editor.textChanged.connect(self._timer.start)
        self.resize(620, 380)
        self.update_preview()
        self.editor.setFocus()
        self.editor.selectAll()

    @staticmethod
    def _build_editor(text: str) -> QPlainTextEdit:
        editor = QPlainTextEdit(text)
        editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        editor.setTabChangesFocus(True)
        line = editor.fontMetrics().height()
        editor.setMinimumHeight(3 * line + 16)
        editor.setMaximumHeight(8 * line + 16)
        return editor

    @staticmethod
    def _context(part: str, *, left: bool) -> str:
        body = html.escape(" ".join(part.split()))
        if not body:
            return ""
        shown = f"…{body}" if left else f"{body}…"
        return f"<span style='color:palette(placeholder-text)'>{shown}</span>"

    def _after_edit(self, start: int, end: int, plan: TextEditPlan) -> str:
        """What an adjusted segment will cover once the edit is made."""
        from qualframe.coding.corpus.text_edit import map_end, map_start

        text = self.text
        whole = text[: plan.start] + plan.new_text + text[plan.end :]
        n = len(plan.new_text)
        return whole[
            map_start(start, plan.start, plan.end, n) : map_end(end, plan.start, plan.end, n)
        ]

    def new_text(self) -> str:
        return self.editor.toPlainText()

    def command(self) -> EditDocumentText:
        return EditDocumentText(self.document_guid, self.start, self.end, self.new_text())

    def update_preview(self) -> None:
        """Recompute what the edit would do, and say it (or why it cannot be made)."""
        self._timer.stop()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            plan = plan_text_edit(self.project, self.document_guid, self.start, self.end,
                                  self.new_text())  # fmt: skip
        except ProjectError as exc:
            self.plan = None
            unchanged = self.new_text() == self.original
            self.preview.setText("" if unchanged else f"<span style='color:#B00020'>"
                                 f"{html.escape(str(exc))}</span>")  # fmt: skip
            ok.setEnabled(False)
            ok.setText("Edit text")
            return
        self.plan = plan
        adjusted, removed = plan.adjusted, plan.removed
        whose: str | None = None
        if self.coders is None:
            lines = [html.escape(plan.summary())]
        else:
            adjusted = tuple(seg for seg in adjusted if seg.coder in self.coders)
            removed = tuple(seg for seg in removed if seg.coder in self.coders)
            whose = "your" if self.coders == {self.project.coder} else "the shown coders'"
            lines = [html.escape(
                f"Everything coded after the edit moves with the text; {len(adjusted)} of "
                f"{whose} segments overlapping it {'is' if len(adjusted) == 1 else 'are'} "
                f"adjusted and {len(removed)} removed. The other coders' segments here are "
                "adjusted or removed the same way (not listed while their work is hidden)."
            )]  # fmt: skip
        for seg in adjusted:
            now = " ".join(self._after_edit(seg.start, seg.end, plan).split())
            lines.append(f"Adjusted: {html.escape(seg.code_path)} — “{html.escape(now[:120])}”")
        for seg in removed:
            quote = " ".join(seg.text.split())
            lines.append(
                f"<span style='color:#B00020'>Removed: {html.escape(seg.code_path)} — "
                f"“{html.escape(quote[:120])}”</span>"
            )
        self.preview.setText("<br>".join(lines))
        ok.setEnabled(not self.project.read_only)
        n = len(removed)
        counted = (
            f"{n} segment{'s' if n != 1 else ''}" if whose is None else f"{n} of {whose} segments"
        )
        ok.setText(f"Edit text and remove {counted}" if n else "Edit text")
