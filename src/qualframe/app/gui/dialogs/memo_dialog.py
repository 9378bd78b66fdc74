"""Editing a memo: a roomy text box whose lines wrap at the window's edge (the stock
multi-line input dialog does not wrap, so a long memo ran off to the right)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class MemoDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, label: str, text: str) -> None:
        super().__init__(parent)
        self.setObjectName("memo_dialog")
        self.setWindowTitle(title)
        self.edit = QPlainTextEdit(text)
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.edit.setTabChangesFocus(True)
        prompt = QLabel(label)
        prompt.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(prompt)
        lay.addWidget(self.edit, 1)
        lay.addWidget(buttons)
        self.resize(520, 300)

    def text(self) -> str:
        return self.edit.toPlainText()


def edit_memo_text(parent: QWidget | None, title: str, label: str, text: str) -> tuple[str, bool]:
    """Like ``QInputDialog.getMultiLineText``, with wrapping lines."""
    dialog = MemoDialog(parent, title, label, text)
    ok = dialog.exec() == QDialog.DialogCode.Accepted
    result = dialog.text()
    dialog.deleteLater()
    return result, ok
