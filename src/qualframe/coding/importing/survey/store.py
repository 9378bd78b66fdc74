"""Storing a parsed survey in one transaction, with bulk statements.

Respondents become participants (a respondent linked to a transcript speaker becomes that
speaker's participant); each row of the file a ``survey_responses`` row with its status;
each column a survey item (label, options in questionnaire order, Likert mapping); closed
answers one ``survey_answers`` row each; each open-ended question one codable document.
Participants, attribute values, responses and answers are written with Core ``executemany``
in chunks: 50,000 respondents cost a few queries, not 50,000 ORM round trips.

An attribute a respondent already holds with another value (a transcript said M1 is a
mentor, the survey says mentee) is a conflict: the import is refused naming it unless the
user chose to keep the project's values or replace them. Personal data (IP address, e-mail,
names, coordinates) is stored only when asked for, and never exported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.corpus.participants import attribute_in
from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.survey.likert import likert_point
from qualframe.coding.importing.survey.model import ParsedSurvey, SurveyColumn
from qualframe.storage.models import (
    AttributeValue,
    Participant,
    SurveyAnswer,
    SurveyItem,
    SurveyResponse,
    new_guid,
    utcnow,
)

_PARTICIPANTS = cast(Table, Participant.__table__)
_VALUES = cast(Table, AttributeValue.__table__)
_ANSWERS = cast(Table, SurveyAnswer.__table__)
_RESPONSES = cast(Table, SurveyResponse.__table__)
CLOSED = ("likert", "number", "single", "multiple")
CHUNK = 500  # bound parameters per IN (…) stay far below every database's limit


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
    cols = [c for c in parsed.columns if c.type == "attribute"]
    out = []
    for row in range(len(parsed.respondents)):
        attrs = {c.name: v for c in cols if (v := c.values[row]) is not None}
        attrs.update(extra)
        out.append(attrs)
    return out


def find_conflicts(
    session: Session, parsed: ParsedSurvey, links: dict[str, str], extra: dict[str, str]
) -> list[Conflict]:
    """Attribute values the file would change for participants the project already has
    (values differing only in case or spacing are the same value)."""
    names = pseudonyms(parsed, links)
    wanted = respondent_attributes(parsed, extra)
    held: dict[tuple[str, str], str] = {}
    from qualframe.storage.models import Attribute

    for part in _chunks(names):
        rows = session.execute(
            select(Participant.pseudonym, Attribute.name, AttributeValue.value)
            .join(AttributeValue, AttributeValue.participant_id == Participant.id)
            .join(Attribute, Attribute.id == AttributeValue.attribute_id)
            .where(Participant.pseudonym.in_(part))
        ).all()
        held.update({(p, a.casefold()): v for p, a, v in rows})
    out: list[Conflict] = []
    for who, attrs in zip(names, wanted, strict=True):
        for attr, value in attrs.items():
            old = held.get((who, attr.casefold()))
            if old is not None and _key(old) != _key(value):
                out.append(Conflict(who, attr, old, value))
    return out


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
    ids: dict[str, int] = {}
    unique = list(dict.fromkeys(names))
    for part in _chunks(unique):
        rows = session.execute(
            select(Participant.pseudonym, Participant.id).where(Participant.pseudonym.in_(part))
        ).all()
        ids.update({p: i for p, i in rows})
    missing = [n for n in unique if n not in ids]
    if missing:
        now = utcnow()
        session.execute(
            insert(_PARTICIPANTS),
            [
                {"pseudonym": n, "real_name": None, "is_interviewer": False,
                 "created_at": now, "guid": new_guid()}
                for n in missing
            ],
        )  # fmt: skip
        for part in _chunks(missing):
            rows = session.execute(
                select(Participant.pseudonym, Participant.id).where(Participant.pseudonym.in_(part))
            ).all()
            ids.update({p: i for p, i in rows})
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
    attrs = {a.casefold(): attribute_in(session, a) for row in wanted for a in row}
    held: dict[tuple[int, int], str] = {}
    for part in _chunks([str(p) for p in dict.fromkeys(pids)]):
        rows = session.execute(
            select(
                AttributeValue.participant_id, AttributeValue.attribute_id, AttributeValue.value
            ).where(AttributeValue.participant_id.in_([int(p) for p in part]))
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
        session.execute(
            insert(_VALUES),
            [{"participant_id": p, "attribute_id": a, "value": v} for (p, a), v in new.items()],
        )
    if changed:
        from sqlalchemy import bindparam

        session.execute(
            update(_VALUES)
            .where(
                _VALUES.c.participant_id == bindparam("p"), _VALUES.c.attribute_id == bindparam("a")
            )
            .values(value=bindparam("v")),
            changed,
            execution_options={"synchronize_session": False},
        )


def _answer_rows(
    parsed: ParsedSurvey, items: dict[str, SurveyItem], pids: list[int], keep_personal: bool
) -> list[dict[str, object]]:
    """One row per closed answer (and per personal-data answer when it is to be kept)."""
    out: list[dict[str, object]] = []
    for col in parsed.columns:
        if col.type not in CLOSED and not (col.type == "personal" and keep_personal):
            continue
        item_id = items[col.name].id
        lo, hi = col.scale_min, col.scale_max
        for row, value in enumerate(col.values):
            choices = col.choices[row] if col.choices is not None else None
            if value is None and not choices:
                continue
            entry: dict[str, object] = {
                "item_id": item_id, "participant_id": pids[row], "raw": value,
                "number": None, "choices": None,
            }  # fmt: skip
            if col.type == "likert":
                point = likert_point(value or "", col.value_labels)
                if point is not None and col.reversed and lo is not None and hi is not None:
                    point = lo + hi - point
                entry["number"] = float(point) if point is not None else None
            elif col.type == "number":
                entry["number"] = float(value or "nan")
            elif col.type == "single":
                entry["choices"] = [value]
            elif col.type == "multiple":
                entry["choices"] = list(choices or [])
            out.append(entry)
    return out


def check_not_imported(session: Session, parsed: ParsedSurvey, name: str, pids: list[int]) -> None:
    for part in _chunks([str(p) for p in pids]):
        hit = session.execute(
            select(Participant.pseudonym)
            .join(SurveyResponse, SurveyResponse.participant_id == Participant.id)
            .where(
                SurveyResponse.source_filename == name,
                SurveyResponse.participant_id.in_([int(p) for p in part]),
            )
            .limit(1)
        ).first()
        if hit is not None:
            raise refuse(
                name,
                f"has answers from {hit[0]} that the project already holds from a file of the "
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
) -> tuple[dict[str, SurveyItem], list[int]]:
    """Items, participants, attributes, responses and closed answers; returns the items by
    column and each respondent's participant id."""
    items = _upsert_items(session, parsed, name)
    names = pseudonyms(parsed, links)
    conflicts = find_conflicts(session, parsed, links, extra)
    ids = _participant_ids(session, names)
    pids = [ids[n] for n in names]
    check_not_imported(session, parsed, name, pids)
    _store_attributes(
        session, pids, respondent_attributes(parsed, extra), conflicts, on_conflict, name
    )
    statuses = parsed.statuses or ["complete"] * len(pids)
    details = parsed.status_details or [""] * len(pids)
    session.execute(
        insert(_RESPONSES),
        [
            {"participant_id": pid, "source_filename": name, "respondent_id": rid,
             "status": st, "status_detail": det[:200]}
            for pid, rid, st, det in zip(pids, parsed.respondents, statuses, details, strict=True)
        ],
    )  # fmt: skip
    rows = _answer_rows(parsed, items, pids, keep_personal)
    clash = _existing_answer(session, rows)
    if clash is not None:
        who = parsed.respondents[pids.index(clash[1])]
        item_name = next(n for n, it in items.items() if it.id == clash[0])
        raise refuse(
            name,
            f"has answers from {who} to {item_name!r}, which the project already holds "
            "(was this survey imported before?)",
        )
    if rows:
        session.execute(insert(_ANSWERS), rows)
    return items, pids


def _existing_answer(session: Session, rows: list[dict[str, object]]) -> tuple[int, int] | None:
    item_ids = sorted({int(str(r["item_id"])) for r in rows})
    if not item_ids:
        return None
    pids = sorted({int(str(r["participant_id"])) for r in rows})
    for part in _chunks([str(p) for p in pids]):
        hit = session.execute(
            select(SurveyAnswer.item_id, SurveyAnswer.participant_id)
            .where(
                SurveyAnswer.item_id.in_(item_ids),
                SurveyAnswer.participant_id.in_([int(p) for p in part]),
            )
            .limit(1)
        ).first()
        if hit is not None:
            return int(hit[0]), int(hit[1])
    return None


def text_hashes(raw: bytes, parsed: ParsedSurvey) -> dict[str, str]:
    return {
        c.name: hashlib.sha256(raw + b":" + c.name.encode("utf-8")).hexdigest()
        for c in parsed.columns
        if c.type == "text" and c.answered
    }


def record(session: Session, actor: str, name: str, parsed: ParsedSurvey) -> None:
    audit.record(
        session, actor, "import_survey", "survey", None,
        file=name, respondents=len(parsed.respondents), columns=len(parsed.columns),
        tool=parsed.tool or None,
    )  # fmt: skip
