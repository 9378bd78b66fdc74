"""Importing transcripts and survey exports (pure Python, no Qt).

``preview_files`` parses files and says what they hold; ``import_files`` stores them in one
transaction. See ``docs/import-conventions.md`` for the conventions recognised.
"""

from __future__ import annotations

from qualframe.coding.importing.errors import ImportCancelled, ImportRefused
from qualframe.coding.importing.model import (
    ColumnInfo,
    FilePreview,
    ImportOptions,
    ImportReport,
    SpeakerInfo,
)
from qualframe.coding.importing.service import file_kind, import_files, preview_files
from qualframe.coding.importing.speakers import DEFAULT_INTERVIEWERS
from qualframe.coding.importing.survey import TYPES as COLUMN_TYPES

FileReport = FilePreview

__all__ = [
    "COLUMN_TYPES",
    "DEFAULT_INTERVIEWERS",
    "ColumnInfo",
    "FilePreview",
    "FileReport",
    "ImportCancelled",
    "ImportOptions",
    "ImportRefused",
    "ImportReport",
    "SpeakerInfo",
    "file_kind",
    "import_files",
    "preview_files",
]
