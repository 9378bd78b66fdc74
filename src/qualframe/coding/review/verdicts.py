"""Auditors' review of coded segments: agree, dispute or comment, without changing them.

Each verdict is its own row (a reviewer may change their mind; the history stays), recorded
in the audit trail, and undoable like every other change. A verdict is the one change a
project open for review accepts (``Project.review_write``). The analyst's answers to
disputes live in the same thread (``coding.review.answers``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.lookup import get_segment
from qualframe.coding.review.status import VERDICTS, ThreadEntry, thread_status
from qualframe.storage.models import Coder, Review, Segment

__all__ = ["VERDICTS", "AddReview", "AddReviews", "ReviewRecord", "latest_verdicts", "list_reviews"]


@dataclass(frozen=True)
class ReviewRecord:
    guid: str
    segment_guid: str
    reviewer: str
    verdict: str  # agree | dispute | comment | answer
    comment: str
    created_at: datetime
    reply_to: str | None = None
    action: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def entry(self) -> ThreadEntry:
        return ThreadEntry(
            self.guid, self.verdict, self.reviewer, self.comment, self.created_at,
            self.reply_to, self.action, dict(self.details),
        )  # fmt: skip


def check_verdict(verdict: str, comment: str) -> str:
    verdict = verdict.strip().lower()
    if verdict not in VERDICTS:
        raise UserError(f'"{verdict}" is not a verdict; use agree, dispute or comment.')
    if verdict in ("dispute", "comment") and not comment.strip():
        raise UserError(f"A {verdict} needs a comment saying why.")
    return verdict


@dataclass
class AddReview(Command):
    segment_guid: str
    verdict: str
    comment: str = ""
    guid: str | None = None

    def __post_init__(self) -> None:
        self.text = f"Review segment: {self.verdict}"

    def do(self, project: Project) -> Change:
        verdict = check_verdict(self.verdict, self.comment)
        with project.review_write() as s:
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
                segment=self.segment_guid, verdict=verdict, comment=self.comment.strip(),
            )  # fmt: skip
        return Change(
            "review", segments_changed=frozenset({self.segment_guid}), created_guid=self.guid
        )

    def undo(self, project: Project) -> Change:
        assert self.guid
        with project.review_write() as s:
            s.execute(delete(Review).where(Review.guid == self.guid))
            audit.record(
                s, project.coder, "remove_review", "review", self.guid, undo=True,
                segment=self.segment_guid,
            )  # fmt: skip
        return Change("review", segments_changed=frozenset({self.segment_guid}))


@dataclass
class AddReviews(Command):
    """The same verdict on several segments in one transaction (scripted reviews)."""

    segment_guids: list[str]
    verdict: str
    comment: str = ""
    guids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = f"Review {len(self.segment_guids)} segments: {self.verdict}"

    def do(self, project: Project) -> Change:
        verdict = check_verdict(self.verdict, self.comment)
        if not self.segment_guids:
            raise UserError("There is no segment to review.")
        earlier = list(self.guids)
        made: list[str] = []
        with project.review_write() as s:
            reviewer = project.coder_id(s)
            for i, seg_guid in enumerate(self.segment_guids):
                seg = get_segment(s, seg_guid)
                review = Review(
                    segment_id=seg.id, reviewer_id=reviewer, verdict=verdict,
                    comment=self.comment.strip(),
                )  # fmt: skip
                if i < len(earlier):
                    review.guid = earlier[i]
                s.add(review)
                s.flush()
                made.append(review.guid)
                audit.record(
                    s, project.coder, "review_segment", "review", review.guid,
                    segment=seg_guid, verdict=verdict, comment=self.comment.strip(),
                )  # fmt: skip
        self.guids = made
        return Change("review", segments_changed=frozenset(self.segment_guids))

    def undo(self, project: Project) -> Change:
        with project.review_write() as s:
            s.execute(delete(Review).where(Review.guid.in_(self.guids)))
            for guid, seg in zip(self.guids, self.segment_guids, strict=True):
                audit.record(s, project.coder, "remove_review", "review", guid, segment=seg)
        return Change("review", segments_changed=frozenset(self.segment_guids))


def _thread_stmt() -> Any:
    return (
        select(
            Review.guid, Segment.guid.label("seg"), Coder.name, Review.verdict, Review.comment,
            Review.created_at, Review.reply_to_guid, Review.action, Review.details,
        )
        .join(Segment, Segment.id == Review.segment_id)
        .join(Coder, Coder.id == Review.reviewer_id)
        .order_by(Review.created_at, Review.id)
    )  # fmt: skip


def reviews_in(session: Session, segment_guids: Iterable[str] | None = None) -> list[ReviewRecord]:
    stmt = _thread_stmt()
    if segment_guids is not None:
        stmt = stmt.where(Segment.guid.in_(list(segment_guids)))
    return [
        ReviewRecord(g, seg, who, v, c, at, reply, action, dict(details or {}))
        for g, seg, who, v, c, at, reply, action, details in session.execute(stmt).all()
    ]


def list_reviews(project: Project, segment_guid: str | None = None) -> list[ReviewRecord]:
    """Thread entries, oldest first (all of them, or those on one segment): verdicts and the
    analyst's answers."""
    with project.read() as s:
        return reviews_in(s, None if segment_guid is None else [segment_guid])


def segment_threads(
    project: Project, segment_guids: Iterable[str] | None = None
) -> dict[str, list[ThreadEntry]]:
    """segment GUID → its thread, oldest first (segments without one are absent)."""
    out: dict[str, list[ThreadEntry]] = {}
    for r in list_reviews_for(project, segment_guids):
        out.setdefault(r.segment_guid, []).append(r.entry())
    return out


def list_reviews_for(
    project: Project, segment_guids: Iterable[str] | None = None
) -> list[ReviewRecord]:
    with project.read() as s:
        return reviews_in(s, segment_guids)


def segment_statuses(project: Project) -> dict[str, str]:
    """segment GUID → its review status (segments without a thread are ``unreviewed``)."""
    return {guid: thread_status(entries) for guid, entries in segment_threads(project).items()}


def latest_verdicts(project: Project) -> dict[str, dict[str, str]]:
    """segment GUID → {reviewer: their latest verdict} (answers are not verdicts)."""
    out: dict[str, dict[str, str]] = {}
    for r in list_reviews(project):
        if r.verdict in VERDICTS:
            out.setdefault(r.segment_guid, {})[r.reviewer] = r.verdict
    return out
