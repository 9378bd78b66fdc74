"""Participant attributes from a spreadsheet, as one undoable step: first a plan (which
values change, which pseudonyms the project does not know, which attributes are new), shown
to the user; then :class:`ImportAttributes` applies it in one transaction.

A value that differs from one the project already uses for that attribute only by case or
spacing is written in the project's spelling ("Mentee" becomes the "mentee" already there),
so that the groups of the theme matrix do not split. Blank cells never clear a value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import (
    attribute_in,
    attribute_value_count_in,
    find_attribute_in,
    participant_in,
    set_attribute_in,
)
from qualframe.coding.importing.attribute_table import AttributeTable
from qualframe.storage.models import Attribute, AttributeValue, Participant


@dataclass(frozen=True)
class AttributeEdit:
    participant_guid: str
    pseudonym: str
    attribute: str
    old: str  # "" when unset
    new: str


@dataclass(frozen=True)
class AttributeImportPlan:
    file: str
    edits: tuple[AttributeEdit, ...]
    unchanged: int  # values the project already holds
    unknown: tuple[str, ...]  # pseudonyms of the file that are not in the project
    new_attributes: tuple[str, ...]
    respelled: int  # values written in the project's existing spelling
    matched: int  # participants of the file found in the project
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        """What the import will do, in a few sentences (for the preview and the CLI)."""

        def n(count: int, one: str, many: str) -> str:
            return f"{count} {one if count == 1 else many}"

        people = len({e.participant_guid for e in self.edits})
        parts = [
            f"{n(len(self.edits), 'value', 'values')} to set for "
            f"{n(people, 'participant', 'participants')} ({self.matched} of the file's "
            f"{self.matched + len(self.unknown)} found in the project); "
            f"{n(self.unchanged, 'value is', 'values are')} already as in the file."
        ]
        if self.new_attributes:
            parts.append(f"New attributes: {', '.join(self.new_attributes)}.")
        if self.respelled:
            parts.append(
                f"{n(self.respelled, 'value is', 'values are')} written as the project "
                "already spells them."
            )
        if self.unknown:
            parts.append(f"Not in the project (left out): {', '.join(self.unknown)}.")
        parts.extend(f"{w[:1].upper()}{w[1:]}." for w in self.warnings)
        return " ".join(parts)


def _spellings(s: Session, attr_ids: dict[str, int]) -> dict[str, dict[str, str]]:
    """attribute name (casefolded) → {folded value: the spelling used most}."""
    out: dict[str, dict[str, str]] = {}
    for name, aid in attr_ids.items():
        rows = s.execute(
            select(AttributeValue.value, func.count())
            .where(AttributeValue.attribute_id == aid)
            .group_by(AttributeValue.value)
            .order_by(func.count().desc(), AttributeValue.value)
        ).all()
        spelled: dict[str, str] = {}
        for value, _n in rows:
            spelled.setdefault(" ".join(str(value).split()).casefold(), str(value))
        out[name] = spelled
    return out


def plan_attribute_import(project: Project, table: AttributeTable) -> AttributeImportPlan:
    with project.read() as s:
        people = list(s.execute(select(Participant.id, Participant.guid, Participant.pseudonym)))
        exact = {p.pseudonym: p for p in people}
        folded = {p.pseudonym.casefold(): p for p in people}
        attrs = {a.name.casefold(): a for a in s.scalars(select(Attribute))}
        names = {c: attrs[c.casefold()].name if c.casefold() in attrs else c for c in table.columns}
        spell = _spellings(s, {c.casefold(): attrs[c.casefold()].id for c in table.columns
                               if c.casefold() in attrs})  # fmt: skip
        current: dict[tuple[int, str], str] = {}
        for pid, aname, value in s.execute(
            select(AttributeValue.participant_id, Attribute.name, AttributeValue.value).join(
                Attribute, Attribute.id == AttributeValue.attribute_id
            )
        ):
            current[(pid, aname.casefold())] = value
    edits: list[AttributeEdit] = []
    unknown: list[str] = []
    unchanged = respelled = matched = 0
    for pseudonym, values in table.rows:
        person = exact.get(pseudonym) or folded.get(pseudonym.casefold())
        if person is None:
            unknown.append(pseudonym)
            continue
        matched += 1
        for column, value in values.items():
            attr = names[column]
            known = spell.get(column.casefold(), {}).get(value.casefold())
            if known is not None and known != value:
                value, respelled = known, respelled + 1
            old = current.get((person.id, attr.casefold()), "")
            if old == value:
                unchanged += 1
            else:
                edits.append(AttributeEdit(person.guid, person.pseudonym, attr, old, value))
    new = tuple(c for c in table.columns if c.casefold() not in attrs)
    return AttributeImportPlan(
        table.file, tuple(edits), unchanged, tuple(unknown), new, respelled, matched,
        tuple(table.warnings),
    )  # fmt: skip


@dataclass
class ImportAttributes(Command):
    """Apply an :class:`AttributeImportPlan` in one transaction; undo puts back every old
    value and removes the attributes the import created (when nothing else uses them)."""

    plan: AttributeImportPlan
    olds: list[str] = field(default_factory=list)  # as found when done, per edit
    created: list[str] = field(default_factory=list)  # names of attributes created

    def __post_init__(self) -> None:
        self.text = f"Import attributes from {self.plan.file}"

    def do(self, project: Project) -> Change:
        if not self.plan.edits:
            raise UserError(f"{self.plan.file} changes no attribute value; nothing to import.")
        with project.write() as s:
            self.created = [a for a in self.plan.new_attributes if find_attribute_in(s, a) is None]
            for name in self.plan.new_attributes:
                attribute_in(s, name)
            olds = []
            for e in self.plan.edits:
                person = participant_in(s, e.participant_guid)
                attr = find_attribute_in(s, e.attribute)
                row = s.get(AttributeValue, (person.id, attr.id)) if attr is not None else None
                olds.append(row.value if row is not None else "")
                set_attribute_in(s, person, e.attribute, e.new)
            audit.record(
                s, project.coder, "import_attributes", "participant", None, file=self.plan.file,
                values=len(self.plan.edits), created=self.created,
            )  # fmt: skip
        self.olds = olds
        return Change("import_attributes", participants=True)

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            for e, old in zip(self.plan.edits, self.olds, strict=True):
                set_attribute_in(s, participant_in(s, e.participant_guid), e.attribute, old)
            s.flush()
            for name in self.created:
                attr = find_attribute_in(s, name)
                if attr is not None and attribute_value_count_in(s, attr) == 0:
                    s.delete(attr)
            audit.record(s, project.coder, "import_attributes", "participant", None,
                         file=self.plan.file, undo=True)  # fmt: skip
        return Change("import_attributes", participants=True)
