"""The codebook's history, rebuilt from the audit trail: the codebook as it stood at any
moment (names, structure, definitions and criteria) and what changed between two moments.

The store records a ``code_state`` event whenever a code is added, removed or changes its
name, place, definition, criteria or example (``storage.trail``); replaying them up to a
moment gives the codebook then. A project upgraded from a version that did not record them
starts its history with the codebook as it stood at the upgrade (``baseline`` states);
earlier moments cannot be shown, and :attr:`CodebookAt.known` says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from qualframe.coding.core.codepaths import join_path
from qualframe.coding.core.project import Project
from qualframe.storage.models import AuditEvent
from qualframe.storage.trail import STATE_ACTION

FIELDS = ("definition", "inclusion", "exclusion", "example")


@dataclass(frozen=True)
class HistoricCode:
    guid: str
    name: str
    parent_guid: str | None
    position: int
    definition: str
    inclusion: str
    exclusion: str
    example: str
    path: tuple[str, ...]

    @property
    def depth(self) -> int:
        return len(self.path) - 1

    @property
    def path_text(self) -> str:
        return join_path(self.path)


@dataclass(frozen=True)
class CodebookAt:
    when: datetime  # UTC
    codes: tuple[HistoricCode, ...]  # depth-first, in sibling order
    starts: datetime | None  # the first recorded state (None: no code ever recorded)
    known: bool  # False when ``when`` is before the recorded history begins

    def by_guid(self) -> dict[str, HistoricCode]:
        return {c.guid: c for c in self.codes}


def _states(project: Project) -> list[tuple[datetime, str, dict[str, Any]]]:
    stmt = (
        select(AuditEvent.at, AuditEvent.entity_guid, AuditEvent.details)
        .where(AuditEvent.action == STATE_ACTION)
        .order_by(AuditEvent.id)
    )
    with project.read() as s:
        return [(at, g, d or {}) for at, g, d in s.execute(stmt) if g]


def _tree(states: Mapping[str, Mapping[str, Any]]) -> tuple[HistoricCode, ...]:
    children: dict[str | None, list[str]] = defaultdict(list)
    for guid, st in states.items():
        children[st.get("parent")].append(guid)
    out: list[HistoricCode] = []

    def walk(parent: str | None, path: tuple[str, ...]) -> None:
        kids = sorted(
            children.get(parent, []),
            key=lambda g: (
                int(states[g].get("position") or 0),
                str(states[g].get("name")).casefold(),
            ),
        )
        for guid in kids:
            st = states[guid]
            p = (*path, str(st.get("name")))
            text = {f: str(st.get(f) or "") for f in FIELDS}
            out.append(
                HistoricCode(
                    guid=guid, name=str(st.get("name")), parent_guid=parent,
                    position=int(st.get("position") or 0), path=p, **text,
                )
            )  # fmt: skip
            walk(guid, p)

    walk(None, ())  # codes whose parent is gone are gone with it
    return tuple(out)


def codebook_at(project: Project, when: datetime) -> CodebookAt:
    """The codebook as it stood at ``when`` (naive UTC)."""
    events = _states(project)
    states: dict[str, dict[str, Any]] = {}
    for at, guid, details in events:
        if at > when:
            break
        if details.get("deleted"):
            states.pop(guid, None)
        elif isinstance(details.get("state"), dict):
            states[guid] = details["state"]
    starts = events[0][0] if events else None
    baseline = bool(events) and bool(events[0][2].get("baseline"))
    known = not (baseline and starts is not None and when < starts)
    return CodebookAt(when, _tree(states), starts, known)


@dataclass(frozen=True)
class CodebookChange:
    kind: str  # added | removed | renamed | moved | edited
    guid: str
    path: str  # the code's path at the end (at the start for a removed code)
    field: str = ""  # edited: definition, inclusion, exclusion, example
    before: str = ""
    after: str = ""

    @property
    def label(self) -> str:
        if self.kind == "edited":
            return {"definition": "Definition revised", "inclusion": "Inclusion criteria revised",
                    "exclusion": "Exclusion criteria revised", "example": "Example revised"}[self.field]  # fmt: skip
        return {"added": "Added", "removed": "Removed", "renamed": "Renamed",
                "moved": "Moved"}[self.kind]  # fmt: skip


def codebook_changes(start: CodebookAt, end: CodebookAt) -> list[CodebookChange]:
    """What differs between two codebooks, in the end codebook's order (removed codes after)."""
    a, b = start.by_guid(), end.by_guid()
    out: list[CodebookChange] = []
    for code in end.codes:
        old = a.get(code.guid)
        if old is None:
            out.append(CodebookChange("added", code.guid, code.path_text, after=code.definition))
            continue
        if old.name != code.name:
            out.append(
                CodebookChange("renamed", code.guid, code.path_text, "", old.name, code.name)
            )
        if old.parent_guid != code.parent_guid:
            before = join_path(old.path[:-1]) or "(top level)"
            after = join_path(code.path[:-1]) or "(top level)"
            out.append(CodebookChange("moved", code.guid, code.path_text, "", before, after))
        for f in FIELDS:
            if getattr(old, f) != getattr(code, f):
                out.append(
                    CodebookChange("edited", code.guid, code.path_text, f, getattr(old, f),
                                   getattr(code, f))
                )  # fmt: skip
    for code in start.codes:
        if code.guid not in b:
            out.append(CodebookChange("removed", code.guid, code.path_text, before=code.definition))
    return out
