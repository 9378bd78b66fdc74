"""Undoable participant commands: set one attribute value of a participant, add an attribute.

A participant's attributes (role, year, …) decide the columns of the theme matrix and the
groups of every table, so an edit is recorded in the audit trail and can be undone like any
other change.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import (
    attribute_in,
    attribute_value_count_in,
    attribute_value_in,
    find_attribute_in,
    participant_in,
    set_attribute_in,
)

NAME_LIMIT = 200  # the column's width in the schema


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise UserError("An attribute needs a name.")
    if len(name) > NAME_LIMIT:
        raise UserError(f"An attribute name has at most {NAME_LIMIT} characters.")
    return name


def _change(action: str) -> Change:
    return Change(action, participants=True)


@dataclass
class SetParticipantAttribute(Command):
    """Set (or, with an empty value, clear) one attribute value of one participant. An
    attribute that does not exist yet is created, and removed again on undo."""

    participant_guid: str
    name: str
    value: str
    old: str | None = None
    created_attribute: str | None = None  # GUID of the attribute this command created

    def __post_init__(self) -> None:
        self.name = _clean_name(self.name)
        self.value = self.value.strip()
        self.text = f'Set "{self.name}"'

    def do(self, project: Project) -> Change:
        with project.write() as s:
            person = participant_in(s, self.participant_guid)
            existing = find_attribute_in(s, self.name)
            old = attribute_value_in(s, person, existing) if existing is not None else ""
            if existing is None:
                created = attribute_in(s, self.name, guid=self.created_attribute)
                self.created_attribute = created.guid
            else:
                self.name = existing.name
            set_attribute_in(s, person, self.name, self.value)
            audit.record(
                s, project.coder, "set_attribute", "participant", person.guid,
                name=self.name, value=self.value, old=old,
            )  # fmt: skip
            shown = f'"{self.value}"' if self.value else "nothing"
            self.text = f"Set {self.name} of {person.pseudonym} to {shown}"
        self.old = old
        return _change("set_attribute")

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        with project.write() as s:
            person = participant_in(s, self.participant_guid)
            set_attribute_in(s, person, self.name, self.old)
            if self.created_attribute is not None:
                attr = find_attribute_in(s, self.name)
                if attr is not None and attribute_value_count_in(s, attr) == 0:
                    s.delete(attr)
            audit.record(
                s, project.coder, "set_attribute", "participant", person.guid,
                name=self.name, value=self.old, undo=True,
            )  # fmt: skip
        return _change("set_attribute")


@dataclass
class AddAttribute(Command):
    """A new participant attribute (a column in the participant table), without values."""

    name: str
    guid: str | None = None

    def __post_init__(self) -> None:
        self.name = _clean_name(self.name)
        self.text = f'Add attribute "{self.name}"'

    def do(self, project: Project) -> Change:
        with project.write() as s:
            existing = find_attribute_in(s, self.name)
            if existing is not None:
                raise UserError(f'There is already an attribute "{existing.name}".')
            attr = attribute_in(s, self.name, guid=self.guid)
            self.guid = attr.guid
            audit.record(s, project.coder, "add_attribute", "attribute", attr.guid, name=self.name)
        return _change("add_attribute")

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            attr = find_attribute_in(s, self.name)
            if attr is None or attr.guid != self.guid:
                raise UserError(f'The attribute "{self.name}" no longer exists.')
            if attribute_value_count_in(s, attr):
                raise UserError(
                    f'The attribute "{self.name}" has values now; clear them before removing it.'
                )
            s.delete(attr)
            audit.record(
                s, project.coder, "remove_attribute", "attribute", self.guid, name=self.name,
                undo=True,
            )  # fmt: skip
        return _change("remove_attribute")
