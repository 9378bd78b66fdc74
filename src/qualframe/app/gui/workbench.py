"""The Workbench protocol: all that a dock, view, dialog or action knows of the window it lives
in. They are built from it and from the models they show (napari's ``QtLayerList(root)``),
never from the main window, so each can be built and tested alone with a small fake.

- ``project``: the open project (read-only projects refuse every command);
- ``push(command, long_title=None)``: run an undoable ``coding`` command on the one history
  (off the GUI thread behind a progress dialog when ``long_title`` is given); False, after
  telling the user why, when it was refused;
- ``report(message)``: tell the user about a refusal or an error, in one sentence;
  ``hint(message)``: a gentle note (nothing went wrong);
- ``changed``: the one signal, emitted with the ``Change`` of every command, undo, redo and
  import; each part decides for itself what to refresh;
- ``selection()`` and ``selectionChanged``: the document on show, the current code and the
  selected segment. Siblings learn of each other's choices only through this signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import SignalInstance

from qualframe.coding.core.command import Command
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import CodeRecord


@dataclass(frozen=True)
class Selection:
    document_guid: str | None = None
    code: CodeRecord | None = None
    segment_guid: str | None = None

    @property
    def code_guid(self) -> str | None:
        return self.code.guid if self.code is not None else None


class Workbench(Protocol):
    @property
    def project(self) -> Project: ...

    @property
    def changed(self) -> SignalInstance: ...  # emits a coding Change

    @property
    def selectionChanged(self) -> SignalInstance: ...  # emits a Selection

    def push(self, command: Command, long_title: str | None = None) -> bool: ...

    def report(self, message: str) -> None: ...

    def hint(self, message: str) -> None: ...

    def selection(self) -> Selection: ...
