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
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from itertools import chain, groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.core.project import Project
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.query.driver import driver_rows, stamp_reader
from qualframe.coding.query.filters import SegmentFilter, Where, segment_filter
from qualframe.coding.query.quotes import own_turn
from qualframe.coding.query.texts import DocumentTexts, document_texts
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
        for aid, name in driver_rows(session, stmt)
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
    for pid, aid, value in driver_rows(session, values):
        name = by_id.get(aid)
        if name is not None:
            out.setdefault(pid, {})[name] = value
    return out


def code_paths(
    session: Session, code_ids: Collection[int] | None = None
) -> dict[int, tuple[tuple[str, ...], str, str]]:
    """code id → (path, colour, guid), for every code or only for ``code_ids``."""
    rows = driver_rows(session, select(Code.id, Code.parent_id, Code.name, Code.color, Code.guid))
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
    """The segments ``f`` lets through, in document order (position, name), then start, end
    and coding order (id); each record's text is its quote, cut to its own speaker turn
    (:func:`.quotes.own_turn`, called only for a segment reaching beyond its turn), and its
    attributes are the speaker's (none when ``attributes`` is False).

    The segment rows, joined to their turns only, are the driver's own tuples
    (:mod:`.driver`). Coders, speakers, codes, documents (each text read once and kept,
    :mod:`.texts`) and attributes come from small queries of their own, shared by the
    records: joining them to every segment, and making their strings again for each, cost
    more than the rest of the listing."""
    stmt = select(
        Segment.start, Segment.end, Segment.id, Segment.document_id,  # the order: see _in_order
        Segment.guid, Segment.memo, Segment.is_exemplar, Segment.code_id, Segment.created_at,
        Segment.coder_id, Turn.label, Turn.is_interviewer, Turn.participant_id,
        Turn.start, Turn.end,
    ).outerjoin(Turn, Turn.id == Segment.turn_id).where(*f.clauses(s))  # fmt: skip
    with gc_paused():
        blocks, docs = _in_order(s, driver_rows(s, stmt), limit)
        listed = list(chain.from_iterable(rows for _, rows in blocks))
        paths = code_paths(s, set(map(itemgetter(7), listed)))
        coders = dict(driver_rows(s, select(Coder.id, Coder.name)))
        people = speakers(s, set(map(itemgetter(12), listed)) - {None}, attributes)
        del listed
        out = _records(blocks, docs, paths, coders, people, stamp_reader(s))
        del blocks  # the rows go before the collector is back, which then need not visit them
    return out


Block = tuple[int, list[Any]]  # a document's id and its segment rows, in order


def _in_order(s: Session, rows: list[Any], limit: int | None) -> tuple[list[Block], DocumentTexts]:
    """The first ``limit`` rows (None: all) in order, in blocks by document, and the texts
    of those documents. Each document's rows are sorted as plain tuples, which Python
    compares in C: their first columns are start, end and id (unique, so no comparison goes
    further); the documents are then put in order (position, name)."""
    by_doc: dict[int, list[Any]] = {}
    for row in rows:
        block = by_doc.get(row[3])
        if block is None:
            by_doc[row[3]] = [row]
        else:
            block.append(row)
    docs = document_texts(s, by_doc)
    blocks = sorted(by_doc.items(), key=lambda block: docs[block[0]][0])
    for _, rows in blocks:
        rows.sort()
    if limit is not None:  # the first rows, in blocks again
        kept = list(chain.from_iterable(rows for _, rows in blocks))[: max(0, limit)]
        blocks = [(did, list(rows)) for did, rows in groupby(kept, itemgetter(3))]
    return blocks, docs


def _records(
    blocks: list[Block],
    docs: DocumentTexts,
    paths: dict[int, tuple[tuple[str, ...], str, str]],
    coders: dict[int, str],
    people: dict[int, tuple[str, str, dict[str, str] | None]],
    stamp: Callable[[Any], datetime],
) -> list[SegmentRecord]:
    """The records of the rows of :func:`filtered_segments`. The one loop that runs for
    every segment: plain local names, one look-up per table."""
    new = tuple.__new__  # what SegmentRecord._make does, without its Python frame
    out = []
    for did, rows in blocks:
        _, doc_guid, doc_name, text = docs[did]
        for start, end, sid, _, guid, memo, exemplar, code_id, created, coder_id, label, \
                in_interviewer_turn, pid, turn_start, turn_end in rows:  # fmt: skip
            if turn_start is None or (turn_start <= start and end <= turn_end):
                a, b = start, end  # inside its turn, or in none: the whole range
            else:
                a, b = own_turn(start, end, (turn_start, turn_end))
            path, color, cguid = paths[code_id]
            pguid, pseudonym, attrs = people.get(pid, NOBODY)
            out.append(
                new(SegmentRecord, (
                    sid, guid, doc_guid, doc_name, start, end, text[a:b], cguid, path, color,
                    coders[coder_id], memo, bool(exemplar), pseudonym or label, pguid,
                    bool(in_interviewer_turn), attrs or {}, stamp(created),
                ))
            )  # fmt: skip
    return out


#: (GUID, pseudonym, attributes) of a segment without a speaker.
NOBODY: tuple[None, None, None] = (None, None, None)


def speakers(
    s: Session, pids: Collection[int], attributes: bool = True
) -> dict[int, tuple[str, str, dict[str, str] | None]]:
    """participant id → (GUID, pseudonym, attribute values or None) for the participants
    ``pids`` (a long list reads everyone: one scan beats a huge IN list); ``attributes``
    False reads no attribute values. One dict of values per speaker, shared by the
    speaker's records (a copy each costs time in long lists)."""
    attrs = participant_attributes(s, pids) if attributes else {}
    stmt = select(Participant.id, Participant.guid, Participant.pseudonym)
    if len(pids) <= 500:
        stmt = stmt.where(Participant.id.in_(list(pids)))
    return {pid: (guid, name, attrs.get(pid)) for pid, guid, name in driver_rows(s, stmt)}


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
