"""Undoable commands: Qt-free objects with ``do`` and ``undo``, each returning a ``Change``.

The package's face lists every command, so callers write ``commands.ApplyCode(...)``; the
history that runs them is :class:`~qualframe.coding.commands.history.UndoStack`.
"""

from qualframe.coding.commands.codebook_commands import (
    AddCode,
    DeleteCode,
    EditCodeDetails,
    LoadTemplate,
    MergeCodes,
    MoveCode,
    RecolourCode,
    RenameCode,
)
from qualframe.coding.commands.history import UndoStack
from qualframe.coding.commands.segment_commands import (
    ApplyCode,
    ApplyCodeMany,
    RemoveSegment,
    ResizeSegment,
    SetExemplar,
    SetSegmentMemo,
)
from qualframe.coding.core.command import Command

__all__ = [
    "AddCode",
    "ApplyCode",
    "ApplyCodeMany",
    "Command",
    "DeleteCode",
    "EditCodeDetails",
    "LoadTemplate",
    "MergeCodes",
    "MoveCode",
    "RecolourCode",
    "RemoveSegment",
    "RenameCode",
    "ResizeSegment",
    "SetExemplar",
    "SetSegmentMemo",
    "UndoStack",
]
