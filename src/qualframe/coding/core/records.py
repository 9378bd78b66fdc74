"""Plain, frozen records the ``coding`` layer hands out (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from qualframe.coding.core.codepaths import join_path


@dataclass(frozen=True)
class CodeRecord:
    id: int
    guid: str
    parent_guid: str | None
    name: str
    color: str
    definition: str
    inclusion: str
    exclusion: str
    example: str
    position: int
    path: tuple[str, ...]
    depth: int
    version: int = 1  # the row version read (optimistic concurrency, see RenameCode)

    @property
    def path_text(self) -> str:
        """The path as text; a "/" inside a name is written \\/ (``core.codepaths``)."""
        return join_path(self.path)


class SegmentRecord(NamedTuple):
    """A coded segment with everything a listing shows. A named tuple rather than a frozen
    dataclass: listings make thousands at once, and a frozen dataclass's ``__init__`` (one
    ``object.__setattr__`` per field) took ~11 ms for 5,000 segments, about as long as the
    query that fetched them. Immutable all the same."""

    id: int
    guid: str
    document_guid: str
    document_name: str
    start: int
    end: int
    text: str
    code_guid: str
    code_path: tuple[str, ...]
    code_color: str
    coder: str
    memo: str
    is_exemplar: bool
    speaker: str | None
    participant_guid: str | None
    is_interviewer: bool
    #: The speaker's attribute values (a copy per record).
    attributes: dict[str, str]
    created_at: datetime | None = None

    @property
    def code_path_text(self) -> str:
        return join_path(self.code_path)


@dataclass(frozen=True)
class DocumentRecord:
    id: int
    guid: str
    name: str
    kind: str
    length: int
    original_filename: str | None
    source_encoding: str | None
    imported_at: datetime
    segment_count: int = 0
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParticipantRecord:
    id: int
    guid: str
    pseudonym: str
    real_name: str | None
    is_interviewer: bool
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TurnRecord:
    id: int
    guid: str
    start: int
    end: int
    label: str | None
    label_end: int | None
    is_interviewer: bool
    participant_guid: str | None
    pseudonym: str | None
