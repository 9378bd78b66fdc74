"""Undo belongs to the domain: one generic ``QUndoCommand`` around any ``coding`` command.

:class:`UndoController` runs a command's ``do`` first; only when it succeeds is the command
pushed on the ``QUndoStack`` (a ``UserError`` is reported and nothing is pushed). Undo and redo
call the command's ``undo``/``do``. After every do/undo the controller calls ``emit`` once
with the :class:`~coding.changes.Change`; the main window turns that into its ``changed``
signal.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from qualframe.app.gui.tasks import run_with_progress
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.project import Project
from qualframe.storage.errors import ProjectError

Emit = Callable[[Change], None]
Report = Callable[[str], None]


class DomainCommand(QUndoCommand):
    """Adapter: a ``coding.commands.Command`` on a ``QUndoStack``."""

    def __init__(self, controller: UndoController, command: Command) -> None:
        super().__init__(command.text)
        self.controller = controller
        self.command = command
        self._first = True  # already done by UndoController.push

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.controller.run(self.command.do)
        self.setText(self.command.text)

    def undo(self) -> None:
        self.controller.run(self.command.undo)


class UndoController:
    def __init__(self, project: Project, emit: Emit, report: Report) -> None:
        self.project = project
        self.stack = QUndoStack()
        self.stack.setUndoLimit(500)
        self._emit = emit
        self._report = report

    def push(
        self, command: Command, *, long_title: str | None = None, parent: QWidget | None = None
    ) -> Change | None:
        """Do ``command``; on success push it (for undo) and return its change. With
        ``long_title`` the work runs off the GUI thread behind a progress dialog."""
        try:
            if long_title is not None:
                change = run_with_progress(parent, long_title, lambda _p: command.do(self.project))
            else:
                change = command.do(self.project)
        except ProjectError as exc:
            self.project.forget_cached_ids()
            self._report(str(exc))
            return None
        self.stack.push(DomainCommand(self, command))
        self._emit(change)
        return change

    def run(self, step: Callable[[Project], Change]) -> None:
        try:
            change = step(self.project)
        except ProjectError as exc:
            self.project.forget_cached_ids()
            self._report(str(exc))
            return
        self._emit(change)
