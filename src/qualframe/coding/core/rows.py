"""Fetching one row by its GUID, with the one sentence a user sees when it is gone (deleted
meanwhile, or by an undo)."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.core.errors import NotFoundError
from qualframe.storage.models import GuidMixin

Row = TypeVar("Row", bound=GuidMixin)


def row_by_guid(session: Session, model: type[Row], guid: str, what: str) -> Row:
    """The ``model`` row with ``guid``; ``That {what} no longer exists.`` when there is none."""
    row = session.scalar(select(model).where(model.guid == guid))
    if row is None:
        raise NotFoundError(f"That {what} no longer exists.")
    return row
