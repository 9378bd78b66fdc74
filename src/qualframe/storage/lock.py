"""A writer lock beside the project file (``PROJECT.lock``), and a watch on the project file.

The lock is an OS advisory lock (``fcntl.flock`` / ``msvcrt.locking``) on the lock file, so it
is released by the kernel when the holding process dies — a crash never leaves a stale lock.
The file also records who holds it (user, host, pid, since) so a second process can say so.

Hardening (the lock file lies in a folder others may write to):

* it is opened with ``O_NOFOLLOW`` and must be a plain file with one name: a symbolic link,
  a hard link to another file or a folder is refused and never written or truncated;
* after locking, the name must still lead to the locked file (the inode is compared): a lock
  file deleted or replaced meanwhile is not trusted;
* on Linux the writer also holds an open-file-description lock on one byte of the project
  file itself, far beyond the bytes SQLite locks, so that a second writer is refused even
  when someone deleted the lock file while the first writer held it;
* :meth:`WriterLock.verify` (run before every unit of work) notices a lock file deleted or
  taken over, and a project file moved, renamed or replaced while it was open.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import json
import os
import socket
import stat
import struct
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qualframe.storage import holds
from qualframe.storage.errors import (
    DiskFullError,
    LockFileError,
    ProjectLockedError,
    ProjectReplacedError,
    ReadOnlyDiskError,
)

#: The byte of the project file the writer locks (SQLite locks bytes near 1 GiB only).
_GUARD_BYTE = 1 << 40


def lock_path_for(project: Path) -> Path:
    return project.with_name(project.name + ".lock")


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _guard_project(fd: int) -> bool | None:
    """Take the writer's byte lock on the project file: True when taken, False when another
    writer holds it, None where open-file-description locks do not exist."""
    if not sys.platform.startswith("linux"):
        return None
    import fcntl

    setlk = getattr(fcntl, "F_OFD_SETLK", None)
    if setlk is None:  # pragma: no cover - very old Pythons
        return None
    # struct flock: l_type, l_whence, l_start, l_len, l_pid (0 for OFD locks).
    data = struct.pack("hhxxxxqqixxxx", fcntl.F_WRLCK, os.SEEK_SET, _GUARD_BYTE, 1, 0)
    try:
        fcntl.fcntl(fd, setlk, data)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EAGAIN):
            return False
        return None  # a file system without such locks
    return True


def _unguard_project(fd: int) -> None:
    import fcntl

    setlk = getattr(fcntl, "F_OFD_SETLK", None)
    if setlk is None:  # pragma: no cover
        return
    data = struct.pack("hhxxxxqqixxxx", fcntl.F_UNLCK, os.SEEK_SET, _GUARD_BYTE, 1, 0)
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, setlk, data)


def read_holder(project: Path) -> dict[str, Any]:
    try:
        fd = os.open(lock_path_for(project), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return {}
    try:
        raw = os.read(fd, 4096).decode("utf-8", "replace")
        data = json.loads(raw or "{}")
    except (OSError, ValueError):
        return {}
    finally:
        os.close(fd)
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


def _identity(st: os.stat_result) -> tuple[int, int]:
    return (st.st_dev, st.st_ino)


class WriterLock:
    """Holds the writer lock for one project file until :meth:`release`."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.path = lock_path_for(project)
        self._fd: int | None = None
        self._held: holds.Identity | None = None
        self._guarded = False
        self._project_id: tuple[int, int] | None = None

    # -- taking the lock ------------------------------------------------------------------
    def _locked(self, holder: dict[str, Any] | None = None) -> ProjectLockedError:
        holder = read_holder(self.project) if holder is None else holder
        return ProjectLockedError(
            f"{self.project.name} is already open for writing by {describe_holder(holder)}; "
            "close it there or open it read-only.",
            holder,
        )

    def _open_lock_file(self) -> int:
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise LockFileError(
                    f"The lock file {self.path.name} is a symbolic link; Qualframe does not "
                    "follow it (remove it, then open the project again)."
                ) from None
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise ReadOnlyDiskError(
                    f"{self.project.name} is on a read-only disk or in a folder that cannot "
                    "be written, so it can be read but not changed; open it read-only."
                ) from None
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise DiskFullError(
                    f"{self.project.name} cannot be opened for writing because the disk is "
                    "full; free some space on that disk and try again."
                ) from None
            if exc.errno == errno.EISDIR:
                raise LockFileError(
                    f"The lock file {self.path.name} is a folder; remove it, then open the "
                    "project again."
                ) from None
            raise
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
            os.close(fd)
            raise LockFileError(
                f"The lock file {self.path.name} is not a plain file of its own (a link to "
                "another file?); it was left untouched — remove it, then open the project again."
            )
        return fd

    def acquire(self, *, remove_on_failure: bool = False) -> None:
        """Take the lock, or raise. ``remove_on_failure``: for a project being created, a
        lock file that could not be completed (a full disk) is deleted again."""
        for _attempt in range(5):
            fd = self._open_lock_file()
            if not _try_lock(fd):
                os.close(fd)
                raise self._locked()
            try:
                same = _identity(os.stat(self.path, follow_symlinks=False)) == _identity(
                    os.fstat(fd)
                )
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # deleted or replaced between open and lock: take the new one
        else:
            raise LockFileError(
                f"The lock file {self.path.name} keeps being replaced by another program; "
                "the project was not opened for writing."
            )
        try:
            self._guard(fd)
            self._write_holder(fd)
        except BaseException:
            self._fd = fd
            self.release(remove=remove_on_failure)
            raise
        self._fd = fd

    def _guard(self, lock_fd: int) -> None:
        if not self.project.exists():
            return  # a project being created: guarded by :meth:`adopt_project` later
        self.adopt_project()

    def adopt_project(self) -> None:
        """Remember which file the project is and hold it open (``storage.holds``); on
        Linux also lock a byte of it, so that another writer is refused even if the lock
        file is deleted."""
        ident = holds.hold(self.project)
        if ident is None:
            return
        if not holds.claim_writer(ident):
            holds.release(ident)
            raise self._locked({})
        held = holds.descriptor(ident)
        taken = _guard_project(held[0]) if held is not None and held[1] else None
        if taken is False:
            holds.drop_writer(ident)
            holds.release(ident)
            raise self._locked({})
        self._project_id = ident
        self._held = ident
        self._guarded = bool(taken)

    def _write_holder(self, fd: int) -> None:
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
        data = json.dumps(info).encode("utf-8")
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, data, 0)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise DiskFullError(
                    f"{self.project.name} cannot be opened for writing because the disk is "
                    "full; free some space on that disk and try again."
                ) from None
            raise

    # -- while holding it ---------------------------------------------------------------------
    def verify(self) -> None:
        """Raise :class:`ProjectReplacedError` when writing is no longer safe: the project file
        was moved, renamed or replaced, or another program took over the lock file. A lock
        file merely deleted is created again and locked."""
        if self._fd is None:
            return
        name = self.project.name
        if self._project_id is not None:
            try:
                now = _identity(os.stat(self.project))
            except OSError:
                now = None
            if now != self._project_id:
                raise ProjectReplacedError(
                    f"{name} was moved, renamed or replaced by another program while it was "
                    "open, so Qualframe stopped writing to it; nothing more was saved — close "
                    "it and open the project file again."
                )
        try:
            same = _identity(os.stat(self.path, follow_symlinks=False)) == _identity(
                os.fstat(self._fd)
            )
        except FileNotFoundError:
            same = False
        if same:
            return
        # The lock file was deleted or replaced: take the lock on what is there now.
        old = self._fd
        try:
            fd = self._open_lock_file()
        except (LockFileError, OSError):
            fd = None
        if fd is None or not _try_lock(fd):
            if fd is not None:
                os.close(fd)
            raise ProjectReplacedError(
                f"The lock file of {name} was removed and another program may now write to "
                "the project, so Qualframe stopped writing to it; nothing more was saved — "
                "close it and open the project again."
            )
        self._fd = fd
        os.close(old)
        self._write_holder(fd)

    def release(self, *, remove: bool = False) -> None:
        """Give the lock up. ``remove`` (for a project that was never created) also deletes
        the lock file while still holding it; a process that opened it meanwhile notices the
        changed inode after locking and takes the name's new file instead."""
        if self._fd is None:
            self._close_guard()
            return
        if remove:
            with contextlib.suppress(OSError):
                if _identity(os.stat(self.path, follow_symlinks=False)) == _identity(
                    os.fstat(self._fd)
                ):
                    self.path.unlink()
        try:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
        finally:
            # The file stays: unlinking it would let two processes lock different inodes.
            self._fd = None
            self._close_guard()

    def _close_guard(self) -> None:
        ident, self._held = self._held, None
        if ident is None:
            return
        held = holds.descriptor(ident)
        if self._guarded and held is not None:
            _unguard_project(held[0])  # others of this process may keep the file held
        self._guarded = False
        holds.drop_writer(ident)
        holds.release(ident)
