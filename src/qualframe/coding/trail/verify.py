"""Checking the audit trail's hash chain: intact, or the first event that was changed,
removed or inserted outside Qualframe (the chain itself is kept by ``storage.trail``).

The rows are read as stored (time and details as raw text), so an event edited into
something that no longer parses is reported like any other change, never as a crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, select, type_coerce

from qualframe.coding.core.project import Project
from qualframe.coding.trail.log import to_local
from qualframe.storage.models import AuditEvent
from qualframe.storage.trail import ChainBreak, check_chain


@dataclass(frozen=True)
class TrailCheck:
    events: int  # events checked (up to and including a broken one)
    total: int  # events in the trail
    head: str | None  # the hash of the last event (the trail's fingerprint)
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def sentence(self, *, with_hash: bool = True) -> str:
        if self.broken is None:
            if not self.total:
                return "The audit trail is empty, so there is nothing to verify."
            head = self.head or ""
            events = f"{self.total:,} event{'s' if self.total != 1 else ''}"
            text = f"The audit trail is intact: {events}, each chained to the one before it"
            return text + (f"; its last hash is {head[:16]}…{head[-8:]}." if with_hash else ".")
        b = self.broken
        when = f" ({to_local(b.at):%Y-%m-%d %H:%M})" if b.at is not None else ""
        if b.reason == "altered":
            why = "its content no longer matches its hash, so it was changed outside Qualframe"
        else:
            why = (
                "it does not follow the event before it, so events were removed, inserted or "
                "changed outside Qualframe"
            )
        return f"The audit trail is broken at event {b.event_id:,}{when}: {why}."


def _parse_at(raw: Any) -> datetime | None:
    if isinstance(raw, datetime):
        return raw
    try:
        return datetime.fromisoformat(str(raw))
    except (TypeError, ValueError):
        return None


_UNREADABLE = {"\u0000unreadable": True}  # never the details of a real event


def _parse_details(raw: Any) -> Any:
    if raw is None or isinstance(raw, dict):
        return raw
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return _UNREADABLE


def _rows(project: Project) -> Iterator[tuple[Any, ...]]:
    stmt = select(
        AuditEvent.id, type_coerce(AuditEvent.at, String), AuditEvent.actor, AuditEvent.action,
        AuditEvent.entity, AuditEvent.entity_guid, type_coerce(AuditEvent.details, String),
        AuditEvent.prev_hash, AuditEvent.hash,
    ).order_by(AuditEvent.id)  # fmt: skip
    with project.read() as s:
        for eid, at, actor, action, entity, guid, details, prev, digest in s.execute(stmt):
            yield (eid, _parse_at(at), actor, action, entity, guid, _parse_details(details),
                   prev, digest)  # fmt: skip


def verify_trail(project: Project) -> TrailCheck:
    """Walk the chain from the first event to the last."""
    rows = list(_rows(project))
    check = check_chain(rows)
    head = rows[-1][-1] if rows and check.intact else check.head
    return TrailCheck(check.events, len(rows), head, check.broken)
