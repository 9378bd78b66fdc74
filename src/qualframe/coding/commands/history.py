"""The one undo history: a linear, Qt-free stack of commands. The GUI shows it through a
thin ``QUndoStack`` adapter; scripts and tests use it directly."""

from __future__ import annotations

from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project


# -- a Qt-free stack -------------------------------------------------------------------------------
class UndoStack:
    """Linear undo/redo history for scripts and tests (the GUI uses ``QUndoStack``)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._done: list[Command] = []
        self._undone: list[Command] = []

    def push(self, command: Command) -> Change:
        change = command.do(self.project)
        self._done.append(command)
        self._undone.clear()
        return change

    def undo(self) -> Change:
        if not self._done:
            raise UserError("There is nothing to undo.")
        command = self._done.pop()
        change = command.undo(self.project)
        self._undone.append(command)
        return change

    def redo(self) -> Change:
        if not self._undone:
            raise UserError("There is nothing to redo.")
        command = self._undone.pop()
        change = command.do(self.project)
        self._done.append(command)
        return change

    @property
    def undo_text(self) -> str | None:
        return self._done[-1].text if self._done else None

    @property
    def redo_text(self) -> str | None:
        return self._undone[-1].text if self._undone else None
