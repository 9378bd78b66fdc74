"""Helpers for driving the real widgets: answering modal dialogs as a user would, selecting
text in the document view, finding documents and codes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from qualframe.coding.codebook.tree import find_code
from qualframe.coding.core.records import CodeRecord


class Answers:
    """Answers the modal dialogs that open, in order, one handler each (a QTimer polls for
    the next modal widget while the caller's ``exec`` runs). ``seen`` keeps each dialog's
    text, so a test can check what the user was told. Keep the object in a variable while
    the dialogs run (its timer dies with it); a dialog still open after ``patience_s`` is
    closed, so a failing test fails instead of hanging."""

    def __init__(self, *handlers: Callable[[QWidget], None], patience_s: float = 10) -> None:
        import time

        self.handlers = list(handlers)
        self.deadline = time.monotonic() + patience_s
        self.seen: list[str] = []
        self._last: QWidget | None = None
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        import time

        widget = QApplication.activeModalWidget()
        if time.monotonic() > self.deadline:  # never hang a test run on a dialog left open
            self.timer.stop()
            if widget is not None:
                widget.close()
            return
        if widget is None or widget is self._last or not widget.isVisible():
            return
        self._last = widget
        if isinstance(widget, QMessageBox):
            self.seen.append(f"{widget.text()} {widget.informativeText()}".strip())
        if not self.handlers:
            self.timer.stop()
            raise AssertionError(f"an unexpected dialog opened: {self.seen[-1:]}")
        self.handlers.pop(0)(widget)
        if not self.handlers:
            self.timer.stop()

    @property
    def done(self) -> bool:
        return not self.handlers


def click(label_start: str) -> Callable[[QWidget], None]:
    """A handler that clicks the message box button whose text starts with ``label_start``."""

    def handler(box: QWidget) -> None:
        assert isinstance(box, QMessageBox), box
        for b in box.buttons():
            if b.text().replace("&", "").startswith(label_start):
                b.click()
                return
        raise AssertionError(f"no button {label_start!r} in {[b.text() for b in box.buttons()]}")

    return handler


def type_and_accept(text: str) -> Callable[[QWidget], None]:
    """A handler for a QInputDialog: type ``text`` and press OK."""

    def handler(dialog: QWidget) -> None:
        from PySide6.QtWidgets import QInputDialog

        assert isinstance(dialog, QInputDialog), dialog
        dialog.setTextValue(text)
        dialog.accept()

    return handler


def doc_guid(window, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(d.guid for d in window.navigator.documents.by_guid.values() if d.name == name)


def code(project, path: str) -> CodeRecord:  # type: ignore[no-untyped-def]
    rec = find_code(project, path)
    assert rec is not None, path
    return rec


def select_cp(view, start: int, end: int) -> None:  # type: ignore[no-untyped-def]
    """Select code points [start, end) in the document view with a real QTextCursor."""
    a, b = view.offsets.range_to_qt(start, end)
    cursor = view.textCursor()
    cursor.setPosition(a)
    cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)


def select_text(view, text: str, occurrence: int = 0) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    start = -1
    for _ in range(occurrence + 1):
        start = view.text.index(text, start + 1)
    select_cp(view, start, start + len(text))
    return start, start + len(text)


def shown_window(qtbot, project, settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The main window on ``project``, shown and exposed, for a fixture to ``yield from``;
    afterwards the window and the project are closed."""
    from qualframe.app.gui.shell.main_window import MainWindow

    w = MainWindow(project, settings, restore_layout=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()
    project.close()
