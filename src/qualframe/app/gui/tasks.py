"""Long work off the GUI thread, with a cancellable progress dialog.

One helper for every long operation (imports, exports, big recounts). The work function runs
on a worker thread and reports progress through a callback ``progress(done, total, label)``
that returns ``False`` once the user pressed Cancel; the work should then stop and raise
:class:`Cancelled` (so its transaction rolls back). Results and errors come back to the GUI
thread. Tests call :func:`set_synchronous` to run everything inline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

T = TypeVar("T")
Progress = Callable[[int, int, str], bool]

_synchronous = False


class Cancelled(Exception):
    """Raised by work functions when the user cancelled; nothing was written."""


def set_synchronous(value: bool) -> None:
    """Run tasks inline on the calling thread (for tests)."""
    global _synchronous
    _synchronous = value


class _Worker(QThread):
    progressed = Signal(int, int, str)

    def __init__(self, fn: Callable[[Progress], Any]) -> None:
        super().__init__()
        self._fn = fn
        self.cancel_requested = False
        self.result: Any = None
        self.error: BaseException | None = None

    def _progress(self, done: int, total: int, label: str) -> bool:
        self.progressed.emit(done, total, label)
        return not self.cancel_requested

    def run(self) -> None:
        try:
            self.result = self._fn(self._progress)
        except BaseException as exc:
            self.error = exc


def run_with_progress(
    parent: QWidget | None, title: str, fn: Callable[[Progress], T], *, minimum_ms: int = 300
) -> T:
    """Run ``fn(progress)`` on a worker thread while a modal progress dialog shows.

    Returns its result or re-raises its exception (``Cancelled`` when the user cancelled).
    """
    if _synchronous:
        return fn(lambda done, total, label: True)
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setMinimumDuration(minimum_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    worker = _Worker(fn)

    def on_progress(done: int, total: int, label: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(done)
        if label:
            dialog.setLabelText(f"{title}\n{label}")

    def on_cancel() -> None:
        worker.cancel_requested = True
        dialog.setLabelText("Cancelling…")

    worker.progressed.connect(on_progress)
    dialog.canceled.connect(on_cancel)
    worker.start()
    while not worker.wait(20):
        QApplication.processEvents()
    dialog.close()
    dialog.deleteLater()
    if worker.error is not None:
        raise worker.error
    return worker.result  # type: ignore[no-any-return]


class Relay(QObject):
    """A tiny signal carrier for code that needs to notify the GUI thread."""

    message = Signal(str)


def run_export(parent: QWidget | None, title: str, fn: Callable[[Progress], object]) -> bool:
    """:func:`run_with_progress` for writing a file: True when written; False when the user
    cancelled or the export was refused (the one-sentence reason is shown)."""
    from PySide6.QtWidgets import QMessageBox

    from qualframe.storage.errors import ProjectError

    try:
        run_with_progress(parent, title, fn)
    except Cancelled:
        return False
    except (ProjectError, OSError) as exc:
        QMessageBox.warning(parent, "Qualframe", str(exc))
        return False
    return True
