"""Coded segments: applying and removing codes on ranges, and retrieving them.

Offsets are Unicode code points into the stored (NFC, ``\\n``) document text, the REFI-QDA
convention; ``end`` is exclusive.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from qualframe.coding import audit
from qualframe.coding.errors import NotFoundError, UserError
from qualframe.coding.project import Project
from qualframe.coding.records import CodeRecord, SegmentRecord
from qualframe.coding.snapshot import subtree_ids
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Code,
    Coder,
    Document,
    Participant,
    Segment,
    Turn,
)


@dataclass(frozen=True)
class Where:
    """A participant-attribute condition: ``attribute = value`` (case-insensitive)."""

    attribute: str
    value: str

    @classmethod
    def parse(cls, text: str) -> Where:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise UserError(f'"{text}" is not a condition; use ATTRIBUTE=VALUE, e.g. role=mentor.')
        return cls(name.strip(), value.strip())


def document_by_guid(session: Session, guid: str) -> Document:
    doc = session.scalar(select(Document).where(Document.guid == guid))
    if doc is None:
        raise NotFoundError("That document no longer exists.")
    return doc


def document_by_name(session: Session, name: str) -> Document:
    doc = session.scalar(select(Document).where(Document.name == name))
    if doc is None:
        doc = session.scalar(select(Document).where(func.lower(Document.name) == name.lower()))
    if doc is None:
        doc = session.scalar(select(Document).where(Document.original_filename == name))
    if doc is None:
        raise NotFoundError(f'There is no document "{name}" in this project.')
    return doc


def find_document(project: Project, name: str) -> tuple[str, str, str]:
    """(guid, name, text) of the document called ``name`` (or imported from that file)."""
    with project.read() as s:
        doc = document_by_name(s, name)
        return doc.guid, doc.name, doc.text


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
    from qualframe.coding.codebook import ensure_path_in

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


def get_segment(session: Session, guid: str) -> Segment:
    seg = session.scalar(select(Segment).where(Segment.guid == guid))
    if seg is None:
        raise NotFoundError("That coded segment no longer exists.")
    return seg


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
) -> Segment:
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
    audit.record(session, actor, "resize_segment", "segment", guid, old=list(old), new=[start, end])
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


# -- retrieval ----------------------------------------------------------------------------------
def participant_attributes(
    session: Session, pids: Collection[int] | None = None
) -> dict[int, dict[str, str]]:
    """participant id → {attribute: value}, for everyone or for the participants ``pids``
    (a long list reads everyone: one scan beats a huge IN list)."""
    stmt = select(AttributeValue.participant_id, Attribute.name, AttributeValue.value).join(
        Attribute, Attribute.id == AttributeValue.attribute_id
    )
    if pids is not None and len(pids) <= 500:
        stmt = stmt.where(AttributeValue.participant_id.in_(list(pids)))
    rows = session.execute(stmt).all()
    out: dict[int, dict[str, str]] = {}
    for pid, name, value in rows:
        out.setdefault(pid, {})[name] = value
    return out


def code_paths(session: Session) -> dict[int, tuple[tuple[str, ...], str, str]]:
    """code id → (path, colour, guid)."""
    rows = session.execute(select(Code.id, Code.parent_id, Code.name, Code.color, Code.guid)).all()
    info = {r.id: r for r in rows}
    cache: dict[int, tuple[str, ...]] = {}

    def path(cid: int) -> tuple[str, ...]:
        if cid in cache:
            return cache[cid]
        r = info[cid]
        p = (*path(r.parent_id), r.name) if r.parent_id is not None else (r.name,)
        cache[cid] = p
        return p

    return {cid: (path(cid), r.color, r.guid) for cid, r in info.items()}


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
) -> list[SegmentRecord]:
    """Segments matching every given filter, in document order."""
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
) -> list[SegmentRecord]:
    P = aliased(Participant)
    stmt = (
        select(
            Segment.id, Segment.guid, Segment.start, Segment.end, Segment.memo,
            Segment.is_exemplar, Segment.code_id, Segment.created_at,
            Document.guid.label("doc_guid"), Document.name.label("doc_name"),
            func.substr(Document.text, Segment.start + 1, Segment.end - Segment.start).label("text"),
            Coder.name.label("coder"), Turn.label, Turn.is_interviewer,
            P.id.label("pid"), P.guid.label("pguid"), P.pseudonym,
        )
        .join(Document, Document.id == Segment.document_id)
        .join(Coder, Coder.id == Segment.coder_id)
        .outerjoin(Turn, Turn.id == Segment.turn_id)
        .outerjoin(P, P.id == Turn.participant_id)
    )  # fmt: skip
    if code_guid is not None:
        code = s.scalar(select(Code).where(Code.guid == code_guid))
        if code is None:
            raise NotFoundError("That code no longer exists.")
        ids = subtree_ids(s, code.id) if include_descendants else [code.id]
        stmt = stmt.where(Segment.code_id.in_(ids))
    if document_guid is not None:
        stmt = stmt.where(Document.guid == document_guid)
    if coder is not None:
        stmt = stmt.where(func.lower(Coder.name) == coder.strip().lower())
    if participant_guid is not None:
        stmt = stmt.where(P.guid == participant_guid)
    if not include_interviewer:
        stmt = stmt.where(func.coalesce(Turn.is_interviewer, False).is_(False))
    for cond in where:
        av = aliased(AttributeValue)
        at = aliased(Attribute)
        stmt = (
            stmt.join(av, av.participant_id == P.id)
            .join(at, (at.id == av.attribute_id) & (func.lower(at.name) == cond.attribute.lower()))
            .where(func.lower(av.value) == cond.value.lower())
        )
    if segment_guids is not None:
        stmt = stmt.where(Segment.guid.in_(list(segment_guids)))
    stmt = stmt.order_by(Document.position, Document.name, Segment.start, Segment.end, Segment.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = s.execute(stmt).all()
    paths = code_paths(s)
    attrs = participant_attributes(s, {r.pid for r in rows if r.pid is not None}) if rows else {}
    out = []
    for r in rows:
        path, color, cguid = paths[r.code_id]
        out.append(
            SegmentRecord(
                id=r.id, guid=r.guid, document_guid=r.doc_guid, document_name=r.doc_name,
                start=r.start, end=r.end, text=r.text or "", code_guid=cguid, code_path=path,
                code_color=color, coder=r.coder, memo=r.memo, is_exemplar=bool(r.is_exemplar),
                speaker=r.pseudonym or r.label, participant_guid=r.pguid,
                is_interviewer=bool(r.is_interviewer),
                attributes=dict(attrs.get(r.pid, {})) if r.pid is not None else {},
                created_at=r.created_at,
            )
        )  # fmt: skip
    return out


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
            name, path_text = path[-1], "/".join(path)
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
