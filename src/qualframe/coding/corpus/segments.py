"""Coded segments: applying a code to a range, resizing, memos and exemplar flags, and the
highlights a document view paints. Offsets are Unicode code points into the stored (NFC,
``\\n`` line ends) document text, the REFI-QDA convention; ``end`` is exclusive."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.codepaths import join_path
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import CodeRecord
from qualframe.coding.corpus.lookup import document_by_guid, get_segment
from qualframe.coding.query.segments import code_paths
from qualframe.storage.models import (
    Code,
    Coder,
    Document,
    Segment,
    Turn,
)


def code_range(
    project: Project,
    document_guid: str,
    start: int,
    end: int,
    code_path: str,
    *,
    create: bool = False,
    memo: str = "",
) -> tuple[str, list[str]]:
    """Apply the code at ``code_path`` to [start, end) in ONE transaction; with ``create`` the
    missing levels of the path are added in the same transaction, so a refused range leaves
    no new codes behind. Returns the segment GUID and the GUIDs of codes created."""
    from qualframe.coding.codebook.edits import ensure_path_in

    with project.write() as s:
        doc = document_by_guid(s, document_guid)
        code, created = ensure_path_in(s, project.coder, code_path, create=create)
        seg = apply_in(s, project.coder, project.coder_id(s), doc, start, end, code, memo=memo)
        return seg.guid, created


def turn_for_range(session: Session, document_id: int, start: int, end: int) -> int | None:
    """The turn that overlaps [start, end) the most (the speaker a segment belongs to)."""
    rows = session.execute(
        select(Turn.id, Turn.start, Turn.end).where(
            Turn.document_id == document_id, Turn.start < end, Turn.end > start
        )
    ).all()
    if not rows:
        return None
    best = max(rows, key=lambda r: (min(end, r.end) - max(start, r.start), -r.start))
    return int(best.id)


def check_range(doc: Document, start: int, end: int) -> None:
    if not (0 <= start < end <= doc.length):
        raise UserError(
            f"The range {start}-{end} is outside {doc.name}, which has {doc.length} characters."
        )


# -- building blocks --------------------------------------------------------------------------
def apply_in(
    session: Session,
    actor: str,
    coder_id: int,
    document: Document,
    start: int,
    end: int,
    code: Code,
    *,
    memo: str = "",
    guid: str | None = None,
    coder: str | None = None,
) -> Segment:
    """Code [start, end) of ``document`` with ``code`` for the coder ``coder_id``; ``coder``
    names that coder in the trail when it is not the actor (the consensus a resolution codes
    for), so that the trail knows whose a segment was after it is gone."""
    check_range(document, start, end)
    duplicate = session.scalar(
        select(Segment.id).where(
            Segment.document_id == document.id, Segment.code_id == code.id,
            Segment.coder_id == coder_id, Segment.start == start, Segment.end == end,
        )
    )  # fmt: skip
    if duplicate is not None:
        raise UserError(f'This passage is already coded "{code.name}" by this coder.')
    seg = Segment(
        document_id=document.id,
        code_id=code.id,
        coder_id=coder_id,
        turn_id=turn_for_range(session, document.id, start, end),
        start=start,
        end=end,
        memo=memo,
    )
    if guid:
        seg.guid = guid
    session.add(seg)
    session.flush()
    audit.record(
        session, actor, "apply_code", "segment", seg.guid,
        document=document.guid, code=code.guid, start=start, end=end,
        document_name=document.name, code_name=code.name,
        **({"coder": coder} if coder and coder != actor else {}),
    )  # fmt: skip
    return seg


def resize_in(session: Session, actor: str, guid: str, start: int, end: int) -> tuple[int, int]:
    seg = get_segment(session, guid)
    doc = session.get(Document, seg.document_id)
    assert doc is not None
    check_range(doc, start, end)
    old = (seg.start, seg.end)
    seg.start, seg.end = start, end
    seg.turn_id = turn_for_range(session, doc.id, start, end)
    audit.record(
        session, actor, "resize_segment", "segment", guid, old=list(old), new=[start, end],
        document=doc.guid,
    )  # fmt: skip
    return old


def set_memo_in(session: Session, actor: str, guid: str, memo: str) -> str:
    seg = get_segment(session, guid)
    old = seg.memo
    seg.memo = memo
    audit.record(session, actor, "segment_memo", "segment", guid)
    return old


def set_exemplar_in(session: Session, actor: str, guid: str, flag: bool) -> bool:
    seg = get_segment(session, guid)
    old = seg.is_exemplar
    seg.is_exemplar = flag
    audit.record(session, actor, "segment_exemplar", "segment", guid, exemplar=flag)
    return old


@dataclass(frozen=True)
class Highlight:
    """What the document view needs to paint one segment."""

    guid: str
    start: int
    end: int
    code_guid: str
    code_name: str
    code_path: str
    color: str
    coder: str
    memo: str


def document_highlights(
    project: Project,
    document_guid: str,
    segment_guids: Iterable[str] | None = None,
    *,
    codes: Mapping[int, CodeRecord] | None = None,
) -> list[Highlight]:
    """Segments of one document, light-weight, in start order (one query): all of them, or
    only those of ``segment_guids`` that lie in that document.

    ``codes`` (code id → record, e.g. a codebook already in memory) supplies code names,
    paths and colours without reading the codebook again; it is read when ``codes`` is not
    given or lacks a code one of the segments carries.
    """
    stmt = (
        select(
            Segment.guid, Segment.start, Segment.end, Segment.code_id, Segment.memo,
            Coder.name.label("coder"),
        )
        .join(Document, Document.id == Segment.document_id)
        .join(Coder, Coder.id == Segment.coder_id)
        .where(Document.guid == document_guid)
        .order_by(Segment.start, Segment.end)
    )  # fmt: skip
    if segment_guids is not None:
        stmt = stmt.where(Segment.guid.in_(list(segment_guids)))
    with project.read() as s:
        rows = s.execute(stmt).all()
        known = codes if codes is not None and all(r.code_id in codes for r in rows) else None
        paths = code_paths(s) if known is None else {}
    out = []
    for r in rows:
        if known is not None:
            code = known[r.code_id]
            name, path_text, color, cguid = code.name, code.path_text, code.color, code.guid
        else:
            path, color, cguid = paths[r.code_id]
            name, path_text = path[-1], join_path(path)
        out.append(
            Highlight(r.guid, r.start, r.end, cguid, name, path_text, color, r.coder, r.memo)
        )
    return out


def code_ids_of_segments(project: Project, guids: Iterable[str]) -> set[int]:
    """Ids of the codes the given segments carry (segments that no longer exist are left
    out)."""
    wanted = list(guids)
    if not wanted:
        return set()
    with project.read() as s:
        return set(s.scalars(select(Segment.code_id).where(Segment.guid.in_(wanted))))
