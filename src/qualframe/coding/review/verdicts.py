"""Auditors' review of coded segments: agree, dispute or comment, without changing them.

Each verdict is its own row (a reviewer may change their mind; the history stays), recorded
in the audit trail, and undoable like every other change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.lookup import get_segment
from qualframe.storage.models import Coder, Review, Segment

VERDICTS = ("agree", "dispute", "comment")


@dataclass(frozen=True)
class ReviewRecord:
    guid: str
    segment_guid: str
    reviewer: str
    verdict: str
    comment: str
    created_at: datetime


@dataclass
class AddReview(Command):
    segment_guid: str
    verdict: str
    comment: str = ""
    guid: str | None = None

    def __post_init__(self) -> None:
        self.text = f"Review segment: {self.verdict}"

    def do(self, project: Project) -> Change:
        verdict = self.verdict.strip().lower()
        if verdict not in VERDICTS:
            raise UserError(f'"{self.verdict}" is not a verdict; use agree, dispute or comment.')
        if verdict in ("dispute", "comment") and not self.comment.strip():
            raise UserError(f"A {verdict} needs a comment saying why.")
        with project.write() as s:
            seg = get_segment(s, self.segment_guid)
            review = Review(
                segment_id=seg.id,
                reviewer_id=project.coder_id(s),
                verdict=verdict,
                comment=self.comment.strip(),
            )
            if self.guid:
                review.guid = self.guid
            s.add(review)
            s.flush()
            self.guid = review.guid
            audit.record(
                s, project.coder, "review_segment", "review", review.guid,
                segment=self.segment_guid, verdict=verdict,
            )  # fmt: skip
        return Change(
            "review", segments_changed=frozenset({self.segment_guid}), created_guid=self.guid
        )

    def undo(self, project: Project) -> Change:
        assert self.guid
        with project.write() as s:
            s.execute(delete(Review).where(Review.guid == self.guid))
            audit.record(s, project.coder, "remove_review", "review", self.guid, undo=True)
        return Change("review", segments_changed=frozenset({self.segment_guid}))


def list_reviews(project: Project, segment_guid: str | None = None) -> list[ReviewRecord]:
    """Verdicts, oldest first (all of them, or those on one segment)."""
    with project.read() as s:
        stmt = (
            select(
                Review.guid,
                Segment.guid.label("seg"),
                Coder.name,
                Review.verdict,
                Review.comment,
                Review.created_at,
            )
            .join(Segment, Segment.id == Review.segment_id)
            .join(Coder, Coder.id == Review.reviewer_id)
            .order_by(Review.created_at, Review.id)
        )
        if segment_guid is not None:
            stmt = stmt.where(Segment.guid == segment_guid)
        return [ReviewRecord(*row) for row in s.execute(stmt).all()]


def latest_verdicts(project: Project) -> dict[str, dict[str, str]]:
    """segment GUID → {reviewer: their latest verdict}."""
    out: dict[str, dict[str, str]] = {}
    for r in list_reviews(project):
        out.setdefault(r.segment_guid, {})[r.reviewer] = r.verdict
    return out
