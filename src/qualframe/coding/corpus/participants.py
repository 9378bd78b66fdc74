"""Participants (pseudonyms) and their attributes (role, year, …): storing them during an
import and reading or changing them afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import ParticipantRecord
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Participant,
)


@dataclass
class ParticipantData:
    pseudonym: str
    real_name: str | None = None
    is_interviewer: bool = False
    attributes: dict[str, str] = field(default_factory=dict)


# -- participants and attributes -----------------------------------------------------------
def find_attribute_in(session: Session, name: str) -> Attribute | None:
    """The attribute called ``name`` (case does not matter), if there is one."""
    return session.scalar(select(Attribute).where(func.lower(Attribute.name) == name.lower()))


def attribute_in(
    session: Session, name: str, type_: str = "category", *, guid: str | None = None
) -> Attribute:
    """The attribute called ``name``, created (last, with ``guid`` if given) when missing."""
    attr = find_attribute_in(session, name)
    if attr is None:
        pos = int(session.scalar(select(func.count()).select_from(Attribute)) or 0)
        attr = Attribute(name=name, type=type_, position=pos)
        if guid is not None:
            attr.guid = guid
        session.add(attr)
        session.flush()
    return attr


def participant_in(session: Session, guid: str) -> Participant:
    p = session.scalar(select(Participant).where(Participant.guid == guid))
    if p is None:
        raise UserError("That participant no longer exists.")
    return p


def attribute_value_in(session: Session, participant: Participant, attribute: Attribute) -> str:
    """A participant's value of an attribute ("" when none is set)."""
    row = session.get(AttributeValue, (participant.id, attribute.id))
    return row.value if row is not None else ""


def attribute_value_count_in(session: Session, attribute: Attribute) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(AttributeValue)
            .where(AttributeValue.attribute_id == attribute.id)
        )
        or 0
    )


def set_attribute_in(session: Session, participant: Participant, name: str, value: str) -> None:
    attr = attribute_in(session, name)
    row = session.get(AttributeValue, (participant.id, attr.id))
    if value == "":
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(
            AttributeValue(participant_id=participant.id, attribute_id=attr.id, value=value)
        )
    else:
        row.value = value


def upsert_participant_in(session: Session, data: ParticipantData) -> Participant:
    p = session.scalar(select(Participant).where(Participant.pseudonym == data.pseudonym))
    if p is None:
        p = Participant(
            pseudonym=data.pseudonym, real_name=data.real_name, is_interviewer=data.is_interviewer
        )
        session.add(p)
        session.flush()
    else:
        if data.real_name and not p.real_name:
            p.real_name = data.real_name
        if data.is_interviewer:
            p.is_interviewer = True
    for name, value in data.attributes.items():
        set_attribute_in(session, p, name, value)
    return p


def list_participants(
    project: Project,
    *,
    include_interviewers: bool = False,
    attributes: Sequence[str] | None = None,
) -> list[ParticipantRecord]:
    """The participants with their attribute values: all of them, or (for a project with
    thousands of attributes, shown a few columns at a time) only those named."""
    from qualframe.coding.query.segments import participant_attributes

    with project.read() as s:
        attrs = participant_attributes(s) if attributes is None else _values_of(s, attributes)
        stmt = select(Participant).order_by(Participant.pseudonym)
        if not include_interviewers:
            stmt = stmt.where(Participant.is_interviewer.is_(False))
        return [
            ParticipantRecord(
                id=p.id, guid=p.guid, pseudonym=p.pseudonym, real_name=p.real_name,
                is_interviewer=p.is_interviewer, attributes=dict(attrs.get(p.id, {})),
            )
            for p in s.scalars(stmt)
        ]  # fmt: skip


def attribute_names(project: Project) -> list[str]:
    with project.read() as s:
        return list(s.scalars(select(Attribute.name).order_by(Attribute.position, Attribute.name)))


def _values_of(session: Session, names: Sequence[str]) -> dict[int, dict[str, str]]:
    """participant id → {attribute: value} for the attributes ``names`` only."""
    out: dict[int, dict[str, str]] = {}
    names = list(names)
    for i in range(0, len(names), 500):
        ids = dict(
            session.execute(
                select(Attribute.id, Attribute.name).where(Attribute.name.in_(names[i : i + 500]))
            ).all()
        )
        if not ids:
            continue
        rows = session.execute(
            select(AttributeValue.participant_id, AttributeValue.attribute_id, AttributeValue.value)
            .where(AttributeValue.attribute_id.in_(list(ids)))
        ).all()  # fmt: skip
        for pid, aid, value in rows:
            out.setdefault(pid, {})[ids[aid]] = value
    return out


def attribute_value_lists(project: Project) -> dict[str, list[str]]:
    """Every attribute (in the project's order) with its distinct values among
    non-interviewers, sorted — one query, however many attributes there are."""
    with project.read() as s:
        names = list(
            s.execute(
                select(Attribute.id, Attribute.name).order_by(Attribute.position, Attribute.name)
            ).all()
        )
        rows = s.execute(
            select(AttributeValue.attribute_id, AttributeValue.value)
            .join(Participant, Participant.id == AttributeValue.participant_id)
            .where(Participant.is_interviewer.is_(False))
            .group_by(AttributeValue.attribute_id, AttributeValue.value)
        ).all()
        values: dict[int, list[str]] = {}
        for aid, value in rows:
            values.setdefault(aid, []).append(value)
    return {name: sorted(values.get(aid, []), key=str.casefold) for aid, name in names}


def attribute_values(project: Project, name: str) -> list[str]:
    """Distinct values of a participant attribute among non-interviewers, sorted."""
    with project.read() as s:
        ids = select(Attribute.id).where(func.lower(Attribute.name) == name.lower())
        rows = s.scalars(
            select(AttributeValue.value)
            .join(Participant, Participant.id == AttributeValue.participant_id)
            .where(AttributeValue.attribute_id.in_(ids), Participant.is_interviewer.is_(False))
            .distinct()
        )
        return sorted(rows, key=str.casefold)


def set_participant_attribute(
    project: Project, participant_guid: str, name: str, value: str
) -> None:
    """Edit one attribute value of a participant (one transaction, audited). Not undoable:
    the GUI and scripts that need undo use ``commands.SetParticipantAttribute``."""
    if not name.strip():
        raise UserError("An attribute needs a name.")
    with project.write() as s:
        p = participant_in(s, participant_guid)
        set_attribute_in(s, p, name.strip(), value.strip())
        audit.record(
            s, project.coder, "set_attribute", "participant", p.guid, name=name, value=value
        )


def add_participants_in(
    session: Session, people: Sequence[ParticipantData]
) -> dict[str, Participant]:
    return {p.pseudonym: upsert_participant_in(session, p) for p in people}
