"""Listing coded segments with their text, code path, coder, participant and attributes,
filtered by code (with or without sub-codes), document, document set, coder and attribute
values (the filter is :class:`coding.query.filters.SegmentFilter`, shared with retrieval and
the matrix).

Speed: the quoted text is not cut out by SQL. ``substr(documents.text, …)`` for each segment
makes SQLite walk the document row's overflow pages again for every segment (~180 ms for
5,000 segments of a big project); here each document the segments lie in is read once and
sliced in Python (offsets are code points, like Python's string indices). A quote is the
segment's range cut to its own speaker turn (:mod:`coding.query.quotes`).
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from qualframe.coding.core.project import Project
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.query.filters import SegmentFilter, Where, segment_filter
from qualframe.coding.query.quotes import own_turn_sql
from qualframe.coding.query.texts import document_texts
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Code,
    Coder,
    Participant,
    Segment,
    Turn,
)


# -- retrieval ----------------------------------------------------------------------------------
def participant_attributes(
    session: Session, pids: Collection[int] | None = None, names: Collection[str] | None = None
) -> dict[int, dict[str, str]]:
    """participant id → {attribute: value}, for everyone or for the participants ``pids``
    (a long list reads everyone: one scan beats a huge IN list), all attributes or only
    ``names``. Rows carry the attribute's id, not its name, and are read without the ORM:
    a project can hold millions of values (10,000 attributes × 300 respondents)."""
    stmt = select(Attribute.id, Attribute.name)
    if names is not None:
        wanted = {n.casefold() for n in names}
        if not wanted:
            return {}
    by_id = {
        aid: name
        for aid, name in session.execute(stmt).all()
        if names is None or name.casefold() in wanted
    }
    if not by_id:
        return {}
    values = select(
        AttributeValue.participant_id, AttributeValue.attribute_id, AttributeValue.value
    )
    if pids is not None and len(pids) <= 500:
        values = values.where(AttributeValue.participant_id.in_(list(pids)))
    if names is not None and len(by_id) <= 500:
        values = values.where(AttributeValue.attribute_id.in_(list(by_id)))
    out: dict[int, dict[str, str]] = {}
    for pid, aid, value in session.connection().execute(values).all():
        name = by_id.get(aid)
        if name is not None:
            out.setdefault(pid, {})[name] = value
    return out


def code_paths(
    session: Session, code_ids: Collection[int] | None = None
) -> dict[int, tuple[tuple[str, ...], str, str]]:
    """code id → (path, colour, guid), for every code or only for ``code_ids``."""
    rows = session.connection().execute(
        select(Code.id, Code.parent_id, Code.name, Code.color, Code.guid)
    )
    info = {r[0]: r for r in rows}
    cache: dict[int, tuple[str, ...]] = {}

    def path(cid: int) -> tuple[str, ...]:
        if cid in cache:
            return cache[cid]
        r = info[cid]
        p = (*path(r[1]), r[2]) if r[1] is not None else (r[2],)
        cache[cid] = p
        return p

    wanted = info if code_ids is None else code_ids
    return {cid: (path(cid), info[cid][3], info[cid][4]) for cid in wanted}


def list_segments(
    project: Project,
    *,
    code_guid: str | None = None,
    include_descendants: bool = False,
    document_guid: str | None = None,
    coder: str | None = None,
    where: Sequence[Where] = (),
    participant_guid: str | None = None,
    include_interviewer: bool = True,
    limit: int | None = None,
    attributes: bool = True,
    document_sets: Sequence[str] = (),
) -> list[SegmentRecord]:
    """Segments matching every given filter, in document order; ``attributes=False`` leaves
    the speakers' attributes out (a project may have thousands of them). ``document_sets``
    (names or GUIDs) keeps the segments of documents in any of those sets."""
    with project.read() as s:
        return query_segments(
            s,
            code_guid=code_guid,
            include_descendants=include_descendants,
            document_guid=document_guid,
            coder=coder,
            where=where,
            participant_guid=participant_guid,
            include_interviewer=include_interviewer,
            limit=limit,
            attributes=attributes,
            document_sets=document_sets,
        )


def query_segments(
    s: Session,
    *,
    code_guid: str | None = None,
    include_descendants: bool = False,
    document_guid: str | None = None,
    coder: str | None = None,
    where: Sequence[Where] = (),
    participant_guid: str | None = None,
    include_interviewer: bool = True,
    limit: int | None = None,
    segment_guids: Iterable[str] | None = None,
    attributes: bool = True,
    document_sets: Sequence[str] = (),
) -> list[SegmentRecord]:
    """:func:`list_segments` inside the caller's session."""
    f = segment_filter(
        code_guid=code_guid,
        include_descendants=include_descendants,
        document_guid=document_guid,
        coder=coder,
        where=where,
        participant_guid=participant_guid,
        include_interviewer=include_interviewer,
        segment_guids=segment_guids,
        document_sets=document_sets,
    )
    return filtered_segments(s, f, limit=limit, attributes=attributes)


