"""Querying coded segments with their text, code path, coder, participant and attributes,
filtered by code (with or without sub-codes), document, coder and attribute values."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from qualframe.coding.codebook.tree import subtree_ids
from qualframe.coding.core.errors import NotFoundError, UserError
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.query.document_sets import members_select, resolve_sets
from qualframe.coding.query.quotes import own_turn_sql, quote_substr
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


def in_sets(s: Session, keys: Sequence[str]) -> Select[Any]:
    """The ids of the documents in any of the document sets ``keys`` (names or GUIDs; an
    unknown name is refused), for ``Segment.document_id.in_(…)``."""
    return members_select([x.id for x in resolve_sets(s, keys)])


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


def _own_turn() -> tuple[Any, Any]:
    """The segment's range cut to its own speaker turn (see ``quotes``)."""
    return own_turn_sql(Segment.start, Segment.end, Turn.id, Turn.start, Turn.end)


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
    P = aliased(Participant)
    stmt = (
        select(
            Segment.id, Segment.guid, Segment.start, Segment.end, Segment.memo,
            Segment.is_exemplar, Segment.code_id, Segment.created_at,
            Document.guid.label("doc_guid"), Document.name.label("doc_name"),
            quote_substr(Document.text, *_own_turn()).label("text"),
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
    if document_sets:
        stmt = stmt.where(Segment.document_id.in_(in_sets(s, document_sets)))
    if coder is not None:
        stmt = stmt.where(func.lower(Coder.name) == coder.strip().lower())
    if participant_guid is not None:
        stmt = stmt.where(P.guid == participant_guid)
    if not include_interviewer:
        stmt = stmt.where(func.coalesce(Turn.is_interviewer, False).is_(False))
    for cond in where:
        # The attribute by its id (a join by name walked every value of each
        # participant: seconds with 10,000 attributes).
        av = aliased(AttributeValue)
        attr_ids = select(Attribute.id).where(func.lower(Attribute.name) == cond.attribute.lower())
        stmt = stmt.join(av, (av.participant_id == P.id) & av.attribute_id.in_(attr_ids)).where(
            func.lower(av.value) == cond.value.lower()
        )
    if segment_guids is not None:
        stmt = stmt.where(Segment.guid.in_(list(segment_guids)))
    stmt = stmt.order_by(Document.position, Document.name, Segment.start, Segment.end, Segment.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = s.execute(stmt).all()
    paths = code_paths(s)
    pids = {r.pid for r in rows if r.pid is not None}
    attrs = participant_attributes(s, pids) if pids and attributes else {}
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
                # one dict per participant, shared by their segments (not copied per row)
                attributes=(attrs.get(r.pid) or {}) if r.pid is not None else {},
                created_at=r.created_at,
            )
        )  # fmt: skip
    return out
