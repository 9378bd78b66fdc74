"""Undoable document commands: rename a document, delete it (with its segments, memos and
set memberships; undo brings every row back with its GUID), and correct its text (a typo in
a transcript) with every turn and segment after the edit moved along."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus import text_edit
from qualframe.coding.corpus.document_snapshot import (
    DocumentSnapshot,
    Row,
    restore_document_in,
    row_of,
    snapshot_document_in,
)
from qualframe.coding.corpus.documents import sha256_hex
from qualframe.coding.corpus.lookup import document_by_guid
from qualframe.storage.models import Code, Document, Resolution, Review, Segment, Turn

NAME_LIMIT = 400  # the column's width in the schema


@dataclass
class RenameDocument(Command):
    guid: str
    name: str
    old: str | None = None

    def __post_init__(self) -> None:
        self.name = " ".join(self.name.split())
        if not self.name:
            raise UserError("A document needs a name.")
        if len(self.name) > NAME_LIMIT:
            raise UserError(f"A document name has at most {NAME_LIMIT} characters.")
        self.text = f'Rename document to "{self.name}"'

    def _set(self, project: Project, name: str) -> str:
        with project.write() as s:
            doc = document_by_guid(s, self.guid)
            taken = s.scalar(
                select(Document.name).where(
                    func.lower(Document.name) == name.lower(), Document.id != doc.id
                )
            )
            if taken is not None:
                raise UserError(f'There is already a document called "{taken}".')
            old = doc.name
            doc.name = name
            audit.record(s, project.coder, "rename_document", "document", doc.guid,
                         old=old, new=name)  # fmt: skip
        return old

    def do(self, project: Project) -> Change:
        self.old = self._set(project, self.name)
        return Change("rename_document", document_list=True, documents=frozenset({self.guid}))

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        self._set(project, self.old)
        return Change("rename_document", document_list=True, documents=frozenset({self.guid}))


@dataclass(frozen=True)
class DocumentFootprint:
    """What deleting a document takes with it (for the confirmation). ``whose``: when only
    some coders' segments (and the reviews of them) were counted, whose they are ("your",
    "the shown coders'"); the sentence then says the others' go too, without counting them."""

    name: str
    segments: int
    codes: int
    reviews: int
    memos: int
    turns: int
    whose: str | None = None

    def sentence(self) -> str:
        def n(count: int, one: str, many: str) -> str:
            return f"{count} {one if count == 1 else many}"

        if self.whose is None:
            parts = [n(self.segments, "coded segment", "coded segments")]
        else:
            parts = [f"{self.segments} of {self.whose} coded segments"]
        if self.segments:
            parts[0] += f" (of {n(self.codes, 'code', 'codes')})"
        if self.reviews:
            parts.append(n(self.reviews, "review", "reviews"))
        if self.memos:
            parts.append(n(self.memos, "document memo", "document memos"))
        others = (
            ""
            if self.whose is None
            else " The other coders' segments in it go too, if any (not counted while their "
            "work is hidden)."
        )
        return (
            f'Delete "{self.name}" with {"its " if self.whose is None else ""}'
            f"{', '.join(parts)}?{others} The codes themselves and the participants stay. "
            "You can undo this."
        )


def document_footprint(
    project: Project, guid: str, coders: Collection[str] | None = None
) -> DocumentFootprint:
    """What deleting the document takes; with ``coders``, only their segments and the
    reviews of them are counted (the window shows only theirs, e.g. while coding blind)."""
    from qualframe.storage.models import Coder, Memo

    with project.read() as s:
        doc = document_by_guid(s, guid)

        def count(stmt: object) -> int:
            return int(s.scalar(stmt) or 0)  # type: ignore[call-overload]

        seg = Segment.document_id == doc.id
        whose = None
        if coders is not None:
            ids = select(Coder.id).where(Coder.name.in_(list(coders)))
            seg = seg & Segment.coder_id.in_(ids)
            whose = "your" if set(coders) == {project.coder} else "the shown coders'"
        return DocumentFootprint(
            name=doc.name,
            segments=count(select(func.count()).select_from(Segment).where(seg)),
            codes=count(select(func.count(func.distinct(Segment.code_id))).where(seg)),
            reviews=count(select(func.count()).select_from(Review).join(Segment).where(seg)),
            memos=count(select(func.count()).select_from(Memo).where(Memo.document_id == doc.id)),
            turns=count(select(func.count()).select_from(Turn).where(Turn.document_id == doc.id)),
            whose=whose,
        )


