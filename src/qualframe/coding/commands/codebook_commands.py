"""Undoable codebook commands: add, rename, recolour, edit details, move, merge, delete
codes and load a template."""

from __future__ import annotations

from dataclasses import dataclass, field

from qualframe.coding.codebook.edits import (
    SegmentPolicy,
    add_code_in,
    delete_in,
    merge_in,
    move_in,
    recolour_in,
    rename_in,
    unmerge_in,
    update_details_in,
)
from qualframe.coding.codebook.templates import load_template_in, read_template
from qualframe.coding.codebook.tree import get_code
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.concurrency import VersionGuard
from qualframe.coding.core.project import Project
from qualframe.coding.core.snapshot import Snapshot, restore


def _codebook_change(
    action: str, *guids: str, structure: bool = False, created: str | None = None
) -> Change:
    return Change(
        action=action,
        codebook=structure,
        codes=frozenset(g for g in guids if g),
        created_guid=created,
    )


# -- codebook -------------------------------------------------------------------------------------
@dataclass
class AddCode(Command):
    name: str
    parent_guid: str | None = None
    color: str | None = None
    position: int | None = None
    details: dict[str, str] = field(default_factory=dict)
    guid: str | None = None

    def __post_init__(self) -> None:
        self.text = f'Add code "{self.name}"'

    def do(self, project: Project) -> Change:
        with project.write() as s:
            code = add_code_in(
                s, project.coder, self.name, self.parent_guid, color=self.color,
                guid=self.guid, position=self.position, **self.details,
            )  # fmt: skip
            self.guid = code.guid
            self.color = code.color
        return _codebook_change("add_code", self.guid, structure=True, created=self.guid)

    def undo(self, project: Project) -> Change:
        assert self.guid
        with project.write() as s:
            delete_in(s, project.coder, self.guid, "delete")
        return _codebook_change("delete_code", self.guid, structure=True)


# Rename, recolour and edit details carry a VersionGuard (coding.core.concurrency): given
# ``seen_version`` (the code's version in the coder's view) they refuse to overwrite what
# another coder changed since, and undo/redo refuse when someone changed the code after.
@dataclass
class RenameCode(Command):
    guid: str
    name: str
    old: str | None = None
    seen_version: int | None = None

    def __post_init__(self) -> None:
        self.text = f'Rename code to "{self.name}"'
        self.guard = VersionGuard(self.seen_version)

    def do(self, project: Project) -> Change:
        with project.write() as s:
            code = get_code(s, self.guid)
            self.guard.before_do(s, code, "rename", project.coder)
            self.old = rename_in(s, project.coder, self.guid, self.name)
            self.guard.after(s, code)
        return _codebook_change("rename_code", self.guid)

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        with project.write() as s:
            code = get_code(s, self.guid)
            self.guard.before_undo(s, code, "rename", project.coder)
            rename_in(s, project.coder, self.guid, self.old)
            self.guard.after(s, code)
        return _codebook_change("rename_code", self.guid)


@dataclass
class RecolourCode(Command):
    guid: str
    color: str
    old: str | None = None
    seen_version: int | None = None

    def __post_init__(self) -> None:
        self.text = "Change code colour"
        self.guard = VersionGuard(self.seen_version)

    def do(self, project: Project) -> Change:
        with project.write() as s:
            code = get_code(s, self.guid)
            self.guard.before_do(s, code, "colour change", project.coder)
            self.old = recolour_in(s, project.coder, self.guid, self.color)
            self.guard.after(s, code)
        return _codebook_change("recolour_code", self.guid)

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        with project.write() as s:
            code = get_code(s, self.guid)
            self.guard.before_undo(s, code, "colour change", project.coder)
            recolour_in(s, project.coder, self.guid, self.old)
            self.guard.after(s, code)
        return _codebook_change("recolour_code", self.guid)


