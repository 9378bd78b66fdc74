"""Closed survey answers as stored: packed into their response row (one per respondent and
survey file) as ``{"<item id>": [raw, number, choices]}`` (see ``SurveyResponse.answers``;
trailing nulls are left out of an entry, :func:`unpack` reads any).

Every reader and writer of closed answers goes through here, so the packing is known in one
place: the import writes whole rows (:func:`encode_answer`), the statistics
read them (:func:`iter_answers`), the survey commands rewrite one item's answers
(:func:`rewrite_item`, :func:`restore_item`), merges and deletions move or keep whole
response rows. A value is always replaced by a new dict, never changed in place (the ORM
does not see changes inside a JSON value).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, select, update
from sqlalchemy.orm import Session

from qualframe.storage.models import SurveyItem, SurveyResponse

Entry = list[Any]  # [raw, number, choices]


@dataclass(frozen=True)
class StoredAnswer:
    """One closed answer: a participant's to an item (``response_id``: the row holding it)."""

    response_id: int
    participant_id: int
    item_id: int
    raw: str | None
    number: float | None
    choices: tuple[str, ...] | None


def entry(raw: str | None, number: float | None, choices: Sequence[str] | None) -> Entry:
    """``[raw, number, choices]`` without its trailing nulls (``["4", 4.0]`` for a Likert
    answer, ``["x"]`` for kept personal data): a fifth of the bytes of a large survey."""
    out: Entry = [raw, number, list(choices) if choices is not None else None]
    while out and out[-1] is None:
        out.pop()
    return out


def unpack(e: Entry) -> tuple[str | None, float | None, list[str] | None]:
    """An entry as (raw, number, choices), whatever trailing nulls it left out."""
    n = len(e)
    return (e[0] if n > 0 else None, e[1] if n > 1 else None, e[2] if n > 2 else None)


def encode_answer(raw: str | None, number: float | None, choices: Sequence[str] | None) -> str:
    """One answer as its compact JSON text (the import encodes each distinct answer of a
    column once and puts a response's ``answers`` together from these texts)."""
    return json.dumps(entry(raw, number, choices), separators=(",", ":"), ensure_ascii=False)


def _answers_of(value: Any) -> dict[str, Entry]:
    if isinstance(value, str):  # a driver that hands JSON back as text
        value = json.loads(value)
    return value or {}


def _rows(s: Session, query: Select[Any]) -> Iterator[tuple[int, int, dict[str, Entry]]]:
    for rid, pid, answers in s.execute(query):
        yield int(rid), int(pid), _answers_of(answers)


def _query(participant_ids: Sequence[int] | None = None) -> Select[Any]:
    q = select(SurveyResponse.id, SurveyResponse.participant_id, SurveyResponse.answers)
    if participant_ids is not None:
        q = q.where(SurveyResponse.participant_id.in_(list(participant_ids)))
    return q.order_by(SurveyResponse.id)


def iter_packed(s: Session) -> Iterator[tuple[int, dict[str, Entry]]]:
    """Every response's (participant id, packed answers), the cheapest read of all answers
    (the statistics read 50,000 respondents × 60 items this way)."""
    query = select(SurveyResponse.participant_id, SurveyResponse.answers)
    for pid, answers in s.execute(query.order_by(SurveyResponse.id)):
        yield int(pid), _answers_of(answers)


def iter_answers(
    s: Session, participant_ids: Sequence[int] | None = None, item_id: int | None = None
) -> Iterator[StoredAnswer]:
    """Every stored closed answer (of these participants, of this item), in response order."""
    key = str(item_id) if item_id is not None else None
    for rid, pid, answers in _rows(s, _query(participant_ids)):
        if key is None:
            pairs = list(answers.items())
        else:
            pairs = [(key, answers[key])] if key in answers else []
        for item, e in pairs:
            raw, number, choices = unpack(e)
            yield StoredAnswer(
                rid, pid, int(item), raw, number, tuple(choices) if choices is not None else None
            )


def answer_count(s: Session, participant_id: int | None = None) -> int:
    ids = [participant_id] if participant_id is not None else None
    return sum(len(a) for _, _, a in _rows(s, _query(ids)))


def items_answered(s: Session, participant_id: int) -> set[int]:
    return {int(i) for _, _, a in _rows(s, _query([participant_id])) for i in a}


def add_answer(
    s: Session,
    item: SurveyItem,
    participant_id: int,
    raw: str | None,
    number: float | None = None,
    choices: Sequence[str] | None = None,
    *,
    respondent_id: str | None = None,
) -> SurveyResponse:
    """Store one answer in the participant's response to the item's file (made when
    missing, counted as complete); for small writes (tests, single edits), not imports."""
    fname = item.source_filename or ""
    response = s.scalar(
        select(SurveyResponse).where(
            SurveyResponse.participant_id == participant_id,
            SurveyResponse.source_filename == fname,
        )
    )
    if response is None:
        response = SurveyResponse(
            participant_id=participant_id, source_filename=fname,
            respondent_id=respondent_id or str(participant_id), status="complete",
            status_detail="", answers={},
        )  # fmt: skip
        s.add(response)
    response.answers = {**(response.answers or {}), str(item.id): entry(raw, number, choices)}
    s.flush()
    return response


Rewrite = Callable[[str | None, float | None, list[str] | None], Entry]  # returns entry(…)
Saved = list[tuple[int, Entry]]  # (response id, the entry as it was)


def rewrite_item(s: Session, item_id: int, change: Rewrite) -> Saved:
    """Rewrite every answer to ``item_id`` with ``change(raw, number, choices)``; returns the
    entries as they were, for :func:`restore_item`."""
    key = str(item_id)
    saved: Saved = []
    updates: list[tuple[int, dict[str, Entry]]] = []
    for rid, _pid, answers in _rows(s, _query()):
        old = answers.get(key)
        if old is None:
            continue
        new = change(*unpack(old))
        saved.append((rid, list(old)))
        if new != old:
            updates.append((rid, {**answers, key: new}))
    _write(s, updates)
    return saved


def restore_item(s: Session, item_id: int, saved: Saved) -> None:
    """Put back the entries :func:`rewrite_item` returned."""
    key = str(item_id)
    old = dict(saved)
    updates: list[tuple[int, dict[str, Entry]]] = []
    for rid, _pid, answers in _rows(s, _query()):
        if rid in old and answers.get(key) != old[rid]:
            updates.append((rid, {**answers, key: old[rid]}))
    _write(s, updates)


def _write(s: Session, updates: list[tuple[int, dict[str, Entry]]]) -> None:
    if not updates:
        return
    table = cast(Table, SurveyResponse.__table__)
    s.execute(
        update(table).where(table.c.id == bindparam("rid")).values(answers=bindparam("a")),
        [{"rid": rid, "a": a} for rid, a in updates],
        execution_options={"synchronize_session": False},
    )
    s.expire_all()
