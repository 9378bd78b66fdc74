"""Storing a parsed survey in one transaction, with bulk statements.

Respondents become participants (a respondent linked to a transcript speaker becomes that
speaker's participant); each row of the file a ``survey_responses`` row with its status;
each column a survey item (label, options in questionnaire order, Likert mapping); closed
answers one ``survey_answers`` row each; each open-ended question one codable document.
Participants, attribute values, responses and answers are written as plain rows in batches
(:mod:`qualframe.storage.bulk`), each column's answers read once per distinct value (a
Likert column of 50,000 answers has five): 50,000 respondents cost a few queries, not 50,000
ORM round trips, and the project's existing participants, attributes and answers are read
with one query each, not one per respondent.

An attribute a respondent already holds with another value (a transcript said M1 is a
mentor, the survey says mentee) is a conflict: the import is refused naming it unless the
user chose to keep the project's values or replace them. Personal data (IP address, e-mail,
names, coordinates) is stored only when asked for, and never exported.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.corpus.participants import attribute_in
from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.survey.likert import likert_point
from qualframe.coding.importing.survey.model import ParsedSurvey, SurveyColumn
from qualframe.storage.bulk import bind_value, indexes_rebuilt_after, insert_rows, new_guids
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Participant,
    SurveyAnswer,
    SurveyItem,
    SurveyResponse,
    utcnow,
)

_PARTICIPANTS = cast(Table, Participant.__table__)
_VALUES = cast(Table, AttributeValue.__table__)
_ANSWERS = cast(Table, SurveyAnswer.__table__)
_RESPONSES = cast(Table, SurveyResponse.__table__)
CLOSED = ("likert", "number", "single", "multiple")
CHUNK = 500  # bound parameters per IN (…) stay far below every database's limit
# The file's own rows are looked up by reading the whole (small) table once when it has fewer
# rows than this, else in chunks of ``CHUNK`` by key.
WHOLE_TABLE = 200_000
# From this many answers (and more than the project holds), indexes are built after the insert.
REBUILD_FROM = 100_000


@dataclass(frozen=True)
class Conflict:
    pseudonym: str
    attribute: str
    project_value: str
    file_value: str

    def describe(self) -> str:
        return (
            f"{self.pseudonym}: {self.attribute} is {self.project_value!r} in the project, "
            f"{self.file_value!r} in the file"
        )


def _chunks(seq: Sequence[str], n: int = CHUNK) -> Iterator[Sequence[str]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()


def pseudonyms(parsed: ParsedSurvey, links: dict[str, str]) -> list[str]:
    """Each respondent's participant: the linked speaker (``--link M1=R07``) or its id."""
    by_id = {rid.casefold(): label for label, rid in links.items()}
    return [by_id.get(r.casefold(), r) for r in parsed.respondents]


def respondent_attributes(parsed: ParsedSurvey, extra: dict[str, str]) -> list[dict[str, str]]:
    """Each respondent's attributes: the file's attribute columns, then ``--set`` values."""
    cols = [c for c in parsed.columns if c.type == "attribute"]
    names = [c.name for c in cols]
    if not cols:
        return [dict(extra) for _ in parsed.respondents]
    out = []
    for values in zip(*(c.values for c in cols), strict=True):
        attrs = {n: v for n, v in zip(names, values, strict=True) if v is not None}
        attrs.update(extra)
        out.append(attrs)
    return out


def find_conflicts(
    session: Session, parsed: ParsedSurvey, links: dict[str, str], extra: dict[str, str]
) -> list[Conflict]:
    """Attribute values the file would change for participants the project already has
    (values differing only in case or spacing are the same value)."""
    names = pseudonyms(parsed, links)
    query = (
        select(Participant.pseudonym, Attribute.name, AttributeValue.value)
        .join(AttributeValue, AttributeValue.participant_id == Participant.id)
        .join(Attribute, Attribute.id == AttributeValue.attribute_id)
    )
    held: dict[tuple[str, str], str] = {}
    if _count(session, AttributeValue) <= WHOLE_TABLE:
        rows = session.execute(query).all()
        held.update({(p, a.casefold()): v for p, a, v in rows})
    else:
        for part in _chunks(names):
            rows = session.execute(query.where(Participant.pseudonym.in_(part))).all()
            held.update({(p, a.casefold()): v for p, a, v in rows})
    if not held:  # nobody holds an attribute yet (a new project): nothing can conflict
        return []
    out: list[Conflict] = []
    for who, attrs in zip(names, respondent_attributes(parsed, extra), strict=True):
        for attr, value in attrs.items():
            old = held.get((who, attr.casefold()))
            if old is not None and _key(old) != _key(value):
                out.append(Conflict(who, attr, old, value))
    return out


