"""Merging two spellings of one person (renaming a coder is ``coder_roles.RenameCoder``).

Merging ``source`` into ``target`` gives the target every segment, memo, review (verdicts and
answers), comment on a code and resolution of the source, then removes the source; the
target keeps its role. Where both had coded the same range with the same code, the
source's segment is dropped (its reviews move to the target's segment, its memo too when the
target's is empty). It is one undoable command; undo puts every row back where it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.core.snapshot import Snapshot, restore, snapshot_segments
from qualframe.coding.corpus.coder_roles import coder_in
from qualframe.storage.models import Coder, CodeReview, Memo, Resolution, Review, Segment
from qualframe.storage.versions import versioned_update


@dataclass
class MergeCoders(Command):
    """Merge coder ``source`` into ``target`` (two spellings of one person)."""

    source: str
    target: str
    coder_row: dict[str, Any] = field(default_factory=dict)
    moved_segments: list[str] = field(default_factory=list)
    dropped: Snapshot | None = None
    moved_reviews: dict[str, str] = field(default_factory=dict)  # review → its old segment
    filled_memos: dict[str, str] = field(default_factory=dict)  # target segment → old memo
    reviewed: list[str] = field(default_factory=list)  # verdicts and answers the source gave
    memos: list[str] = field(default_factory=list)
    resolutions: list[str] = field(default_factory=list)
    code_reviews: list[str] = field(default_factory=list)  # comments and answers on codes
    old_id: int = 0

    def __post_init__(self) -> None:
        self.text = f'Merge coder "{self.source}" into "{self.target}"'

    def do(self, project: Project) -> Change:
        with project.write() as s:
            src, dst = coder_in(s, self.source), coder_in(s, self.target)
            if src.id == dst.id:
                raise UserError("Choose two different coders to merge.")
            self.coder_row = {k: getattr(src, k) for k in ("guid", "name", "role", "created_at")}
            self.old_id = src.id
            mine = {
                (d, c, a, b): g
                for g, d, c, a, b in s.execute(
                    select(Segment.guid, Segment.document_id, Segment.code_id, Segment.start,
                           Segment.end).where(Segment.coder_id == dst.id)
                )
            }  # fmt: skip
            theirs = list(s.scalars(select(Segment).where(Segment.coder_id == src.id)))
            twins = {seg.guid: mine.get((seg.document_id, seg.code_id, seg.start, seg.end))
                     for seg in theirs}  # fmt: skip
            dupes = [seg for seg in theirs if twins[seg.guid]]
            self.dropped = snapshot_segments(s, dupes)
            self._fold_duplicates(s, dupes, twins)
            self.moved_segments = [seg.guid for seg in theirs if not twins[seg.guid]]
            s.execute(
                versioned_update(Segment).where(Segment.coder_id == src.id).values(coder_id=dst.id)
            )
            for guids, model, column in self._moves():
                guids[:] = s.scalars(select(model.guid).where(column == src.id))
                s.execute(update(model).where(column == src.id).values({column.key: dst.id}))
            s.delete(src)
            audit.record(
                s, project.coder, "merge_coders", "coder", dst.guid, source=src.name,
                target=dst.name, source_guid=self.coder_row["guid"],
                segments=len(self.moved_segments),
                duplicates=len(dupes),
            )  # fmt: skip
        project.forget_cached_ids()
        return self._change()

    def _fold_duplicates(
        self, s: Session, dupes: list[Segment], twins: dict[str, str | None]
    ) -> None:
        self.moved_reviews, self.filled_memos = {}, {}
        for seg in dupes:
            twin_guid = twins[seg.guid]
            twin = s.scalar(select(Segment).where(Segment.guid == twin_guid))
            assert twin is not None
            for review in s.scalars(select(Review).where(Review.segment_id == seg.id)):
                self.moved_reviews[review.guid] = seg.guid
                review.segment_id = twin.id
            if seg.memo and not twin.memo:
                self.filled_memos[twin.guid] = twin.memo
                twin.memo = seg.memo
            s.flush()
            s.delete(seg)
        s.flush()

    def undo(self, project: Project) -> Change:
        assert self.dropped is not None
        with project.write() as s:
            src = Coder(**self.coder_row)
            s.add(src)
            s.flush()
            moved = [(self.moved_segments, Segment, Segment.coder_id), *self._moves()]
            for guids, model, column in moved:
                # a segment's row version rises with every edit
                stmt = versioned_update(Segment) if model is Segment else update(model)
                for i in range(0, len(guids), 500):
                    s.execute(
                        stmt.where(model.guid.in_(guids[i : i + 500])).values({column.key: src.id})
                    )
            for twin, memo in self.filled_memos.items():
                s.execute(versioned_update(Segment).where(Segment.guid == twin).values(memo=memo))
            if self.moved_reviews:
                s.execute(delete(Review).where(Review.guid.in_(list(self.moved_reviews))))
            restore(s, self._renumbered(self.dropped, src.id))
            audit.record(s, project.coder, "unmerge_coders", "coder", src.guid, undo=True,
                         name=src.name)  # fmt: skip
        project.forget_cached_ids()
        return self._change()

    def _moves(self) -> list[tuple[list[str], Any, Any]]:
        """The rows that change hands besides the segments: the list of their GUIDs (filled
        by ``do``), their model and the column naming the coder."""
        return [
            (self.reviewed, Review, Review.reviewer_id),
            (self.memos, Memo, Memo.coder_id),
            (self.resolutions, Resolution, Resolution.resolved_by_id),
            (self.code_reviews, CodeReview, CodeReview.author_id),
        ]

    def _renumbered(self, snap: Snapshot, new_id: int) -> Snapshot:
        """The dropped segments as they were, pointing at the re-created coder."""

        def fix(row: dict[str, Any], key: str) -> dict[str, Any]:
            return {**row, key: new_id} if row[key] == self.old_id else row

        return Snapshot(
            segments=[fix(r, "coder_id") for r in snap.segments],
            reviews=[fix(r, "reviewer_id") for r in snap.reviews],
        )

    def _change(self) -> Change:
        assert self.dropped is not None
        dropped = frozenset(r["guid"] for r in self.dropped.segments)
        return Change(
            "merge_coders", segments_changed=frozenset(self.moved_segments),
            segments_removed=dropped, participants=True,
        )  # fmt: skip
