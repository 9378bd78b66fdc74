"""Several coders on one server project: nothing is overwritten silently.

Codes and segments carry a row version (schema 0011), raised with every update. Two checks
use it:

* **Seen version** (a command given the version the coder's view showed): when the row has
  moved on since, the command is refused with one sentence naming who changed it and how it
  reads now; the view then refreshes (the refused change carries ``Change.codebook``).
* **Undo is per coder**: a command remembers the audit event of its own change; undoing (or
  redoing) it after another coder changed the row is refused, so one coder's undo never
  takes back another coder's work.

A race between two transactions that read the same version is caught by the database itself
(``UPDATE … WHERE version = :read`` matches no row; ``storage`` raises
:class:`~qualframe.storage.errors.ConcurrentChangeError`).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.core.changes import Change
from qualframe.coding.core.errors import ConflictError
from qualframe.storage.models import AuditEvent, Code, Segment


def last_actor(session: Session, guid: str) -> str | None:
    """Who made the latest audited change to the entity ``guid``."""
    return session.scalar(
        select(AuditEvent.actor)
        .where(AuditEvent.entity_guid == guid)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def _describe(row: Code | Segment) -> str:
    if isinstance(row, Code):
        return f'the code now named "{row.name}"'
    return "that coded segment"


def expect_seen(session: Session, row: Code | Segment, seen: int | None, action: str) -> None:
    """Refuse ``action`` when the row's version is not the one the coder saw."""
    if seen is None or row.version == seen:
        return
    who = last_actor(session, row.guid) or "another coder"
    raise ConflictError(
        f"{who} changed {_describe(row)} after you last saw it, so your {action} was not "
        "saved; the view now shows their version."
    )


def changed_by_other(session: Session, guid: str, after_event: int, me: str) -> str | None:
    """Who (other than ``me``) made an audited change to ``guid`` after the audit event
    ``after_event``; None when nobody did."""
    return session.scalar(
        select(AuditEvent.actor)
        .where(AuditEvent.entity_guid == guid, AuditEvent.id > after_event, AuditEvent.actor != me)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


class VersionGuard:
    """What a command remembers to apply the two checks: the version its coder saw (for the
    first ``do``) and the audit event of its own last ``do``/``undo`` (undo and redo are
    refused when another coder changed the row after it; this coder's own later changes,
    undone first by the linear undo history, do not count)."""

    def __init__(self, seen: int | None = None) -> None:
        self.seen = seen
        self.mine: int | None = None  # id of the audit event our last do/undo wrote

    def before_do(self, session: Session, row: Code | Segment, action: str, me: str) -> None:
        if self.mine is not None:  # a redo: nobody else may have changed it since our undo
            self._refuse_if_other(session, row, f"undone {action}", me)
        else:
            expect_seen(session, row, self.seen, action)

    def before_undo(self, session: Session, row: Code | Segment, action: str, me: str) -> None:
        self._refuse_if_other(session, row, action, me)

    def _refuse_if_other(self, session: Session, row: Code | Segment, action: str, me: str) -> None:
        if self.mine is None:
            return
        who = changed_by_other(session, row.guid, self.mine, me)
        if who is not None:
            raise ConflictError(
                f"{who} changed {_describe(row)} after your {action}, so it was not undone "
                "(undo never takes back another coder's work)."
            )

    def after(self, session: Session, row: Code | Segment) -> None:
        session.flush()
        self.mine = session.scalar(
            select(func.max(AuditEvent.id)).where(AuditEvent.entity_guid == row.guid)
        )


def is_conflict(exc: BaseException) -> bool:
    """Was this refusal caused by another coder's change (so the view should refresh)?"""
    from qualframe.storage.errors import ConcurrentChangeError

    return isinstance(exc, ConflictError | ConcurrentChangeError)


def refresh_change(action: str = "refresh") -> Change:
    """A change that makes every view read the project again (another coder's work arrived
    in a way that names no single code, segment or document)."""
    return Change(
        action,
        codebook=True,
        document_list=True,
        participants=True,
        memos=True,
        document_sets=True,
    )
