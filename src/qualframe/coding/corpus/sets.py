"""Document sets: named groups of documents ("Year 1", "Pilot interviews"); a document may
be in several sets. A set filters the navigator, retrieval, the segment listings and the
theme matrix: "documents in any of these sets"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.query.document_sets import members_select, resolve_sets
from qualframe.storage.models import Document, DocumentSet, DocumentSetMember

NAME_LIMIT = 200  # the column's width in the schema


@dataclass(frozen=True)
class DocumentSetRecord:
    guid: str
    name: str
    position: int
    document_guids: tuple[str, ...]  # in document order

    def __len__(self) -> int:
        return len(self.document_guids)


def clean_set_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise UserError("A document set needs a name.")
    if len(name) > NAME_LIMIT:
        raise UserError(f"A document set name has at most {NAME_LIMIT} characters.")
    return name


def list_sets(project: Project) -> list[DocumentSetRecord]:
    with project.read() as s:
        return sets_in(s)


def sets_in(s: Session) -> list[DocumentSetRecord]:
    members: dict[int, list[str]] = {}
    rows = s.execute(
        select(DocumentSetMember.set_id, Document.guid)
        .join(Document, Document.id == DocumentSetMember.document_id)
        .order_by(Document.position, Document.name)
    ).all()
    for set_id, guid in rows:
        members.setdefault(set_id, []).append(guid)
    sets = s.execute(
        select(DocumentSet.id, DocumentSet.guid, DocumentSet.name, DocumentSet.position).order_by(
            DocumentSet.position, DocumentSet.name
        )
    ).all()
    return [
        DocumentSetRecord(r.guid, r.name, r.position, tuple(members.get(r.id, []))) for r in sets
    ]


def set_document_ids(s: Session, keys: Sequence[str]) -> tuple[list[int], list[str]]:
    """Ids of the documents in any of the sets ``keys`` (document order), and the sets'
    names as stored; ([], []) when ``keys`` is empty."""
    if not keys:
        return [], []
    sets = resolve_sets(s, keys)
    ids = list(
        s.scalars(
            select(Document.id)
            .where(Document.id.in_(members_select([x.id for x in sets])))
            .order_by(Document.position, Document.name)
        )
    )
    return ids, [x.name for x in sets]


def sets_of_documents(project: Project) -> dict[str, list[str]]:
    """Document GUID → names of the sets it is in (set order)."""
    out: dict[str, list[str]] = {}
    for rec in list_sets(project):
        for guid in rec.document_guids:
            out.setdefault(guid, []).append(rec.name)
    return out