@dataclass
class DeleteDocument(Command):
    guid: str
    snapshot: DocumentSnapshot | None = None

    def __post_init__(self) -> None:
        self.text = "Delete document"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            doc = document_by_guid(s, self.guid)
            self.text = f'Delete document "{doc.name}"'
            self.snapshot = snapshot_document_in(s, doc)
            s.delete(doc)
            audit.record(
                s, project.coder, "delete_document", "document", self.guid, name=doc.name,
                segments=len(self.snapshot.segments), memos=len(self.snapshot.memos),
            )  # fmt: skip
        return self._change("delete_document", removed=True)

    def undo(self, project: Project) -> Change:
        assert self.snapshot is not None
        with project.write() as s:
            doc = restore_document_in(s, self.snapshot)
            audit.record(s, project.coder, "restore_document", "document", doc.guid,
                         name=doc.name, undo=True)  # fmt: skip
        return self._change("restore_document", removed=False)

    def _change(self, action: str, *, removed: bool) -> Change:
        assert self.snapshot is not None
        guids = self.snapshot.segment_guids
        codes = frozenset(str(r["code_guid"]) for r in self.snapshot.segments)
        return Change(
            action, document_list=True, documents=frozenset({self.guid}), codes=codes,
            documents_removed=frozenset({self.guid}) if removed else frozenset(),
            segments_removed=guids if removed else frozenset(),
            segments_added=frozenset() if removed else guids,
            texts=frozenset() if removed else frozenset({self.guid}),
            memos=bool(self.snapshot.memos), document_sets=bool(self.snapshot.set_guids),
            survey=bool(self.snapshot.survey_item_guids),
        )  # fmt: skip


def plan_text_edit(
    project: Project, document_guid: str, start: int, end: int, new_text: str
) -> text_edit.TextEditPlan:
    """What :class:`EditDocumentText` would do (for the confirmation); refuses bad edits."""
    with project.read() as s:
        return text_edit.plan_in(s, document_by_guid(s, document_guid), start, end, new_text)


