"""A writer lock beside the project file (``PROJECT.lock``).

The lock is an OS advisory lock (``fcntl.flock`` / ``msvcrt.locking``) on the lock file, so it
is released by the kernel when the holding process dies — a crash never leaves a stale lock.
The file also records who holds it (user, host, pid, since) so a second process can say so.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from qualframe.storage.errors import ProjectLockedError


def lock_path_for(project: Path) -> Path:
    return project.with_name(project.name + ".lock")


def _try_lock(fh: IO[str]) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def read_holder(project: Path) -> dict[str, Any]:
    try:
        data = json.loads(lock_path_for(project).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def describe_holder(holder: dict[str, Any]) -> str:
    if not holder:
        return "another process"
    return "{user}@{host} (process {pid}, since {since})".format(
        user=holder.get("user", "?"),
        host=holder.get("host", "?"),
        pid=holder.get("pid", "?"),
        since=holder.get("since", "?"),
    )


class WriterLock:
    """Holds the writer lock for one project file until :meth:`release`."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.path = lock_path_for(project)
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        if not _try_lock(fh):
            fh.close()
            holder = read_holder(self.project)
            raise ProjectLockedError(
                f"{self.project.name} is already open for writing by {describe_holder(holder)}; "
                "close it there or open it read-only.",
                holder,
            )
        try:
            user = getpass.getuser()
        except Exception:
            user = "unknown"
        info = {
            "user": user,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        }
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps(info))
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is None:
            return
        try:
            self._fh.seek(0)
            self._fh.truncate()
            self._fh.close()
        finally:
            # The file stays: unlinking it would let two processes lock different inodes.
            self._fh = None
