"""What a review shows: the coded segments with their threads and statuses, filtered by code,
document, coder, participant group and status, and the progress per code ("34 of 120
reviewed, 3 disputed"). Plain records, read in one transaction per call."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from qualframe.coding.core.project import Project
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.query import retrieval
from qualframe.coding.query.filters import Where
from qualframe.coding.query.segments import list_segments, query_segments
from qualframe.coding.review.status import (
    STATUSES,
    ThreadEntry,
    open_items,
    thread_status,
    was_disputed,
)
from qualframe.coding.review.verdicts import segment_threads
from qualframe.storage.models import Code, Review, Segment


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
    segment_guids: Iterable[str] | None = None,
    with_text: bool = True,
) -> list[ReviewItem]:
    """Segments (with their threads) matching every filter, in document order; with
    ``segment_guids`` only those segments (e.g. the ones a verdict just changed). Without
    ``with_text`` the records' ``text`` is empty and the segments are read without touching
    the documents' texts (quick on a big project; the caller cuts the text from its copy)."""
    wanted = set(statuses) if statuses is not None else set(STATUSES)
    if not with_text:
        rows, attrs = retrieval.fetch(
            project, code_guid=code_guid, include_descendants=include_descendants,
            document_guid=document_guid, coder=coder, where=where, segment_guids=segment_guids,
        )  # fmt: skip
        segments = [
            retrieval.to_record(r, "", attrs.get(r.participant_id, {}) if r.participant_id else {})
            for r in rows
        ]
    elif segment_guids is not None:
        with project.read() as s:
            segments = query_segments(s, segment_guids=list(segment_guids))
    else:
        segments = list_segments(
            project, code_guid=code_guid, include_descendants=include_descendants,
            document_guid=document_guid, coder=coder, where=where,
        )  # fmt: skip
    threads = segment_threads(project, None if len(segments) > 500 else [s.guid for s in segments])
    out = []
    for seg in segments:
        thread = tuple(threads.get(seg.guid, ()))
        status = thread_status(thread) if thread else "unreviewed"
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


def review_progress(project: Project) -> dict[str, CodeProgress]:
    """The same as ``progress_by_code(review_items(project))`` without reading every segment:
    counts per code from the database, statuses only for the segments with a thread."""
    threads = segment_threads(project)
    with project.read() as s:
        totals = dict(
            s.execute(
                select(Code.guid, func.count(Segment.id))
                .join(Segment, Segment.code_id == Code.id)
                .group_by(Code.guid)
            ).all()
        )
        code_of = dict(
            s.execute(
                select(Segment.guid, Code.guid)
                .join(Code, Code.id == Segment.code_id)
                .where(Segment.id.in_(select(Review.segment_id)))
            ).all()
        )
    tally = {guid: [int(n), 0, 0, 0, 0, 0] for guid, n in totals.items()}
    for seg, thread in threads.items():
        code = code_of.get(seg)
        if code is None or code not in tally:
            continue
        status = thread_status(thread)
        t = tally[code]
        t[1] += status != "unreviewed"
        t[2] += status == "agreed"
        t[3] += status == "disputed"
        t[4] += status == "answered"
        t[5] += status == "agreed" and was_disputed(thread)
    return {guid: CodeProgress(guid, *t) for guid, t in tally.items()}


def disputes(project: Project, *, answered_too: bool = False) -> list[ReviewItem]:
    """Segments waiting for the analyst (a dispute or a comment not answered), and with
    ``answered_too`` also those answered and waiting for the auditor. Only segments with a
    thread are read, so this stays quick however many segments the project has."""
    wanted = [
        guid
        for guid, thread in segment_threads(project).items()
        if open_items(thread) or (answered_too and thread_status(thread) == "answered")
    ]
    if not wanted:
        return []
    return [
        item
        for item in review_items(project, segment_guids=wanted)
        if item.waiting or (answered_too and item.status == "answered")
    ]


def threaded_segments(project: Project) -> set[str]:
    """GUIDs of the segments that have a review thread."""
    return set(segment_threads(project))
