"""Exemplar quotes for the theme matrix: up to N per (code, group), the segments an analyst
marked as exemplars first, then in document order; real names masked unless asked. A quote
is the segment cut to its own speaker turn (:mod:`coding.query.quotes`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.analysis.matrix.model import Quote
from qualframe.coding.query.quotes import own_turn
from qualframe.coding.query.texts import document_texts
from qualframe.storage.models import Document, Participant, Segment, Turn

#: A counted segment as the matrix pass reads it: (code id, group value, segment id,
#: is exemplar, document id, start).
CountedRow = tuple[int, str, int, bool, int, int]


def pick_quotes(
    s: Session, counted: list[CountedRow], n: int, mask: Callable[[str], str]
) -> dict[tuple[int, str], tuple[Quote, ...]]:
    """Up to ``n`` quotes per (code coded directly, group) among the ``counted`` segments:
    exemplars first, then in document order."""
    conn = s.connection()
    docs = list(conn.execute(select(Document.id, Document.position, Document.name)))
    docs.sort(key=lambda r: (r[1], r[2]))
    doc_order = {int(r[0]): k for k, r in enumerate(docs)}
    ordered = sorted(counted, key=lambda r: (not r[3], doc_order[r[4]], r[5], r[2]))
    picked: dict[tuple[int, str], list[int]] = defaultdict(list)
    for code_id, group, sid, *_ in ordered:
        bucket = picked[(code_id, group)]
        if len(bucket) < n:
            bucket.append(sid)
    found = _quotes(s, [sid for bucket in picked.values() for sid in bucket], mask)
    return {
        key: tuple(found[sid] for sid in bucket if sid in found) for key, bucket in picked.items()
    }


def _quotes(s: Session, ids: list[int], mask: Callable[[str], str]) -> dict[int, Quote]:
    """The quotes of the segments ``ids`` (each document's text read once and sliced)."""
    conn = s.connection()
    info: dict[int, tuple[Any, ...]] = {}
    for i in range(0, len(ids), 500):
        for r in conn.execute(
            select(
                Segment.id, Segment.guid, Segment.is_exemplar, Participant.pseudonym,
                Segment.document_id, Segment.start, Segment.end, Turn.start, Turn.end,
            )
            .join(Turn, Turn.id == Segment.turn_id)
            .join(Participant, Participant.id == Turn.participant_id)
            .where(Segment.id.in_(ids[i : i + 500]))
        ):  # fmt: skip
            info[int(r[0])] = tuple(r)
    texts = document_texts(s, {r[4] for r in info.values()})
    found: dict[int, Quote] = {}
    for sid, (_, guid, exemplar, pseudonym, did, start, end, t_start, t_end) in info.items():
        _, _, name, text = texts[did]
        start, end = own_turn(start, end, (t_start, t_end))  # never another speaker's words
        found[sid] = Quote(
            str(guid), mask(text[start:end]), str(pseudonym), mask(name), bool(exemplar)
        )
    return found
