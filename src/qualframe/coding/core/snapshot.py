"""Snapshots of codes and segments as plain dicts, so that deletions can be undone exactly.

Rows are restored with their original GUIDs; integer ids may differ afterwards, which is
why everything outside a transaction refers to codes and segments by GUID.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.storage.models import Code, CodeReview, Memo, Resolution, Review, Segment

CODE_FIELDS = (
    "guid", "name", "color", "definition", "inclusion", "exclusion", "example", "position",
    "created_at", "updated_at",
)  # fmt: skip
SEGMENT_FIELDS = (
    "guid", "document_id", "coder_id", "turn_id", "start", "end", "memo", "is_exemplar",
    "created_at", "updated_at", "selection_guid",
)  # fmt: skip
MEMO_FIELDS = (
    "guid",
    "title",
    "text",
    "kind",
    "document_id",
    "coder_id",
    "created_at",
    "updated_at",
)
REVIEW_FIELDS = (
    "guid", "reviewer_id", "verdict", "comment", "created_at", "reply_to_guid", "action", "details",
)  # fmt: skip
RESOLUTION_FIELDS = (
    "guid", "key", "document_id", "start", "end", "coders", "decision", "accepted", "segments",
    "resolved_by_id", "note", "created_at",
)  # fmt: skip
CODE_REVIEW_FIELDS = (
    "guid", "author_id", "kind", "text", "reply_to_guid", "action", "details", "created_at",
)  # fmt: skip


@dataclass
class Snapshot:
    codes: list[dict[str, Any]] = field(default_factory=list)  # parents before children
    segments: list[dict[str, Any]] = field(default_factory=list)
    memos: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    # how the places of the codes' disagreements were resolved (the rows go with the code)
    resolutions: list[dict[str, Any]] = field(default_factory=list)
    code_reviews: list[dict[str, Any]] = field(default_factory=list)  # threads on the codes


def _row(obj: object, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def guid_of_code(session: Session, code_id: int | None) -> str | None:
    if code_id is None:
        return None
    return session.scalar(select(Code.guid).where(Code.id == code_id))


def snapshot_segments(session: Session, segments: list[Segment]) -> Snapshot:
    snap = Snapshot()
    code_guids = dict(session.execute(select(Code.id, Code.guid)).all())
    by_id = {}
    for seg in segments:
        row = _row(seg, SEGMENT_FIELDS)
        row["code_guid"] = code_guids[seg.code_id]
        snap.segments.append(row)
        by_id[seg.id] = seg.guid
    if by_id:
        stmt = select(Review).where(Review.segment_id.in_(list(by_id)))
        for rev in session.scalars(stmt.order_by(Review.created_at, Review.id)):
            row = _row(rev, REVIEW_FIELDS)
            row["segment_guid"] = by_id[rev.segment_id]
            snap.reviews.append(row)
    return snap


def snapshot_codes(session: Session, code_ids: list[int]) -> Snapshot:
    """Codes (in the given parent-first order) with their segments, memos and reviews (of
    the segments and of the codes)."""
    codes = {c.id: c for c in session.scalars(select(Code).where(Code.id.in_(code_ids)))}
    id_to_guid = dict(session.execute(select(Code.id, Code.guid)).all())
    segs = list(session.scalars(select(Segment).where(Segment.code_id.in_(code_ids))))
    snap = snapshot_segments(session, segs)
    for cid in code_ids:
        code = codes[cid]
        row = _row(code, CODE_FIELDS)
        row["parent_guid"] = id_to_guid.get(code.parent_id) if code.parent_id else None
        snap.codes.append(row)
    for memo in session.scalars(select(Memo).where(Memo.code_id.in_(code_ids))):
        row = _row(memo, MEMO_FIELDS)
        row["code_guid"] = id_to_guid[memo.code_id] if memo.code_id else None
        snap.memos.append(row)
    for res in session.scalars(select(Resolution).where(Resolution.code_id.in_(code_ids))):
        row = _row(res, RESOLUTION_FIELDS)
        row["code_guid"] = id_to_guid[res.code_id]
        snap.resolutions.append(row)
    order = (CodeReview.created_at, CodeReview.id)
    for cr in session.scalars(
        select(CodeReview).where(CodeReview.code_id.in_(code_ids)).order_by(*order)
    ):
        row = _row(cr, CODE_REVIEW_FIELDS)
        row["code_guid"] = id_to_guid[cr.code_id]
        snap.code_reviews.append(row)
    return snap


def restore(session: Session, snap: Snapshot) -> None:
    """Bring back what ``snap`` holds: missing rows are re-created, existing segments get
    their code, bounds and memo back."""
    guid_to_id = _restore_codes(session, snap.codes)
    seg_ids = _restore_segments(session, snap.segments, guid_to_id)
    _restore_reviews(session, snap.reviews, seg_ids)
    _restore_memos(session, snap.memos, guid_to_id)
    restore_resolutions(session, snap.resolutions, guid_to_id)
    _restore_code_reviews(session, snap, guid_to_id)
    session.flush()


def _restore_codes(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Re-create the missing codes (parents come first in ``rows``); code GUID → id."""
    guid_to_id: dict[str, int] = dict(session.execute(select(Code.guid, Code.id)).all())
    for row in rows:
        if row["guid"] in guid_to_id:
            continue
        data = {k: v for k, v in row.items() if k != "parent_guid"}
        code = Code(
            **data, parent_id=guid_to_id.get(row["parent_guid"]) if row["parent_guid"] else None
        )
        session.add(code)
        session.flush()
        guid_to_id[code.guid] = code.id
    return guid_to_id