@dataclass
class EditDocumentText(Command):
    """Replace [start, end) of a document's text with ``new_text`` (see
    :mod:`coding.corpus.text_edit`). Undo puts back the old text and every turn and segment
    exactly where they were, the removed segments (with their reviews) included."""

    document_guid: str
    start: int
    end: int
    new_text: str
    plan: text_edit.TextEditPlan | None = None
    _positions: dict[str, tuple[int, int, int | None]] = field(default_factory=dict)
    _turns: dict[str, tuple[int, int, int | None]] = field(default_factory=dict)
    _removed: list[Row] = field(default_factory=list)
    _reviews: list[Row] = field(default_factory=list)
    _resolutions: dict[str, tuple[int, int, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.text = "Edit document text"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            doc = document_by_guid(s, self.document_guid)
            plan = text_edit.plan_in(s, doc, self.start, self.end, self.new_text)
            before = self._remember(s, doc, plan)
            text_edit.apply_in(s, doc, plan)
            self.plan = plan
            self.text = f'Edit text of "{doc.name}"'
            audit.record(
                s, project.coder, "edit_text", "document", doc.guid, start=self.start,
                end=self.end, before=plan.old_text, after=plan.new_text, moved=plan.moved,
                adjusted=[x.guid for x in plan.adjusted], removed=[x.guid for x in plan.removed],
                text_hash_before=before,
            )  # fmt: skip
        return self._change(undo=False)

    def _remember(self, s: Session, doc: Document, plan: text_edit.TextEditPlan) -> str:
        """Positions of every segment and turn, and whole rows of those the edit removes."""
        self._positions = {
            g: (a, b, t)
            for g, a, b, t in s.execute(
                select(Segment.guid, Segment.start, Segment.end, Segment.turn_id).where(
                    Segment.document_id == doc.id
                )
            )
        }
        self._turns = {
            g: (a, b, le)
            for g, a, b, le in s.execute(
                select(Turn.guid, Turn.start, Turn.end, Turn.label_end).where(
                    Turn.document_id == doc.id
                )
            )
        }
        self._resolutions = {
            g: (a, b, k)
            for g, a, b, k in s.execute(
                select(Resolution.guid, Resolution.start, Resolution.end, Resolution.key).where(
                    Resolution.document_id == doc.id
                )
            )
        }
        gone = [x.guid for x in plan.removed]
        self._removed, self._reviews = [], []
        if gone:
            codes = dict(s.execute(select(Code.id, Code.guid)).all())
            segs = list(s.scalars(select(Segment).where(Segment.guid.in_(gone))))
            for seg in segs:
                row = row_of(seg, ("id", "code_id"))
                row["code_guid"] = codes[seg.code_id]
                self._removed.append(row)
            ids = {seg.id: seg.guid for seg in segs}
            for rev in s.scalars(select(Review).where(Review.segment_id.in_(list(ids)))):
                row = row_of(rev, ("id", "segment_id"))
                row["segment_guid"] = ids[rev.segment_id]
                self._reviews.append(row)
        return doc.text_hash

    def undo(self, project: Project) -> Change:
        assert self.plan is not None
        plan = self.plan
        with project.write() as s:
            doc = document_by_guid(s, self.document_guid)
            end_now = plan.start + len(plan.new_text)
            if doc.text[plan.start : end_now] != plan.new_text:
                raise UserError(
                    "The document's text has changed since; this edit cannot be undone."
                )
            whole = doc.text[: plan.start] + plan.old_text + doc.text[end_now:]
            doc.text, doc.length, doc.text_hash = whole, len(whole), sha256_hex(whole)
            for turn in s.scalars(select(Turn).where(Turn.document_id == doc.id)):
                if turn.guid in self._turns:
                    turn.start, turn.end, turn.label_end = self._turns[turn.guid]
            for seg in s.scalars(select(Segment).where(Segment.document_id == doc.id)):
                if seg.guid in self._positions:
                    seg.start, seg.end, seg.turn_id = self._positions[seg.guid]
            for res in s.scalars(select(Resolution).where(Resolution.document_id == doc.id)):
                if res.guid in self._resolutions:
                    res.start, res.end, res.key = self._resolutions[res.guid]
            s.flush()
            self._restore_removed(s)
            audit.record(
                s, project.coder, "edit_text", "document", doc.guid, start=plan.start,
                end=end_now, before=plan.new_text, after=plan.old_text, undo=True,
            )  # fmt: skip
        return self._change(undo=True)

    def _restore_removed(self, s: Session) -> None:
        codes = dict(s.execute(select(Code.guid, Code.id)).all())
        ids: dict[str, int] = {}
        for row in self._removed:
            if row["code_guid"] not in codes:
                raise UserError("A code the removed segments carried no longer exists.")
            data = {k: v for k, v in row.items() if k != "code_guid"}
            seg = Segment(**data, code_id=codes[row["code_guid"]])
            s.add(seg)
            s.flush()
            ids[seg.guid] = seg.id
        for row in self._reviews:
            data = {k: v for k, v in row.items() if k != "segment_guid"}
            s.add(Review(**data, segment_id=ids[row["segment_guid"]]))

    def _change(self, *, undo: bool) -> Change:
        assert self.plan is not None
        removed = frozenset(x.guid for x in self.plan.removed)
        changed = frozenset(self._positions) - removed
        return Change(
            "edit_text", documents=frozenset({self.document_guid}),
            texts=frozenset({self.document_guid}), segments_changed=changed,
            segments_removed=frozenset() if undo else removed,
            segments_added=removed if undo else frozenset(),
        )  # fmt: skip
