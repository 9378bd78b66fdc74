"""One open descriptor per project file while this process uses it.

POSIX record locks belong to a process and a file, not to a descriptor: closing *any*
descriptor of the file drops *all* the locks the process holds on it — SQLite's included
("How To Corrupt An SQLite Database File", 2.2). A process that reads the header of a
project it has open (to refuse an export over it, to check it before a second open) with
``open()``/``close()`` would silently drop SQLite's locks, and another program could then
checkpoint and delete the WAL under the open project.

So every project file this process opens is *held*: one descriptor, opened when the first
user comes and closed after the last one has gone (after its engine was disposed).
Everything that reads such a file's bytes uses that descriptor (:func:`read_head`) and never
opens and closes the file itself. The writer's byte lock (``lock.WriterLock``) is taken on
it too.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

Identity = tuple[int, int]  # (device, inode)


@dataclass
class _Held:
    fd: int
    users: int
    writable: bool
    writer: bool = False  # a WriterLock of this process writes to the file


_HELD: dict[Identity, _Held] = {}
_LOCK = threading.Lock()


def identity_of(path: Path) -> Identity | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def hold(path: Path) -> Identity | None:
    """Hold ``path`` open (read-write when allowed) for one more user; its identity."""
    with _LOCK:
        ident = identity_of(path)
        if ident is not None and ident in _HELD:
            _HELD[ident].users += 1
            return ident
        cloexec = getattr(os, "O_CLOEXEC", 0)
        writable = True
        try:
            fd = os.open(path, os.O_RDWR | cloexec)
        except OSError:
            writable = False
            try:
                fd = os.open(path, os.O_RDONLY | cloexec)
            except OSError:
                return None
        st = os.fstat(fd)
        ident = (st.st_dev, st.st_ino)
        if ident in _HELD:  # (the name changed files between stat and open)
            _HELD[ident].users += 1
            os.close(fd)
            return ident
        _HELD[ident] = _Held(fd, 1, writable)
        return ident


def release(ident: Identity | None) -> None:
    """One user fewer; the descriptor is closed after the last (call after disposing the
    engine, so that no SQLite connection of this process is left on the file)."""
    if ident is None:
        return
    with _LOCK:
        held = _HELD.get(ident)
        if held is None:
            return
        held.users -= 1
        if held.users <= 0:
            del _HELD[ident]
            os.close(held.fd)


def descriptor(ident: Identity | None) -> tuple[int, bool] | None:
    """The held descriptor (and whether it is writable) of a held file."""
    with _LOCK:
        held = _HELD.get(ident) if ident is not None else None
        return (held.fd, held.writable) if held is not None else None


def read_head(path: Path, size: int) -> bytes | None:
    """The first ``size`` bytes of ``path`` through its held descriptor, or None when this
    process does not hold the file (then it may be opened and closed freely)."""
    with _LOCK:
        ident = identity_of(path)
        held = _HELD.get(ident) if ident is not None else None
        if held is None:
            return None
        if hasattr(os, "pread"):
            return os.pread(held.fd, size, 0)
        os.lseek(held.fd, 0, os.SEEK_SET)  # pragma: no cover - Windows (no pread)
        return os.read(held.fd, size)  # pragma: no cover


def claim_writer(ident: Identity | None) -> bool:
    """Mark the held file as written by this process; False when it already is (a second
    writer in one process, whose lock file was deleted under the first)."""
    with _LOCK:
        held = _HELD.get(ident) if ident is not None else None
        if held is None:
            return True
        if held.writer:
            return False
        held.writer = True
        return True


def drop_writer(ident: Identity | None) -> None:
    with _LOCK:
        held = _HELD.get(ident) if ident is not None else None
        if held is not None:
            held.writer = False
