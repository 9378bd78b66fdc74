"""Live updates between coders on one server project, and the state of the connection.

Every change a client commits through the undo history is announced on the server's change
channel (``LISTEN``/``NOTIFY``, ``storage.server``) as a small JSON description of its
:class:`~qualframe.coding.core.changes.Change`. A :class:`ChangeFeed` in each other client
turns those back into ``Change`` objects, which the GUI emits exactly like its own, so the
views update what changed and keep the reader's selection and scroll position.

Polling is the fallback: when no notification can arrive (the listener's connection is
down, or a change was made by a client that did not announce it, such as a script), the
feed compares the newest audit event with the last one it knew every few seconds and asks
for a full refresh when it moved.

Losing the connection: the feed notices it at the next poll (or when a write fails), marks
the project offline (:meth:`Project.set_offline`: every write is refused with one sentence;
nothing is queued) and retries; once the server answers again the project is writable and
the views refresh.
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from qualframe.coding.core.changes import Change
from qualframe.coding.core.concurrency import refresh_change
from qualframe.coding.core.project import Project
from qualframe.storage import server as server_store
from qualframe.storage.errors import ConnectionLostError
from qualframe.storage.models import AuditEvent


def encode(change: Change, origin: str, coder: str) -> str:
    """The JSON payload announcing ``change`` (a refresh-everything note when too long)."""
    data: dict[str, Any] = {"o": origin, "by": coder}
    for f in dataclasses.fields(Change):
        value = getattr(change, f.name)
        if isinstance(value, frozenset):
            if value:
                data[f.name] = sorted(value)
        elif value not in (False, None):
            data[f.name] = value
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode("utf-8")) > server_store.MAX_PAYLOAD:
        text = json.dumps({"o": origin, "by": coder, "action": change.action, "all": True})
    return text


def decode(payload: str) -> tuple[str, str, Change] | None:
    """(origin, coder, change) from a payload; None for one this version cannot read."""
    try:
        data = json.loads(payload)
        origin, coder = str(data.pop("o")), str(data.pop("by", ""))
        if data.pop("all", False):
            return origin, coder, refresh_change(str(data.get("action", "refresh")))
        known = {f.name for f in dataclasses.fields(Change)}
        kwargs: dict[str, Any] = {
            k: (frozenset(v) if isinstance(v, list) else v) for k, v in data.items() if k in known
        }
        return origin, coder, Change(**kwargs)
    except (ValueError, KeyError, TypeError):
        return None


def announce(project: Project, change: Change) -> None:
    """Tell the other clients of a server project about ``change`` (already committed).
    A project file has no other clients; a failed announcement is left to their polling."""
    if not project.on_server:
        return
    payload = encode(change, project.session_id, project.coder)
    try:
        with project.db.engine.begin() as conn:
            server_store.notify(conn, payload)
    except DBAPIError:
        pass  # committed all the same; the others' polling will find it


class ChangeFeed:
    """The changes other clients make to a server project, and the connection's state.

    Call :meth:`poll` often (the GUI: every half second, ``timeout=0``). It returns the
    changes that arrived; :attr:`online` and :attr:`message` say whether the server answers.
    """

    #: How often the newest audit event is compared (the polling fallback), in seconds.
    POLL_EVERY = 3.0
    #: How often a lost server is tried again, in seconds.
    RETRY_EVERY = 2.0

    def __init__(self, project: Project) -> None:
        self.project = project
        self.online = True
        self.message = ""
        self._listener: server_store.ChannelListener | None = None
        self._last_event = 0
        self._next_check = 0.0
        self._next_retry = 0.0
        self._connect()

    def _connect(self) -> None:
        self._listener = server_store.ChannelListener(self.project.db.server_url)
        self._last_event = self._newest_event()
        self._next_check = time.monotonic() + self.POLL_EVERY

    def _newest_event(self) -> int:
        with self.project.read() as s:
            return int(s.scalar(select(func.max(AuditEvent.id))) or 0)

    def poll(self, timeout: float = 0.0) -> list[Change]:
        """The other clients' changes that arrived (waiting up to ``timeout`` seconds for
        the first); on a lost connection, [] and the project goes offline until it is back."""
        if not self.online:
            return self._retry()
        try:
            return self._receive(timeout)
        except Exception as exc:  # psycopg or SQLAlchemy: the server went away
            self._lose(exc)
            return []

    def _receive(self, timeout: float) -> list[Change]:
        assert self._listener is not None
        out: list[Change] = []
        for payload in self._listener.wait(timeout):
            decoded = decode(payload)
            if decoded is None:
                out.append(refresh_change())
            elif decoded[0] != self.project.session_id:
                out.append(decoded[2])
        now = time.monotonic()
        if out or now >= self._next_check:
            newest = self._newest_event()
            if newest > self._last_event and not out and now >= self._next_check:
                # Changes that came without a notification (a client that did not announce
                # them, or one lost in transit).
                out.append(refresh_change())
            self._last_event = max(self._last_event, newest)
            self._next_check = now + self.POLL_EVERY
        return out

    def _lose(self, exc: BaseException) -> None:
        self.online = False
        name = self.project.name
        why = server_store.describe_error(exc, name) or f"The server of {name} is gone."
        self.message = (
            f"{why.rstrip('.')}: changes are refused until it is back (nothing is queued); "
            "retrying."
        )
        self.project.set_offline(self.message)
        self.close()
        self._next_retry = time.monotonic() + self.RETRY_EVERY

    def _retry(self) -> list[Change]:
        now = time.monotonic()
        if now < self._next_retry:
            return []
        self._next_retry = now + self.RETRY_EVERY
        try:
            self.project.db.engine.dispose()  # the pool's connections died with the server
            self._connect()
        except Exception:
            self.close()
            return []
        self.online = True
        self.message = f"The connection to {self.project.name} is back."
        self.project.set_offline(None)
        return [refresh_change("reconnected")]

    def noticed_loss(self, exc: ConnectionLostError) -> None:
        """A write failed because the connection was lost: go offline now, not at the next
        poll."""
        if self.online:
            self._lose(exc)

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None


def new_origin() -> str:
    return uuid.uuid4().hex
