"""Correcting the stored text of a document (a typo in a transcript) without losing the
codings after it.

An edit replaces the range [start, end) of the stored text with new text (an insertion when
start == end). Every offset keeps pointing at the same characters:

* a turn or segment that ends at or before ``start`` does not move;
* one that starts at or after ``end`` moves by the change in length;
* a segment that overlaps the edit is *adjusted*: an end inside the replaced range moves to
  the end of the new text, a start inside it to the start of the new text (so a coded word
  whose typo is corrected stays coded as the corrected word); a segment the edit deletes
  entirely (nothing of it is left) is *removed* — the confirmation lists it and an undo
  brings it back exactly.

An edit stays inside one speaker turn (or survey answer), after its speaker label, or
outside every turn: it cannot touch a label (rename or merge the participant instead) or
join two speakers' turns. The turn that holds it grows or shrinks with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.core.errors import UserError
from qualframe.coding.corpus.documents import normalise_text, sha256_hex
from qualframe.coding.query.segments import code_paths
from qualframe.storage.models import Coder, Document, Resolution, Segment, Turn
from qualframe.storage.versions import versioned_update


@dataclass(frozen=True)
class EditedSegment:
    """A segment the edit adjusts or removes, as the confirmation lists it."""

    guid: str
    code_path: str
    start: int
    end: int
    text: str
    new_start: int
    new_end: int
    coder: str = ""

    @property
    def removed(self) -> bool:
        return self.new_end <= self.new_start


@dataclass(frozen=True)
class TextEditPlan:
    document_guid: str
    document_name: str
    start: int
    end: int
    old_text: str  # the characters replaced
    new_text: str  # normalised
    moved: int  # segments after the edit that only move
    unchanged: int  # segments before it
    overlapping: tuple[EditedSegment, ...]

    @property
    def delta(self) -> int:
        return len(self.new_text) - (self.end - self.start)

    @property
    def adjusted(self) -> tuple[EditedSegment, ...]:
        return tuple(s for s in self.overlapping if not s.removed)

    @property
    def removed(self) -> tuple[EditedSegment, ...]:
        return tuple(s for s in self.overlapping if s.removed)

    def summary(self) -> str:
        """One paragraph for the confirmation: what moves, what is adjusted or removed."""
        parts = [f"{self.moved} coded segment{'s' if self.moved != 1 else ''} after the edit "
                 f"move{'s' if self.moved == 1 else ''} with the text"]  # fmt: skip
        if self.adjusted:
            n = len(self.adjusted)
            parts.append(f"{n} overlapping segment{'s are' if n != 1 else ' is'} adjusted")
        if self.removed:
            n = len(self.removed)
            parts.append(f"{n} segment{'s lie' if n != 1 else ' lies'} wholly in the deleted "
                         f"text and {'are' if n != 1 else 'is'} removed")  # fmt: skip
        return "; ".join(parts) + "."


def map_start(a: int, start: int, end: int, new_len: int) -> int:
    if a >= end:
        return a + new_len - (end - start)
    return a if a <= start else start


def map_end(b: int, start: int, end: int, new_len: int) -> int:
    if b <= start:
        return b
    return b + new_len - (end - start) if b >= end else start + new_len


def _place(turns: list[Turn], start: int, end: int) -> tuple[Turn | None, list[Turn]]:
    """The turn that holds the edit (None: outside every turn) and the turns after it.
    Refuses an edit that touches a speaker label or reaches into two turns. An insertion
    where a turn ends extends that turn; one where a turn starts goes before it."""
    insertion = start == end
    holder: Turn | None = None
    after: list[Turn] = []
    for t in turns:
        if t.end < start or (t.end == start and not insertion):
            continue  # before the edit
        if t.start > end or (t.start == end and (not insertion or t.end > end)):
            after.append(t)
            continue
        if not (t.start <= start and end <= t.end) or holder is not None:
            raise UserError(
                "An edit must stay inside one speaker's turn; correct each turn on its own."
            )
        if t.label_end is not None and start < t.label_end:
            raise UserError(
                "A speaker label cannot be edited here; rename or merge the participant instead."
            )
        holder = t
    return holder, after


def _checked_text(doc: Document, start: int, end: int, new_text: str) -> tuple[str, str]:
    """(the new whole text, the normalised new piece), or a one-sentence refusal."""
    if not (0 <= start <= end <= doc.length):
        raise UserError(
            f"The range {start}-{end} is outside {doc.name}, which has {doc.length} characters."
        )
    piece = normalise_text(new_text)
    text = doc.text
    if piece == text[start:end]:
        raise UserError("The new text is the same as the old; nothing to change.")
    whole = text[:start] + piece + text[end:]
    if normalise_text(whole) != whole:
        raise UserError(
            "The new text would change the characters beside it (Unicode normalisation); "
            "include the neighbouring character in the edit."
        )
    return whole, piece


def plan_in(session: Session, doc: Document, start: int, end: int, new_text: str) -> TextEditPlan:
    """What an edit would do, without doing it (refuses bad edits with one sentence)."""
    _whole, piece = _checked_text(doc, start, end, new_text)
    _place(list(session.scalars(select(Turn).where(Turn.document_id == doc.id))), start, end)
    rows = session.execute(
        select(Segment.guid, Segment.start, Segment.end, Segment.code_id, Coder.name)
        .join(Coder, Coder.id == Segment.coder_id)
        .where(Segment.document_id == doc.id)
    ).all()
    paths = code_paths(session)
    moved = unchanged = 0
    overlapping: list[EditedSegment] = []
    n = len(piece)
    for guid, a, b, code_id, coder in rows:
        a2, b2 = map_start(a, start, end, n), map_end(b, start, end, n)
        if a >= end:  # wholly after: moves (the bulk update in apply_in moves exactly these)
            moved += 1
        elif b <= start:
            unchanged += 1
        else:
            path = "/".join(paths[code_id][0])
            overlapping.append(EditedSegment(guid, path, a, b, doc.text[a:b], a2, b2, coder))
    overlapping.sort(key=lambda s: (s.start, s.end, s.guid))
    return TextEditPlan(
        doc.guid, doc.name, start, end, doc.text[start:end], piece, moved, unchanged,
        tuple(overlapping),
    )  # fmt: skip


def apply_in(session: Session, doc: Document, plan: TextEditPlan) -> None:
    """Make the edit ``plan`` (from :func:`plan_in` in the same transaction): the text, then
    every turn and segment (see the module docstring). Removed segments are deleted; the
    caller snapshots them first to be able to undo."""
    start, end = plan.start, plan.end
    whole, _piece = _checked_text(doc, start, end, plan.new_text)
    delta = plan.delta
    turns = list(session.scalars(select(Turn).where(Turn.document_id == doc.id)))
    holder, later = _place(turns, start, end)
    doc.text, doc.length, doc.text_hash = whole, len(whole), sha256_hex(whole)
    if delta:
        # Everything wholly after the edit moves in two statements, however long the document.
        session.execute(
            versioned_update(Segment)
            .where(Segment.document_id == doc.id, Segment.start >= end)
            .values(start=Segment.start + delta, end=Segment.end + delta)
        )
        for t in later:
            t.start, t.end = t.start + delta, t.end + delta
            if t.label_end is not None:
                t.label_end += delta
        if holder is not None:
            holder.end += delta
    session.flush()
    by_guid = {s.guid: s for s in plan.overlapping}
    if by_guid:
        from qualframe.coding.corpus.segments import turn_for_range

        for seg in session.scalars(select(Segment).where(Segment.guid.in_(list(by_guid)))):
            edited = by_guid[seg.guid]
            if edited.removed:
                session.delete(seg)
                continue
            seg.start, seg.end = edited.new_start, edited.new_end
        session.flush()
        for seg in session.scalars(select(Segment).where(Segment.guid.in_(list(by_guid)))):
            seg.turn_id = turn_for_range(session, doc.id, seg.start, seg.end)
    _move_resolutions(session, doc, plan)


def _move_resolutions(session: Session, doc: Document, plan: TextEditPlan) -> None:
    """A resolved place moves with the codings it spans: its range (and the key it is found
    by, ``document:code:start:end``) maps as a segment's does."""
    n = len(plan.new_text)
    for res in session.scalars(select(Resolution).where(Resolution.document_id == doc.id)):
        a = map_start(res.start, plan.start, plan.end, n)
        b = map_end(res.end, plan.start, plan.end, n)
        if (a, b) == (res.start, res.end) or b <= a:
            continue  # before the edit, or deleted with it (its segments were too)
        code_guid = res.key.split(":")[1]
        res.start, res.end, res.key = a, b, f"{doc.guid}:{code_guid}:{a}:{b}"
