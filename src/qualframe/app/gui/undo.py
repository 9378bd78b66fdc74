"""The GUI's face of the one undo history (``coding.commands.UndoStack``): Edit → Undo and
Redo actions that name what they will undo and are enabled only when they can, and the
signal the Undo history view listens to.

:class:`UndoHistory` runs every command through the Qt-free stack: ``push`` does the command
(on the worker thread of ``tasks.run_with_progress`` when it is long) and records it only when
it succeeds; a refused command, undo or redo is reported in one sentence and changes nothing.
After each of them ``emit`` is called once with the ``Change``; the main window turns that into
its ``changed`` signal.

A step whose commit failed because the server connection was lost (not one refused because
the project was already known to be offline) goes to :attr:`UndoHistory.on_connection_lost`
when set (``app.gui.unsaved``: it names what was not saved and offers it again once the
connection is back); it is not recorded, like any refused step.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from qualframe.app.gui.tasks import run_with_progress
from qualframe.coding.commands import UndoStack
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.concurrency import is_conflict, refresh_change
from qualframe.coding.core.project import Project
from qualframe.storage.errors import ConnectionLostError, ProjectError

Emit = Callable[[Change], None]
Report = Callable[[str], None]
#: (kind: "do" | "undo" | "redo", the command, the failure) -> the sentence to report.
LostHandler = Callable[[str, Command, ConnectionLostError], str]
BUSY = "Wait until the current operation has finished."


def _menu_text(verb: str, text: str | None) -> str:
    return f"&{verb} {text.replace('&', '&&')}" if text else f"&{verb}"


class UndoHistory(QObject):
    historyChanged = Signal()  # the index, the texts or the clean state changed

    def __init__(
        self, project: Project, emit: Emit, report: Report, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.stack = UndoStack(project)
        self._emit = emit
        self._report = report
        self._busy = False
        self.on_connection_lost: LostHandler | None = None
        self.undo_action = QAction("&Undo", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction("&Redo", self)
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.redo_action.triggered.connect(self.redo)
        # The stack may call its listeners on the worker thread: a signal crosses to the GUI
        # thread (queued) before any action is touched.
        self.stack.add_listener(self.historyChanged.emit)
        self.historyChanged.connect(self._update_actions)
        self._update_actions()

    # -- state ------------------------------------------------------------------------------
    @property
    def index(self) -> int:
        return self.stack.index

    def texts(self) -> list[str]:
        return self.stack.texts()

    def _update_actions(self) -> None:
        stack = self.stack
        self.undo_action.setEnabled(stack.can_undo and not self._busy)
        self.redo_action.setEnabled(stack.can_redo and not self._busy)
        self.undo_action.setText(_menu_text("Undo", stack.undo_text))
        self.redo_action.setText(_menu_text("Redo", stack.redo_text))

    # -- running ----------------------------------------------------------------------------
    def push(
        self, command: Command, *, long_title: str | None = None, parent: QWidget | None = None
    ) -> Change | None:
        """Do ``command`` and record it; its change, or None when it was refused. With
        ``long_title`` the work runs off the GUI thread behind a progress dialog."""
        if long_title is None:
            return self._run(lambda: self.stack.push(command), ("do", command))
        return self._run(
            lambda: run_with_progress(parent, long_title, lambda _p: self.stack.push(command)),
            ("do", command),
        )

    def undo(self) -> Change | None:
        command = self.stack.undo_command
        if not self.stack.can_undo or command is None:
            return None
        return self._run(self.stack.undo, ("undo", command))

    def redo(self) -> Change | None:
        command = self.stack.redo_command
        if not self.stack.can_redo or command is None:
            return None
        return self._run(self.stack.redo, ("redo", command))

    def set_index(self, index: int) -> None:
        """Undo or redo step by step until ``index`` commands are done (the history view);
        stops at a step that is refused."""
        while self.stack.index > index and self.undo() is not None:
            pass
        while self.stack.index < index and self.redo() is not None:
            pass

    def _run(self, step: Callable[[], Change], what: tuple[str, Command]) -> Change | None:
        if self._busy:
            self._report(BUSY)
            return None
        self._busy = True
        self._update_actions()
        was_online = self.project.offline_reason is None
        try:
            change = step()
        except ProjectError as exc:
            self.project.forget_cached_ids()
            lost = self.on_connection_lost
            if isinstance(exc, ConnectionLostError) and was_online and lost is not None:
                self._report(lost(what[0], what[1], exc))  # in flight when the server went
            else:
                self._report(str(exc))
            if is_conflict(exc):
                # Another coder changed it first: show their version now.
                self._emit(refresh_change())
            return None
        finally:
            self._busy = False
            self._update_actions()
        self._emit(change)
        return change
