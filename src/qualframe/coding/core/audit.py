"""The append-only audit trail: who changed what, and when.

Events recorded while an undo or redo runs (``Project.history_step``) carry ``undo`` or
``redo`` and the ``step`` undone; a step that records nothing else records itself, so an
undo always appears in the trail as its own event. The store chains every event to the one
before it by its hash (``storage.trail``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.storage.models import AuditEvent


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_guid: str | None = None,
    **details: Any,
) -> None:
    step = session.info.get("step")
    if step is not None:
        kind, text = step
        details.setdefault(kind, True)
        details.setdefault("step", text)
    session.info["audit_count"] = session.info.get("audit_count", 0) + 1
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            entity=entity,
            entity_guid=entity_guid,
            details=details or None,
        )
    )


def close_unit(session: Session) -> None:
    """At the end of a unit of work: an undo or redo that recorded nothing records itself."""
    step = session.info.get("step")
    if step is not None and not session.info.get("audit_count"):
        record(session, str(session.info.get("actor") or "unknown"), step[0], "history", None)


def events(session: Session, limit: int | None = None) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))
