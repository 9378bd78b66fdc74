"""Rules the store enforces on every session, whatever the caller.

The audit trail is append-only: an ``AuditEvent`` may be added, never changed or deleted.
This is checked in the ORM (portable to any database); bulk SQL that bypasses the ORM is not
used on that table anywhere in Qualframe. Each new event is chained to the one before it by
its hash, and changes to codes are recorded as codebook states (``storage.trail``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from qualframe.storage.errors import ProjectError
from qualframe.storage.models import AuditEvent


class AuditTrailError(ProjectError):
    pass


def _check_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj):
            raise AuditTrailError("The audit trail is append-only; its events cannot be changed.")
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AuditTrailError("The audit trail is append-only; its events cannot be deleted.")


def install(factory: sessionmaker[Session]) -> None:
    from qualframe.storage import trail

    event.listen(factory, "before_flush", _check_flush)
    trail.install(factory)  # the hash chain and the codebook states
