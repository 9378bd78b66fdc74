"""A whole document as plain data — its text, turns, coded segments (with their reviews),
document memos, set memberships and survey-item link — so that deleting it can be undone
exactly: every row comes back with its GUID; integer ids may differ and are re-mapped.

Rows are copied column by column from the models (whatever columns they have), so a column
added to a table later is kept too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from qualframe.coding.core.errors import UserError
from qualframe.coding.corpus.documents import unique_document_name
from qualframe.storage.models import (
    Code,
    Document,
    DocumentSet,
    DocumentSetMember,
    Memo,
    Participant,
    Review,
    Segment,
    SurveyItem,
    Turn,
)

Row = dict[str, Any]


def row_of(obj: object, skip: tuple[str, ...] = ("id",)) -> Row:
    """Every mapped column of ``obj`` except ``skip``."""
    return {
        a.key: getattr(obj, a.key) for a in inspect(type(obj)).column_attrs if a.key not in skip
    }


@dataclass
class DocumentSnapshot:
    document: Row
    turns: list[Row] = field(default_factory=list)  # with "old_id" and "participant_guid"
    segments: list[Row] = field(default_factory=list)  # with "code_guid" and "old_turn_id"
    reviews: list[Row] = field(default_factory=list)  # with "segment_guid"
    memos: list[Row] = field(default_factory=list)  # with "code_guid"
    set_guids: list[str] = field(default_factory=list)
    survey_item_guids: list[str] = field(default_factory=list)

    @property
    def guid(self) -> str:
        return str(self.document["guid"])

    @property
    def segment_guids(self) -> frozenset[str]:
        return frozenset(str(r["guid"]) for r in self.segments)


def snapshot_document_in(session: Session, doc: Document) -> DocumentSnapshot:
    snap = DocumentSnapshot(row_of(doc))
    pguids = dict(session.execute(select(Participant.id, Participant.guid)).all())
    cguids = dict(session.execute(select(Code.id, Code.guid)).all())
    for turn in session.scalars(select(Turn).where(Turn.document_id == doc.id)):
        row = row_of(turn, ("id", "document_id", "participant_id"))
        row["old_id"] = turn.id
        pid = turn.participant_id
        row["participant_guid"] = pguids.get(pid) if pid is not None else None
        snap.turns.append(row)
    seg_guids: dict[int, str] = {}
    for seg in session.scalars(select(Segment).where(Segment.document_id == doc.id)):
        row = row_of(seg, ("id", "document_id", "code_id", "turn_id"))
        row["code_guid"] = cguids[seg.code_id]
        row["old_turn_id"] = seg.turn_id
        snap.segments.append(row)
        seg_guids[seg.id] = seg.guid
    if seg_guids:
        for rev in session.scalars(select(Review).where(Review.segment_id.in_(list(seg_guids)))):
            row = row_of(rev, ("id", "segment_id"))
            row["segment_guid"] = seg_guids[rev.segment_id]
            snap.reviews.append(row)
    for memo in session.scalars(select(Memo).where(Memo.document_id == doc.id)):
        row = row_of(memo, ("id", "document_id", "code_id"))
        row["code_guid"] = cguids.get(memo.code_id) if memo.code_id is not None else None
        snap.memos.append(row)
    snap.set_guids = list(
        session.scalars(
            select(DocumentSet.guid)
            .join(DocumentSetMember, DocumentSetMember.set_id == DocumentSet.id)
            .where(DocumentSetMember.document_id == doc.id)
        )
    )
    snap.survey_item_guids = list(
        session.scalars(select(SurveyItem.guid).where(SurveyItem.document_id == doc.id))
    )
    return snap


def restore_document_in(session: Session, snap: DocumentSnapshot) -> Document:
    """Re-create the document of ``snap`` with everything that belonged to it."""
    if session.scalar(select(Document.id).where(Document.guid == snap.guid)) is not None:
        raise UserError("That document exists already.")
    data = dict(snap.document)
    data["name"] = unique_document_name(session, str(data["name"]))
    doc = Document(**data)
    session.add(doc)
    session.flush()
    pids = dict(session.execute(select(Participant.guid, Participant.id)).all())
    turn_ids: dict[int, int] = {}
    for row in snap.turns:
        extra = {"old_id", "participant_guid"}
        turn = Turn(
            **{k: v for k, v in row.items() if k not in extra},
            document_id=doc.id,
            participant_id=pids.get(row["participant_guid"]) if row["participant_guid"] else None,
        )
        session.add(turn)
        session.flush()
        turn_ids[int(row["old_id"])] = turn.id
    _restore_segments(session, snap, doc.id, turn_ids)
    code_ids = dict(session.execute(select(Code.guid, Code.id)).all())
    for row in snap.memos:
        data = {k: v for k, v in row.items() if k != "code_guid"}
        code_id = code_ids.get(row["code_guid"]) if row["code_guid"] else None
        session.add(Memo(**data, document_id=doc.id, code_id=code_id))
    set_ids = dict(session.execute(select(DocumentSet.guid, DocumentSet.id)).all())
    for guid in snap.set_guids:
        if guid in set_ids:
            session.add(DocumentSetMember(set_id=set_ids[guid], document_id=doc.id))
    if snap.survey_item_guids:
        for item in session.scalars(
            select(SurveyItem).where(SurveyItem.guid.in_(snap.survey_item_guids))
        ):
            item.document_id = doc.id
    session.flush()
    return doc


def _restore_segments(
    session: Session, snap: DocumentSnapshot, doc_id: int, turn_ids: dict[int, int]
) -> None:
    code_ids = dict(session.execute(select(Code.guid, Code.id)).all())
    missing = {r["code_guid"] for r in snap.segments} - code_ids.keys()
    if missing:
        raise UserError("A code the document's segments carried no longer exists.")
    seg_ids: dict[str, int] = {}
    for row in snap.segments:
        data = {k: v for k, v in row.items() if k not in ("code_guid", "old_turn_id")}
        old_turn = row["old_turn_id"]
        seg = Segment(
            **data,
            document_id=doc_id,
            code_id=code_ids[row["code_guid"]],
            turn_id=turn_ids.get(old_turn) if old_turn is not None else None,
        )
        session.add(seg)
        session.flush()
        seg_ids[seg.guid] = seg.id
    for row in snap.reviews:
        data = {k: v for k, v in row.items() if k != "segment_guid"}
        session.add(Review(**data, segment_id=seg_ids[row["segment_guid"]]))
