"""Merging two pseudonyms of one person, and deleting a participant — both undoable.

*Merge* ``source`` into ``target``: the source's speaker turns and survey answers move to
the target (so every segment in them now counts for the target), the source's attribute
values fill the target's blanks, and the source is removed. Where both hold a different
value for an attribute, the target's is kept unless the caller names the attribute in
``take_source``; :func:`merge_preview` lists those conflicts first. Two participants who
answered the same survey item, or an interviewer and a participant, are not merged.

*Delete* a participant: their turns become unattributed (the words stay, and count for no
group), their attribute values and survey answers go. Undo brings all of it back.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.document_snapshot import row_of
from qualframe.coding.corpus.participants import participant_in, set_attribute_in
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Document,
    Participant,
    Segment,
    SurveyAnswer,
    SurveyItem,
    Turn,
)


def _values(s: Session, person: Participant) -> dict[str, str]:
    rows = s.execute(
        select(Attribute.name, AttributeValue.value)
        .join(Attribute, Attribute.id == AttributeValue.attribute_id)
        .where(AttributeValue.participant_id == person.id)
        .order_by(Attribute.position, Attribute.name)
    ).all()
    return {str(n): str(v) for n, v in rows}


@dataclass(frozen=True)
class ParticipantFootprint:
    pseudonym: str
    turns: int
    segments: int
    documents: tuple[str, ...]
    answers: int
    values: dict[str, str]


def footprint_in(s: Session, person: Participant) -> ParticipantFootprint:
    turns = select(Turn.id).where(Turn.participant_id == person.id)
    docs = s.scalars(
        select(Document.name)
        .where(Document.id.in_(select(Turn.document_id).where(Turn.participant_id == person.id)))
        .order_by(Document.position, Document.name)
    )
    return ParticipantFootprint(
        person.pseudonym,
        int(s.scalar(select(func.count()).select_from(turns.subquery())) or 0),
        int(s.scalar(select(func.count(Segment.id)).where(Segment.turn_id.in_(turns))) or 0),
        tuple(docs),
        int(s.scalar(select(func.count()).where(SurveyAnswer.participant_id == person.id)) or 0),
        _values(s, person),
    )


def participant_footprint(project: Project, guid: str) -> ParticipantFootprint:
    with project.read() as s:
        return footprint_in(s, participant_in(s, guid))


@dataclass(frozen=True)
class MergePreview:
    source: ParticipantFootprint
    target: ParticipantFootprint
    conflicts: tuple[tuple[str, str, str], ...]  # (attribute, target's value, source's value)
    filled: tuple[tuple[str, str], ...]  # source values for the target's blanks


def _check_mergeable(s: Session, source: Participant, target: Participant) -> None:
    if source.id == target.id:
        raise UserError("Choose two different participants to merge.")
    if source.is_interviewer != target.is_interviewer:
        who = source if source.is_interviewer else target
        raise UserError(f"{who.pseudonym} is an interviewer and the other is not; not merged.")
    both = list(
        s.scalars(
            select(SurveyItem.name)
            .join(SurveyAnswer, SurveyAnswer.item_id == SurveyItem.id)
            .where(SurveyAnswer.participant_id == source.id)
            .where(
                SurveyAnswer.item_id.in_(
                    select(SurveyAnswer.item_id).where(SurveyAnswer.participant_id == target.id)
                )
            )
        )
    )
    if both:
        raise UserError(
            f"{source.pseudonym} and {target.pseudonym} both answered "
            f'"{both[0]}"{" and more" if len(both) > 1 else ""}; one answer would be lost, so '
            "they are not merged."
        )


def merge_preview(project: Project, source_guid: str, target_guid: str) -> MergePreview:
    with project.read() as s:
        source, target = participant_in(s, source_guid), participant_in(s, target_guid)
        _check_mergeable(s, source, target)
        a, b = footprint_in(s, source), footprint_in(s, target)
    conflicts = tuple(
        (name, b.values[name], value)
        for name, value in a.values.items()
        if name in b.values and b.values[name] != value
    )
    filled = tuple((n, v) for n, v in a.values.items() if n not in b.values)
    return MergePreview(a, b, conflicts, filled)


def _segments_of_turns(s: Session, turn_ids: list[int]) -> tuple[frozenset[str], frozenset[str]]:
    if not turn_ids:
        return frozenset(), frozenset()
    rows = s.execute(
        select(Segment.guid, Document.guid)
        .join(Document, Document.id == Segment.document_id)
        .where(Segment.turn_id.in_(turn_ids))
    ).all()
    return frozenset(r[0] for r in rows), frozenset(r[1] for r in rows)


@dataclass
class _Removed:
    """A participant taken out, as plain data: restorable with its GUID."""

    row: dict[str, Any] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    turns: list[str] = field(default_factory=list)  # turn GUIDs
    answers: list[dict[str, Any]] = field(default_factory=list)  # rows with "item_guid"

    def take(self, s: Session, person: Participant) -> None:
        self.row = row_of(person)
        self.values = _values(s, person)
        self.turns = list(s.scalars(select(Turn.guid).where(Turn.participant_id == person.id)))
        items = dict(s.execute(select(SurveyItem.id, SurveyItem.guid)).all())
        self.answers = []
        for a in s.scalars(select(SurveyAnswer).where(SurveyAnswer.participant_id == person.id)):
            row = row_of(a, ("id", "item_id", "participant_id"))
            row["item_guid"] = items[a.item_id]
            self.answers.append(row)

    def put_back(self, s: Session, *, answers_with: int | None = None) -> Participant:
        """Re-create the participant with its values and turns; its survey answers are
        re-added, or (after a merge) taken back from participant ``answers_with``."""
        pseudonym = self.row["pseudonym"]
        if s.scalar(select(Participant.id).where(Participant.pseudonym == pseudonym)):
            raise UserError(f"There is a participant called {pseudonym} again; not undone.")
        person = Participant(**self.row)
        s.add(person)
        s.flush()
        for name, value in self.values.items():
            set_attribute_in(s, person, name, value)
        for turn in s.scalars(select(Turn).where(Turn.guid.in_(self.turns))):
            turn.participant_id = person.id
        items = dict(s.execute(select(SurveyItem.guid, SurveyItem.id)).all())
        for row in self.answers:
            item_id = items[row["item_guid"]]
            if answers_with is None:
                data = {k: v for k, v in row.items() if k != "item_guid"}
                s.add(SurveyAnswer(**data, item_id=item_id, participant_id=person.id))
                continue
            moved = s.scalar(
                select(SurveyAnswer).where(
                    SurveyAnswer.item_id == item_id, SurveyAnswer.participant_id == answers_with
                )
            )
            if moved is not None:
                moved.participant_id = person.id
        s.flush()
        return person


@dataclass
class MergeParticipants(Command):
    source_guid: str
    target_guid: str
    take_source: Collection[str] = ()  # attributes whose conflicting value comes from source
    removed: _Removed = field(default_factory=_Removed)
    target_old: dict[str, str] = field(default_factory=dict)  # values replaced or filled
    real_name_filled: bool = False
    _segments: frozenset[str] = field(default=frozenset(), init=False)
    _documents: frozenset[str] = field(default=frozenset(), init=False)

    def __post_init__(self) -> None:
        self.text = "Merge participants"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            source = participant_in(s, self.source_guid)
            target = participant_in(s, self.target_guid)
            _check_mergeable(s, source, target)
            self.text = f"Merge {source.pseudonym} into {target.pseudonym}"
            self.removed = _Removed()
            self.removed.take(s, source)
            turn_ids = list(s.scalars(select(Turn.id).where(Turn.participant_id == source.id)))
            segments, documents = _segments_of_turns(s, turn_ids)
            for turn in s.scalars(select(Turn).where(Turn.id.in_(turn_ids))):
                turn.participant_id = target.id
            for answer in s.scalars(
                select(SurveyAnswer).where(SurveyAnswer.participant_id == source.id)
            ):
                answer.participant_id = target.id
            self._merge_values(s, source, target)
            s.delete(source)
            audit.record(
                s, project.coder, "merge_participants", "participant", target.guid,
                source=self.removed.row["pseudonym"], source_guid=self.source_guid,
                turns=len(turn_ids), values=self.target_old,
            )  # fmt: skip
        self._segments, self._documents = segments, documents
        return self._change()

    def _merge_values(self, s: Session, source: Participant, target: Participant) -> None:
        mine = _values(s, target)
        chosen = {n.casefold() for n in self.take_source}
        self.target_old = {}
        for name, value in self.removed.values.items():
            old = mine.get(name)
            if old is None or (old != value and name.casefold() in chosen):
                self.target_old[name] = old or ""
                set_attribute_in(s, target, name, value)
        self.real_name_filled = bool(source.real_name and not target.real_name)
        if self.real_name_filled:
            target.real_name = source.real_name
        s.flush()

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            target = participant_in(s, self.target_guid)
            for name, old in self.target_old.items():
                set_attribute_in(s, target, name, old)
            if self.real_name_filled:
                target.real_name = None
            s.flush()
            self.removed.put_back(s, answers_with=target.id)
            audit.record(s, project.coder, "unmerge_participants", "participant", target.guid,
                         source_guid=self.source_guid, undo=True)  # fmt: skip
        return self._change()

    def _change(self) -> Change:
        return Change(
            "merge_participants", participants=True, segments_changed=self._segments,
            documents=self._documents, survey=bool(self.removed.answers),
        )  # fmt: skip


@dataclass
class DeleteParticipant(Command):
    guid: str
    removed: _Removed = field(default_factory=_Removed)
    _segments: frozenset[str] = field(default=frozenset(), init=False)
    _documents: frozenset[str] = field(default=frozenset(), init=False)

    def __post_init__(self) -> None:
        self.text = "Delete participant"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            person = participant_in(s, self.guid)
            self.text = f"Delete participant {person.pseudonym}"
            self.removed = _Removed()
            self.removed.take(s, person)
            turn_ids = list(s.scalars(select(Turn.id).where(Turn.participant_id == person.id)))
            self._segments, self._documents = _segments_of_turns(s, turn_ids)
            for turn in s.scalars(select(Turn).where(Turn.id.in_(turn_ids))):
                turn.participant_id = None
            s.delete(person)
            audit.record(
                s, project.coder, "delete_participant", "participant", self.guid,
                pseudonym=person.pseudonym, turns=len(turn_ids), values=self.removed.values,
                answers=len(self.removed.answers),
            )  # fmt: skip
        return self._change()

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            self.removed.put_back(s)
            audit.record(s, project.coder, "restore_participant", "participant", self.guid,
                         undo=True)  # fmt: skip
        return self._change()

    def _change(self) -> Change:
        return Change(
            "delete_participant", participants=True, segments_changed=self._segments,
            documents=self._documents, survey=bool(self.removed.answers),
        )  # fmt: skip
