"""The audit trail's integrity and the codebook's history, kept by the store on every session.

**Hash chain.** Every new ``AuditEvent`` gets ``prev_hash``, the hash of the event before it
(by id; None for the first), and ``hash``, the SHA-256 of a canonical JSON text of its own
content (time, actor, action, entity, GUID, details) together with ``prev_hash``. Changing an
event's content outside Qualframe makes its hash wrong; removing or inserting one makes the
next event's ``prev_hash`` point at something else. :func:`check_chain` finds the first such
event. (Removing the *latest* events leaves a shorter chain that is intact: compare the head
hash with one written down earlier, e.g. in a review report, to see that.)

**Codebook states.** Whenever a transaction adds, deletes or changes a code's name, parent,
definition, inclusion or exclusion criteria or example, a ``code_state`` event records the
code's whole state after the transaction (``{"state": {...}}`` or ``{"deleted": true}``), so
the codebook as it stood at any moment can be rebuilt from the (verifiable) trail. This is
done here, on every session, so no code path that changes codes can forget it; code paths
that delete codes with bulk SQL call :func:`touch_codes` first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from qualframe.storage.models import AuditEvent, Code, utcnow

HASH_VERSION = 1
STATE_ACTION = "code_state"
STATE_FIELDS = ("name", "parent", "position", "definition", "inclusion", "exclusion", "example")
_WATCHED = ("name", "parent_id", "definition", "inclusion", "exclusion", "example")
_TOUCHED = "qualframe_touched_codes"


# -- hashing --------------------------------------------------------------------------------
def normalise_details(details: Any) -> dict[str, Any] | None:
    """``details`` as it reads back from the JSON column (tuples become lists, keys text)."""
    if not details:
        return None
    out = json.loads(json.dumps(details, ensure_ascii=False))
    if not isinstance(out, dict):
        raise TypeError("audit event details must be a mapping")
    return out


def format_at(at: datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(sep=" ", timespec="microseconds")


def event_hash(
    prev_hash: str | None,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_guid: str | None,
    details: dict[str, Any] | None,
) -> str:
    """The SHA-256 (hex) of an event's content and its predecessor's hash."""
    content = [
        HASH_VERSION, prev_hash or "", format_at(at), actor, action, entity, entity_guid or "",
        details or None,
    ]  # fmt: skip
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    at: datetime | None
    reason: str  # "altered": content ≠ hash; "unlinked": prev_hash ≠ the hash before it


@dataclass(frozen=True)
class ChainCheck:
    events: int
    head: str | None  # the hash of the last event
    broken: ChainBreak | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


EventRow = Sequence[Any]  # id, at, actor, action, entity, entity_guid, details, prev, hash


def check_chain(rows: Iterable[EventRow]) -> ChainCheck:
    """Walk the events in id order; the first event whose link or content is wrong."""
    prev: str | None = None
    count = 0
    for row in rows:
        eid, at, actor, action, entity, guid, details, prev_hash, stored = row
        count += 1
        if (prev_hash or None) != prev:
            return ChainCheck(count, stored, ChainBreak(int(eid), at, "unlinked"))
        if at is None or stored != event_hash(prev_hash, at, actor, action, entity, guid, details):
            return ChainCheck(count, stored, ChainBreak(int(eid), at, "altered"))
        prev = stored
    return ChainCheck(count, prev)


def last_hash(session: Session) -> str | None:
    stmt = select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    return session.connection().execute(stmt).scalar()


def chained_rows(session: Session, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` for a Core ``INSERT`` into ``audit_events`` (``actor``, ``action``,
    ``entity``, ``entity_guid``, ``details``), each given its time, ``prev_hash`` and ``hash``
    so that they continue the chain as ORM-added events do. Pending ORM events are flushed
    first, so that the chain runs on from the last event in the database; insert the rows
    before anything else adds an event."""
    session.flush()
    prev = last_hash(session)
    out = []
    for row in rows:
        at = row.get("at") or utcnow()
        if at.tzinfo is not None:
            at = at.astimezone(UTC).replace(tzinfo=None)
        details = normalise_details(row.get("details"))
        guid = row.get("entity_guid")
        digest = event_hash(
            prev, at, str(row["actor"]), str(row["action"]), str(row["entity"]), guid, details
        )
        out.append({**row, "at": at, "details": details, "prev_hash": prev, "hash": digest})
        prev = digest
    return out