@dataclass
class EditCodeDetails(Command):
    guid: str
    values: dict[str, str]
    old: dict[str, str] | None = None
    seen_version: int | None = None

    def __post_init__(self) -> None:
        self.text = "Edit code " + ", ".join(sorted(self.values))
        self.guard = VersionGuard(self.seen_version)

    def do(self, project: Project) -> Change:
        with project.write() as s:
            code = get_code(s, self.guid)
            self.guard.before_do(s, code, "edit", project.coder)
            self.old = update_details_in(s, project.coder, self.guid, self.values)
            self.guard.after(s, code)
        return _codebook_change("edit_code", self.guid)

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        with project.write() as s:
            code = get_code(s, self.guid)
            self.guard.before_undo(s, code, "edit", project.coder)
            update_details_in(s, project.coder, self.guid, self.old)
            self.guard.after(s, code)
        return _codebook_change("edit_code", self.guid)


@dataclass
class MoveCode(Command):
    guid: str
    parent_guid: str | None
    position: int | None = None
    old: tuple[str | None, int] | None = None

    def __post_init__(self) -> None:
        self.text = "Move code"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            self.old = move_in(s, project.coder, self.guid, self.parent_guid, self.position)
        return _codebook_change("move_code", self.guid, structure=True)

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        with project.write() as s:
            move_in(s, project.coder, self.guid, self.old[0], self.old[1])
        return _codebook_change("move_code", self.guid, structure=True)


@dataclass
class MergeCodes(Command):
    source_guid: str
    target_guid: str
    snapshot: Snapshot | None = None

    def __post_init__(self) -> None:
        self.text = "Merge codes"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            source = get_code(s, self.source_guid).name
            target = get_code(s, self.target_guid).name
            self.text = f'Merge "{source}" into "{target}"'
            self.snapshot = merge_in(s, project.coder, self.source_guid, self.target_guid)
        changed = frozenset(r["guid"] for r in self.snapshot.segments)
        return Change(
            "merge_code",
            codebook=True,
            codes=frozenset({self.target_guid}),
            segments_changed=changed,
        )

    def undo(self, project: Project) -> Change:
        assert self.snapshot is not None
        with project.write() as s:
            unmerge_in(s, project.coder, self.snapshot)
        changed = frozenset(r["guid"] for r in self.snapshot.segments)
        return Change(
            "unmerge_code",
            codebook=True,
            codes=frozenset({self.target_guid}),
            segments_changed=changed,
        )


@dataclass
class DeleteCode(Command):
    guid: str
    segments: SegmentPolicy = "delete"
    snapshot: Snapshot | None = None

    def __post_init__(self) -> None:
        self.text = (
            "Delete code" if self.segments == "delete" else "Delete code (segments to parent)"
        )

    def do(self, project: Project) -> Change:
        with project.write() as s:
            name = get_code(s, self.guid).name
            self.text = f'Delete code "{name}"' + (
                "" if self.segments == "delete" else " (segments to parent)"
            )
            self.snapshot = delete_in(s, project.coder, self.guid, self.segments)
        guids = frozenset(r["guid"] for r in self.snapshot.segments)
        if self.segments == "delete":
            return Change("delete_code", codebook=True, segments_removed=guids)
        return Change("delete_code", codebook=True, segments_changed=guids)

    def undo(self, project: Project) -> Change:
        assert self.snapshot is not None
        with project.write() as s:
            restore(s, self.snapshot)
        guids = frozenset(r["guid"] for r in self.snapshot.segments)
        return Change("restore_code", codebook=True, segments_added=guids)


@dataclass
class LoadTemplate(Command):
    template: str
    roots: list[str] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = f'Load codebook template "{self.template}"'

    def do(self, project: Project) -> Change:
        data = read_template(self.template)
        with project.write() as s:
            if self.snapshots:  # redo: bring back exactly the codes the first run created
                for snap in self.snapshots:
                    restore(s, snap)
            else:
                self.roots = load_template_in(s, project.coder, data)
        return Change("load_template", codebook=True)

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            self.snapshots = [delete_in(s, project.coder, g, "delete") for g in self.roots]
        return Change("delete_code", codebook=True)
