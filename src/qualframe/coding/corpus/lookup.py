"""Looking up a document or a segment by GUID or by name, with one-sentence errors."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.core.errors import NotFoundError
from qualframe.coding.core.project import Project
from qualframe.coding.core.rows import row_by_guid
from qualframe.storage.models import (
    Document,
    Segment,
)


def document_by_guid(session: Session, guid: str) -> Document:
    return row_by_guid(session, Document, guid, "document")


def document_by_name(session: Session, name: str) -> Document:
    doc = session.scalar(select(Document).where(Document.name == name))
    if doc is None:
        doc = session.scalar(select(Document).where(func.lower(Document.name) == name.lower()))
    if doc is None:
        doc = session.scalar(select(Document).where(Document.original_filename == name))
    if doc is None:
        raise NotFoundError(f'There is no document "{name}" in this project.')
    return doc


def find_document(project: Project, name: str) -> tuple[str, str, str]:
    """(guid, name, text) of the document called ``name`` (or imported from that file)."""
    with project.read() as s:
        doc = document_by_name(s, name)
        return doc.guid, doc.name, doc.text


def get_segment(session: Session, guid: str) -> Segment:
    return row_by_guid(session, Segment, guid, "coded segment")
