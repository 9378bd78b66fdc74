"""The command interface: each ``do``/``undo`` runs in one transaction, committed before it
returns, and returns the :class:`~qualframe.coding.core.changes.Change` it made. Commands
remember GUIDs, never ORM objects, so a redo re-creates an entity with the same GUID."""

from __future__ import annotations

from abc import ABC, abstractmethod

from qualframe.coding.core.changes import Change
from qualframe.coding.core.project import Project


class Command(ABC):
    text: str = ""

    @abstractmethod
    def do(self, project: Project) -> Change: ...

    @abstractmethod
    def undo(self, project: Project) -> Change: ...
