"""Undoable commands: Qt-free objects with ``do`` and ``undo``.

Each ``do``/``undo`` runs in one transaction, committed before it returns, and returns the
:class:`~coding.changes.Change` it made. Commands remember GUIDs, never ORM objects, so a
redo re-creates an entity with the same GUID it had. ``app`` wraps them in a generic
``QUndoCommand``; :class:`UndoStack` is the same idea without Qt, for scripts and tests.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select

from qualframe.coding import audit, codebook, segments
from qualframe.coding.changes import Change
from qualframe.coding.errors import UserError
from qualframe.coding.project import Project
from qualframe.coding.snapshot import Snapshot, restore, snapshot_segments
from qualframe.storage.models import Document, Segment


class Command(ABC):
    text: str = ""

    @abstractmethod
    def do(self, project: Project) -> Change: ...

    @abstractmethod
    def undo(self, project: Project) -> Change: ...


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
            code = codebook.add_code_in(
                s, project.coder, self.name, self.parent_guid, color=self.color,
                guid=self.guid, position=self.position, **self.details,
            )  # fmt: skip
            self.guid = code.guid
            self.color = code.color
        return _codebook_change("add_code", self.guid, structure=True, created=self.guid)

    def undo(self, project: Project) -> Change:
        assert self.guid
        with project.write() as s:
            codebook.delete_in(s, project.coder, self.guid, "delete")
        return _codebook_change("delete_code", self.guid, structure=True)


@dataclass
class RenameCode(Command):
    guid: str
    name: str
    old: str | None = None

    def __post_init__(self) -> None:
        self.text = f'Rename code to "{self.name}"'

    def do(self, project: Project) -> Change:
        with project.write() as s:
            self.old = codebook.rename_in(s, project.coder, self.guid, self.name)
        return _codebook_change("rename_code", self.guid)

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        with project.write() as s:
            codebook.rename_in(s, project.coder, self.guid, self.old)
        return _codebook_change("rename_code", self.guid)


@dataclass
class RecolourCode(Command):
    guid: str
    color: str
    old: str | None = None

    def __post_init__(self) -> None:
        self.text = "Change code colour"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            self.old = codebook.recolour_in(s, project.coder, self.guid, self.color)
        return _codebook_change("recolour_code", self.guid)

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        with project.write() as s:
            codebook.recolour_in(s, project.coder, self.guid, self.old)
        return _codebook_change("recolour_code", self.guid)


@dataclass
class EditCodeDetails(Command):
    guid: str
    values: dict[str, str]
    old: dict[str, str] | None = None

    def __post_init__(self) -> None:
        self.text = "Edit code " + ", ".join(sorted(self.values))

    def do(self, project: Project) -> Change:
        with project.write() as s:
            self.old = codebook.update_details_in(s, project.coder, self.guid, self.values)
        return _codebook_change("edit_code", self.guid)

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        with project.write() as s:
            codebook.update_details_in(s, project.coder, self.guid, self.old)
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
            self.old = codebook.move_in(
                s, project.coder, self.guid, self.parent_guid, self.position
            )
        return _codebook_change("move_code", self.guid, structure=True)

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        with project.write() as s:
            codebook.move_in(s, project.coder, self.guid, self.old[0], self.old[1])
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
            source = codebook.get_code(s, self.source_guid).name
            target = codebook.get_code(s, self.target_guid).name
            self.text = f'Merge "{source}" into "{target}"'
            self.snapshot = codebook.merge_in(s, project.coder, self.source_guid, self.target_guid)
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
            codebook.unmerge_in(s, project.coder, self.snapshot)
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
    segments: codebook.SegmentPolicy = "delete"
    snapshot: Snapshot | None = None

    def __post_init__(self) -> None:
        self.text = (
            "Delete code" if self.segments == "delete" else "Delete code (segments to parent)"
        )

    def do(self, project: Project) -> Change:
        with project.write() as s:
            name = codebook.get_code(s, self.guid).name
            self.text = f'Delete code "{name}"' + (
                "" if self.segments == "delete" else " (segments to parent)"
            )
            self.snapshot = codebook.delete_in(s, project.coder, self.guid, self.segments)
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


# -- segments -----------------------------------------------------------------------------------------
@dataclass
class ApplyCode(Command):
    document_guid: str
    start: int
    end: int
    code_guid: str
    memo: str = ""
    guid: str | None = None

    def __post_init__(self) -> None:
        self.text = "Apply code"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            doc = segments.document_by_guid(s, self.document_guid)
            code = codebook.get_code(s, self.code_guid)
            self.text = f'Apply code "{code.name}"'
            seg = segments.apply_in(
                s, project.coder, project.coder_id(s), doc, self.start, self.end, code,
                memo=self.memo, guid=self.guid,
            )  # fmt: skip
            self.guid = seg.guid
        return Change(
            "apply_code", codes=frozenset({self.code_guid}), segments_added=frozenset({self.guid}),
            documents=frozenset({self.document_guid}), created_guid=self.guid,
        )  # fmt: skip

    def undo(self, project: Project) -> Change:
        assert self.guid
        with project.write() as s:
            seg = segments.get_segment(s, self.guid)
            s.delete(seg)
            audit.record(s, project.coder, "remove_segment", "segment", self.guid, undo=True)
        return Change(
            "remove_segment", codes=frozenset({self.code_guid}), segments_removed=frozenset({self.guid}),
            documents=frozenset({self.document_guid}),
        )  # fmt: skip


@dataclass
class ApplyCodeMany(Command):
    """Code several ranges at once (e.g. "code all hits" of a search) in one transaction.

    Ranges already coded with this code by this coder are skipped. ``guids`` holds, per
    range, the GUID of the segment this command created (None where it skipped), so a redo
    re-creates every segment with the GUID it had.
    """

    ranges: Sequence[tuple[str, int, int]]  # (document guid, start, end)
    code_guid: str
    guids: list[str | None] = field(default_factory=list)
    skipped: int = 0

    def __post_init__(self) -> None:
        self.text = f"Code {len(self.ranges)} passages"

    @property
    def created(self) -> list[str]:
        return [g for g in self.guids if g]

    def do(self, project: Project) -> Change:
        earlier = list(self.guids)
        with project.write() as s:
            code = codebook.get_code(s, self.code_guid)
            coder_id = project.coder_id(s)
            docs: dict[str, Document] = {}
            existing: set[tuple[int, int, int]] = {
                (int(d), int(a), int(b))
                for d, a, b in s.execute(
                    select(Segment.document_id, Segment.start, Segment.end).where(
                        Segment.code_id == code.id, Segment.coder_id == coder_id
                    )
                )
            }
            guids: list[str | None] = []
            for i, (dguid, start, end) in enumerate(self.ranges):
                doc = docs.get(dguid) or segments.document_by_guid(s, dguid)
                docs[dguid] = doc
                if (doc.id, start, end) in existing:
                    guids.append(None)
                    continue
                existing.add((doc.id, start, end))
                guid = earlier[i] if i < len(earlier) else None
                seg = segments.apply_in(
                    s, project.coder, coder_id, doc, start, end, code, guid=guid
                )
                guids.append(seg.guid)
            self.text = f'Code {len(self.ranges)} passages as "{code.name}"'
        self.guids = guids
        self.skipped = guids.count(None)
        return Change(
            "apply_code", codes=frozenset({self.code_guid}), segments_added=frozenset(self.created),
            documents=frozenset(d for d, _, _ in self.ranges),
        )  # fmt: skip

    def undo(self, project: Project) -> Change:
        created = self.created
        with project.write() as s:
            s.execute(delete(Segment).where(Segment.guid.in_(created)))
            audit.record(
                s, project.coder, "remove_segments", "segment", None, count=len(created), undo=True
            )
        return Change(
            "remove_segment", codes=frozenset({self.code_guid}), segments_removed=frozenset(created),
            documents=frozenset(d for d, _, _ in self.ranges),
        )  # fmt: skip


@dataclass
class RemoveSegment(Command):
    guid: str
    snapshot: Snapshot | None = None

    def __post_init__(self) -> None:
        self.text = "Remove code from passage"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            seg = segments.get_segment(s, self.guid)
            self.snapshot = snapshot_segments(s, [seg])
            doc_guid = seg.document.guid
            s.delete(seg)
            audit.record(s, project.coder, "remove_segment", "segment", self.guid)
        self._doc = doc_guid
        return Change(
            "remove_segment", codes=frozenset({self.snapshot.segments[0]["code_guid"]}),
            segments_removed=frozenset({self.guid}), documents=frozenset({doc_guid}),
        )  # fmt: skip

    def undo(self, project: Project) -> Change:
        assert self.snapshot is not None
        with project.write() as s:
            restore(s, self.snapshot)
        return Change(
            "restore_segment", codes=frozenset({self.snapshot.segments[0]["code_guid"]}),
            segments_added=frozenset({self.guid}), documents=frozenset({self._doc}),
        )  # fmt: skip


@dataclass
class ResizeSegment(Command):
    guid: str
    start: int
    end: int
    old: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        self.text = "Adjust segment boundaries"

    def _run(self, project: Project, start: int, end: int) -> tuple[tuple[int, int], str]:
        with project.write() as s:
            old = segments.resize_in(s, project.coder, self.guid, start, end)
            doc_guid = segments.get_segment(s, self.guid).document.guid
        return old, doc_guid

    def do(self, project: Project) -> Change:
        self.old, doc = self._run(project, self.start, self.end)
        return Change(
            "resize_segment", segments_changed=frozenset({self.guid}), documents=frozenset({doc})
        )

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        _, doc = self._run(project, *self.old)
        return Change(
            "resize_segment", segments_changed=frozenset({self.guid}), documents=frozenset({doc})
        )


@dataclass
class SetSegmentMemo(Command):
    guid: str
    memo: str
    old: str | None = None

    def __post_init__(self) -> None:
        self.text = "Edit segment memo"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            self.old = segments.set_memo_in(s, project.coder, self.guid, self.memo)
        return Change("segment_memo", segments_changed=frozenset({self.guid}))

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        with project.write() as s:
            segments.set_memo_in(s, project.coder, self.guid, self.old)
        return Change("segment_memo", segments_changed=frozenset({self.guid}))


@dataclass
class SetExemplar(Command):
    guid: str
    flag: bool
    old: bool | None = None

    def __post_init__(self) -> None:
        self.text = "Mark as exemplar quote" if self.flag else "Unmark exemplar quote"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            self.old = segments.set_exemplar_in(s, project.coder, self.guid, self.flag)
        return Change("segment_exemplar", segments_changed=frozenset({self.guid}))

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        with project.write() as s:
            segments.set_exemplar_in(s, project.coder, self.guid, self.old)
        return Change("segment_exemplar", segments_changed=frozenset({self.guid}))


@dataclass
class LoadTemplate(Command):
    template: str
    roots: list[str] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = f'Load codebook template "{self.template}"'

    def do(self, project: Project) -> Change:
        data = codebook.read_template(self.template)
        with project.write() as s:
            if self.snapshots:  # redo: bring back exactly the codes the first run created
                for snap in self.snapshots:
                    restore(s, snap)
            else:
                self.roots = codebook.load_template_in(s, project.coder, data)
        return Change("load_template", codebook=True)

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            self.snapshots = [codebook.delete_in(s, project.coder, g, "delete") for g in self.roots]
        return Change("delete_code", codebook=True)


# -- a Qt-free stack -------------------------------------------------------------------------------
class UndoStack:
    """Linear undo/redo history for scripts and tests (the GUI uses ``QUndoStack``)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._done: list[Command] = []
        self._undone: list[Command] = []

    def push(self, command: Command) -> Change:
        change = command.do(self.project)
        self._done.append(command)
        self._undone.clear()
        return change

    def undo(self) -> Change:
        if not self._done:
            raise UserError("There is nothing to undo.")
        command = self._done.pop()
        change = command.undo(self.project)
        self._undone.append(command)
        return change

    def redo(self) -> Change:
        if not self._undone:
            raise UserError("There is nothing to redo.")
        command = self._undone.pop()
        change = command.do(self.project)
        self._done.append(command)
        return change

    @property
    def undo_text(self) -> str | None:
        return self._done[-1].text if self._done else None

    @property
    def redo_text(self) -> str | None:
        return self._undone[-1].text if self._undone else None
