"""A range to be coded, seen against the document's speaker turns (no Qt, no database).

A selection that runs over several speaker turns would become one segment credited to a
single speaker, carrying another speaker's words and label. :func:`turn_pieces` cuts it
into one piece per participant turn: the words after the turn's label, without the
interviewer's turns, white space trimmed at both ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qualframe.coding.core.records import TurnRecord


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    speaker: str


@dataclass(frozen=True)
class TurnSpan:
    """How a range meets the turns: the turns it reaches and the participants' pieces."""

    speakers: tuple[str, ...]  # everyone whose turn the range reaches, in order
    pieces: tuple[Piece, ...]  # one per participant turn reached (its words only)

    @property
    def crosses(self) -> bool:
        """True when the range reaches more than one turn."""
        return len(self.speakers) > 1


def _speaker(t: TurnRecord) -> str:
    return t.pseudonym or t.label or "?"


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def turn_pieces(text: str, turns: Sequence[TurnRecord], start: int, end: int) -> TurnSpan:
    """The turns that [start, end) reaches (a turn counts when the range reaches its label
    or its words, not only the white space after it) and its pieces, one per participant
    turn, cut to that turn's words."""
    reached: list[str] = []
    pieces: list[Piece] = []
    for t in turns:
        if t.end <= start or t.start >= end:
            continue
        a, b = _trim(text, max(start, t.start), min(end, t.end))
        if b <= a:
            continue
        reached.append(_speaker(t))
        if t.is_interviewer:
            continue
        words = t.label_end if t.label_end is not None and t.label_end > t.start else t.start
        a, b = _trim(text, max(start, words), min(end, t.end))
        if b > a:
            pieces.append(Piece(a, b, _speaker(t)))
    return TurnSpan(tuple(reached), tuple(pieces))
