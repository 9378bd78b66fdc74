"""A segment's quote: the part of its range inside its own speaker turn.

A segment is credited to one speaker turn (``Segment.turn_id``, the turn it overlaps most).
When it was kept as one across several turns, its range also holds another speaker's words
and label; a quote never does. The quote is the range cut to the credited turn; a segment
without a turn, or one with nothing inside its turn, keeps its whole range.

The same rule is written twice: as plain Python (:func:`own_turn`) and as an SQL expression
(:func:`own_turn_sql`) for queries that cut the text in the database. Both use CASE only,
so they run on any SQL database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func
from sqlalchemy.sql.elements import ColumnElement


def own_turn(start: int, end: int, turn: tuple[int, int] | None) -> tuple[int, int]:
    """[start, end) cut to ``turn`` = (turn start, turn end)."""
    if turn is None:
        return start, end
    a, b = max(start, turn[0]), min(end, turn[1])
    return (a, b) if b > a else (start, end)


def own_turn_sql(
    seg_start: Any, seg_end: Any, turn_id: Any, turn_start: Any, turn_end: Any
) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """SQL expressions for (start, end) of :func:`own_turn`; ``turn_id`` is NULL when the
    segment has no turn (an outer join)."""
    a = case((seg_start > turn_start, seg_start), else_=turn_start)
    b = case((seg_end < turn_end, seg_end), else_=turn_end)
    usable = turn_id.is_not(None) & (b > a)
    return case((usable, a), else_=seg_start), case((usable, b), else_=seg_end)


def quote_substr(text: Any, start: ColumnElement[Any], end: ColumnElement[Any]) -> Any:
    """``text[start:end]`` in SQL (offsets are code points; SQL counts from 1)."""
    return func.substr(text, start + 1, end - start)
