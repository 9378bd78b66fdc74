"""Where a segment's review stands, from its thread: the rule, in Python and in SQL.

A segment's thread holds, oldest first, the auditors' verdicts (agree, dispute, comment) and
the analyst's answers (to a dispute or a comment). Each reviewer's *decisive* verdict is
their latest agree or dispute; a comment decides nothing. The segment is:

- ``unreviewed``: no verdict at all;
- ``commented``: only comments;
- ``disputed``: some reviewer's decisive verdict is a dispute the analyst has not answered;
- ``answered``: every such dispute is answered, and waits for the reviewer's re-verdict;
- ``agreed``: every reviewer's decisive verdict is agree.

It was ``resolved`` when it is agreed now after having been disputed. The exports' filter
``--reviewed agreed`` keeps the agreed segments, ``any`` those with at least one verdict (a
comment included), ``all`` every segment. :func:`reviewed_clause` is the same rule as a SQL
condition, so the theme matrix and the survey tables filter in the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import aliased

from qualframe.coding.core.errors import UserError
from qualframe.storage.models import Review, Segment

VERDICTS = ("agree", "dispute", "comment")
DECISIVE = ("agree", "dispute")
STATUSES = ("unreviewed", "commented", "disputed", "answered", "agreed")
REVIEWED_MODES = ("all", "any", "agreed")


@dataclass(frozen=True)
class ThreadEntry:
    """One entry of a segment's (or a code's) review thread."""

    guid: str
    kind: str  # agree | dispute | comment | answer
    author: str
    text: str
    at: datetime
    reply_to: str | None = None
    action: str | None = None  # answers: recode | resize | recode_resize | keep | edit
    details: Mapping[str, Any] = field(default_factory=dict)


def decisive(entries: Sequence[ThreadEntry]) -> dict[str, ThreadEntry]:
    """Each reviewer's latest agree or dispute (entries oldest first)."""
    latest: dict[str, ThreadEntry] = {}
    for e in entries:
        if e.kind in DECISIVE:
            latest[e.author] = e
    return latest


def answered(entries: Sequence[ThreadEntry]) -> set[str]:
    """GUIDs of the verdicts an answer replies to."""
    return {e.reply_to for e in entries if e.kind == "answer" and e.reply_to}


def thread_status(entries: Sequence[ThreadEntry]) -> str:
    latest = decisive(entries)
    if not latest:
        return "commented" if any(e.kind == "comment" for e in entries) else "unreviewed"
    disputes = [e for e in latest.values() if e.kind == "dispute"]
    done = answered(entries)
    if any(d.guid not in done for d in disputes):
        return "disputed"
    return "answered" if disputes else "agreed"


def was_disputed(entries: Iterable[ThreadEntry]) -> bool:
    return any(e.kind == "dispute" for e in entries)


def open_items(entries: Sequence[ThreadEntry]) -> list[ThreadEntry]:
    """Verdicts waiting for the analyst: decisive disputes and comments not yet answered."""
    done = answered(entries)
    latest = decisive(entries)
    out = [e for e in latest.values() if e.kind == "dispute" and e.guid not in done]
    out += [e for e in entries if e.kind == "comment" and e.guid not in done]
    return sorted(out, key=lambda e: e.at)


def check_mode(mode: str) -> str:
    mode = (mode or "all").strip().lower()
    if mode not in REVIEWED_MODES:
        raise UserError(f'"{mode}" is not a review filter; use agreed, any or all.')
    return mode


def passes(status: str, mode: str) -> bool:
    """Whether a segment with ``status`` is kept by the filter ``mode``."""
    if mode == "agreed":
        return status == "agreed"
    if mode == "any":
        return status != "unreviewed"
    return True


def reviewed_clause(mode: str) -> ColumnElement[bool] | None:
    """The filter ``mode`` as a condition on ``Segment`` (None for ``all``)."""
    mode = check_mode(mode)
    if mode == "all":
        return None
    r = aliased(Review)
    if mode == "any":
        return exists().where(r.segment_id == Segment.id, r.verdict.in_(VERDICTS))
    some_decision = exists().where(r.segment_id == Segment.id, r.verdict.in_(DECISIVE))
    d = aliased(Review)
    later_d = aliased(Review)
    standing_dispute = exists().where(
        d.segment_id == Segment.id,
        d.verdict == "dispute",
        ~exists().where(
            later_d.segment_id == d.segment_id,
            later_d.reviewer_id == d.reviewer_id,
            later_d.verdict.in_(DECISIVE),
            or_(
                later_d.created_at > d.created_at,
                and_(later_d.created_at == d.created_at, later_d.id > d.id),
            ),
        ),
    )
    return and_(some_decision, ~standing_dispute)


def reviewed_segment_ids(session: Any, mode: str) -> set[int] | None:
    """Ids of the segments the filter keeps (None: all of them)."""
    clause = reviewed_clause(mode)
    if clause is None:
        return None
    return set(session.scalars(select(Segment.id).where(clause)))


def filter_sentence(mode: str, left_out: int) -> str:
    """The note's sentence about a review filter ('' for ``all``)."""
    mode = check_mode(mode)
    if mode == "all":
        return ""
    n = f"{left_out} coded segment{'s' if left_out != 1 else ''}"
    if mode == "agreed":
        return (
            "Only segments an auditor reviewed and agreed with are counted (every reviewer's "
            f"latest verdict is agree); {n} without such a review "
            f"{'are' if left_out != 1 else 'is'} left out."
        )
    return (
        "Only segments with at least one auditor's verdict (agree, dispute or comment) are "
        f"counted; {n} not reviewed {'are' if left_out != 1 else 'is'} left out."
    )
