"""Undoable commands: Qt-free objects with ``do`` and ``undo``, each returning a ``Change``.

The package's face lists every command, so callers write ``commands.ApplyCode(...)``; the
history that runs them is :class:`~qualframe.coding.commands.history.UndoStack`.
"""

from qualframe.coding.commands.attribute_import import ImportAttributes
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
from qualframe.coding.commands.document_commands import (
    DeleteDocument,
    EditDocumentText,
    RenameDocument,
)
from qualframe.coding.commands.history import CommandGroup, UndoStack
from qualframe.coding.commands.participant_commands import AddAttribute, SetParticipantAttribute
from qualframe.coding.commands.participant_merge import DeleteParticipant, MergeParticipants
from qualframe.coding.commands.segment_commands import (
    ApplyCode,
    ApplyCodeMany,
    RemoveSegment,
    ResizeSegment,
    SetExemplar,
    SetSegmentMemo,
)
from qualframe.coding.commands.set_commands import (
    AddDocumentSet,
    DeleteDocumentSet,
    RenameDocumentSet,
    SetMembership,
)
from qualframe.coding.core.command import Command
from qualframe.coding.corpus.memos import AddMemo, DeleteMemo, EditMemo

__all__ = [
    "AddAttribute",
    "AddCode",
    "AddDocumentSet",
    "AddMemo",
    "ApplyCode",
    "ApplyCodeMany",
    "Command",
    "CommandGroup",
    "DeleteCode",
    "DeleteDocument",
    "DeleteDocumentSet",
    "DeleteMemo",
    "DeleteParticipant",
    "EditCodeDetails",
    "EditDocumentText",
    "EditMemo",
    "ImportAttributes",
    "LoadTemplate",
    "MergeCodes",
    "MergeParticipants",
    "MoveCode",
    "RecolourCode",
    "RemoveSegment",
    "RenameCode",
    "RenameDocument",
    "RenameDocumentSet",
    "ResizeSegment",
    "SetExemplar",
    "SetMembership",
    "SetParticipantAttribute",
    "SetSegmentMemo",
    "UndoStack",
]
