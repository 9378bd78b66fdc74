"""Storing a parsed survey in one transaction, with bulk statements.

Respondents become participants (a respondent linked to a transcript speaker becomes that
speaker's participant); each row of the file a ``survey_responses`` row with its status;
each column a survey item (label, options in questionnaire order, Likert mapping); the
closed answers of a row are packed into its response row (:mod:`coding.corpus.survey_answers`);
each open-ended question one codable document. Participants, attribute values and responses
are written as plain rows in batches (:mod:`qualframe.storage.bulk`), each column's answers
encoded once per distinct value (a Likert column of 50,000 answers has five): 50,000
respondents cost a few queries, not 50,000 ORM round trips, and the project's existing
participants, attributes and answers are read with one query each, not one per respondent.

An attribute a respondent already holds with another value (a transcript said M1 is a
mentor, the survey says mentee) is a conflict: the import is refused naming it unless the
user chose to keep the project's values or replace them. Personal data (IP address, e-mail,
names, coordinates) is stored only when asked for, and never exported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.corpus.participants import attribute_in
from qualframe.coding.corpus.survey_answers import encode_answer, iter_answers
from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.survey.likert import likert_point
from qualframe.coding.importing.survey.model import ParsedSurvey, SurveyColumn
from qualframe.storage.bulk import bind_value, insert_rows, new_guids
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Participant,
    SurveyItem,
    SurveyResponse,
    utcnow,
)

_PARTICIPANTS = cast(Table, Participant.__table__)
_VALUES = cast(Table, AttributeValue.__table__)
_RESPONSES = cast(Table, SurveyResponse.__table__)
CLOSED = ("likert", "number", "single", "multiple")
CHUNK = 500  # bound parameters per IN (…) stay far below every database's limit
# The file's own rows are looked up by reading the whole (small) table once when it has fewer
# rows than this, else in chunks of ``CHUNK`` by key.
WHOLE_TABLE = 200_000


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


Resolution = Callable[[str], str | None]  # attribute -> "keep" | "replace" | None


def _store_attributes(
    session: Session,
    pids: list[int],
    wanted: list[dict[str, str]],
    conflicts: list[Conflict],
    on_conflict: Resolution,
    name: str,
) -> None:
    open_ = [c for c in conflicts if on_conflict(c.attribute) not in ("keep", "replace")]
    if open_:
        more = f" (and {len(open_) - 1} more)" if len(open_) > 1 else ""
        raise refuse(
            name,
            f"would change an attribute the project already holds: {open_[0].describe()}"
            f"{more}; choose to keep the project's values or replace them (--on-conflict "
            "keep|replace or ATTRIBUTE=keep|replace, or in the preview)",
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
            elif _key(old) != _key(value) and on_conflict(attr_name) == "replace":
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


def column_answers(
    col: SurveyColumn, prefix: str = "", suffix: str = "", missing: str | None = None
) -> list[str | None]:
    """Each respondent's answer to a column as JSON text between ``prefix`` and ``suffix``
    (``missing`` for no answer); each distinct answer is encoded once (a Likert column of
    50,000 answers has five) and mapped back to the rows at C speed."""
    values = col.values
    if col.type == "multiple":
        choices = col.choices if col.choices is not None else [None] * len(values)
        by_raw: dict[str | None, str] = {}  # an answer always parses to the same choices
        out: list[str | None] = []
        for raw, chosen in zip(values, choices, strict=True):
            if raw is None and not chosen:
                out.append(missing)
                continue
            text = by_raw.get(raw) if raw is not None else None
            if text is None:
                text = prefix + encode_answer(raw, None, list(chosen or [])) + suffix
                if raw is not None:
                    by_raw[raw] = text
            out.append(text)
        return out
    distinct = [v for v in dict.fromkeys(values) if v is not None]
    if col.type == "likert":
        numbers = _likert_numbers(col)
        encoded = {v: encode_answer(v, numbers[v], None) for v in distinct}
    elif col.type == "number":
        encoded = {v: encode_answer(v, float(v), None) for v in distinct}
    elif col.type == "single":
        encoded = {v: encode_answer(v, None, [v]) for v in distinct}
    else:  # personal data, kept when asked: the answer as written
        encoded = {v: encode_answer(v, None, None) for v in distinct}
    texts: dict[str | None, str | None] = {v: prefix + t + suffix for v, t in encoded.items()}
    texts[None] = missing
    return list(map(texts.__getitem__, values))


def packed_answers(stored: list[SurveyColumn], items: dict[str, SurveyItem], n: int) -> list[str]:
    """Each respondent's closed answers as their response row's ``answers`` JSON text
    (``{"<item id>": [raw, number, choices], …}``), put together column-wise: each answer
    text ends with a comma (a blank cell is empty), a row is their concatenation."""
    if not stored:
        return ["{}"] * n
    columns = [column_answers(c, f'"{items[c.name].id}":', ",", "") for c in stored]
    return ["{" + "".join(row)[:-1] + "}" for row in zip(*columns, strict=True)]


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


def _same_for_all(choice: str | None) -> Resolution:
    return lambda _attribute: choice


def _check_one_row_each(parsed: ParsedSurvey, names: list[str], name: str) -> None:
    """Two rows of one file cannot be one participant (a link made a respondent the speaker
    whose pseudonym another row's id already is)."""
    first: dict[str, str] = {}
    for rid, who in zip(parsed.respondents, names, strict=True):
        if who in first:
            raise refuse(
                name,
                f"would give the respondents {first[who]} and {rid} both to participant {who} "
                "(check the links)",
            )
        first[who] = rid


def store_closed(
    session: Session,
    parsed: ParsedSurvey,
    name: str,
    *,
    links: dict[str, str],
    extra: dict[str, str],
    on_conflict: Resolution | str | None,
    keep_personal: bool,
    conflicts: list[Conflict] | None = None,
) -> tuple[dict[str, SurveyItem], list[int]]:
    """Items, participants, attributes, responses and closed answers; returns the items by
    column and each respondent's participant id. ``on_conflict``: keep or replace a value
    that would change one the project holds, one for all attributes or per attribute.
    ``conflicts``: as :func:`find_conflicts` found them in this transaction (looked up again
    when not given)."""
    if not callable(on_conflict):
        on_conflict = _same_for_all(on_conflict)
    reused = {i.name for i in session.scalars(select(SurveyItem))}
    items = _upsert_items(session, parsed, name)
    names = pseudonyms(parsed, links)
    _check_one_row_each(parsed, names, name)
    if conflicts is None:
        conflicts = find_conflicts(session, parsed, links, extra)
    ids = _participant_ids(session, names)
    pids = [ids[n] for n in names]
    check_not_imported(session, parsed, name, pids)
    _store_attributes(
        session, pids, respondent_attributes(parsed, extra), conflicts, on_conflict, name
    )
    stored = _stored_columns(parsed, keep_personal)
    _check_no_answers(session, parsed, name, items, pids, [c for c in stored if c.name in reused])
    statuses = parsed.statuses or ["complete"] * len(pids)
    details = parsed.status_details or [""] * len(pids)
    answers = packed_answers(stored, items, len(pids))
    insert_rows(
        session, _RESPONSES,
        ("participant_id", "source_filename", "respondent_id", "status", "status_detail",
         "answers"),
        (
            (pid, name, rid, st, det[:200], ans)
            for pid, rid, st, det, ans in zip(
                pids, parsed.respondents, statuses, details, answers, strict=True
            )
        ),
    )  # fmt: skip
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
    if not columns:
        return
    wanted = {items[c.name].id: c for c in columns}
    held: dict[int, set[int]] = {}
    for a in iter_answers(session):
        if a.item_id in wanted:
            held.setdefault(a.item_id, set()).add(a.participant_id)
    for item_id, col in wanted.items():
        mine = held.get(item_id)
        if not mine:
            continue
        answered = column_answers(col)
        clash = next(
            (k for k, (p, a) in enumerate(zip(pids, answered, strict=True))
             if a is not None and p in mine),
            None,
        )  # fmt: skip
        if clash is not None:
            raise refuse(
                name,
                f"has answers from {parsed.respondents[clash]} to {col.name!r}, which the "
                "project already holds (was this survey imported before?)",
            )


def record(session: Session, actor: str, name: str, parsed: ParsedSurvey) -> None:
    audit.record(
        session, actor, "import_survey", "survey", None,
        file=name, respondents=len(parsed.respondents), columns=len(parsed.columns),
        tool=parsed.tool or None,
    )  # fmt: skip
