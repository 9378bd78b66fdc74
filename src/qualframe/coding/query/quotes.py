"""A segment's quote: the part of its range inside its own speaker turn.

A segment is credited to one speaker turn (``Segment.turn_id``, the turn it overlaps most).
When it was kept as one across several turns, its range also holds another speaker's words
and label; a quote never does. The quote is the range cut to the credited turn; a segment
without a turn, or one with nothing inside its turn, keeps its whole range.

Every query cuts its quotes in Python (the listing reads the turn's range beside each row),
so the rule is written once.
"""

from __future__ import annotations


def own_turn(start: int, end: int, turn: tuple[int, int] | None) -> tuple[int, int]:
    """[start, end) cut to ``turn`` = (turn start, turn end)."""
    if turn is None:
        return start, end
    a, b = max(start, turn[0]), min(end, turn[1])
    return (a, b) if b > a else (start, end)
