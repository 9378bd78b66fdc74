"""A lean form of ``coding.query.segments.query_segments`` for long retrieval lists.

The GUI's retrieved-segments list may show thousands of segments; building a full
``SegmentRecord`` (with the quoted text cut out by SQL and a copy of the participant's
attributes) for each costs several hundred milliseconds on a big project. Here one query
returns light rows without the text; the text of the rows actually painted comes from the
caller's in-memory copy of the document texts, and a full ``SegmentRecord`` is made on demand.
The filter is the same :class:`coding.query.filters.SegmentFilter`, and the order the same
as ``query_segments``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from qualframe.coding.core.codepaths import join_path
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.query.filters import Where, segment_filter
from qualframe.coding.query.segments import code_paths, participant_attributes
from qualframe.storage.models import Coder, Document, Participant, Segment, Turn


class Retrieved(NamedTuple):
    guid: str
    document_guid: str
    document_name: str
    start: int
    end: int
    code_guid: str
    code_path: tuple[str, ...]
    code_color: str
    coder: str
    speaker: str | None
    participant_guid: str | None
    participant_id: int | None
    is_interviewer: bool
    memo: str
    is_exemplar: bool

    @property
    def code_path_text(self) -> str:
        return join_path(self.code_path)


def fetch(
    project: Project,
    *,
    code_guid: str | None = None,
    include_descendants: bool = False,
    coder: str | None = None,
    where: Sequence[Where] = (),
    segment_guids: Iterable[str] | None = None,
    coders: Collection[str] | None = None,
    document_guid: str | None = None,
    paths: dict[int, tuple[tuple[str, ...], str, str]] | None = None,
    documents: dict[int, tuple[str, str]] | None = None,
    attribute_names: Collection[str] | None = None,
    document_sets: Sequence[str] = (),
) -> tuple[list[Retrieved], dict[int, dict[str, str]]]:
    """Matching segments in document order, and participant id → attributes (of the
    participants in those rows); ``document_sets`` (names or GUIDs) keeps the documents in
    any of those sets; ``attribute_names`` limits the attributes read to those (None: all).
    ``paths`` (code id → path, colour, guid) and ``documents`` (document id → guid, name,
    in the navigator's order) save queries.

    The documents table is not joined: its rows carry the whole text, and SQLite would walk
    each row's overflow pages to reach the columns after it, for every segment."""
    P = aliased(Participant)
    stmt = (
        select(
            Segment.guid, Segment.start, Segment.end, Segment.memo, Segment.is_exemplar,
            Segment.code_id, Segment.id, Segment.document_id,
            Coder.name.label("coder"), Turn.label, Turn.is_interviewer,
            P.id.label("pid"), P.guid.label("pguid"), P.pseudonym,
        )
        .join(Coder, Coder.id == Segment.coder_id)
        .outerjoin(Turn, Turn.id == Segment.turn_id)
        .outerjoin(P, P.id == Turn.participant_id)
    )  # fmt: skip
    f = segment_filter(
        code_guid=code_guid,
        include_descendants=include_descendants,
        document_guid=document_guid,
        coder=coder,
        where=where,
        segment_guids=segment_guids,
        document_sets=document_sets,
    )
    with project.read() as s:
        if documents is None:
            documents = _documents(s)
        stmt = stmt.where(*f.clauses(s))
        if coders is not None:  # only these coders' segments (the GUI's coder view)
            stmt = stmt.where(Coder.name.in_(list(coders)))
        rows = list(s.execute(stmt).all())
        if paths is None or any(r.code_id not in paths for r in rows):
            paths = code_paths(s)
        pids = {r.pid for r in rows if r.pid is not None}
        # Only the attributes the caller shows (e.g. the group): a project may have 10,000.
        attrs = participant_attributes(s, pids, attribute_names) if pids else {}
    order = {doc_id: i for i, doc_id in enumerate(documents)}
    rows.sort(key=lambda r: (order.get(r.document_id, len(order)), r.start, r.end, r.id))
    return [_retrieved(r, paths, documents) for r in rows], attrs


def _documents(s: Session) -> dict[int, tuple[str, str]]:
    """document id → (guid, name), in the navigator's order (position, name)."""
    stmt = select(Document.id, Document.guid, Document.name)
    return {
        int(did): (str(guid), str(name))
        for did, guid, name in s.execute(stmt.order_by(Document.position, Document.name))
    }


def _retrieved(
    r: Any,
    paths: dict[int, tuple[tuple[str, ...], str, str]],
    documents: dict[int, tuple[str, str]],
) -> Retrieved:
    path, color, cguid = paths[r.code_id]
    doc_guid, doc_name = documents.get(r.document_id, ("", ""))
    return Retrieved(
        r.guid, doc_guid, doc_name, r.start, r.end, cguid, path, color, r.coder,
        r.pseudonym or r.label, r.pguid, r.pid, bool(r.is_interviewer), r.memo,
        bool(r.is_exemplar),
    )  # fmt: skip


def to_record(row: Retrieved, text: str, attributes: dict[str, str]) -> SegmentRecord:
    return SegmentRecord(
        id=0, guid=row.guid, document_guid=row.document_guid, document_name=row.document_name,
        start=row.start, end=row.end, text=text, code_guid=row.code_guid,
        code_path=row.code_path, code_color=row.code_color, coder=row.coder, memo=row.memo,
        is_exemplar=row.is_exemplar, speaker=row.speaker, participant_guid=row.participant_guid,
        is_interviewer=row.is_interviewer, attributes=dict(attributes),
    )  # fmt: skip
