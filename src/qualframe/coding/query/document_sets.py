"""Looking up document sets by name or GUID, and the documents in them, for filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from qualframe.coding.core.errors import NotFoundError
from qualframe.storage.models import DocumentSet, DocumentSetMember


def find_set_in(s: Session, key: str) -> DocumentSet:
    """The set whose GUID or name (case does not matter) is ``key``."""
    key = key.strip()
    found = s.scalar(select(DocumentSet).where(DocumentSet.guid == key))
    if found is None:
        found = s.scalar(select(DocumentSet).where(func.lower(DocumentSet.name) == key.lower()))
    if found is None:
        names = ", ".join(s.scalars(select(DocumentSet.name).order_by(DocumentSet.position)))
        raise NotFoundError(
            f'There is no document set "{key}" in this project (sets: {names or "none yet"}).'
        )
    return found


def resolve_sets(s: Session, keys: Sequence[str]) -> list[DocumentSet]:
    """The sets named (or with the GUIDs) ``keys``, each once; refuses unknown names."""
    out: dict[int, DocumentSet] = {}
    for key in keys:
        found = find_set_in(s, key)
        out.setdefault(found.id, found)
    return list(out.values())


def members_select(set_ids: Sequence[int]) -> Select[Any]:
    """SELECT of the ids of the documents in any of the sets ``set_ids``, for an IN filter."""
    return (
        select(DocumentSetMember.document_id)
        .where(DocumentSetMember.set_id.in_(list(set_ids)))
        .distinct()
    )


def in_sets(s: Session, keys: Sequence[str]) -> Select[Any]:
    """The ids of the documents in any of the document sets ``keys`` (names or GUIDs; an
    unknown name is refused), for ``Segment.document_id.in_(…)``."""
    return members_select([x.id for x in resolve_sets(s, keys)])
