"""The append-only audit trail: who changed what, and when."""

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
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            entity=entity,
            entity_guid=entity_guid,
            details=details or None,
        )
    )


def events(session: Session, limit: int | None = None) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))