def filtered_segments(
    s: Session, f: SegmentFilter, *, limit: int | None = None, attributes: bool = True
) -> list[SegmentRecord]:
    """The segments ``f`` lets through, in document order (position, name), then start, end;
    each record's text is its quote, cut to its own speaker turn (:mod:`.quotes`; the range
    is computed by the query, the text sliced here), and its attributes are the speaker's
    (none when ``attributes`` is False).

    Three queries: the segment rows (no document text), the documents they lie in (each
    read once, text included), and the speakers' attributes. Rows become plain tuples at
    once: sorting SQLAlchemy rows, or reading their fields by name, costs more than the
    query itself."""
    P = aliased(Participant)
    stmt = (
        select(
            Segment.id, Segment.guid, Segment.start, Segment.end, Segment.memo,
            Segment.is_exemplar, Segment.code_id, Segment.created_at, Segment.document_id,
            Coder.name, Turn.label, Turn.is_interviewer, P.id, P.guid, P.pseudonym,
            *own_turn_sql(Segment.start, Segment.end, Turn.id, Turn.start, Turn.end),
        )
        .join(Coder, Coder.id == Segment.coder_id)
        .outerjoin(Turn, Turn.id == Segment.turn_id)
        .outerjoin(P, P.id == Turn.participant_id)
        .where(*f.clauses(s))
    )  # fmt: skip
    rows = [tuple(r) for r in s.connection().execute(stmt).all()]
    docs = document_texts(s, {r[8] for r in rows})
    rank = {did: i for i, did in enumerate(sorted(docs, key=lambda d: docs[d][0]))}
    rows.sort(key=itemgetter(2, 3, 0))  # start, end, id …
    rows.sort(key=lambda r: rank[r[8]])  # … within each document, in document order (stable)
    if limit is not None:
        rows = rows[: max(0, limit)]
    paths = code_paths(s, {r[6] for r in rows})
    pids = {r[12] for r in rows if r[12] is not None}
    # One dict per speaker, shared by their records (a copy each costs time in long lists).
    attrs = participant_attributes(s, pids) if pids and attributes else {}
    make = SegmentRecord._make  # the fields in order, without __new__'s keyword handling
    out = []
    with gc_paused():
        for sid, guid, start, end, memo, exemplar, code_id, created, did, coder, label, \
                in_interviewer_turn, pid, pguid, pseudonym, a, b in rows:  # fmt: skip
            path, color, cguid = paths[code_id]
            _, doc_guid, doc_name, text = docs[did]
            out.append(
                make((
                    sid, guid, doc_guid, doc_name, start, end, text[a:b], cguid, path,
                    color, coder, memo, bool(exemplar), pseudonym or label, pguid,
                    bool(in_interviewer_turn), attrs.get(pid, {}),
                    created,
                ))
            )  # fmt: skip
    return out


@contextmanager
def gc_paused() -> Iterator[None]:
    """Thousands of records are made in one go and all survive: without a pause, they set
    off full garbage collections over every object of the program (in the GUI, every model
    object) in the middle of the listing."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
