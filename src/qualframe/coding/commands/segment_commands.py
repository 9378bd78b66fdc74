"""Undoable segment commands: apply a code (one range or many), remove, resize, set a memo,
mark an exemplar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select

from qualframe.coding.codebook.tree import get_code
from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.concurrency import VersionGuard
from qualframe.coding.core.project import Project
from qualframe.coding.core.snapshot import Snapshot, restore, snapshot_segments
from qualframe.coding.corpus.lookup import document_by_guid, get_segment
from qualframe.coding.corpus.segments import apply_in, resize_in, set_exemplar_in, set_memo_in
from qualframe.storage.models import Document, Segment


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
            doc = document_by_guid(s, self.document_guid)
            code = get_code(s, self.code_guid)
            self.text = f'Apply code "{code.name}"'
            seg = apply_in(
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
            seg = get_segment(s, self.guid)
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
            code = get_code(s, self.code_guid)
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
                doc = docs.get(dguid) or document_by_guid(s, dguid)
                docs[dguid] = doc
                if (doc.id, start, end) in existing:
                    guids.append(None)
                    continue
                existing.add((doc.id, start, end))
                guid = earlier[i] if i < len(earlier) else None
                seg = apply_in(s, project.coder, coder_id, doc, start, end, code, guid=guid)
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
            seg = get_segment(s, self.guid)
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
        self.guard = VersionGuard()

    def _run(
        self, project: Project, start: int, end: int, *, undo: bool = False
    ) -> tuple[tuple[int, int], str]:
        with project.write() as s:
            seg = get_segment(s, self.guid)
            check = self.guard.before_undo if undo else self.guard.before_do
            check(s, seg, "boundary change", project.coder)
            old = resize_in(s, project.coder, self.guid, start, end)
            doc_guid = seg.document.guid
            self.guard.after(s, seg)
        return old, doc_guid

    def do(self, project: Project) -> Change:
        self.old, doc = self._run(project, self.start, self.end)
        return Change(
            "resize_segment", segments_changed=frozenset({self.guid}), documents=frozenset({doc})
        )

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        _, doc = self._run(project, *self.old, undo=True)
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
        self.guard = VersionGuard()

    def do(self, project: Project) -> Change:
        with project.write() as s:
            seg = get_segment(s, self.guid)
            self.guard.before_do(s, seg, "memo edit", project.coder)
            self.old = set_memo_in(s, project.coder, self.guid, self.memo)
            self.guard.after(s, seg)
        return Change("segment_memo", segments_changed=frozenset({self.guid}))

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        with project.write() as s:
            seg = get_segment(s, self.guid)
            self.guard.before_undo(s, seg, "memo edit", project.coder)
            set_memo_in(s, project.coder, self.guid, self.old)
            self.guard.after(s, seg)
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
            self.old = set_exemplar_in(s, project.coder, self.guid, self.flag)
        return Change("segment_exemplar", segments_changed=frozenset({self.guid}))

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        with project.write() as s:
            set_exemplar_in(s, project.coder, self.guid, self.old)
        return Change("segment_exemplar", segments_changed=frozenset({self.guid}))
