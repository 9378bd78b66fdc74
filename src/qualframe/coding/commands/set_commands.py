"""Undoable document-set commands: create, rename and delete a set, add documents to a set
and take them out again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.sets import clean_set_name
from qualframe.coding.query.document_sets import find_set_in
from qualframe.storage.models import Document, DocumentSet, DocumentSetMember


def _change(action: str) -> Change:
    return Change(action, document_sets=True)


def _check_free(s: Session, name: str, own_id: int | None = None) -> None:
    stmt = select(DocumentSet.name).where(func.lower(DocumentSet.name) == name.lower())
    if own_id is not None:
        stmt = stmt.where(DocumentSet.id != own_id)
    taken = s.scalar(stmt)
    if taken is not None:
        raise UserError(f'There is already a document set called "{taken}".')


def _document_ids(s: Session, guids: Sequence[str]) -> dict[str, int]:
    stmt = select(Document.guid, Document.id).where(Document.guid.in_(guids))
    found = {str(g): int(i) for g, i in s.execute(stmt).all()}
    if len(found) != len(set(guids)):
        raise UserError("One of those documents no longer exists.")
    return found


@dataclass
class AddDocumentSet(Command):
    """A new set, optionally with some documents in it from the start."""

    name: str
    document_guids: Sequence[str] = ()
    guid: str | None = None

    def __post_init__(self) -> None:
        self.name = clean_set_name(self.name)
        self.text = f'New document set "{self.name}"'

    def do(self, project: Project) -> Change:
        with project.write() as s:
            _check_free(s, self.name)
            pos = int(s.scalar(select(func.max(DocumentSet.position))) or 0) + 1
            new = DocumentSet(name=self.name, position=pos)
            if self.guid:
                new.guid = self.guid
            s.add(new)
            s.flush()
            self.guid = new.guid
            for doc_id in _document_ids(s, list(self.document_guids)).values():
                s.add(DocumentSetMember(set_id=new.id, document_id=doc_id))
            audit.record(s, project.coder, "add_document_set", "document_set", new.guid,
                         name=self.name, documents=len(self.document_guids))  # fmt: skip
        return Change("add_document_set", document_sets=True, created_guid=self.guid)

    def undo(self, project: Project) -> Change:
        assert self.guid
        with project.write() as s:
            s.delete(find_set_in(s, self.guid))
            audit.record(s, project.coder, "delete_document_set", "document_set", self.guid,
                         undo=True)  # fmt: skip
        return _change("delete_document_set")


@dataclass
class RenameDocumentSet(Command):
    guid: str
    name: str
    old: str | None = None

    def __post_init__(self) -> None:
        self.name = clean_set_name(self.name)
        self.text = f'Rename document set to "{self.name}"'

    def _set(self, project: Project, name: str) -> str:
        with project.write() as s:
            found = find_set_in(s, self.guid)
            _check_free(s, name, found.id)
            old, found.name = found.name, name
            audit.record(s, project.coder, "rename_document_set", "document_set", self.guid,
                         old=old, new=name)  # fmt: skip
        return old

    def do(self, project: Project) -> Change:
        self.old = self._set(project, self.name)
        return _change("rename_document_set")

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        self._set(project, self.old)
        return _change("rename_document_set")


@dataclass
class DeleteDocumentSet(Command):
    """Delete a set (its documents stay); undo brings back the set and its members."""

    guid: str
    name: str = ""
    position: int = 0
    members: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = "Delete document set"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            found = find_set_in(s, self.guid)
            self.name, self.position = found.name, found.position
            self.text = f'Delete document set "{found.name}"'
            self.members = list(
                s.scalars(
                    select(Document.guid)
                    .join(DocumentSetMember, DocumentSetMember.document_id == Document.id)
                    .where(DocumentSetMember.set_id == found.id)
                )
            )
            s.delete(found)
            audit.record(s, project.coder, "delete_document_set", "document_set", self.guid,
                         name=self.name, documents=len(self.members))  # fmt: skip
        return _change("delete_document_set")

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            _check_free(s, self.name)
            back = DocumentSet(guid=self.guid, name=self.name, position=self.position)
            s.add(back)
            s.flush()
            ids = dict(s.execute(select(Document.guid, Document.id)).all())
            for guid in self.members:
                if guid in ids:
                    s.add(DocumentSetMember(set_id=back.id, document_id=ids[guid]))
            audit.record(s, project.coder, "add_document_set", "document_set", self.guid,
                         name=self.name, undo=True)  # fmt: skip
        return _change("add_document_set")


@dataclass
class SetMembership(Command):
    """Put documents into a set (``add``) or take them out; documents already (or not) in
    it are left alone, and undo reverses only what this command changed."""

    set_guid: str
    document_guids: Sequence[str]
    add: bool = True
    touched: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.document_guids)
        what = f"{n} document{'s' if n != 1 else ''}"
        self.text = f"Add {what} to a set" if self.add else f"Remove {what} from a set"

    def _apply(self, project: Project, guids: Sequence[str], add: bool) -> tuple[list[str], str]:
        with project.write() as s:
            found = find_set_in(s, self.set_guid)
            ids = _document_ids(s, list(guids))
            inside = set(
                s.scalars(
                    select(DocumentSetMember.document_id).where(
                        DocumentSetMember.set_id == found.id
                    )
                )
            )
            todo = [g for g, i in ids.items() if (i in inside) != add]
            if add:
                s.add_all(DocumentSetMember(set_id=found.id, document_id=ids[g]) for g in todo)
            elif todo:
                s.execute(
                    delete(DocumentSetMember).where(
                        DocumentSetMember.set_id == found.id,
                        DocumentSetMember.document_id.in_([ids[g] for g in todo]),
                    )
                )
            verb = "added to" if add else "removed from"
            audit.record(s, project.coder, "document_set_members", "document_set", found.guid,
                         change=verb, documents=todo)  # fmt: skip
            return todo, found.name

    def do(self, project: Project) -> Change:
        self.touched, name = self._apply(project, self.document_guids, self.add)
        n = len(self.document_guids)
        what = f"{n} document{'s' if n != 1 else ''}"
        self.text = f'Add {what} to "{name}"' if self.add else f'Remove {what} from "{name}"'
        return _change("document_set_members")

    def undo(self, project: Project) -> Change:
        self._apply(project, self.touched, not self.add)
        return _change("document_set_members")