def _restore_segments(
    session: Session, rows: list[dict[str, Any]], code_ids: dict[str, int]
) -> dict[str, int]:
    """Re-create missing segments and put back the fields of existing ones; GUID → id."""
    if not rows:
        return {}
    guids = [r["guid"] for r in rows]
    existing = {s.guid: s for s in session.scalars(select(Segment).where(Segment.guid.in_(guids)))}
    for row in rows:
        data = {k: v for k, v in row.items() if k != "code_guid"}
        code_id = code_ids[row["code_guid"]]
        seg = existing.get(row["guid"])
        if seg is None:
            session.add(Segment(**data, code_id=code_id))
        else:
            for k, v in data.items():
                setattr(seg, k, v)
            seg.code_id = code_id
    session.flush()
    return dict(
        session.execute(select(Segment.guid, Segment.id).where(Segment.guid.in_(guids))).all()
    )


def _restore_reviews(
    session: Session, rows: list[dict[str, Any]], segment_ids: dict[str, int]
) -> None:
    if not rows:
        return
    wanted = [r["guid"] for r in rows]
    existing = set(session.scalars(select(Review.guid).where(Review.guid.in_(wanted))))
    for row in rows:
        if row["guid"] in existing:
            continue
        data = {k: v for k, v in row.items() if k != "segment_guid"}
        session.add(Review(**data, segment_id=segment_ids[row["segment_guid"]]))


def _restore_memos(session: Session, rows: list[dict[str, Any]], code_ids: dict[str, int]) -> None:
    if not rows:
        return
    wanted = [m["guid"] for m in rows]
    existing = set(session.scalars(select(Memo.guid).where(Memo.guid.in_(wanted))))
    for row in rows:
        if row["guid"] in existing:
            continue
        data = {k: v for k, v in row.items() if k != "code_guid"}
        session.add(
            Memo(**data, code_id=code_ids.get(row["code_guid"]) if row["code_guid"] else None)
        )


def restore_resolutions(
    session: Session, rows: list[dict[str, Any]], code_ids: dict[str, int],
    document_id: int | None = None,
) -> None:  # fmt: skip
    """Re-create the resolutions of ``rows`` that are missing (on ``document_id`` when
    given: the document was re-created under a new id)."""
    if not rows:
        return
    have = set(
        session.scalars(
            select(Resolution.guid).where(Resolution.guid.in_([r["guid"] for r in rows]))
        )
    )
    for row in rows:
        if row["guid"] in have or row["code_guid"] not in code_ids:
            continue
        data = {k: v for k, v in row.items() if k != "code_guid"}
        if document_id is not None:
            data["document_id"] = document_id
        session.add(Resolution(**data, code_id=code_ids[row["code_guid"]]))


def _restore_code_reviews(session: Session, snap: Snapshot, guid_to_id: dict[str, int]) -> None:
    if not snap.code_reviews:
        return
    guids = [r["guid"] for r in snap.code_reviews]
    existing = set(session.scalars(select(CodeReview.guid).where(CodeReview.guid.in_(guids))))
    for row in snap.code_reviews:
        if row["guid"] not in existing:
            data = {k: v for k, v in row.items() if k != "code_guid"}
            session.add(CodeReview(**data, code_id=guid_to_id[row["code_guid"]]))
