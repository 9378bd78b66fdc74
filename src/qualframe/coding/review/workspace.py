"""What a review shows: the coded segments with their threads and statuses, filtered by code,
document, coder, participant group and status, and the progress per code ("34 of 120
reviewed, 3 disputed"). Plain records, read in one transaction per call."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qualframe.coding.core.project import Project
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.query.segments import Where, list_segments
from qualframe.coding.review.status import (
    STATUSES,
    ThreadEntry,
    open_items,
    thread_status,
    was_disputed,
)
from qualframe.coding.review.verdicts import segment_threads


@dataclass(frozen=True)
class ReviewItem:
    segment: SegmentRecord
    thread: tuple[ThreadEntry, ...]
    status: str

    @property
    def guid(self) -> str:
        return self.segment.guid

    @property
    def reviewed(self) -> bool:
        return self.status != "unreviewed"

    @property
    def resolved(self) -> bool:
        """Agreed now, after a dispute."""
        return self.status == "agreed" and was_disputed(self.thread)

    @property
    def latest_verdict(self) -> ThreadEntry | None:
        verdicts = [e for e in self.thread if e.kind != "answer"]
        return verdicts[-1] if verdicts else None

    @property
    def waiting(self) -> list[ThreadEntry]:
        """The disputes and comments the analyst has not answered yet."""
        return open_items(self.thread)


@dataclass(frozen=True)
class CodeProgress:
    code_guid: str
    total: int
    reviewed: int
    agreed: int
    disputed: int  # disputes not answered yet
    answered: int  # answered, awaiting the auditor's new verdict
    resolved: int  # agreed after a dispute

    @property
    def text(self) -> str:
        out = f"{self.reviewed} of {self.total} reviewed"
        if self.disputed:
            out += f", {self.disputed} disputed"
        if self.answered:
            out += f", {self.answered} answered"
        return out


def review_items(
    project: Project,
    *,
    code_guid: str | None = None,
    include_descendants: bool = False,
    document_guid: str | None = None,
    coder: str | None = None,
    where: Sequence[Where] = (),
    statuses: Iterable[str] | None = None,
) -> list[ReviewItem]:
    """Segments (with their threads) matching every filter, in document order."""
    wanted = set(statuses) if statuses is not None else set(STATUSES)
    segments = list_segments(
        project, code_guid=code_guid, include_descendants=include_descendants,
        document_guid=document_guid, coder=coder, where=where,
    )  # fmt: skip
    threads = segment_threads(project, None if len(segments) > 500 else [s.guid for s in segments])
    out = []
    for seg in segments:
        thread = tuple(threads.get(seg.guid, ()))
        status = thread_status(thread)
        if status in wanted:
            out.append(ReviewItem(seg, thread, status))
    return out


def progress_by_code(items: Iterable[ReviewItem]) -> dict[str, CodeProgress]:
    """Per code the segments coded with it (not its sub-codes), as reviewed so far."""
    tally: dict[str, list[int]] = {}
    for item in items:
        t = tally.setdefault(item.segment.code_guid, [0, 0, 0, 0, 0, 0])
        t[0] += 1
        t[1] += item.reviewed
        t[2] += item.status == "agreed"
        t[3] += item.status == "disputed"
        t[4] += item.status == "answered"
        t[5] += item.resolved
    return {guid: CodeProgress(guid, *t) for guid, t in tally.items()}


def disputes(project: Project, *, answered_too: bool = False) -> list[ReviewItem]:
    """Segments waiting for the analyst (a dispute or a comment not answered), and with
    ``answered_too`` also those answered and waiting for the auditor."""
    items = review_items(project, statuses=("disputed", "answered", "commented", "agreed"))
    out = []
    for item in items:
        if item.waiting or (answered_too and item.status == "answered"):
            out.append(item)
    return out
