"""The one segment filter: which coded segments a listing, the retrieval dock or the theme
matrix's drill-down shows.

A :class:`SegmentFilter` names the conditions (code with or without its sub-codes,
documents, document sets, coders, the speaker's attribute values, one participant, interviewer speech, given
segments); :meth:`SegmentFilter.clauses` turns them into SQL conditions on the ``segments``
table alone, so every caller keeps its own columns and joins. Names are matched in Python
(``str.casefold``), not with SQL ``lower()``, which folds ASCII only in SQLite: "Ärztin" and
"ärztin" are one value on every database.

Conditions of different kinds combine with AND; several documents or coders with OR. A
filter left at its defaults lets every segment through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from qualframe.coding.codebook.tree import subtree_ids
from qualframe.coding.core.errors import NotFoundError, UserError
from qualframe.coding.query.document_sets import in_sets
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


def fold(text: str) -> str:
    """The form names and values are compared in: case-folded, runs of spaces as one, none
    at the ends (so ``Mentee``, `` mentee`` and ``mentee`` match, as the theme matrix groups
    them)."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class SegmentFilter:
    """Which segments: every field left at its default lets all of them through."""

    #: Only segments coded with this code (and, with ``include_descendants``, its sub-codes).
    code_guid: str | None = None
    include_descendants: bool = False
    #: Only segments in one of these documents (GUIDs); empty: every document.
    documents: tuple[str, ...] = ()
    #: Only segments in a document of one of these document sets (names or GUIDs; an
    #: unknown name is refused); empty: no such condition.
    document_sets: tuple[str, ...] = ()
    #: Only segments of one of these coders (names, case-insensitive); empty: every coder.
    coders: tuple[str, ...] = ()
    #: Only segments whose speaker has every one of these attribute values.
    where: tuple[Where, ...] = ()
    #: Only segments spoken by this participant (GUID).
    participant_guid: str | None = None
    #: False: leave out segments in an interviewer's turn (segments outside turns stay).
    include_interviewer: bool = True
    #: Only these segments (GUIDs); None: any.
    segment_guids: tuple[str, ...] | None = None

    def clauses(self, session: Session) -> list[ColumnElement[bool]]:
        """SQL conditions on :class:`Segment` columns (add them with ``stmt.where(*…)``).
        Raises :class:`NotFoundError` when the code no longer exists."""
        out: list[ColumnElement[bool]] = []
        if self.code_guid is not None:
            out.append(Segment.code_id.in_(self._code_ids(session)))
        if self.documents:
            wanted = select(Document.id).where(Document.guid.in_(list(self.documents)))
            out.append(Segment.document_id.in_(wanted))
        if self.document_sets:
            out.append(Segment.document_id.in_(in_sets(session, self.document_sets)))
        if self.coders:
            out.append(Segment.coder_id.in_(coder_ids(session, self.coders)))
        people = self._participant_ids(session)
        if people is not None:
            turns = select(Turn.id).where(Turn.participant_id.in_(sorted(people)))
            out.append(Segment.turn_id.in_(turns))
        if not self.include_interviewer:
            interviewer_turns = select(Turn.id).where(Turn.is_interviewer.is_(True))
            out.append(or_(Segment.turn_id.is_(None), Segment.turn_id.not_in(interviewer_turns)))
        if self.segment_guids is not None:
            out.append(Segment.guid.in_(list(self.segment_guids)))
        return out

    def _code_ids(self, session: Session) -> list[int]:
        code_id = session.scalar(select(Code.id).where(Code.guid == self.code_guid))
        if code_id is None:
            raise NotFoundError("That code no longer exists.")
        return subtree_ids(session, code_id) if self.include_descendants else [code_id]

    def _participant_ids(self, session: Session) -> set[int] | None:
        """The speakers allowed by ``participant_guid`` and ``where`` (None: anyone)."""
        people: set[int] | None = None
        if self.participant_guid is not None:
            pid = session.scalar(
                select(Participant.id).where(Participant.guid == self.participant_guid)
            )
            people = {pid} if pid is not None else set()
        for cond in self.where:
            holders = attribute_holders(session, cond)
            people = holders if people is None else people & holders
        return people


def coder_ids(session: Session, names: Iterable[str]) -> list[int]:
    """Ids of the coders called one of ``names`` (case-insensitive; unknown names match
    nobody)."""
    wanted = {fold(n) for n in names}
    rows = session.execute(select(Coder.id, Coder.name)).all()
    return sorted(int(cid) for cid, name in rows if fold(str(name)) in wanted)


def attribute_holders(session: Session, cond: Where) -> set[int]:
    """Ids of the participants whose attribute ``cond.attribute`` has the value
    ``cond.value`` (both case-insensitive). The attribute is found by name first and only
    its values are read: a project may hold 10,000 attributes."""
    name, value = fold(cond.attribute), fold(cond.value)
    attrs = session.execute(select(Attribute.id, Attribute.name)).all()
    ids = [int(aid) for aid, a in attrs if fold(str(a)) == name]
    if not ids:
        return set()
    rows = session.execute(
        select(AttributeValue.participant_id, AttributeValue.value).where(
            AttributeValue.attribute_id.in_(ids)
        )
    ).all()
    return {int(pid) for pid, v in rows if fold(str(v)) == value}


def segment_filter(
    *,
    code_guid: str | None,
    include_descendants: bool,
    document_guid: str | None,
    coder: str | None,
    where: Sequence[Where],
    segment_guids: Iterable[str] | None,
    participant_guid: str | None = None,
    include_interviewer: bool = True,
    document_sets: Sequence[str] = (),
) -> SegmentFilter:
    """A :class:`SegmentFilter` from the keyword arguments the listing functions take
    (``participant_guid`` and ``include_interviewer``: retrieval has no such filters)."""
    return SegmentFilter(
        code_guid=code_guid,
        include_descendants=include_descendants,
        documents=(document_guid,) if document_guid is not None else (),
        document_sets=tuple(document_sets),
        coders=(coder,) if coder is not None else (),
        where=tuple(where),
        participant_guid=participant_guid,
        include_interviewer=include_interviewer,
        segment_guids=tuple(segment_guids) if segment_guids is not None else None,
    )
