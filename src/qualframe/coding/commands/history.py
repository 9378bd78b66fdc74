"""The one undo history: a linear, Qt-free list of commands and an index into it.

``commands[:index]`` are done, ``commands[index:]`` were undone and can be redone. The GUI
shows this history through a thin adapter (``app/gui/undo.py``: Edit → Undo/Redo and the
Undo history view); the command line, scripts and tests use it directly.

Guarantees:

- a command whose ``do`` fails is not recorded (and the redo list is kept);
- a failed undo or redo leaves the index where it was; the command's own transaction rolls
  back, so the project is unchanged too (a group of commands, see :meth:`begin_group`, puts
  back the members it had already undone or redone);
- listeners are called (with no arguments) after every change of the history: push, undo,
  redo, clean, clear. They may be called on the thread that ran the command;
- an undo or redo is recorded in the audit trail as such (``Project.history_step``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.live import announce
from qualframe.coding.core.project import Project

Listener = Callable[[], None]
DEFAULT_LIMIT = 500


@dataclass
class CommandGroup(Command):
    """Several commands undone and redone as one step (e.g. "new code from selection": add
    the code, then apply it). Built by :meth:`UndoStack.begin_group`; each member keeps its
    own transaction."""

    title: str
    members: list[Command] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = self.title

    def do(self, project: Project) -> Change:
        return self._run(project, self.members, redo=True)

    def undo(self, project: Project) -> Change:
        return self._run(project, list(reversed(self.members)), redo=False)

    @staticmethod
    def _run(project: Project, order: list[Command], *, redo: bool) -> Change:
        done: list[Command] = []
        changes: list[Change] = []
        try:
            for command in order:
                changes.append(command.do(project) if redo else command.undo(project))
                done.append(command)
        except Exception:
            # Put back what this group already did, so that a failed step changes nothing.
            for command in reversed(done):
                if redo:
                    command.undo(project)
                else:
                    command.do(project)
            raise
        if not changes:
            return Change("group")
        merged = changes[0]
        for change in changes[1:]:
            merged = merged.merged(change)
        return merged


class UndoStack:
    """Linear undo/redo history of one project (see the module docstring)."""

    def __init__(self, project: Project, *, limit: int = DEFAULT_LIMIT) -> None:
        self.project = project
        self.limit = limit
        self._commands: list[Command] = []
        self._index = 0
        self._clean: int | None = 0
        self._listeners: list[Listener] = []
        self._group: CommandGroup | None = None

    # -- state ------------------------------------------------------------------------------
    @property
    def index(self) -> int:
        """How many commands are done (the position between the done and the undone)."""
        return self._index

    def __len__(self) -> int:
        return len(self._commands)

    @property
    def can_undo(self) -> bool:
        return self._index > 0 and self._group is None

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._commands) and self._group is None

    @property
    def undo_text(self) -> str | None:
        return self._commands[self._index - 1].text if self._index > 0 else None

    @property
    def redo_text(self) -> str | None:
        return self._commands[self._index].text if self.can_redo else None

    @property
    def undo_command(self) -> Command | None:
        """The command the next undo takes back (None when there is none)."""
        return self._commands[self._index - 1] if self._index > 0 else None

    @property
    def redo_command(self) -> Command | None:
        """The command the next redo does again (None when there is none)."""
        return self._commands[self._index] if self._index < len(self._commands) else None

    def texts(self) -> list[str]:
        """The text of every command in the history, oldest first."""
        return [c.text for c in self._commands]

    @property
    def is_clean(self) -> bool:
        return self._clean == self._index

    @property
    def clean_index(self) -> int | None:
        """The index marked clean (None once that state was dropped from the history)."""
        return self._clean

    def set_clean(self) -> None:
        self._clean = self._index
        self._notify()

    def clear(self) -> None:
        self._commands.clear()
        self._index = 0
        self._clean = 0
        self._notify()

    # -- listeners ---------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- running commands ----------------------------------------------------------------------
    def push(self, command: Command) -> Change:
        """Do ``command`` and record it (dropping the redo list). If ``do`` raises, nothing is
        recorded and the exception propagates."""
        change = command.do(self.project)
        announce(self.project, change)
        if self._group is not None:
            self._group.members.append(command)
            return change
        self._record(command)
        return change

    def _record(self, command: Command) -> None:
        del self._commands[self._index :]
        if self._clean is not None and self._clean > self._index:
            self._clean = None  # the clean state was in the redo list just dropped
        self._commands.append(command)
        self._index += 1
        overflow = len(self._commands) - self.limit
        if overflow > 0:
            del self._commands[:overflow]
            self._index -= overflow
            if self._clean is not None:
                self._clean = self._clean - overflow if self._clean >= overflow else None
        self._notify()

    def undo(self) -> Change:
        if self._group is not None:
            raise UserError("Finish the current operation before undoing.")
        if self._index == 0:
            raise UserError("There is nothing to undo.")
        command = self._commands[self._index - 1]
        with self.project.history_step("undo", command.text):
            change = command.undo(self.project)
        announce(self.project, change)
        self._index -= 1
        self._notify()
        return change

    def redo(self) -> Change:
        if self._group is not None:
            raise UserError("Finish the current operation before redoing.")
        if self._index >= len(self._commands):
            raise UserError("There is nothing to redo.")
        command = self._commands[self._index]
        with self.project.history_step("redo", command.text):
            change = command.do(self.project)
        announce(self.project, change)
        self._index += 1
        self._notify()
        return change

    def set_index(self, index: int) -> list[Change]:
        """Undo or redo until ``index`` commands are done; returns the changes in order. A
        failure stops there (the steps before it stay done) and propagates."""
        index = max(0, min(index, len(self._commands)))
        changes: list[Change] = []
        while self._index > index:
            changes.append(self.undo())
        while self._index < index:
            changes.append(self.redo())
        return changes

    # -- groups ---------------------------------------------------------------------------------
    def begin_group(self, text: str) -> None:
        """Record the commands pushed until :meth:`end_group` as one step named ``text``."""
        if self._group is not None:
            raise UserError("An operation is already being recorded.")
        self._group = CommandGroup(text)

    def end_group(self) -> None:
        group, self._group = self._group, None
        if group is not None and group.members:
            self._record(group)
