"""The content of a REFI-QDA project or codebook as plain data.

The reader (``qde_read``) fills these from XML, the writer (``qde_write``) turns them into
XML, and the database side (``refi_import``, ``refi_export``) maps them to and from a
project. Nothing here touches a file or a database. GUIDs are kept in their canonical form
(lower case, hyphenated, no braces); REFI-QDA compares them without regard to case.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

#: uuid5 namespace for GUIDs Qualframe derives (a coding's from its segment's, a case's for an
#: interviewer label, …), so that derived GUIDs are the same in every export.
QUALFRAME_NS = uuid.UUID("6f1c4a52-3b0e-4e43-9a57-0d1f6c2b7e10")


def derived_guid(*parts: str) -> str:
    return str(uuid.uuid5(QUALFRAME_NS, "\x1f".join(parts)))


def canonical_guid(value: str | None) -> str | None:
    """``value`` as a canonical GUID, or None when it is not one."""
    if not value:
        return None
    text = value.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    if len(text) != 36:
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


@dataclass
class User:
    guid: str
    name: str | None = None
    id: str | None = None


@dataclass
class Code:
    guid: str
    name: str
    is_codable: bool = True
    color: str | None = None
    description: str | None = None
    note_refs: list[str] = field(default_factory=list)
    children: list[Code] = field(default_factory=list)

    def walk(self) -> list[Code]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass
class Variable:
    guid: str
    name: str
    type: str  # Text, Boolean, Integer, Float, Date, DateTime
    description: str | None = None


@dataclass
class VariableValue:
    variable_guid: str
    kind: str | None  # TextValue, BooleanValue, … or None when the value is missing
    value: str = ""


@dataclass
class Case:
    guid: str
    name: str | None = None
    description: str | None = None
    code_refs: list[str] = field(default_factory=list)
    values: list[VariableValue] = field(default_factory=list)
    source_refs: list[str] = field(default_factory=list)
    selection_refs: list[str] = field(default_factory=list)


@dataclass
class Coding:
    guid: str
    code_guid: str
    user: str | None = None
    created: str | None = None
    note_refs: list[str] = field(default_factory=list)


@dataclass
class Selection:
    guid: str
    start: int
    end: int
    name: str | None = None
    description: str | None = None
    user: str | None = None
    created: str | None = None
    modifying_user: str | None = None
    modified: str | None = None
    codings: list[Coding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)


@dataclass
class TextSource:
    """A text source (or a PDF's plain-text representation, ``kind="pdf"``)."""

    guid: str
    name: str
    plain_path: str | None = None
    rich_path: str | None = None
    content: str | None = None  # PlainTextContent
    description: str | None = None
    user: str | None = None
    created: str | None = None
    modifying_user: str | None = None
    modified: str | None = None
    selections: list[Selection] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)  # the whole source coded
    note_refs: list[str] = field(default_factory=list)
    values: list[VariableValue] = field(default_factory=list)
    kind: str = "text"


@dataclass
class Note:
    guid: str
    name: str | None = None
    content: str | None = None
    plain_path: str | None = None
    description: str | None = None
    user: str | None = None
    created: str | None = None
    modified: str | None = None


@dataclass
class Set:
    guid: str
    name: str
    description: str | None = None
    member_codes: list[str] = field(default_factory=list)
    member_sources: list[str] = field(default_factory=list)
    member_notes: list[str] = field(default_factory=list)


@dataclass
class Link:
    guid: str
    origin: str | None
    target: str | None
    name: str | None = None


@dataclass
class Project:
    name: str
    origin: str | None = None
    creating_user: str | None = None
    created: str | None = None
    modifying_user: str | None = None
    modified: str | None = None
    users: list[User] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    sources: list[TextSource] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    sets: list[Set] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    description: str | None = None
    note_refs: list[str] = field(default_factory=list)
    #: what the reader met and left out, e.g. {"PictureSource": 2, "Graph": 1}
    unsupported: dict[str, int] = field(default_factory=dict)
    #: GUIDs that were missing or malformed and were replaced, by element
    repaired_guids: int = 0

    def all_codes(self) -> list[Code]:
        return [c for root in self.codes for c in root.walk()]


@dataclass
class Codebook:
    origin: str | None = None
    codes: list[Code] = field(default_factory=list)
    sets: list[Set] = field(default_factory=list)
    namespace: str | None = None
    repaired_guids: int = 0

    def all_codes(self) -> list[Code]:
        return [c for root in self.codes for c in root.walk()]