def _count(session: Session, model: type[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _upsert_items(session: Session, parsed: ParsedSurvey, name: str) -> dict[str, SurveyItem]:
    """One survey item per column (a column known from an earlier file is reused when its
    type agrees)."""
    items: dict[str, SurveyItem] = {}
    position = int(session.scalar(select(func.count()).select_from(SurveyItem)) or 0)
    for col in parsed.columns:
        stored_type = "ignore" if col.type in ("metadata", "personal") else col.type
        item = session.scalar(select(SurveyItem).where(SurveyItem.name == col.name))
        if item is None:
            item = SurveyItem(
                name=col.name, label=col.label, type=stored_type, scale_min=col.scale_min,
                scale_max=col.scale_max, scale_source=col.scale_source, options=col.options,
                value_labels=[list(p) for p in col.value_labels] if col.value_labels else None,
                reversed=col.reversed, columns=col.members, position=position,
                source_filename=name,
                ignored_as=col.type if col.type in ("metadata", "personal") else None,
            )  # fmt: skip
            position += 1
            session.add(item)
        elif item.type != stored_type:
            raise refuse(
                name,
                f"has a column {col.name!r} of type {col.type}, but the project already has a "
                f"survey item of that name of type {item.type} (from {item.source_filename})",
            )
        else:
            _merge_item(item, col)
        items[col.name] = item
    session.flush()
    return items


def _merge_item(item: SurveyItem, col: SurveyColumn) -> None:
    if col.options:
        item.options = list(dict.fromkeys([*(item.options or []), *col.options]))
    if item.label is None and col.label:
        item.label = col.label
    if col.scale_source and not item.scale_source:
        item.scale_min, item.scale_max, item.scale_source = (
            col.scale_min, col.scale_max, col.scale_source,
        )  # fmt: skip


def _participant_ids(session: Session, names: list[str]) -> dict[str, int]:
    """Participant ids by pseudonym, creating the missing ones in one statement."""
    unique = list(dict.fromkeys(names))
    ids = _ids_by_pseudonym(session, unique)
    missing = [n for n in unique if n not in ids]
    if missing:
        now = bind_value(session, _PARTICIPANTS, "created_at", utcnow())
        insert_rows(
            session, _PARTICIPANTS, ("pseudonym", "real_name", "is_interviewer", "created_at", "guid"),
            ((n, None, False, now, g) for n, g in zip(missing, new_guids(len(missing)), strict=True)),
        )  # fmt: skip
        ids.update(_ids_by_pseudonym(session, missing))
    return ids


def _ids_by_pseudonym(session: Session, names: list[str]) -> dict[str, int]:
    query = select(Participant.pseudonym, Participant.id)
    if _count(session, Participant) <= WHOLE_TABLE:
        wanted = set(names)
        return {p: i for p, i in session.execute(query) if p in wanted}
    ids: dict[str, int] = {}
    for part in _chunks(names):
        ids.update({p: i for p, i in session.execute(query.where(Participant.pseudonym.in_(part)))})
    return ids


def _store_attributes(
    session: Session,
    pids: list[int],
    wanted: list[dict[str, str]],
    conflicts: list[Conflict],
    on_conflict: str | None,
    name: str,
) -> None:
    if conflicts and on_conflict not in ("keep", "replace"):
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        raise refuse(
            name,
            f"would change an attribute the project already holds: {conflicts[0].describe()}"
            f"{more}; choose to keep the project's values or replace them (--on-conflict "
            "keep|replace, or in the preview)",
        )
    # one lookup per attribute name, not per respondent (5,000 respondents were 5,000 queries)
    names = {a.casefold(): a for row in wanted for a in row}
    attrs = {key: attribute_in(session, a) for key, a in names.items()}
    held: dict[tuple[int, int], str] = {}
    query = select(AttributeValue.participant_id, AttributeValue.attribute_id, AttributeValue.value)
    if _count(session, AttributeValue) <= WHOLE_TABLE:
        held.update({(p, a): v for p, a, v in session.execute(query)})
    else:
        for part in _chunks([str(p) for p in dict.fromkeys(pids)]):
            rows = session.execute(
                query.where(AttributeValue.participant_id.in_([int(p) for p in part]))
            ).all()
            held.update({(p, a): v for p, a, v in rows})
    new: dict[tuple[int, int], str] = {}
    changed: list[dict[str, object]] = []
    for pid, row in zip(pids, wanted, strict=True):
        for attr_name, value in row.items():
            aid = attrs[attr_name.casefold()].id
            old = held.get((pid, aid))
            if old is None:
                new[(pid, aid)] = value
            elif _key(old) != _key(value) and on_conflict == "replace":
                changed.append({"p": pid, "a": aid, "v": value})
    if new:
        insert_rows(
            session, _VALUES, ("participant_id", "attribute_id", "value"),
            ((p, a, v) for (p, a), v in new.items()),
        )  # fmt: skip
    if changed:
        session.execute(
            update(_VALUES)
            .where(
                _VALUES.c.participant_id == bindparam("p"), _VALUES.c.attribute_id == bindparam("a")
            )
            .values(value=bindparam("v")),
            changed,
            execution_options={"synchronize_session": False},
        )


ANSWER_COLUMNS = ("item_id", "participant_id", "raw", "number", "choices")
AnswerRow = tuple[int, int, str | None, float | None, str | None]


def _likert_numbers(col: SurveyColumn) -> dict[str, float | None]:
    """Each distinct answer's stored number (reverse-coded where asked)."""
    lo, hi = col.scale_min, col.scale_max
    out: dict[str, float | None] = {}
    for value in dict.fromkeys(col.values):
        if value is None:
            continue
        point = likert_point(value, col.value_labels)
        if point is not None and col.reversed and lo is not None and hi is not None:
            point = lo + hi - point
        out[value] = float(point) if point is not None else None
    return out


def _column_rows(col: SurveyColumn, item_id: int, pids: list[int]) -> Iterator[AnswerRow]:
    """One row per answered cell of a column; each distinct answer is read once."""
    values = col.values
    if col.type == "multiple":
        choices = col.choices if col.choices is not None else [None] * len(values)
        as_json: dict[str | None, str] = {}  # an answer always parses to the same choices
        for pid, raw, chosen in zip(pids, values, choices, strict=True):
            if raw is not None or chosen:
                text = as_json.get(raw) if raw is not None else None
                if text is None:
                    text = as_json[raw] = json.dumps(list(chosen or []))
                yield item_id, pid, raw, None, text
        return
    if col.type == "likert":
        numbers = _likert_numbers(col)
        for pid, raw in zip(pids, values, strict=True):
            if raw is not None:
                yield item_id, pid, raw, numbers[raw], None
    elif col.type == "number":
        floats = {v: float(v) for v in dict.fromkeys(values) if v is not None}
        for pid, raw in zip(pids, values, strict=True):
            if raw is not None:
                yield item_id, pid, raw, floats[raw], None
    elif col.type == "single":
        as_json = {v: json.dumps([v]) for v in dict.fromkeys(values) if v is not None}
        for pid, raw in zip(pids, values, strict=True):
            if raw is not None:
                yield item_id, pid, raw, None, as_json[raw]
    else:  # personal data, kept when asked: the answer as written
        for pid, raw in zip(pids, values, strict=True):
            if raw is not None:
                yield item_id, pid, raw, None, None


def _stored_columns(parsed: ParsedSurvey, keep_personal: bool) -> list[SurveyColumn]:
    """The columns whose answers are stored: closed items (and personal data if asked)."""
    return [
        c for c in parsed.columns if c.type in CLOSED or (c.type == "personal" and keep_personal)
    ]


def check_not_imported(session: Session, parsed: ParsedSurvey, name: str, pids: list[int]) -> None:
    held = set(
        session.scalars(
            select(SurveyResponse.participant_id).where(SurveyResponse.source_filename == name)
        )
    )
    hit = next((pid for pid in pids if pid in held), None)
    if hit is not None:
        who = session.scalar(select(Participant.pseudonym).where(Participant.id == hit))
        raise refuse(
            name,
            f"has answers from {who} that the project already holds from a file of the "
            "same name (was this survey imported before?)",
        )


def store_closed(
    session: Session,
    parsed: ParsedSurvey,
    name: str,
    *,
    links: dict[str, str],
    extra: dict[str, str],
    on_conflict: str | None,
    keep_personal: bool,
    conflicts: list[Conflict] | None = None,
) -> tuple[dict[str, SurveyItem], list[int]]:
    """Items, participants, attributes, responses and closed answers; returns the items by
    column and each respondent's participant id. ``conflicts``: as :func:`find_conflicts`
    found them in this transaction (looked up again when not given)."""
    reused = {i.name for i in session.scalars(select(SurveyItem))}
    items = _upsert_items(session, parsed, name)
    names = pseudonyms(parsed, links)
    if conflicts is None:
        conflicts = find_conflicts(session, parsed, links, extra)
    ids = _participant_ids(session, names)
    pids = [ids[n] for n in names]
    check_not_imported(session, parsed, name, pids)
    _store_attributes(
        session, pids, respondent_attributes(parsed, extra), conflicts, on_conflict, name
    )
    statuses = parsed.statuses or ["complete"] * len(pids)
    details = parsed.status_details or [""] * len(pids)
    insert_rows(
        session, _RESPONSES,
        ("participant_id", "source_filename", "respondent_id", "status", "status_detail"),
        (
            (pid, name, rid, st, det[:200])
            for pid, rid, st, det in zip(pids, parsed.respondents, statuses, details, strict=True)
        ),
    )  # fmt: skip
    stored = _stored_columns(parsed, keep_personal)
    _check_no_answers(session, parsed, name, items, pids, [c for c in stored if c.name in reused])
    # Many answers into a table holding fewer: its participant index is built afterwards
    # rather than kept up to date answer by answer.
    new = sum(c.answered for c in stored)
    rebuild = new >= REBUILD_FROM and new >= _count(session, SurveyAnswer)
    with indexes_rebuilt_after(session, _ANSWERS, rebuild):
        for col in stored:
            rows = _column_rows(col, items[col.name].id, pids)
            insert_rows(session, _ANSWERS, ANSWER_COLUMNS, rows)
    return items, pids


def _check_no_answers(
    session: Session,
    parsed: ParsedSurvey,
    name: str,
    items: dict[str, SurveyItem],
    pids: list[int],
    columns: list[SurveyColumn],
) -> None:
    """Refuse answers the project already holds (only items known before can have any)."""
    for col in columns:
        item = items[col.name]
        held = set(
            session.scalars(
                select(SurveyAnswer.participant_id).where(SurveyAnswer.item_id == item.id)
            )
        )
        if not held:
            continue
        answered = {r[1] for r in _column_rows(col, item.id, pids)}
        clash = next((p for p in pids if p in held and p in answered), None)
        if clash is not None:
            who = parsed.respondents[pids.index(clash)]
            raise refuse(
                name,
                f"has answers from {who} to {col.name!r}, which the project already holds "
                "(was this survey imported before?)",
            )


def record(session: Session, actor: str, name: str, parsed: ParsedSurvey) -> None:
    audit.record(
        session, actor, "import_survey", "survey", None,
        file=name, respondents=len(parsed.respondents), columns=len(parsed.columns),
        tool=parsed.tool or None,
    )  # fmt: skip