def _chain_new_events(session: Session, _ctx: Any, _instances: Any) -> None:
    new = [o for o in session.new if isinstance(o, AuditEvent)]
    if not new:
        return
    new.sort(key=lambda o: getattr(inspect(o), "insert_order", 0) or 0)
    prev = last_hash(session)
    for ev in new:
        ev.at = ev.at or utcnow()
        if ev.at.tzinfo is not None:
            ev.at = ev.at.astimezone(UTC).replace(tzinfo=None)
        ev.details = normalise_details(ev.details)
        ev.prev_hash = prev
        ev.hash = event_hash(
            prev, ev.at, ev.actor, ev.action, ev.entity, ev.entity_guid, ev.details
        )
        prev = ev.hash


# -- codebook states ---------------------------------------------------------------------------
def code_state(row: Any, parent_guid: str | None) -> dict[str, Any]:
    """A code's recorded state (``row`` has the Code columns)."""
    return {
        "name": row.name, "parent": parent_guid, "position": int(row.position or 0),
        "definition": row.definition or "", "inclusion": row.inclusion or "",
        "exclusion": row.exclusion or "", "example": row.example or "",
    }  # fmt: skip


def touch_codes(session: Session, guids: Iterable[str]) -> None:
    """Record the state of these codes when the transaction commits (for bulk SQL that the
    ORM does not see, e.g. deleting many codes at once)."""
    session.info.setdefault(_TOUCHED, {}).update(dict.fromkeys(g for g in guids if g))


def _subtree_guids(session: Session, root_ids: set[int]) -> list[str]:
    rows = session.connection().execute(select(Code.id, Code.parent_id, Code.guid)).all()
    children: dict[int | None, list[int]] = {}
    guid_of: dict[int, str] = {}
    for cid, pid, guid in rows:
        children.setdefault(pid, []).append(cid)
        guid_of[cid] = guid
    out: list[str] = []
    stack = list(root_ids)
    while stack:
        cid = stack.pop()
        if cid in guid_of:
            out.append(guid_of[cid])
        stack.extend(children.get(cid, []))
    return out


def _note_deleted_codes(session: Session, _ctx: Any, _instances: Any) -> None:
    # Sub-codes go by the database's ON DELETE CASCADE, unseen by the ORM: note them now.
    ids = {o.id for o in session.deleted if isinstance(o, Code) and o.id is not None}
    if ids:
        touch_codes(session, _subtree_guids(session, ids))


def _note_changed_codes(session: Session, _ctx: Any) -> None:
    guids: list[str] = []
    for obj in session.new:
        if isinstance(obj, Code):
            guids.append(obj.guid)
    for obj in session.dirty:
        if isinstance(obj, Code):
            state = inspect(obj)
            if any(state.attrs[f].history.has_changes() for f in _WATCHED):
                guids.append(obj.guid)
    if guids:
        touch_codes(session, guids)


def _record_code_states(session: Session) -> None:
    session.flush()  # before_commit comes before the commit's own flush
    touched = list(session.info.pop(_TOUCHED, {}))
    if not touched:
        return
    with session.no_autoflush:
        conn = session.connection()
        codes = conn.execute(
            select(Code.id, Code.guid, Code.parent_id, Code.name, Code.position, Code.definition,
                   Code.inclusion, Code.exclusion, Code.example)
        ).all()  # fmt: skip
        guid_of = {r.id: r.guid for r in codes}
        current = {r.guid: r for r in codes}
        last: dict[str, Any] = {}
        for i in range(0, len(touched), 500):
            chunk = touched[i : i + 500]
            for guid, recorded in conn.execute(
                select(AuditEvent.entity_guid, AuditEvent.details)
                .where(AuditEvent.action == STATE_ACTION, AuditEvent.entity_guid.in_(chunk))
                .order_by(AuditEvent.id)
            ):
                last[guid] = recorded or {}
        actor = str(session.info.get("actor") or "unknown")
        for guid in touched:
            row = current.get(guid)
            before = last.get(guid)
            if row is None:
                if before is None or before.get("deleted"):
                    continue  # never recorded (e.g. added and removed in one transaction)
                details: dict[str, Any] = {"deleted": True}
            else:
                state = code_state(row, guid_of.get(row.parent_id) if row.parent_id else None)
                if before is not None and before.get("state") == state:
                    continue
                details = {"state": state}
            session.add(
                AuditEvent(
                    actor=actor, action=STATE_ACTION, entity="code", entity_guid=guid,
                    details=details,
                )
            )  # fmt: skip


def install(factory: sessionmaker[Session]) -> None:
    from sqlalchemy import event

    event.listen(factory, "before_flush", _note_deleted_codes)
    event.listen(factory, "after_flush", _note_changed_codes)
    event.listen(factory, "before_commit", _record_code_states)
    event.listen(factory, "before_flush", _chain_new_events)
